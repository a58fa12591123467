/**
 * The Prometheus probes: whether the application is scraped at all ("Grafana showing no
 * metrics"), its 5xx ratio over 5 minutes (and for how long it has held), p95 latency from the
 * duration histogram, memory, and any named query. Through the HTTP API with undici.
 *
 * "No data" (no series) is never read as zero: it is `unknown` with the cause `no-data`, while a
 * service with no traffic reports its request rate as 0 and no error ratio.
 *
 * @example
 * ```ts
 * import { runProbes } from "@ir/diagnostics"
 * const run = await runProbes(
 *   { prometheus: { url: "http://localhost:9090", job: "app" } },
 *   { probes: ["prometheus.error-rate"] },
 * )
 * run.observations.find((o) => o.signal === "api.error_ratio")?.value
 * ```
 */
import type { Observation } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { DiagnosticsConfig } from "./DiagnosticsConfig.js"
import { promised } from "./internal/Cancellation.js"
import { failureOf, ProbeFailure } from "./internal/ProbeFailure.js"
import {
  forEachConcurrently,
  formatBytes,
  formatRatio,
  formatSeconds,
  graded,
  levelsOf,
  type OptionDoc,
  type ProbeContext,
  type ProbeImplementation,
  type ProbeReport,
  precise,
  signal,
} from "./internal/ProbeKit.js"
import {
  makePrometheusApi,
  type PrometheusApi,
  type QueryAnswer,
  selectorMatchers,
  vectorSelector,
} from "./internal/PrometheusApi.js"
import { redactUrl } from "./internal/Redaction.js"
import { type Measurement, type ProbeStatus, worstStatus } from "./ProbeResult.js"

const metricNames = (config: DiagnosticsConfig) => ({
  requests: config.prometheus?.metrics?.requests ?? "http_requests_total",
  duration: config.prometheus?.metrics?.duration ?? "http_request_duration_seconds",
  memory: config.prometheus?.metrics?.memory ?? "memory_usage_bytes",
})

const target = (config: DiagnosticsConfig) =>
  config.prometheus === undefined ? undefined : redactUrl(config.prometheus.url)

const api = (context: ProbeContext): Effect.Effect<PrometheusApi, ProbeFailure> =>
  Effect.map(context.http, (http) => makePrometheusApi(context.config.prometheus!, http))

const commonOptions: ReadonlyArray<OptionDoc> = [
  {
    path: "prometheus.url",
    description: "The Prometheus server.",
    default: "http://localhost:9090",
  },
  {
    path: "prometheus.job",
    description: 'The application\'s scrape job; every query is limited to `job="…"`.',
  },
  {
    path: "prometheus.selector",
    description: 'Extra label matchers for every query, e.g. `env="prod"`.',
  },
  {
    path: "prometheus.headers",
    description: "Request headers such as `Authorization` (kept redacted).",
  },
]

const matchersOf = (config: DiagnosticsConfig) => selectorMatchers(config.prometheus!)

const warningsNote = (warnings: ReadonlyArray<string>) =>
  warnings.length === 0 ? "" : `; Prometheus warns: ${warnings.join("; ")}`

const noData = (what: string, expr: string): ProbeFailure =>
  new ProbeFailure({ reason: "no-data", message: `no data: ${what} has no series (${expr})` })

const firstValue = (answer: QueryAnswer): number | undefined =>
  answer.scalar ?? answer.series[0]?.values.at(-1)?.[1]

/**
 * `prometheus.scrape-health`: Prometheus answers, the targets are up, the metrics exist.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["prometheus.scrape-health"] })
 * ```
 */
