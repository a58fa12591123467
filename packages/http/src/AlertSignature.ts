/**
 * The signature a relay puts on the notifications it forwards to the Alertmanager receiver, when
 * it authenticates with a shared secret (`auth.hmacSecret`) rather than a bearer token. Alertmanager
 * itself cannot sign (its webhook sends a bearer token); this is for proxies and senders that can.
 *
 * Two headers, like Stripe's and Slack's request signing:
 *
 * - `X-Ir-Timestamp: <unix seconds>`: when the request was signed;
 * - `X-Ir-Signature: sha256=<hex>`: the HMAC-SHA256, under the shared secret, of the timestamp, a
 *   dot and the raw body (`1764324000.{"version":"4",…}`).
 *
 * The receiver refuses a signature whose timestamp is further than the tolerance (5 minutes by
 * default) from its own clock, either way: a captured notification (a `resolved` one would mark
 * the incident mitigated again) cannot be replayed later, and its timestamp cannot be changed
 * without the secret.
 *
 * @example
 * ```ts
 * import { AlertSignature } from "@ir/http"
 * const body = JSON.stringify(notification)
 * await fetch("https://ir.example.com/alerts/alertmanager", {
 *   method: "POST",
 *   headers: {
 *     "content-type": "application/json",
 *     ...AlertSignature.sign(process.env.IR_ALERTS_HMAC_SECRET ?? "", body, new Date()),
 *   },
 *   body,
 * })
 * ```
 */
import { createHmac } from "node:crypto"
import { safeEqual } from "./internal/Secret.js"

/** The header with the signing time, in seconds since the Unix epoch. */
export const timestampHeader = "x-ir-timestamp"

/** The header with the signature, `sha256=<hex>`. */
export const signatureHeader = "x-ir-signature"

/** The default tolerance between the signing time and the receiver's clock: 5 minutes. */
export const defaultToleranceMs = 5 * 60 * 1000

const digest = (secret: string, timestamp: string, body: string | Uint8Array): string =>
  `sha256=${createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex")}`

/**
 * The two headers that sign `body` at time `at`.
 *
 * @example
 * ```ts
 * import { AlertSignature } from "@ir/http"
 * AlertSignature.sign("a-shared-secret", '{"version":"4"}', new Date("2026-11-28T10:00:00Z"))
 * // { "x-ir-timestamp": "1764324000", "x-ir-signature": "sha256=…" }
 * ```
 */
export const sign = (
  secret: string,
  body: string | Uint8Array,
  at: Date,
): { readonly "x-ir-timestamp": string; readonly "x-ir-signature": string } => {
  const timestamp = String(Math.floor(at.getTime() / 1000))
  return { [timestampHeader]: timestamp, [signatureHeader]: digest(secret, timestamp, body) }
}

/**
 * Whether a request's signature holds, and if not, why (for the 401's detail; it never contains
 * the secret or the expected signature).
 *
 * @example
 * ```ts
 * import { AlertSignature } from "@ir/http"
 * const check = AlertSignature.verify("a-shared-secret", rawBody, {
 *   timestamp: request.headers.get("x-ir-timestamp"),
 *   signature: request.headers.get("x-ir-signature"),
 * }, { now: new Date() })
 * if (!check.valid) console.log(check.reason)
 * ```
 */
export const verify = (
  secret: string,
  body: string | Uint8Array,
  headers: { readonly timestamp: string | null; readonly signature: string | null },
  options: { readonly now: Date; readonly toleranceMs?: number },
): { readonly valid: true } | { readonly valid: false; readonly reason: string } => {
  if (headers.signature === null) return { valid: false, reason: "X-Ir-Signature is missing" }
  const timestamp = headers.timestamp?.trim() ?? ""
  if (!/^\d{1,12}$/.test(timestamp))
    return {
      valid: false,
      reason:
        "X-Ir-Timestamp must be the signing time in Unix seconds, and is missing or not a number",
    }
  const toleranceMs = options.toleranceMs ?? defaultToleranceMs
  const skewMs = Math.abs(options.now.getTime() - Number(timestamp) * 1000)
  if (skewMs > toleranceMs)
    return {
      valid: false,
      reason: `X-Ir-Timestamp is ${Math.round(skewMs / 1000)} s away from the receiver's clock (at most ${Math.round(toleranceMs / 1000)} s): a replayed or delayed notification, or a clock out of sync`,
    }
  return safeEqual(headers.signature.trim().toLowerCase(), digest(secret, timestamp, body))
    ? { valid: true }
    : { valid: false, reason: "X-Ir-Signature does not match the timestamp and the body" }
}
