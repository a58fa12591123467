/**
 * Symptoms as data: predicates over signals, combined with `all`, `any` and `atLeast`, with
 * durations ("> 10% for 5+ minutes") and manual flags for what no probe can observe.
 *
 * Evaluation is three-valued and honest about missing data: a condition on a signal that was not
 * observed is `unknown`, never guessed; a condition whose value holds but whose duration was not
 * proven is `pending` (as Prometheus calls an alert that has not yet held for its `for`).
 *
 * @example
 * ```ts
 * import { Symptom, Observation, defaultRunbook } from "@ir/core"
 * const observations = Observation.toSet(
 *   Observation.fromRecord({ "http.health.reachable": false }, new Date()),
 * )
 * Symptom.evaluate(
 *   { signal: "http.health.reachable", op: "==", value: false },
 *   observations,
 *   defaultRunbook.thresholds,
 * ).outcome // "matched"
 * ```
 */
import * as Schema from "effect/Schema"
import { DurationString, toSeconds } from "./Duration.js"
import type { ObservationSet } from "./Observation.js"
import { SignalValue } from "./Signal.js"
import { resolve, ThresholdLevel, type Thresholds } from "./Threshold.js"

/** Comparison operators, as written in YAML. */
export const Operator = Schema.Literal("==", "!=", ">", ">=", "<", "<=")
export type Operator = typeof Operator.Type

/** A reference to a named threshold instead of a literal number. */
export const ThresholdRef = Schema.Struct({
  threshold: Schema.String,
  level: Schema.optionalWith(ThresholdLevel, { default: () => "critical" as const }),
})
export type ThresholdRef = typeof ThresholdRef.Type

/** What a condition compares the signal with. */
export const ConditionValue = Schema.Union(SignalValue, ThresholdRef)
export type ConditionValue = typeof ConditionValue.Type

/** `{ signal, op, value, for? }`: one comparison on one signal. */
export const Condition = Schema.Struct({
  signal: Schema.String,
  op: Operator,
  value: ConditionValue,
  for: Schema.optional(DurationString),
})
export type Condition = typeof Condition.Type

/** `{ manual: "customer-complaints" }`: a fact a responder asserts (signal `manual.<flag>`). */
export const Manual = Schema.Struct({ manual: Schema.String })
export type Manual = typeof Manual.Type

export interface All {
  readonly all: ReadonlyArray<Predicate>
}
export interface Any {
  readonly any: ReadonlyArray<Predicate>
}
export interface AtLeast {
  readonly atLeast: number
  readonly of: ReadonlyArray<Predicate>
}
export interface Not {
  readonly not: Predicate
}
/** A predicate over signals. */
export type Predicate = Condition | Manual | All | Any | AtLeast | Not

export interface AllEncoded {
  readonly all: ReadonlyArray<PredicateEncoded>
}
export interface AnyEncoded {
  readonly any: ReadonlyArray<PredicateEncoded>
}
export interface AtLeastEncoded {
  readonly atLeast: number
  readonly of: ReadonlyArray<PredicateEncoded>
}
export interface NotEncoded {
  readonly not: PredicateEncoded
}
export type PredicateEncoded =
  | typeof Condition.Encoded
  | Manual
  | AllEncoded
  | AnyEncoded
  | AtLeastEncoded
  | NotEncoded

/** Schema of {@link Predicate}. */
export const Predicate: Schema.Schema<Predicate, PredicateEncoded> = Schema.Union(
  Condition,
  Manual,
  Schema.Struct({ all: Schema.Array(Schema.suspend(() => Predicate)).pipe(Schema.minItems(1)) }),
  Schema.Struct({ any: Schema.Array(Schema.suspend(() => Predicate)).pipe(Schema.minItems(1)) }),
  Schema.Struct({
    atLeast: Schema.Number.pipe(Schema.int(), Schema.positive()),
    of: Schema.Array(Schema.suspend(() => Predicate)).pipe(Schema.minItems(1)),
  }),
  Schema.Struct({ not: Schema.suspend(() => Predicate) }),
).annotations({ identifier: "Predicate" })

/** One symptom of a playbook: the runbook's words and the predicate that observes them. */
export const Symptom = Schema.Struct({
  id: Schema.String,
  text: Schema.String,
  when: Predicate,
  /**
   * A primary symptom can make its playbook match on its own; a secondary one only adds
   * confidence to a playbook that a primary symptom already matched.
   */
  primary: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  /** Where the symptom comes from: the runbook's symptom list, or derived from its investigation steps. */
  origin: Schema.optionalWith(Schema.Literal("symptom", "investigation"), {
    default: () => "symptom" as const,
  }),
})
export type Symptom = typeof Symptom.Type

/** The outcome of evaluating a predicate. */
export type Outcome = "matched" | "pending" | "not-matched" | "unknown"

/** What one condition saw. */
export interface ConditionEvidence {
  readonly signal: string
  readonly op: Operator | "asserted"
  /** The value compared against, after thresholds were resolved. */
  readonly expected: boolean | number | string
  readonly observed?: boolean | number | string
  readonly outcome: Outcome
  /** Why the outcome is `unknown` or `pending`. */
  readonly reason?: string
}

export interface Evaluation {
  readonly outcome: Outcome
  readonly evidence: ReadonlyArray<ConditionEvidence>
}

