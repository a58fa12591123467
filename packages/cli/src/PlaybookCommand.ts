/**
 * `ir playbook list` and `ir playbook show ID`: the runbook's playbooks, with the configuration's
 * overrides applied.
 *
 * @example
 * ```sh
 * ir playbook list
 * ir playbook show database-connectivity --format markdown
 * ```
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import { common, format } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"

const list = Command.make("list", { ...common, format }, (args) =>
  handle(args, () => import("./internal/PlaybookRun.js").then((module) => module.list)),
).pipe(
  Command.withDescription(
    "List the playbooks: id, default severity and title; with -v (and always in --format markdown and --json) their symptoms too.",
  ),
)

const id = Args.text({ name: "id" }).pipe(
  Args.withDescription("The playbook id, e.g. system-down (see `ir playbook list`)."),
)

const show = Command.make("show", { ...common, format, id }, (args) =>
  handle(args, () => import("./internal/PlaybookRun.js").then((module) => module.show)),
).pipe(
  Command.withDescription(
    "Print one playbook: symptoms with the signals that observe them, severity rules, immediate actions, investigation (with the probe that does each step), resolution, common causes, post-resolution.",
  ),
)

/** `ir playbook`. */
export const command = Command.make("playbook").pipe(
  Command.withDescription("The runbook's playbooks."),
  Command.withSubcommands([list, show]),
)
