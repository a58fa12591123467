import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  dts: { entry: "src/index.ts" },
  tsconfig: "tsconfig.build.json",
  sourcemap: true,
  clean: true,
})
