/**
 * The HTTP probes: the health endpoint (`curl -v …/health`), the model's prediction endpoint
 * (`curl -X POST …/predict` with the configured sample) and the data source's health (`curl -I`).
 * They use undici; connection failures (refused, reset, DNS, TLS, not HTTP) are findings with a
 * cause, never exceptions.
 *
 * @example
 * ```ts
 * import { runProbes } from "@ir/diagnostics"
 * const run = await runProbes(
 *   { http: { health: { url: "http://localhost:8000/health" } } },
 *   { probes: ["http.health"] },
 * )
 * run.results[0]?.status // "ok" | "warn" | "critical" | "unknown"
 * ```
 */
import { JsonDepth } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { DiagnosticsConfig, HttpEndpoint } from "./DiagnosticsConfig.js"
import type { HttpAnswer, HttpRequest } from "./internal/HttpClient.js"
import type { ProbeFailure } from "./internal/ProbeFailure.js"
import {
  formatSeconds,
  graded,
  type OptionDoc,
  type ProbeContext,
  type ProbeImplementation,
  type ProbeReport,
  precise,
  type SignalEntry,
  signal,
} from "./internal/ProbeKit.js"
import { redactText, redactUrl } from "./internal/Redaction.js"
import { type Measurement, type ProbeStatus, worstStatus } from "./ProbeResult.js"

const plainHeaders = (
  headers: HttpEndpoint["headers"],
  defaults: Record<string, string>,
): Record<string, string> => ({
  ...defaults,
  ...Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name.toLowerCase(),
      Redacted.value(value),
    ]),
  ),
})

const statusClass = (status: number): ProbeStatus =>
  status >= 400 ? "critical" : status >= 300 ? "warn" : "ok"

const latencyOf = (context: ProbeContext, answer: HttpAnswer) =>
  graded(context, "http.latency_seconds", {
    name: "latency",
    value: precise(answer.latencyMs / 1000),
    unit: "s",
    min: 0,
  })

const unreachable = (
  failure: ProbeFailure,
  signals: ReadonlyArray<SignalEntry>,
  what: string,
): ProbeReport => ({
  status: "critical",
  summary: `${what} unreachable: ${failure.message}`,
  signals,
  cause: { reason: failure.reason, message: failure.message },
})

/** application/health+json `status` values and their aliases (draft-inadarei-api-health-check). */
const healthStatus = (value: unknown): "pass" | "warn" | "fail" | undefined => {
  if (typeof value !== "string") return undefined
  const status = value.toLowerCase()
  if (status === "pass" || status === "ok" || status === "up") return "pass"
  if (status === "warn") return "warn"
  if (status === "fail" || status === "error" || status === "down") return "fail"
  return undefined
}

interface HealthCheck {
  readonly key: string
  readonly componentId?: string
  readonly status?: string
  readonly observedValue?: unknown
  readonly observedUnit?: string
  readonly output?: string
}

const healthChecks = (body: Record<string, unknown>): ReadonlyArray<HealthCheck> => {
  const checks = body.checks
  if (checks === null || typeof checks !== "object" || Array.isArray(checks)) return []
  return Object.entries(checks as Record<string, unknown>).flatMap(([key, entries]) =>
    (Array.isArray(entries) ? entries : [entries]).flatMap((entry) => {
      if (entry === null || typeof entry !== "object") return []
      const record = entry as Record<string, unknown>
      return [
        {
          key,
          ...(typeof record.componentId === "string" ? { componentId: record.componentId } : {}),
          ...(typeof record.status === "string" ? { status: record.status } : {}),
          ...(record.observedValue === undefined ? {} : { observedValue: record.observedValue }),
          ...(typeof record.observedUnit === "string" ? { observedUnit: record.observedUnit } : {}),
          ...(typeof record.output === "string" ? { output: redactText(record.output) } : {}),
        },
      ]
    }),
  )
}

/** How deep an answer may nest: health documents nest four levels (checks, key, entry, value). */
const maxJsonDepth = 32

