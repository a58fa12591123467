#!/usr/bin/env node
import { runCli } from "./Cli.js"

const controller = new AbortController()
// First Ctrl-C interrupts the running command (probes are cancelled, clients closed); a second
// one exits at once.
process.once("SIGINT", () => {
  controller.abort()
  process.once("SIGINT", () => process.exit(130))
})
process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal })
