import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm"],
  target: "node20",
  dts: { entry: ["src/index.ts", "src/node.ts"] },
  tsconfig: "tsconfig.build.json",
  sourcemap: true,
  clean: true,
})
