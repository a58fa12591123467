/**
 * The public status page, as data: what customers may read about the incidents the runbook's
 * policy makes public (the `external` audience: P0 and P1 by default), and nothing else.
 *
 * - The overall state and each component's state, from the active public incidents (and, for a
 *   component with `probes`, from live probe results the caller passes in).
 * - Each public incident with its updates, newest first: the opening, each status update (the
 *   responder's public note, cleaned by `Audience.publicText`, else the status's standard
 *   sentence), the first action taken (identified), the mitigation (monitoring) and the
 *   resolution. The title is the playbook's `publicTitle`.
 * - The last `days` days per component as a row of days, each with the worst impact that day.
 *
 * What is left out, always: the internal title and summary, probe output, host names, IPs,
 * internal ids (the incident's reference is the caller's opaque one), responder names and
 * runbook steps. The shape follows Atlassian Statuspage's public `summary.json` where one exists.
 *
 * @example
 * ```ts
 * import { defaultRunbook, StatusPage } from "@ir/core"
 * const page = StatusPage.summarize({
 *   runbook: defaultRunbook,
 *   incidents: [],
 *   now: new Date("2026-12-01T10:00:00Z"),
 *   reference: (incident) => incident.id,
 * })
 * page.indicator // "none"
 * page.description // "All Systems Operational"
 * ```
 */
import * as Audience from "./Audience.js"
import type { Incident } from "./Incident.js"
import { addDays, formatDate, fromLocal, toLocal } from "./internal/ZonedTime.js"
import { find as findPlaybook } from "./Playbook.js"
import type { Runbook } from "./Runbook.js"

const DAY = 86_400_000

/** A component of the status page: what customers see as one part of the service. */
export interface ComponentConfig {
  /** Stable id, used in `status.json`. */
  readonly id: string
  /** Its public name ("API", "Anomaly detection"). */
  readonly name: string
  readonly description?: string
  /** The playbooks whose incidents affect it (absent: every incident). */
  readonly playbooks?: ReadonlyArray<string>
  /**
   * Live checks (probe ids) whose results also set its state: a failing one makes it a partial
   * outage, a warning degraded performance, even before anyone opened an incident.
   */
  readonly checks?: ReadonlyArray<string>
}

/** A live check's result, as the status page reads it. */
export type CheckStatus = "pass" | "warn" | "fail"

/** The overall indicator, as Statuspage's `status.indicator`. */
export type Indicator = Audience.PublicImpact | "maintenance"

/** One public update of an incident. */
export interface PublicUpdate {
  /** Opaque and stable: the incident's reference and the update's position. */
  readonly id: string
  readonly status: Audience.PublicStatus
  readonly statusText: string
  readonly body: string
  readonly at: Date
}

/** A public incident. */
export interface PublicIncident {
  /** The caller's opaque reference, never the internal id. */
  readonly id: string
  readonly title: string
  readonly impact: Audience.PublicImpact
  readonly status: Audience.PublicStatus
  readonly statusText: string
  /** Planned maintenance (the incident carries the `planned-maintenance` flag). */
  readonly maintenance: boolean
  readonly startedAt: Date
  readonly updatedAt: Date
  readonly monitoringAt?: Date
  readonly resolvedAt?: Date
  /** The ids of the components it affects. */
  readonly components: ReadonlyArray<string>
  /** Newest first. */
  readonly updates: ReadonlyArray<PublicUpdate>
}

/** One day in a component's history. */
export interface StatusDay {
  /** `YYYY-MM-DD` in the runbook's time zone. */
  readonly date: string
  /** The worst impact of the public incidents that touched the component that day. */
  readonly impact: Audience.PublicImpact | "maintenance"
  /** The references of those incidents. */
  readonly incidents: ReadonlyArray<string>
}

/** A component as the page shows it. */
export interface StatusComponent {
  readonly id: string
  readonly name: string
  readonly description?: string
  readonly status: Audience.ComponentStatus
  /** Oldest first, `days` long, ending today. */
  readonly days: ReadonlyArray<StatusDay>
  /** Share of the period without a public incident touching it, 0 to 1 (whole minutes). */
  readonly uptime: number
}

