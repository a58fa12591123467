/**
 * Triage: which playbooks the observations point to, how sure we are, how severe it is, how fast
 * someone must respond and what to do next. Pure and deterministic: no clock, no I/O; the same
 * runbook and observations always give the same {@link Assessment}.
 *
 * Missing data is never guessed: a symptom whose signals were not observed is reported as
 * `unknown` (listed in `unevaluated`), signals outside the vocabulary are reported in
 * `unknownSignals` and values of the wrong type in `rejectedObservations`, and neither is used.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Observation, triage } from "@ir/core"
 * const assessment = triage(
 *   defaultRunbook,
 *   Observation.fromRecord({ "http.health.reachable": false }, new Date("2026-11-28T10:00:00Z")),
 * )
 * assessment.matches[0]?.playbook // "system-down"
 * assessment.severity // "P0"
 * assessment.response?.responseTimeText // "15 minutes"
 * ```
 */
import * as Schema from "effect/Schema"
import {
  type Observation as ObservationSchema,
  type ObservationSet,
  Sustained,
  toSet,
} from "./Observation.js"
import type { Playbook } from "./Playbook.js"
import type { Runbook } from "./Runbook.js"
import {
  find as findSeverity,
  levels,
  RaiseMethod,
  ResponseTime,
  rank,
  SeverityLevel,
} from "./Severity.js"
import { accepts, lookup, vocabularyVersion } from "./Signal.js"
import { Step } from "./Step.js"
import type { Condition } from "./Symptom.js"
import {
  type ConditionEvidence,
  evaluate,
  manualSignal,
  type Predicate,
  type Outcome as SymptomOutcome,
  signalsOf,
} from "./Symptom.js"

type Observation = typeof ObservationSchema.Type

const Scalar = Schema.Union(Schema.Boolean, Schema.Number, Schema.String)

/** The outcome of a symptom or condition: see `Symptom.evaluate`. */
export const Outcome = Schema.Literal("matched", "pending", "not-matched", "unknown")
export type Outcome = typeof Outcome.Type

/**
 * What one condition saw, with when the value was observed and over which window.
 *
 * @example
 * ```ts
 * import type { Triage } from "@ir/core"
 * const evidence: Triage.Evidence = {
 *   signal: "api.error_ratio", op: ">", expected: 0.1, observed: 0.3, outcome: "pending",
 *   reason: "holds now; not shown to have held for 5m",
 * }
 * ```
 */
export const Evidence = Schema.Struct({
  signal: Schema.String,
  op: Schema.Literal("==", "!=", ">", ">=", "<", "<=", "asserted"),
  /** The value compared against, after thresholds were resolved. */
  expected: Scalar,
  observed: Schema.optional(Scalar),
  outcome: Outcome,
  /** Why the outcome is `unknown` or `pending`. */
  reason: Schema.optional(Schema.String),
  /** When the observed value was taken (ISO string in JSON). */
  observedAt: Schema.optional(Schema.Date),
  /** The trailing window the probe measured, for duration conditions. */
  over: Schema.optional(Sustained),
})
export type Evidence = typeof Evidence.Type

/** One symptom of a playbook, evaluated. */
export const SymptomResult = Schema.Struct({
  id: Schema.String,
  text: Schema.String,
  primary: Schema.Boolean,
  origin: Schema.Literal("symptom", "investigation"),
  outcome: Outcome,
  evidence: Schema.Array(Evidence),
})
export type SymptomResult = typeof SymptomResult.Type

/**
 * `matched`: a primary symptom holds. `possible`: no primary symptom is proven, but one holds
 * without its duration being shown yet (Prometheus would call it pending).
 */
export const MatchStatus = Schema.Literal("matched", "possible")
export type MatchStatus = typeof MatchStatus.Type

