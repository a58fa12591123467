#!/usr/bin/env node
import { runCli } from "./Cli.js"

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
process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal })
