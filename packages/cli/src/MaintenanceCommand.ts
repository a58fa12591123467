/**
 * `ir maintenance`: maintenance windows, during which an incident about the playbooks or
 * components under maintenance is recorded and its messages go out, but nobody is paged. Windows
 * started here are kept in the journal, so every process using it (`ir serve` replicas, cron
 * runs) sees them; windows planned ahead can also be written in the configuration
 * (`maintenance:`). A window ends by itself at its end time; `end` ends it early.
 *
 * Exit codes: 0 done, 2 a usage or configuration error (an unknown playbook, a bad time, an id
 * already taken or unknown).
 *
 * @example
 * ```sh
 * ir maintenance start --playbook database-connectivity --for 2h --reason "PostgreSQL 16 upgrade"
 * ir maintenance start --component api --until 2026-12-05T12:00:00Z --reason "blue/green deploy" --id api-deploy
 * ir maintenance list --json
 * ir maintenance end api-deploy
 * ```
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"
import { at, by } from "./internal/LifecycleOptions.js"

const run = () => import("./internal/MaintenanceRun.js")

const playbook = Options.text("playbook").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription("A playbook under maintenance (see `ir playbook list`). Repeatable."),
  Options.repeated,
)
const component = Options.text("component").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription(
    "A component under maintenance: an alert whose component, service or job label has this value is covered (or write label=value for another label). Repeatable.",
  ),
  Options.repeated,
)
const forDuration = Options.text("for").pipe(
  Options.withPseudoName("DURATION"),
  Options.withDescription("How long the window lasts from its start, e.g. 30m, 2h."),
  Options.optional,
)
const until = Options.text("until").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription("When the window ends (ISO 8601 with a zone), instead of --for."),
  Options.optional,
)
const starting = Options.text("start").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription("When the window starts (ISO 8601 with a zone). Default: now (or --at)."),
  Options.optional,
)
const reason = Options.text("reason").pipe(
  Options.withDescription("Why: shown in the messages of the incidents it covers and by list."),
)
const id = Options.text("id").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription(
    "The window's id (letters, digits, . _ -). Default: mw- and the start time (mw-20261205T100000).",
  ),
  Options.optional,
)
const windowId = Args.text({ name: "ID" }).pipe(
  Args.withDescription("The window to end (as `ir maintenance list` shows it)."),
)
const all = Options.boolean("all").pipe(
  Options.withDescription("Also the windows that are over (default: active and upcoming ones)."),
)

const start = Command.make(
  "start",
  { ...common, at, by, playbook, component, forDuration, until, starting, reason, id },
  (args) => handle(args, () => run().then((module) => module.start)),
).pipe(
  Command.withDescription(
    "Start a maintenance window for playbooks (--playbook) and/or components (--component), for --for DURATION or --until TIME: incidents it covers are recorded and announced, and page nobody.",
  ),
)

const end = Command.make("end", { ...common, at, by, windowId }, (args) =>
  handle(args, () => run().then((module) => module.end)),
).pipe(Command.withDescription("End a maintenance window now (or at --at), before its end time."))

const list = Command.make("list", { ...common, at, all }, (args) =>
  handle(args, () => run().then((module) => module.list)),
).pipe(
  Command.withDescription(
    "List the maintenance windows, from the configuration and the journal: active and upcoming (--all: also those over).",
  ),
)

/** `ir maintenance`. */
export const command = Command.make("maintenance").pipe(
  Command.withDescription(
    "Maintenance windows: incidents about what is under maintenance are recorded and announced, and page nobody (start, end, list).",
  ),
  Command.withSubcommands([start, end, list]),
)
