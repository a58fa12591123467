/**
 * `ir config init` writes a commented `ir.config.yaml`; `ir config show` prints the effective
 * configuration (file, runbook source, targets with defaults) with every secret redacted.
 *
 * @example
 * ```sh
 * ir config init && $EDITOR ir.config.yaml
 * ir config show --json
 * ```
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"

const force = Options.boolean("force").pipe(
  Options.withAlias("f"),
  Options.withDescription("Overwrite an existing file."),
)

const output = Options.file("output", { exists: "either" }).pipe(
  Options.withAlias("o"),
  Options.withDescription("Where to write it (default: ./ir.config.yaml)."),
  Options.optional,
)

const init = Command.make("init", { ...common, force, output }, (args) =>
  handle(args, () => import("./internal/ConfigRun.js").then((module) => module.init)),
).pipe(
  Command.withDescription(
    "Write a commented ir.config.yaml with every section and the embedded defaults. Refuses to overwrite without --force.",
  ),
)

const show = Command.make("show", { ...common }, (args) =>
  handle(args, () => import("./internal/ConfigRun.js").then((module) => module.show)),
).pipe(
  Command.withDescription(
    "Print the effective configuration: which file, the runbook's source, the probe targets with the defaults filled in. Secrets are redacted.",
  ),
)

/** `ir config`. */
export const command = Command.make("config").pipe(
  Command.withDescription("Write and inspect ir.config.yaml."),
  Command.withSubcommands([init, show]),
)