/**
 * Checks kept in the details, and failing checks named in the summary (the others are counted):
 * a health document of thousands of checks makes a summary line and details no one can read.
 */
const maxChecksKept = 100
const maxChecksNamed = 5

const parseJson = (
  body: Buffer,
):
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string } => {
  let value: unknown
  try {
    value = JSON.parse(body.toString("utf8"))
  } catch {
    return { ok: false, reason: "not JSON" }
  }
  // Checked before anything walks it: a body of thousands of nested arrays would overflow the
  // stack of every recursive step after this one, and the probe would end without a result.
  return JsonDepth.exceeds(value, maxJsonDepth)
    ? { ok: false, reason: `JSON nested deeper than ${maxJsonDepth} levels` }
    : { ok: true, value }
}

const snippet = (body: Buffer, length = 300): string => {
  const text = body.toString("utf8").replace(/\s+/g, " ").trim()
  return redactText(text.length > length ? `${text.slice(0, length)}…` : text)
}

const phrase = (answer: HttpAnswer) =>
  `HTTP ${answer.status} in ${formatSeconds(answer.latencyMs / 1000)}`

/** The configuration key of each HTTP probe's endpoint and how it is named. */
const endpoints = {
  "http.health": { key: "health", label: "health endpoint", signal: "http.health" },
  "http.predict": { key: "predict", label: "prediction endpoint", signal: "http.predict" },
  "http.data-source": { key: "dataSource", label: "data source", signal: "http.data_source" },
} as const

type HttpProbeId = keyof typeof endpoints
type EndpointOf<Id extends HttpProbeId> = NonNullable<
  NonNullable<DiagnosticsConfig["http"]>[(typeof endpoints)[Id]["key"]]
>

/**
 * The shape of every HTTP probe: one request to the configured endpoint, an endpoint that cannot
 * be reached reported critical with `<signal>.reachable = false` (also when it does not answer in
 * time), and the answer graded by `grade`. The options and measurements every endpoint shares are
 * documented here.
 */
const endpointProbe = <Id extends HttpProbeId>(spec: {
  readonly id: Id
  readonly requires: string
  readonly options: ReadonlyArray<OptionDoc>
  /** What the latency measures (the whole response, or until the headers). */
  readonly latency: string
  readonly unknownWhen: string
  readonly request: (endpoint: EndpointOf<Id>) => Pick<HttpRequest, "method" | "headers" | "body">
  readonly grade: (
    endpoint: EndpointOf<Id>,
    answer: HttpAnswer,
    latency: ReturnType<typeof latencyOf>,
  ) => ProbeReport
}): ProbeImplementation => {
  const { key, label, signal: prefix } = endpoints[spec.id]
  const endpointOf = (config: DiagnosticsConfig) => config.http?.[key] as EndpointOf<Id> | undefined
  const notAnswering = [signal(`${prefix}.reachable`, false)]
  return {
    id: spec.id,
    target: (config) => {
      const endpoint = endpointOf(config)
      return endpoint === undefined ? undefined : redactUrl(endpoint.url)
    },
    requires: spec.requires,
    noAnswer: () => notAnswering,
    options: [
      ...spec.options,
      {
        path: `http.${key}.timeout`,
        description: "Timeout of this probe (overrides `timeouts`).",
      },
      {
        path: `http.${key}.headers`,
        description: "Request headers (values are secrets, kept redacted).",
      },
    ],
    measurements: [
      {
        name: "latency",
        unit: "s",
        description: spec.latency,
        threshold: "http.latency_seconds",
      },
      { name: "status_code", description: "HTTP status." },
    ],
    thresholds: ["http.latency_seconds"],
    unknownWhen: spec.unknownWhen,
    run: (context) =>
      Effect.flatMap(context.http, (http) => {
        const endpoint = endpointOf(context.config)!
        const what = `${label} ${redactUrl(endpoint.url)}`
        return http.request({ url: endpoint.url, ...spec.request(endpoint), what }).pipe(
          Effect.match({
            // An endpoint that does not answer says nothing about what it serves (for predict:
            // `http.predict.ok` stays unobserved, and system-down explains it).
            onFailure: (failure) => unreachable(failure, notAnswering, what),
            onSuccess: (answer) => spec.grade(endpoint, answer, latencyOf(context, answer)),
          }),
        )
      }),
  }
}

