import type { IncidentEvent } from "@ir/core"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import type { CommandContext } from "./Handler.js"
import { dispatchLines, dispatchView, needsAttention, time } from "./IncidentText.js"
import { dispatchDue, type LifecycleArgs, pickIncident, withLifecycle } from "./Lifecycle.js"

export interface NotifyArgs extends LifecycleArgs {
  readonly message: "initial" | "update" | "resolved"
  readonly incident: Option.Option<string>
  readonly channel: ReadonlyArray<string>
  readonly dryRun: boolean
  readonly force: boolean
}

const messageOf: Record<NotifyArgs["message"], IncidentEvent.NotificationMessage> = {
  initial: "initial",
  update: "update",
  resolved: "resolution",
}

/** `ir notify initial|update|resolved`. */
export const run = (args: NotifyArgs, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { output, runbook, clock } = lifecycle
      const zone = runbook.calendar.timeZone
      const message = messageOf[args.message]
      const record = yield* pickIncident(lifecycle, args.incident, {
        latestIfNoneOpen: message === "resolution",
      })
      const incident = record.state
      const configured = lifecycle.notify.channels.map((channel) => channel.id)
      for (const id of args.channel) {
        if (!configured.includes(id)) {
          return yield* Effect.fail(
            new UsageError({
              reason: "bad-value",
              detail: `--channel ${JSON.stringify(id)}: no such channel in notify.channels (${
                configured.length === 0
                  ? "none is configured"
                  : `configured: ${configured.join(", ")}`
              })`,
            }),
          )
        }
      }
      if (message === "update" && incident.updates.length === 0) {
        return yield* Effect.fail(
          new UsageError({
            reason: "incident-state",
            detail: `${record.humanId} has no status update yet: post one with \`ir incident update --progress … --status … --next …\``,
          }),
        )
      }
      if (message === "resolution" && incident.status !== "resolved") {
        return yield* Effect.fail(
          new UsageError({
            reason: "incident-state",
            detail: `${record.humanId} is not resolved: resolve it with \`ir incident resolve --resolution …\``,
          }),
        )
      }
      if (!args.dryRun) yield* lifecycle.requireChannels
      const messenger = lifecycle.messenger()
      const planned = messenger.manualRequest(incident, message)
      const request = args.channel.length > 0 ? { ...planned, channels: args.channel } : planned
      // What was already sent of this message, to which channels.
      const previous = incident.notifications.filter((sent) =>
        message === "update"
          ? sent.message === "update" &&
            sent.at >= (incident.updates[incident.updates.length - 1]?.at ?? incident.openedAt)
          : sent.key === request.key,
      )
      const reached = new Set(previous.flatMap((sent) => sent.channels))
      const already = request.channels.filter((id) => reached.has(id))
      if (
        !args.force &&
        !args.dryRun &&
        previous.length > 0 &&
        (args.channel.length === 0 || already.length > 0)
      ) {
        const last = previous[previous.length - 1]
        return yield* Effect.fail(
          new UsageError({
            reason: "incident-state",
            detail: `the ${args.message} message of ${record.humanId} was already sent at ${last === undefined ? "?" : time(last.at, zone)} to ${[...reached].join(", ") || "no channel"}: --force sends it again, --channel NAME to another channel`,
          }),
        )
      }
      const sent = yield* dispatchDue(lifecycle, record.humanId, {
        first: () => request,
        firstOnly: true,
        dryRun: args.dryRun,
      })
      if (sent.status === "busy") {
        output.error(sent.detail)
        return ExitCode.found
      }
      const dispatch = sent.dispatches[0]
      if (dispatch === undefined) return ExitCode.ok
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: `notify ${args.message}`,
          at: clock.now.toISOString(),
          incident: record.humanId,
          notification: dispatchView(dispatch),
          ...(dispatch.rendered === undefined
            ? {}
            : {
                rendered: {
                  summary: dispatch.rendered.summary,
                  text: dispatch.rendered.text,
                  markdown: dispatch.rendered.markdown,
                  slack: dispatch.rendered.slack,
                },
              }),
        })
      } else {
        if (args.dryRun && dispatch.rendered !== undefined) {
          output.print(`${dispatch.rendered.text.trimEnd()}\n`)
        }
        output.print(dispatchLines([dispatch], output.style).join("\n"))
      }
      // A dry run is done once the message is rendered: where it would not go is information.
      if (args.dryRun && dispatch.rendered !== undefined) return ExitCode.ok
      return needsAttention(dispatch) ? ExitCode.found : ExitCode.ok
    }),
  )
