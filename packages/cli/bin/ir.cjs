#!/usr/bin/env node
// The `ir` executable. It is committed, not built, so that `npm ci` on a fresh clone links it
// (npm links a bin only when its file exists; without the link `npx ir` would ask the registry
// for a package named `ir`). It runs the built launcher, dist/bin.cjs, which loads the program
// with V8's code cache. Node built-ins only.
"use strict"
const { existsSync } = require("node:fs")
const { join } = require("node:path")

const launcher = join(__dirname, "..", "dist", "bin.cjs")
if (!existsSync(launcher)) {
  process.stderr.write(
    `ir: @ir/cli is not built (${launcher} is missing).\n` +
      "Run `npm run build` at the root of the repository, then run ir again.\n",
  )
  // An installation that cannot run is a configuration error (2), UNKNOWN (3) for `ir check`
  // as the Nagios plugin guidelines ask (see src/ExitCode.ts).
  process.exit(process.argv[2] === "check" ? 3 : 2)
}
require(launcher)