export const scrapeHealthProbe: ProbeImplementation = {
  id: "prometheus.scrape-health",
  target,
  requires: "prometheus.url",
  noAnswer: () => [signal("prometheus.reachable", false)],
  options: [
    ...commonOptions,
    {
      path: "prometheus.metrics.requests",
      description: "The request counter whose presence is checked.",
      default: "http_requests_total",
    },
  ],
  measurements: [
    { name: "targets", description: "Scrape targets (`up` series) of the job." },
    { name: "targets_up", description: "Targets whose `up` is 1." },
    { name: "up_ratio", description: "Share of targets up." },
  ],
  thresholds: [],
  unknownWhen:
    "no answer within the timeout (Prometheus is then reported unreachable); refused, 5xx and non-API answers are critical",
  run: (context) =>
    Effect.gen(function* () {
      const prometheus = yield* api(context)
      const matchers = matchersOf(context.config)
      const metrics = metricNames(context.config)
      const upExpr = vectorSelector("up", matchers)
      const nameMatcher = `__name__=~"${metrics.requests}|${metrics.duration}_count"`
      const presentExpr = `count by (__name__) ({${[nameMatcher, ...matchers].join(",")}})`
      // The three calls at once in one promise (a fiber each costs more than a local answer); the
      // first failure cancels the others.
      const outcome = yield* promised(
        (cancellation) =>
          Promise.all([
            prometheus.send.query(upExpr, cancellation),
            prometheus.send.query(presentExpr, cancellation),
            prometheus.send.get("api/v1/targets?state=active", cancellation).then(
              (answer) => Option.some(answer),
              () => Option.none(),
            ),
          ]).catch((error: unknown) => {
            cancellation.cancel()
            throw error
          }),
        (error) =>
          error instanceof ProbeFailure
            ? error
            : failureOf(error, `Prometheus at ${prometheus.target}`),
      ).pipe(Effect.either)
      if (outcome._tag === "Left") {
        const failure = outcome.left
        return {
          status: "critical",
          summary: `Prometheus is not usable: ${failure.message}`,
          signals: [signal("prometheus.reachable", false)],
          cause: { reason: failure.reason, message: failure.message },
        } satisfies ProbeReport
      }
      const [up, present, targetsAnswer] = outcome.right
      const targets = up.series.map((series) => ({
        instance: series.metric.instance ?? "",
        job: series.metric.job ?? "",
        up: series.values.at(-1)?.[1] === 1,
      }))
      const names = new Set(present.series.map((series) => series.metric.__name__))
      const metricsPresent = names.has(metrics.requests)
      const upCount = targets.filter((entry) => entry.up).length
      const signals = [
        signal("prometheus.reachable", true),
        signal("prometheus.metrics.present", metricsPresent),
      ]
      const observations: Array<Measurement> = [
        { name: "targets", value: targets.length, min: 0 },
        { name: "targets_up", value: upCount, min: 0 },
      ]
      const statuses: Array<ProbeStatus> = []
      if (targets.length > 0) {
        const ratio = precise(upCount / targets.length)
        signals.push(signal("prometheus.targets.up_ratio", ratio))
        observations.push({ name: "up_ratio", value: ratio, min: 0, max: 1 })
        statuses.push(ratio === 0 ? "critical" : ratio < 1 ? "warn" : "ok")
      } else statuses.push("critical")
      if (!metricsPresent) statuses.push("critical")
      // Why a target is down, from /api/v1/targets when Prometheus gives it.
      const lastErrors =
        targetsAnswer._tag === "Some"
          ? (
              ((targetsAnswer.value.data as { activeTargets?: unknown })?.activeTargets ??
                []) as Array<{
                labels?: Record<string, string>
                health?: string
                lastError?: string
                scrapeUrl?: string
              }>
            )
              .filter((entry) => entry.health !== "up" && entry.lastError)
              .filter(
                (entry) =>
                  context.config.prometheus?.job === undefined ||
                  entry.labels?.job === context.config.prometheus.job,
              )
              .map((entry) => ({
                instance: entry.labels?.instance ?? "",
                health: entry.health ?? "unknown",
                lastError: entry.lastError ?? "",
              }))
          : []
      const job = context.config.prometheus?.job
      const scope = job === undefined ? "" : ` of job ${job}`
      const summary =
        targets.length === 0
          ? `no scrape targets${scope} (no \`up\` series): nothing is being scraped`
          : `${upCount}/${targets.length} targets${scope} up; ${metrics.requests} ${metricsPresent ? "present" : "absent"}`
      return {
        status: worstStatus(statuses),
        summary: `${summary}${warningsNote([...up.warnings, ...present.warnings])}`,
        observations,
        signals,
        details: {
          targets,
          metrics: [...names].sort(),
          ...(lastErrors.length === 0 ? {} : { lastErrors }),
        },
      } satisfies ProbeReport
    }),
}

