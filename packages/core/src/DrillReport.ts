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
 * 4. After the resolution the clock visits the post-mortem meeting and each post-incident
 *    checklist's deadline, where the follow-up reminders go out.
 *
 * A scenario changes the responder (see {@link Scenario}): `unacknowledged` rehearses the climb
 * up the contact chain, `stalled` the "no progress" rules, `flags` every flag rule (the severity
 * raise and the security contact). {@link coverage} runs every playbook in every scenario and
 * says which escalation rules and messages no drill exercises.
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
import { type DueAction, escalate, severityRaises } from "./Escalation.js"
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

/**
 * How the simulated responder behaves:
 * - `responsive`: acknowledges after five minutes, posts each status update when due;
 * - `unacknowledged`: nobody acknowledges or posts (the reminders still go out): the page, then
 *   the climb up the contact chain, each contact once, then the last one again;
 * - `stalled`: acknowledges but never posts progress: the "no progress" rules fire;
 * - `flags`: acknowledges, then raises each flag the escalation rules name, one a minute from
 *   +10m (flags that do not raise the severity first): each flag rule fires, raises the severity
 *   where it says, and reaches the channels it names.
 *
 * @example
 * ```ts
 * import { DrillReport } from "@ir/core"
 * DrillReport.scenarios // ["responsive", "unacknowledged", "stalled", "flags"]
 * ```
 */
export type Scenario = "responsive" | "unacknowledged" | "stalled" | "flags"

/** Every scenario, in the order `coverage` runs them. */
export const scenarios: ReadonlyArray<Scenario> = [
  "responsive",
  "unacknowledged",
  "stalled",
  "flags",
]

/** One expectation of the runbook and whether the simulation met it. */
export interface Check {
  readonly name:
    | "triage"
    | "page"
    | "initial-response"
    | "status-updates"
    | "escalation"
    | "chain"
    | "no-progress"
    | "flags"
    | "resolution"
  readonly passed: boolean
  readonly detail: string
}

