// Incidents, due actions and sent messages as data (the `--json` documents) and as text.
import {
  awaitsAcknowledgement,
  Deadline,
  Duration,
  type Escalation,
  findSeverity,
  type Incident,
  type Runbook,
} from "@ir/core"
import type { IncidentRecord, IncidentSummary } from "@ir/journal"
import type { Dispatch } from "@ir/notify"
import { TimeFormat } from "@ir/templates"
import type { Style } from "../Output.js"

/** `2026-11-28 10:30 UTC` in the runbook's time zone. */
export const dateTime = TimeFormat.formatDateTime

/** `10:30 UTC` */
export const time = TimeFormat.formatTime

/**
 * A moment as a responder reads it next to `now`: `10:30 UTC` on the same day (in the runbook's
 * time zone), `2026-11-30 10:30 UTC` on any other, so that a deadline days away keeps its date.
 */
export const when = (date: Date, now: Date, timeZone: string): string =>
  TimeFormat.formatDay(date, timeZone) === TimeFormat.formatDay(now, timeZone)
    ? time(date, timeZone)
    : dateTime(date, timeZone)

/** `in 12m`, `15m ago`, `now`. */
export const relative = (at: Date, now: Date): string => {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000)
  if (Math.abs(seconds) < 60) return "now"
  const text = Duration.formatSeconds(Math.abs(seconds))
  return seconds > 0 ? `in ${text}` : `${text} ago`
}

/** A due action, as `--json` shows it. */
export interface DueView {
  readonly kind: Escalation.DueActionKind
  readonly key: string
  readonly message: string
  readonly dueAt: string
  readonly deadline?: string
  readonly rule: { readonly id: string; readonly text: string }
  readonly channels: ReadonlyArray<string>
  readonly contact?: { readonly level: number; readonly role: string; readonly name?: string }
}

export const dueView = (action: Escalation.DueAction): DueView => ({
  kind: action.kind,
  key: action.key,
  message: action.message,
  dueAt: action.dueAt.toISOString(),
  ...(action.deadline === undefined ? {} : { deadline: action.deadline.toISOString() }),
  rule: action.rule,
  channels: action.channels,
  ...(action.contact === undefined
    ? {}
    : {
        contact: {
          level: action.contact.level,
          role: action.contact.role,
          ...(action.contact.name === undefined ? {} : { name: action.contact.name }),
        },
      }),
})

/** A sent (or attempted) message, as `--json` shows it. */
export interface DispatchView {
  readonly key: string
  readonly message: string
  readonly outcome: Dispatch["outcome"]
  readonly channels: ReadonlyArray<string>
  readonly delivered: ReadonlyArray<string>
  readonly unrouted: ReadonlyArray<string>
  readonly declined: ReadonlyArray<string>
  readonly failures: ReadonlyArray<{ readonly channel: string; readonly message: string }>
  readonly error?: string
  readonly summary?: string
}

export const dispatchView = (dispatch: Dispatch): DispatchView => ({
  key: dispatch.key,
  message: dispatch.message,
  outcome: dispatch.outcome,
  channels: dispatch.channels,
  delivered: dispatch.delivered,
  unrouted: dispatch.unrouted,
  declined: dispatch.declined,
  failures: dispatch.results
    .filter((result) => result.status === "failed")
    .map((result) => ({ channel: result.channel, message: result.cause?.message ?? "failed" })),
  ...(dispatch.error === undefined ? {} : { error: dispatch.error.message }),
  ...(dispatch.rendered === undefined ? {} : { summary: dispatch.rendered.summary }),
})

/** Whether a dispatch left something undone that a person should look at. */
export const needsAttention = (dispatch: Dispatch): boolean =>
  dispatch.outcome === "failed" || dispatch.outcome === "partial" || dispatch.outcome === "unrouted"

