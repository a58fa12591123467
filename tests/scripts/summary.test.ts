// scripts/test-summary.mjs on real vitest reports: the closing line of `npm test` must count
// every way a suite can fail, not only failed tests, and must not let an integration test skip
// unless the user said so with IR_SERVICES_SKIP.
import { execFile } from "node:child_process"
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "../..")
const work = mkdtempSync(join(tmpdir(), "ir-test-summary-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface RunResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

const run = (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<RunResult> =>
  new Promise((resolve) => {
    const { IR_SERVICES_SKIP: _, CI: __, ...inherited } = process.env
    execFile(
      command,
      [...args],
      { cwd, encoding: "utf8", timeout: 60_000, env: { ...inherited, NO_COLOR: "1", ...env } },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ status, stdout, stderr })
      },
    )
  })

// Test files a package might have, each run by vitest into its own JSON report.
const fixtures = {
  // What a missing service did before it failed the file: the whole describe block skipped.
  skippedIntegration: {
    "Db.integration.test.ts": `import { describe, expect, it } from "vitest"
describe.skipIf(true)("against a real database", () => { it("answers", () => expect(1).toBe(1)) })`,
    "Unit.test.ts": `import { expect, it } from "vitest"
it("adds", () => expect(1 + 1).toBe(2))`,
  },
  // A beforeAll that fails: vitest reports the file failed and its tests skipped, none failed.
  failedHook: {
    "Db.integration.test.ts": `import { beforeAll, describe, expect, it } from "vitest"
describe("against a real database", () => {
  beforeAll(() => { throw new Error("connection refused") })
  it("answers", () => expect(1).toBe(1))
  it("answers twice", () => expect(1).toBe(1))
})`,
    "Unit.test.ts": `import { expect, it } from "vitest"
it("adds", () => expect(1 + 1).toBe(2))`,
  },
  // A file that does not load (requireService throws at the top of an integration test file).
  failedImport: {
    "Db.integration.test.ts": `throw new Error("IR_TEST_PG_URL is not set")`,
    "Unit.test.ts": `import { expect, it } from "vitest"
it("adds", () => expect(1 + 1).toBe(2))`,
  },
  allPass: {
    "Unit.test.ts": `import { expect, it } from "vitest"
it("adds", () => expect(1 + 1).toBe(2))
it("subtracts", () => expect(2 - 1).toBe(1))`,
  },
} as const
type Fixture = keyof typeof fixtures

const fixtureDir = (fixture: Fixture) => join(work, "fixtures", fixture)
const report = (fixture: string) => join(work, "reports", `${fixture}.json`)

beforeAll(async () => {
  mkdirSync(join(work, "reports"), { recursive: true })
  await Promise.all(
    (Object.keys(fixtures) as Array<Fixture>).map(async (fixture) => {
      const dir = fixtureDir(fixture)
      mkdirSync(join(dir, "test"), { recursive: true })
      symlinkSync(join(root, "node_modules"), join(dir, "node_modules"))
      for (const [file, source] of Object.entries(fixtures[fixture]))
        writeFileSync(join(dir, "test", file), source)
      const vitest = join(root, "node_modules/vitest/vitest.mjs")
      await run(
        process.execPath,
        [vitest, "run", "--reporter=json", `--outputFile=${report(fixture)}`],
        dir,
      )
    }),
  )
})

/** Lays out a repository with the given package reports and runs the summary script in it. */
const summarise = async (
  reports: Record<string, string | undefined>,
  env: Record<string, string> = {},
): Promise<RunResult> => {
  const repo = mkdtempSync(join(work, "repo-"))
  mkdirSync(join(repo, "scripts"))
  copyFileSync(join(root, "scripts/test-summary.mjs"), join(repo, "scripts/test-summary.mjs"))
  for (const [name, fixture] of Object.entries(reports)) {
    mkdirSync(join(repo, "packages", name, "test"), { recursive: true })
    writeFileSync(join(repo, "packages", name, "test", "Unit.test.ts"), "")
    if (fixture !== undefined)
      copyFileSync(report(fixture), join(repo, "packages", name, "test-results.json"))
  }
  return run(process.execPath, [join(repo, "scripts/test-summary.mjs")], repo, env)
}

const lastLine = (result: RunResult) => result.stdout.trim().split("\n").at(-1)

describe("the closing line of the test run", () => {
  it("totals passing suites and exits 0", async () => {
    const result = await summarise({ core: "allPass", notify: "allPass" })
    expect(lastLine(result)).toBe("4 passed, 0 failed, 0 skipped")
    expect(result.status).toBe(0)
  })

  it("counts a test file that did not load as a failure", async () => {
    const result = await summarise({ core: "allPass", journal: "failedImport" })
    expect(lastLine(result)).toBe("3 passed, 1 failed, 0 skipped")
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("Db.integration.test.ts: the file failed outside its tests")
    expect(result.stderr).toContain("IR_TEST_PG_URL is not set")
  })

  it("counts a file whose beforeAll failed as a failure, though vitest says its tests skipped", async () => {
    const result = await summarise({ journal: "failedHook" })
    expect(lastLine(result)).toMatch(/^1 passed, [1-9]\d* failed, \d+ skipped$/)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("Db.integration.test.ts: the file failed outside its tests")
  })

  it("counts a run that vitest reports unsuccessful, with no failed test, as a failure", async () => {
    // vitest writes `success: false` for a failure that no test or file carries.
    const passing = JSON.parse(readFileSync(report("allPass"), "utf8"))
    writeFileSync(
      report("allPass").replace("allPass", "unsuccessful"),
      JSON.stringify({ ...passing, success: false }),
    )
    const result = await summarise({ core: "unsuccessful" })
    expect(lastLine(result)).toBe("2 passed, 1 failed, 0 skipped")
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("unsuccessful")
  })

  it("counts a package with tests but no report as a failure", async () => {
    const result = await summarise({ core: "allPass", http: undefined })
    expect(lastLine(result)).toBe("2 passed, 1 failed, 0 skipped")
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("@ir/http: no test report")
  })

  it("fails on a skipped integration test when nobody asked for it, with or without CI", async () => {
    for (const env of [{}, { CI: "true" }]) {
      const result = await summarise({ journal: "skippedIntegration" }, env)
      expect(lastLine(result)).toBe("1 passed, 1 failed, 0 skipped")
      expect(result.status).toBe(1)
      expect(result.stderr).toContain("1 integration test(s) skipped")
      expect(result.stderr).toContain("IR_SERVICES_SKIP")
    }
  })

  it("lets integration tests skip when IR_SERVICES_SKIP says so, and lists them", async () => {
    const result = await summarise({ journal: "skippedIntegration" }, { IR_SERVICES_SKIP: "pg" })
    expect(lastLine(result)).toBe("1 passed, 0 failed, 1 skipped")
    expect(result.status).toBe(0)
    expect(result.stderr).toContain("Skipped on purpose (IR_SERVICES_SKIP=pg)")
    expect(result.stderr).toMatch(/Db\.integration\.test\.ts > against a real database answers/)
  })
})