/**
 * `http.health`: GET the health endpoint.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["http.health"] })
 * ```
 */
export const healthProbe: ProbeImplementation = endpointProbe({
  id: "http.health",
  requires: "http.health.url",
  options: [
    {
      path: "http.health.url",
      description: "The health endpoint.",
      default: "http://localhost:8000/health",
    },
  ],
  latency: "Time until the whole response was read.",
  unknownWhen: "no answer within the timeout (the endpoint is then also reported unreachable)",
  request: (endpoint) => ({
    headers: plainHeaders(endpoint.headers, {
      accept: "application/health+json, application/json;q=0.9, */*;q=0.1",
    }),
  }),
  grade: (_endpoint, answer, latency) => {
    const observations: Array<Measurement> = [
      latency.measurement,
      { name: "status_code", value: answer.status },
    ]
    const signals = [
      signal("http.health.reachable", true),
      signal("http.health.status_code", answer.status),
      signal("http.health.latency_seconds", latency.measurement.value),
    ]
    const statuses: Array<ProbeStatus> = [statusClass(answer.status), latency.status]
    const details: Record<string, unknown> = { statusCode: answer.status }
    let health = ""
    const healthJson =
      answer.contentType === "application/health+json" || answer.contentType === "application/json"
    if (healthJson) {
      const parsed = parseJson(answer.body)
      if (parsed.ok && parsed.value !== null && typeof parsed.value === "object") {
        const body = parsed.value as Record<string, unknown>
        const status = healthStatus(body.status)
        if (status !== undefined) {
          signals.push(signal("http.health.status", status))
          statuses.push(status === "pass" ? "ok" : status === "warn" ? "warn" : "critical")
          const checks = healthChecks(body)
          const failing = checks.filter((check) => healthStatus(check.status) !== "pass")
          if (answer.contentType === "application/health+json" && !answer.truncated)
            details.body = body
          details.health = {
            status,
            ...(typeof body.version === "string" ? { version: body.version } : {}),
            ...(typeof body.output === "string" ? { output: redactText(body.output) } : {}),
            checks: checks.slice(0, maxChecksKept),
            ...(checks.length > maxChecksKept
              ? { checksLeftOut: checks.length - maxChecksKept }
              : {}),
          }
          const named = failing
            .slice(0, maxChecksNamed)
            .map((check) => `${check.key} ${check.status ?? "?"}`)
            .join(", ")
          const more =
            failing.length > maxChecksNamed ? ` and ${failing.length - maxChecksNamed} more` : ""
          health = `, status ${status}${
            failing.length > 0
              ? ` (${named}${more})`
              : checks.length > 0
                ? ` (${checks.length} checks pass)`
                : ""
          }`
        }
      } else if (answer.contentType === "application/health+json") {
        details.body = snippet(answer.body)
        health = `, body is not valid application/health+json${parsed.ok ? "" : ` (${parsed.reason})`}`
        statuses.push("warn")
      }
    }
    if (health === "" && answer.status >= 400) details.body = snippet(answer.body)
    return {
      status: worstStatus(statuses),
      summary: `${phrase(answer)}${health}`,
      observations,
      signals,
      details,
    }
  },
})

/** The shape of a JSON value, one level deep: `{ prediction: "number", scores: "array" }`. */
const shapeOf = (value: unknown): unknown => {
  const kind = (inner: unknown) =>
    inner === null ? "null" : Array.isArray(inner) ? "array" : typeof inner
  if (value === null || typeof value !== "object" || Array.isArray(value)) return kind(value)
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, kind(inner)]))
}