/** The whole page. */
export interface StatusSummary {
  readonly name: string
  readonly timeZone: string
  readonly updatedAt: Date
  readonly indicator: Indicator
  /** "All Systems Operational", "Partial System Outage", … */
  readonly description: string
  readonly components: ReadonlyArray<StatusComponent>
  /** Unresolved public incidents, newest first. */
  readonly incidents: ReadonlyArray<PublicIncident>
  /** Public incidents resolved within the period, newest first. */
  readonly resolved: ReadonlyArray<PublicIncident>
  readonly days: number
}

/** What {@link summarize} reads. */
export interface SummaryInput {
  readonly runbook: Runbook
  /** The incidents to consider (at least every one active or resolved within `days`). */
  readonly incidents: ReadonlyArray<Incident>
  readonly now: Date
  /** The opaque public reference of an incident. */
  readonly reference: (incident: Incident) => string
  /** The page's name (default "Service status"). */
  readonly name?: string
  /** Default: one component per playbook, named by its public title. */
  readonly components?: ReadonlyArray<ComponentConfig>
  /** How many days of history (default 90). */
  readonly days?: number
  /** How many resolved incidents to list at most (default 20). */
  readonly resolvedLimit?: number
  /** The latest results of live checks, by probe id (see {@link ComponentConfig.checks}). */
  readonly checks?: Readonly<Record<string, CheckStatus>>
}

/** The components when none are configured: one per playbook, under its public title. */
export const defaultComponents = (runbook: Runbook): ReadonlyArray<ComponentConfig> =>
  runbook.playbooks.map((playbook) => ({
    id: playbook.id,
    name: playbook.publicTitle ?? playbook.title,
    playbooks: [playbook.id],
  }))

/**
 * Whether an incident belongs on the status page: at some point in its life its severity was one
 * the runbook's `external` audience hears of.
 */
export const isPublicIncident = (
  runbook: Pick<Runbook, "audiences">,
  incident: Incident,
): boolean => {
  const severities = runbook.audiences.external.severities
  if (severities.includes(incident.severity)) return true
  const opened = incident.events[0]
  if (opened?.type === "opened" && severities.includes(opened.severity)) return true
  return incident.severityChanges.some((change) => severities.includes(change.severity))
}

const impactRank: Readonly<Record<Audience.PublicImpact | "maintenance", number>> = {
  none: 0,
  maintenance: 1,
  minor: 2,
  major: 3,
  critical: 4,
}

const statusRank: Readonly<Record<Audience.ComponentStatus, number>> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
}

/** The highest severity an incident reached: its public impact. */
const worstImpact = (incident: Incident): Audience.PublicImpact => {
  const opened = incident.events[0]
  const levels = [
    incident.severity,
    ...(opened?.type === "opened" ? [opened.severity] : []),
    ...incident.severityChanges.map((change) => change.severity),
  ]
  return levels
    .map((level) => Audience.publicImpact[level])
    .reduce((worst, impact) => (impactRank[impact] > impactRank[worst] ? impact : worst), "none")
}

const isMaintenance = (incident: Incident): boolean =>
  incident.flags.some((flag) => flag.flag === "planned-maintenance")

const affects = (component: ComponentConfig, incident: Incident): boolean =>
  component.playbooks === undefined ||
  component.playbooks.some((playbook) => incident.playbooks.includes(playbook))

/** The public updates of an incident, oldest first, from its events. */
const updatesOf = (incident: Incident, reference: string): ReadonlyArray<PublicUpdate> => {
  const out: Array<Omit<PublicUpdate, "id">> = []
  let identified = false
  const push = (status: Audience.PublicStatus, at: Date, note?: string) => {
    const cleaned = note === undefined ? "" : Audience.publicText(note.trim())
    out.push({
      status,
      statusText: Audience.publicStatusText[status],
      body: cleaned === "" ? Audience.publicSentence[status] : cleaned,
      at,
    })
  }
  let current: Audience.PublicStatus = "investigating"
  for (const event of incident.events) {
    switch (event.type) {
      case "opened":
        push("investigating", incident.startedAt ?? event.at)
        break
      case "action-taken":
        if (
          !identified &&
          !event.dryRun &&
          event.outcome === "succeeded" &&
          current === "investigating"
        ) {
          identified = true
          current = "identified"
          push("identified", event.at)
        }
        break
      case "update-posted":
        if (event.publicNote !== undefined && event.publicNote.trim() !== "")
          push(current, event.at, event.publicNote)
        break
      case "mitigated":
        current = "monitoring"
        push("monitoring", event.at)
        break
      case "resolved":
        current = "resolved"
        push("resolved", event.at)
        break
      default:
        break
    }
  }
  return out.map((update, index) => ({ id: `${reference}-${index + 1}`, ...update }))
}

