import type { Observation, Probe, Signal, Threshold } from "@ir/core"
import * as Effect from "effect/Effect"
import type { DiagnosticsConfig } from "../DiagnosticsConfig.js"
import { type Measurement, type ProbeCause, type ProbeStatus, worstStatus } from "../ProbeResult.js"
import * as ThresholdSetting from "../ThresholdSetting.js"
import type { DockerEngine } from "./DockerEngine.js"
import type { HttpClient } from "./HttpClient.js"
import type { PostgresSession } from "./PostgresSession.js"
import type { ProbeFailure } from "./ProbeFailure.js"

/** A signal value a probe produced (the runner stamps time and source). */
export interface SignalEntry {
  readonly signal: string
  readonly value: Signal.SignalValue
  readonly over?: Observation.Sustained
}

/** What a probe's body returns; the runner adds id, target, duration and timestamps. */
export interface ProbeReport {
  readonly status: ProbeStatus
  readonly summary: string
  readonly observations?: ReadonlyArray<Measurement>
  readonly signals?: ReadonlyArray<SignalEntry>
  readonly details?: Readonly<Record<string, unknown>>
  readonly cause?: ProbeCause
}

export type SystemInformation = typeof import("systeminformation")

/** Everything a probe may use during one run; clients are shared by the run's probes. */
export interface ProbeContext {
  readonly config: DiagnosticsConfig
  readonly thresholds: Threshold.Thresholds
  readonly overrides: ThresholdSetting.Overrides
  /** This probe's timeout in milliseconds. */
  readonly timeoutMs: number
  readonly now: () => Date
  readonly http: Effect.Effect<HttpClient, ProbeFailure>
  readonly postgres: Effect.Effect<PostgresSession, ProbeFailure>
  readonly docker: Effect.Effect<DockerEngine, ProbeFailure>
  readonly systemInformation: Effect.Effect<SystemInformation, ProbeFailure>
}

/** A documented option of a probe (a path in the configuration). */
export interface OptionDoc {
  readonly path: string
  readonly description: string
  readonly default?: string
}

/** A documented measurement of a probe. */
export interface MeasurementDoc {
  readonly name: string
  readonly unit?: string
  readonly description: string
  readonly threshold?: string
}

/** A probe: how to tell whether it is configured, how to run it, and what it documents. */
export interface ProbeImplementation {
  readonly id: Probe.ProbeId
  /** The target shown in results (redacted), or `undefined` when the probe is not configured. */
  readonly target: (config: DiagnosticsConfig) => string | undefined
  /** Why it is not configured, for `probesFor`. */
  readonly requires: string
  readonly run: (context: ProbeContext) => Effect.Effect<ProbeReport, ProbeFailure>
  /** Signals that not answering within the timeout stands for (`reachable = false`). */
  readonly noAnswer?: (config: DiagnosticsConfig) => ReadonlyArray<SignalEntry>
  readonly options: ReadonlyArray<OptionDoc>
  readonly measurements: ReadonlyArray<MeasurementDoc>
  /** Named thresholds the probe grades with. */
  readonly thresholds: ReadonlyArray<string>
  /** When the probe reports `unknown`, in words. */
  readonly unknownWhen: string
}

/** The levels of a named threshold in this run. */
export const levelsOf = (context: ProbeContext, name: string): ThresholdSetting.Levels => {
  // The runbook's thresholds and the configuration's overrides are the same objects run after
  // run: their levels are resolved once (a ratio's level goes through a percentage string).
  let byOverrides = resolvedLevels.get(context.thresholds)
  if (byOverrides === undefined) {
    byOverrides = new WeakMap()
    resolvedLevels.set(context.thresholds, byOverrides)
  }
  let byName = byOverrides.get(context.overrides)
  if (byName === undefined) {
    byName = new Map()
    byOverrides.set(context.overrides, byName)
  }
  let levels = byName.get(name)
  if (levels === undefined) {
    levels = ThresholdSetting.levels(context.thresholds, context.overrides, name)
    byName.set(name, levels)
  }
  return levels
}

const resolvedLevels = new WeakMap<
  Threshold.Thresholds,
  WeakMap<ThresholdSetting.Overrides, Map<string, ThresholdSetting.Levels>>
