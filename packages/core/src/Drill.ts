/**
 * Drills: the runbook's monthly "simulated outage response". `synthesizeObservations` builds the
 * observations a real outage of one playbook would give the probes, and `drill` checks that
 * triage recognises it: the playbook must be the top match, at its default severity.
 * `DrillReport` goes on from there and rehearses the whole response on a virtual clock.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Drill } from "@ir/core"
 * const result = Drill.drill(defaultRunbook, "database-connectivity", new Date("2026-11-28T10:00:00Z"))
 * result.passed // true
 * result.assessment.severity // "P1"
 * ```
 */
import * as Data from "effect/Data"
import * as Schema from "effect/Schema"
import { toSeconds } from "./Duration.js"
import { Observation as ObservationSchema, toSet } from "./Observation.js"
import type { Playbook } from "./Playbook.js"
import type { Runbook } from "./Runbook.js"
import { SeverityLevel } from "./Severity.js"
import { accepts, lookup, type SignalDefinition } from "./Signal.js"
import {
  type Condition,
  evaluate,
  manualSignal,
  type Operator,
  type Predicate,
  type Symptom,
} from "./Symptom.js"
import { resolve, type Thresholds } from "./Threshold.js"
import { Assessment, triage } from "./Triage.js"

type Observation = typeof ObservationSchema.Type

/** The `source` of every synthesized observation. */
export const drillSource = "drill"

/**
 * A drill was asked for a playbook the runbook does not have.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Drill } from "@ir/core"
 * try {
 *   Drill.drill(defaultRunbook, "sytem-down", new Date())
 * } catch (error) {
 *   if (error instanceof Drill.DrillError) error.known // ["system-down", …]
 * }
 * ```
 */
export class DrillError extends Data.TaggedError("DrillError")<{
  readonly reason: "unknown-playbook"
  readonly playbook: string
  /** The playbook ids the runbook has. */
  readonly known: ReadonlyArray<string>
  readonly cause?: unknown
}> {
  override get message(): string {
    return `The runbook has no playbook "${this.playbook}"; expected one of: ${this.known.join(", ")}`
  }
}

/**
 * The outcome of {@link drill}. Encode with `Schema.encodeSync(DrillResult)` for JSON.
 *
 * @example
 * ```ts
 * import { defaultRunbook, drill, DrillResult } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * const result = drill(defaultRunbook, "resource-exhaustion", new Date("2026-11-28T10:00:00Z"))
 * Schema.encodeSync(DrillResult)(result).at // "2026-11-28T10:00:00.000Z"
 * ```
 */
export const DrillResult = Schema.Struct({
  playbook: Schema.String,
  /** The simulated moment. */
  at: Schema.Date,
  /** The synthesized observations the assessment was made from. */
  observations: Schema.Array(ObservationSchema),
  assessment: Assessment,
  /** The playbook's default severity, which the drill expects. */
  expectedSeverity: SeverityLevel,
  /** The playbook is the top match, `matched`, and the assessment's severity is its default. */
  passed: Schema.Boolean,
  /** Why it passed or failed, one sentence each. */
  reasons: Schema.Array(Schema.String),
})
export type DrillResult = typeof DrillResult.Type

/** Observations that together make a predicate come out as wanted. */
type Alternative = ReadonlyArray<Observation>

/** Enough ways to satisfy any predicate of a runbook, few enough to try them all. */
const maxAlternatives = 32

const negated: Record<Operator, Operator> = {
  "==": "!=",
  "!=": "==",
  ">": "<=",
  ">=": "<",
  "<": ">=",
  "<=": ">",
}

const holds = (op: Operator, observed: number, expected: number): boolean => {
  switch (op) {
    case "==":
      return observed === expected
    case "!=":
      return observed !== expected
    case ">":
      return observed > expected
    case ">=":
      return observed >= expected
    case "<":
      return observed < expected
    case "<=":
      return observed <= expected
  }
}

/** Six significant digits: `0.1 * 1.1` is shown as 0.11, as a probe would report it. */
const tidy = (value: number): number => Number(value.toPrecision(6))

/**
 * Values a numeric signal would plausibly take when the comparison holds, most typical first:
 * 10% beyond the threshold, then just past it (so a drill can stay below a critical level).
 */
