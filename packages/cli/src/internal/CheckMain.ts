/**
 * `ir check` without @effect/cli: the program of the check bundle (check.cjs), which the launcher
 * runs for the command lines `LaunchRoute.routeOf` takes (a plain `ir check [probe…]` with the
 * common options). It runs the same implementation (CheckRun.ts), output and error mapping
 * (Implementation.ts, InternalError.ts) as `ir check` in the whole program; only the argument parser and
 * the other commands are left out, and with them most of what a start-up would load.
 *
 * @example
 * ```ts
 * import { runCheck } from "./CheckMain.js"
 * process.exitCode = await runCheck({ probes: ["postgres"], config: undefined, json: false, quiet: false, verbose: false })
 * ```
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { type Io, processIo } from "../Output.js"
import { run } from "./CheckRun.js"
import { runImplementation } from "./Implementation.js"
import { exitCodeOfFailure } from "./InternalError.js"
import type { CheckLine } from "./LaunchRoute.js"
import { runOnProcess } from "./ProcessRun.js"

/** What `runCheck` may be given instead of the real process (as `RunOptions` of `runCli`). */
export interface CheckOptions {
  readonly io?: Io
  readonly signal?: AbortSignal
}

/** Runs `ir check` as parsed by the launcher and resolves with its exit code; never rejects. */
export const runCheck = async (line: CheckLine, options: CheckOptions = {}): Promise<number> => {
  const io = options.io ?? processIo()
  const args = {
    probes: line.probes,
    config: Option.fromNullable(line.config),
    json: line.json,
    quiet: line.quiet,
    verbose: line.verbose,
  }
  const exit = await Effect.runPromiseExit(
    runImplementation(args, io, run, { errorStyle: "nagios" }),
    options.signal === undefined ? {} : { signal: options.signal },
  )
  return Exit.isSuccess(exit)
    ? exit.value
    : exitCodeOfFailure(exit.cause, io, { nagios: true, verbose: line.verbose })
}

/** Runs `ir check` on the real process: pipes, Ctrl-C, exit code. */
export const main = (line: CheckLine): Promise<number> =>
  runOnProcess((signal) => runCheck(line, { signal }))
