/**
 * `ir incident`: the incident journal from the terminal. Open an incident, acknowledge it, post
 * status updates, raise flags (data loss, security suspected, customer impact increasing,
 * multiple systems affected), record mitigation and resolution (which schedules the post-mortem),
 * and read it back: the list, one incident with its clock and what is due now, the timeline.
 *
 * The journal is the configuration's `journal:` section (a directory by default, PostgreSQL with
 * a connection URL). With `--notify`, a change also sends what it calls for (and anything else
 * due) to the configured channels. `--at` (or `$IR_NOW`) sets the clock, for rehearsals.
 *
 * @example
 * ```sh
 * ir incident open --severity P1 --title "High error rate" --summary "5xx at 12%" --notify
 * ir incident ack --by alice
 * ir incident update --progress "Rolled back 1.4.2" --status Monitoring --next "Watch errors" --notify
 * ir incident flag customer-impact-increasing --notify
 * ir incident resolve --resolution "Rolled back" --root-cause "Bad deploy" --notify
 * ir incident show --json | jq .deadlines
 * ```
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common, format } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"
import { at, by, incident, notify, withIncident } from "./internal/LifecycleOptions.js"

const run = () => import("./internal/IncidentRun.js")

const severity = Options.choice("severity", ["P0", "P1", "P2", "P3"]).pipe(
  Options.withDescription("P0 (critical) … P3 (low), as the runbook defines them."),
)

const title = Options.text("title").pipe(
  Options.withDescription('One line: what is wrong, e.g. "High API error rate".'),
)

const summary = Options.text("summary").pipe(
  Options.withDescription("What is known so far. Default: the title."),
  Options.optional,
)

const impact = Options.text("impact").pipe(
  Options.withDescription("Who or what is affected."),
  Options.optional,
)

const playbook = Options.text("playbook").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription("A playbook the incident follows (see `ir playbook list`). Repeatable."),
  Options.repeated,
)

const commander = Options.text("commander").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("The incident commander."),
  Options.optional,
)

const open = Command.make(
  "open",
  { ...common, at, by, notify, severity, title, summary, impact, playbook, commander },
  (args) => handle(args, () => run().then((module) => module.open)),
).pipe(
  Command.withDescription(
    "Open an incident in the journal (for one found by triage, use `ir triage --open`). Prints its id and its clock. --notify sends the page and the initial alert.",
  ),
)

const ack = Command.make("ack", { ...common, at, by, notify, ...incident }, (args) =>
  handle(
    args,
    withIncident("id", () => run().then((module) => module.ack)),
  ),
).pipe(
  Command.withDescription(
    "Acknowledge the incident: someone is on it (stops the page). Late acknowledgements are recorded as such. With --notify, also acknowledges it on every PagerDuty channel that paged it.",
  ),
)

const progress = Options.text("progress").pipe(
  Options.withDescription("What has been done since the last update."),
)
const status = Options.text("status").pipe(
  Options.withDescription('The current state, e.g. "Rolling back".'),
)
const next = Options.text("next").pipe(Options.withDescription("What is being done next."))
const eta = Options.text("eta").pipe(
  Options.withDescription("Expected resolution time, as you would tell people."),
  Options.optional,
)

const publicNote = Options.text("public").pipe(
  Options.withDescription(
    "What the status page and support tickets say of this update, in words for customers (host names, addresses, URLs and incident ids are taken out). Without it they get the standard sentence for the incident's state.",
  ),
  Options.optional,
)

const update = Command.make(
  "update",
  { ...common, at, by, notify, ...incident, progress, status, next, eta, public: publicNote },
  (args) =>
    handle(
      args,
      withIncident("id", () => run().then((module) => module.update)),
    ),
).pipe(
  Command.withDescription(
    "Post a status update (it resets the update clock and counts as progress). --notify sends it as the status update message.",
  ),
)

const flagName = Args.choice(
  [
    ["data-loss", "data-loss"],
    ["security-suspected", "security-suspected"],
    ["customer-impact-increasing", "customer-impact-increasing"],
    ["multiple-systems-affected", "multiple-systems-affected"],
    ["planned-maintenance", "planned-maintenance"],
  ] as const,
  { name: "FLAG" },
).pipe(
  Args.withDescription(
    "data-loss, security-suspected, customer-impact-increasing, multiple-systems-affected, or planned-maintenance (recorded, messages go out, nobody is paged).",
  ),
)

const note = Options.text("note").pipe(
  Options.withDescription("What makes you say so."),
  Options.optional,
)

const flag = Command.make(
  "flag",
  { ...common, at, by, notify, flag: flagName, ...incident, note },
  (args) =>
    handle(
      args,
      withIncident("id", () => run().then((module) => module.flag)),
    ),
).pipe(
  Command.withDescription(
    "Raise a flag that changes the escalation policy's answer: data loss and suspected security incidents escalate at once; increasing customer impact and several systems affected escalate a P1. --notify sends the escalation now.",
  ),
)

const mitigate = Command.make(
  "mitigate",
  {
    ...common,
    at,
    by,
    notify,
    ...incident,
    summary: Options.text("summary").pipe(
      Options.withDescription('How service was restored, e.g. "Restarted the app container".'),
    ),
  },
  (args) =>
    handle(
      args,
      withIncident("id", () => run().then((module) => module.mitigate)),
    ),
).pipe(
  Command.withDescription(
    'Record that service is restored while the incident stays open (the "not restored" escalations stop; status updates go on until resolution).',
  ),
)

const resolution = Options.text("resolution").pipe(Options.withDescription("What fixed it."))
const rootCause = Options.text("root-cause").pipe(
  Options.withDescription("The root cause, if known."),
  Options.optional,
)
const postmortemAt = Options.text("postmortem-at").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription(
    "When the post-mortem meeting is (ISO 8601). Default: two business days after the resolution (counted from the next business hour), on the runbook's calendar.",
  ),
  Options.optional,
)

const resolve = Command.make(
  "resolve",
  { ...common, at, by, notify, ...incident, resolution, rootCause, postmortemAt },
  (args) =>
    handle(
      args,
      withIncident("id", () => run().then((module) => module.resolve)),
    ),
).pipe(
  Command.withDescription(
    "Resolve the incident with its resolution and root cause, schedule the post-mortem, and print the resolution notice with the total duration. --notify sends it.",
  ),
)

const listStatus = Options.choice("status", ["open", "acknowledged", "mitigated", "resolved"]).pipe(
  Options.withDescription(
    "Only incidents in this state. Repeatable. Default: every unresolved one.",
  ),
  Options.repeated,
)

const all = Options.boolean("all").pipe(
  Options.withAlias("a"),
  Options.withDescription("Resolved incidents too."),
)

const limit = Options.integer("limit").pipe(
  Options.withDescription("At most this many, newest first."),
  Options.optional,
)

const list = Command.make("list", { ...common, at, status: listStatus, all, limit }, (args) =>
  handle(args, () => run().then((module) => module.list)),
).pipe(
  Command.withDescription(
    "List the incidents, newest first: id, severity, state, age, title. Default: every unresolved incident.",
  ),
)

const show = Command.make("show", { ...common, format, at, ...incident }, (args) =>
  handle(
    args,
    withIncident("id", () => run().then((module) => module.show)),
  ),
).pipe(
  Command.withDescription(
    "Show one incident and its clock: respond-by, next update, next escalation, what is due now, flags, escalations, actions and messages sent.",
  ),
)

const timeline = Command.make("timeline", { ...common, format, at, ...incident }, (args) =>
  handle(
    args,
    withIncident("id", () => run().then((module) => module.timeline)),
  ),
).pipe(
  Command.withDescription("Print the incident's timeline: every event of the journal, in order."),
)

/** `ir incident`. */
export const command = Command.make("incident").pipe(
  Command.withDescription(
    "The incident journal: open, acknowledge, update, flag, mitigate, resolve; list, show, timeline.",
  ),
  Command.withSubcommands([open, ack, update, flag, mitigate, resolve, list, show, timeline]),
)