/**
 * A playbook the observations point to, with all its evidence.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Observation, triage } from "@ir/core"
 * const at = new Date("2026-11-28T10:00:00Z")
 * const [top] = triage(defaultRunbook, Observation.fromRecord({ "http.predict.ok": false }, at)).matches
 * top?.playbook // "model-inference-failures"
 * top?.unevaluated // ["reconstruction-errors", "model-loading"]
 * ```
 */
export const PlaybookMatch = Schema.Struct({
  /** The playbook id. */
  playbook: Schema.String,
  title: Schema.String,
  status: MatchStatus,
  /** 0..1; see {@link triage} for the formula. */
  confidence: Schema.Number,
  /** The severity after the playbook's severity rules (the first matching rule wins). */
  severity: SeverityLevel,
  defaultSeverity: SeverityLevel,
  /** Why: the reason of the rule that set it, or that it is the playbook's default. */
  severityReason: Schema.String,
  /** The evidence of the severity rule that fired; empty for the default severity. */
  severityEvidence: Schema.Array(Evidence),
  /** Every symptom of the playbook, in runbook order. */
  symptoms: Schema.Array(SymptomResult),
  /** Ids of the symptoms that could not be evaluated for lack of data. */
  unevaluated: Schema.Array(Schema.String),
})
export type PlaybookMatch = typeof PlaybookMatch.Type

/** How fast to respond and how the incident is raised, from the severity definition. */
export const Response = Schema.Struct({
  level: SeverityLevel,
  name: Schema.String,
  impact: Schema.String,
  responseTime: ResponseTime,
  responseTimeText: Schema.String,
  raise: Schema.Array(RaiseMethod),
  raiseText: Schema.String,
  updateEveryMinutes: Schema.optional(Schema.Number),
})
export type Response = typeof Response.Type

/** One step to take, from the top match's playbook. */
export const NextStep = Schema.Struct({
  kind: Schema.Literal("immediate", "investigation", "resolution"),
  playbook: Schema.String,
  step: Step,
})
export type NextStep = typeof NextStep.Type

/** An observation of a signal the vocabulary (and the runbook) does not know; never used. */
export const UnknownSignal = Schema.Struct({
  signal: Schema.String,
  value: Scalar,
  source: Schema.optional(Schema.String),
})
export type UnknownSignal = typeof UnknownSignal.Type

/** An observation whose value does not fit its signal's type; never used. */
export const RejectedObservation = Schema.Struct({
  signal: Schema.String,
  value: Scalar,
  reason: Schema.String,
})
export type RejectedObservation = typeof RejectedObservation.Type

/** A manual flag nobody asserted yet that would sharpen the assessment (`--assert <flag>`). */
export const FlagSuggestion = Schema.Struct({
  flag: Schema.String,
  /** The signal it is observed as: `manual.<flag>`. */
  signal: Schema.String,
  /** What asserting it means, in the runbook's words. */
  text: Schema.String,
  /**
   * What it would change: a symptom's outcome, a severity rule, an escalation rule of the policy,
   * or whether the symptoms are expected (planned maintenance).
   */
  effect: Schema.Literal("symptom", "severity", "escalation", "maintenance"),
  /** The listed playbooks it concerns (empty for runbook-wide flags). */
  playbooks: Schema.Array(Schema.String),
})
export type FlagSuggestion = typeof FlagSuggestion.Type

/** An escalation rule of the policy that an asserted flag triggers. */
export const TriggeredEscalation = Schema.Struct({
  rule: Schema.String,
  flag: Schema.String,
  text: Schema.String,
  phase: Schema.Literal("immediate", "after-initial-response"),
})
export type TriggeredEscalation = typeof TriggeredEscalation.Type

