/**
 * The clock an incident runs against, derived from the runbook and the incident's state: when a
 * responder must react (`respondBy`), when the next status update is due (`nextUpdateDue`), when
 * a time-based escalation rule fires (`escalateAt`), and how long it has lasted (`duration`).
 *
 * All of them read the incident's current severity: a P2 raised to P0 answers with P0's response
 * time and update cadence. Time is always an argument; nothing here reads the clock.
 *
 * @example
 * ```ts
 * import { Deadline, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: ["system-down"],
 *     summary: "Health check endpoint unreachable" },
 * ]))
 * Deadline.respondBy(defaultRunbook, incident) // 2026-11-28T10:15:00.000Z
 * Deadline.nextUpdateDue(defaultRunbook, incident) // 2026-11-28T10:30:00.000Z
 * Deadline.escalateAt(defaultRunbook, incident) // 2026-11-28T10:30:00.000Z (p0-not-restored)
 * ```
 */
import { addBusinessDays } from "./BusinessCalendar.js"
import { toMillis } from "./Duration.js"
import type { EscalationRule } from "./Escalation.js"
import type { Incident } from "./Incident.js"
import type { Runbook } from "./Runbook.js"
import { find, type ResponseTime, type Severity } from "./Severity.js"

const MINUTE = 60_000

/** The parts of a runbook the deadlines read. */
export type DeadlineRunbook = Pick<Runbook, "severities" | "calendar">

/** The parts of a runbook `escalateAt` reads. */
export type EscalationRunbook = Pick<Runbook, "severities" | "calendar" | "escalation">

const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b)

/**
 * The runbook's definition of the incident's current severity, or `undefined` when the runbook
 * does not define it.
 *
 * @example
 * ```ts
 * import { Deadline, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "Slow API", severity: "P1", playbooks: [], summary: "p95 above 2 s" },
 * ]))
 * Deadline.severityOf(defaultRunbook, incident)?.updateEveryMinutes // 60
 * ```
 */
export const severityOf = (
  runbook: Pick<Runbook, "severities">,
  incident: Pick<Incident, "severity">,
): Severity | undefined => find(runbook.severities, incident.severity)

/**
 * When the incident took its current severity: the last change to a different level, or the
 * opening.
 *
 * @example
 * ```ts
 * import { Deadline, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "Slow API", severity: "P2", playbooks: [], summary: "p95 above 2 s" },
 *   { type: "severity-changed", at: new Date("2026-11-28T10:20:00Z"), severity: "P0",
 *     reason: "All requests failing" },
 * ]))
 * Deadline.severitySince(incident) // 2026-11-28T10:20:00.000Z
 * ```
 */
export const severitySince = (incident: Incident): Date => {
  let level = incident.events[0]?.type === "opened" ? incident.events[0].severity : undefined
  let since = incident.openedAt
  for (const change of incident.severityChanges) {
    if (change.severity !== level) since = change.at
    level = change.severity
  }
  return since
}

/**
 * When a responder must have reacted: the opening plus the current severity's response time
 * (wall-clock minutes, or business days on the runbook's calendar for P3's "1 business day").
 * `undefined` only when the runbook does not define the incident's severity.
 *
 * @example
 * ```ts
 * import { Deadline, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-27T17:00:00Z"), incidentId: "INC-2026-0002",
 *     title: "Typo in the API docs", severity: "P3", playbooks: [], summary: "Docs typo" },
 * ]))
 * // Friday 17:00 UTC, end of business on the default calendar → Monday 17:00 UTC
 * Deadline.respondBy(defaultRunbook, incident) // 2026-11-30T17:00:00.000Z
 * ```
 */
export const respondBy = (
  runbook: DeadlineRunbook,
  incident: Pick<Incident, "severity" | "openedAt">,
): Date | undefined => {
  const severity = severityOf(runbook, incident)
  return severity === undefined
    ? undefined
    : responseDeadline(runbook, severity.responseTime, incident.openedAt)
}

/**
 * The deadline of a response time counted from `from`: minutes on the clock, or business days
 * on the runbook's calendar. The one rule behind {@link respondBy} and the triage report's
 * deadline (counted from the triage, before any incident exists).
 *
 * @example
 * ```ts
 * import { Deadline, defaultRunbook } from "@ir/core"
 * Deadline.responseDeadline(defaultRunbook, { minutes: 15 }, new Date("2026-11-30T10:00:00Z"))
 * // 2026-11-30T10:15:00.000Z
 * ```
 */
