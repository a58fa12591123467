/**
 * Which playbook an alert belongs to. The first rule that gives an answer wins:
 *
 * 1. `playbook-label`: the alert's `playbook` label names a playbook of the runbook (what
 *    `ir alerts rules` puts on every rule it generates).
 * 2. `alert-rule`: the `alertname` is one `ir alerts rules` generates for this runbook
 *    (`HighApiErrorRate_ErrorRate`), for rules whose labels were relabelled away.
 * 3. `symptom-label`: the `symptom` label is the id of a playbook's symptom (the generated rules
 *    carry it too); the first playbook in runbook order with that symptom.
 * 4. `signal`: a `signal` label names a signal (`api.error_ratio`) and a `value` annotation (or
 *    label) gives its value: `triage` of that one observation picks the playbook, and its
 *    severity rules set the severity.
 * 5. `words`: the playbook whose id, title and symptom texts share the most words with the
 *    alert's name, summary and description, each shared word weighted by how few playbooks use
 *    it (ties go to the earlier playbook). The last resort: it can be wrong, and says so.
 *
 * Otherwise no playbook: the incident still opens, with none.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * import { playbookForAlert } from "@ir/core"
 * playbookForAlert(defaultRunbook, {
 *   labels: { alertname: "ApiErrors", signal: "api.error_ratio" },
 *   annotations: { value: "0.3" },
 * }, new Date())?.playbook.id // "high-api-error-rate"
 * ```
 */
import * as AlertRules from "./AlertRules.js"
import type * as Observation from "./Observation.js"
import type { Playbook } from "./Playbook.js"
import type { Runbook } from "./Runbook.js"
import type { SeverityLevel } from "./Severity.js"
import * as Signal from "./Signal.js"
import { triage } from "./Triage.js"

/**
 * How an alert was mapped (see the module documentation for the order).
 *
 * @example
 * ```ts
 * import type { MatchedBy } from "@ir/core"
 * const how: MatchedBy = "playbook-label"
 * ```
 */
export type MatchedBy = "playbook-label" | "alert-rule" | "symptom-label" | "signal" | "words"

/**
 * What the mapping needs of an alert: its labels and annotations.
 *
 * @example
 * ```ts
 * import type { AlertLabels } from "@ir/core"
 * const alert: AlertLabels = { labels: { playbook: "system-down" }, annotations: {} }
 * ```
 */
export interface AlertLabels {
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
}

/**
 * An alert's playbook, how it was found, and the severity it implies.
 *
 * @example
 * ```ts
 * import type { AlertPlaybook } from "@ir/core"
 * const describe = (match: AlertPlaybook) => `${match.playbook.id} (${match.matchedBy}): ${match.reason}`
 * ```
 */
export interface AlertPlaybook {
  readonly playbook: Playbook
  readonly matchedBy: MatchedBy
  /** The playbook's default severity, or what its severity rules say for a `signal` match. */
  readonly severity: SeverityLevel
  /** Why, for a person reading the webhook's answer. */
  readonly reason: string
}

const stopWords = new Set([
  "the",
  "and",
  "for",
  "with",
  "from",
  "are",
  "not",
  "than",
  "this",
  "that",
  "has",
  "have",
  "was",
  "were",
  "been",
  "being",
  "into",
  "over",
  "alert",
  "alerts",
  "firing",
])

const wordsOf = (text: string): Set<string> =>
  new Set(
    text
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length > 2 && !stopWords.has(word)),
  )

const signalValue = (key: string, raw: string): Signal.SignalValue | undefined => {
  const text = raw.trim()
  if (text === "") return undefined
  const definition = Signal.lookup(key)
  const asBoolean = /^(true|false)$/i.test(text) ? text.toLowerCase() === "true" : undefined
  const asNumber = Number.isFinite(Number(text)) ? Number(text) : undefined
  if (definition === undefined) return asBoolean ?? asNumber ?? text
  switch (definition.type) {
    case "boolean":
      return asBoolean ?? (text === "1" ? true : text === "0" ? false : undefined)
    case "enum":
      return text
    default:
      return asNumber
  }
}

/**
 * Options of {@link createPlaybookMapper}.
 *
 * @example
 * ```ts
 * import type { PlaybookMapperOptions } from "@ir/core"
 * const options: PlaybookMapperOptions = { now: () => new Date("2026-11-28T10:00:00Z") }
 * ```
 */
export interface PlaybookMapperOptions {
  /** The time of the observation a `signal` alert gives `triage` (core reads no clock). */
  readonly now: () => Date
}

