/**
 * The figures of the quarterly review, from incidents as the journal keeps them: per severity and
 * per playbook, how many, how fast they were acknowledged, mitigated and resolved (median and
 * 90th percentile), whether the response deadline and the update cadence were kept, which
 * escalation rules fired, which playbooks came back within a week, and the action items still
 * open. Pure: the period's end is given.
 *
 * Times are in seconds from the opening. Time to mitigate counts to the mitigation, or to the
 * resolution when there was none. The median of an even count is the mean of the two middle
 * values; the 90th percentile is the nearest rank (the smallest value with at least 90% of the
 * values at or below it).
 *
 * @example
 * ```ts
 * import { defaultRunbook, foldIncident, Report } from "@ir/core"
 * import * as Either from "effect/Either"
 * const at = new Date("2026-11-28T10:00:00Z")
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", incidentId: "INC-1", at, title: "Down", severity: "P1", playbooks: [],
 *     summary: "Down", source: { kind: "manual" } },
 * ]))
 * const report = Report.summarize(defaultRunbook, [incident], { until: new Date("2026-12-01T00:00:00Z") })
 * report.incidents // 1
 * ```
 */
import { respondBy } from "./Deadline.js"
import type { Incident } from "./Incident.js"
import type { Runbook } from "./Runbook.js"

/** A duration statistic, in seconds; absent figures when nothing was measured. */
export interface Stat {
  readonly count: number
  readonly median?: number
  readonly p90?: number
}

/** Kept, missed, or not decided yet (the deadline is still ahead and nothing happened). */
export interface Compliance {
  readonly met: number
  readonly missed: number
  readonly pending: number
}

/** The figures of one severity or playbook. */
export interface Group {
  /** The severity level or playbook id (`none` for incidents without a playbook). */
  readonly key: string
  readonly incidents: number
  readonly resolved: number
  readonly timeToAcknowledge: Stat
  readonly timeToMitigate: Stat
  readonly timeToResolve: Stat
  /** Acknowledged within the severity's response time (15 minutes for a P0 …). */
  readonly responseDeadline: Compliance
  /** No gap longer than the severity's update cadence while the service was down. */
  readonly updateCadence: Compliance
  readonly escalations: number
}

export interface Report {
  readonly since?: Date
  readonly until: Date
  readonly incidents: number
  readonly bySeverity: ReadonlyArray<Group>
  readonly byPlaybook: ReadonlyArray<Group>
  readonly escalationsByRule: ReadonlyArray<{
    readonly rule: string
    readonly text: string
    readonly count: number
  }>
  /** Incidents of a playbook opened within 7 days of the previous one of that playbook. */
  readonly repeats: ReadonlyArray<{
    readonly playbook: string
    readonly incident: string
    readonly previous: string
  }>
  readonly actionItems: { readonly open: number; readonly overdue: number }
}

const SECOND = 1000
const REPEAT_WINDOW = 7 * 24 * 3600 * SECOND

/** Median (mean of the two middle values for an even count) and nearest-rank 90th percentile. */
export const stat = (values: ReadonlyArray<number>): Stat => {
  if (values.length === 0) return { count: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1]!
  return { count: sorted.length, median, p90 }
}

const seconds = (from: Date, to: Date | undefined) =>
  to === undefined ? undefined : (to.getTime() - from.getTime()) / SECOND

const defined = (values: ReadonlyArray<number | undefined>): ReadonlyArray<number> =>
  values.filter((value): value is number => value !== undefined)

/**
 * How long an incident took, in seconds from its opening: to the acknowledgement, to the
 * mitigation (the resolution when it was never mitigated first) and to the resolution; absent
 * until it happened. `ir report` and `/metrics` both measure with it.
 *
 * @example
 * ```ts
 * import { Report } from "@ir/core"
 * const { acknowledge, resolve } = Report.durations(incident)
 * ```
 */
export const durations = (
  incident: Pick<Incident, "openedAt" | "acknowledgedAt" | "mitigatedAt" | "resolvedAt">,
): {
  readonly acknowledge?: number
  readonly mitigate?: number
  readonly resolve?: number
} => {
  const acknowledge = seconds(incident.openedAt, incident.acknowledgedAt)
  const mitigate = seconds(incident.openedAt, incident.mitigatedAt ?? incident.resolvedAt)
  const resolve = seconds(incident.openedAt, incident.resolvedAt)
  // Assigned, not spread: an object literal that opens with a spread gets a hidden class of its
  // own in V8, some 200 bytes each for the thousands that `/metrics` keeps.
  const durations: { acknowledge?: number; mitigate?: number; resolve?: number } = {}
  if (acknowledge !== undefined) durations.acknowledge = acknowledge
  if (mitigate !== undefined) durations.mitigate = mitigate
  if (resolve !== undefined) durations.resolve = resolve
  return durations
}

/**
 * Whether the incident met its response deadline: `met` when acknowledged by it, `missed`
 * when acknowledged late or not by `until` past it, `pending` otherwise.
 */
