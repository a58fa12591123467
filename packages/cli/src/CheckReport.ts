/**
 * `ir check` output in the Nagios plugin format: one line per check,
 * `STATUS - id: summary | 'label'=value[UOM];warn;crit;min;max …`, worst check first (a monitor
 * reads the first line as the service output), and the exit code of the worst status.
 *
 * Units follow the plugin guidelines: `s`, `%`, `B` and `c` are kept; ratios (0..1) are
 * printed as percentages (0..100) with their thresholds; other units are dropped (the value is
 * a plain number).
 *
 * @example
 * ```ts
 * import { CheckReport } from "@ir/cli"
 * CheckReport.perfdata({ name: "connections", value: 12, warn: 29.6, critical: 35.15, min: 0, max: 37 })
 * // "'connections'=12;29.6;35.15;0;37"
 * ```
 */
import type { ProbeResult } from "@ir/diagnostics"
import * as ExitCode from "./ExitCode.js"
import { statusWord } from "./internal/Describe.js"

type Measurement = ProbeResult["observations"][number]

const number = (value: number): string => {
  if (!Number.isFinite(value)) return ""
  return String(Number(value.toPrecision(10)))
}

const nagiosUnits = new Set(["s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c"])

/** Escapes a label: wrapped in single quotes, a quote doubled, `=` replaced (it ends a label). */
const label = (name: string): string => `'${name.replace(/'/g, "''").replace(/=/g, "_")}'`

/** One performance-data item: `'label'=value[UOM];warn;crit;min;max`, empty fields trimmed. */
export const perfdata = (measurement: Measurement): string => {
  const ratio = measurement.unit === "ratio" || measurement.unit === "%"
  const scale = measurement.unit === "ratio" ? 100 : 1
  const unit = ratio ? "%" : nagiosUnits.has(measurement.unit ?? "") ? (measurement.unit ?? "") : ""
  const scaled = (value: number | undefined) => (value === undefined ? "" : number(value * scale))
  const fields = [
    `${number(measurement.value * scale)}${unit}`,
    scaled(measurement.warn),
    scaled(measurement.critical),
    scaled(measurement.min),
    scaled(measurement.max),
  ]
  while (fields.length > 1 && fields[fields.length - 1] === "") fields.pop()
  return `${label(measurement.name)}=${fields.join(";")}`
}

/** The status of a result as `ExitCode` knows it. */
const statusOf = (result: ProbeResult): ExitCode.CheckStatus => result.status

const severity: Record<ExitCode.CheckStatus, number> = { ok: 0, unknown: 1, warn: 2, critical: 3 }

/** One check's line. A `|` in the summary would start performance data, so it becomes `/`.
 *
 * @example
 * ```ts
 * import { CheckReport } from "@ir/cli"
 * CheckReport.line({
 *   id: "host.disk", status: "warn", summary: "/ at 85%", signals: [], durationMs: 3,
 *   observations: [{ name: "used", value: 0.85, unit: "ratio", warn: 0.8, critical: 0.9, min: 0, max: 1 }],
 * })
 * // "WARNING - host.disk: / at 85% | 'used'=85%;80;90;0;100"
 * ```
 */
export const line = (result: ProbeResult): string => {
  const summary = `${result.id}: ${result.summary}`.replace(/\|/g, "/").replace(/\s*\n\s*/g, " ")
  const perf = result.observations.map(perfdata).join(" ")
  return `${statusWord(result.status)} - ${summary}${perf === "" ? "" : ` | ${perf}`}`
}

/** The lines of a run, worst first (stable within a status).
 *
 * @example
 * ```ts
 * import { CheckReport } from "@ir/cli"
 * for (const line of CheckReport.lines(run.results)) console.log(line)
 * ```
 */
export const lines = (results: ReadonlyArray<ProbeResult>): ReadonlyArray<string> =>
  results
    .map((result, index) => ({ result, index }))
    .sort(
      (a, b) => severity[statusOf(b.result)] - severity[statusOf(a.result)] || a.index - b.index,
    )
    .map(({ result }) => line(result))

/** The exit code of a run: the worst status (no result at all is UNKNOWN).
 *
 * @example
 * ```ts
 * import { CheckReport } from "@ir/cli"
 * process.exitCode = CheckReport.exitCode(run.results) // 0 OK … 3 UNKNOWN
 * ```
 */
export const exitCode = (results: ReadonlyArray<ProbeResult>): number =>
  ExitCode.fromCheckStatus(ExitCode.worstStatus(results.map(statusOf)))

/** `ir check --json`: the overall status, every result, and the probes not run because nothing
 * is configured for them (`notConfigured`, each `{ id, reason }`; they do not count).
 *
 * @example
 * ```ts
 * import { CheckReport } from "@ir/cli"
 * console.log(JSON.stringify(CheckReport.toJson(run.results, run.startedAt, run.durationMs)))
 * ```
 */
export const toJson = (
  results: ReadonlyArray<ProbeResult>,
  startedAt: Date,
  durationMs: number,
  notConfigured: ReadonlyArray<{ readonly id: string; readonly reason: string }> = [],
): unknown => {
  const status = ExitCode.worstStatus(results.map(statusOf))
  return JSON.parse(
    JSON.stringify({
      schemaVersion: 1,
      command: "check",
      status,
      exitCode: ExitCode.fromCheckStatus(status),
      startedAt,
      durationMs,
      checks: results.map((result) => ({ ...result, line: line(result) })),
      notConfigured,
    }),
  )
}
