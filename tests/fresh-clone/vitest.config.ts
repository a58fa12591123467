import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["*.test.ts"],
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
    // npm ci and a full build of every package, on a loaded two-core machine.
    testTimeout: 900_000,
    hookTimeout: 120_000,
  },
})