const errorRateWindow = { seconds: 300, step: 15 }

/**
 * `prometheus.error-rate`: the share of 5xx over 5 minutes, and how long it has held.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["prometheus.error-rate"] })
 * ```
 */
export const errorRateProbe: ProbeImplementation = {
  id: "prometheus.error-rate",
  target,
  requires: "prometheus.url",
  options: [
    ...commonOptions,
    {
      path: "prometheus.metrics.requests",
      description: "Counter of requests with a `status` label.",
      default: "http_requests_total",
    },
  ],
  measurements: [
    {
      name: "error_ratio",
      unit: "ratio",
      description: "5xx requests per second over all requests per second, 5-minute rate.",
      threshold: "api.error_ratio",
    },
    {
      name: "requests_per_second",
      unit: "req/s",
      description: "All requests per second, 5-minute rate.",
    },
  ],
  thresholds: ["api.error_ratio"],
  unknownWhen:
    "Prometheus does not answer or answers with an error, or the request counter has no series (`no-data`)",
  run: (context) =>
    Effect.gen(function* () {
      const prometheus = yield* api(context)
      const matchers = matchersOf(context.config)
      const { requests } = metricNames(context.config)
      const all = `sum(rate(${vectorSelector(requests, matchers)}[5m]))`
      const errors = `sum(rate(${vectorSelector(requests, ['status=~"5.."', ...matchers])}[5m]))`
      // One range query for both, so the ratio's history (for "for 5+ minutes") comes with it.
      const expr = `label_replace(${all}, "part", "all", "", "") or label_replace(${errors}, "part", "errors", "", "")`
      // Millisecond precision: a whole-second end could fall before the latest samples.
      const end = context.now().getTime() / 1000
      const answer = yield* prometheus.queryRange(expr, {
        start: end - errorRateWindow.seconds,
        end,
        step: errorRateWindow.step,
      })
      const allSeries = answer.series.find((series) => series.metric.part === "all")
      const errorSeries = answer.series.find((series) => series.metric.part === "errors")
      const last = allSeries?.values.at(-1)
      if (allSeries === undefined || last === undefined || last[0] < end - 0.5)
        return yield* Effect.fail(noData(requests, vectorSelector(requests, matchers)))
      // Both series are evaluated at the same steps; keyed by millisecond.
      const errorAt = new Map(
        (errorSeries?.values ?? []).map(([time, value]) => [Math.round(time * 1000), value]),
      )
      const rps = last[1]
      const observations: Array<Measurement> = [
        { name: "requests_per_second", value: precise(rps), unit: "req/s", min: 0 },
      ]
      const signals = [signal("api.requests_per_second", precise(rps))]
      if (!(rps > 0))
        return {
          status: "ok",
          summary: `no requests in the last 5 minutes (${requests} rate is 0)${warningsNote(answer.warnings)}`,
          observations,
          signals,
        } satisfies ProbeReport
      const ratioAt = (time: number, total: number) =>
        (errorAt.get(Math.round(time * 1000)) ?? 0) / total
      const ratio = precise(ratioAt(last[0], rps))
      // The trailing run of evaluations with traffic, for how long the ratio has held.
      const history: Array<readonly [number, number]> = []
      for (let index = allSeries.values.length - 1; index >= 0; index -= 1) {
        const [time, total] = allSeries.values[index]!
        const expected = last[0] - (allSeries.values.length - 1 - index) * errorRateWindow.step
        if (Math.abs(time - expected) > 0.01 || !(total > 0)) break
        history.unshift([time, ratioAt(time, total)])
      }
      const over: Observation.Sustained | undefined =
        history.length >= 2
          ? {
              seconds: Math.round(history.at(-1)![0] - history[0]![0]),
              min: precise(Math.min(...history.map(([, value]) => value))),
              max: precise(Math.max(...history.map(([, value]) => value))),
            }
          : undefined
      const grade = graded(context, "api.error_ratio", {
        name: "error_ratio",
        value: ratio,
        unit: "ratio",
        min: 0,
        max: 1,
      })
      signals.unshift(signal("api.error_ratio", ratio, over))
      observations.unshift(grade.measurement)
      const held =
        over === undefined
          ? ""
          : ` (between ${formatRatio(over.min)} and ${formatRatio(over.max)} for ${formatSeconds(over.seconds)})`
      return {
        status: grade.status,
        summary: `${formatRatio(ratio)} of requests answered 5xx over 5m at ${precise(rps, 2)} req/s${held}${warningsNote(answer.warnings)}`,
        observations,
        signals,
        details: { query: { all, errors }, ...(over === undefined ? {} : { over }) },
      } satisfies ProbeReport
    }),
}

