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
  // The CLI alone inlines Effect (a bundle starts ~3x faster than Effect's hundreds of modules);
  // the @ir/* libraries and the probe clients stay external, each loaded by the commands that
  // need them.
  noExternal: [/^effect(\/|$)/, /^@effect\//],
  external: [/^@ir\//, "pg", "dockerode", "systeminformation", "undici", "yaml"],
})
