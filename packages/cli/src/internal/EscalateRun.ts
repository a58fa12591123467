import { type Escalation, escalate } from "@ir/core"
import type { IncidentSummary } from "@ir/journal"
import type { Dispatch } from "@ir/notify"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ExitCode from "../ExitCode.js"
import type { CommandContext } from "./Handler.js"
import { dispatchLines, dispatchView, dueLines, dueView, needsAttention } from "./IncidentText.js"
import {
  type DispatchRun,
  dispatchDue,
  fromJournal,
  type LifecycleArgs,
  pickIncident,
  reportDamage,
  withLifecycle,
} from "./Lifecycle.js"

export interface EscalateArgs extends LifecycleArgs {
  readonly notify: boolean
  readonly dryRun: boolean
  readonly incident: Option.Option<string>
}

/** Incidents read at once: within the PostgreSQL journal's default pool of 5 connections. */
const READS_AT_ONCE = 4

interface IncidentDue {
  readonly summary: Pick<IncidentSummary, "humanId" | "title" | "severity" | "status">
  readonly due: ReadonlyArray<Escalation.DueAction>
  readonly sent?: DispatchRun
}

/** `ir escalate`. */
export const run = (args: EscalateArgs, context: CommandContext) =>
  withLifecycle(
    context,
    args,
    (lifecycle) =>
      Effect.gen(function* () {
        const { journal, runbook, clock, output } = lifecycle
        const now = clock.now
        const summaries: ReadonlyArray<
          Pick<IncidentSummary, "humanId" | "title" | "severity" | "status" | "sequence">
        > = Option.isSome(args.incident)
          ? [yield* pickIncident(lifecycle, args.incident)]
          : yield* Effect.mapError(lifecycle.responder().inView(), fromJournal)
        // A damaged incident is named, and the others are escalated all the same.
        const damaged: Array<{ readonly incidentId: string; readonly problem: string }> =
          Option.isSome(args.incident)
            ? []
            : (yield* reportDamage(lifecycle)).map((damage) => ({
                incidentId: damage.incidentId,
                problem: `${damage.location}: ${damage.problem}`,
              }))
        const sending = args.notify || args.dryRun
        const results: Array<IncidentDue> = []
        // An incident found with nothing due by an earlier run, unchanged since, with nothing that
        // can fall due before now, is not read again (the responder's notes, kept between runs).
        const responder = lifecycle.responder()
        const single = Option.isSome(args.incident)
        if (!single)
          responder.forgetQuietExcept(new Set(summaries.map((summary) => summary.humanId)))
        const toRead = single
          ? summaries
          : summaries.filter((summary) => !responder.isQuiet(summary, now))
        // Read a few at once (in order): on PostgreSQL each read waits for its queries.
        const reads = yield* Effect.forEach(
          toRead,
          (summary) =>
            Effect.map(
              Effect.either(Effect.mapError(journal.read(summary.humanId), fromJournal)),
              (read) => ({ summary, read }),
            ),
          { concurrency: READS_AT_ONCE },
        )
        for (const { summary, read } of reads) {
          if (read._tag === "Left") {
            output.error(`warning: ${summary.humanId} is left out: ${read.left.message}`)
            damaged.push({ incidentId: summary.humanId, problem: read.left.message })
            continue
          }
          const record = read.right
          const due = escalate(runbook, record.state, now)
          if (due.length === 0) {
            responder.noteQuiet(record, now)
            continue
          }
          const sent = sending
            ? yield* dispatchDue(lifecycle, summary.humanId, {
                dryRun: args.dryRun,
                readAtLeast: record.sequence,
              })
            : undefined
          // What was due stays for the next run to see, sent or not (a dry run sends nothing, and
          // a message no channel takes is not recorded): the note the dispatch took is replaced.
          responder.noteQuiet(record, now)
          results.push({ summary, due, ...(sent === undefined ? {} : { sent }) })
        }
        const dispatches: ReadonlyArray<Dispatch> = results.flatMap((result) =>
          result.sent?.status === "done" ? result.sent.dispatches : [],
        )
        // One meaning per mode, the same for a report and a dry run of the same due list: 1 when
        // something is due (a dry run sends nothing, so what is due stays due); with --notify, 1
        // when something due could not be sent. A damaged incident needs a person too.
        const unsent =
          damaged.length > 0 ||
          (args.notify && !args.dryRun
            ? dispatches.some(needsAttention)
            : results.some((result) => result.due.length > 0))
        if (output.format === "json") {
          output.json({
            schemaVersion: 1,
            command: "escalate",
            at: now.toISOString(),
            mode: args.dryRun ? "dry-run" : args.notify ? "notify" : "report",
            checked: summaries.length,
            damaged,
            incidents: results.map((result) => ({
              id: result.summary.humanId,
              title: result.summary.title,
              severity: result.summary.severity,
              status: result.summary.status,
              due: result.due.map(dueView),
              ...(result.sent === undefined
                ? {}
                : result.sent.status === "busy"
                  ? { busy: result.sent.detail }
                  : { notifications: result.sent.dispatches.map(dispatchView) }),
            })),
          })
          return unsent ? ExitCode.found : ExitCode.ok
        }
        if (results.length === 0) {
          if (damaged.length > 0) return ExitCode.found
          output.note(
            `Nothing is due at ${now.toISOString()} (${summaries.length} incident${summaries.length === 1 ? "" : "s"} checked).`,
          )
          return ExitCode.ok
        }
        const { style } = output
        const zone = runbook.calendar.timeZone
        for (const result of results) {
          const { summary } = result
          // From cron (`--quiet`), only what needs a person: messages that could not be sent.
          const shown =
            result.sent?.status === "done"
              ? result.sent.dispatches.filter(
                  (dispatch) => !output.quiet || needsAttention(dispatch),
                )
              : []
          if (output.quiet && result.sent?.status === "done" && shown.length === 0) continue
          output.print(
            `${style.bold(summary.humanId)} ${summary.severity} ${summary.status}: ${summary.title}`,
          )
          if (result.sent === undefined) {
            output.print(
              dueLines(result.due, now, zone, style)
                .map((line) => `  ${line}`)
                .join("\n"),
            )
          } else if (result.sent.status === "busy") {
            output.note(`  ${result.sent.detail}; it sends what is due`)
          } else {
            output.print(
              dispatchLines(shown, style)
                .map((line) => `  ${line}`)
                .join("\n"),
            )
          }
        }
        if (!sending) output.note("Send it with `ir escalate --notify`.")
        return unsent ? ExitCode.found : ExitCode.ok
      }),
    { quietNotes: true },
  )
