/**
 * What a probe returns: always a value, never an exception. `status` grades it the Nagios way
 * (`ok | warn | critical | unknown`), `observations` are its measurements with their thresholds
 * (Nagios performance data), `signals` are what `triage` consumes, and `cause` says why it could
 * not tell when the status is `unknown`.
 *
 * @example
 * ```ts
 * import { ProbeRun, runProbes, defaultDiagnosticsConfig } from "@ir/diagnostics"
 * import { Schema } from "effect"
 * const run = await runProbes(defaultDiagnosticsConfig({ env: process.env, cwd: process.cwd() }))
 * const json = Schema.encodeSync(ProbeRun)(run) // dates as ISO strings
 * ```
 */
import { Observation, Probe } from "@ir/core"
import { Schema } from "effect"

/**
 * A probe id of `@ir/core`'s catalogue, as a schema (for decoding `--probe` arguments and
 * configuration keys).
 *
 * @example
 * ```ts
 * import { ProbeId } from "@ir/diagnostics"
 * import { Schema } from "effect"
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

/** How a probe grades what it saw. */
export const ProbeStatus = Schema.Literal("ok", "warn", "critical", "unknown")
export type ProbeStatus = typeof ProbeStatus.Type

/**
 * Why a probe could not tell (or why a target did not answer). Stable identifiers a program can
 * branch on; the `message` is for a person.
 */
export const CauseReason = Schema.Literal(
  /** No answer within the probe's timeout. */
  "timeout",
  /** The run's deadline passed before the probe finished. */
  "deadline",
  /** The target refused the connection (nothing listens there). */
  "connection-refused",
  /** The connection was closed or reset by the peer before an answer. */
  "connection-reset",
  /** The host name did not resolve. */
  "dns",
  /** The TLS handshake failed (certificate, protocol). */
  "tls",
  /** The peer answered, but not in the protocol expected (not HTTP, not PostgreSQL). */
  "protocol",
  /** An HTTP status that rules out an answer (5xx, 4xx). */
  "http-status",
  /** The body was not what was expected (not JSON, not the API's shape). */
  "bad-response",
  /** Prometheus answered `status: "error"` (`errorType` and `error` in the message). */
  "api-error",
  /** The query returned no series at all (which is not zero). */
  "no-data",
  /** Authentication or authorisation failed. */
  "auth",
  /** The query or command was rejected (SQL error, Docker API error). */
  "query-failed",
  /** The file system or socket denied access. */
  "permission",
  /** The probe is not configured (no target given). */
  "not-configured",
  /** The configuration asks for something this probe cannot do. */
  "unsupported",
  /** A bug: an unexpected exception inside the probe. */
  "internal",
)
export type CauseReason = typeof CauseReason.Type

/** Why a probe could not tell. */
export const ProbeCause = Schema.Struct({
  reason: CauseReason,
  message: Schema.String,
})
export type ProbeCause = typeof ProbeCause.Type

/**
 * One measurement, shaped like Nagios performance data: `'name'=value[unit];warn;crit;min;max`.
 * `warn` and `critical` are the levels the value was graded against, when it was graded.
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

/** The result of one probe. */
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
  durationMs: Schema.Number,
  cause: Schema.optional(ProbeCause),
  /** What the probe gathered for a person: lock rows, last log lines, files, targets. */
  details: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
})
export type ProbeResult = typeof ProbeResult.Type

/** A run of several probes. */
export const ProbeRun = Schema.Struct({
  /** One result per probe, in the catalogue's order. */
  results: Schema.Array(ProbeResult),
  /** Every probe's signals in one set, ready for `triage`. */
  observations: Schema.Array(Observation.Observation),
  startedAt: Schema.Date,
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
