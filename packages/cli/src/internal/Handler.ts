import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { UserError } from "../CliError.js"
import type * as ConfigModule from "../Config.js"
import * as ExitCode from "../ExitCode.js"
import { type Io, make, type Output } from "../Output.js"
import type { CommonArgs } from "./CommonOptions.js"

/** What the top level gives every command: the process, and where to put the exit code. */
export class CliRuntime extends Context.Tag("@ir/cli/CliRuntime")<
  CliRuntime,
  {
    readonly io: Io
    readonly setExitCode: (code: number) => void
  }
>() {}

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
 * reaches the caller as a defect. `handle` runs it under @effect/cli; the check bundle
 * (CheckMain.ts) runs it without.
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

/**
 * Runs a command under @effect/cli: loads its implementation and runs it with
 * `runImplementation`, handing the exit code to the top level.
 */
export const handle = <A extends CommonArgs>(
  args: A,
  load: () => Promise<Implementation<A>>,
  options: { readonly errorStyle?: ErrorStyle } = {},
): Effect.Effect<void, never, CliRuntime> =>
  Effect.gen(function* () {
    const runtime = yield* CliRuntime
    const implementation = yield* Effect.promise(load)
    const code = yield* runImplementation(args, runtime.io, implementation, options)
    runtime.setExitCode(code)
  })

/** Loads the configuration a command was pointed at (lazily: only commands that need it pay). */
export const loadConfig = (
  context: CommandContext,
): Effect.Effect<ConfigModule.Config, import("../CliError.js").ConfigError> =>
  Effect.flatMap(
    Effect.promise(() => import("../Config.js")),
    (Config) =>
      Config.load({
        cwd: context.io.cwd,
        env: context.io.env,
        ...(context.configPath === undefined ? {} : { path: context.configPath }),
      }),
  )