/**
 * `prometheus.latency-p95`: p95 from the request duration histogram.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["prometheus.latency-p95"] })
 * ```
 */
export const latencyP95Probe: ProbeImplementation = {
  id: "prometheus.latency-p95",
  target,
  requires: "prometheus.url",
  options: [
    ...commonOptions,
    {
      path: "prometheus.metrics.duration",
      description: "Histogram of request durations (without `_bucket`).",
      default: "http_request_duration_seconds",
    },
  ],
  measurements: [
    {
      name: "latency_p95",
      unit: "s",
      description: "95th percentile over 5 minutes.",
      threshold: "api.latency_p95_seconds",
    },
  ],
  thresholds: ["api.latency_p95_seconds"],
  unknownWhen: "Prometheus does not answer or errs, or the histogram has no series (`no-data`)",
  run: (context) =>
    Effect.gen(function* () {
      const prometheus = yield* api(context)
      const { duration } = metricNames(context.config)
      const buckets = vectorSelector(`${duration}_bucket`, matchersOf(context.config))
      const expr = `histogram_quantile(0.95, sum by (le) (rate(${buckets}[5m])))`
      const answer = yield* prometheus.query(expr)
      const value = firstValue(answer)
      if (value === undefined) return yield* Effect.fail(noData(`${duration}_bucket`, buckets))
      if (!Number.isFinite(value))
        return {
          status: "ok",
          summary: `no requests in the last 5 minutes (p95 undefined)${warningsNote(answer.warnings)}`,
          details: { query: expr },
        } satisfies ProbeReport
      const grade = graded(context, "api.latency_p95_seconds", {
        name: "latency_p95",
        value: precise(value),
        unit: "s",
        min: 0,
      })
      return {
        status: grade.status,
        summary: `p95 latency ${formatSeconds(value)} over 5m${warningsNote(answer.warnings)}`,
        observations: [grade.measurement],
        signals: [signal("api.latency_p95_seconds", grade.measurement.value)],
        details: { query: expr },
      } satisfies ProbeReport
    }),
}

/**
 * `prometheus.memory`: the application's memory gauge.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["prometheus.memory"] })
 * ```
 */
export const memoryProbe: ProbeImplementation = {
  id: "prometheus.memory",
  target,
  requires: "prometheus.url",
  options: [
    ...commonOptions,
    {
      path: "prometheus.metrics.memory",
      description: "Gauge of the application's memory in bytes.",
      default: "memory_usage_bytes",
    },
  ],
  measurements: [
    {
      name: "memory",
      unit: "B",
      description: "Sum of the gauge over the job's series.",
      threshold: "app.memory_bytes (if the runbook defines it)",
    },
  ],
  thresholds: ["app.memory_bytes"],
  unknownWhen: "Prometheus does not answer or errs, or the gauge has no series (`no-data`)",
  run: (context) =>
    Effect.gen(function* () {
      const prometheus = yield* api(context)
      const { memory } = metricNames(context.config)
      const selector = vectorSelector(memory, matchersOf(context.config))
      const expr = `sum(${selector})`
      const answer = yield* prometheus.query(expr)
      const value = firstValue(answer)
      if (value === undefined || !Number.isFinite(value))
        return yield* Effect.fail(noData(memory, selector))
      const grade = graded(context, "app.memory_bytes", {
        name: "memory",
        value,
        unit: "B",
        min: 0,
      })
      return {
        status: grade.status,
        summary: `application memory ${formatBytes(value)} (${(value / 1024 / 1024).toFixed(1)} MiB)${warningsNote(answer.warnings)}`,
        observations: [grade.measurement],
        signals: [signal("app.memory_bytes", value)],
        details: { query: expr },
      } satisfies ProbeReport
    }),
}

