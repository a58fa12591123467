/**
 * Alert rules as data: every playbook symptom that Prometheus can observe, as a Prometheus
 * alerting rule with the playbook's severity, the playbook id and a link to the playbook in the
 * runbook. Serialising the result to YAML (a rule file `promtool check rules` accepts) is the
 * caller's job; JSON is valid YAML too.
 *
 * @example
 * ```ts
 * import { AlertRules, defaultRunbook } from "@ir/core"
 * const file = AlertRules.alertRules(defaultRunbook, { runbookUrl: "https://runbooks.example.com/ir" })
 * file.groups[0]?.rules[0]?.alert // "SystemDown_AllEndpoints5xx"
 * ```
 */
import * as Schema from "effect/Schema"
import { toSeconds } from "./Duration.js"
import type { Playbook } from "./Playbook.js"
import type { Runbook } from "./Runbook.js"
import { find as findSeverity, levels, type SeverityLevel } from "./Severity.js"
import { lookup } from "./Signal.js"
import type { Condition, Operator, Predicate, Symptom } from "./Symptom.js"
import { resolve } from "./Threshold.js"

/**
 * One Prometheus alerting rule.
 *
 * @example
 * ```ts
 * import type { AlertRules } from "@ir/core"
 * const rule: AlertRules.AlertRule = {
 *   alert: "ModelInferenceFailures_ReconstructionErrors",
 *   expr: "model_reconstruction_error > 1",
 *   labels: { severity: "p1", playbook: "model-inference-failures", symptom: "reconstruction-errors" },
 *   annotations: {
 *     summary: "Model Inference Failures: High reconstruction errors",
 *     description: "model.reconstruction_error > 1 (threshold model.reconstruction_error, critical).",
 *     runbook_url: "https://runbooks.example.com/ir#model-inference-failures",
 *   },
 * }
 * ```
 */
export const AlertRule = Schema.Struct({
  /** `<Playbook>_<Symptom>` in PascalCase, e.g. `HighApiErrorRate_ErrorRate`. */
  alert: Schema.String,
  expr: Schema.String,
  /** How long the condition must hold: the symptom's duration; absent when it has none. */
  for: Schema.optional(Schema.String),
  labels: Schema.Struct({
    /** The playbook's default severity in lower case: `p0` … `p3` (see {@link severityLabel}). */
    severity: Schema.String,
    /** The playbook id. */
    playbook: Schema.String,
    /** The symptom id inside the playbook. */
    symptom: Schema.String,
  }),
  annotations: Schema.Struct({
    summary: Schema.String,
    description: Schema.String,
    /** `<runbookUrl>#<playbook id>`. */
    runbook_url: Schema.String,
  }),
})
export type AlertRule = typeof AlertRule.Type

/** A rule group: one per playbook with at least one observable symptom. */
export const AlertRuleGroup = Schema.Struct({
  name: Schema.String,
  rules: Schema.Array(AlertRule),
})
export type AlertRuleGroup = typeof AlertRuleGroup.Type

/**
 * A Prometheus rule file: `{ groups: [{ name, rules: [...] }] }`, as `promtool check rules` reads
 * it once serialised to YAML (or JSON).
 *
 * @example
 * ```ts
 * import { AlertRules, defaultRunbook } from "@ir/core"
 * const file: AlertRules.AlertRuleFile = AlertRules.alertRules(defaultRunbook, { runbookUrl: "https://runbooks.example.com/ir" })
 * file.groups.map((group) => group.name) // ["ir.system-down", "ir.high-api-error-rate", …]
 * ```
 */
export const AlertRuleFile = Schema.Struct({ groups: Schema.Array(AlertRuleGroup) })
export type AlertRuleFile = typeof AlertRuleFile.Type

export interface AlertRulesOptions {
  /** Where the rendered runbook lives; each rule links to `<runbookUrl>#<playbook id>`. */
  readonly runbookUrl: string
}

/**
 * The `severity` label for a level: the level in lower case (`"P1"` → `"p1"`).
 *
 * @example
 * ```ts
 * import { AlertRules } from "@ir/core"
 * AlertRules.severityLabel("P0") // "p0"
 * ```
 */
export const severityLabel = (level: SeverityLevel): string => level.toLowerCase()

