import { afterAll, describe, expect, it } from "vitest"
import { ir, json, tempDir } from "./harness.js"

const scratch = tempDir()
afterAll(() => scratch.remove())
const cwd = scratch.path

describe("a probe that is not configured", () => {
  it("is not run and does not count in a family: ir check host on a host without host.processes", async () => {
    const run = await ir(["check", "host", "-v"], { cwd })
    // The host's own probes may warn on a loaded machine; none of them is UNKNOWN.
    expect(run.code).not.toBe(3)
    expect(run.stdout).not.toContain("UNKNOWN")
    expect(run.stdout).not.toContain("host.process")
    expect(run.stdout).toContain("host.memory")
    expect(run.stderr).toContain("not run: host.process is not configured (needs host.processes")
  })

  it("is listed in ir check --json under notConfigured, outside the checks", async () => {
    const report = json<{
      exitCode: number
      checks: Array<{ id: string }>
      notConfigured: Array<{ id: string; reason: string }>
    }>(await ir(["check", "host", "--json"], { cwd }))
    expect(report.exitCode).not.toBe(3)
    expect(report.checks.map((check) => check.id)).not.toContain("host.process")
    expect(report.notConfigured.map((skipped) => skipped.id)).toEqual(["host.process"])
  })

  it("is UNKNOWN when it is named alone, or when nothing in the family is configured", async () => {
    const alone = await ir(["check", "host.process"], { cwd })
    expect(alone.code).toBe(3)
    expect(alone.stdout).toMatch(/^UNKNOWN - host.process: host.process is not configured/)
    const family = await ir(["check", "postgres"], { cwd, env: {} })
    expect(family.code).toBe(3)
    expect(family.stdout).toContain("UNKNOWN - postgres.connectivity")
  })

  it("does not count in ir triage --probe host either", async () => {
    const report = json<{
      probes: { total: number; inconclusive: unknown[]; notConfigured: Array<{ id: string }> }
    }>(await ir(["triage", "--probe", "host", "--json"], { cwd }))
    expect(report.probes.total).toBe(3)
    expect(report.probes.inconclusive).toEqual([])
    expect(report.probes.notConfigured.map((probe) => probe.id)).toEqual(["host.process"])
  })
})
