import * as Effect from "effect/Effect"
import { failureOf, type ProbeFailure } from "./ProbeFailure.js"

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
}

const flattenHeaders = (
  headers: Record<string, string | Array<string> | undefined>,
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined
        ? []
        : [[name.toLowerCase(), Array.isArray(value) ? value.join(", ") : value]],
    ),
  )

/**
 * The client of a loaded undici. Connections come from one process-wide undici Agent, as from
 * undici's global dispatcher: kept alive between runs (an embedded health endpoint that probes
 * every few seconds reuses them), unreferenced when idle (they never keep a CLI from exiting).
 * Every request is aborted when its fiber is interrupted (the probe's timeout), which also
 * bounds connecting.
 */
const makeHttpClient = (undici: Undici): HttpClient => {
  const agent = new undici.Agent({ keepAliveTimeout: 4000 })
  const request = (request: HttpRequest) =>
    Effect.tryPromise({
      try: async (signal) => {
        const started = performance.now()
        const response = await undici.request(request.url, {
          method: request.method ?? "GET",
          ...(request.headers === undefined ? {} : { headers: { ...request.headers } }),
          ...(request.body === undefined ? {} : { body: request.body }),
          dispatcher: agent,
          signal,
        })
        const limit = request.maxBytes ?? 1024 * 1024
        const declared = Number(response.headers["content-length"] ?? Number.NaN)
        let body: Buffer
        let truncated = false
        if (declared <= limit) {
          // The usual small answer of a declared length: read at once, without a stream iterator.
          body = Buffer.from(await response.body.arrayBuffer())
        } else {
          const chunks: Array<Buffer> = []
          let size = 0
          for await (const chunk of response.body) {
            const buffer = chunk as Buffer
            if (size + buffer.length > limit) {
              chunks.push(buffer.subarray(0, limit - size))
              size = limit
              truncated = true
              response.body.destroy()
              break
            }
            chunks.push(buffer)
            size += buffer.length
          }
          body = Buffer.concat(chunks)
        }
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
        } satisfies HttpAnswer
      },
      catch: (error) => failureOf(error, request.what, "connection-reset"),
    })
  return { request }
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
