/**
 * `ir oncall`: who is on call now (or at `--at TIME`), primary and secondary, until when, and who
 * is next, from the runbook's on-call schedule, from iCalendar files or feeds (`--ics`, as
 * PagerDuty and Grafana OnCall export them) or from PagerDuty's REST API
 * (`--pagerduty-schedule`); `--export-ics` writes the schedule as a calendar.
 *
 * Exit codes: 0 answered (also when nobody is on call, or no schedule is configured: the answer
 * says how to configure one), 2 a usage or configuration error (a bad `--at`, a calendar that
 * cannot be read or parsed, an invalid schedule, PagerDuty refusing the key or not answering,
 * `--export-ics` with no schedule).
 *
 * @example
 * ```sh
 * ir oncall                                      # who is on call now, and who is next
 * ir oncall --at 2026-12-24T18:00:00+01:00 --json
 * ir oncall --ics pagerduty-primary.ics --ics-secondary pagerduty-secondary.ics
 * ir oncall --pagerduty-schedule PSCHED1 --pagerduty-secondary PSCHED2   # token: oncall.pagerDuty.token
 * ir oncall --export-ics --days 30 > oncall.ics
 * ```
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"

const at = Options.text("at").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription(
    "Answer for this moment instead of now (ISO 8601 with a zone, e.g. 2026-12-24T18:00:00+01:00). Default: $IR_NOW, else now.",
  ),
  Options.optional,
)

const ics = Options.text("ics").pipe(
  Options.withPseudoName("FILE|URL"),
  Options.withDescription(
    "Answer from this iCalendar file or feed URL (https://, webcal://) of primary on-call shifts instead of the configured schedule: each event a shift, the person from its ATTENDEE's CN or its SUMMARY.",
  ),
  Options.optional,
)

const icsSecondary = Options.text("ics-secondary").pipe(
  Options.withPseudoName("FILE|URL"),
  Options.withDescription(
    "The iCalendar file or feed URL of the secondary layer's shifts, with --ics or alone.",
  ),
  Options.optional,
)

const pagerDutySchedule = Options.text("pagerduty-schedule").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription(
    "Answer from PagerDuty instead of the configured schedule: who its REST API (GET /oncalls) has on call in this schedule, the primary layer. The API key comes from oncall.pagerDuty.token in the configuration, else $PAGERDUTY_API_TOKEN.",
  ),
  Options.optional,
)

const pagerDutySecondary = Options.text("pagerduty-secondary").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription(
    "The PagerDuty schedule of the secondary layer, with --pagerduty-schedule or alone.",
  ),
  Options.optional,
)

const exportIcs = Options.boolean("export-ics").pipe(
  Options.withDescription(
    "Print the schedule as iCalendar instead (one event per stretch on call, overrides applied, from now or --at for --days days), for a calendar app or PagerDuty/Grafana OnCall.",
  ),
)

const days = Options.integer("days").pipe(
  Options.withDescription("How many days --export-ics covers (1–366). Default 90."),
  Options.withDefault(90),
)

const output = Options.file("output", { exists: "either" }).pipe(
  Options.withAlias("o"),
  Options.withDescription("With --export-ics: write the calendar to this file instead of stdout."),
  Options.optional,
)

/** `ir oncall`. */
export const command = Command.make(
  "oncall",
  {
    ...common,
    at,
    ics,
    icsSecondary,
    pagerDutySchedule,
    pagerDutySecondary,
    exportIcs,
    days,
    output,
  },
  (args) => handle(args, () => import("./internal/OnCallRun.js").then((module) => module.run)),
).pipe(
  Command.withDescription(
    "Who is on call now (or at --at TIME): primary and secondary, until when, how to reach them, and who is next; from the runbook's on-call schedule, from iCalendar shifts with --ics, or from PagerDuty with --pagerduty-schedule. --export-ics prints the schedule as iCalendar.",
  ),
)
