import {
  activeStatuses,
  Deadline,
  Duration,
  escalate,
  findPlaybook,
  findSeverity,
  type IncidentEvent,
  type IncidentStatus,
  Maintenance,
  Postmortem,
  type SeverityLevel,
} from "@ir/core"
import { type IncidentRecord, timelineJson, timelineMarkdown } from "@ir/journal"
import type { DispatchOptions } from "@ir/responder"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import { parseTime } from "./Clock.js"
import type { CommandContext } from "./Handler.js"
import {
  dateTime,
  dispatchLines,
  dispatchView,
  dueLines,
  incidentJson,
  incidentText,
  needsAttention,
  relative,
  summaryJson,
  time,
} from "./IncidentText.js"
import {
  type DispatchRun,
  fromJournal,
  fromResponder,
  type Lifecycle,
  type LifecycleArgs,
  pickIncident,
  reportDamage,
  withLifecycle,
} from "./Lifecycle.js"

interface ChangeArgs extends LifecycleArgs {
  readonly by: Option.Option<string>
  readonly notify: boolean
}

interface WithId {
  readonly id: Option.Option<string>
}

/**
 * Prints what a change did: the incident after it, what it sent (with `--notify`) and what is
 * due now. Exit 1 when a message could not be sent.
 */
const report = (
  lifecycle: Lifecycle,
  options: {
    readonly command: string
    readonly headline: string
    readonly record: IncidentRecord
    readonly recorded: ReadonlyArray<string>
    readonly sent?: DispatchRun | undefined
    readonly extra?: Record<string, unknown>
    readonly body?: string
  },
) =>
  Effect.gen(function* () {
    const { output, runbook, clock } = lifecycle
    const now = clock.now
    const current =
      options.sent?.status === "done"
        ? yield* Effect.orElseSucceed(
            lifecycle.journal.read(options.record.humanId),
            () => options.record,
          )
        : options.record
    const due = escalate(runbook, current.state, now)
    const dispatches = options.sent?.status === "done" ? options.sent.dispatches : []
    if (output.format === "json") {
      output.json({
        schemaVersion: 1,
        command: options.command,
        at: now.toISOString(),
        recorded: options.recorded,
        ...options.extra,
        incident: incidentJson(current, runbook, now, due),
        notifications: dispatches.map(dispatchView),
        ...(options.sent?.status === "busy" ? { busy: options.sent.detail } : {}),
      })
    } else {
      const { style } = output
      const zone = runbook.calendar.timeZone
      output.print(options.headline)
      if (options.body !== undefined) output.print(options.body)
      const lines = dispatchLines(dispatches, style)
      if (lines.length > 0) output.print(lines.join("\n"))
      if (options.sent?.status === "busy") output.note(options.sent.detail)
      if (due.length > 0) {
        output.print(
          [
            style.bold(
              options.sent === undefined
                ? "Due now (send with --notify, or let `ir escalate --notify` do it):"
                : "Still due:",
            ),
            ...dueLines(due, now, zone, style).map((line) => `  ${line}`),
          ].join("\n"),
        )
      } else if (current.state.status !== "resolved") {
        const next = Deadline.nextUpdateDue(runbook, current.state)
        const escalation = Deadline.escalateAt(runbook, current.state)
        const parts = [
          ...(next === undefined
            ? []
            : [`next update ${time(next, zone)} (${relative(next, now)})`]),
          ...(escalation === undefined
            ? []
            : [`escalation ${time(escalation, zone)} (${relative(escalation, now)})`]),
        ]
        if (parts.length > 0) output.print(style.dim(`Clock: ${parts.join(" · ")}`))
      }
    }
    return dispatches.some(needsAttention) ? ExitCode.found : ExitCode.ok
  })

