import * as Effect from "effect/Effect"
import { type Cancellation, promised } from "./Cancellation.js"
import { failureOf, ProbeFailure } from "./ProbeFailure.js"

type Undici = typeof import("undici")

let undiciModule: Promise<Undici> | undefined
let undiciLoaded: Undici | undefined
/** undici, loaded on first use (importing @ir/diagnostics stays cheap). */
export const loadUndici = (): Promise<Undici> => {
  undiciModule ??= import("undici").then((module) => {
    undiciLoaded = module
    return module
  })
  return undiciModule
}

/** Whether undici is loaded already (the runner then need not wait for it). */
export const isUndiciLoaded = (): boolean => undiciLoaded !== undefined

export interface HttpRequest {
  readonly url: string
  readonly method?: "GET" | "HEAD" | "POST"
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  /** Read at most this many bytes of the body (default 1 MiB); the rest is discarded. */
  readonly maxBytes?: number
  /** The target as shown in messages (redacted). */
  readonly what: string
}

export interface HttpAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The media type without parameters, lower-case (`application/health+json`). */
  readonly contentType?: string
  readonly body: Buffer
  readonly truncated: boolean
  /** From sending the request until the body was read. */
  readonly latencyMs: number
}

export interface HttpClient {
  readonly request: (request: HttpRequest) => Effect.Effect<HttpAnswer, ProbeFailure>
  /**
   * The same request as a promise that rejects with a `ProbeFailure`, aborted by `cancellation`:
   * for several requests at once in one promise, without a fiber each.
   */
  readonly send: (request: HttpRequest, cancellation: Cancellation) => Promise<HttpAnswer>
}

const flattenHeaders = (
  headers: Record<string, string | Array<string> | undefined>,
): Record<string, string> => {
  const flat: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined)
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value
  }
  return flat
}

type ResponseData = Awaited<ReturnType<Undici["request"]>>

/** At most `limit` bytes of a body of unknown length; the rest is discarded and the body closed. */
const readAtMost = (
  body: ResponseData["body"],
  limit: number,
): Promise<{ readonly body: Buffer; readonly truncated: boolean }> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    // Events rather than an async iterator: the iterator costs more than the small answer.
    body.on("data", (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        chunks.push(chunk.subarray(0, limit - size))
        size = limit
        body.removeAllListeners("data")
        body.pause()
        resolve({ body: Buffer.concat(chunks, size), truncated: true })
        body.destroy()
        return
      }
      chunks.push(chunk)
      size += chunk.length
    })
    body.once("end", () => resolve({ body: Buffer.concat(chunks, size), truncated: false }))
    // Also after a truncation, where closing the body early is reported as an error.
    body.on("error", reject)
  })

const answerOf = async (
  response: ResponseData,
  limit: number,
  started: number,
): Promise<HttpAnswer> => {
  const declared = Number(response.headers["content-length"] ?? Number.NaN)
  // The usual small answer of a declared length is read at once, without a stream.
  const { body, truncated } =
    declared <= limit
      ? { body: Buffer.from(await response.body.arrayBuffer()), truncated: false }
      : await readAtMost(response.body, limit)
  const latencyMs = performance.now() - started
  const headers = flattenHeaders(response.headers)
  const contentType = headers["content-type"]?.split(";")[0]?.trim().toLowerCase()
  return {
    status: response.statusCode,
    headers,
    ...(contentType === undefined || contentType === "" ? {} : { contentType }),
    body,
    truncated,
    latencyMs,
  }
}

/**
 * The client of a loaded undici. Connections come from one process-wide undici Agent, as from
 * undici's global dispatcher: kept alive between runs (an embedded health endpoint that probes
 * every few seconds reuses them), unreferenced when idle (they never keep a CLI from exiting).
 * Every request is aborted when its fiber is interrupted (the probe's timeout), which also
 * bounds connecting; the abort goes through a {@link Cancellation}, not an AbortController each.
 */
const makeHttpClient = (undici: Undici): HttpClient => {
  const agent = new undici.Agent({ keepAliveTimeout: 4000 })
  const send = (request: HttpRequest, cancellation: Cancellation): Promise<HttpAnswer> => {
    const failed = (error: unknown): never => {
      throw failureOf(error, request.what, "connection-reset")
    }
    try {
      const started = performance.now()
      return undici
        .request(request.url, {
          method: request.method ?? "GET",
          ...(request.headers === undefined ? {} : { headers: request.headers }),
          ...(request.body === undefined ? {} : { body: request.body }),
          dispatcher: agent,
          signal: cancellation,
        })
        .then((response) => answerOf(response, request.maxBytes ?? 1024 * 1024, started))
        .catch(failed)
    } catch (error) {
      return Promise.reject(failureOf(error, request.what, "connection-reset"))
    }
  }
  const request = (request: HttpRequest) =>
    promised(
      (cancellation) => send(request, cancellation),
      (error) =>
        error instanceof ProbeFailure ? error : failureOf(error, request.what, "connection-reset"),
    )
  return { request, send }
}

let client: HttpClient | undefined

/**
 * The process-wide HTTP client. Once undici is loaded (the runner loads it before any probe's
 * clock starts) this is an immediate value: a probe pays nothing to get it.
 */
export const httpClient = (): Effect.Effect<HttpClient, ProbeFailure> => {
  if (client === undefined && undiciLoaded !== undefined) client = makeHttpClient(undiciLoaded)
  if (client !== undefined) return Effect.succeed(client)
  return Effect.tryPromise({
    try: () => loadUndici(),
    catch: (error) => failureOf(error, "loading undici"),
  }).pipe(
    Effect.map((undici) => {
      client ??= makeHttpClient(undici)
      return client
    }),
  )
}
