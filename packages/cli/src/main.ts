/**
 * The `ir` program: what the launcher (`bin.ts`) runs once it has loaded this bundle.
 *
 * @example
 * ```ts
 * import { main } from "./main.js"
 * process.exitCode = await main(process.argv.slice(2))
 * ```
 */
import { runCli } from "./Cli.js"
import { runOnProcess } from "./internal/ProcessRun.js"

/** Runs `ir` on the real process: pipes, Ctrl-C, exit code. Resolves with the exit code. */
export const main = (argv: ReadonlyArray<string>): Promise<number> =>
  runOnProcess((signal) => runCli(argv, { signal }))