/**
 * The result of {@link triage}. Serialise it with `Schema.encodeSync(Assessment)`: dates become
 * ISO strings and the result is plain JSON (the CLI's `--json`).
 *
 * @example
 * ```ts
 * import { Assessment, defaultRunbook, Observation, triage } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * const assessment = triage(
 *   defaultRunbook,
 *   Observation.fromRecord({ "postgres.reachable": false }, new Date("2026-11-28T10:00:00Z")),
 * )
 * JSON.stringify(Schema.encodeSync(Assessment)(assessment)) // {"vocabularyVersion":"1.0.0","observedAt":"2026-11-28T10:00:00.000Z","severity":"P1",…}
 * ```
 */
export const Assessment = Schema.Struct({
  /** Version of the signal vocabulary the observations were read against. */
  vocabularyVersion: Schema.String,
  /** The newest observation's time; absent when there were no observations. */
  observedAt: Schema.optional(Schema.Date),
  /**
   * The resulting severity: the highest over `matched` playbooks, raised to P0 by an asserted
   * flag of an immediate escalation rule (data loss, security). Absent when nothing matched.
   */
  severity: Schema.optional(SeverityLevel),
  severityReason: Schema.optional(Schema.String),
  /** The response deadline and how the severity is raised; absent without a severity. */
  response: Schema.optional(Response),
  /** Matched and possible playbooks, most confident first (ties: severity, then runbook order). */
  matches: Schema.Array(PlaybookMatch),
  /** The top match's immediate actions, investigation steps, then resolution steps. */
  nextSteps: Schema.Array(NextStep),
  /** Escalation rules that asserted flags trigger. */
  escalations: Schema.Array(TriggeredEscalation),
  /** A responder asserted `manual.planned-maintenance`: the symptoms may be expected. */
  plannedMaintenance: Schema.Boolean,
  /** Manual flags asserted true, sorted. */
  assertedFlags: Schema.Array(Schema.String),
  suggestedFlags: Schema.Array(FlagSuggestion),
  unknownSignals: Schema.Array(UnknownSignal),
  rejectedObservations: Schema.Array(RejectedObservation),
  /** Sentences a responder should read before acting. */
  notices: Schema.Array(Schema.String),
})
export type Assessment = typeof Assessment.Type

/** The flag a responder asserts when the outage is planned maintenance. */
export const plannedMaintenanceFlag = "planned-maintenance"

/** Evidence strength of a proven primary symptom, of a proven secondary symptom. */
const primaryStrength = 0.6
const secondaryStrength = 0.25
/** A `possible` playbook stays below every `matched` one (which is at least `primaryStrength`). */
const possibleCap = 0.5

const isObservationSet = (
  observations: Iterable<Observation> | ObservationSet,
): observations is ObservationSet =>
  typeof (observations as ObservationSet).get === "function" &&
  typeof (observations as ObservationSet).has === "function"

/** Every flag a predicate reads as `{ manual: flag }`. */
const manualFlagsOf = (predicate: Predicate): ReadonlyArray<string> => {
  if ("manual" in predicate) return [predicate.manual]
  if ("signal" in predicate) return []
  if ("all" in predicate) return predicate.all.flatMap(manualFlagsOf)
  if ("any" in predicate) return predicate.any.flatMap(manualFlagsOf)
  if ("atLeast" in predicate) return predicate.of.flatMap(manualFlagsOf)
  return manualFlagsOf(predicate.not)
}

/**
 * A flag nobody asserted is missing data, not a "no": rewrite it as a condition on its signal so
 * that three-valued evaluation reports it `unknown` instead of `not-matched`.
 */
const unassertedAsUnknown = (predicate: Predicate, observations: ObservationSet): Predicate => {
  if ("manual" in predicate) {
    const signal = manualSignal(predicate.manual)
    if (observations.has(signal)) return predicate
    const condition: Condition = { signal, op: "==", value: true }
    return condition
  }
  if ("signal" in predicate) return predicate
  const rewrite = (child: Predicate) => unassertedAsUnknown(child, observations)
  if ("all" in predicate) return { all: predicate.all.map(rewrite) }
  if ("any" in predicate) return { any: predicate.any.map(rewrite) }
  if ("atLeast" in predicate) return { atLeast: predicate.atLeast, of: predicate.of.map(rewrite) }
  return { not: rewrite(predicate.not) }
}