const compare = (
  op: Operator,
  observed: boolean | number | string,
  expected: boolean | number | string,
): boolean => {
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

const isCondition = (p: Predicate): p is Condition => "signal" in p
const isManual = (p: Predicate): p is Manual => "manual" in p

/** The signal key a manual flag is observed as. */
export const manualSignal = (flag: string): string => `manual.${flag}`

const evaluateCondition = (
  condition: Condition,
  observations: ObservationSet,
  thresholds: Thresholds,
): Evaluation => {
  const expected =
    typeof condition.value === "object"
      ? resolve(thresholds, condition.value.threshold, condition.value.level)
      : condition.value
  const base = { signal: condition.signal, op: condition.op }
  if (expected === undefined) {
    const name = typeof condition.value === "object" ? condition.value.threshold : ""
    return {
      outcome: "unknown",
      evidence: [
        {
          ...base,
          expected: name,
          outcome: "unknown",
          reason: `threshold "${name}" is not defined`,
        },
      ],
    }
  }
  const observation = observations.get(condition.signal)
  if (observation === undefined) {
    return {
      outcome: "unknown",
      evidence: [{ ...base, expected, outcome: "unknown", reason: "not observed" }],
    }
  }
  const observed = observation.value
  if (typeof observed !== typeof expected) {
    return {
      outcome: "unknown",
      evidence: [
        {
          ...base,
          expected,
          observed,
          outcome: "unknown",
          reason: `observed a ${typeof observed}, the condition expects a ${typeof expected}`,
        },
      ],
    }
  }
  if (!compare(condition.op, observed, expected)) {
    return {
      outcome: "not-matched",
      evidence: [{ ...base, expected, observed, outcome: "not-matched" }],
    }
  }
  if (condition.for === undefined) {
    return { outcome: "matched", evidence: [{ ...base, expected, observed, outcome: "matched" }] }
  }
  const needed = toSeconds(condition.for)
  const over = observation.over
  // The whole window must satisfy the comparison: its worst value decides.
  const heldThroughout =
    over !== undefined &&
    over.seconds >= needed &&
    typeof expected === "number" &&
    compare(
      condition.op,
      condition.op === "<" || condition.op === "<=" ? over.max : over.min,
      expected,
    ) &&
    compare(
      condition.op,
      condition.op === "<" || condition.op === "<=" ? over.min : over.max,
      expected,
    )
  if (heldThroughout) {
    return { outcome: "matched", evidence: [{ ...base, expected, observed, outcome: "matched" }] }
  }
  const reason =
    over === undefined
      ? `holds now; not shown to have held for ${condition.for}`
      : `held for less than ${condition.for} (window ${over.seconds}s, min ${over.min}, max ${over.max})`
  return {
    outcome: "pending",
    evidence: [{ ...base, expected, observed, outcome: "pending", reason }],
  }
}

const combineAll = (outcomes: ReadonlyArray<Outcome>): Outcome =>
  outcomes.includes("not-matched")
    ? "not-matched"
    : outcomes.includes("unknown")
      ? "unknown"
      : outcomes.includes("pending")
        ? "pending"
        : "matched"

const combineAtLeast = (needed: number, outcomes: ReadonlyArray<Outcome>): Outcome => {
  const count = (...kinds: ReadonlyArray<Outcome>) =>
    outcomes.filter((outcome) => kinds.includes(outcome)).length
  if (count("matched") >= needed) return "matched"
  if (count("matched", "pending") >= needed) return "pending"
  if (count("matched", "pending", "unknown") >= needed) return "unknown"
  return "not-matched"
}

const negate = (outcome: Outcome): Outcome =>
  outcome === "matched" ? "not-matched" : outcome === "not-matched" ? "matched" : outcome

/**
 * Evaluates a predicate against observations. Pure: the same inputs always give the same result.
 */
export const evaluate = (
  predicate: Predicate,
  observations: ObservationSet,
  thresholds: Thresholds,
): Evaluation => {
  if (isCondition(predicate)) return evaluateCondition(predicate, observations, thresholds)
  if (isManual(predicate)) {
    const signal = manualSignal(predicate.manual)
    const asserted = observations.get(signal)?.value === true
    const outcome: Outcome = asserted ? "matched" : "not-matched"
    return {
      outcome,
      evidence: [
        {
          signal,
          op: "asserted",
          expected: true,
          observed: asserted,
          outcome,
          ...(asserted ? {} : { reason: "not asserted by a responder" }),
        },
      ],
    }
  }
  const parts = (children: ReadonlyArray<Predicate>) =>
    children.map((child) => evaluate(child, observations, thresholds))
  const evidenceOf = (evaluations: ReadonlyArray<Evaluation>) =>
    evaluations.flatMap((evaluation) => evaluation.evidence)
  if ("all" in predicate) {
    const evaluations = parts(predicate.all)
    return {
      outcome: combineAll(evaluations.map((e) => e.outcome)),
      evidence: evidenceOf(evaluations),
    }
  }
  if ("any" in predicate) {
    const evaluations = parts(predicate.any)
    return {
      outcome: combineAtLeast(
        1,
        evaluations.map((e) => e.outcome),
      ),
      evidence: evidenceOf(evaluations),
    }
  }
  if ("atLeast" in predicate) {
    const evaluations = parts(predicate.of)
    return {
      outcome: combineAtLeast(
        predicate.atLeast,
        evaluations.map((e) => e.outcome),
      ),
      evidence: evidenceOf(evaluations),
    }
  }
  const inner = evaluate(predicate.not, observations, thresholds)
  return { outcome: negate(inner.outcome), evidence: inner.evidence }
}

/** Every signal key a predicate reads (manual flags as `manual.<flag>`). */
export const signalsOf = (predicate: Predicate): ReadonlyArray<string> => {
  if (isCondition(predicate)) return [predicate.signal]
  if (isManual(predicate)) return [manualSignal(predicate.manual)]
  if ("all" in predicate) return predicate.all.flatMap(signalsOf)
  if ("any" in predicate) return predicate.any.flatMap(signalsOf)
  if ("atLeast" in predicate) return predicate.of.flatMap(signalsOf)
  return signalsOf(predicate.not)
}
