/**
 * What a probe returns: always a value, never an exception. `status` grades it the Nagios way
 * (`ok | warn | critical | unknown`), `observations` are its measurements with their thresholds
 * (Nagios performance data), `signals` are what `triage` consumes, and `cause` says why it could
 * not tell when the status is `unknown`.
 *
 * @example
 * ```ts
 * import { ProbeRun, runProbes, defaultDiagnosticsConfig } from "@ir/diagnostics"
 * import * as Schema from "effect/Schema"
 * const run = await runProbes(defaultDiagnosticsConfig({ env: process.env, cwd: process.cwd() }))
 * const json = Schema.encodeSync(ProbeRun)(run) // dates as ISO strings
 * ```
 */
import { Observation, Probe } from "@ir/core"
import * as Schema from "effect/Schema"

/**
 * A probe id of `@ir/core`'s catalogue, as a schema (for decoding `--probe` arguments and
 * configuration keys).
 *
 * @example
 * ```ts
 * import { ProbeId } from "@ir/diagnostics"
 * import * as Schema from "effect/Schema"
 * Schema.is(ProbeId)("postgres.locks") // true
 * ```
 */
export const ProbeId = Schema.Literal(
  ...(Probe.catalogue.map((definition) => definition.id) as [
    Probe.ProbeId,
    ...Array<Probe.ProbeId>,
  ]),
)
export type ProbeId = typeof ProbeId.Type

/**
 * How a probe grades what it saw: `ok`, `warn`, `critical` or `unknown` (it could not tell).
 *
 * @example
 * ```ts
 * const failing = run.results.filter((result) => result.status === "critical")
 * ```
 */
export const ProbeStatus = Schema.Literal("ok", "warn", "critical", "unknown")
export type ProbeStatus = typeof ProbeStatus.Type

/**
 * Why a probe could not tell (or why a target did not answer): stable identifiers a program can
 * branch on, each with what it means. The `message` of a cause is for a person.
 *
 * @example
 * ```ts
 * import { causeReasons } from "@ir/diagnostics"
 * causeReasons["no-data"] // "The query returned no series at all (which is not zero)."
 * ```
 */
export const causeReasons = {
  timeout: "No answer within the probe's timeout.",
  deadline: "The run's deadline passed before the probe finished.",
  "connection-refused":
    "The target refused the connection (nothing listens there, or no slot is free).",
  "connection-reset": "The connection was closed or reset by the peer before an answer.",
  dns: "The host name did not resolve.",
  tls: "The TLS handshake failed (certificate, protocol).",
  protocol: "The peer answered, but not in the protocol expected (not HTTP, not PostgreSQL).",
  "http-status": "An HTTP status without the expected body (a 5xx from a proxy, a 4xx).",
  "bad-response": "The body was not what was expected (not JSON, not the API's shape).",
  "api-error":
    'Prometheus answered `status: "error"`; the message has its HTTP status, `errorType` and `error`.',
  "no-data": "The query returned no series at all (which is not zero).",
  auth: "Authentication or authorisation failed.",
  "query-failed": "The query or command was rejected (SQL error, Docker API error).",
  permission: "The file system or socket denied access.",
  "not-configured": "The probe is not configured (no target given).",
  unsupported: "The configuration asks for something the probe cannot do.",
  internal: "A bug: an unexpected exception inside the probe.",
} as const

/**
 * Why a probe could not tell: one of {@link causeReasons}.
 *
 * @example
 * ```ts
 * if (result.cause?.reason === "timeout") console.error("no answer in time")
 * ```
 */
export const CauseReason = Schema.Literal(
  ...(Object.keys(causeReasons) as [
    keyof typeof causeReasons,
    ...Array<keyof typeof causeReasons>,
  ]),
)
export type CauseReason = typeof CauseReason.Type

/**
 * Why a probe could not tell.
 *
 * @example
 * ```ts
 * const cause: ProbeCause = { reason: "connection-refused", message: "PostgreSQL at db:5432: connection refused" }
 * ```
 */
