// The closing line of `npm test` and what makes the run fail: scripts/test-summary.mjs over crafted
// vitest reports, and the services rule of scripts/test-support/requireService.ts.
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { requireService } from "../../scripts/test-support/requireService.js"

const script = join(import.meta.dirname, "../../scripts/test-summary.mjs")
const roots: Array<string> = []

interface FileReport {
  readonly status: "passed" | "failed"
  readonly message?: string
  readonly tests: ReadonlyArray<"passed" | "failed" | "skipped">
}

/** A repository-shaped folder with one package whose report holds these files. */
const repository = (files: ReadonlyArray<FileReport>): string => {
  const root = mkdtempSync(join(tmpdir(), "ir-summary-"))
  roots.push(root)
  const pkg = join(root, "packages", "example")
  mkdirSync(join(pkg, "test"), { recursive: true })
  writeFileSync(join(pkg, "test", "Example.test.ts"), "")
  const tests = files.flatMap((file) => file.tests)
  const count = (status: string) => tests.filter((t) => t === status).length
  const failedFiles = files.filter((file) => file.status === "failed").length
  writeFileSync(
    join(pkg, "test-results.json"),
    JSON.stringify({
      numTotalTestSuites: files.length,
      numFailedTestSuites: failedFiles,
      numPassedTests: count("passed"),
      numFailedTests: count("failed"),
      numPendingTests: count("skipped"),
      numTodoTests: 0,
      success: failedFiles === 0,
      testResults: files.map((file, index) => ({
        name: join(pkg, "test", `File${index}.test.ts`),
        status: file.status,
        message: file.message ?? "",
        assertionResults: file.tests.map((status, n) => ({ title: `test ${n}`, status })),
      })),
    }),
  )
  return root
}

const summarise = (root: string, env: Record<string, string> = {}) => {
  const { IR_SERVICES_SKIP: _, ...rest } = process.env
  const result = spawnSync(process.execPath, [script, "--root", root], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...rest, ...env },
  })
  return { status: result.status, line: result.stdout.trim(), stderr: result.stderr }
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

describe("the test summary", () => {
  it("passes a run where every test passed", () => {
    const result = summarise(repository([{ status: "passed", tests: ["passed", "passed"] }]))
    expect(result.line).toBe("2 passed, 0 failed, 0 skipped")
    expect(result.status).toBe(0)
  })

  it("counts a file whose beforeAll failed (its tests marked skipped) as a failure", () => {
    const root = repository([
      { status: "passed", tests: ["passed"] },
      { status: "failed", message: "Error: beforeAll: connect ECONNREFUSED", tests: ["skipped"] },
    ])
    const result = summarise(root, { IR_SERVICES_SKIP: "docker" })
    expect(result.line).toBe("1 passed, 1 failed, 1 skipped")
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("File1.test.ts failed outside its tests: Error: beforeAll")
  })

  it("fails a run with skipped tests when IR_SERVICES_SKIP names no service", () => {
    const root = repository([{ status: "passed", tests: ["passed", "skipped"] }])
    const result = summarise(root)
    expect(result.line).toBe("1 passed, 0 failed, 1 skipped")
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("IR_SERVICES_SKIP names no service")
  })

  it("passes skipped tests the user opted out of by name, and says what was skipped", () => {
    const root = repository([{ status: "passed", tests: ["passed", "skipped"] }])
    const result = summarise(root, { IR_SERVICES_SKIP: "docker,pg" })
    expect(result.status).toBe(0)
    expect(result.stderr).toContain("skipped because IR_SERVICES_SKIP=docker,pg: 1 tests")
  })

  it("fails when a package with tests left no report", () => {
    const root = repository([{ status: "passed", tests: ["passed"] }])
    rmSync(join(root, "packages/example/test-results.json"))
    const result = summarise(root)
    expect(result.line).toBe("0 passed, 1 failed, 0 skipped")
    expect(result.status).toBe(1)
  })
})

describe("requireService", () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
  })

  it("gives the service's address when with-services.sh exported it", () => {
    process.env.IR_TEST_PG_URL = "postgres://postgres@127.0.0.1:5/postgres"
    expect(requireService("IR_TEST_PG_URL")).toBe("postgres://postgres@127.0.0.1:5/postgres")
  })

  it("fails, outside CI too, when the service is missing and not opted out", () => {
    delete process.env.IR_TEST_DOCKER_SOCKET
    delete process.env.CI
    delete process.env.IR_SERVICES_SKIP
    expect(() => requireService("IR_TEST_DOCKER_SOCKET")).toThrow(
      /IR_TEST_DOCKER_SOCKET is not set.*IR_SERVICES_SKIP=docker/,
    )
  })

  it("skips only the service IR_SERVICES_SKIP names", () => {
    delete process.env.IR_TEST_DOCKER_SOCKET
    delete process.env.IR_TEST_PG_URL
    process.env.IR_SERVICES_SKIP = "docker"
    expect(requireService("IR_TEST_DOCKER_SOCKET")).toBeUndefined()
    expect(() => requireService("IR_TEST_PG_URL")).toThrow(/IR_TEST_PG_URL is not set/)
  })
})
