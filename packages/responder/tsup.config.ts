import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  // Declarations come from tsc (see the build script): bundled .d.ts files lose the schema values
  // of namespace re-exports (`export * as X`) whose type shares the value's name.
  dts: false,
  tsconfig: "tsconfig.build.json",
  sourcemap: true,
  clean: true,
})
