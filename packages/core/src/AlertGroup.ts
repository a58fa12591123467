/**
 * An alert group (Alertmanager's unit of notification) as an incident: the pure part of opening
 * one from alerts. The group's severity is the highest of its firing alerts' (each alert's
 * `severity` label `P0`…`P3` in any case, else its playbook's after the playbook's severity rules,
 * else a default); its playbooks are those its alerts map to (`createPlaybookMapper`); its title,
 * summary and impact come from the most severe alert (the playbook's title, else the alert name;
 * `summary` and `description` annotations), clipped and stripped of terminal escapes for the
 * journal. `@ir/responder` records what this plans.
 *
 * @example
 * ```ts
 * import { AlertGroup, createPlaybookMapper, defaultRunbook } from "@ir/core"
 * const mapAlert = createPlaybookMapper(defaultRunbook, { now: () => new Date() })
 * const alert = { labels: { alertname: "ServiceDown", severity: "p0" }, annotations: {}, fingerprint: "f1" }
 * const plan = AlertGroup.plan([{ alert, match: mapAlert(alert) }], { labels: {}, annotations: {} }, "P2")
 * plan.severity // "P0"
 * ```
 */
import type { AlertTarget } from "./Maintenance.js"
import type { AlertPlaybook } from "./PlaybookMapping.js"
import { max as maxSeverity, type SeverityLevel } from "./Severity.js"
import { forJournal } from "./TerminalText.js"

/** One alert of a group: its labels, annotations and fingerprint. */
export interface GroupAlert {
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly fingerprint: string
  /** When the alert started firing (RFC 3339), as Alertmanager says. */
  readonly startsAt?: string
}

/** What an incident for the group is opened with. */
export interface AlertGroupPlan {
  readonly severity: SeverityLevel
  readonly playbooks: ReadonlyArray<string>
  readonly title: string
  readonly summary: string
  readonly impact?: string
  /** The alert names (or fingerprints) of the firing alerts. */
  readonly alertnames: ReadonlyArray<string>
  /** The names of the alerts of the group's severity: why a joining group raises it. */
  readonly leading: ReadonlyArray<string>
  /** The earliest `startsAt` of the firing alerts: when the failure began. */
  readonly startedAt?: Date
  /**
   * Each firing alert's labels and playbook: what a maintenance window is matched against
   * (`Maintenance.covering`).
   */
  readonly alerts: ReadonlyArray<AlertTarget>
}

/** Lengths the journal keeps of an alert's text. */
export const limits = { title: 200, summary: 2000, impact: 2000, key: 4096, by: 200 } as const

/** An alert's `severity` label as a level (`p0` … `P3`), if it is one. */
export const severityLabel = (
  labels: Readonly<Record<string, string>>,
): SeverityLevel | undefined => {
  const label = labels.severity?.trim().toUpperCase()
  return label === "P0" || label === "P1" || label === "P2" || label === "P3" ? label : undefined
}

/** An alert's severity: its label, else its playbook's, else `fallback`. */
export const alertSeverity = (
  alert: GroupAlert,
  match: AlertPlaybook | undefined,
  fallback: SeverityLevel,
): SeverityLevel => severityLabel(alert.labels) ?? match?.severity ?? fallback

const nameOf = (alert: GroupAlert) => alert.labels.alertname ?? alert.fingerprint

/**
 * The incident for a group's firing alerts (at least one). `common` is the group's common labels
 * and annotations.
 */
export const plan = (
  firing: ReadonlyArray<{ readonly alert: GroupAlert; readonly match: AlertPlaybook | undefined }>,
  common: {
    readonly labels: Readonly<Record<string, string>>
    readonly annotations: Readonly<Record<string, string>>
  },
  fallback: SeverityLevel,
): AlertGroupPlan => {
  if (firing.length === 0) throw new Error("AlertGroup.plan needs at least one firing alert")
  const severities = firing.map(({ alert, match }) => alertSeverity(alert, match, fallback))
  const severity = severities.reduce((a, b) => maxSeverity(a, b))
  const lead = firing[severities.indexOf(severity)] ?? firing[0]!
  const playbooks = [
    ...new Set(firing.flatMap(({ match }) => (match === undefined ? [] : [match.playbook.id]))),
  ]
  const alertnames = [...new Set(firing.map(({ alert }) => nameOf(alert)))]
  const title =
    lead.match?.playbook.title ??
    lead.alert.labels.alertname ??
    common.labels.alertname ??
    "Alertmanager alert"
  const summary =
    lead.alert.annotations.summary ??
    common.annotations.summary ??
    `Firing: ${alertnames.join(", ")}`
  const impact = lead.alert.annotations.description ?? common.annotations.description
  const starts = firing
    .map(({ alert }) => (alert.startsAt === undefined ? Number.NaN : Date.parse(alert.startsAt)))
    .filter((time) => Number.isFinite(time) && time > 0)
  return {
    severity,
    playbooks,
    title: forJournal(title, limits.title) || "Alertmanager alert",
    summary: forJournal(summary, limits.summary) || `Firing: ${alertnames.join(", ")}`,
    ...(impact === undefined ? {} : { impact: forJournal(impact, limits.impact) }),
    alertnames,
    leading: firing
      .filter((_, index) => severities[index] === severity)
      .map(({ alert }) => nameOf(alert)),
    ...(starts.length === 0 ? {} : { startedAt: new Date(Math.min(...starts)) }),
    alerts: firing.map(({ alert, match }) => ({
      labels: { ...common.labels, ...alert.labels },
      ...(match === undefined ? {} : { playbook: match.playbook.id }),
    })),
  }
}