export const responseDeadline = (
  runbook: Pick<Runbook, "calendar">,
  responseTime: ResponseTime,
  from: Date,
): Date =>
  "minutes" in responseTime
    ? new Date(from.getTime() + responseTime.minutes * MINUTE)
    : addBusinessDays(runbook.calendar, from, responseTime.businessDays)

/**
 * When the next status update is due: the current severity's cadence (`updateEveryMinutes`)
 * after the last `update-posted`, or after the opening when none was posted. `undefined` when
 * the severity has no cadence (P2, P3 in the seed) or the incident is resolved. Mitigated
 * incidents still owe updates until they are resolved.
 *
 * @example
 * ```ts
 * import { Deadline, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "High error rate", severity: "P1", playbooks: [], summary: "12% of requests fail" },
 *   { type: "update-posted", at: new Date("2026-11-28T10:40:00Z"), progress: "Rolled back",
 *     status: "Monitoring", nextSteps: "Watch error rate" },
 * ]))
 * Deadline.nextUpdateDue(defaultRunbook, incident) // 2026-11-28T11:40:00.000Z
 * ```
 */
export const nextUpdateDue = (
  runbook: Pick<Runbook, "severities">,
  incident: Incident,
): Date | undefined => {
  if (incident.status === "resolved") return undefined
  const every = severityOf(runbook, incident)?.updateEveryMinutes
  if (every === undefined) return undefined
  const base = incident.lastUpdateAt ?? incident.openedAt
  return new Date(base.getTime() + every * MINUTE)
}

/**
 * The next update a message promises, and `ir incident show` prints, at `now`: `nextUpdateDue`,
 * or a full cadence from `now` when that has passed (a late update promises the next one a
 * cadence later), rounded up to the minute (a promise of "10:35" is not kept at 10:35:30).
 * `undefined` when no update is owed.
 *
 * @example
 * ```ts
 * import { Deadline, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:30Z"), incidentId: "INC-2026-0001",
 *     title: "High error rate", severity: "P1", playbooks: [], summary: "12% of requests fail" },
 * ]))
 * Deadline.nextUpdatePromised(defaultRunbook, incident, new Date("2026-11-28T10:05:00Z"))
 * // 2026-11-28T11:01:00.000Z
 * ```
 */
export const nextUpdatePromised = (
  runbook: Pick<Runbook, "severities">,
  incident: Incident,
  now: Date,
): Date | undefined => {
  const due = nextUpdateDue(runbook, incident)
  const every = severityOf(runbook, incident)?.updateEveryMinutes
  if (due === undefined || every === undefined) return undefined
  const next = due.getTime() > now.getTime() ? due.getTime() : now.getTime() + every * MINUTE
  return new Date(Math.ceil(next / MINUTE) * MINUTE)
}

/**
 * Whether an escalation rule applies to the incident as it stands: the rule covers its current
 * severity, the incident is not resolved, and for "not restored" rules, not mitigated either.
 */
const applies = (rule: EscalationRule, incident: Incident): boolean => {
  if (incident.status === "resolved") return false
  if (!rule.severities.includes(incident.severity)) return false
  // Mitigated means service is restored (the runbook's "unable to restore service"), and the
  // time pressure of "no progress" is off once users are no longer affected; flags still count.
  if (!("flag" in rule.trigger) && incident.status === "mitigated") return false
  return true
}

/**
 * When a rule's trigger is met, or `undefined` if it is not (yet) met by the events so far. A
 * rule never fires before the incident reached a severity it covers.
 *
 * @example
 * ```ts
 * import { Deadline, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: [], summary: "Down" },
 * ]))
 * const rule = defaultRunbook.escalation.rules.find((rule) => rule.id === "p0-not-restored")!
 * Deadline.ruleDueAt(rule, incident) // 2026-11-28T10:30:00.000Z
 * ```
 */
export const ruleDueAt = (rule: EscalationRule, incident: Incident): Date | undefined => {
  if (!applies(rule, incident)) return undefined
  const trigger = rule.trigger
  let metAt: Date | undefined
  if ("unresolvedFor" in trigger) {
    metAt = new Date(incident.openedAt.getTime() + toMillis(trigger.unresolvedFor))
  } else if ("noProgressFor" in trigger) {
    metAt = new Date(incident.lastProgressAt.getTime() + toMillis(trigger.noProgressFor))
  } else {
    metAt = incident.flags.find((raised) => raised.flag === trigger.flag)?.at
  }
  return metAt === undefined ? undefined : later(metAt, severitySince(incident))
}