/** `ir incident open`. */
export const open = (
  args: ChangeArgs & {
    readonly severity: SeverityLevel
    readonly title: string
    readonly summary: Option.Option<string>
    readonly impact: Option.Option<string>
    readonly playbook: ReadonlyArray<string>
    readonly commander: Option.Option<string>
  },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { runbook, clock } = lifecycle
      for (const id of args.playbook) {
        if (findPlaybook(runbook.playbooks, id) === undefined) {
          return yield* Effect.fail(
            new UsageError({
              reason: "unknown-playbook",
              detail: `--playbook ${JSON.stringify(id)}: no such playbook (see \`ir playbook list\`)`,
            }),
          )
        }
      }
      const title = args.title.trim()
      if (title === "") {
        return yield* Effect.fail(
          new UsageError({ reason: "bad-value", detail: "--title: give the incident a title" }),
        )
      }
      if (args.notify) yield* lifecycle.requireChannels
      const opened = yield* Effect.mapError(
        lifecycle.responder().open(
          {
            at: clock.now,
            title,
            severity: args.severity,
            playbooks: [...new Set(args.playbook)],
            summary: Option.getOrElse(args.summary, () => title),
            ...Option.match(args.impact, { onNone: () => ({}), onSome: (impact) => ({ impact }) }),
            ...Option.match(args.commander, {
              onNone: () => ({}),
              onSome: (commander) => ({ commander }),
            }),
            source: { kind: "manual" },
            by: lifecycle.by(args.by),
          },
          { notify: args.notify },
        ),
        fromResponder,
      )
      const { incident, sent } = opened
      const severity = findSeverity(runbook.severities, incident.severity)
      const notPaged =
        opened.maintenance.length === 0 ? undefined : Maintenance.notPagedNote(opened.maintenance)
      return yield* report(lifecycle, {
        command: "incident open",
        headline: `Opened ${lifecycle.output.style.bold(incident.humanId)} (${incident.severity} ${severity?.name ?? ""}): ${incident.title}`,
        record: incident,
        recorded: notPaged === undefined ? ["opened"] : ["opened", "flag-raised"],
        sent,
        extra: { created: opened.created, ...(notPaged === undefined ? {} : { notPaged }) },
        ...(notPaged === undefined ? {} : { body: lifecycle.output.style.yellow(notPaged) }),
      })
    }),
  )

/**
 * Records a responder's events and, with `--notify`, sends what is then due (and `first` before
 * it): the responder's one path for every change to an incident.
 */
const act = (
  lifecycle: Lifecycle,
  incidentId: string,
  events: ReadonlyArray<IncidentEvent.IncidentEvent>,
  options: { readonly notify: boolean; readonly first?: DispatchOptions["first"] },
) =>
  Effect.gen(function* () {
    if (options.notify) yield* lifecycle.requireChannels
    return yield* Effect.mapError(
      lifecycle.responder().act(incidentId, events, {
        notify: options.notify,
        ...(options.first === undefined ? {} : { first: options.first }),
      }),
      fromResponder,
    )
  })

/** `ir incident ack`. */
export const ack = (args: ChangeArgs & WithId, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const incident = yield* pickIncident(lifecycle, args.id)
      const who = lifecycle.by(args.by)
      const now = lifecycle.clock.now
      // With --notify, what is due goes out, and PagerDuty acknowledges the page it raised, so
      // that it stops escalating the page the responder has taken (the responder's follow-up).
      const done = yield* act(
        lifecycle,
        incident.humanId,
        [{ type: "acknowledged", at: now, by: who }],
        {
          notify: args.notify,
        },
      )
      const respondBy = Deadline.respondBy(lifecycle.runbook, incident.state)
      const late =
        respondBy !== undefined && now.getTime() > respondBy.getTime()
          ? ` (${Duration.formatSeconds((now.getTime() - respondBy.getTime()) / 1000)} after the respond-by deadline)`
          : ""
      return yield* report(lifecycle, {
        command: "incident ack",
        headline: `${incident.humanId} acknowledged by ${who}${late}`,
        record: done.incident,
        recorded: ["acknowledged"],
        sent: done.sent,
      })
    }),
  )

