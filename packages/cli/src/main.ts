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

/** Runs `ir` on the real process: pipes, Ctrl-C, exit code. Resolves with the exit code. */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  // Output piped into `head` or a closed pager is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0)
      throw error
    })
  }
  const controller = new AbortController()
  // The first Ctrl-C interrupts the running command (probes are cancelled, clients closed and the
  // exit code is 130); a second one exits at once.
  process.once("SIGINT", () => {
    controller.abort()
    process.once("SIGINT", () => process.exit(130))
  })
  return runCli(argv, { signal: controller.signal })
}
