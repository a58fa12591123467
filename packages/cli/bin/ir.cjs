#!/usr/bin/env node
// The `ir` command. This file is committed (not built) so that `npm ci` in a fresh clone links
// `node_modules/.bin/ir` to it before anything is built: npm links a workspace's bin only when the
// target exists, and without the link `npx ir` would ask the registry for a package named `ir`.
// It only hands over to the built launcher (dist/bin.cjs), which runs the program from V8's code
// cache.
"use strict"
const { join } = require("node:path")

const launcher = join(__dirname, "..", "dist", "bin.cjs")
try {
  require(launcher)
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes(launcher)) {
    process.stderr.write(
      `ir: @ir/cli is not built: ${launcher} is missing.\n` +
        "In a clone of the ir repository, run `npm run build` first.\n",
    )
    process.exitCode = 2
  } else throw error
}
