import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as ConfigModule from "../Config.js"
import type { Io } from "../Output.js"
import type { CommonArgs } from "./CommonOptions.js"
import {
  type CommandContext,
  configOptions,
  type ErrorStyle,
  type Implementation,
  runImplementation,
} from "./Implementation.js"

export type { CommandContext, ErrorStyle, Implementation } from "./Implementation.js"

/** What the top level gives every command: the process, and where to put the exit code. */
export class CliRuntime extends Context.Tag("@ir/cli/CliRuntime")<
  CliRuntime,
  {
    readonly io: Io
    readonly setExitCode: (code: number) => void
  }
>() {}

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
    (Config) => Config.load(configOptions(context)),
  )
