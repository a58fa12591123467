import { readFileSync } from "node:fs"
import { defineConfig } from "tsup"

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

export default defineConfig({
  entry: ["src/index.ts", "src/bin.ts"],
  format: ["esm"],
  define: { __IR_CLI_VERSION__: JSON.stringify(version) },
  target: "node20",
  platform: "node",
  // Declarations come from tsc (see the build script): bundled .d.ts files lose the schema values
  // of namespace re-exports (`export * as X`) whose type shares the value's name.
  dts: false,
  tsconfig: "tsconfig.build.json",
  sourcemap: true,
  clean: true,
  splitting: true,
  // The CLI alone inlines Effect and the libraries it runs on every command (core, diagnostics,
  // journal, http): one bundled copy of Effect loads about twice as fast as the hundreds of modules
  // of node_modules/effect. Templates (which finds its .hbs files beside its own module) and notify
  // stay external and load only for the commands that send messages; the probe clients stay
  // external and load only in the probes that use them.
  noExternal: [/^effect(\/|$)/, /^@effect\//, /^@ir\/(core|diagnostics|journal|http)$/],
  external: [
    /^@ir\/(templates|notify)$/,
    "prom-client",
    "pg",
    "dockerode",
    "systeminformation",
    "undici",
    "yaml",
  ],
})