>()

/** The levels as numbers when there is no total to resolve percentages against. */
const plainNumbers = new WeakMap<
  ThresholdSetting.Levels,
  { readonly warn?: number; readonly critical?: number }
>()

const numbersOf = (levels: ThresholdSetting.Levels, total: number | undefined) => {
  if (total !== undefined) return ThresholdSetting.numbers(levels, total)
  let numbers = plainNumbers.get(levels)
  if (numbers === undefined) {
    numbers = ThresholdSetting.numbers(levels)
    plainNumbers.set(levels, numbers)
  }
  return numbers
}

/**
 * A measurement graded against a named threshold: the status and the measurement with its levels
 * as numbers (in the value's unit, percentages resolved against `total`).
 */
export const graded = (
  context: ProbeContext,
  threshold: string,
  measurement: Omit<Measurement, "warn" | "critical">,
  total?: number,
): { readonly status: "ok" | "warn" | "critical"; readonly measurement: Measurement } => {
  const levels = levelsOf(context, threshold)
  const numbers = numbersOf(levels, total)
  // As ThresholdSetting.grade, from the levels resolved once.
  const reaches = (level: number | undefined) =>
    level !== undefined &&
    (levels.direction === "below" ? measurement.value <= level : measurement.value >= level)
  return {
    status: reaches(numbers.critical) ? "critical" : reaches(numbers.warn) ? "warn" : "ok",
    measurement: { ...measurement, ...numbers },
  }
}

/** A signal entry, omitting `over` when absent. */
export const signal = (
  key: string,
  value: Signal.SignalValue,
  over?: Observation.Sustained,
): SignalEntry => (over === undefined ? { signal: key, value } : { signal: key, value, over })

const round = (value: number, digits: number) => {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** `0.123` → `"123 ms"`, `2.5` → `"2.5 s"`, `620` → `"10m 20s"`. */
export const formatSeconds = (seconds: number): string => {
  if (seconds < 1) return `${round(seconds * 1000, seconds < 0.01 ? 2 : 0)} ms`
  if (seconds < 60) return `${round(seconds, 1)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ${Math.round(seconds % 60)}s`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours}h ${minutes % 60}m`
  return `${Math.floor(hours / 24)}d ${hours % 24}h`
}

/** `1536` → `"1.5 KiB"`. */
export const formatBytes = (bytes: number): string => {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"]
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${unit === 0 ? value : round(value, 1)} ${units[unit]}`
}

/** `0.1234` → `"12.3%"`. */
export const formatRatio = (ratio: number): string => `${round(ratio * 100, 1)}%`

/** Rounds a ratio or a number of seconds for signals and performance data. */
export const precise = (value: number, digits = 6): number => round(value, digits)

/**
 * `Effect.forEach` with every item at once; one item (the usual case: one role, one container,
 * one query) runs in the caller's fiber, without the fibers of a concurrent `forEach`.
 */
export const forEachConcurrently = <A, B, E>(
  items: ReadonlyArray<A>,
  each: (item: A) => Effect.Effect<B, E>,
): Effect.Effect<Array<B>, E> =>
  items.length <= 1
    ? Effect.forEach(items, each)
    : Effect.forEach(items, each, { concurrency: "unbounded" })

/**
 * What a probe over several things (roles, processes, directories) gathers, one thing at a time,
 * and the report it makes: the worst status, the parts of the summary joined by `; `.
 */
export class Findings {
  readonly statuses: Array<ProbeStatus> = []
  readonly observations: Array<Measurement> = []
  readonly signals: Array<SignalEntry> = []
  readonly parts: Array<string> = []
  readonly details: Record<string, unknown>

  constructor(details: Record<string, unknown> = {}) {
    this.details = details
  }

  /** A thing's status and its part of the summary. */
  add(status: ProbeStatus, part: string): void {
    this.statuses.push(status)
    this.parts.push(part)
  }

  report(): ProbeReport {
    return {
      status: worstStatus(this.statuses),
      summary: this.parts.join("; "),
      observations: this.observations,
      signals: this.signals,
      details: this.details,
    }
  }
}