interface Context {
  readonly runbook: Runbook
  readonly observations: ObservationSet
  readonly rejected: ReadonlyMap<string, RejectedObservation>
}

const enrich = (context: Context, manualSignals: ReadonlySet<string>, item: ConditionEvidence) => {
  const observation = context.observations.get(item.signal)
  const rejected = context.rejected.get(item.signal)
  const unasserted = manualSignals.has(item.signal) && observation === undefined
  const reason =
    rejected !== undefined
      ? `observed ${JSON.stringify(rejected.value)}, rejected: ${rejected.reason}`
      : unasserted
        ? "not asserted by a responder"
        : item.reason
  const evidence: Evidence = {
    signal: item.signal,
    op: unasserted ? "asserted" : item.op,
    expected: item.expected,
    ...(item.observed === undefined ? {} : { observed: item.observed }),
    outcome: item.outcome,
    ...(reason === undefined ? {} : { reason }),
    ...(observation === undefined ? {} : { observedAt: observation.at }),
    ...(observation?.over === undefined ? {} : { over: observation.over }),
  }
  return evidence
}

const evaluateHonestly = (
  context: Context,
  predicate: Predicate,
): { readonly outcome: SymptomOutcome; readonly evidence: ReadonlyArray<Evidence> } => {
  const manualSignals = new Set(manualFlagsOf(predicate).map(manualSignal))
  const result = evaluate(
    unassertedAsUnknown(predicate, context.observations),
    context.observations,
    context.runbook.thresholds,
  )
  return {
    outcome: result.outcome,
    evidence: result.evidence.map((item) => enrich(context, manualSignals, item)),
  }
}

const round = (value: number): number => Math.round(value * 1000) / 1000

const confidenceOf = (symptoms: ReadonlyArray<SymptomResult>, status: MatchStatus): number => {
  let doubt = 1
  for (const symptom of symptoms) {
    const strength = symptom.primary ? primaryStrength : secondaryStrength
    if (symptom.outcome === "matched") doubt *= 1 - strength
    if (symptom.outcome === "pending") doubt *= 1 - strength / 2
  }
  const confidence = 1 - doubt
  return round(status === "possible" ? Math.min(confidence, possibleCap) : confidence)
}

const assessPlaybook = (context: Context, playbook: Playbook): PlaybookMatch | undefined => {
  const symptoms: ReadonlyArray<SymptomResult> = playbook.symptoms.map((symptom) => {
    const { outcome, evidence } = evaluateHonestly(context, symptom.when)
    return {
      id: symptom.id,
      text: symptom.text,
      primary: symptom.primary,
      origin: symptom.origin,
      outcome,
      evidence,
    }
  })
  const primaries = symptoms.filter((symptom) => symptom.primary)
  const status: MatchStatus | undefined = primaries.some((s) => s.outcome === "matched")
    ? "matched"
    : primaries.some((s) => s.outcome === "pending")
      ? "possible"
      : undefined
  if (status === undefined) return undefined
  let severity = playbook.defaultSeverity
  let severityReason = `the playbook's default severity`
  let severityEvidence: ReadonlyArray<Evidence> = []
  for (const rule of playbook.severityRules) {
    const result = evaluateHonestly(context, rule.when)
    if (result.outcome === "matched") {
      severity = rule.severity
      severityReason = rule.reason
      severityEvidence = result.evidence
      break
    }
  }
  return {
    playbook: playbook.id,
    title: playbook.title,
    status,
    confidence: confidenceOf(symptoms, status),
    severity,
    defaultSeverity: playbook.defaultSeverity,
    severityReason,
    severityEvidence,
    symptoms,
    unevaluated: symptoms.filter((s) => s.outcome === "unknown").map((s) => s.id),
  }
}

