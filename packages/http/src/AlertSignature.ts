/**
 * The receiver's HMAC scheme, for relays that sign what they forward (Alertmanager itself sends a
 * bearer token, not a signature):
 *
 * - `X-Ir-Timestamp`: the time of sending, in whole seconds since the Unix epoch;
 * - `X-Ir-Signature: sha256=<hex>`: HMAC-SHA256 under the shared secret of the timestamp, a dot
 *   and the exact body bytes (`${timestamp}.${body}`).
 *
 * The receiver refuses a timestamp further than the tolerance (default 300 s) from its clock, so a
 * captured notification (a `resolved` one, say) cannot be replayed later; the signature covers the
 * timestamp, so it cannot be moved.
 *
 * @example
 * ```ts
 * import { signAlertNotification } from "@ir/http"
 * const body = JSON.stringify({ version: "4" })
 * const headers = signAlertNotification("a-shared-secret", body, new Date())
 * // fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })
 * ```
 */
import { createHmac } from "node:crypto"
import { safeEqual } from "./internal/Secret.js"

/** Default tolerance between the sender's timestamp and the receiver's clock, in seconds. */
export const defaultSignatureToleranceSeconds = 300

const signature = (secret: string, timestamp: string, body: string | Uint8Array): string =>
  `sha256=${createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex")}`

/**
 * The two headers that sign a notification's body at a time.
 *
 * @example
 * ```ts
 * import { signAlertNotification } from "@ir/http"
 * signAlertNotification("a-shared-secret", "{}", new Date(0))
 * // { "x-ir-timestamp": "0", "x-ir-signature": "sha256=…" }
 * ```
 */
export const signAlertNotification = (
  secret: string,
  body: string | Uint8Array,
  at: Date,
): { readonly "x-ir-timestamp": string; readonly "x-ir-signature": string } => {
  const timestamp = String(Math.floor(at.getTime() / 1000))
  return { "x-ir-timestamp": timestamp, "x-ir-signature": signature(secret, timestamp, body) }
}

/**
 * Why a signature was refused, or `"valid"`.
 *
 * @example
 * ```ts
 * import type { SignatureVerdict } from "@ir/http"
 * const verdict: SignatureVerdict = "stale"
 * ```
 */
export type SignatureVerdict = "valid" | "missing" | "stale" | "mismatch"

/**
 * Checks a notification's signature headers against its body, in constant time, and its timestamp
 * against the receiver's clock.
 *
 * @example
 * ```ts
 * import { signAlertNotification, verifyAlertSignature } from "@ir/http"
 * const headers = new Headers(signAlertNotification("s3cret", "{}", new Date()))
 * verifyAlertSignature("s3cret", headers, "{}", new Date()) // "valid"
 * ```
 */
export const verifyAlertSignature = (
  secret: string,
  headers: { get(name: string): string | null },
  body: string | Uint8Array,
  now: Date,
  toleranceSeconds: number = defaultSignatureToleranceSeconds,
): SignatureVerdict => {
  const timestamp = headers.get("x-ir-timestamp")?.trim()
  const given = headers.get("x-ir-signature")?.trim().toLowerCase()
  if (timestamp === undefined || given === undefined || !/^\d{1,12}$/.test(timestamp))
    return "missing"
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return "stale"
  return safeEqual(given, signature(secret, timestamp, body)) ? "valid" : "mismatch"
}
