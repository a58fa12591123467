/**
 * `ir drill PLAYBOOK`: a simulated outage. Synthesises the playbook's symptoms, runs triage and
 * the escalation timeline on a virtual clock, and prints the deadlines and the messages that
 * would go out. Exits 1 when the runbook would not respond as written (wrong playbook, wrong
 * severity, a missed update), 0 when it would.
 *
 * @example
 * ```sh
 * ir drill system-down
 * ir drill high-api-error-rate --json
 * ```
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common, format } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"

const playbook = Args.text({ name: "playbook" }).pipe(
  Args.withDescription("The playbook to rehearse, e.g. system-down (see `ir playbook list`)."),
)

const at = Options.text("at").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription(
    "When the simulated outage starts (ISO 8601, e.g. 2026-11-30T10:00:00Z). Default: now. Business-day deadlines depend on it.",
  ),
  Options.optional,
)

/** `ir drill`. */
export const command = Command.make("drill", { ...common, format, playbook, at }, (args) =>
  handle(args, () => import("./internal/DrillRun.js").then((module) => module.run)),
).pipe(
  Command.withDescription(
    "Rehearse a playbook on a virtual clock: synthesise its symptoms, triage them, run the escalation timeline and print every deadline and message. Exit 0 when the runbook responds as written, 1 when it would not.",
  ),
)
