/**
 * A request with a body as plain data: what the node adapter hands the Alertmanager receiver
 * instead of a Fetch `Request` (building one, with its headers, stream and abort signal, cost a
 * tenth of `ir serve`'s CPU in an alert storm). A Fetch `Request` becomes one with
 * {@link plainRequestOf}.
 */
import { BodyTooLarge, readBody } from "./internal/BodyReader.js"

/**
 * The parts of a request the receiver reads.
 *
 * @example
 * ```ts
 * import type { PlainRequest } from "@ir/http"
 * const request: PlainRequest = {
 *   method: "POST",
 *   headers: new Headers({ "content-type": "application/json" }),
 *   body: async () => new TextEncoder().encode("{}"),
 * }
 * ```
 */
export interface PlainRequest {
  readonly method: string
  /** Header values by case-insensitive name, several joined with ", " (as Fetch's `Headers`). */
  readonly headers: { get(name: string): string | null }
  /**
   * Reads the whole body, refusing one past `limit` bytes: rejects with `BodyTooLarge` (before
   * reading when the declared length is over it), or with the error that ended the read.
   */
  readonly body: (limit: number) => Promise<Uint8Array>
}

export { BodyTooLarge }

/**
 * A Fetch `Request` as a plain request.
 *
 * @example
 * ```ts
 * import { plainRequestOf } from "@ir/http"
 * const plain = plainRequestOf(new Request("http://localhost/", { method: "POST", body: "{}" }))
 * plain.method // "POST"
 * ```
 */
export const plainRequestOf = (request: Request): PlainRequest => ({
  method: request.method,
  headers: request.headers,
  body: (limit) => readBody(request, limit),
})
