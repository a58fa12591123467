#!/usr/bin/env node
// The launcher that the `ir` executable (bin/ir.cjs) runs: CommonJS and Node built-ins only, so
// that nothing is compiled before it has chosen what to load. `ir --version` it answers itself; a
// plain `ir check` runs the check bundle (check.cjs: probes and configuration, no argument parser
// and no other command); everything else runs the whole program (main.cjs). Either bundle is
// loaded with V8's code cache (src/internal/CodeCache.ts). How a command line is routed:
// src/internal/LaunchRoute.ts.
import { writeSync } from "node:fs"
import { join } from "node:path"
import { loadBundle } from "./internal/CodeCache.js"
import { type CheckLine, checkCacheName, routeOf } from "./internal/LaunchRoute.js"

/** Set by the build, the same for the launcher and the bundles it loads. */
declare const __IR_BUILD__: string
declare const __IR_CLI_VERSION__: string

const argv = process.argv.slice(2)
const route = routeOf(argv)
/**
 * A command's process lives for a moment: WebAssembly (undici's HTTP parser, in the http and
 * Prometheus probes and the deliveries) stays on V8's baseline compiler. Otherwise V8 optimises
 * the parser's hot functions in the background and the process waits for that at exit, about
 * 200 ms of every `ir check http.health`. `ir serve` runs for days and keeps the optimised code.
 */
const briefProcess = (): void => {
  if (argv[0] !== "serve") require("node:v8").setFlagsFromString("--liftoff-only")
}
/**
 * Writes `text` to the standard output's file descriptor at once: `process.stdout` builds a
 * stream on first use (a socket for a pipe, 2–4 ms) that a line printed before exit does not
 * need. A pipe that cannot take it now (non-blocking and full) gets it through the stream; a
 * reader that has gone (`ir --version | true`) gets nothing, as from the stream; any other
 * failure is said on stderr, with exit code 1.
 */
const printNow = (text: string): void => {
  const bytes = Buffer.from(text)
  let written = 0
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === "EAGAIN") process.stdout.write(bytes.subarray(written))
    else if (code !== "EPIPE") {
      // A full disk, say: said in a line, as coreutils' `echo` does, not with a stack trace.
      process.stderr.write(`ir: cannot write to the standard output (${code ?? String(error)})\n`)
      process.exitCode = 1
    }
  }
}
if (route.kind === "version") {
  // What @effect/cli prints for `--version`, byte for byte (test/LaunchRoute.test.ts).
  printNow(`${__IR_CLI_VERSION__}\n\n`)
} else if (route.kind === "check") {
  briefProcess()
  const bundle = loadBundle(join(__dirname, "check.cjs"), __IR_BUILD__, checkCacheName(route.line))
  const { main } = bundle.exports as { main: (line: CheckLine) => Promise<number> }
  main(route.line).then((code) => {
    process.exitCode = code
    bundle.save()
  })
} else {
  briefProcess()
  const bundle = loadBundle(join(__dirname, "main.cjs"), __IR_BUILD__, argv[0] ?? "")
  const { main } = bundle.exports as { main: (argv: ReadonlyArray<string>) => Promise<number> }
  main(argv).then((code) => {
    process.exitCode = code
    bundle.save()
  })
}
