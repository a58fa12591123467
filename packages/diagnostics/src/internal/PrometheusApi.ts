import type * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { PrometheusSection } from "../DiagnosticsConfig.js"
import { type Cancellation, promised } from "./Cancellation.js"
import type { HttpClient } from "./HttpClient.js"
import { failureOf, ProbeFailure } from "./ProbeFailure.js"
import { redactText, redactUrl } from "./Redaction.js"

/** One series of an instant vector or a range matrix. */
export interface Series {
  readonly metric: Readonly<Record<string, string>>
  /** `[unix seconds, value]`; NaN and ±Inf are kept as numbers. */
  readonly values: ReadonlyArray<readonly [number, number]>
}

export interface QueryAnswer {
  readonly series: ReadonlyArray<Series>
  /** A scalar result's value. */
  readonly scalar?: number
  readonly warnings: ReadonlyArray<string>
}

export interface PrometheusApi {
  readonly target: string
  readonly query: (expr: string) => Effect.Effect<QueryAnswer, ProbeFailure>
  readonly queryRange: (
    expr: string,
    range: { readonly start: number; readonly end: number; readonly step: number },
  ) => Effect.Effect<QueryAnswer, ProbeFailure>
  /** `GET path` of the API as parsed JSON `data` (for `/api/v1/targets`). */
  readonly get: (path: string) => Effect.Effect<ApiData, ProbeFailure>
  /**
   * The same as promises that reject with a `ProbeFailure`: for several calls at once in one
   * promise, without a fiber each.
   */
  readonly send: {
    readonly query: (expr: string, cancellation: Cancellation) => Promise<QueryAnswer>
    readonly get: (path: string, cancellation: Cancellation) => Promise<ApiData>
  }
}

/** An API answer's `data` and its warnings. */
export interface ApiData {
  readonly data: unknown
  readonly warnings: ReadonlyArray<string>
}

/** Prometheus writes sample values as strings: `"0.5"`, `"NaN"`, `"+Inf"`. */
export const sampleValue = (text: unknown): number => {
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY
  if (text === "-Inf") return Number.NEGATIVE_INFINITY
  return typeof text === "string" ? Number(text) : Number.NaN
}

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')

/** The label matchers every query of a configuration carries: `job="…"` and `selector`. */
export const selectorMatchers = (section: PrometheusSection): ReadonlyArray<string> => {
  const matchers: Array<string> = []
  if (section.job !== undefined) matchers.push(`job="${escapeLabel(section.job)}"`)
  const extra = section.selector
    ?.trim()
    .replace(/^\{|\}$/g, "")
    .trim()
  if (extra) matchers.push(extra)
  return matchers
}

/** `metric{matchers…}` (no braces when there are none). */
export const vectorSelector = (metric: string, matchers: ReadonlyArray<string>): string =>
  matchers.length === 0 ? metric : `${metric}{${matchers.join(",")}}`

const snippet = (body: Buffer): string => {
  const text = body.toString("utf8").replace(/\s+/g, " ").trim()
  return redactText(text.length > 160 ? `${text.slice(0, 160)}…` : text)
}

const parseSeries = (
  resultType: unknown,
  result: unknown,
): { series: Array<Series>; scalar?: number } | undefined => {
  if (resultType === "scalar" && Array.isArray(result))
    return { series: [], scalar: sampleValue(result[1]) }
  if (!Array.isArray(result)) return undefined
  if (resultType !== "vector" && resultType !== "matrix") return undefined
  const series: Array<Series> = []
  for (const entry of result) {
    if (entry === null || typeof entry !== "object") return undefined
    const record = entry as { metric?: unknown; value?: unknown; values?: unknown }
    const metric = (record.metric ?? {}) as Record<string, string>
    const raw = resultType === "vector" ? [record.value] : record.values
    if (!Array.isArray(raw)) return undefined
    const values: Array<readonly [number, number]> = []
    for (const pair of raw) {
      if (!Array.isArray(pair)) return undefined
      values.push([Number(pair[0]), sampleValue(pair[1])])
    }
    series.push({ metric, values })
  }
  return { series }
}