/**
 * The level a `severity` label stands for (any case), or `undefined` for labels such as
 * `critical` that are not ir's. For Alertmanager receivers mapping alerts back to the runbook.
 *
 * @example
 * ```ts
 * import { AlertRules } from "@ir/core"
 * AlertRules.severityFromLabel("p1") // "P1"
 * ```
 */
export const severityFromLabel = (label: string): SeverityLevel | undefined =>
  levels.find((level) => level === label.toUpperCase())

const pascal = (id: string): string => {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("")
  return /^[0-9]/.test(name) ? `Ir${name}` : name
}

const negated: Record<Operator, Operator> = {
  "==": "!=",
  "!=": "==",
  ">": "<=",
  ">=": "<",
  "<": ">=",
  "<=": ">",
}

/** A Prometheus duration: `"5m"`, `"2h"`, `"90m"`, `"1500ms"`. */
const promDuration = (duration: string): string => {
  const millis = Math.round(toSeconds(duration) * 1000)
  const units: ReadonlyArray<readonly [string, number]> = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ]
  for (const [unit, size] of units) {
    if (millis > 0 && millis % size === 0) return `${millis / size}${unit}`
  }
  return `${millis}ms`
}

const promNumber = (value: number): string =>
  Number.isNaN(value)
    ? "NaN"
    : value === Number.POSITIVE_INFINITY
      ? "+Inf"
      : value === Number.NEGATIVE_INFINITY
        ? "-Inf"
        : String(value)

/** A bare selector or one function call: safe to compare without parentheses. */
const isAtomic = (expr: string): boolean => {
  if (/^[A-Za-z_:][A-Za-z0-9_:]*(\{[^{}]*\})?$/.test(expr)) return true
  const open = expr.indexOf("(")
  if (open <= 0 || !/^[A-Za-z_:][A-Za-z0-9_:]*$/.test(expr.slice(0, open).trim())) return false
  let depth = 0
  let quote: string | undefined
  for (let index = open; index < expr.length; index++) {
    const char = expr[index]
    if (quote !== undefined) {
      if (char === "\\") index++
      else if (char === quote) quote = undefined
      continue
    }
    if (char === '"' || char === "'" || char === "`") quote = char
    else if (char === "(") depth++
    else if (char === ")") {
      depth--
      if (depth === 0) return index === expr.length - 1
    }
  }
  return false
}

interface Leaf {
  readonly condition: Condition
  /** False under an odd number of `not`s: the rule fires when the condition does not hold. */
  readonly holds: boolean
}

const leavesOf = (predicate: Predicate, holds: boolean): ReadonlyArray<Leaf> => {
  if ("signal" in predicate) return [{ condition: predicate, holds }]
  if ("manual" in predicate) return []
  if ("all" in predicate) return predicate.all.flatMap((child) => leavesOf(child, holds))
  if ("any" in predicate) return predicate.any.flatMap((child) => leavesOf(child, holds))
  if ("atLeast" in predicate) return predicate.of.flatMap((child) => leavesOf(child, holds))
  return leavesOf(predicate.not, !holds)
}

interface Observable {
  readonly leaf: Leaf
  readonly expr: string
  readonly comparison: string
  readonly showsValue: boolean
}

const observe = (runbook: Runbook, leaf: Leaf): Observable | undefined => {
  const { condition } = leaf
  const promql = lookup(condition.signal)?.promql
  if (promql === undefined) return undefined
  const reference = typeof condition.value === "object" ? condition.value : undefined
  const expected =
    reference === undefined
      ? condition.value
      : resolve(runbook.thresholds, reference.threshold, reference.level)
  if (expected === undefined) return undefined
  const op = leaf.holds ? condition.op : negated[condition.op]
  const threshold =
    reference === undefined ? "" : ` (threshold ${reference.threshold}, ${reference.level})`
  const comparison = `${condition.signal} ${op} ${String(expected)}${threshold}`
  if ("expr" in promql) {
    if (typeof expected !== "number") return undefined
    const left = isAtomic(promql.expr) ? promql.expr : `(${promql.expr})`
    return { leaf, expr: `${left} ${op} ${promNumber(expected)}`, comparison, showsValue: true }
  }
  if (typeof expected !== "boolean" || (op !== "==" && op !== "!=")) return undefined
  const alertWhen = op === "==" ? expected : !expected
  return {
    leaf,
    expr: alertWhen ? promql.whenTrue : promql.whenFalse,
    comparison,
    showsValue: false,
  }
}

