#!/usr/bin/env node
// The launcher that the `ir` executable (bin/ir.cjs) runs: CommonJS, it loads the program bundle
// (main.cjs) with V8's code cache and runs it. It needs only Node built-ins, so nothing is
// compiled before the cache helps.
import { join } from "node:path"
import { loadBundle } from "./internal/CodeCache.js"

/** Set by the build, the same for the launcher and the bundle it loads. */
declare const __IR_BUILD__: string

const argv = process.argv.slice(2)
const bundle = loadBundle(join(__dirname, "main.cjs"), __IR_BUILD__, argv[0] ?? "")
const { main } = bundle.exports as { main: (argv: ReadonlyArray<string>) => Promise<number> }
main(argv).then((code) => {
  process.exitCode = code
  bundle.save()
})