/** `ir incident update`. */
export const update = (
  args: ChangeArgs &
    WithId & {
      readonly progress: string
      readonly status: string
      readonly next: string
      readonly eta: Option.Option<string>
      readonly public: Option.Option<string>
    },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const incident = yield* pickIncident(lifecycle, args.id)
      const done = yield* act(
        lifecycle,
        incident.humanId,
        [
          {
            type: "update-posted",
            at: lifecycle.clock.now,
            progress: args.progress,
            status: args.status,
            nextSteps: args.next,
            ...Option.match(args.eta, { onNone: () => ({}), onSome: (eta) => ({ eta }) }),
            ...Option.match(args.public, {
              onNone: () => ({}),
              onSome: (publicNote) => ({ publicNote }),
            }),
            by: lifecycle.by(args.by),
          },
        ],
        {
          notify: args.notify,
          first: (state) => lifecycle.messenger().manualRequest(state, "update"),
        },
      )
      const next = Deadline.nextUpdatePromised(
        lifecycle.runbook,
        done.appended.state,
        lifecycle.clock.now,
      )
      return yield* report(lifecycle, {
        command: "incident update",
        headline: `${incident.humanId}: update ${done.appended.state.updates.length} posted${
          next === undefined
            ? ""
            : `; the next one is due ${time(next, lifecycle.runbook.calendar.timeZone)}`
        }`,
        record: done.incident,
        recorded: ["update-posted"],
        sent: done.sent,
      })
    }),
  )

/** `ir incident flag`. */
export const flag = (
  args: ChangeArgs &
    WithId & { readonly flag: IncidentEvent.IncidentFlag; readonly note: Option.Option<string> },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const incident = yield* pickIncident(lifecycle, args.id)
      const done = yield* act(
        lifecycle,
        incident.humanId,
        [
          {
            type: "flag-raised",
            at: lifecycle.clock.now,
            flag: args.flag,
            ...Option.match(args.note, { onNone: () => ({}), onSome: (note) => ({ note }) }),
            by: lifecycle.by(args.by),
          },
        ],
        { notify: args.notify },
      )
      const raised = done.incident.state.severity !== incident.state.severity
      return yield* report(lifecycle, {
        command: "incident flag",
        headline: `${incident.humanId}: flag ${args.flag} raised${
          raised
            ? `; severity ${incident.state.severity} → ${lifecycle.output.style.bold(done.incident.state.severity)}`
            : ""
        }`,
        record: done.incident,
        recorded: raised ? ["flag-raised", "severity-changed"] : ["flag-raised"],
        sent: done.sent,
      })
    }),
  )

/** `ir incident mitigate`. */
export const mitigate = (
  args: ChangeArgs & WithId & { readonly summary: string },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const incident = yield* pickIncident(lifecycle, args.id)
      const done = yield* act(
        lifecycle,
        incident.humanId,
        [
          {
            type: "mitigated",
            at: lifecycle.clock.now,
            summary: args.summary,
            by: lifecycle.by(args.by),
          },
        ],
        { notify: args.notify },
      )
      return yield* report(lifecycle, {
        command: "incident mitigate",
        headline: `${incident.humanId}: mitigated after ${Duration.formatSeconds(Deadline.duration(done.incident.state, lifecycle.clock.now) / 1000)}; resolve it with \`ir incident resolve\` once the cause is fixed`,
        record: done.incident,
        recorded: ["mitigated"],
        sent: done.sent,
      })
    }),
  )

/** `ir incident resolve`. */
export const resolve = (
  args: ChangeArgs &
    WithId & {
      readonly resolution: string
      readonly rootCause: Option.Option<string>
      readonly postmortemAt: Option.Option<string>
    },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { runbook, clock } = lifecycle
      const incident = yield* pickIncident(lifecycle, args.id)
      const now = clock.now
      const scheduledFor = Option.isSome(args.postmortemAt)
        ? yield* parseTime(args.postmortemAt.value, "--postmortem-at")
        : Postmortem.meetingAt(runbook, now)
      const who = lifecycle.by(args.by)
      const done = yield* act(
        lifecycle,
        incident.humanId,
        [
          {
            type: "resolved",
            at: now,
            resolution: args.resolution,
            ...Option.match(args.rootCause, {
              onNone: () => ({}),
              onSome: (rootCause) => ({ rootCause }),
            }),
            by: who,
          },
          { type: "postmortem-scheduled", at: now, scheduledFor, by: who },
        ],
        { notify: args.notify },
      )
      const messenger = lifecycle.messenger()
      const resolved = done.appended.state
      const notice = yield* Effect.try({
        try: () =>
          messenger.prepare(resolved, messenger.manualRequest(resolved, "resolution"), now).message,
        catch: (error) =>
          new UsageError({
            reason: "incident-state",
            detail: error instanceof Error ? error.message : String(error),
            cause: error,
          }),
      })
      const duration = Deadline.duration(resolved, now) / 1000
      const zone = runbook.calendar.timeZone
      return yield* report(lifecycle, {
        command: "incident resolve",
        headline: `${incident.humanId} resolved after ${Duration.formatSeconds(duration)}; post-mortem ${dateTime(scheduledFor, zone)}`,
        record: done.incident,
        recorded: ["resolved", "postmortem-scheduled"],
        sent: done.sent,
        body: `\n${notice.text.trimEnd()}\n`,
        extra: {
          durationSeconds: duration,
          duration: Duration.formatSeconds(duration),
          postmortemScheduledFor: scheduledFor.toISOString(),
          notice: { summary: notice.summary, text: notice.text, markdown: notice.markdown },
        },
      })
    }),
  )

