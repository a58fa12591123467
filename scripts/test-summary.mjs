// Totals the vitest JSON reports of every package into one closing line:
// "N passed, N failed, N skipped". Exits 1 when a package that has tests left no report.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = new URL("..", import.meta.url).pathname
let passed = 0
let failed = 0
let skipped = 0
let missing = 0
for (const name of readdirSync(join(root, "packages")).sort()) {
  const dir = join(root, "packages", name)
  const hasTests =
    existsSync(join(dir, "test")) &&
    readdirSync(join(dir, "test")).some((f) => f.endsWith(".test.ts"))
  const report = join(dir, "test-results.json")
  if (!existsSync(report)) {
    if (hasTests) {
      console.error(`@ir/${name}: no test report (the suite did not run to the end)`)
      missing += 1
    }
    continue
  }
  const result = JSON.parse(readFileSync(report, "utf8"))
  const p = result.numPassedTests ?? 0
  const f = (result.numFailedTests ?? 0) + (result.numRuntimeErrorTestSuites ?? 0)
  const s = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0)
  console.error(`@ir/${name}: ${p} passed, ${f} failed, ${s} skipped`)
  passed += p
  failed += f
  skipped += s
}
console.log(`${passed} passed, ${failed + missing} failed, ${skipped} skipped`)
process.exit(failed + missing > 0 ? 1 : 0)
