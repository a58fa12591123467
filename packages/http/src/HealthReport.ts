/**
 * Probe results as an `application/health+json` body (draft-inadarei-api-health-check-06):
 * `status` pass, warn or fail; `checks` keyed `component:measurement`, each an array of
 * `{ componentId, componentType, observedValue, observedUnit, status, time, output }`.
 *
 * @example
 * ```ts
 * import { healthReport } from "@ir/http"
 * import { runProbes } from "@ir/diagnostics"
 * const run = await runProbes({ host: {} }, { probes: ["host.memory"] })
 * const body = healthReport(run.results, { details: true, at: run.startedAt })
 * body.status // "pass" | "warn" | "fail"
 * ```
 */
import type { Measurement, ProbeResult, ProbeStatus } from "@ir/diagnostics"

/**
 * A health status as the draft spells it.
 *
 * @example
 * ```ts
 * import type { HealthStatus } from "@ir/http"
 * const status: HealthStatus = "warn"
 * ```
 */
export type HealthStatus = "pass" | "warn" | "fail"

/**
 * One entry of a `checks` array.
 *
 * @example
 * ```ts
 * import type { HealthCheck } from "@ir/http"
 * const check: HealthCheck = {
 *   componentId: "postgres://app:***@db:5432/app", componentType: "datastore",
 *   observedValue: 0.0012, observedUnit: "s", status: "pass", time: "2026-11-28T10:00:00.000Z",
 * }
 * ```
 */
export interface HealthCheck {
  /** What was probed (URL, socket, path), with any password or token redacted. */
  readonly componentId?: string
  /** `datastore`, `system` or `component`. */
  readonly componentType?: string
  readonly observedValue?: number | string | boolean
  readonly observedUnit?: string
  readonly status: HealthStatus
  /** When the value was observed (the probe run's start), ISO 8601. */
  readonly time: string
  /** Why the check warns or fails; absent when it passes. */
  readonly output?: string
}

/**
 * The response body. `checks` and `output` appear only in the detailed form.
 *
 * @example
 * ```ts
 * import type { HealthBody } from "@ir/http"
 * const body: HealthBody = { status: "pass", serviceId: "anomaly-api", version: "1" }
 * ```
 */
export interface HealthBody {
  readonly status: HealthStatus
  readonly version?: string
  readonly releaseId?: string
  readonly serviceId?: string
  readonly description?: string
  readonly notes?: ReadonlyArray<string>
  readonly output?: string
  readonly checks?: Readonly<Record<string, ReadonlyArray<HealthCheck>>>
}

/**
 * The media type of the body.
 *
 * @example
 * ```ts
 * import { healthMediaType } from "@ir/http"
 * healthMediaType // "application/health+json"
 * ```
 */
export const healthMediaType = "application/health+json"

/**
 * A probe's status in health terms: `ok` passes, `warn` warns, and both `critical` and `unknown`
 * fail: a dependency that does not answer within its timeout is not one to send traffic to.
 *
 * @example
 * ```ts
 * import { healthStatus } from "@ir/http"
 * healthStatus("unknown") // "fail"
 * ```
 */
export const healthStatus = (status: ProbeStatus): HealthStatus =>
  status === "ok" ? "pass" : status === "warn" ? "warn" : "fail"

const rank: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 }

/**
 * The worst of statuses (`fail` over `warn` over `pass`); an empty list passes.
 *
 * @example
 * ```ts
 * import { worstHealth } from "@ir/http"
 * worstHealth(["pass", "warn"]) // "warn"
 * ```
 */
export const worstHealth = (statuses: Iterable<HealthStatus>): HealthStatus => {
  let result: HealthStatus = "pass"
  for (const status of statuses) if (rank[status] > rank[result]) result = status
  return result
}

const componentTypes: Readonly<Record<string, string>> = {
  http: "component",
  prometheus: "component",
  postgres: "datastore",
  docker: "system",
  host: "system",
  files: "component",
}

/**
 * The HTTP status for a health status: 200 for pass and warn, 503 for fail.
 *
 * @example
 * ```ts
 * import { httpStatus } from "@ir/http"
 * httpStatus("warn") // 200
 * ```
 */
export const httpStatus = (status: HealthStatus): 200 | 503 => (status === "fail" ? 503 : 200)

/**
 * Options of {@link healthReport}.
 *
 * @example
 * ```ts
 * import type { HealthReportOptions } from "@ir/http"
 * const options: HealthReportOptions = { details: false, at: new Date(), serviceId: "api" }
 * ```
 */
