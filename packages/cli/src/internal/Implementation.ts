/**
 * A command's implementation and how it runs: what it is given, how its user errors become exit
 * codes. Imported by the command tree (Handler.ts, under @effect/cli) and by the check bundle
 * (CheckMain.ts, without it); it loads nothing on demand, so that esbuild can leave out of the
 * check bundle every module `ir check` does not reach.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { UserError } from "../CliError.js"
import type { LoadOptions } from "../Config.js"
import * as ExitCode from "../ExitCode.js"
import { type Io, make, type Output } from "../Output.js"
import type { CommonArgs } from "./CommonOptions.js"

/** What a command implementation gets. */
export interface CommandContext {
  readonly io: Io
  readonly output: Output
  /** `--config`, as given. */
  readonly configPath: string | undefined
}

/** A command's implementation, loaded on demand so that `ir --version` loads none of them. */
export type Implementation<A> = (
  args: A,
  context: CommandContext,
) => Effect.Effect<number, UserError>

/** How a command reports a user error: `ir: <message>` on stderr, or Nagios' `UNKNOWN - <message>`. */
export type ErrorStyle = "stderr" | "nagios"

/**
 * Runs a command's implementation on `io` and resolves with its exit code: builds its output and
 * maps user errors to their exit code with a one-line message. Anything else is a bug and
 * reaches the caller as a defect. Handler.ts's `handle` runs it under @effect/cli; the check
 * bundle (CheckMain.ts) runs it without.
 */
export const runImplementation = <A extends CommonArgs>(
  args: A,
  io: Io,
  implementation: Implementation<A>,
  options: { readonly errorStyle?: ErrorStyle } = {},
): Effect.Effect<number> => {
  const output = make(io, {
    format: args.json ? "json" : (args.format ?? "text"),
    quiet: args.quiet,
    verbose: args.verbose,
  })
  const errorStyle = options.errorStyle ?? "stderr"
  return implementation(args, {
    io,
    output,
    configPath: Option.getOrUndefined(args.config),
  }).pipe(
    Effect.catchAll((error) =>
      Effect.sync(() => {
        if (errorStyle === "nagios") {
          output.print(`UNKNOWN - ${error.message}`)
          return ExitCode.nagios.unknown
        }
        output.error(error.message)
        return ExitCode.usage
      }),
    ),
  )
}

/** Where a command looks for its configuration (`Config.load`'s options). */
export const configOptions = (context: CommandContext): LoadOptions => ({
  cwd: context.io.cwd,
  env: context.io.env,
  ...(context.configPath === undefined ? {} : { path: context.configPath }),
})
