import { type Step, type Symptom, Threshold, type Triage } from "@ir/core"
import type { ProbeResult } from "@ir/diagnostics"

/** `Symptom.Predicate` as a type (the bundled declarations keep only its schema). */
type Predicate = typeof Symptom.Predicate.Type

/** A value as a responder reads it: ratios as percentages where the signal is a ratio. */
export const formatValue = (value: boolean | number | string, signal = ""): string => {
  if (typeof value === "number") {
    if (/ratio$/.test(signal) && value >= 0 && value <= 1) {
      return `${Number((value * 100).toPrecision(3))}%`
    }
    if (/(_seconds|seconds)$/.test(signal)) return `${Number(value.toPrecision(4))}s`
    if (/bytes$/.test(signal)) return formatBytes(value)
    return String(Number(value.toPrecision(6)))
  }
  return typeof value === "string" ? JSON.stringify(value) : String(value)
}

/** `1536` → `1.5 KiB`. */
export const formatBytes = (bytes: number): string => {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"]
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${Number(value.toPrecision(3))} ${units[unit]}`
}

/** One piece of evidence: `http.health.reachable == false (observed false)`. */
export const formatEvidence = (evidence: Triage.Evidence): string => {
  if (evidence.op === "asserted") {
    return evidence.outcome === "matched"
      ? `${evidence.signal} asserted`
      : `${evidence.signal} ${evidence.reason ?? "not asserted"}`
  }
  const expected = formatValue(evidence.expected, evidence.signal)
  const condition = `${evidence.signal} ${evidence.op} ${expected}`
  if (evidence.observed === undefined) return `${condition}: ${evidence.reason ?? "not observed"}`
  const observed = `observed ${formatValue(evidence.observed, evidence.signal)}`
  const window =
    evidence.over === undefined
      ? ""
      : `, ${formatValue(evidence.over.min, evidence.signal)}–${formatValue(evidence.over.max, evidence.signal)} over ${evidence.over.seconds}s`
  const reason = evidence.reason === undefined ? "" : `; ${evidence.reason}`
  return `${condition} (${observed}${window}${reason})`
}

/** The symbol of an outcome: ✓ matched, ~ pending, ✗ not matched, ? unknown. */
export const outcomeMark = (outcome: Triage.Outcome): string =>
  outcome === "matched" ? "✓" : outcome === "pending" ? "~" : outcome === "unknown" ? "?" : "✗"

/** The Nagios word of a probe status. */
export const statusWord = (status: ProbeResult["status"]): string =>
  status === "ok"
    ? "OK"
    : status === "warn"
      ? "WARNING"
      : status === "critical"
        ? "CRITICAL"
        : "UNKNOWN"

/** What a step refers to: `probe docker.logs (role=app, tail=100)`, `action docker.restart`. */
export const stepReference = (step: Step): string | undefined => {
  const params = (given: unknown): string => {
    const entries = Object.entries((given ?? {}) as Record<string, unknown>).filter(
      ([, value]) => value !== undefined,
    )
    return entries.length === 0
      ? ""
      : ` (${entries.map(([name, value]) => `${name}=${String(value)}`).join(", ")})`
  }
  if (step.action !== undefined) {
    return `action ${step.action.action}${params("params" in step.action ? step.action.params : undefined)}`
  }
  if (step.probe !== undefined) {
    return `probe ${step.probe.probe}${params("params" in step.probe ? step.probe.params : undefined)}`
  }
  return undefined
}

const literal = (value: boolean | number | string): string =>
  typeof value === "string" ? JSON.stringify(value) : String(value)

/**
 * A predicate in one line: `api.error_ratio > 0.1 (critical api.error_ratio) for 5m`,
 * `any of (…; …)`, `asserted customer-complaints`.
 */
export const formatPredicate = (predicate: Predicate, thresholds: Threshold.Thresholds): string => {
  const nested = (child: Predicate) => {
    const text = formatPredicate(child, thresholds)
    return "signal" in child || "manual" in child || "not" in child ? text : `(${text})`
  }
  if ("signal" in predicate) {
    const value = predicate.value
    const shown =
      typeof value === "object"
        ? `${literal(Threshold.resolve(thresholds, value.threshold, value.level) ?? Number.NaN)} (${value.level} ${value.threshold})`
        : literal(value)
    return `${predicate.signal} ${predicate.op} ${shown}${predicate.for === undefined ? "" : ` for ${predicate.for}`}`
  }
  if ("manual" in predicate) return `asserted ${predicate.manual}`
  if ("all" in predicate) return `all of ${predicate.all.map(nested).join("; ")}`
  if ("any" in predicate) return `any of ${predicate.any.map(nested).join("; ")}`
  if ("atLeast" in predicate) {
    return `at least ${predicate.atLeast} of ${predicate.of.map(nested).join("; ")}`
  }
  return `not ${nested(predicate.not)}`
}