/** The outcome of a drill. */
export interface DrillReport {
  readonly schemaVersion: 1
  readonly command: "drill"
  readonly playbook: string
  readonly scenario: Scenario
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
const recordAction = (
  action: DueAction,
  at: Date,
  postsUpdates: boolean,
): ReadonlyArray<IncidentEvent> => {
  const sent: IncidentEvent = {
    type: "notification-sent",
    at,
    message: action.message,
    channels: action.channels,
    key: action.key,
  }
  switch (action.kind) {
    case "post-update":
      if (!postsUpdates) return [sent]
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
export const build = (
  runbook: Runbook,
  playbookId: string,
  startedAt: Date,
  scenario: Scenario = "responsive",
): DrillReport => {
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
  const ruleMinutes = (kind: "unresolvedFor" | "noProgressFor") =>
    runbook.escalation.rules.flatMap((rule) => {
      if (!rule.severities.includes(level)) return []
      const trigger = rule.trigger
      if (kind === "unresolvedFor" && "unresolvedFor" in trigger)
        return [toSeconds(trigger.unresolvedFor) / 60]
      if (kind === "noProgressFor" && "noProgressFor" in trigger)
        return [toSeconds(trigger.noProgressFor) / 60]
      return []
    })
  const contacts = runbook.escalation.contacts.length
  const climbWait =
    runbook.escalation.repeatAfter !== undefined
      ? toSeconds(runbook.escalation.repeatAfter) / 60
      : (cadence ?? 60)
  const flagRules = runbook.escalation.rules
    .filter((rule) => "flag" in rule.trigger)
    .sort((a, b) => Number(a.raiseTo !== undefined) - Number(b.raiseTo !== undefined))
  const extra =
    scenario === "unacknowledged"
      ? Math.min(...ruleMinutes("unresolvedFor"), ...ruleMinutes("noProgressFor"), 24 * 60) +
        (contacts + 1) * climbWait +
        15
      : scenario === "stalled"
        ? Math.max(0, ...ruleMinutes("noProgressFor")) + 20
        : scenario === "flags"
          ? 10 + flagRules.length + 15
          : 0
  const horizon = new Date(
    Math.max(
      responseEnd,
      startedAt.getTime() + 2 * (cadence ?? 0) * minute,
      startedAt.getTime() + extra * minute,
      ...unresolvedRules.map(({ minutes }) => startedAt.getTime() + (minutes + 15) * minute),
    ),
  )
  const acknowledgeAt =
    scenario === "unacknowledged" ? undefined : new Date(startedAt.getTime() + 5 * minute)
  const postsUpdates = scenario === "responsive" || scenario === "flags"
  const flagAt = new Map(
    scenario === "flags"
      ? flagRules.map((rule, index) => [startedAt.getTime() + (10 + index) * minute, rule] as const)
      : [],
  )

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
      events = [...events, ...recordAction(action, now, postsUpdates)]
    }
  }
  const raisedFlags: Array<{ rule: string; flag: string; at: Date }> = []
  for (let time = startedAt.getTime(); time < horizon.getTime(); time += minute) {
    const now = new Date(time)
    if (time === acknowledgeAt?.getTime()) {
      events = [...events, { type: "acknowledged", at: now, by: "drill" }]
    }
    const flagRule = flagAt.get(time)
    if (flagRule !== undefined && "flag" in flagRule.trigger) {
      const flag = flagRule.trigger.flag
      raisedFlags.push({ rule: flagRule.id, flag, at: now })
      events = [
        ...events,
        ...severityRaises(runbook, fold(events), [
          { type: "flag-raised", at: now, flag, by: "drill" },
        ]),
      ]
    }
    act(now)
  }
  events = [
    ...events,
    { type: "resolved", at: horizon, resolution: "Drill: service restored as the playbook says" },
  ]
  act(horizon)
  // After the resolution: the post-mortem meeting and each checklist's deadline.
  const resolvedIncident = fold(events)
  const followUps = [
    resolvedIncident.postmortemScheduledFor,
    ...runbook.postIncident.map((group) => {
      const within = /within\s+(\d+)\s+(hour|day|week|month)s?/i.exec(group.within ?? "")
      if (within === null) return undefined
      const unit = { hour: 60, day: 1440, week: 7 * 1440, month: 30 * 1440 }[
        within[2]!.toLowerCase() as "hour" | "day" | "week" | "month"
      ]
      return new Date(horizon.getTime() + Number(within[1]) * unit * minute)
    }),
  ]
    .filter((at): at is Date => at !== undefined && at.getTime() > horizon.getTime())
    .sort((a, b) => a.getTime() - b.getTime())
  for (const at of followUps) act(at)

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
  const escalations = of("escalate")
  const timeRules = runbook.escalation.rules.filter(
    (rule) => !("flag" in rule.trigger) && rule.severities.includes(level),
  )
  if (scenario === "unacknowledged" && timeRules.length === 0) {
    checks.push({
      name: "chain",
      passed: true,
      detail: `no escalation rule of ${level} fires on time alone: an unacknowledged ${level} reaches the chain only when a flag is raised`,
    })
  } else if (scenario === "unacknowledged") {
    const levels = escalations.flatMap((entry) =>
      entry.contact === undefined ? [] : [entry.contact.level],
    )
    const expected = runbook.escalation.contacts.map((_, level) => level)
    const climbed = expected.every((level, index) => levels[index] === level)
    const repeated = expected.length > 0 && levels.length > expected.length
    checks.push({
      name: "chain",
      passed: climbed && repeated,
      detail: !climbed
        ? `nobody acknowledged, and the escalations reached levels ${levels.join(", ") || "none"} instead of ${expected.join(", ")} in turn`
        : !repeated
          ? "the last contact was not reminded while nobody acknowledged"
          : `nobody acknowledged: ${escalations
              .map((entry) => `${entry.contact?.role ?? "(nobody)"} at ${entry.offset}`)
              .join(", ")}`,
    })
  }
  if (scenario === "stalled") {
    const stalledRules = runbook.escalation.rules.filter(
      (rule) => "noProgressFor" in rule.trigger && rule.severities.includes(level),
    )
    for (const rule of stalledRules) {
      const fired = escalations.find((entry) => entry.rule.id === rule.id)
      checks.push({
        name: "no-progress",
        passed: fired?.contact !== undefined,
        detail:
          fired === undefined
            ? `"${rule.text}": never fired while nobody posted progress`
            : `"${rule.text}": escalated to ${fired.contact?.role ?? "(nobody)"} at ${fired.offset}`,
      })
    }
  }
  if (scenario === "flags") {
    const final = fold(events)
    for (const raised of raisedFlags) {
      const rule = runbook.escalation.rules.find((candidate) => candidate.id === raised.rule)
      if (rule === undefined) continue
      const fired = escalations.find((entry) => entry.rule.id === rule.id)
      if (fired === undefined && !rule.severities.includes(final.severity)) continue
      const raisedTo =
        rule.raiseTo === undefined ||
        final.events.some(
          (event) =>
            event.type === "severity-changed" &&
            event.at.getTime() === raised.at.getTime() &&
            event.severity === rule.raiseTo,
        ) ||
        final.severity === rule.raiseTo
      const reached = (rule.notify ?? []).every((channel) => fired?.channels.includes(channel))
      checks.push({
        name: "flags",
        passed: fired !== undefined && raisedTo && reached,
        detail:
          fired === undefined
            ? `"${rule.text}": flag ${raised.flag} raised at ${offset(startedAt, raised.at)}, no escalation`
            : `"${rule.text}": flag ${raised.flag} at ${offset(startedAt, raised.at)} → ${fired.contact?.role ?? "(nobody)"}${rule.raiseTo === undefined ? "" : raisedTo ? `, raised to ${rule.raiseTo}` : `, NOT raised to ${rule.raiseTo}`}${(rule.notify ?? []).length === 0 ? "" : `, ${reached ? "told" : "did NOT tell"} ${(rule.notify ?? []).join(", ")}`}`,
      })
    }
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
    scenario,
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

/** What no drill exercises, and what exercises the rest. */
export interface Coverage {
  readonly schemaVersion: 1
  readonly command: "drill"
  /** Each escalation rule and the drills (`playbook/scenario`) in which it fired. */
  readonly rules: ReadonlyArray<{
    readonly id: string
    readonly text: string
    readonly exercisedBy: ReadonlyArray<string>
  }>
  /** Each message and the drills in which it went out. */
  readonly messages: ReadonlyArray<{
    readonly message: DueAction["message"]
    readonly exercisedBy: ReadonlyArray<string>
  }>
  /** Whether the contact chain was climbed to its end by some drill. */
  readonly chain: { readonly exercisedBy: ReadonlyArray<string> }
  /** Drills whose checks failed (`playbook/scenario: check`). */
  readonly failures: ReadonlyArray<string>
  /** Rules and messages no drill exercises; empty when every one is rehearsed. */
  readonly unexercised: {
    readonly rules: ReadonlyArray<string>
    readonly messages: ReadonlyArray<string>
  }
}

/** The messages a drill can send (the acknowledgement is PagerDuty's, with no template). */
const drillMessages: ReadonlyArray<DueAction["message"]> = [
  "page",
  "initial",
  "update",
  "escalation",
  "resolution",
  "postmortem",
  "followup",
]

/**
 * Runs every playbook in every scenario and says which escalation rules and messages no drill
 * exercises (the goal is none), and which drills failed a check.
 *
 * @example
 * ```ts
 * import { defaultRunbook, DrillReport } from "@ir/core"
 * const coverage = DrillReport.coverage(defaultRunbook, new Date("2026-11-30T10:00:00Z"))
 * coverage.unexercised // { rules: [], messages: [] }
 * ```
 */
export const coverage = (runbook: Runbook, startedAt: Date): Coverage => {
  const rules = new Map(runbook.escalation.rules.map((rule) => [rule.id, [] as Array<string>]))
  const messages = new Map(drillMessages.map((message) => [message, [] as Array<string>]))
  const chain: Array<string> = []
  const failures: Array<string> = []
  const lastLevel = runbook.escalation.contacts.length - 1
  for (const playbook of runbook.playbooks) {
    for (const scenario of scenarios) {
      const name = `${playbook.id}/${scenario}`
      const report = build(runbook, playbook.id, startedAt, scenario)
      for (const check of report.checks)
        if (!check.passed) failures.push(`${name}: ${check.name}: ${check.detail}`)
      for (const entry of report.timeline) {
        const by = messages.get(entry.message)
        if (by !== undefined && !by.includes(name)) by.push(name)
        if (entry.kind !== "escalate" || entry.key.includes(":escalate:climb:")) continue
        const fired = rules.get(entry.rule.id)
        if (fired !== undefined && !fired.includes(name)) fired.push(name)
      }
      if (
        lastLevel >= 0 &&
        report.timeline.some((entry) => entry.contact?.level === lastLevel) &&
        !chain.includes(name)
      )
        chain.push(name)
    }
  }
  const ruleList = runbook.escalation.rules.map((rule) => ({
    id: rule.id,
    text: rule.text,
    exercisedBy: rules.get(rule.id) ?? [],
  }))
  const messageList = drillMessages.map((message) => ({
    message,
    exercisedBy: messages.get(message) ?? [],
  }))
  return {
    schemaVersion: 1,
    command: "drill",
    rules: ruleList,
    messages: messageList,
    chain: { exercisedBy: chain },
    failures,
    unexercised: {
      rules: ruleList.filter((rule) => rule.exercisedBy.length === 0).map((rule) => rule.id),
      messages: messageList
        .filter((entry) => entry.exercisedBy.length === 0)
        .map((entry) => entry.message),
    },
  }
}
