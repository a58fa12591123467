/** RFC 9457 problem details: every error response of the handler and the receiver. */
export const problemMediaType = "application/problem+json"

/**
 * A response as plain data: what `IrHandler.respond` returns for the routes that need no body.
 *
 * @example
 * ```ts
 * import type { PlainResponse } from "@ir/http"
 * const write = (res: import("node:http").ServerResponse, plain: PlainResponse) => {
 *   res.writeHead(plain.status, plain.headers)
 *   res.end(plain.body)
 * }
 * ```
 */
export interface PlainResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A plain response with its `Content-Length` (so Node sends it whole, not chunked). */
export const plainResponse = (
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
): PlainResponse => ({
  status,
  headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
  body,
})

/** A problem as a plain response (the node adapter writes it without building a `Response`). */
export const plainProblem = (
  status: number,
  title: string,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
): PlainResponse =>
  plainResponse(
    status,
    { "content-type": problemMediaType, "cache-control": "no-store", ...headers },
    JSON.stringify({ type: "about:blank", title, status, detail }),
  )

/** A plain response as a Fetch `Response`. */
export const toResponse = (plain: PlainResponse): Response =>
  new Response(plain.body, { status: plain.status, headers: plain.headers })

/** A problem as a Fetch `Response`. */
export const problem = (status: number, title: string, detail: string): Response =>
  toResponse(plainProblem(status, title, detail))
