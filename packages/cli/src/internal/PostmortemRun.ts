import { writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { type ActionItem, FollowUp } from "@ir/core"
import { defaultTemplates, messageContext } from "@ir/templates"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import type { CommandContext } from "./Handler.js"
import { fromResponder, type LifecycleArgs, pickIncident, withLifecycle } from "./Lifecycle.js"

export interface PostmortemArgs extends LifecycleArgs {
  readonly id: string
  readonly style: "markdown" | "text" | "html" | "slack"
  readonly output: Option.Option<string>
  readonly actionItem: ReadonlyArray<string>
}

/** `ir postmortem`. */
export const run = (args: PostmortemArgs, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { runbook, clock, output } = lifecycle
      const picked = yield* pickIncident(lifecycle, Option.some(args.id))
      // Action items given here are recorded (once: the same text is not added twice), so the
      // next render, `ir followup list` and the reminders have them.
      const known = new Set(picked.state.actionItems.map((item) => item.text))
      const texts = [...new Set(args.actionItem.map((text) => text.trim()))].filter(
        (text) => text !== "" && !known.has(text),
      )
      let items: ReadonlyArray<ActionItem> = picked.state.actionItems
      const added = texts.map((text) => {
        const item = FollowUp.nextItemId({ actionItems: items })
        items = [...items, { item, text, addedAt: clock.now }]
        return { type: "action-item-added" as const, at: clock.now, item, text, by: lifecycle.by() }
      })
      const record =
        added.length === 0 || picked.state.status !== "resolved"
          ? picked
          : (yield* Effect.mapError(
              lifecycle.responder().act(picked.humanId, added),
              fromResponder,
            )).incident
      const templates = lifecycle.notify.templates ?? defaultTemplates()
      const rendered = yield* Effect.try({
        try: () => {
          const postmortem = messageContext("postmortem", {
            incident: record.state,
            runbook,
            now: clock.now,
          })
          return {
            context: postmortem,
            markdown: templates.render("postmortem", "markdown", postmortem).text,
            text: templates.render("postmortem", "text", postmortem).text,
            html: templates.render("postmortem", "html", postmortem),
            slack: templates.render("postmortem", "slack", postmortem),
          }
        },
        catch: (error) =>
          new UsageError({
            reason: "incident-state",
            detail:
              record.state.status === "resolved"
                ? `cannot render the post-mortem of ${record.humanId}: ${error instanceof Error ? error.message : String(error)}`
                : `${record.humanId} is not resolved yet: the post-mortem follows \`ir incident resolve\``,
            cause: error,
          }),
      })
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: "postmortem",
          incident: record.humanId,
          markdown: rendered.markdown,
          text: rendered.text,
          html: rendered.html.html,
          subject: rendered.html.subject,
          slack: rendered.slack.text,
        })
        return ExitCode.ok
      }
      const document =
        args.style === "markdown"
          ? rendered.markdown
          : args.style === "text"
            ? rendered.text
            : args.style === "html"
              ? rendered.html.html
              : rendered.slack.text
      if (Option.isSome(args.output)) {
        const file = resolve(context.io.cwd, args.output.value)
        yield* Effect.try({
          try: () => writeFileSync(file, document.endsWith("\n") ? document : `${document}\n`),
          catch: (error) =>
            new UsageError({
              reason: "unreadable",
              detail: `cannot write ${args.output.pipe(Option.getOrElse(() => file))}: ${(error as Error).message}`,
              cause: error,
            }),
        })
        output.note(`wrote the post-mortem of ${record.humanId} to ${args.output.value}`)
        return ExitCode.ok
      }
      output.print(document.trimEnd())
      return ExitCode.ok
    }),
  )