const describeRejection = (type: string): string => {
  switch (type) {
    case "ratio":
      return "expected a ratio between 0 and 1"
    case "count":
      return "expected a whole number of at least 0"
    case "seconds":
    case "bytes":
      return `expected a number of ${type} of at least 0`
    case "enum":
      return "expected one of the signal's values"
    default:
      return `expected a ${type}`
  }
}

const nextStepsOf = (playbook: Playbook | undefined): ReadonlyArray<NextStep> =>
  playbook === undefined
    ? []
    : [
        ...playbook.immediateActions.map((step) => ({
          kind: "immediate" as const,
          playbook: playbook.id,
          step,
        })),
        ...playbook.investigation.map((step) => ({
          kind: "investigation" as const,
          playbook: playbook.id,
          step,
        })),
        ...playbook.resolution.map((step) => ({
          kind: "resolution" as const,
          playbook: playbook.id,
          step,
        })),
      ]

/**
 * Assesses observations against a runbook.
 *
 * - A playbook is listed when one of its primary symptoms is `matched` (status `matched`) or,
 *   failing that, `pending` (status `possible`). Secondary symptoms only add confidence.
 * - Confidence is a noisy-OR of independent evidence: `1 − Π(1 − cᵢ)` over the playbook's
 *   symptoms, where `cᵢ` is 0.6 for a matched primary symptom, 0.25 for a matched secondary one,
 *   half of that when the symptom is only pending, and 0 when it is not matched or unknown. One
 *   proven primary symptom gives 0.6, two 0.84, three 0.936. A `possible` playbook is capped at
 *   0.5, so every proven match ranks above every unproven one. Rounded to three decimals.
 * - Matches are ranked by confidence, then severity (most severe first), then runbook order.
 * - A playbook's severity is that of its first severity rule that is `matched` (pending or
 *   unknown rules do not fire), else its default. The assessment's severity is the highest over
 *   `matched` playbooks; an asserted flag that triggers an `immediate` escalation rule of the
 *   policy (`manual.data-loss`, `manual.security-suspected`) raises it to P0, as the runbook's
 *   "Immediate Escalation (P0)" says, even without a matching playbook.
 * - Next steps are the top match's immediate actions, investigation steps and resolution steps.
 * - A flag nobody asserted is missing data: symptoms on it are `unknown`, and the flag is
 *   suggested in `suggestedFlags`. `manual.planned-maintenance` is surfaced, never acted on.
 * - Signals are known when the vocabulary (`Signal.lookup`) or one of the runbook's predicates
 *   names them; others are reported in `unknownSignals`. Values that do not fit their signal's
 *   type are reported in `rejectedObservations`. Neither is evaluated.
 *
 * @example
 * ```ts
 * import { defaultRunbook, triage } from "@ir/core"
 * const at = new Date("2026-11-28T10:00:00Z")
 * const assessment = triage(defaultRunbook, [
 *   { signal: "api.error_ratio", value: 0.3, at, over: { seconds: 600, min: 0.2, max: 0.4 } },
 * ])
 * assessment.matches[0]?.playbook // "high-api-error-rate"
 * assessment.response?.raiseText // "Slack notification + email"
 * ```
 */