const publicIncident = (
  input: SummaryInput,
  components: ReadonlyArray<ComponentConfig>,
  incident: Incident,
): PublicIncident => {
  const reference = input.reference(incident)
  const updates = updatesOf(incident, reference)
  const status = Audience.publicStatus(incident)
  const last = updates[updates.length - 1]
  return {
    id: reference,
    title: Audience.publicTitle(input.runbook, incident),
    impact: worstImpact(incident),
    status,
    statusText: Audience.publicStatusText[status],
    maintenance: isMaintenance(incident),
    startedAt: incident.startedAt ?? incident.openedAt,
    updatedAt: last?.at ?? incident.openedAt,
    ...(incident.mitigatedAt === undefined ? {} : { monitoringAt: incident.mitigatedAt }),
    ...(incident.resolvedAt === undefined ? {} : { resolvedAt: incident.resolvedAt }),
    components: components.filter((component) => affects(component, incident)).map((c) => c.id),
    updates: [...updates].reverse(),
  }
}

/** The status an active incident gives its components. */
const activeComponentStatus = (incident: Incident): Audience.ComponentStatus => {
  if (isMaintenance(incident)) return "under_maintenance"
  // Mitigated: the fix is in and being watched; the service works, perhaps not fully.
  if (incident.status === "mitigated") return "degraded_performance"
  return Audience.componentStatus[incident.severity]
}

const descriptions: Readonly<Record<Indicator, string>> = {
  none: "All Systems Operational",
  minor: "Minor Service Outage",
  major: "Partial System Outage",
  critical: "Major System Outage",
  maintenance: "Service Under Maintenance",
}

const indicatorOf = (statuses: ReadonlyArray<Audience.ComponentStatus>): Indicator => {
  const worst = statuses.reduce<Audience.ComponentStatus>(
    (acc, status) => (statusRank[status] > statusRank[acc] ? status : acc),
    "operational",
  )
  switch (worst) {
    case "major_outage":
      return "critical"
    case "partial_outage":
      return "major"
    case "degraded_performance":
      return "minor"
    case "under_maintenance":
      return "maintenance"
    default:
      return "none"
  }
}

/**
 * The status page from the incidents as they stand at `now`.
 *
 * @example
 * ```ts
 * import { defaultRunbook, StatusPage } from "@ir/core"
 * const page = (incidents: ReadonlyArray<Incident>) =>
 *   StatusPage.summarize({ runbook: defaultRunbook, incidents, now: new Date(), reference: (i) => i.id })
 * ```
 */
