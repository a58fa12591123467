/**
 * A drill's full rehearsal: a simulated outage of one playbook, run on a virtual clock, as
 * `ir drill` shows it. Pure: the runbook, the playbook id and the start time in, a
 * {@link DrillReport} out.
 *
 * 1. {@link Drill.drill} synthesises the playbook's symptoms and triages them: the
 *    playbook must be the top match at its default severity.
 * 2. An incident is opened at the start time with that severity, and `escalate` runs every
 *    simulated minute. A perfect responder does each due action the minute it is due (sends the
 *    page and the initial message, posts each status update, escalates), acknowledges after five
 *    minutes and resolves at the horizon: long enough for two status updates and every
 *    time-based escalation rule of the severity.
 * 3. The timeline is checked against what the runbook promises: the initial message inside its
 *    deadline and with somewhere to go, a status update at every multiple of the cadence, each
 *    "not restored within" escalation at its time with a contact, the resolution notice and the
 *    post-mortem. Any miss fails the drill.
 *
 * @example
 * ```ts
 * import { defaultRunbook, DrillReport } from "@ir/core"
 * const report = DrillReport.build(defaultRunbook, "system-down", new Date("2026-11-30T10:00:00Z"))
 * report.passed // true
 * report.timeline.map((entry) => `${entry.offset} ${entry.kind}`)
 * // ["+0m page", "+0m notify-initial", "+30m post-update", "+30m escalate", …]
 * ```
 */
import * as Either from "effect/Either"
import { addBusinessDays } from "./BusinessCalendar.js"
import * as Drill from "./Drill.js"
import { formatSeconds, toSeconds } from "./Duration.js"
import { type DueAction, escalate } from "./Escalation.js"
import { foldIncident, type Incident } from "./Incident.js"
import type { IncidentEvent } from "./IncidentEvent.js"
import type { Runbook } from "./Runbook.js"
import { find as findSeverity, type SeverityLevel } from "./Severity.js"

const minute = 60_000

/** One action of the simulated incident, done the minute it was due. */
export interface TimelineEntry {
  readonly at: Date
  /** Minutes since the incident opened, written `+30m`. */
  readonly offset: string
  readonly kind: DueAction["kind"]
  readonly key: string
  readonly rule: { readonly id: string; readonly text: string }
  readonly deadline?: Date
  readonly channels: ReadonlyArray<string>
  readonly contact?: DueAction["contact"]
  /** The message that goes out (`initial`, `update`, `escalation`, …). */
  readonly message: DueAction["message"]
}

/** One expectation of the runbook and whether the simulation met it. */
export interface Check {
  readonly name:
    | "triage"
    | "page"
    | "initial-response"
    | "status-updates"
    | "escalation"
    | "resolution"
  readonly passed: boolean
  readonly detail: string
}

/** The outcome of a drill. */
export interface DrillReport {
  readonly schemaVersion: 1
  readonly command: "drill"
  readonly playbook: string
  readonly title: string
  readonly startedAt: Date
  readonly resolvedAt: Date
  readonly passed: boolean
  readonly triage: {
    readonly passed: boolean
    readonly reasons: ReadonlyArray<string>
    readonly expectedSeverity: SeverityLevel
    readonly severity: SeverityLevel | null
    readonly topMatch: string | null
    readonly confidence: number | null
    /** The synthesised observations, as `signal = value`. */
    readonly observations: ReadonlyArray<string>
  }
  readonly timeline: ReadonlyArray<TimelineEntry>
  readonly checks: ReadonlyArray<Check>
  /** Things worth fixing that do not fail the drill (a page with no PagerDuty channel). */
  readonly warnings: ReadonlyArray<string>
}

/** The time since `from`, written `+30m`, `+2h`, `+7d1h`.
 *
 * @example
 * ```ts
 * import { DrillReport } from "@ir/core"
 * DrillReport.offset(new Date("2026-11-30T10:00:00Z"), new Date("2026-11-30T10:30:00Z")) // "+30m"
 * ```
 */
export const offset = (from: Date, at: Date): string => {
  const minutes = Math.round((at.getTime() - from.getTime()) / minute)
  return minutes <= 90 ? `+${minutes}m` : `+${formatSeconds(minutes * 60).replace(/ /g, "")}`
}

