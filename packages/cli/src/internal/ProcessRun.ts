/**
 * Runs a program on the real process: a closed pipe is no error, the first Ctrl-C interrupts the
 * command (probes are cancelled, clients closed, exit code 130) and a second one exits at once.
 * Shared by the whole program (main.ts) and the check bundle (CheckMain.ts).
 */
export const runOnProcess = (run: (signal: AbortSignal) => Promise<number>): Promise<number> => {
  // Output piped into `head` or a closed pager is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0)
      throw error
    })
  }
  const controller = new AbortController()
  process.once("SIGINT", () => {
    controller.abort()
    process.once("SIGINT", () => process.exit(130))
  })
  return run(controller.signal)
}