const rulesOf = (
  runbook: Runbook,
  playbook: Playbook,
  symptom: Symptom,
  options: AlertRulesOptions,
): ReadonlyArray<AlertRule> => {
  const observable = leavesOf(symptom.when, true).flatMap((leaf) => {
    const result = observe(runbook, leaf)
    return result === undefined ? [] : [result]
  })
  const severity = findSeverity(runbook.severities, playbook.defaultSeverity)
  const respond =
    severity === undefined
      ? ""
      : ` Respond within ${severity.responseTimeText} (${severity.raiseText}).`
  const role = symptom.primary
    ? ""
    : " A secondary symptom: on its own it only adds confidence to the playbook."
  const base = `${pascal(playbook.id)}_${pascal(symptom.id)}`
  return observable.map(({ leaf, expr, comparison, showsValue }) => {
    const duration =
      leaf.holds && leaf.condition.for !== undefined ? promDuration(leaf.condition.for) : undefined
    const observed = showsValue ? " Observed {{ $value }}." : ""
    const lasting = duration === undefined ? "" : ` for ${leaf.condition.for}`
    return {
      alert: observable.length > 1 ? `${base}_${pascal(leaf.condition.signal)}` : base,
      expr,
      ...(duration === undefined ? {} : { for: duration }),
      labels: {
        severity: severityLabel(playbook.defaultSeverity),
        playbook: playbook.id,
        symptom: symptom.id,
      },
      annotations: {
        summary: `${playbook.title}: ${symptom.text}`,
        description: `${comparison}${lasting}.${observed}${role} Playbook "${playbook.title}", severity ${playbook.defaultSeverity}.${respond}`,
        runbook_url: `${options.runbookUrl.replace(/#.*$/, "")}#${playbook.id}`,
      },
    }
  })
}

/**
 * Prometheus alerting rules for every playbook symptom that Prometheus can observe: one group
 * per playbook (named `ir.<playbook id>`, playbooks without observable symptoms are left out),
 * one rule per observable leaf condition.
 *
 * - A condition is observable when its signal's vocabulary entry has `promql`. Manual flags and
 *   signals only probes see (HTTP, PostgreSQL, Docker, files) give no rule.
 * - Conditions combined with `all`, `any` or `atLeast` give one rule per observable leaf, so an
 *   `any` alerts on each alternative and an `all` on each part (Prometheus cannot join unrelated
 *   series; triage combines them). A leaf under `not` alerts on the negated comparison. When a
 *   symptom has several observable leaves the alert name gets the signal as a suffix
 *   (`SystemDown_NoMetrics_PrometheusMetricsPresent`).
 * - Thresholds are resolved from `runbook.thresholds`; a condition whose threshold is not
 *   defined gives no rule. `for` is the condition's duration in Prometheus form, or absent.
 * - Labels: `severity` is the playbook's default severity in lower case (`p1`), `playbook` its
 *   id, `symptom` the symptom id. Annotations: `summary`, `description` (the comparison, the
 *   observed `{{ $value }}` for numeric signals, the response time) and `runbook_url`.
 * - Secondary symptoms get rules too, labelled with the playbook's severity; their description
 *   says they only add confidence on their own.
 *
 * @example
 * ```ts
 * import { AlertRules, defaultRunbook } from "@ir/core"
 * const { groups } = AlertRules.alertRules(defaultRunbook, { runbookUrl: "https://runbooks.example.com/ir" })
 * const rule = groups.find((group) => group.name === "ir.high-api-error-rate")?.rules[0]
 * rule?.for // "5m"
 * rule?.labels // { severity: "p1", playbook: "high-api-error-rate", symptom: "error-rate" }
 * ```
 */
export const alertRules = (runbook: Runbook, options: AlertRulesOptions): AlertRuleFile => {
  const taken = new Set<string>()
  const unique = (rule: AlertRule): AlertRule => {
    let alert = rule.alert
    for (let suffix = 2; taken.has(alert); suffix++) alert = `${rule.alert}_${suffix}`
    taken.add(alert)
    return alert === rule.alert ? rule : { ...rule, alert }
  }
  const groups = runbook.playbooks.flatMap((playbook) => {
    const rules = playbook.symptoms
      .flatMap((symptom) => rulesOf(runbook, playbook, symptom, options))
      .map(unique)
    return rules.length === 0 ? [] : [{ name: `ir.${playbook.id}`, rules }]
  })
  return { groups }
}
