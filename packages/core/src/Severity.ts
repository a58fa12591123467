/**
 * Severity levels P0 (critical) to P3 (low), as data: response time, how each is raised, the
 * status-update cadence and the examples that define them.
 *
 * @example
 * ```ts
 * import { Severity, defaultRunbook } from "@ir/core"
 * const p0 = Severity.find(defaultRunbook.severities, "P0")
 * p0?.responseTime // { minutes: 15 }
 * ```
 */
import * as Schema from "effect/Schema"

/** The four levels, most severe first. */
export const SeverityLevel = Schema.Literal("P0", "P1", "P2", "P3")
export type SeverityLevel = typeof SeverityLevel.Type

/** Levels ordered from most to least severe. */
export const levels: ReadonlyArray<SeverityLevel> = ["P0", "P1", "P2", "P3"]

/** How a severity is raised to people. */
export const RaiseMethod = Schema.Literal("page", "slack", "email", "ticket")
export type RaiseMethod = typeof RaiseMethod.Type

/** How soon a responder must react: wall-clock minutes, or business days on the runbook calendar. */
export const ResponseTime = Schema.Union(
  Schema.Struct({ minutes: Schema.Number.pipe(Schema.positive()) }),
  Schema.Struct({ businessDays: Schema.Number.pipe(Schema.int(), Schema.positive()) }),
)
export type ResponseTime = typeof ResponseTime.Type

/** One severity level as the runbook defines it. */
export const Severity = Schema.Struct({
  level: SeverityLevel,
  name: Schema.String,
  impact: Schema.String,
  responseTime: ResponseTime,
  /** The seed's wording of the response time, e.g. "15 minutes". */
  responseTimeText: Schema.String,
  raise: Schema.Array(RaiseMethod),
  /** The seed's wording of the escalation, e.g. "Immediate page to on-call engineer". */
  raiseText: Schema.String,
  /** Minutes between status updates while the incident is open; absent when none are required. */
  updateEveryMinutes: Schema.optional(Schema.Number.pipe(Schema.positive())),
  examples: Schema.Array(Schema.String),
})
export type Severity = typeof Severity.Type

/** Rank of a level: 0 for P0 (most severe) to 3 for P3. */
export const rank = (level: SeverityLevel): number => levels.indexOf(level)

/** The more severe of two levels. */
export const max = (a: SeverityLevel, b: SeverityLevel): SeverityLevel =>
  rank(a) <= rank(b) ? a : b

/** The most severe of several levels, or `undefined` for none. */
export const highest = (all: Iterable<SeverityLevel>): SeverityLevel | undefined => {
  let best: SeverityLevel | undefined
  for (const level of all) best = best === undefined ? level : max(best, level)
  return best
}

/** The severity definition for a level. */
export const find = (
  severities: ReadonlyArray<Severity>,
  level: SeverityLevel,
): Severity | undefined => severities.find((severity) => severity.level === level)