export const summarize = (input: SummaryInput): StatusSummary => {
  const { runbook, now } = input
  const timeZone = runbook.calendar.timeZone
  const components = input.components ?? defaultComponents(runbook)
  const days = Math.max(1, Math.floor(input.days ?? 90))
  const today = toLocal(timeZone, now).date
  const firstDay = addDays(today, -(days - 1))
  const periodStart = fromLocal(timeZone, { date: firstDay, timeOfDay: 0 }).getTime()

  const publicOnes = input.incidents.filter(
    (incident) =>
      isPublicIncident(runbook, incident) &&
      incident.openedAt.getTime() <= now.getTime() &&
      (incident.resolvedAt === undefined || incident.resolvedAt.getTime() >= periodStart),
  )
  const active = publicOnes.filter((incident) => incident.status !== "resolved")
  const resolved = publicOnes
    .filter((incident) => incident.status === "resolved")
    .sort((a, b) => (b.resolvedAt?.getTime() ?? 0) - (a.resolvedAt?.getTime() ?? 0))
    .slice(0, Math.max(0, input.resolvedLimit ?? 20))

  // Day boundaries in the runbook's time zone, oldest first; DST days are 23 or 25 hours.
  const bounds: Array<{ date: string; start: number; end: number }> = []
  for (let index = 0; index < days; index += 1) {
    const date = addDays(firstDay, index)
    bounds.push({
      date: formatDate(date),
      start: fromLocal(timeZone, { date, timeOfDay: 0 }).getTime(),
      end: fromLocal(timeZone, { date: addDays(date, 1), timeOfDay: 0 }).getTime(),
    })
  }
  const periodEnd = now.getTime()
  const spans = publicOnes.map((incident) => ({
    incident,
    reference: input.reference(incident),
    impact: isMaintenance(incident) ? ("maintenance" as const) : worstImpact(incident),
    start: (incident.startedAt ?? incident.openedAt).getTime(),
    end: incident.resolvedAt?.getTime() ?? periodEnd,
  }))

  const statusComponents = components.map((component): StatusComponent => {
    const touching = spans.filter((span) => affects(component, span.incident))
    const status = active
      .filter((incident) => affects(component, incident))
      .map(activeComponentStatus)
      .concat(
        (component.checks ?? []).map((check) => {
          const result = input.checks?.[check]
          return result === "fail"
            ? "partial_outage"
            : result === "warn"
              ? "degraded_performance"
              : "operational"
        }),
      )
      .reduce<Audience.ComponentStatus>(
        (acc, next) => (statusRank[next] > statusRank[acc] ? next : acc),
        "operational",
      )
    const history = bounds.map((day): StatusDay => {
      const that = touching.filter((span) => span.start < day.end && span.end >= day.start)
      return {
        date: day.date,
        impact: that.reduce<StatusDay["impact"]>(
          (worst, span) => (impactRank[span.impact] > impactRank[worst] ? span.impact : worst),
          "none",
        ),
        incidents: that.map((span) => span.reference),
      }
    })
    // Downtime: the union of the non-maintenance spans within the period, in whole minutes.
    const intervals = touching
      .filter((span) => span.impact !== "maintenance" && span.impact !== "none")
      .map((span) => [Math.max(span.start, periodStart), Math.min(span.end, periodEnd)] as const)
      .filter(([start, end]) => end > start)
      .sort((a, b) => a[0] - b[0])
    let down = 0
    let reach = -Infinity
    for (const [start, end] of intervals) {
      if (end <= reach) continue
      down += end - Math.max(start, reach)
      reach = end
    }
    const total = Math.max(periodEnd - periodStart, DAY / 24)
    return {
      id: component.id,
      name: component.name,
      ...(component.description === undefined ? {} : { description: component.description }),
      status,
      days: history,
      uptime: Math.max(0, 1 - Math.floor(down / 60_000) / Math.ceil(total / 60_000)),
    }
  })

  const indicator = indicatorOf(statusComponents.map((component) => component.status))
  const listed = (incidents: ReadonlyArray<Incident>) =>
    incidents.map((incident) => publicIncident(input, components, incident))
  const activeList = listed(active).sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
  const resolvedList = listed(resolved)
  const latest = [...activeList, ...resolvedList]
    .map((incident) => incident.updatedAt.getTime())
    .reduce((max, at) => Math.max(max, at), 0)
  return {
    name: input.name ?? "Service status",
    timeZone,
    updatedAt: latest === 0 ? now : new Date(latest),
    indicator,
    description: descriptions[indicator],
    components: statusComponents,
    incidents: activeList,
    resolved: resolvedList,
    days,
  }
}

/** The playbook ids a component covers that the runbook does not know (for configuration errors). */
export const unknownPlaybooks = (
  runbook: Pick<Runbook, "playbooks">,
  components: ReadonlyArray<ComponentConfig>,
): ReadonlyArray<{ readonly component: string; readonly playbook: string }> =>
  components.flatMap((component) =>
    (component.playbooks ?? [])
      .filter((playbook) => findPlaybook(runbook.playbooks, playbook) === undefined)
      .map((playbook) => ({ component: component.id, playbook })),
  )