export const triage = (
  runbook: Runbook,
  observations: Iterable<Observation> | ObservationSet,
): Assessment => {
  const given = isObservationSet(observations) ? observations : toSet(observations)
  const predicates = runbook.playbooks.flatMap((playbook) => [
    ...playbook.symptoms.map((symptom) => symptom.when),
    ...playbook.severityRules.map((rule) => rule.when),
  ])
  const referenced = new Set(predicates.flatMap(signalsOf))

  const usable = new Map<string, Observation>()
  const unknownSignals: Array<UnknownSignal> = []
  const rejected = new Map<string, RejectedObservation>()
  let observedAt: Date | undefined
  for (const [signal, observation] of given) {
    const time = observation.at.getTime()
    if (!Number.isNaN(time) && (observedAt === undefined || time > observedAt.getTime())) {
      observedAt = observation.at
    }
    const definition = lookup(signal)
    if (definition === undefined && !referenced.has(signal)) {
      unknownSignals.push({
        signal,
        value: observation.value,
        ...(observation.source === undefined ? {} : { source: observation.source }),
      })
      continue
    }
    if (definition !== undefined && !accepts(definition, observation.value)) {
      rejected.set(signal, {
        signal,
        value: observation.value,
        reason: describeRejection(definition.type),
      })
      continue
    }
    usable.set(signal, observation)
  }
  const context: Context = { runbook, observations: usable, rejected }

  const order = new Map(runbook.playbooks.map((playbook, index) => [playbook.id, index]))
  const matches = runbook.playbooks
    .flatMap((playbook) => {
      const match = assessPlaybook(context, playbook)
      return match === undefined ? [] : [match]
    })
    .sort(
      (a, b) =>
        b.confidence - a.confidence ||
        rank(a.severity) - rank(b.severity) ||
        (order.get(a.playbook) ?? 0) - (order.get(b.playbook) ?? 0),
    )

  const assertedFlags = [...usable.values()]
    .filter((o) => o.signal.startsWith("manual.") && o.value === true)
    .map((o) => o.signal.slice("manual.".length))
    .sort()
  const asserted = new Set(assertedFlags)

  const matched = matches.filter((match) => match.status === "matched")
  let severity = matched.reduce<SeverityLevel | undefined>(
    (highest, match) =>
      highest === undefined || rank(match.severity) < rank(highest) ? match.severity : highest,
    undefined,
  )
  const top = matched[0]
  let severityReason =
    severity === undefined
      ? undefined
      : (() => {
          const deciding = matched.find((match) => match.severity === severity) ?? top
          return `${deciding?.title}: ${deciding?.severityReason}`
        })()

  const escalations: Array<TriggeredEscalation> = []
  for (const rule of runbook.escalation.rules) {
    if (!("flag" in rule.trigger) || !asserted.has(rule.trigger.flag)) continue
    if (severity !== undefined && !rule.severities.includes(severity)) continue
    escalations.push({
      rule: rule.id,
      flag: rule.trigger.flag,
      text: rule.text,
      phase: rule.phase,
    })
  }
  const immediate = escalations.find((escalation) => escalation.phase === "immediate")
  const mostSevere = levels[0]!
  if (immediate !== undefined && severity !== mostSevere) {
    severity = mostSevere
    severityReason = `${immediate.text}: immediate escalation (${mostSevere})`
  }

  const definition = severity === undefined ? undefined : findSeverity(runbook.severities, severity)
  const response: Response | undefined =
    definition === undefined
      ? undefined
      : {
          level: definition.level,
          name: definition.name,
          impact: definition.impact,
          responseTime: definition.responseTime,
          responseTimeText: definition.responseTimeText,
          raise: definition.raise,
          raiseText: definition.raiseText,
          ...(definition.updateEveryMinutes === undefined
            ? {}
            : { updateEveryMinutes: definition.updateEveryMinutes }),
        }

  const leading = matches[0]
  const leadingPlaybook = runbook.playbooks.find((playbook) => playbook.id === leading?.playbook)
  const nextSteps = nextStepsOf(leadingPlaybook)

  const suggestions = new Map<string, FlagSuggestion>()
  const suggest = (
    flag: string,
    text: string,
    effect: FlagSuggestion["effect"],
    playbook?: string,
  ) => {
    const signal = manualSignal(flag)
    if (given.has(signal)) return
    const existing = suggestions.get(flag)
    if (existing === undefined) {
      suggestions.set(flag, {
        flag,
        signal,
        text,
        effect,
        playbooks: playbook === undefined ? [] : [playbook],
      })
    } else if (playbook !== undefined && !existing.playbooks.includes(playbook)) {
      suggestions.set(flag, { ...existing, playbooks: [...existing.playbooks, playbook] })
    }
  }
  for (const match of matches) {
    const playbook = runbook.playbooks.find((p) => p.id === match.playbook)
    for (const symptom of playbook?.symptoms ?? []) {
      for (const flag of manualFlagsOf(symptom.when))
        suggest(flag, symptom.text, "symptom", match.playbook)
    }
    for (const rule of playbook?.severityRules ?? []) {
      for (const flag of manualFlagsOf(rule.when))
        suggest(flag, rule.reason, "severity", match.playbook)
    }
  }
  if (matches.length > 0) {
    for (const rule of runbook.escalation.rules) {
      if ("flag" in rule.trigger) suggest(rule.trigger.flag, rule.text, "escalation")
    }
    suggest(
      plannedMaintenanceFlag,
      "Planned maintenance is under way (check calendar)",
      "maintenance",
    )
  }

  const plannedMaintenance = asserted.has(plannedMaintenanceFlag)
  const notices: Array<string> = []
  if (plannedMaintenance) {
    notices.push(
      "A responder asserted planned maintenance: confirm the maintenance window before paging; these symptoms may be expected.",
    )
  }
  if (matched.length === 0 && matches.length > 0) {
    notices.push(
      "Only possible matches: a symptom holds now but has not been shown to last as long as its playbook requires.",
    )
  }
  if (unknownSignals.length > 0) {
    notices.push(
      `${unknownSignals.length} observed signal(s) are not in the vocabulary (version ${vocabularyVersion}) and were ignored.`,
    )
  }
  if (rejected.size > 0) {
    notices.push(
      `${rejected.size} observation(s) did not fit their signal's type and were ignored.`,
    )
  }

  return {
    vocabularyVersion,
    ...(observedAt === undefined ? {} : { observedAt }),
    ...(severity === undefined ? {} : { severity }),
    ...(severityReason === undefined ? {} : { severityReason }),
    ...(response === undefined ? {} : { response }),
    matches,
    nextSteps,
    escalations,
    plannedMaintenance,
    assertedFlags,
    suggestedFlags: [...suggestions.values()],
    unknownSignals,
    rejectedObservations: [...rejected.values()],
    notices,
  }
}