export interface HealthReportOptions {
  /** Include `checks` and `output` (only for an authorised caller). */
  readonly details: boolean
  /** When the results were observed: the `time` of every check. */
  readonly at: Date
  readonly serviceId?: string
  readonly version?: string
  readonly releaseId?: string
  readonly description?: string
  /**
   * Incidents the journal cannot read (`journal.damaged`): a `warn`, with the check
   * `journal:integrity` naming each. The service still works; a person has to look.
   */
  readonly journalDamage?: ReadonlyArray<{
    readonly incidentId: string
    readonly location: string
    readonly problem: string
  }>
}

/**
 * A measurement graded against its own levels, when they say which direction is worse: higher
 * is worse when `critical >= warn`, lower when `critical < warn`. Never worse than its probe.
 */
const measurementStatus = (measurement: Measurement, probe: HealthStatus): HealthStatus => {
  const { warn, critical, value } = measurement
  if (warn === undefined || critical === undefined) return probe
  const higherIsWorse = critical >= warn
  const beyond = (level: number) => (higherIsWorse ? value >= level : value <= level)
  const graded: HealthStatus = beyond(critical) ? "fail" : beyond(warn) ? "warn" : "pass"
  return rank[graded] <= rank[probe] ? graded : probe
}

/**
 * Builds the health body from probe results. The status is the worst probe's; in the detailed
 * form every measurement of every probe is a check `component:measurement` (`postgres:latency`),
 * and a probe without measurements is one check named after the rest of its id
 * (`docker:containers`).
 *
 * @example
 * ```ts
 * import { healthReport } from "@ir/http"
 * const body = healthReport(
 *   [{ id: "postgres.connectivity", target: "postgres://app@db/app", status: "ok",
 *      summary: "PostgreSQL answers", durationMs: 3, signals: [],
 *      observations: [{ name: "latency", value: 0.001, unit: "s" }] }],
 *   { details: true, at: new Date("2026-11-28T10:00:00Z") },
 * )
 * body.checks?.["postgres:latency"]?.[0]?.observedValue // 0.001
 * ```
 */
export const healthReport = (
  results: ReadonlyArray<ProbeResult>,
  options: HealthReportOptions,
): HealthBody => {
  const damage = options.journalDamage ?? []
  const status = worstHealth([
    ...results.map((result) => healthStatus(result.status)),
    ...(damage.length > 0 ? (["warn"] as const) : []),
  ])
  const head: HealthBody = {
    status,
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.releaseId === undefined ? {} : { releaseId: options.releaseId }),
    ...(options.serviceId === undefined ? {} : { serviceId: options.serviceId }),
    ...(options.description === undefined ? {} : { description: options.description }),
  }
  if (!options.details) return head
  const checks: Record<string, Array<HealthCheck>> = {}
  const add = (key: string, check: HealthCheck) => {
    const existing = checks[key]
    if (existing === undefined) checks[key] = [check]
    else existing.push(check)
  }
  const time = options.at.toISOString()
  for (const result of results) {
    const [component = result.id, ...rest] = result.id.split(".")
    const probeStatus = healthStatus(result.status)
    const base = {
      ...(result.target === undefined ? {} : { componentId: result.target }),
      componentType: componentTypes[component] ?? "component",
      time,
    }
    const output = probeStatus === "pass" ? {} : { output: result.summary }
    if (result.observations.length === 0) {
      add(`${component}:${rest.join(".") || "status"}`, { ...base, status: probeStatus, ...output })
      continue
    }
    for (const measurement of result.observations) {
      add(`${component}:${measurement.name}`, {
        ...base,
        observedValue: measurement.value,
        ...(measurement.unit === undefined ? {} : { observedUnit: measurement.unit }),
        status: measurementStatus(measurement, probeStatus),
        ...output,
      })
    }
  }
  const damageText = damage.map(
    (entry) => `${entry.incidentId} cannot be read: ${entry.location}: ${entry.problem}`,
  )
  if (options.journalDamage !== undefined)
    add("journal:integrity", {
      componentType: "datastore",
      observedValue: damage.length,
      observedUnit: "damaged incidents",
      status: damage.length > 0 ? "warn" : "pass",
      time,
      ...(damage.length > 0 ? { output: damageText.join("; ") } : {}),
    })
  const failing = [
    ...results
      .filter((result) => result.status !== "ok")
      .map((result) => `${result.id}: ${result.summary}`),
    ...damageText,
  ]
  return { ...head, ...(failing.length === 0 ? {} : { output: failing.join("; ") }), checks }
}
