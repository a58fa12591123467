// `ir serve`, as built in this checkout, started for a bench: resolves once it listens, with its
// URL, its pid (for /proc) and how to stop it. Used by bench/http/storm.mjs and
// bench/journal/scale.mjs.
import { spawn } from "node:child_process"
import { appendFileSync } from "node:fs"

const bin = new URL("../packages/cli/bin/ir.cjs", import.meta.url).pathname

/**
 * Starts `ir serve` in `cwd` (which holds its ir.config.yaml) with only `env` and PATH, and Node
 * options `nodeArgs`; fails with what it printed when it exits or has not listened within 60 s.
 */
export const startServe = async ({ cwd, env = {}, nodeArgs = [] }) => {
  const child = spawn(process.execPath, [...nodeArgs, bin, "serve", "--shutdown-delay", "0s"], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let output = ""
  // BENCH_SERVE_OUTPUT names a file that gets everything `ir serve` prints (with
  // BENCH_NODE_ARGS=--trace-gc, its collections)
  const copy = process.env.BENCH_SERVE_OUTPUT
  const write = (chunk) => {
    if (copy !== undefined) appendFileSync(copy, chunk)
    if (output.length < 1_000_000) output += chunk
  }
  child.stdout.on("data", write)
  child.stderr.on("data", write)
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null) return done()
      child.once("exit", done)
      child.kill("SIGTERM")
    })
  const deadline = Date.now() + 60_000
  for (;;) {
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    if (url !== undefined) return { url, pid: child.pid, stop }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`ir serve did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