/**
 * The Prometheus HTTP API over undici. Tells apart what can go wrong: not answering, an HTTP
 * error without the API's JSON (a proxy, a 5xx), a body that is not the API's, and the API's own
 * `status: "error"` with its `errorType` (400 `bad_data`, 422 `execution`, 503 `timeout`).
 */
export const makePrometheusApi = (section: PrometheusSection, http: HttpClient): PrometheusApi => {
  const base = section.url.endsWith("/") ? section.url : `${section.url}/`
  const target = redactUrl(section.url)
  const headers = {
    accept: "application/json",
    ...Object.fromEntries(
      Object.entries(section.headers ?? {}).map(([name, value]) => [
        name.toLowerCase(),
        Redacted.value(value),
      ]),
    ),
  }
  const call = async (
    path: string,
    params: Record<string, string>,
    what: string,
    cancellation: Cancellation,
  ): Promise<ApiData> => {
    const url = new URL(path, base)
    for (const name in params) url.searchParams.set(name, params[name]!)
    const answer = await http.send(
      { url: url.toString(), headers, what: `Prometheus at ${target}` },
      cancellation,
    )
    let json: unknown
    try {
      json = JSON.parse(answer.body.toString("utf8"))
    } catch {
      json = undefined
    }
    const envelope =
      json !== null && typeof json === "object" && "status" in json
        ? (json as {
            status: unknown
            data?: unknown
            errorType?: unknown
            error?: unknown
            warnings?: unknown
          })
        : undefined
    if (envelope === undefined) {
      throw new ProbeFailure(
        answer.status >= 400
          ? {
              reason: "http-status",
              message: `Prometheus at ${target} answered HTTP ${answer.status} to ${what}${answer.body.length > 0 ? `: ${snippet(answer.body)}` : ""}`,
            }
          : {
              reason: "bad-response",
              message: `Prometheus at ${target} did not answer ${what} with the API's JSON (HTTP ${answer.status}${answer.contentType === undefined ? "" : `, ${answer.contentType}`}: ${snippet(answer.body) || "empty body"})`,
            },
      )
    }
    const warnings = Array.isArray(envelope.warnings)
      ? envelope.warnings.map((warning) => redactText(String(warning)))
      : []
    if (envelope.status !== "success") {
      const errorType = typeof envelope.errorType === "string" ? envelope.errorType : "unknown"
      const error = typeof envelope.error === "string" ? redactText(envelope.error) : "no message"
      throw new ProbeFailure({
        reason: "api-error",
        message: `Prometheus at ${target} rejected ${what} (HTTP ${answer.status}, ${errorType}): ${error}`,
      })
    }
    return { data: envelope.data, warnings }
  }
  const parsed = (expr: string, answer: ApiData): QueryAnswer => {
    const data = answer.data as { resultType?: unknown; result?: unknown } | undefined
    const result = parseSeries(data?.resultType, data?.result)
    if (result === undefined)
      throw new ProbeFailure({
        reason: "bad-response",
        message: `Prometheus at ${target} answered ${expr} with data that is not a query result`,
      })
    return { ...result, warnings: answer.warnings }
  }
  const failure = (error: unknown) =>
    error instanceof ProbeFailure ? error : failureOf(error, `Prometheus at ${target}`)
  const query = (expr: string, cancellation: Cancellation) =>
    call("api/v1/query", { query: expr }, `the query ${expr}`, cancellation).then((answer) =>
      parsed(expr, answer),
    )
  const get = (path: string, cancellation: Cancellation) => call(path, {}, path, cancellation)
  return {
    target,
    query: (expr) => promised((cancellation) => query(expr, cancellation), failure),
    queryRange: (expr, range) =>
      promised(
        (cancellation) =>
          call(
            "api/v1/query_range",
            {
              query: expr,
              start: String(range.start),
              end: String(range.end),
              step: String(range.step),
            },
            `the range query ${expr}`,
            cancellation,
          ).then((answer) => parsed(expr, answer)),
        failure,
      ),
    get: (path) => promised((cancellation) => get(path, cancellation), failure),
    send: { query, get },
  }
}
