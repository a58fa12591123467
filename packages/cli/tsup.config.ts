import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/bin.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { entry: "src/index.ts" },
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