/**
 * Whether an escalation rule has already fired on the incident: an `escalated` event names it,
 * or the key of one of its escalations was recorded.
 *
 * @example
 * ```ts
 * import { Deadline, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: [], summary: "Down" },
 *   { type: "escalated", at: new Date("2026-11-28T10:31:00Z"), level: 0, to: "Technical Lead",
 *     rule: "p0-not-restored" },
 * ]))
 * Deadline.hasFired(incident, "p0-not-restored") // true
 * ```
 */
export const hasFired = (incident: Incident, ruleId: string): boolean => {
  if (incident.escalations.some((escalation) => escalation.rule === ruleId)) return true
  const prefix = `${incident.id}:escalate:${ruleId}:`
  const isRuleKey = (key: string | undefined) =>
    key?.startsWith(prefix) === true && /^\d+$/.test(key.slice(prefix.length))
  return (
    incident.notifications.some((sent) => isRuleKey(sent.key)) ||
    incident.escalations.some((escalation) => isRuleKey(escalation.key))
  )
}

/**
 * The earliest moment a time-based escalation rule (`unresolvedFor`, `noProgressFor`) fires for
 * the incident, counting only rules that cover its current severity and have not fired yet.
 * `undefined` when none is pending (resolved, mitigated, or no such rule). The moment may be in
 * the past: then `escalate` reports the escalation as due. Flag rules fire when the flag is
 * raised and have no moment to predict.
 *
 * The runbook's phases ("immediate", "after the initial response") group the rules as the seed
 * does; they do not delay a rule: a P1 nobody acknowledged for two hours is escalated too.
 *
 * @example
 * ```ts
 * import { Deadline, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0003",
 *     title: "High error rate", severity: "P1", playbooks: [], summary: "12% of requests fail" },
 *   { type: "update-posted", at: new Date("2026-11-28T11:30:00Z"), progress: "Found the bad deploy",
 *     status: "Rolling back", nextSteps: "Verify" },
 * ]))
 * Deadline.escalateAt(defaultRunbook, incident) // 2026-11-28T13:30:00.000Z (p1-no-progress)
 * ```
 */
export const escalateAt = (runbook: EscalationRunbook, incident: Incident): Date | undefined => {
  let earliest: Date | undefined
  for (const rule of runbook.escalation.rules) {
    if ("flag" in rule.trigger || hasFired(incident, rule.id)) continue
    const at = ruleDueAt(rule, incident)
    if (at !== undefined && (earliest === undefined || at.getTime() < earliest.getTime()))
      earliest = at
  }
  return earliest
}

/**
 * How long the incident has lasted, in milliseconds: resolution minus opening once resolved,
 * otherwise `now` minus opening (never negative).
 *
 * @example
 * ```ts
 * import { Deadline, Duration, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: [], summary: "Down" },
 *   { type: "resolved", at: new Date("2026-11-28T11:25:00Z"), resolution: "Restarted the database" },
 * ]))
 * Duration.formatSeconds(Deadline.duration(incident, new Date("2026-11-29T00:00:00Z")) / 1000) // "1h 25m"
 * ```
 */
export const duration = (incident: Incident, now: Date): number => {
  const end = incident.resolvedAt ?? now
  return Math.max(0, end.getTime() - incident.openedAt.getTime())
}

/**
 * The downtime, in ms: from when the failure began (an alert's `startsAt`, else the opening) to
 * the mitigation (service restored), else the resolution, else `now`.
 *
 * @example
 * ```ts
 * import { Deadline, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", incidentId: "INC-1", at: new Date("2026-11-28T10:00:00Z"), title: "Down",
 *     severity: "P0", playbooks: [], summary: "Down", source: { kind: "alert" },
 *     startedAt: new Date("2026-11-28T09:55:00Z") },
 *   { type: "mitigated", at: new Date("2026-11-28T10:50:00Z"), summary: "Restarted" },
 * ]))
 * Deadline.downtime(incident, new Date("2026-11-28T12:00:00Z")) / 60_000 // 55
 * ```
 */
export const downtime = (incident: Incident, now: Date): number => {
  const from = incident.startedAt ?? incident.openedAt
  const to = incident.mitigatedAt ?? incident.resolvedAt ?? now
  return Math.max(0, to.getTime() - from.getTime())
}