/** One line per dispatch: what went where, and what did not. */
export const dispatchLines = (dispatches: ReadonlyArray<Dispatch>, style: Style): Array<string> =>
  dispatches.flatMap((dispatch) => {
    const what = `${dispatch.message} (${dispatch.key})`
    switch (dispatch.outcome) {
      case "sent":
        return [`${style.green("sent")}      ${what} → ${dispatch.delivered.join(", ")}`]
      case "dry-run":
        return [`${style.cyan("would send")} ${what} → ${dispatch.channels.join(", ")}`]
      case "partial":
        return [
          `${style.yellow("partly")}    ${what} → ${dispatch.delivered.join(", ")}`,
          ...dispatch.results
            .filter((result) => result.status === "failed")
            .map(
              (result) =>
                `          ${style.red("failed")} ${result.cause?.message ?? result.channel}`,
            ),
        ]
      case "unrouted": {
        const why =
          dispatch.unrouted.length > 0
            ? `no channel ${dispatch.unrouted.join(", ")} in notify.channels`
            : dispatch.declined.length > 0
              ? `${dispatch.declined.join(", ")} decline ${dispatch.message} messages`
              : dispatch.message === "page"
                ? "no paging channel: add a pagerduty channel under notify.channels"
                : "the policy names no channel for it"
        return [`${style.yellow("not sent")}  ${what}: ${why}`]
      }
      case "failed":
        return [
          `${style.red("failed")}    ${what}: ${
            dispatch.error?.message ??
            dispatch.results.map((result) => result.cause?.message ?? result.channel).join("; ")
          }`,
        ]
    }
    return []
  })

/** The clock of an incident: when to respond, to update, to escalate. */
export interface DeadlinesView {
  readonly respondBy?: string
  /** Whether someone acknowledged it before `respondBy`. */
  readonly respondedInTime?: boolean
  readonly nextUpdateDue?: string
  readonly escalateAt?: string
  readonly escalationRule?: { readonly id: string; readonly text: string }
  readonly postmortemScheduledFor?: string
}

export const deadlines = (runbook: Runbook, incident: Incident): DeadlinesView => {
  const respondBy = Deadline.respondBy(runbook, incident)
  const nextUpdateDue = Deadline.nextUpdateDue(runbook, incident)
  const escalateAt = Deadline.escalateAt(runbook, incident)
  const rule =
    escalateAt === undefined
      ? undefined
      : runbook.escalation.rules.find(
          (candidate) =>
            !("flag" in candidate.trigger) &&
            !Deadline.hasFired(incident, candidate.id) &&
            Deadline.ruleDueAt(candidate, incident)?.getTime() === escalateAt.getTime(),
        )
  return {
    ...(respondBy === undefined ? {} : { respondBy: respondBy.toISOString() }),
    ...(respondBy === undefined || incident.acknowledgedAt === undefined
      ? {}
      : { respondedInTime: incident.acknowledgedAt.getTime() <= respondBy.getTime() }),
    ...(nextUpdateDue === undefined ? {} : { nextUpdateDue: nextUpdateDue.toISOString() }),
    ...(escalateAt === undefined ? {} : { escalateAt: escalateAt.toISOString() }),
    ...(rule === undefined ? {} : { escalationRule: { id: rule.id, text: rule.text } }),
    ...(incident.postmortemScheduledFor === undefined
      ? {}
      : { postmortemScheduledFor: incident.postmortemScheduledFor.toISOString() }),
  }
}

/** An incident as `ir incident show --json` prints it. */
export const incidentJson = (
  record: IncidentRecord,
  runbook: Runbook,
  now: Date,
  due: ReadonlyArray<Escalation.DueAction>,
) => {
  const incident = record.state
  const durationSeconds = Deadline.duration(incident, now) / 1000
  const iso = (date: Date | undefined) => date?.toISOString()
  const optional = <K extends string>(key: K, value: unknown) =>
    value === undefined ? {} : ({ [key]: value } as Record<K, unknown>)
  return {
    id: record.humanId,
    uuid: record.id,
    title: incident.title,
    summary: incident.summary,
    ...optional("impact", incident.impact),
    severity: incident.severity,
    severityName: findSeverity(runbook.severities, incident.severity)?.name ?? incident.severity,
    status: incident.status,
    playbooks: incident.playbooks,
    ...optional("commander", incident.commander),
    ...optional("source", incident.source),
    openedAt: incident.openedAt.toISOString(),
    ...optional("startedAt", iso(incident.startedAt)),
    ...optional("acknowledgedAt", iso(incident.acknowledgedAt)),
    ...optional("acknowledgedBy", incident.acknowledgedBy),
    ...optional(
      "lastAcknowledgedAt",
      incident.lastAcknowledgedAt?.getTime() === incident.acknowledgedAt?.getTime()
        ? undefined
        : iso(incident.lastAcknowledgedAt),
    ),
    awaitingAcknowledgement: awaitsAcknowledgement(incident),
    ...optional("mitigatedAt", iso(incident.mitigatedAt)),
    ...optional("resolvedAt", iso(incident.resolvedAt)),
    ...optional("resolution", incident.resolution),
    ...optional("rootCause", incident.rootCause),
    durationSeconds,
    duration: Duration.formatSeconds(durationSeconds),
    deadlines: deadlines(runbook, incident),
    due: due.map(dueView),
    flags: incident.flags.map((flag) => ({ ...flag, at: flag.at.toISOString() })),
    escalations: incident.escalations.map((event) => ({ ...event, at: event.at.toISOString() })),
    updates: incident.updates.map((event) => ({ ...event, at: event.at.toISOString() })),
    actions: incident.actions.map((event) => ({ ...event, at: event.at.toISOString() })),
    notifications: incident.notifications.map((event) => ({
      ...event,
      at: event.at.toISOString(),
    })),
    actionItems: incident.actionItems.map((item) => ({
      id: item.item,
      text: item.text,
      ...optional("owner", item.owner),
      ...optional("due", iso(item.due)),
      ...optional("link", item.link),
      addedAt: item.addedAt.toISOString(),
      ...optional("doneAt", iso(item.doneAt)),
      ...optional("doneBy", item.doneBy),
    })),
    checklistDone: incident.checklistDone.map((done) => ({
      checklist: done.group,
      step: done.step + 1,
      at: done.at.toISOString(),
      ...optional("by", done.by),
    })),
    sequence: record.sequence,
  }
}

