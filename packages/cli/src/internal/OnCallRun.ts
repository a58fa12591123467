import { readFile, writeFile } from "node:fs/promises"
import { resolve } from "node:path"
import { OnCall } from "@ir/core"
import { OnCallCalendar, PagerDutyOnCalls } from "@ir/notify"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import { resolveClock } from "./Clock.js"
import type { CommonArgs } from "./CommonOptions.js"
import { type CommandContext, loadConfig } from "./Handler.js"
import { dateTime } from "./IncidentText.js"
import { resolvePagerDuty } from "./OnCallSection.js"
import { resolveRunbook } from "./RunbookLoader.js"

export interface OnCallArgs extends CommonArgs {
  readonly at: Option.Option<string>
  readonly ics: Option.Option<string>
  readonly icsSecondary: Option.Option<string>
  readonly pagerDutySchedule: Option.Option<string>
  readonly pagerDutySecondary: Option.Option<string>
  readonly exportIcs: boolean
  readonly days: number
  readonly output: Option.Option<string>
}

const DAY = 86_400_000
const isUrl = (source: string) => /^(https?|webcal):\/\//i.test(source)

/** The shifts of one calendar file or feed, for one layer, around `at`. */
const shiftsOf = (source: string, layer: OnCall.Layer, at: Date, cwd: string) =>
  Effect.gen(function* () {
    const text = isUrl(source)
      ? yield* OnCallCalendar.fetchFeed(source, { timeoutMs: 10_000 })
      : yield* Effect.tryPromise({
          try: () => readFile(resolve(cwd, source), "utf8"),
          catch: (error) =>
            new UsageError({
              reason: "bad-value",
              detail: `--ics ${source}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
            }),
        })
    return yield* OnCallCalendar.parse(text, {
      name: isUrl(source) ? "the feed" : source,
      layer,
      from: new Date(at.getTime() - 366 * DAY),
      until: new Date(at.getTime() + 366 * DAY),
    })
  }).pipe(
    Effect.mapError((error) =>
      error instanceof UsageError
        ? error
        : new UsageError({ reason: "bad-value", detail: error.message, cause: error }),
    ),
  )

/** Who PagerDuty has on call in these schedules around `at`: the week before (for `from`) to a
 * month after (for who is next). */
const pagerDutyShifts = (
  schedules: ReadonlyArray<{ readonly id: string; readonly layer: OnCall.Layer }>,
  at: Date,
  context: CommandContext,
  config: Parameters<typeof resolvePagerDuty>[0],
) =>
  Effect.gen(function* () {
    const settings = yield* resolvePagerDuty(config, context.io)
    return yield* PagerDutyOnCalls.list({
      token: settings.token,
      baseUrl: settings.baseUrl,
      schedules,
      since: new Date(at.getTime() - 7 * DAY),
      until: new Date(at.getTime() + 31 * DAY),
    }).pipe(
      Effect.mapError(
        (error) => new UsageError({ reason: "bad-value", detail: error.message, cause: error }),
      ),
    )
  })

const assignmentJson = (assignment: OnCall.Assignment | undefined) =>
  assignment === undefined
    ? null
    : {
        person: assignment.person,
        from: assignment.from?.toISOString() ?? null,
        until: assignment.until?.toISOString() ?? null,
        via: assignment.via,
      }

const reach = (person: OnCall.Person) =>
  [
    person.phone,
    person.email,
    person.slackUserId === undefined ? undefined : `Slack ${person.slackUserId}`,
  ]
    .filter((part): part is string => part !== undefined)
    .join(", ")

/** `ir oncall`. */
export const run = (args: OnCallArgs, context: CommandContext) =>
  Effect.gen(function* () {
    const { output, io } = context
    const clock = yield* resolveClock(args.at, io.env)
    const at = clock.now
    const config = yield* loadConfig(context)
    const { runbook } = yield* resolveRunbook(config, io.cwd)
    const fromCalendars = Option.isSome(args.ics) || Option.isSome(args.icsSecondary)
    const pagerDutySchedules = [
      ...Option.toArray(args.pagerDutySchedule).map((id) => ({ id, layer: "primary" as const })),
      ...Option.toArray(args.pagerDutySecondary).map((id) => ({ id, layer: "secondary" as const })),
    ]
    const fromPagerDuty = pagerDutySchedules.length > 0
    if (fromCalendars && fromPagerDuty)
      return yield* Effect.fail(
        new UsageError({
          reason: "bad-value",
          detail:
            "--ics and --pagerduty-schedule each answer on their own: give one source (calendars or PagerDuty)",
        }),
      )
    const source = fromCalendars ? "ics" : fromPagerDuty ? "pagerduty" : "runbook"
    const records = fromPagerDuty
      ? yield* pagerDutyShifts(pagerDutySchedules, at, context, config)
      : [
          ...(Option.isSome(args.ics)
            ? yield* shiftsOf(args.ics.value, "primary", at, io.cwd)
            : []),
          ...(Option.isSome(args.icsSecondary)
            ? yield* shiftsOf(args.icsSecondary.value, "secondary", at, io.cwd)
            : []),
        ]
    const schedule =
      source === "runbook"
        ? runbook.onCallSchedule
        : OnCall.fromShiftRecords(records, runbook.onCallSchedule.people)
    const noSchedule =
      source === "runbook" && schedule.people.length === 0 && schedule.rotations.length === 0
    const howToConfigure =
      "No on-call schedule: add `onCallSchedule` (people, rotations) to the runbook (see docs/on-call.md), or answer from a calendar with --ics FILE or from PagerDuty with --pagerduty-schedule ID."
    if (args.exportIcs) {
      if (noSchedule)
        return yield* Effect.fail(
          new UsageError({ reason: "bad-value", detail: `--export-ics: ${howToConfigure}` }),
        )
      if (args.days < 1 || args.days > 366)
        return yield* Effect.fail(
          new UsageError({ reason: "bad-value", detail: `--days ${args.days}: expected 1 to 366` }),
        )
      const calendar = OnCallCalendar.toCalendar(schedule, {
        from: at,
        until: new Date(at.getTime() + args.days * DAY),
        name: `${runbook.name} on call`,
        stamp: at,
      })
      if (Option.isSome(args.output)) {
        const path = resolve(io.cwd, args.output.value)
        yield* Effect.tryPromise({
          try: () => writeFile(path, calendar),
          catch: (error) =>
            new UsageError({
              reason: "bad-value",
              detail: `--output ${args.output.pipe(Option.getOrElse(() => ""))}: cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
            }),
        })
        output.print(`wrote ${path}`)
      } else io.stdout.write(calendar)
      return ExitCode.ok
    }
    const answer = OnCall.whoIsOnCall(schedule, at)
    if (output.format === "json") {
      if (noSchedule) output.note(howToConfigure)
      output.json({
        schemaVersion: 1,
        command: "oncall",
        at: at.toISOString(),
        source,
        primary: {
          current: assignmentJson(answer.primary.current),
          next: assignmentJson(answer.primary.next),
        },
        secondary: {
          current: assignmentJson(answer.secondary.current),
          next: assignmentJson(answer.secondary.next),
        },
      })
      return ExitCode.ok
    }
    if (noSchedule) {
      output.print(howToConfigure)
      return ExitCode.ok
    }
    const zone = runbook.calendar.timeZone
    const name = (person: OnCall.Person) => person.name ?? person.id
    for (const layer of [answer.primary, answer.secondary]) {
      const title = layer.layer === "primary" ? "Primary" : "Secondary"
      const current = layer.current
      if (current === undefined) output.print(`${output.style.bold(title)}: nobody on call`)
      else {
        const contact = reach(current.person)
        output.print(
          `${output.style.bold(title)}: ${name(current.person)}${contact === "" ? "" : ` (${contact})`}${current.until === undefined ? "" : ` until ${dateTime(current.until, zone)}`}`,
        )
      }
      if (layer.next !== undefined)
        output.print(
          `  next: ${name(layer.next.person)}${layer.next.from === undefined ? "" : ` from ${dateTime(layer.next.from, zone)}`}`,
        )
    }
    return ExitCode.ok
  })
