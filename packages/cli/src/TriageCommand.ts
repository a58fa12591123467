/**
 * `ir triage`: runs every configured probe concurrently (live progress on stderr) and prints the
 * assessment: the severity with its response deadline and how it is raised, the matched playbooks
 * with their evidence, the probes that failed or could not tell, what the investigation already
 * found, and the next resolution steps.
 *
 * Exit codes: 0 no playbook matched, 1 a playbook matched, 2 a usage or configuration error (or
 * `--open` without `--yes` on the embedded defaults).
 *
 * @example
 * ```sh
 * ir triage                       # the local machine, with the embedded defaults
 * ir triage --json | jq .severity # "P0"
 * ir triage --assert customer-complaints --format markdown > incident.md
 * ir triage --open --notify       # record the incident and send the page and initial alert
 * ```
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common, format } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"
import { at, by, notify } from "./internal/LifecycleOptions.js"

const assert = Options.text("assert").pipe(
  Options.withPseudoName("FLAG"),
  Options.withDescription(
    "Assert a fact no probe can observe (customer-complaints, data-loss, security-suspected, customer-impact-increasing, multiple-systems-affected, planned-maintenance). Repeatable.",
  ),
  Options.repeated,
)

const probe = Options.text("probe").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription(
    "Run only this probe (an id such as postgres.connections, or a family such as postgres). Repeatable. Default: every configured probe.",
  ),
  Options.repeated,
)

const open = Options.boolean("open").pipe(
  Options.withDescription(
    "Record the incident in the journal when a playbook matches (a second triage of the same outage joins the open incident).",
  ),
)

const yes = Options.boolean("yes").pipe(
  Options.withAlias("y"),
  Options.withDescription(
    "With --open and no configuration file: open the incident (and with --notify, page) on the embedded defaults anyway. Without it, --open refuses and exits 2.",
  ),
)

/** `ir triage`. */
export const command = Command.make(
  "triage",
  { ...common, format, assert, probe, open, notify, yes, at, by },
  (args) => handle(args, () => import("./internal/TriageRun.js").then((module) => module.run)),
).pipe(
  Command.withDescription(
    "Run every configured probe and print the assessment: which incident this is, how severe, what is already known and what to do next. Exit 0 when no playbook matches, 1 when one does, 2 on a usage or configuration error.",
  ),
)