/** The events a responder records for an action done at `at`. */
const recordAction = (action: DueAction, at: Date): ReadonlyArray<IncidentEvent> => {
  const sent: IncidentEvent = {
    type: "notification-sent",
    at,
    message: action.message,
    channels: action.channels,
    key: action.key,
  }
  switch (action.kind) {
    case "post-update":
      return [
        {
          type: "update-posted",
          at,
          progress: "Drill: investigating as the playbook says",
          status: "Investigating",
          nextSteps: "Continue with the playbook's resolution steps",
        },
        sent,
      ]
    case "escalate":
      return [
        {
          type: "escalated",
          at,
          level: action.contact?.level ?? 0,
          to: action.contact?.role ?? "(nobody)",
          rule: action.rule.id,
          key: action.key,
        },
        sent,
      ]
    case "schedule-postmortem":
      return [{ type: "postmortem-scheduled", at, scheduledFor: action.deadline ?? at }, sent]
    default:
      return [sent]
  }
}

const fold = (events: ReadonlyArray<IncidentEvent>): Incident =>
  Either.getOrThrow(foldIncident(events))

/** Runs the drill. Throws `Drill.DrillError` when the runbook has no such playbook.
 *
 * @example
 * ```ts
 * import { defaultRunbook, DrillReport } from "@ir/core"
 * const report = DrillReport.build(defaultRunbook, "database-connectivity", new Date("2026-11-30T10:00:00Z"))
 * report.checks.filter((check) => !check.passed) // []
 * ```
 */