/**
 * `http.predict`: POST the configured sample to the prediction endpoint.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["http.predict"] })
 * ```
 */
export const predictProbe: ProbeImplementation = endpointProbe({
  id: "http.predict",
  requires: "http.predict.url and http.predict.sample",
  options: [
    {
      path: "http.predict.url",
      description: "The prediction endpoint.",
      default: "http://localhost:8000/predict",
    },
    {
      path: "http.predict.sample",
      description: "The JSON document to POST.",
      default: '{"temperature": 25.0, "pressure": 1013.25, "humidity": 60.0, "vibration": 0.1}',
    },
    { path: "http.predict.expect.status", description: "The status expected.", default: "any 2xx" },
    {
      path: "http.predict.expect.fields",
      description: "Top-level fields the JSON answer must have.",
      default: "none",
    },
  ],
  latency: "Time until the whole response was read.",
  unknownWhen: "no answer within the timeout",
  request: (endpoint) => ({
    method: "POST",
    headers: plainHeaders(endpoint.headers, {
      "content-type": "application/json",
      accept: "application/json",
    }),
    body: JSON.stringify(endpoint.sample),
  }),
  grade: (endpoint, answer, latency) => {
    const problems: Array<string> = []
    const expectedStatus = endpoint.expect?.status
    if (
      expectedStatus === undefined
        ? answer.status < 200 || answer.status > 299
        : answer.status !== expectedStatus
    )
      problems.push(`expected HTTP ${expectedStatus ?? "2xx"}`)
    const parsed = parseJson(answer.body)
    let shape: unknown
    if (!parsed.ok) problems.push(`the answer is ${parsed.reason}`)
    else {
      shape = shapeOf(parsed.value)
      const fields = endpoint.expect?.fields ?? []
      const record =
        parsed.value !== null && typeof parsed.value === "object" && !Array.isArray(parsed.value)
          ? (parsed.value as Record<string, unknown>)
          : undefined
      const missing = fields.filter((field) => record === undefined || !(field in record))
      if (missing.length > 0) problems.push(`missing field ${missing.join(", ")}`)
    }
    const ok = problems.length === 0
    return {
      status: ok ? latency.status : "critical",
      summary: `${phrase(answer)}${ok ? ", prediction returned" : `: ${problems.join("; ")}`}`,
      observations: [latency.measurement, { name: "status_code", value: answer.status }],
      signals: [
        signal("http.predict.reachable", true),
        signal("http.predict.ok", ok),
        signal("http.predict.status_code", answer.status),
        signal("http.predict.latency_seconds", latency.measurement.value),
      ],
      details: {
        statusCode: answer.status,
        ...(shape === undefined ? {} : { shape }),
        ...(ok ? {} : { problems, body: snippet(answer.body) }),
      },
    }
  },
})

/**
 * `http.data-source`: HEAD the data source's health URL.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["http.data-source"] })
 * ```
 */
export const dataSourceProbe: ProbeImplementation = endpointProbe({
  id: "http.data-source",
  requires: "http.dataSource.url",
  options: [
    {
      path: "http.dataSource.url",
      description: "The data source's health URL (the seed's `http://data-source-api/health`).",
    },
  ],
  latency: "Time until the response headers.",
  unknownWhen: "no answer within the timeout",
  request: (endpoint) => ({ method: "HEAD", headers: plainHeaders(endpoint.headers, {}) }),
  grade: (_endpoint, answer, latency) => {
    // 405: the server does not take HEAD, but it answered.
    const answered = answer.status === 405 ? "ok" : statusClass(answer.status)
    const httpStatus: ProbeStatus =
      answer.status >= 500 ? "critical" : answered === "critical" ? "warn" : answered
    return {
      status: worstStatus([httpStatus, latency.status]),
      summary: phrase(answer),
      observations: [latency.measurement, { name: "status_code", value: answer.status }],
      signals: [signal("http.data_source.reachable", answer.status < 500)],
      details: { statusCode: answer.status },
    }
  },
})
