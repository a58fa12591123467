import { FollowUp, type IncidentEvent } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import { parseTime } from "./Clock.js"
import type { CommandContext } from "./Handler.js"
import { dateTime } from "./IncidentText.js"
import {
  fromJournal,
  fromResponder,
  type Lifecycle,
  type LifecycleArgs,
  pickIncident,
  withLifecycle,
} from "./Lifecycle.js"

interface ChangeArgs extends LifecycleArgs {
  readonly id: Option.Option<string>
  readonly by: Option.Option<string>
}

const record = (
  lifecycle: Lifecycle,
  incidentId: string,
  events: ReadonlyArray<IncidentEvent.IncidentEvent>,
) => Effect.mapError(lifecycle.responder().act(incidentId, events), fromResponder)

/** The incident named, else the latest one (follow-ups come after the resolution). */
const followed = (lifecycle: Lifecycle, id: Option.Option<string>) =>
  Option.isSome(id)
    ? pickIncident(lifecycle, id)
    : Effect.gen(function* () {
        const [latest] = yield* Effect.mapError(lifecycle.journal.list({ limit: 1 }), fromJournal)
        if (latest === undefined)
          return yield* Effect.fail(
            new UsageError({ reason: "bad-value", detail: "the journal has no incidents yet" }),
          )
        return yield* Effect.mapError(lifecycle.journal.read(latest.humanId), fromJournal)
      })

const optional = <K extends string, A>(key: K, value: Option.Option<A>) =>
  Option.match(value, {
    onNone: () => ({}),
    onSome: (present) => ({ [key]: present }) as { [key in K]: A },
  })

/** `ir followup add`. */
export const add = (
  args: ChangeArgs & {
    readonly text: string
    readonly owner: Option.Option<string>
    readonly due: Option.Option<string>
    readonly link: Option.Option<string>
  },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const text = args.text.trim()
      if (text === "")
        return yield* Effect.fail(
          new UsageError({ reason: "bad-value", detail: "--text: say what will be done" }),
        )
      const due = Option.isSome(args.due) ? yield* parseTime(args.due.value, "--due") : undefined
      const incident = yield* followed(lifecycle, args.id)
      const item = FollowUp.nextItemId(incident.state)
      const done = yield* record(lifecycle, incident.humanId, [
        {
          type: "action-item-added",
          at: lifecycle.clock.now,
          item,
          text,
          ...optional("owner", args.owner),
          ...(due === undefined ? {} : { due }),
          ...optional("link", args.link),
          by: lifecycle.by(args.by),
        },
      ])
      const { output } = lifecycle
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: "followup add",
          incident: incident.humanId,
          item: itemJson(done.incident.state.actionItems.find((added) => added.item === item)),
        })
      } else
        output.print(`${incident.humanId}: action item ${output.style.bold(item)} added: ${text}`)
      return ExitCode.ok
    }),
  )

/** `ir followup done`. */
export const done = (
  args: ChangeArgs & { readonly item: string; readonly note: Option.Option<string> },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const incident = yield* followed(lifecycle, args.id)
      const item = args.item.trim().toUpperCase()
      const known = incident.state.actionItems.map((candidate) => candidate.item)
      if (!known.includes(item))
        return yield* Effect.fail(
          new UsageError({
            reason: "bad-value",
            detail: `--item ${JSON.stringify(args.item)}: ${incident.humanId} has ${known.length === 0 ? "no action items" : `action items ${known.join(", ")}`}`,
          }),
        )
      yield* record(lifecycle, incident.humanId, [
        {
          type: "action-item-done",
          at: lifecycle.clock.now,
          item,
          ...optional("note", args.note),
          by: lifecycle.by(args.by),
        },
      ])
      lifecycle.output.format === "json"
        ? lifecycle.output.json({
            schemaVersion: 1,
            command: "followup done",
            incident: incident.humanId,
            item,
          })
        : lifecycle.output.print(`${incident.humanId}: action item ${item} done`)
      return ExitCode.ok
    }),
  )

/** `ir followup check`. */
export const check = (args: ChangeArgs & { readonly step: string }, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const found = FollowUp.checklistStep(lifecycle.runbook, args.step)
      if ("problem" in found)
        return yield* Effect.fail(
          new UsageError({ reason: "bad-value", detail: `--step: ${found.problem}` }),
        )
      const incident = yield* followed(lifecycle, args.id)
      yield* record(lifecycle, incident.humanId, [
        {
          type: "checklist-step-done",
          at: lifecycle.clock.now,
          group: found.group,
          step: found.step,
          by: lifecycle.by(args.by),
        },
      ])
      lifecycle.output.format === "json"
        ? lifecycle.output.json({
            schemaVersion: 1,
            command: "followup check",
            incident: incident.humanId,
            checklist: found.group,
            step: found.step + 1,
            text: found.text,
          })
        : lifecycle.output.print(
            `${incident.humanId}: ${found.group} step ${found.step + 1} done: ${found.text}`,
          )
      return ExitCode.ok
    }),
  )

const itemJson = (item: FollowUp.OpenItem["item"] | undefined) =>
  item === undefined
    ? null
    : {
        id: item.item,
        text: item.text,
        owner: item.owner ?? null,
        due: item.due?.toISOString() ?? null,
        link: item.link ?? null,
        addedAt: item.addedAt.toISOString(),
        doneAt: item.doneAt?.toISOString() ?? null,
        doneBy: item.doneBy ?? null,
      }

/** `ir followup list`. */
export const list = (
  args: LifecycleArgs & { readonly overdue: boolean },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { journal, output, runbook, clock } = lifecycle
      const summaries = yield* Effect.mapError(journal.list({}), fromJournal)
      const incidents = []
      for (const summary of summaries) {
        // A damaged incident is reported by `ir incident list`; its follow-ups cannot be read.
        const read = yield* Effect.either(journal.read(summary.humanId))
        if (Either.isRight(read)) incidents.push({ ...read.right.state, id: read.right.humanId })
      }
      const open = FollowUp.openItems(incidents, clock.now).filter(
        (entry) => !args.overdue || entry.overdue,
      )
      const code = args.overdue && open.length > 0 ? ExitCode.found : ExitCode.ok
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: "followup list",
          items: open.map((entry) => ({
            incident: entry.incidentId,
            overdue: entry.overdue,
            ...itemJson(entry.item),
          })),
        })
        return code
      }
      if (open.length === 0) {
        output.print(args.overdue ? "No overdue action items." : "No open action items.")
        return code
      }
      const zone = runbook.calendar.timeZone
      for (const entry of open) {
        const { item } = entry
        const due =
          item.due === undefined
            ? "no due date"
            : `due ${dateTime(item.due, zone)}${entry.overdue ? ` ${output.style.red("overdue")}` : ""}`
        output.print(
          `${entry.incidentId}  ${output.style.bold(item.item)}  ${item.text}  (${[item.owner ?? "no owner", due, item.link].filter((part) => part !== undefined).join(", ")})`,
        )
      }
      return code
    }),
  )