export const build = (runbook: Runbook, playbookId: string, startedAt: Date): DrillReport => {
  const result = Drill.drill(runbook, playbookId, startedAt)
  const playbook = runbook.playbooks.find((candidate) => candidate.id === playbookId)
  const assessment = result.assessment
  const top = assessment.matches[0]
  const level = assessment.severity ?? result.expectedSeverity
  const severity = findSeverity(runbook.severities, level)
  const checks: Array<Check> = [
    { name: "triage", passed: result.passed, detail: result.reasons.join("; ") },
  ]
  const warnings: Array<string> = []

  // How long to simulate: the response time, two status updates, every time-based escalation.
  const cadence = severity?.updateEveryMinutes
  const unresolvedRules = runbook.escalation.rules.flatMap((rule) =>
    rule.severities.includes(level) && "unresolvedFor" in rule.trigger
      ? [{ rule, minutes: toSeconds(rule.trigger.unresolvedFor) / 60 }]
      : [],
  )
  const responseEnd =
    severity === undefined
      ? startedAt.getTime() + 60 * minute
      : "minutes" in severity.responseTime
        ? startedAt.getTime() + severity.responseTime.minutes * minute
        : addBusinessDays(runbook.calendar, startedAt, severity.responseTime.businessDays).getTime()
  const horizon = new Date(
    Math.max(
      responseEnd,
      startedAt.getTime() + 2 * (cadence ?? 0) * minute,
      ...unresolvedRules.map(({ minutes }) => startedAt.getTime() + (minutes + 15) * minute),
    ),
  )
  const acknowledgeAt = new Date(startedAt.getTime() + 5 * minute)

  let events: Array<IncidentEvent> = [
    {
      type: "opened",
      at: startedAt,
      incidentId: `DRILL-${playbookId}`,
      title: playbook?.title ?? playbookId,
      severity: level,
      playbooks: [playbookId],
      summary: `Drill: simulated ${playbook?.title ?? playbookId}`,
      source: { kind: "drill" },
    },
  ]
  const timeline: Array<TimelineEntry> = []
  const act = (now: Date) => {
    for (const action of escalate(runbook, fold(events), now)) {
      timeline.push({
        at: now,
        offset: offset(startedAt, now),
        kind: action.kind,
        key: action.key,
        rule: action.rule,
        ...(action.deadline === undefined ? {} : { deadline: action.deadline }),
        channels: action.channels,
        ...(action.contact === undefined ? {} : { contact: action.contact }),
        message: action.message,
      })
      events = [...events, ...recordAction(action, now)]
    }
  }
  for (let time = startedAt.getTime(); time < horizon.getTime(); time += minute) {
    const now = new Date(time)
    if (time === acknowledgeAt.getTime()) {
      events = [...events, { type: "acknowledged", at: now, by: "drill" }]
    }
    act(now)
  }
  events = [
    ...events,
    { type: "resolved", at: horizon, resolution: "Drill: service restored as the playbook says" },
  ]
  act(horizon)

  const of = (kind: DueAction["kind"]) => timeline.filter((entry) => entry.kind === kind)
  if (severity?.raise.includes("page") === true) {
    const [page] = of("page")
    checks.push({
      name: "page",
      passed: page !== undefined,
      detail:
        page === undefined
          ? `${level} is raised by a page, but no page went out`
          : `page at ${page.offset}${page.deadline === undefined ? "" : `, respond by ${offset(startedAt, page.deadline)}`}`,
    })
    if (page !== undefined && page.channels.length === 0) {
      warnings.push(
        "the runbook has no pagerduty channel: the page goes only where `ir notify` is configured to send it",
      )
    }
  }
  const [initial] = of("notify-initial")
  const initialOk =
    initial !== undefined &&
    initial.channels.length > 0 &&
    (initial.deadline === undefined || initial.at.getTime() <= initial.deadline.getTime())
  checks.push({
    name: "initial-response",
    passed: initialOk,
    detail:
      initial === undefined
        ? "no initial message went out"
        : initial.channels.length === 0
          ? "the initial message has no channel to go to"
          : `initial message at ${initial.offset} to ${initial.channels.join(", ")}${initial.deadline === undefined ? "" : `, deadline ${offset(startedAt, initial.deadline)}`}`,
  })
  if (cadence !== undefined) {
    const updates = of("post-update")
    const expected: Array<number> = []
    for (let at = cadence; startedAt.getTime() + at * minute < horizon.getTime(); at += cadence) {
      expected.push(at)
    }
    const missed = expected.filter(
      (at) =>
        !updates.some(
          (update) =>
            Math.abs(update.at.getTime() - (startedAt.getTime() + at * minute)) <= minute &&
            update.channels.length > 0,
        ),
    )
    checks.push({
      name: "status-updates",
      passed: missed.length === 0,
      detail:
        missed.length === 0
          ? `status updates every ${cadence} minutes: ${updates.map((update) => update.offset).join(", ")}`
          : `missed status update at ${missed.map((at) => `+${at}m`).join(", ")} (the runbook asks for one every ${cadence} minutes)`,
    })
  }
  for (const { rule, minutes } of unresolvedRules) {
    const fired = of("escalate").find((entry) => entry.rule.id === rule.id)
    const onTime =
      fired !== undefined &&
      Math.abs(fired.at.getTime() - (startedAt.getTime() + minutes * minute)) <= minute
    checks.push({
      name: "escalation",
      passed: onTime && fired?.contact !== undefined,
      detail:
        fired === undefined
          ? `"${rule.text}": no escalation after ${minutes} minutes`
          : fired.contact === undefined
            ? `"${rule.text}": escalation at ${fired.offset} has no contact to go to`
            : `"${rule.text}": escalated to ${fired.contact.role}${fired.contact.phone === undefined ? "" : ` (${fired.contact.phone})`} at ${fired.offset}${onTime ? "" : `, expected +${minutes}m`}`,
    })
  }
  const [resolution] = of("notify-resolution")
  const [postmortem] = of("schedule-postmortem")
  checks.push({
    name: "resolution",
    passed: resolution !== undefined && resolution.channels.length > 0 && postmortem !== undefined,
    detail:
      resolution === undefined
        ? "no resolution notice went out"
        : postmortem === undefined
          ? "no post-mortem was scheduled"
          : `resolution notice at ${resolution.offset} to ${resolution.channels.join(", ")}; post-mortem due by ${postmortem.deadline === undefined ? "?" : offset(startedAt, postmortem.deadline)}`,
  })

  return {
    schemaVersion: 1,
    command: "drill",
    playbook: playbookId,
    title: playbook?.title ?? playbookId,
    startedAt,
    resolvedAt: horizon,
    passed: checks.every((check) => check.passed),
    triage: {
      passed: result.passed,
      reasons: result.reasons,
      expectedSeverity: result.expectedSeverity,
      severity: assessment.severity ?? null,
      topMatch: top?.playbook ?? null,
      confidence: top?.confidence ?? null,
      observations: result.observations.map(
        (observation) => `${observation.signal} = ${JSON.stringify(observation.value)}`,
      ),
    },
    timeline,
    checks,
    warnings,
  }
}
