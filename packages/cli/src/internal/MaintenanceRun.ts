import { Duration, findPlaybook, Maintenance } from "@ir/core"
import type { MaintenanceWindowError } from "@ir/journal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import { parseTime } from "./Clock.js"
import type { CommandContext } from "./Handler.js"
import { fromJournal, type Lifecycle, type LifecycleArgs, withLifecycle } from "./Lifecycle.js"

type Window = Maintenance.MaintenanceWindow

const fromWindowError = (error: MaintenanceWindowError | Parameters<typeof fromJournal>[0]) =>
  error._tag === "MaintenanceWindowError"
    ? new UsageError({ reason: "bad-value", detail: error.message, cause: error })
    : fromJournal(error)

const utc = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`

/** The window as `--json` prints it (schema: docs/incidents.md, "Maintenance windows"). */
const windowJson = (window: Window, source: "config" | "journal", now: Date) => ({
  id: window.id,
  start: window.start.toISOString(),
  end: window.end.toISOString(),
  playbooks: window.playbooks ?? [],
  components: window.components ?? [],
  reason: window.reason,
  by: window.by ?? null,
  source,
  state: Maintenance.isActive(window, now)
    ? "active"
    : window.start.getTime() > now.getTime()
      ? "upcoming"
      : "over",
})

const covers = (window: Window) =>
  [
    ...(window.playbooks ?? []).map((id) => `playbook ${id}`),
    ...(window.components ?? []).map((name) => `component ${name}`),
  ].join(", ")

const line = (window: Window, lifecycle: Lifecycle) => {
  const { style } = lifecycle.output
  const state = windowJson(window, "journal", lifecycle.clock.now).state
  const tag =
    state === "active"
      ? style.yellow("active")
      : state === "upcoming"
        ? "upcoming"
        : style.dim("over")
  return `${style.bold(window.id)} ${tag} ${utc(window.start)} → ${utc(window.end)}: ${covers(window)} (${window.reason}${window.by === undefined ? "" : `, by ${window.by}`})`
}

/** `ir maintenance start`. */
export const start = (
  args: LifecycleArgs & {
    readonly by: Option.Option<string>
    readonly playbook: ReadonlyArray<string>
    readonly component: ReadonlyArray<string>
    readonly forDuration: Option.Option<string>
    readonly until: Option.Option<string>
    readonly starting: Option.Option<string>
    readonly reason: string
    readonly id: Option.Option<string>
  },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const bad = (detail: string) => Effect.fail(new UsageError({ reason: "bad-value", detail }))
      for (const id of args.playbook)
        if (findPlaybook(lifecycle.runbook.playbooks, id) === undefined)
          return yield* Effect.fail(
            new UsageError({
              reason: "unknown-playbook",
              detail: `--playbook ${JSON.stringify(id)}: no such playbook (see \`ir playbook list\`)`,
            }),
          )
      if (args.playbook.length + args.component.length === 0)
        return yield* bad("say what is under maintenance: --playbook ID and/or --component NAME")
      const from = Option.isSome(args.starting)
        ? yield* parseTime(args.starting.value, "--start")
        : lifecycle.clock.now
      if (Option.isSome(args.forDuration) === Option.isSome(args.until))
        return yield* bad("say how long: --for DURATION (e.g. 2h) or --until TIME, one of them")
      let end: Date
      if (Option.isSome(args.forDuration)) {
        const millis = Duration.parseMillis(args.forDuration.value)
        if (millis === undefined || millis <= 0)
          return yield* bad(
            `--for ${JSON.stringify(args.forDuration.value)}: expected a duration such as 30m or 2h`,
          )
        end = new Date(from.getTime() + millis)
      } else end = yield* parseTime(Option.getOrThrow(args.until), "--until")
      if (end.getTime() <= from.getTime())
        return yield* bad(`the window must end after it starts (${utc(from)})`)
      const reason = args.reason.trim()
      if (reason === "") return yield* bad("--reason: say why (it is shown in the messages)")
      const id = Option.getOrElse(
        args.id,
        () => `mw-${from.toISOString().replace(/[-:]/g, "").slice(0, 15)}`,
      )
      if (!Schema.is(Maintenance.WindowId)(id))
        return yield* bad(`--id ${JSON.stringify(id)}: letters, digits, '.', '_' or '-' only`)
      if (lifecycle.maintenance.some((window) => window.id === id))
        return yield* bad(`--id ${id}: the configuration has a window with this id`)
      const window: Window = {
        id,
        start: from,
        end,
        ...(args.playbook.length === 0 ? {} : { playbooks: [...new Set(args.playbook)] }),
        ...(args.component.length === 0 ? {} : { components: [...new Set(args.component)] }),
        reason,
        by: lifecycle.by(args.by),
      }
      const started = yield* Effect.mapError(
        lifecycle.journal.startMaintenance(window),
        fromWindowError,
      )
      const { output } = lifecycle
      if (output.format === "json")
        output.json({
          schemaVersion: 1,
          command: "maintenance start",
          window: windowJson(started, "journal", lifecycle.clock.now),
        })
      else {
        output.print(`Maintenance window ${line(started, lifecycle)}`)
        output.print(
          output.style.dim(
            `Incidents it covers are recorded and announced, and page nobody, until ${utc(started.end)}; end it sooner with \`ir maintenance end ${started.id}\`.`,
          ),
        )
      }
      return ExitCode.ok
    }),
  )

/** `ir maintenance end`. */
export const end = (
  args: LifecycleArgs & { readonly by: Option.Option<string>; readonly windowId: string },
  context: CommandContext,
) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      if (lifecycle.maintenance.some((window) => window.id === args.windowId))
        return yield* Effect.fail(
          new UsageError({
            reason: "bad-value",
            detail: `${args.windowId} is a window of the configuration: change its end there`,
          }),
        )
      const ended = yield* Effect.mapError(
        lifecycle.journal.endMaintenance(args.windowId, lifecycle.clock.now, lifecycle.by(args.by)),
        fromWindowError,
      )
      const { output } = lifecycle
      if (output.format === "json")
        output.json({
          schemaVersion: 1,
          command: "maintenance end",
          window: windowJson(ended, "journal", lifecycle.clock.now),
        })
      else output.print(`Ended: ${line(ended, lifecycle)}`)
      return ExitCode.ok
    }),
  )

/** `ir maintenance list`. */
export const list = (args: LifecycleArgs & { readonly all: boolean }, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const now = lifecycle.clock.now
      const stored = yield* Effect.mapError(lifecycle.journal.maintenanceWindows, fromJournal)
      const windows = [
        ...lifecycle.maintenance.map((window) => ({ window, source: "config" as const })),
        ...stored.map((window) => ({ window, source: "journal" as const })),
      ]
        .filter(({ window }) => args.all || window.end.getTime() > now.getTime())
        .sort((a, b) => a.window.start.getTime() - b.window.start.getTime())
      const { output } = lifecycle
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: "maintenance list",
          at: now.toISOString(),
          windows: windows.map(({ window, source }) => windowJson(window, source, now)),
        })
      } else if (windows.length === 0) {
        output.print(
          output.style.dim(
            args.all ? "No maintenance windows." : "No maintenance window is active or upcoming.",
          ),
        )
      } else {
        for (const { window, source } of windows)
          output.print(
            `${line(window, lifecycle)}${source === "config" ? output.style.dim(" [config]") : ""}`,
          )
      }
      return ExitCode.ok
    }),
  )