const percent = (confidence: number): string => `${Math.round(confidence * 100)}%`

/**
 * One line for a terminal or a chat message: the severity, the top match, the response deadline.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Observation, Triage, triage } from "@ir/core"
 * const at = new Date("2026-11-28T10:00:00Z")
 * Triage.headline(triage(defaultRunbook, Observation.fromRecord({ "http.health.reachable": false }, at)))
 * // "P0 System Completely Down (confidence 60%): respond within 15 minutes, Immediate page to on-call engineer"
 * ```
 */
export const headline = (assessment: Assessment): string => {
  const top = assessment.matches[0]
  const maintenance = assessment.plannedMaintenance ? " [planned maintenance asserted]" : ""
  const respond =
    assessment.response === undefined
      ? ""
      : `: respond within ${assessment.response.responseTimeText}, ${assessment.response.raiseText}`
  if (assessment.severity !== undefined) {
    const what =
      top !== undefined && top.status === "matched"
        ? `${top.title} (confidence ${percent(top.confidence)})`
        : (assessment.severityReason ?? "")
    return `${assessment.severity} ${what}${respond}${maintenance}`
  }
  if (top !== undefined) {
    return `Possibly ${top.title} (confidence ${percent(top.confidence)}): not yet proven, no severity${maintenance}`
  }
  const ignored = assessment.unknownSignals.length + assessment.rejectedObservations.length
  return `No playbook matched${ignored > 0 ? ` (${ignored} observation(s) ignored)` : ""}${maintenance}`
}