const numericCandidates = (
  op: Operator,
  threshold: number,
  definition: SignalDefinition | undefined,
): ReadonlyArray<number> => {
  const whole = definition?.type === "count"
  const step = whole ? 1 : Math.max(Math.abs(threshold) * 0.001, 0.001)
  const beyond = (direction: 1 | -1): number => {
    if (threshold === 0) return direction
    const scaled =
      threshold * (direction === 1 ? (threshold > 0 ? 1.1 : 0.9) : threshold > 0 ? 0.9 : 1.1)
    if (definition?.type === "ratio" && scaled > 1) return (threshold + 1) / 2
    return scaled
  }
  const raw: ReadonlyArray<number> = (() => {
    switch (op) {
      case "==":
        return [threshold]
      case "!=":
        return [threshold + step, threshold - step]
      case ">":
        return [beyond(1), threshold + step]
      case ">=":
        return [beyond(1), threshold]
      case "<":
        return [beyond(-1), threshold - step]
      case "<=":
        return [beyond(-1), threshold]
    }
  })()
  const shaped = raw.map((value) =>
    whole ? (op === "<" || op === "<=" ? Math.floor(value) : Math.ceil(value)) : tidy(value),
  )
  return shaped.filter(
    (value, index) =>
      shaped.indexOf(value) === index &&
      holds(op, value, threshold) &&
      (definition === undefined || accepts(definition, value)),
  )
}

const conditionAlternatives = (
  condition: Condition,
  wanted: boolean,
  thresholds: Thresholds,
  at: Date,
): ReadonlyArray<Alternative> => {
  const expected =
    typeof condition.value === "object"
      ? resolve(thresholds, condition.value.threshold, condition.value.level)
      : condition.value
  if (expected === undefined) return []
  const op = wanted ? condition.op : negated[condition.op]
  const definition = lookup(condition.signal)
  const observe = (value: boolean | number | string): Alternative => [
    {
      signal: condition.signal,
      value,
      at,
      source: drillSource,
      ...(wanted && condition.for !== undefined && typeof value === "number"
        ? { over: { seconds: toSeconds(condition.for), min: value, max: value } }
        : {}),
    },
  ]
  if (typeof expected === "boolean") {
    if (op !== "==" && op !== "!=") return []
    return [observe(op === "==" ? expected : !expected)]
  }
  if (typeof expected === "string") {
    if (op === "==") return [observe(expected)]
    if (op !== "!=") return []
    const other = definition?.values?.find((value) => value !== expected) ?? `not-${expected}`
    return [observe(other)]
  }
  return numericCandidates(op, expected, definition).map(observe)
}

/** Every combination of one alternative from each part, in order, up to the limit. */
const combine = (parts: ReadonlyArray<ReadonlyArray<Alternative>>): ReadonlyArray<Alternative> => {
  let combinations: ReadonlyArray<Alternative> = [[]]
  for (const part of parts) {
    combinations = combinations
      .flatMap((prefix) => part.map((alternative) => [...prefix, ...alternative]))
      .slice(0, maxAlternatives)
  }
  return combinations
}

/** The first `size`-element subsets of `items`, in order. */
const subsets = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  if (size === 0) return [[]]
  if (items.length < size) return []
  const [first, ...rest] = items
  return [
    ...subsets(rest, size - 1).map((subset) => [first as A, ...subset]),
    ...subsets(rest, size),
  ].slice(0, maxAlternatives)
}

/** Ways to make a predicate come out `matched` (wanted) or `not-matched` (not wanted). */
const alternatives = (
  predicate: Predicate,
  wanted: boolean,
  thresholds: Thresholds,
  at: Date,
): ReadonlyArray<Alternative> => {
  if ("signal" in predicate) return conditionAlternatives(predicate, wanted, thresholds, at)
  if ("manual" in predicate) {
    return [[{ signal: manualSignal(predicate.manual), value: wanted, at, source: drillSource }]]
  }
  if ("not" in predicate) return alternatives(predicate.not, !wanted, thresholds, at)
  const [children, needed] =
    "all" in predicate
      ? [predicate.all, predicate.all.length]
      : "any" in predicate
        ? [predicate.any, 1]
        : [predicate.of, predicate.atLeast]
  // To fail "at least n of k", k - n + 1 children must fail.
  const size = wanted ? needed : children.length - needed + 1
  const ways = (child: Predicate) => alternatives(child, wanted, thresholds, at)
  return subsets(children, size)
    .flatMap((subset) => combine(subset.map(ways)))
    .slice(0, maxAlternatives)
}

const findPlaybook = (runbook: Runbook, playbookId: string): Playbook => {
  const playbook = runbook.playbooks.find((candidate) => candidate.id === playbookId)
  if (playbook === undefined) {
    throw new DrillError({
      reason: "unknown-playbook",
      playbook: playbookId,
      known: runbook.playbooks.map((candidate) => candidate.id),
    })
  }
  return playbook
}

