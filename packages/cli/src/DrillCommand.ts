/**
 * `ir drill PLAYBOOK`: a simulated outage. Synthesises the playbook's symptoms, runs triage and
 * the escalation timeline on a virtual clock, and prints the deadlines and the messages that
 * would go out. Exits 1 when the runbook would not respond as written (wrong playbook, wrong
 * severity, a missed update), 0 when it would.
 *
 * @example
 * ```sh
 * ir drill system-down
 * ir drill system-down --scenario unacknowledged
 * ir drill high-api-error-rate --json
 * ir drill --coverage
 * ir drill --live --yes
 * ```
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common, format } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"

const playbook = Args.text({ name: "playbook" }).pipe(
  Args.withDescription(
    "The playbook to rehearse, e.g. system-down (see `ir playbook list`); not with --coverage.",
  ),
  Args.optional,
)

const scenario = Options.choice("scenario", [
  "responsive",
  "unacknowledged",
  "stalled",
  "flags",
] as const).pipe(
  Options.withDescription(
    "How the simulated responder behaves: responsive (acknowledges at +5m, posts every update), unacknowledged (nobody answers: the page and the climb up the contact chain), stalled (acknowledged, no progress: the no-progress rules), flags (raises every flag the escalation rules name: severity raises and the security contact).",
  ),
  Options.withDefault("responsive" as const),
)

const coverageOption = Options.boolean("coverage").pipe(
  Options.withDescription(
    "Run every playbook in every scenario and list which escalation rules and messages no drill exercises, and which drills fail. Exit 0 when every one is rehearsed and every drill passes.",
  ),
)

const at = Options.text("at").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription(
    "When the simulated outage starts (ISO 8601, e.g. 2026-11-30T10:00:00Z). Default: now. Business-day deadlines depend on it.",
  ),
  Options.optional,
)

const live = Options.boolean("live").pipe(
  Options.withDescription(
    "Test the communication channels: one clearly marked test message through each configured channel (PagerDuty: a test trigger resolved at once; a status page: a resolved test incident on its drillComponent only; Zendesk: a solved test ticket), and which delivered. Shows what it would send unless --yes.",
  ),
)

const yes = Options.boolean("yes").pipe(
  Options.withAlias("y"),
  Options.withDescription("With --live: send the test messages. Without it nothing is sent."),
)

/** `ir drill`. */
export const command = Command.make(
  "drill",
  { ...common, format, playbook, at, scenario, coverage: coverageOption, live, yes },
  (args) => handle(args, () => import("./internal/DrillRun.js").then((module) => module.run)),
).pipe(
  Command.withDescription(
    "Rehearse a playbook on a virtual clock: synthesise its symptoms, triage them, run the escalation timeline (in a --scenario: nobody answering, no progress, flags raised) and print every deadline and message. --coverage rehearses every playbook in every scenario and lists the rules and messages no drill exercises. --live tests every configured channel for real. Exit 0 when the runbook responds as written, 1 when it would not.",
  ),
)
