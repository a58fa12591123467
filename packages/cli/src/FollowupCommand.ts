/**
 * `ir followup`: what follows an incident, kept in its journal. Action items agreed after it
 * (with owner, due date and link) are added and checked off, the steps of the runbook's
 * post-incident checklists (immediate, short-term, long-term) are checked off, and `list` shows
 * what is still open across incidents. The post-mortem document shows all of it.
 *
 * @example
 * ```sh
 * ir followup add INC-2026-0001 --text "Alert on connection pool saturation" --owner alice --due 2026-12-12T17:00:00Z
 * ir followup done INC-2026-0001 --item A1
 * ir followup check INC-2026-0001 --step immediate:1
 * ir followup list --overdue
 * ```
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common, format } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"
import { at, by, incident, withIncident } from "./internal/LifecycleOptions.js"

const run = () => import("./internal/FollowupRun.js")

const text = Options.text("text").pipe(
  Options.withDescription('The action item: what will be done, e.g. "Alert on pool saturation".'),
)
const owner = Options.text("owner").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("Who owns it."),
  Options.optional,
)
const due = Options.text("due").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription("When it is due (ISO 8601 with a zone, e.g. 2026-12-12T17:00:00Z)."),
  Options.optional,
)
const link = Options.text("link").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription("Where it is tracked (a ticket)."),
  Options.optional,
)
const item = Options.text("item").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription("The action item (A1, as `ir followup list` shows it)."),
)
const note = Options.text("note").pipe(
  Options.withDescription("How it was done."),
  Options.optional,
)
const step = Options.text("step").pipe(
  Options.withPseudoName("CHECKLIST:N"),
  Options.withDescription(
    "The checklist step: the checklist's id and the step's number, e.g. immediate:1 (see `ir postmortem`).",
  ),
)
const overdue = Options.boolean("overdue").pipe(
  Options.withDescription("Only the action items past their due date (exit 1 when there are)."),
)

const add = Command.make(
  "add",
  { ...common, at, by, ...incident, text, owner, due, link },
  (args) =>
    handle(
      args,
      withIncident("id", () => run().then((module) => module.add)),
    ),
).pipe(
  Command.withDescription("Record an action item of the incident, with owner, due date and link."),
)

const done = Command.make("done", { ...common, at, by, ...incident, item, note }, (args) =>
  handle(
    args,
    withIncident("id", () => run().then((module) => module.done)),
  ),
).pipe(Command.withDescription("Record that an action item is done."))

const check = Command.make("check", { ...common, at, by, ...incident, step }, (args) =>
  handle(
    args,
    withIncident("id", () => run().then((module) => module.check)),
  ),
).pipe(Command.withDescription("Record that a step of the post-incident checklists is done."))

const list = Command.make("list", { ...common, format, at, overdue }, (args) =>
  handle(args, () => run().then((module) => module.list)),
).pipe(
  Command.withDescription(
    "List the action items still open across incidents, overdue first, with owner and due date.",
  ),
)

/** `ir followup`. */
export const command = Command.make("followup").pipe(
  Command.withDescription(
    "What follows an incident: action items (add, done), post-incident checklist steps (check), and what is still open (list).",
  ),
  Command.withSubcommands([add, done, check, list]),
)
