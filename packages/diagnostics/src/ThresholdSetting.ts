/**
 * Thresholds the way check_postgres takes them: each level is a number or a percentage, with a
 * warning and a critical level. The runbook's named thresholds (`@ir/core`'s `Threshold`) are the
 * defaults; a configuration overrides a level by name.
 *
 * A percentage is a share: for a ratio it is the ratio (`"80%"` is 0.8); where a probe compares a
 * count against a total (connections against `max_connections`) it is that share of the total,
 * a plain number is a count and a negative number is "this many left" (check_postgres' `backends`
 * convention). The runbook's ratio thresholds (unit `ratio`) count as percentages.
 *
 * @example
 * ```ts
 * import { ThresholdSetting } from "@ir/diagnostics"
 * import { defaultRunbook } from "@ir/core"
 * const levels = ThresholdSetting.levels(defaultRunbook.thresholds, {}, "api.error_ratio")
 * ThresholdSetting.grade(0.12, levels) // "critical"
 * ```
 */
import type { Threshold } from "@ir/core"
import * as Schema from "effect/Schema"

const percentPattern = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/

/**
 * One level: a number in the threshold's unit, or a percentage such as `"80%"`.
 *
 * @example
 * ```ts
 * const levels: ThresholdSetting.Level[] = [0.8, "80%", -5]
 * ```
 */
export const Level = Schema.Union(
  Schema.Number,
  Schema.String.pipe(
    Schema.pattern(percentPattern, {
      message: () => 'expected a number or a percentage such as "80%"',
    }),
  ),
)
/**
 * One level: a number in the threshold's unit, or a percentage such as `"80%"`.
 *
 * @example
 * ```ts
 * const levels: ThresholdSetting.Level[] = [0.8, "80%", -5]
 * ```
 */
export type Level = typeof Level.Type

/**
 * An override of a named threshold: either level, or both.
 *
 * @example
 * ```ts
 * const override: ThresholdSetting.Override = { warn: "70%" }
 * ```
 */
export const Override = Schema.Struct({
  warn: Schema.optional(Level),
  critical: Schema.optional(Level),
})
/**
 * An override of a named threshold: either level, or both.
 *
 * @example
 * ```ts
 * const override: ThresholdSetting.Override = { warn: "70%" }
 * ```
 */
export type Override = typeof Override.Type

/**
 * Overrides by threshold name.
 *
 * @example
 * ```ts
 * const overrides: ThresholdSetting.Overrides = { "api.error_ratio": { critical: "5%" } }
 * ```
 */
export const Overrides = Schema.Record({ key: Schema.String, value: Override })
/**
 * Overrides by threshold name.
 *
 * @example
 * ```ts
 * const overrides: ThresholdSetting.Overrides = { "api.error_ratio": { critical: "5%" } }
 * ```
 */
export type Overrides = typeof Overrides.Type

/**
 * Levels ready to grade with; either may be absent.
 *
 * @example
 * ```ts
 * const levels: ThresholdSetting.Levels = { name: "x", direction: "above", warn: 1, critical: 5 }
 * ```
 */
export interface Levels {
  readonly name: string
  readonly direction: "above" | "below"
  readonly unit?: string
  readonly warn?: Level
  readonly critical?: Level
}

/**
 * The levels of a named threshold: the runbook's numbers with the configuration's overrides laid
 * on top. An unknown name gives levels with neither set (nothing is graded).
 *
 * @example
 * ```ts
 * import { ThresholdSetting } from "@ir/diagnostics"
 * import { defaultRunbook } from "@ir/core"
 * ThresholdSetting.levels(defaultRunbook.thresholds, { "api.error_ratio": { warn: "2%" } }, "api.error_ratio")
 * // { name: "api.error_ratio", direction: "above", unit: "ratio", warn: "2%", critical: "10%" }
 * ```
 */
export const levels = (
  thresholds: Threshold.Thresholds,
  overrides: Overrides,
  name: string,
): Levels => {
  const base = thresholds[name]
  const override = overrides[name]
  // The runbook writes ratios as fractions; as percentages they also work against a total.
  const fromBase = (value: number | undefined): Level | undefined =>
    value === undefined || base?.unit !== "ratio" ? value : `${+(value * 100).toPrecision(12)}%`
  const warn = override?.warn ?? fromBase(base?.warn)
  const critical = override?.critical ?? fromBase(base?.critical)
  return {
    name,
    direction: base?.direction ?? "above",
    ...(base?.unit === undefined ? {} : { unit: base.unit }),
    ...(warn === undefined ? {} : { warn }),
    ...(critical === undefined ? {} : { critical }),
  }
}

/**
 * The number a level stands for. A percentage is a share of `total` when one is given, else the
 * plain ratio; a negative number with a `total` counts down from it (`-5` of 100 is 95).
 *
 * @example
 * ```ts
 * import { ThresholdSetting } from "@ir/diagnostics"
 * ThresholdSetting.resolveLevel("80%") // 0.8
 * ThresholdSetting.resolveLevel("80%", 40) // 32
 * ThresholdSetting.resolveLevel(-5, 40) // 35
 * ```
 */
export const resolveLevel = (level: Level, total?: number): number => {
  if (typeof level === "number") {
    return total !== undefined && level < 0 ? total + level : level
  }
  const match = percentPattern.exec(level)
  const share = Number(match?.[1]) / 100
  if (total === undefined) return share
  return share < 0 ? total + share * total : share * total
}

/**
 * The levels as numbers (for performance data and grading), in the unit of the value graded.
 *
 * @example
 * ```ts
 * import { ThresholdSetting } from "@ir/diagnostics"
 * ThresholdSetting.numbers({ name: "x", direction: "above", warn: "80%", critical: 38 }, 40)
 * // { warn: 32, critical: 38 }
 * ```
 */
export const numbers = (
  levels: Levels,
  total?: number,
): { readonly warn?: number; readonly critical?: number } => ({
  ...(levels.warn === undefined ? {} : { warn: resolveLevel(levels.warn, total) }),
  ...(levels.critical === undefined ? {} : { critical: resolveLevel(levels.critical, total) }),
})

/**
 * Grades a value: `critical` when it reaches the critical level, `warn` when it reaches the
 * warning level, else `ok`. "Reaches" is `>=` for thresholds whose bad side is `above` and `<=`
 * for `below`. `total` resolves percentages and negative levels (see {@link resolveLevel}).
 *
 * @example
 * ```ts
 * import { ThresholdSetting } from "@ir/diagnostics"
 * ThresholdSetting.grade(31, { name: "conns", direction: "above", warn: "80%", critical: "95%" }, 37)
 * // "warn"
 * ```
 */
export const grade = (
  value: number,
  levels: Levels,
  total?: number,
): "ok" | "warn" | "critical" => {
  const { warn, critical } = numbers(levels, total)
  const reaches = (level: number) =>
    levels.direction === "below" ? value <= level : value >= level
  if (critical !== undefined && reaches(critical)) return "critical"
  if (warn !== undefined && reaches(warn)) return "warn"
  return "ok"
}