const dueLabel: Record<Escalation.DueActionKind, string> = {
  page: "page",
  "notify-initial": "initial alert",
  "post-update": "status update",
  escalate: "escalate",
  "notify-resolution": "resolution notice",
  "schedule-postmortem": "post-mortem",
  remind: "follow-up",
}

/** One line per due action. */
export const dueLines = (
  due: ReadonlyArray<Escalation.DueAction>,
  now: Date,
  timeZone: string,
  style: Style,
): Array<string> =>
  due.map((action) => {
    const who =
      action.contact === undefined
        ? ""
        : ` → ${action.contact.name ?? action.contact.role} (level ${action.contact.level})`
    const late =
      action.deadline !== undefined && action.deadline.getTime() < now.getTime()
        ? style.red(` overdue since ${when(action.deadline, now, timeZone)}`)
        : action.deadline === undefined
          ? ""
          : ` by ${when(action.deadline, now, timeZone)}`
    return `${style.bold(dueLabel[action.kind].padEnd(18))}${action.rule.text}${who}${late} [${action.channels.join(", ") || "no channel"}]`
  })

/** `ir incident show` as text. */
export const incidentText = (
  record: IncidentRecord,
  runbook: Runbook,
  now: Date,
  due: ReadonlyArray<Escalation.DueAction>,
  style: Style,
): string => {
  const incident = record.state
  const zone = runbook.calendar.timeZone
  const severity = findSeverity(runbook.severities, incident.severity)
  const lines: Array<string> = []
  lines.push(
    `${style.bold(record.humanId)}  ${style.bold(`${incident.severity} ${severity?.name ?? ""}`.trim())}  ${incident.status}  ${incident.title}`,
    `  ${incident.summary}`,
  )
  if (incident.impact !== undefined) lines.push(`  Impact: ${incident.impact}`)
  if (incident.playbooks.length > 0) lines.push(`  Playbooks: ${incident.playbooks.join(", ")}`)
  const opened = `Opened ${dateTime(incident.openedAt, zone)}`
  const ack =
    incident.acknowledgedAt === undefined
      ? ""
      : ` · acknowledged ${time(incident.acknowledgedAt, zone)}${incident.acknowledgedBy === undefined ? "" : ` by ${incident.acknowledgedBy}`}`
  const mitigated =
    incident.mitigatedAt === undefined ? "" : ` · mitigated ${time(incident.mitigatedAt, zone)}`
  const resolved =
    incident.resolvedAt === undefined ? "" : ` · resolved ${dateTime(incident.resolvedAt, zone)}`
  lines.push(`  ${opened}${ack}${mitigated}${resolved}`)
  lines.push(
    `  Duration: ${Duration.formatSeconds(Deadline.duration(incident, now) / 1000)}${incident.resolvedAt === undefined ? " so far" : ""}`,
  )
  if (incident.commander !== undefined) lines.push(`  Commander: ${incident.commander}`)
  if (incident.resolution !== undefined) lines.push(`  Resolution: ${incident.resolution}`)
  if (incident.rootCause !== undefined) lines.push(`  Root cause: ${incident.rootCause}`)

  const clock = deadlines(runbook, incident)
  const at = (moment: string | Date) => {
    const date = new Date(moment)
    return `${when(date, now, zone)} (${relative(date, now)})`
  }
  lines.push("", style.bold("Clock"))
  if (clock.respondBy !== undefined) {
    const state =
      clock.respondedInTime === undefined
        ? incident.status === "resolved"
          ? ""
          : new Date(clock.respondBy).getTime() < now.getTime()
            ? style.red("  missed: nobody acknowledged")
            : "  waiting for an acknowledgement"
        : clock.respondedInTime
          ? style.green("  met")
          : style.yellow("  acknowledged late")
    lines.push(`  Respond by      ${at(clock.respondBy)}${state}`)
  }
  // The time the status update messages promise, rounded as they round it.
  const promised = Deadline.nextUpdatePromised(runbook, incident, now)
  lines.push(
    `  Next update     ${
      clock.nextUpdateDue === undefined || promised === undefined
        ? incident.status === "resolved"
          ? "none (resolved)"
          : `none scheduled for ${incident.severity}`
        : new Date(clock.nextUpdateDue).getTime() <= now.getTime()
          ? style.red(`overdue since ${at(clock.nextUpdateDue)}`)
          : at(promised)
    }`,
  )
  // An escalation already due (a flag, a deadline passed) is the next one, whatever the clock
  // of the time-based rules says.
  const escalationDue = due.filter((action) => action.kind === "escalate")
  lines.push(
    `  Escalation      ${
      escalationDue.length > 0
        ? style.red(`due now  ${escalationDue.map((action) => action.rule.text).join("; ")}`)
        : clock.escalateAt === undefined
          ? "none pending"
          : `${at(clock.escalateAt)}${clock.escalationRule === undefined ? "" : `  ${clock.escalationRule.text}`}`
    }`,
  )
  if (clock.postmortemScheduledFor !== undefined) {
    lines.push(`  Post-mortem     ${dateTime(new Date(clock.postmortemScheduledFor), zone)}`)
  }
  lines.push("", style.bold("Due now"))
  if (due.length === 0) lines.push("  nothing")
  else lines.push(...dueLines(due, now, zone, style).map((line) => `  ${line}`))
  if (incident.flags.length > 0) {
    lines.push("", style.bold("Flags"))
    for (const flag of incident.flags) {
      lines.push(
        `  ${time(flag.at, zone)}  ${flag.flag}${flag.note === undefined ? "" : `: ${flag.note}`}`,
      )
    }
  }
  if (incident.escalations.length > 0) {
    lines.push("", style.bold("Escalations"))
    for (const event of incident.escalations) {
      lines.push(`  ${time(event.at, zone)}  level ${event.level} ${event.to} (${event.rule})`)
    }
  }
  if (incident.actions.length > 0) {
    lines.push("", style.bold("Actions"))
    for (const event of incident.actions) {
      lines.push(
        `  ${time(event.at, zone)}  ${event.action}${event.target === undefined ? "" : ` ${event.target}`}${event.dryRun ? " (dry run)" : ""} ${event.outcome}: ${event.detail}`,
      )
    }
  }
  const latest = incident.updates[incident.updates.length - 1]
  if (latest !== undefined) {
    lines.push(
      "",
      style.bold("Last update"),
      `  ${time(latest.at, zone)}${latest.by === undefined ? "" : ` by ${latest.by}`}: ${latest.progress}`,
      `  Status: ${latest.status} · Next: ${latest.nextSteps}${latest.eta === undefined ? "" : ` · ETA: ${latest.eta}`}`,
    )
  }
  if (incident.notifications.length > 0) {
    lines.push("", style.bold("Messages sent"))
    for (const sent of incident.notifications) {
      lines.push(
        `  ${time(sent.at, zone)}  ${sent.message.padEnd(11)} → ${sent.channels.join(", ")}`,
      )
    }
  }
  return lines.join("\n")
}

/** A summary line for `ir incident list`. */
export const summaryJson = (summary: IncidentSummary) => ({
  id: summary.humanId,
  uuid: summary.id,
  title: summary.title,
  severity: summary.severity,
  status: summary.status,
  playbooks: summary.playbooks,
  openedAt: summary.openedAt.toISOString(),
  ...(summary.resolvedAt === undefined ? {} : { resolvedAt: summary.resolvedAt.toISOString() }),
})
