// Totals the vitest JSON reports of every suite (each package's test-results.json, the Node 24
// run's test-results.node24.json, and the suites under tests/) into one closing line:
// "N passed, N failed, N skipped".
//
// The run fails (exit 1) when a test failed; when a test file failed outside any test (an import,
// a beforeAll: vitest then marks its tests skipped, and each such file counts as one failure);
// when a package with tests left no report; and when tests were skipped although IR_SERVICES_SKIP
// names no service (a skipped integration test never passes for a tested one). With
// IR_SERVICES_SKIP set, it says what was skipped.
//
//   node scripts/test-summary.mjs [--node24] [--root DIR]
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"

const args = process.argv.slice(2)
const rootArg = args.indexOf("--root")
const root =
  rootArg >= 0 ? resolve(args[rootArg + 1] ?? ".") : new URL("..", import.meta.url).pathname
const expectNode24 = args.includes("--node24")
const optedOut = (process.env.IR_SERVICES_SKIP ?? "").split(/[\s,]+/).filter((s) => s !== "")
let passed = 0
let failed = 0
let skipped = 0
const skippedIn = []

const tally = (label, report) => {
  const result = JSON.parse(readFileSync(report, "utf8"))
  const files = Array.isArray(result.testResults) ? result.testResults : []
  // A file that failed while none of its tests did failed outside them (import, hook).
  const brokenFiles = files.filter(
    (file) =>
      file.status === "failed" &&
      !(file.assertionResults ?? []).some((test) => test.status === "failed"),
  )
  for (const file of brokenFiles) {
    const where = String(file.name ?? "").replace(`${root}/`, "")
    const why = String(file.message ?? "").split("\n")[0]
    console.error(`${label}: ${where} failed outside its tests: ${why}`)
  }
  const p = result.numPassedTests ?? 0
  let f = (result.numFailedTests ?? 0) + brokenFiles.length
  // vitest's own verdict: a failure it reports that the counts above do not show still counts.
  if (f === 0 && (result.success === false || (result.numFailedTestSuites ?? 0) > 0)) f = 1
  const s = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0)
  console.error(`${label}: ${p} passed, ${f} failed, ${s} skipped`)
  if (s > 0) skippedIn.push(`${label} (${s})`)
  passed += p
  failed += f
  skipped += s
}

const hasTests = (dir) =>
  existsSync(join(dir, "test")) &&
  readdirSync(join(dir, "test")).some((f) => f.endsWith(".test.ts"))

let missing = 0
if (existsSync(join(root, "packages"))) {
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
        missing += 1
      }
    }
  }
}
if (existsSync(join(root, "tests"))) {
  for (const name of readdirSync(join(root, "tests")).sort()) {
    const report = join(root, "tests", name, "test-results.json")
    if (existsSync(report)) tally(`tests/${name}`, report)
    else {
      console.error(`tests/${name}: no test report (the suite did not run to the end)`)
      missing += 1
    }
  }
}
failed += missing

let skipFails = false
if (skipped > 0) {
  if (optedOut.length > 0) {
    console.error(
      `skipped because IR_SERVICES_SKIP=${optedOut.join(",")}: ${skipped} tests in ${skippedIn.join(", ")}`,
    )
  } else {
    console.error(
      `${skipped} tests skipped in ${skippedIn.join(", ")}, and IR_SERVICES_SKIP names no service: ` +
        "a skipped test is not a passed one (opt out by name, e.g. IR_SERVICES_SKIP=docker)",
    )
    skipFails = true
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || skipFails ? 1 : 0)
