// Totals the vitest JSON reports of every suite (each package's test-results.json, the Node 24
// run's test-results.node24.json, and the suites under tests/) into one closing line:
// "N passed, N failed, N skipped". A package with tests that left no report counts as a failure.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = new URL("..", import.meta.url).pathname
const expectNode24 = process.argv.includes("--node24")
let passed = 0
let failed = 0
let skipped = 0

const tally = (label, report) => {
  const result = JSON.parse(readFileSync(report, "utf8"))
  const p = result.numPassedTests ?? 0
  const f = (result.numFailedTests ?? 0) + (result.numRuntimeErrorTestSuites ?? 0)
  const s = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0)
  console.error(`${label}: ${p} passed, ${f} failed, ${s} skipped`)
  passed += p
  failed += f
  skipped += s
}

const hasTests = (dir) =>
  existsSync(join(dir, "test")) &&
  readdirSync(join(dir, "test")).some((f) => f.endsWith(".test.ts"))

for (const name of readdirSync(join(root, "packages")).sort()) {
  const dir = join(root, "packages", name)
  for (const [file, label, required] of [
    ["test-results.json", `@ir/${name}`, hasTests(dir)],
    ["test-results.node24.json", `@ir/${name} (Node 24, unit)`, expectNode24 && hasTests(dir)],
  ]) {
    const report = join(dir, file)
    if (existsSync(report)) tally(label, report)
    else if (required) {
      console.error(`${label}: no test report (the suite did not run to the end)`)
      failed += 1
    }
  }
}
if (existsSync(join(root, "tests"))) {
  for (const name of readdirSync(join(root, "tests")).sort()) {
    const report = join(root, "tests", name, "test-results.json")
    if (existsSync(report)) tally(`tests/${name}`, report)
    else {
      console.error(`tests/${name}: no test report (the suite did not run to the end)`)
      failed += 1
    }
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)
