// One HTTP POST with a deadline, classified into the outcomes the retry loop understands.
import type { AttemptContext, AttemptResult } from "./attempt.js"
import { excerpt, scrub, summarizeCause } from "./redact.js"
import { parseRetryAfter } from "./retry.js"

const maxBodyBytes = 16 * 1024

export interface HttpAnswer {
  readonly status: number
  readonly headers: Record<string, string | ReadonlyArray<string> | undefined>
  readonly body: string
}

const readBody = async (body: AsyncIterable<Buffer | Uint8Array>): Promise<string> => {
  const chunks: Array<Buffer> = []
  let size = 0
  for await (const chunk of body) {
    const buffer = Buffer.from(chunk)
    chunks.push(buffer)
    size += buffer.length
    if (size >= maxBodyBytes) break
  }
  return Buffer.concat(chunks).subarray(0, maxBodyBytes).toString("utf8")
}

/** POSTs `body`; see {@link send}. */
export const post = (
  url: string,
  body: string,
  headers: Record<string, string>,
  context: AttemptContext,
  secrets: ReadonlyArray<string>,
  judge: (answer: HttpAnswer) => AttemptResult,
): Promise<AttemptResult> => send("POST", url, body, headers, context, secrets, judge)

/**
 * Sends `body` with the method and hands the answer to `judge` (success or a failure of the peer's kind); network
 * errors, timeouts, 429 and 5xx become retryable failures, other 4xx final ones.
 */
export const send = async (
  method: "POST" | "PUT" | "PATCH",
  url: string,
  body: string,
  headers: Record<string, string>,
  context: AttemptContext,
  secrets: ReadonlyArray<string>,
  judge: (answer: HttpAnswer) => AttemptResult,
): Promise<AttemptResult> => {
  const deadline = AbortSignal.timeout(context.timeoutMs)
  const signal =
    context.signal === undefined ? deadline : AbortSignal.any([deadline, context.signal])
  let answer: HttpAnswer
  try {
    // undici loads on the first delivery: a command that only reads the configuration never needs it.
    const { request } = await import("undici")
    const response = await request(url, {
      method,
      headers,
      body,
      signal,
      headersTimeout: context.timeoutMs,
      bodyTimeout: context.timeoutMs,
    })
    answer = {
      status: response.statusCode,
      headers: response.headers,
      body: await readBody(response.body),
    }
  } catch (error) {
    const cause = summarizeCause(error, secrets)
    if (context.signal?.aborted) {
      return {
        ok: false,
        failure: { reason: "aborted", detail: "the caller cancelled it", retryable: false, cause },
      }
    }
    const code = (error as { code?: unknown }).code
    if (deadline.aborted || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return {
        ok: false,
        failure: {
          reason: "timeout",
          detail: `no answer within ${context.timeoutMs} ms`,
          retryable: true,
          cause,
        },
      }
    }
    return {
      ok: false,
      failure: {
        reason: "network",
        detail: cause.message,
        retryable: true,
        cause,
      },
    }
  }
  const detail = excerpt(scrub(answer.body, secrets))
  if (answer.status === 429) {
    const retryAfterMs = parseRetryAfter(answer.headers["retry-after"], Date.now())
    return {
      ok: false,
      failure: {
        reason: "rate-limited",
        status: 429,
        detail,
        retryable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    }
  }
  if (answer.status >= 500) {
    const retryAfterMs = parseRetryAfter(answer.headers["retry-after"], Date.now())
    return {
      ok: false,
      failure: {
        reason: "server-error",
        status: answer.status,
        detail,
        retryable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    }
  }
  if (answer.status >= 400) {
    return {
      ok: false,
      failure: { reason: "rejected", status: answer.status, detail, retryable: false },
    }
  }
  if (answer.status < 200 || answer.status >= 300) {
    return {
      ok: false,
      failure: { reason: "invalid-response", status: answer.status, detail, retryable: false },
    }
  }
  return judge({ ...answer, body: scrub(answer.body, secrets) })
}
