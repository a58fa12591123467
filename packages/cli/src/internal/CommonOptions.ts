import * as Options from "@effect/cli/Options"
import type * as Option from "effect/Option"

/** The output formats a report can be printed in. */
export const formats = ["text", "markdown", "json"] as const
export type Format = (typeof formats)[number]

const config = Options.file("config", { exists: "either" }).pipe(
  Options.withAlias("c"),
  Options.withDescription(
    "Configuration file (ir.config.yaml or .json). Default: $IR_CONFIG, else the nearest ir.config.yaml, ir.config.yml or ir.config.json from the working directory upward, else the embedded defaults.",
  ),
  Options.optional,
)

const json = Options.boolean("json").pipe(
  Options.withDescription(
    "Print the result as one JSON document on stdout (the documented, stable schema of the command).",
  ),
)

const quiet = Options.boolean("quiet").pipe(
  Options.withAlias("q"),
  Options.withDescription("No progress or notes on stderr; only the result and errors."),
)

const verbose = Options.boolean("verbose").pipe(
  Options.withAlias("v"),
  Options.withDescription(
    "More detail: every probe and every piece of evidence, timings, and stack traces of internal errors.",
  ),
)

/** The options every command takes. */
export const common = { config, json, quiet, verbose } as const

/** `--format` for commands that print a report. */
export const format = Options.choice("format", formats).pipe(
  Options.withDescription("Report format: text (default), markdown, or json (same as --json)."),
  Options.withDefault("text" as Format),
)

/** The parsed common options. */
export interface CommonArgs {
  readonly config: Option.Option<string>
  readonly json: boolean
  readonly quiet: boolean
  readonly verbose: boolean
  readonly format?: Format
}