/**
 * A mapper for one runbook: the generated alert names and word weights are computed once.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * import { createPlaybookMapper } from "@ir/core"
 * const map = createPlaybookMapper(defaultRunbook, { now: () => new Date() })
 * map({ labels: { alertname: "SystemDown_AllEndpoints5xx" }, annotations: {} })?.matchedBy // "alert-rule"
 * ```
 */
export const createPlaybookMapper = (
  runbook: Runbook,
  options: PlaybookMapperOptions,
): ((alert: AlertLabels) => AlertPlaybook | undefined) => {
  const { now } = options
  const byId = new Map(runbook.playbooks.map((playbook) => [playbook.id, playbook]))
  const byRule = new Map<string, Playbook>()
  for (const group of AlertRules.alertRules(runbook, { runbookUrl: "" }).groups) {
    for (const rule of group.rules) {
      const playbook = byId.get(rule.labels.playbook)
      if (playbook !== undefined) byRule.set(rule.alert, playbook)
    }
  }
  const bySymptom = new Map<string, Playbook>()
  for (const playbook of runbook.playbooks) {
    for (const symptom of playbook.symptoms) {
      if (!bySymptom.has(symptom.id)) bySymptom.set(symptom.id, playbook)
    }
  }
  const playbookWords = runbook.playbooks.map((playbook) => ({
    playbook,
    words: wordsOf(
      [playbook.id, playbook.title, ...playbook.symptoms.map((symptom) => symptom.text)].join(" "),
    ),
  }))
  const usage = new Map<string, number>()
  for (const { words } of playbookWords) {
    for (const word of words) usage.set(word, (usage.get(word) ?? 0) + 1)
  }
  const found = (
    playbook: Playbook,
    matchedBy: MatchedBy,
    reason: string,
    severity: SeverityLevel = playbook.defaultSeverity,
  ): AlertPlaybook => ({ playbook, matchedBy, severity, reason })

  return (alert) => {
    const { labels, annotations } = alert
    const named = labels.playbook === undefined ? undefined : byId.get(labels.playbook)
    if (named !== undefined) return found(named, "playbook-label", `label playbook="${named.id}"`)

    const rule = labels.alertname === undefined ? undefined : byRule.get(labels.alertname)
    if (rule !== undefined)
      return found(rule, "alert-rule", `alertname ${labels.alertname} is a rule ir generates`)

    const symptom = labels.symptom === undefined ? undefined : bySymptom.get(labels.symptom)
    if (symptom !== undefined)
      return found(symptom, "symptom-label", `label symptom="${labels.symptom}"`)

    const signal = labels.signal
    const raw = annotations.value ?? labels.value
    if (signal !== undefined && raw !== undefined) {
      const value = signalValue(signal, raw)
      if (value !== undefined) {
        const observation: Observation.Observation = {
          signal,
          value,
          at: now(),
          source: "alertmanager",
        }
        const top = triage(runbook, [observation]).matches[0]
        const playbook = top === undefined ? undefined : byId.get(top.playbook)
        if (top !== undefined && playbook !== undefined) {
          return found(
            playbook,
            "signal",
            `triage of ${signal} = ${String(value)}: ${top.status} (confidence ${top.confidence})`,
            top.severity,
          )
        }
      }
    }

    const alertWords = wordsOf(
      [labels.alertname ?? "", annotations.summary ?? "", annotations.description ?? ""].join(" "),
    )
    let best: { playbook: Playbook; score: number; shared: Array<string> } | undefined
    for (const { playbook, words } of playbookWords) {
      let score = 0
      const shared: Array<string> = []
      for (const word of alertWords) {
        if (!words.has(word)) continue
        score += 1 / (usage.get(word) ?? 1)
        shared.push(word)
      }
      if (score > 0 && (best === undefined || score > best.score))
        best = { playbook, score, shared }
    }
    if (best === undefined) return undefined
    return found(best.playbook, "words", `shares the words ${best.shared.join(", ")}`)
  }
}

/**
 * The playbook an alert belongs to (see the module documentation for the order). For many
 * alerts, make one mapper with {@link createPlaybookMapper}.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * import { playbookForAlert } from "@ir/core"
 * playbookForAlert(defaultRunbook, { labels: { playbook: "system-down" }, annotations: {} }, new Date())
 *   ?.severity // "P0"
 * ```
 */
export const playbookForAlert = (
  runbook: Runbook,
  alert: AlertLabels,
  /** When the alert is observed (the time of a `signal` alert's observation). */
  at: Date,
): AlertPlaybook | undefined => createPlaybookMapper(runbook, { now: () => at })(alert)