/** `ir incident list`. */
export const list = (
  args: LifecycleArgs & {
    readonly status: ReadonlyArray<IncidentStatus>
    readonly all: boolean
    readonly limit: Option.Option<number>
  },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { output, runbook, clock } = lifecycle
      const statuses = args.status.length > 0 ? args.status : args.all ? undefined : activeStatuses
      const incidents = yield* Effect.mapError(
        lifecycle.journal.list({
          ...(statuses === undefined ? {} : { status: [...statuses] }),
          ...Option.match(args.limit, { onNone: () => ({}), onSome: (limit) => ({ limit }) }),
        }),
        fromJournal,
      )
      const damaged = yield* reportDamage(lifecycle)
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: "incident list",
          journal: {
            backend: lifecycle.journalConfig.backend,
            location: lifecycle.journalLocation,
          },
          incidents: incidents.map(summaryJson),
          damaged,
        })
        return ExitCode.ok
      }
      if (incidents.length === 0) {
        output.print(
          statuses === activeStatuses
            ? "No open incidents (`--all` lists the resolved ones too)."
            : "No incidents.",
        )
        return ExitCode.ok
      }
      const zone = runbook.calendar.timeZone
      const width = Math.max(...incidents.map((incident) => incident.humanId.length)) + 2
      output.print(
        output.style.bold(
          `${"ID".padEnd(width)}SEV  ${"STATUS".padEnd(14)}${"OPENED".padEnd(22)}TITLE`,
        ),
      )
      for (const incident of incidents) {
        output.print(
          `${incident.humanId.padEnd(width)}${incident.severity}   ${incident.status.padEnd(14)}${dateTime(incident.openedAt, zone).padEnd(22)}${incident.title}${
            incident.status === "resolved"
              ? ""
              : output.style.dim(` (${relative(incident.openedAt, clock.now)})`)
          }`,
        )
      }
      return ExitCode.ok
    }),
  )

/** `ir incident show`. */
export const show = (args: LifecycleArgs & WithId, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { output, runbook, clock } = lifecycle
      const incident = yield* pickIncident(lifecycle, args.id, { latestIfNoneOpen: true })
      const due = escalate(runbook, incident.state, clock.now)
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: "incident show",
          at: clock.now.toISOString(),
          incident: incidentJson(incident, runbook, clock.now, due),
        })
      } else {
        const text = incidentText(incident, runbook, clock.now, due, output.style)
        output.print(output.format === "markdown" ? `\`\`\`text\n${text}\n\`\`\`` : text)
      }
      return ExitCode.ok
    }),
  )

/** `ir incident timeline`. */
export const timeline = (args: LifecycleArgs & WithId, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { output, runbook } = lifecycle
      const incident = yield* pickIncident(lifecycle, args.id, { latestIfNoneOpen: true })
      switch (output.format) {
        case "json":
          output.json({
            schemaVersion: 1,
            command: "incident timeline",
            ...timelineJson(incident.events),
          })
          break
        case "markdown":
          output.print(timelineMarkdown(incident.events).trimEnd())
          break
        case "text": {
          const zone = runbook.calendar.timeZone
          const data = timelineJson(incident.events)
          output.print(
            output.style.bold(
              `${data.incidentId} ${data.severity} ${data.status}: ${data.title}${data.duration === undefined ? "" : ` (${data.duration})`}`,
            ),
          )
          for (const entry of data.entries) {
            output.print(
              `${dateTime(new Date(entry.at), zone)}  ${entry.description}${entry.by === undefined ? "" : output.style.dim(` (${entry.by})`)}`,
            )
          }
        }
      }
      return ExitCode.ok
    }),
  )