export const ProbeCause = Schema.Struct({
  reason: CauseReason,
  message: Schema.String,
})
export type ProbeCause = typeof ProbeCause.Type

/**
 * One measurement, shaped like Nagios performance data: `'name'=value[unit];warn;crit;min;max`.
 * `warn` and `critical` are the levels the value was graded against, when it was graded.
 *
 * @example
 * ```ts
 * const m: Measurement = { name: "latency", value: 0.012, unit: "s", warn: 1, critical: 5, min: 0 }
 * ```
 */
export const Measurement = Schema.Struct({
  name: Schema.String,
  value: Schema.Number,
  unit: Schema.optional(Schema.String),
  warn: Schema.optional(Schema.Number),
  critical: Schema.optional(Schema.Number),
  min: Schema.optional(Schema.Number),
  max: Schema.optional(Schema.Number),
})
export type Measurement = typeof Measurement.Type

/**
 * The result of one probe: always a value, never an exception.
 *
 * @example
 * ```ts
 * import { ProbeResult } from "@ir/diagnostics"
 * import * as Schema from "effect/Schema"
 * const json = JSON.stringify(Schema.encodeSync(ProbeResult)(run.results[0]!))
 * ```
 */
export const ProbeResult = Schema.Struct({
  id: ProbeId,
  /** What was probed, with any password or token redacted. */
  target: Schema.optional(Schema.String),
  status: ProbeStatus,
  /** One line for a person: what was seen, or why nothing could be. */
  summary: Schema.String,
  observations: Schema.Array(Measurement),
  /** The signals for `triage` (see the vocabulary in `@ir/core`'s `Signal`). */
  signals: Schema.Array(Observation.Observation),
  /**
   * The probe's own time in milliseconds: from the start of its work (getting its client
   * included, such as the run's PostgreSQL connection) until its answer is graded, or until its
   * timeout. The runner's work around it (starting its fiber, redacting and shaping this result)
   * is not in it; {@link ProbeRun}'s `durationMs` covers the whole run.
   */
  durationMs: Schema.Number,
  cause: Schema.optional(ProbeCause),
  /** What the probe gathered for a person: lock rows, last log lines, files, targets. */
  details: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
})
export type ProbeResult = typeof ProbeResult.Type

/**
 * A run of several probes: the results in the catalogue's order and their signals merged.
 *
 * @example
 * ```ts
 * import { ProbeRun } from "@ir/diagnostics"
 * import * as Schema from "effect/Schema"
 * const run = Schema.decodeUnknownSync(ProbeRun)(JSON.parse(text))
 * ```
 */
export const ProbeRun = Schema.Struct({
  /** One result per probe, in the catalogue's order. */
  results: Schema.Array(ProbeResult),
  /** Every probe's signals in one set, ready for `triage`. */
  observations: Schema.Array(Observation.Observation),
  startedAt: Schema.Date,
  /** The whole run in milliseconds, from the call until every result is ready. */
  durationMs: Schema.Number,
})
export type ProbeRun = typeof ProbeRun.Type

const rank: Record<ProbeStatus, number> = { ok: 0, unknown: 1, warn: 2, critical: 3 }

/**
 * The worse of statuses, Nagios style for an aggregate: `critical` over `warn` over `unknown`
 * over `ok`. An empty list is `ok`.
 *
 * @example
 * ```ts
 * import { worstStatus } from "@ir/diagnostics"
 * worstStatus(["ok", "warn", "unknown"]) // "warn"
 * ```
 */
export const worstStatus = (statuses: Iterable<ProbeStatus>): ProbeStatus => {
  let result: ProbeStatus = "ok"
  for (const status of statuses) if (rank[status] > rank[result]) result = status
  return result
}

/**
 * The Nagios plugin exit code of a status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 *
 * @example
 * ```ts
 * import { exitCode } from "@ir/diagnostics"
 * exitCode("critical") // 2
 * ```
 */
export const exitCode = (status: ProbeStatus): 0 | 1 | 2 | 3 =>
  status === "ok" ? 0 : status === "warn" ? 1 : status === "critical" ? 2 : 3
