// Totals the vitest JSON reports of every suite (each package's test-results.json, the Node 24
// run's test-results.node24.json, and the suites under tests/) into one closing line:
// "N passed, N failed, N skipped". Exits 1 when anything failed.
//
// What counts as failed, beside failed tests:
// - a package with tests, or a suite under tests/, that left no report (it did not run to the end);
// - a test file that failed with no failed test: it did not load, or a beforeAll/afterAll hook
//   failed (vitest then reports the file's tests as skipped), one failure per file;
// - a run that vitest reports unsuccessful for any other reason (an unhandled error), once;
// - an integration test (`*.integration.test.ts`) that was skipped, unless the user skipped its
//   services on purpose with IR_SERVICES_SKIP (see scripts/with-services.sh): then every skipped
//   test is listed, and counts as skipped.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"

const root = new URL("..", import.meta.url).pathname
const expectNode24 = process.argv.includes("--node24")
const optedOut = (process.env.IR_SERVICES_SKIP ?? "").trim()
let passed = 0
let failed = 0
let skipped = 0
const skippedTests = []

const isSkipped = (test) => ["skipped", "pending", "todo", "disabled"].includes(test.status)

const tally = (label, report) => {
  let result
  try {
    result = JSON.parse(readFileSync(report, "utf8"))
  } catch (error) {
    console.error(
      `${label}: ${relative(root, report)} is not a vitest JSON report (${error.message})`,
    )
    failed += 1
    return
  }
  const p = result.numPassedTests ?? 0
  let f = result.numFailedTests ?? 0
  let s = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0)
  const problems = []
  for (const file of result.testResults ?? []) {
    const name = relative(root, file.name ?? "")
    const tests = file.assertionResults ?? []
    if (file.status === "failed" && !tests.some((test) => test.status === "failed")) {
      const message = String(file.message ?? "").split("\n")[0]
      problems.push(`${name}: the file failed outside its tests${message ? `: ${message}` : ""}`)
      f += 1
    }
    const notRun = tests.filter(isSkipped)
    if (!name.endsWith(".integration.test.ts") || notRun.length === 0) continue
    if (optedOut !== "") {
      for (const test of notRun) skippedTests.push(`${name} > ${test.fullName ?? test.title}`)
    } else if (file.status !== "failed") {
      problems.push(
        `${name}: ${notRun.length} integration test(s) skipped, and IR_SERVICES_SKIP does not say so` +
          " (run them through scripts/with-services.sh)",
      )
      f += notRun.length
      s -= notRun.length
    }
  }
  if (result.success === false && f === 0) {
    problems.push("vitest reports the run unsuccessful (an error outside any test)")
    f += 1
  }
  console.error(`${label}: ${p} passed, ${f} failed, ${s} skipped`)
  for (const problem of problems) console.error(`  ${problem}`)
  passed += p
  failed += f
  skipped += s
}

const hasTests = (dir) =>
  existsSync(join(dir, "test")) &&
  readdirSync(join(dir, "test")).some((f) => f.endsWith(".test.ts"))

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
        failed += 1
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
      failed += 1
    }
  }
}
if (skippedTests.length > 0) {
  console.error(`\nSkipped on purpose (IR_SERVICES_SKIP=${optedOut}):`)
  for (const test of skippedTests) console.error(`  ${test}`)
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)
