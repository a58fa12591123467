/**
 * `ir runbook render | validate FILE | lint`: the runbook as a document, a file checked against
 * the schema, and a lint of what makes a runbook usable under pressure.
 *
 * @example
 * ```sh
 * ir runbook render > RUNBOOK.md
 * ir runbook validate team-runbook.yaml
 * ir runbook lint
 * ```
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"

const output = Options.file("output", { exists: "either" }).pipe(
  Options.withAlias("o"),
  Options.withDescription("Write to this file instead of stdout."),
  Options.optional,
)

const render = Command.make("render", { ...common, output }, (args) =>
  handle(args, () => import("./internal/RunbookRun.js").then((module) => module.render)),
).pipe(
  Command.withDescription(
    "Print the effective runbook (defaults plus the configuration's overrides) as Markdown.",
  ),
)

const file = Args.file({ name: "file", exists: "either" }).pipe(
  Args.withDescription(
    "A runbook file (YAML or JSON): a complete runbook, as `runbook.file` takes.",
  ),
)

const validate = Command.make("validate", { ...common, file }, (args) =>
  handle(args, () => import("./internal/RunbookRun.js").then((module) => module.validate)),
).pipe(
  Command.withDescription(
    "Check a runbook file against the runbook schema; every problem with its line, path and what was expected. Exit 0 when valid, 1 when not, 2 on a usage error.",
  ),
)

const lint = Command.make("lint", { ...common }, (args) =>
  handle(args, () => import("./internal/RunbookRun.js").then((module) => module.lint)),
).pipe(
  Command.withDescription(
    "Check that the effective runbook works under pressure: every playbook reachable by its symptoms, every signal and threshold known, every severity with a response time, a status-update cadence and an escalation path. Exit 0 when clean, 1 with findings.",
  ),
)

/** `ir runbook`. */
export const command = Command.make("runbook").pipe(
  Command.withDescription("Render, validate and lint the runbook."),
  Command.withSubcommands([render, validate, lint]),
)
