// `ir alerts rules` against the real Prometheus tools: promtool accepts the file, and the real
// Prometheus loads it.
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { requireService } from "./requireService.js"
import { irProcess, requireBuiltCli, waitFor } from "./scenarios.js"

const run = promisify(execFile)
const prometheusUrl = requireService("IR_TEST_PROMETHEUS_URL")
const rulesDir = requireService("IR_TEST_PROMETHEUS_RULES_DIR")

describe.skipIf(prometheusUrl === undefined || rulesDir === undefined)("ir alerts rules", () => {
  const dir = mkdtempSync(join(tmpdir(), "ir-cli-alerts-"))
  const installed = join(rulesDir ?? "", "ir-cli-test.yml")
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(installed, { force: true })
    await fetch(`${prometheusUrl}/-/reload`, { method: "POST" }).catch(() => undefined)
  })

  it("writes a rule file promtool accepts and Prometheus loads", async () => {
    requireBuiltCli()
    writeFileSync(
      join(dir, "ir.config.yaml"),
      "runbook:\n  thresholds:\n    api.error_ratio: { warn: 0.02, critical: 0.2 }\n",
    )
    const file = join(dir, "rules.yml")
    const result = await irProcess(
      ["alerts", "rules", "--runbook-url", "https://runbooks.example.com/ir.html", "-o", file],
      { cwd: dir },
    )
    expect(result.code, result.stderr).toBe(0)
    const promtool = await run("promtool", ["check", "rules", file], { timeout: 30_000 })
    expect(promtool.stdout).toMatch(/SUCCESS: \d+ rules found/)

    const { stdout } = await irProcess(
      ["alerts", "rules", "--json", "--runbook-url", "https://runbooks.example.com/ir.html"],
      { cwd: dir },
    )
    const rules = JSON.parse(stdout) as {
      groups: ReadonlyArray<{
        name: string
        rules: ReadonlyArray<{
          alert: string
          expr: string
          labels: Record<string, string>
          annotations: Record<string, string>
        }>
      }>
    }
    const errorRate = rules.groups
      .find((group) => group.name === "ir.high-api-error-rate")
      ?.rules.find((rule) => rule.labels.symptom === "error-rate")
    expect(errorRate?.expr).toContain("0.2")
    expect(errorRate?.labels.severity).toBe("p1")
    expect(errorRate?.annotations.runbook_url).toBe(
      "https://runbooks.example.com/ir.html#high-api-error-rate",
    )

    writeFileSync(installed, await (await import("node:fs/promises")).readFile(file, "utf8"))
    await fetch(`${prometheusUrl}/-/reload`, { method: "POST", signal: AbortSignal.timeout(5000) })
    const loaded = await waitFor(
      "Prometheus to load the rules",
      async () => {
        const response = await fetch(`${prometheusUrl}/api/v1/rules?type=alert`, {
          signal: AbortSignal.timeout(2000),
        })
        const body = (await response.json()) as {
          data: { groups: ReadonlyArray<{ name: string; rules: ReadonlyArray<{ name: string }> }> }
        }
        const names = body.data.groups.flatMap((group) => group.rules.map((rule) => rule.name))
        return names.includes(errorRate?.alert ?? "?") ? names : undefined
      },
      20_000,
    )
    expect(loaded.length).toBe(rules.groups.reduce((count, group) => count + group.rules.length, 0))
  })
})
