/**
 * Named thresholds with warning and critical levels, following check_postgres conventions. Symptoms
 * and probes refer to them by name so a team tunes a number in one place.
 *
 * @example
 * ```ts
 * import { Threshold, defaultRunbook } from "@ir/core"
 * Threshold.resolve(defaultRunbook.thresholds, "api.error_ratio", "critical") // 0.1
 * ```
 */
import * as Schema from "effect/Schema"

/** Which level of a threshold a symptom or check compares against. */
export const ThresholdLevel = Schema.Literal("warn", "critical")
export type ThresholdLevel = typeof ThresholdLevel.Type

/**
 * A threshold. `direction` says which side is bad: `above` (the default: a value at or over the
 * level is bad) or `below`.
 */
export const Threshold = Schema.Struct({
  description: Schema.String,
  unit: Schema.optional(Schema.String),
  direction: Schema.optionalWith(Schema.Literal("above", "below"), {
    default: () => "above" as const,
  }),
  warn: Schema.optional(Schema.Number),
  critical: Schema.Number,
})
export type Threshold = typeof Threshold.Type

/** Thresholds by name. */
export const Thresholds = Schema.Record({ key: Schema.String, value: Threshold })
export type Thresholds = typeof Thresholds.Type

/** The number a threshold sets for a level; `warn` falls back to `critical` when not set. */
export const resolve = (
  thresholds: Thresholds,
  name: string,
  level: ThresholdLevel,
): number | undefined => {
  const threshold = thresholds[name]
  if (threshold === undefined) return undefined
  return level === "warn" ? (threshold.warn ?? threshold.critical) : threshold.critical
}

/** Grades a value against a threshold: `ok`, `warn` or `critical`. */
export const grade = (threshold: Threshold, value: number): "ok" | "warn" | "critical" => {
  const bad = (level: number) => (threshold.direction === "below" ? value <= level : value >= level)
  if (bad(threshold.critical)) return "critical"
  if (threshold.warn !== undefined && bad(threshold.warn)) return "warn"
  return "ok"
}