/**
 * `prometheus.query`: the configured named queries.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["prometheus.query"] })
 * ```
 */
export const queryProbe: ProbeImplementation = {
  id: "prometheus.query",
  target: (config) =>
    config.prometheus === undefined || (config.prometheus.queries ?? []).length === 0
      ? undefined
      : redactUrl(config.prometheus.url),
  requires: "prometheus.url and at least one prometheus.queries entry",
  options: [
    ...commonOptions,
    {
      path: "prometheus.queries",
      description:
        "Named instant queries: `{ name, query, signal?, unit?, threshold? }`. The value (the largest, when the query returns several series) feeds `signal` and is graded with `threshold` (default: the signal's name).",
    },
  ],
  measurements: [{ name: "<query name>", description: "The query's value." }],
  thresholds: ["model.reconstruction_error"],
  unknownWhen: "Prometheus does not answer or errs, or a query has no series (`no-data`)",
  run: (context) =>
    Effect.gen(function* () {
      const prometheus = yield* api(context)
      const queries = context.config.prometheus?.queries ?? []
      const outcomes = yield* forEachConcurrently(queries, (named) =>
        prometheus.query(named.query).pipe(
          Effect.flatMap((answer) => {
            const values =
              answer.scalar !== undefined
                ? [answer.scalar]
                : answer.series.map((series) => series.values.at(-1)?.[1] ?? Number.NaN)
            const finite = values.filter((value) => Number.isFinite(value))
            if (finite.length === 0) return Effect.fail(noData(named.name, named.query))
            return Effect.succeed({
              named,
              value: Math.max(...finite),
              series: values.length,
              warnings: answer.warnings,
            })
          }),
          Effect.either,
        ),
      )
      const statuses: Array<ProbeStatus> = []
      const observations: Array<Measurement> = []
      const signals: Array<ReturnType<typeof signal>> = []
      const parts: Array<string> = []
      const failures: Array<ProbeFailure> = []
      for (const outcome of outcomes) {
        if (outcome._tag === "Left") {
          failures.push(outcome.left)
          statuses.push("unknown")
          continue
        }
        const { named, value } = outcome.right
        const thresholdName = named.threshold ?? named.signal
        const hasThreshold =
          thresholdName !== undefined &&
          (levelsOf(context, thresholdName).critical !== undefined ||
            levelsOf(context, thresholdName).warn !== undefined)
        const measurement = {
          name: named.name,
          value: precise(value),
          ...(named.unit === undefined ? {} : { unit: named.unit }),
        }
        const grade = hasThreshold
          ? graded(context, thresholdName!, measurement)
          : { status: "ok" as const, measurement }
        statuses.push(grade.status)
        observations.push(grade.measurement)
        if (named.signal !== undefined) signals.push(signal(named.signal, precise(value)))
        parts.push(
          `${named.name} = ${precise(value, 4)}${named.unit === undefined ? "" : ` ${named.unit}`}`,
        )
      }
      const summary = [...parts, ...failures.map((failure) => failure.message)].join("; ")
      const firstFailure = failures[0]
      return {
        status: worstStatus(statuses),
        summary,
        observations,
        signals,
        ...(firstFailure !== undefined && parts.length === 0
          ? { cause: { reason: firstFailure.reason, message: firstFailure.message } }
          : {}),
        details: {
          queries: outcomes.map((outcome) =>
            outcome._tag === "Left"
              ? { error: outcome.left.message }
              : {
                  name: outcome.right.named.name,
                  value: outcome.right.value,
                  series: outcome.right.series,
                },
          ),
        },
      } satisfies ProbeReport
    }),
}