/**
 * Observations that a real outage of one playbook would give: for each of its symptoms, primary
 * first, the first way of showing it that keeps the symptoms already chosen and does not trip a
 * severity rule (so the outage stays at the playbook's default severity), with `over` windows
 * for duration conditions. A secondary symptom that cannot be shown that way is left out; a
 * primary one is then shown anyway. Observations are stamped `at` with source `drill`.
 *
 * @throws {DrillError} when the runbook has no playbook with that id.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Drill } from "@ir/core"
 * Drill.synthesizeObservations(defaultRunbook, "high-api-error-rate", new Date("2026-11-28T10:00:00Z"))[0]
 * // { signal: "api.error_ratio", value: 0.11, over: { seconds: 300, min: 0.11, max: 0.11 }, … }
 * ```
 */
export const synthesizeObservations = (
  runbook: Runbook,
  playbookId: string,
  at: Date,
): ReadonlyArray<Observation> => {
  const playbook = findPlaybook(runbook, playbookId)
  const { thresholds } = runbook
  const matches = (predicate: Predicate, observations: ReadonlyArray<Observation>) =>
    evaluate(predicate, toSet(observations), thresholds).outcome === "matched"
  const raisesSeverity = (observations: ReadonlyArray<Observation>) =>
    playbook.severityRules.some(
      (rule) => rule.severity !== playbook.defaultSeverity && matches(rule.when, observations),
    )
  const ordered: ReadonlyArray<Symptom> = [
    ...playbook.symptoms.filter((symptom) => symptom.primary),
    ...playbook.symptoms.filter((symptom) => !symptom.primary),
  ]
  let chosen: ReadonlyArray<Observation> = []
  const shown: Array<Symptom> = []
  for (const symptom of ordered) {
    const ways = alternatives(symptom.when, true, thresholds, at).map((way) => [...chosen, ...way])
    const keeps = (candidate: ReadonlyArray<Observation>) =>
      matches(symptom.when, candidate) && shown.every((other) => matches(other.when, candidate))
    const best =
      ways.find((candidate) => keeps(candidate) && !raisesSeverity(candidate)) ??
      (symptom.primary ? ways.find(keeps) : undefined)
    if (best === undefined) continue
    chosen = best
    shown.push(symptom)
  }
  return [...toSet(chosen).values()]
}

const percent = (confidence: number): string => `${Math.round(confidence * 100)}%`

/**
 * Runs a simulated outage of one playbook through {@link triage}: passes when that playbook is
 * the top match, `matched`, and the assessment's severity is the playbook's default severity.
 *
 * @throws {DrillError} when the runbook has no playbook with that id.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Drill } from "@ir/core"
 * const result = Drill.drill(defaultRunbook, "system-down", new Date("2026-11-28T10:00:00Z"))
 * result.passed // true
 * result.reasons // ["system-down is the top match (confidence 95%)", "severity P0 is the playbook's default"]
 * ```
 */
export const drill = (runbook: Runbook, playbookId: string, at: Date): DrillResult => {
  const playbook = findPlaybook(runbook, playbookId)
  const observations = synthesizeObservations(runbook, playbookId, at)
  const assessment = triage(runbook, observations)
  const top = assessment.matches[0]
  const expectedSeverity = playbook.defaultSeverity
  const reasons: Array<string> = []
  let passed = true
  if (top === undefined) {
    passed = false
    reasons.push(`no playbook matched the simulated ${playbookId} outage`)
  } else if (top.playbook !== playbookId) {
    passed = false
    const own = assessment.matches.findIndex((match) => match.playbook === playbookId)
    reasons.push(
      `${top.playbook} outranks ${playbookId} (confidence ${percent(top.confidence)}); ${
        own === -1 ? `${playbookId} did not match` : `${playbookId} ranks #${own + 1}`
      }`,
    )
  } else if (top.status !== "matched") {
    passed = false
    reasons.push(`${playbookId} is only a possible match: no primary symptom was proven`)
  } else {
    reasons.push(`${playbookId} is the top match (confidence ${percent(top.confidence)})`)
  }
  if (assessment.severity === expectedSeverity) {
    reasons.push(`severity ${expectedSeverity} is the playbook's default`)
  } else {
    passed = false
    reasons.push(
      `severity is ${assessment.severity ?? "undetermined"}, expected ${expectedSeverity}${
        assessment.severityReason === undefined ? "" : ` (${assessment.severityReason})`
      }`,
    )
  }
  return { playbook: playbookId, at, observations, assessment, expectedSeverity, passed, reasons }
}
