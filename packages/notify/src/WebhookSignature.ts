/**
 * The generic webhook's signature: `X-Ir-Signature: sha256=<hex>`, the HMAC-SHA256 of the exact
 * request body under the channel's shared secret. Receivers verify it over the raw bytes before
 * parsing, compare in constant time, and use the body's `id` (also the `Idempotency-Key` header)
 * to ignore retries they already processed. `sentAt` in the (signed) body bounds replays.
 *
 * @example
 * ```ts
 * import { WebhookSignature } from "@ir/notify"
 * // in the receiver, with the raw body as a Buffer or string:
 * if (!WebhookSignature.verify(secret, rawBody, request.headers["x-ir-signature"])) {
 *   response.writeHead(401).end()
 * }
 * ```
 */
import { createHmac, timingSafeEqual } from "node:crypto"

/**
 * The signature header's value for a body.
 *
 * @example
 * ```ts
 * import { WebhookSignature } from "@ir/notify"
 * WebhookSignature.signatureHeader("a-shared-secret-value", '{"id":"x"}') // "sha256=…"
 * ```
 */
export const signatureHeader = (secret: string, body: string | Uint8Array): string =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`

/**
 * Whether a signature header matches the body, in constant time.
 *
 * @example
 * ```ts
 * import { WebhookSignature } from "@ir/notify"
 * WebhookSignature.verify("a-shared-secret-value", body, header) // true or false
 * ```
 */
export const verify = (
  secret: string,
  body: string | Uint8Array,
  header: string | ReadonlyArray<string> | undefined,
): boolean => {
  const value = Array.isArray(header) ? header[0] : header
  if (typeof value !== "string") return false
  const expected = Buffer.from(signatureHeader(secret, body))
  const actual = Buffer.from(value)
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
