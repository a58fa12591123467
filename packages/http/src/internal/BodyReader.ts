/** The request body exceeds the limit. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the body exceeds ${limit} bytes`)
  }
}

/**
 * Reads a request body up to `limit` bytes: a declared `Content-Length` over the limit is refused
 * before reading, and a streamed body is cancelled as soon as it passes the limit.
 */
export const readBody = async (request: Request, limit: number): Promise<Uint8Array> => {
  const declared = request.headers.get("content-length")
  if (declared !== null && Number(declared) > limit) throw new BodyTooLarge(limit)
  if (request.body === null) return new Uint8Array()
  const chunks: Array<Uint8Array> = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      throw new BodyTooLarge(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}