export const responseOf = (
  runbook: Pick<Runbook, "severities" | "calendar">,
  incident: Pick<Incident, "severity" | "openedAt" | "acknowledgedAt">,
  until: Date,
): keyof Compliance => {
  const deadline = respondBy(runbook, incident)
  if (deadline === undefined) return "pending"
  if (incident.acknowledgedAt !== undefined)
    return incident.acknowledgedAt.getTime() <= deadline.getTime() ? "met" : "missed"
  return until.getTime() > deadline.getTime() ? "missed" : "pending"
}

const cadenceOf = (
  runbook: Pick<Runbook, "severities">,
  incident: Incident,
  until: Date,
): keyof Compliance | undefined => {
  const every = runbook.severities.find((s) => s.level === incident.severity)?.updateEveryMinutes
  if (every === undefined) return undefined
  const limit = every * 60 * SECOND
  const end = incident.mitigatedAt ?? incident.resolvedAt
  const stops = [
    incident.openedAt,
    ...incident.updates.map((update) => update.at).filter((at) => end === undefined || at < end),
    end ?? until,
  ].map((at) => at.getTime())
  for (let index = 1; index < stops.length; index++)
    if (stops[index]! - stops[index - 1]! > limit) return "missed"
  return end === undefined ? "pending" : "met"
}

const group = (
  runbook: Pick<Runbook, "severities" | "calendar">,
  key: string,
  incidents: ReadonlyArray<Incident>,
  until: Date,
): Group => {
  const tally = (outcomes: ReadonlyArray<keyof Compliance | undefined>): Compliance => ({
    met: outcomes.filter((outcome) => outcome === "met").length,
    missed: outcomes.filter((outcome) => outcome === "missed").length,
    pending: outcomes.filter((outcome) => outcome === "pending").length,
  })
  return {
    key,
    incidents: incidents.length,
    resolved: incidents.filter((incident) => incident.resolvedAt !== undefined).length,
    timeToAcknowledge: stat(defined(incidents.map((incident) => durations(incident).acknowledge))),
    timeToMitigate: stat(defined(incidents.map((incident) => durations(incident).mitigate))),
    timeToResolve: stat(defined(incidents.map((incident) => durations(incident).resolve))),
    responseDeadline: tally(incidents.map((incident) => responseOf(runbook, incident, until))),
    updateCadence: tally(incidents.map((incident) => cadenceOf(runbook, incident, until))),
    escalations: incidents.reduce((sum, incident) => sum + incident.escalations.length, 0),
  }
}

/**
 * The report of the incidents opened in `[since, until)` (every one opened before `until`
 * without `since`).
 */
export const summarize = (
  runbook: Pick<Runbook, "severities" | "calendar" | "escalation">,
  all: ReadonlyArray<Incident>,
  options: { readonly since?: Date; readonly until: Date },
): Report => {
  const { since, until } = options
  const incidents = all
    .filter(
      (incident) =>
        incident.openedAt.getTime() < until.getTime() &&
        (since === undefined || incident.openedAt.getTime() >= since.getTime()),
    )
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || a.id.localeCompare(b.id))
  const bySeverity = runbook.severities
    .map((severity) =>
      group(
        runbook,
        severity.level,
        incidents.filter((incident) => incident.severity === severity.level),
        until,
      ),
    )
    .filter((entry) => entry.incidents > 0)
  const playbooks = [
    ...new Set(
      incidents.flatMap((incident) =>
        incident.playbooks.length === 0 ? ["none"] : incident.playbooks,
      ),
    ),
  ].sort()
  const byPlaybook = playbooks.map((playbook) =>
    group(
      runbook,
      playbook,
      incidents.filter((incident) =>
        playbook === "none"
          ? incident.playbooks.length === 0
          : incident.playbooks.includes(playbook),
      ),
      until,
    ),
  )
  const rules = new Map<string, number>()
  for (const incident of incidents)
    for (const escalation of incident.escalations)
      rules.set(escalation.rule, (rules.get(escalation.rule) ?? 0) + 1)
  const escalationsByRule = [...rules]
    .map(([rule, count]) => ({
      rule,
      text: runbook.escalation.rules.find((candidate) => candidate.id === rule)?.text ?? rule,
      count,
    }))
    .sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule))
  const repeats: Array<Report["repeats"][number]> = []
  const last = new Map<string, Incident>()
  for (const incident of incidents)
    for (const playbook of incident.playbooks) {
      const previous = last.get(playbook)
      if (
        previous !== undefined &&
        incident.openedAt.getTime() - previous.openedAt.getTime() <= REPEAT_WINDOW
      )
        repeats.push({ playbook, incident: incident.id, previous: previous.id })
      last.set(playbook, incident)
    }
  const items = incidents.flatMap((incident) =>
    incident.actionItems.filter((item) => item.doneAt === undefined),
  )
  return {
    ...(since === undefined ? {} : { since }),
    until,
    incidents: incidents.length,
    bySeverity,
    byPlaybook,
    escalationsByRule,
    repeats,
    actionItems: {
      open: items.length,
      overdue: items.filter(
        (item) => item.due !== undefined && item.due.getTime() <= until.getTime(),
      ).length,
    },
  }
}
