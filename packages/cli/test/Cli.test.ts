import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { defaultRunbook } from "@ir/core"
import { afterAll, describe, expect, it } from "vitest"
import packageJson from "../package.json" with { type: "json" }
import { ir, json, tempDir } from "./harness.js"

const scratch = tempDir()
afterAll(() => scratch.remove())
const cwd = scratch.path

describe("ir", () => {
  it("prints its version", async () => {
    const run = await ir(["--version"], { cwd })
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toBe(packageJson.version)
  })

  it("prints help for itself and for a command group given alone", async () => {
    const top = await ir([], { cwd })
    expect(top.code).toBe(0)
    expect(top.stdout).toContain("triage")
    expect(top.stdout).toContain("drill")
    const group = await ir(["playbook"], { cwd })
    expect(group.code).toBe(0)
    expect(group.stdout).toMatch(/- list \[/)
    expect(group.stdout).toMatch(/- show \[/)
  })

  it("writes shell completions", async () => {
    const run = await ir(["--completions", "bash"], { cwd })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("complete")
    expect(run.stdout).toContain("triage")
  })

  it("answers a usage error with exit 2 and no stack trace", async () => {
    for (const argv of [["triage", "--format", "xml"], ["playbook", "show"], ["frobnicate"]]) {
      const run = await ir(argv, { cwd })
      expect(run.code, argv.join(" ")).toBe(2)
      expect(run.stderr).not.toMatch(/\n\s+at /)
      expect(run.stdout).toBe("")
    }
  })

  it("answers a usage error of ir check as Nagios UNKNOWN", async () => {
    const run = await ir(["check", "nosuchprobe"], { cwd })
    expect(run.code).toBe(3)
    expect(run.stdout).toMatch(/^UNKNOWN - unknown probe "nosuchprobe"/)
  })

  it("never colours output that is not a terminal, nor with NO_COLOR", async () => {
    const plain = await ir(["playbook", "list"], { cwd, tty: false })
    expect(plain.stdout).not.toContain("\u001b[")
    const noColor = await ir(["playbook", "list"], { cwd, tty: true, env: { NO_COLOR: "1" } })
    expect(noColor.stdout).not.toContain("\u001b[")
    const help = await ir(["--help"], { cwd, tty: false })
    expect(help.stdout).not.toContain("\u001b[")
    const coloured = await ir(["playbook", "list"], { cwd, tty: true })
    expect(coloured.stdout).toContain("\u001b[")
  })
})

describe("ir playbook", () => {
  it("lists the six playbooks of the seed runbook", async () => {
    const run = await ir(["playbook", "list", "--json"], { cwd })
    expect(run.code).toBe(0)
    const { playbooks } = json<{ playbooks: Array<{ id: string; defaultSeverity: string }> }>(run)
    expect(playbooks.map((p) => `${p.id}:${p.defaultSeverity}`)).toEqual([
      "system-down:P0",
      "high-api-error-rate:P1",
      "model-inference-failures:P1",
      "database-connectivity:P1",
      "resource-exhaustion:P2",
      "data-pipeline-failures:P2",
    ])
  })

  it("shows a playbook with its symptoms, probes and the seed's commands", async () => {
    const run = await ir(["playbook", "show", "database-connectivity"], { cwd })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("Connection timeout errors")
    expect(run.stdout).toContain("postgres.reachable == false")
    expect(run.stdout).toContain("probe postgres.locks")
    expect(run.stdout).toContain("SELECT * FROM pg_locks WHERE NOT granted;")
    const markdown = await ir(
      ["playbook", "show", "database-connectivity", "--format", "markdown"],
      { cwd },
    )
    expect(markdown.stdout).toMatch(/^## Database Connectivity Issues/)
  })

  it("names the playbooks there are when asked for one that is not", async () => {
    const run = await ir(["playbook", "show", "cosmic-rays"], { cwd })
    expect(run.code).toBe(2)
    expect(run.stderr.trim()).toBe(
      'ir: no playbook "cosmic-rays" in the runbook; expected one of system-down, high-api-error-rate, model-inference-failures, database-connectivity, resource-exhaustion, data-pipeline-failures',
    )
  })
})

describe("ir runbook", () => {
  it("renders the runbook as Markdown, with the configuration's overrides", async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir.path, "ir.config.yaml"),
      "runbook:\n  escalation:\n    contacts:\n      - { role: Technical Lead, name: Ada Lovelace, phone: '+1-555-0199' }\n",
    )
    const run = await ir(["runbook", "render"], { cwd: dir.path })
    dir.remove()
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^# Incident Response Runbook/)
    expect(run.stdout).toContain("Ada Lovelace")
    expect(run.stdout).toContain('<a id="system-down"></a>')
  })

  it("writes the rendering to --output", async () => {
    const run = await ir(["runbook", "render", "-o", "runbook.md"], { cwd })
    expect(run.code).toBe(0)
    expect(readFileSync(join(cwd, "runbook.md"), "utf8")).toMatch(/^# Incident Response Runbook/)
  })

  it("validates a runbook file, naming line, path and expectation of each problem", async () => {
    const good = await ir(["runbook", "render", "--json", "-o", "good.json"], { cwd })
    expect(good.code).toBe(0)
    const valid = await ir(["runbook", "validate", "good.json"], { cwd })
    expect(valid.code).toBe(0)
    expect(valid.stdout).toContain("valid runbook")
    writeFileSync(
      join(cwd, "bad.yaml"),
      readFileSync(join(cwd, "good.json"), "utf8").replace(
        '"defaultSeverity": "P0"',
        '"defaultSeverity": "P9"',
      ),
    )
    const invalid = await ir(["runbook", "validate", "bad.yaml"], { cwd })
    expect(invalid.code).toBe(1)
    expect(invalid.stdout).toMatch(/^bad\.yaml:\d+:\d+: playbooks\[0\]\.defaultSeverity: expected/m)
  })

  it("lints the default runbook clean, with the seed's missing cadences as warnings", async () => {
    const run = await ir(["runbook", "lint", "--json"], { cwd })
    expect(run.code).toBe(0)
    const report = json<{
      ok: boolean
      findings: Array<{ level: string; rule: string; subject: string }>
    }>(run)
    expect(report.ok).toBe(true)
    expect(report.findings.filter((f) => f.level === "error")).toEqual([])
    expect(
      report.findings.filter((f) => f.rule === "severity-no-cadence").map((f) => f.subject),
    ).toEqual(["severities.P2", "severities.P3"])
  })

  it("fails the lint of a runbook with a severity nobody escalates", async () => {
    const dir = tempDir()
    writeFileSync(join(dir.path, "ir.config.yaml"), "runbook:\n  escalation:\n    contacts: []\n")
    const run = await ir(["runbook", "lint"], { cwd: dir.path })
    dir.remove()
    expect(run.code).toBe(1)
    expect(run.stdout).toContain("severity-no-escalation")
  })
})

describe("ir config", () => {
  it("writes a commented configuration that loads, and refuses to overwrite it", async () => {
    const dir = tempDir()
    const first = await ir(["config", "init"], { cwd: dir.path })
    expect(first.code).toBe(0)
    const text = readFileSync(join(dir.path, "ir.config.yaml"), "utf8")
    expect(text).toContain("# ")
    const again = await ir(["config", "init"], { cwd: dir.path })
    expect(again.code).toBe(2)
    expect(again.stderr).toContain("already exists; pass --force")
    const show = await ir(["config", "show", "--json"], { cwd: dir.path })
    expect(show.code).toBe(0)
    expect(json<{ source: { kind: string } }>(show).source.kind).toBe("file")
    const lint = await ir(["runbook", "lint"], { cwd: dir.path })
    expect(lint.code).toBe(0)
    dir.remove()
  })
})

describe("ir drill", () => {
  it.each([
    "system-down",
    "high-api-error-rate",
    "model-inference-failures",
    "database-connectivity",
    "resource-exhaustion",
    "data-pipeline-failures",
  ])("passes for %s", async (playbook) => {
    const run = await ir(["drill", playbook, "--at", "2026-11-30T10:00:00Z", "--json"], { cwd })
    const report = json<{ passed: boolean; checks: Array<{ name: string; passed: boolean }> }>(run)
    expect(report.checks.filter((check) => !check.passed)).toEqual([])
    expect(run.code).toBe(0)
  })

  it("prints the P0 timeline: page, initial message, update and escalation on time", async () => {
    const run = await ir(["drill", "system-down", "--at", "2026-11-30T10:00:00Z"], { cwd })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/\+0m\s+page/)
    expect(run.stdout).toMatch(/\+30m\s+post-update/)
    expect(run.stdout).toMatch(
      /\+30m\s+escalate\s+Unable to restore service within 30 minutes → Technical Lead/,
    )
    expect(run.stdout).toContain("PASSED")
  })

  it("fails when the runbook would not respond as written", async () => {
    const dir = tempDir()
    // A runbook whose messages have no channel to go to and whose escalation reaches nobody.
    writeFileSync(
      join(dir.path, "runbook.json"),
      JSON.stringify({
        ...defaultRunbook,
        channels: [],
        escalation: {
          ...defaultRunbook.escalation,
          contacts: [],
          rules: defaultRunbook.escalation.rules.map(({ notify: _, ...rule }) => rule),
        },
      }),
    )
    writeFileSync(join(dir.path, "ir.config.yaml"), "runbook: { file: runbook.json }\n")
    const run = await ir(["drill", "system-down", "--at", "2026-11-30T10:00:00Z", "--json"], {
      cwd: dir.path,
    })
    dir.remove()
    expect(run.code).toBe(1)
    const report = json<{ passed: boolean; checks: Array<{ name: string; passed: boolean }> }>(run)
    expect(report.passed).toBe(false)
    expect(report.checks.filter((check) => !check.passed).map((check) => check.name)).toEqual(
      expect.arrayContaining(["initial-response", "status-updates", "escalation"]),
    )
  })

  it("rehearses the chain: nobody answers a P0, and the page climbs to the VP", async () => {
    const run = await ir(
      ["drill", "system-down", "--scenario", "unacknowledged", "--at", "2026-11-30T10:00:00Z"],
      { cwd },
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /\+30m\s+escalate\s+Unable to restore service within 30 minutes → Technical Lead/,
    )
    expect(run.stdout).toMatch(/\+60m\s+escalate\s+.*not acknowledged within 30m → SRE Manager/)
    expect(run.stdout).toMatch(/\+90m\s+escalate\s+.*not acknowledged within 30m → VP Engineering/)
    expect(run.stdout).toMatch(
      /✓ chain: nobody acknowledged: Technical Lead at \+30m, SRE Manager at \+60m, VP Engineering at \+90m/,
    )
  })

  it("--coverage finds every rule and message of the seed runbook rehearsed, and names one that is not", async () => {
    const complete = await ir(["drill", "--coverage", "--json"], { cwd })
    expect(complete.code, complete.stderr).toBe(0)
    const coverage = json<{
      unexercised: { rules: Array<string>; messages: Array<string> }
      failures: Array<string>
    }>(complete)
    expect(coverage.unexercised).toEqual({ rules: [], messages: [] })
    expect(coverage.failures).toEqual([])

    const dir = tempDir()
    writeFileSync(
      join(dir.path, "runbook.json"),
      JSON.stringify({
        ...defaultRunbook,
        escalation: {
          ...defaultRunbook.escalation,
          rules: [
            ...defaultRunbook.escalation.rules,
            {
              id: "p3-stale",
              text: "P3 open for a week",
              severities: ["P3"],
              phase: "after-initial-response",
              trigger: { unresolvedFor: "7d" },
            },
          ],
        },
      }),
    )
    writeFileSync(join(dir.path, "ir.config.yaml"), "runbook: { file: runbook.json }\n")
    const incomplete = await ir(["drill", "--coverage"], { cwd: dir.path })
    dir.remove()
    expect(incomplete.code).toBe(1)
    expect(incomplete.stdout).toMatch(/✗ p3-stale \(P3 open for a week\): no drill/)
    expect(incomplete.stdout).toContain("INCOMPLETE: not rehearsed: p3-stale")

    const both = await ir(["drill", "system-down", "--coverage"], { cwd })
    expect(both.code).toBe(2)
    expect(both.stderr).toContain("give no playbook with it")
  })

  it("fails when triage would name another severity", async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir.path, "ir.config.yaml"),
      [
        "runbook:",
        "  playbooks:",
        "    - id: data-pipeline-failures",
        "      severityRules:",
        "        - when: { signal: data.processed.newest_age_seconds, op: '>', value: 0 }",
        "          severity: P0",
        "          reason: any staleness is an outage",
      ].join("\n"),
    )
    const run = await ir(["drill", "data-pipeline-failures", "--at", "2026-11-30T10:00:00Z"], {
      cwd: dir.path,
    })
    dir.remove()
    expect(run.code).toBe(1)
    expect(run.stdout).toContain("FAILED")
    expect(run.stdout).toMatch(/severity is P0, expected P2/)
  })
})

describe("ir triage on a rehearsal clock", () => {
  // The host's memory over a tiny threshold: resource exhaustion, P1, on any machine.
  const rehearsal = tempDir()
  afterAll(() => rehearsal.remove())
  writeFileSync(
    join(rehearsal.path, "ir.config.yaml"),
    [
      "runbook:",
      "  thresholds:",
      '    "host.memory.used_ratio": { warn: 0.0001, critical: 0.0002 }',
      "targets: {}",
      "",
    ].join("\n"),
  )

  it("counts the response deadline from --at, where --open dates the incident", async () => {
    const run = await ir(
      ["triage", "--probe", "host.memory", "--at", "2026-11-30T10:00:00Z", "--json"],
      {
        cwd: rehearsal.path,
      },
    )
    expect(run.code, run.stderr).toBe(1)
    const report = json<{ response: { level: string; respondBy: string } }>(run)
    expect(report.response.level).toBe("P1")
    // P1: respond within an hour.
    expect(report.response.respondBy).toBe("2026-11-30T11:00:00.000Z")
  })

  it("counts it from now without a rehearsal clock, and refuses a time without a zone", async () => {
    const before = Date.now()
    const run = await ir(["triage", "--probe", "host.memory", "--json"], { cwd: rehearsal.path })
    const respondBy = Date.parse(json<{ response: { respondBy: string } }>(run).response.respondBy)
    expect(respondBy).toBeGreaterThanOrEqual(before + 3_600_000)
    expect(respondBy).toBeLessThan(Date.now() + 3_600_000 + 1_000)

    const wrong = await ir(["triage", "--at", "2026-11-30 10:00"], { cwd: rehearsal.path })
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/--at "2026-11-30 10:00": expected an ISO 8601 time with a zone/)
  })
})

describe("ir check of a family", () => {
  it("runs only the family's configured probes: an unconfigured one does not make it UNKNOWN", async () => {
    const dir = tempDir()
    try {
      const family = await ir(["check", "host", "--json"], { cwd: dir.path, env: {} })
      const checks = JSON.parse(family.stdout) as { checks: Array<{ id: string }> }
      const ids = checks.checks.map((check) => check.id)
      expect(ids).toEqual(expect.arrayContaining(["host.memory", "host.disk", "host.load"]))
      expect(ids).not.toContain("host.process")
      expect(family.code).not.toBe(3)
      // named by its id, an unconfigured probe still says it cannot tell
      const named = await ir(["check", "host.process"], { cwd: dir.path, env: {} })
      expect(named.code).toBe(3)
      expect(named.stdout).toMatch(/^UNKNOWN - host\.process: .*not configured/m)
    } finally {
      dir.remove()
    }
  })
})

describe("ir triage on the embedded defaults", () => {
  it("says so at the top and in --json, and refuses to page on them without --yes", async () => {
    const dir = tempDir()
    try {
      const env = { XDG_STATE_HOME: join(dir.path, "state") }
      const text = await ir(["triage", "--probe", "host"], { cwd: dir.path, env })
      expect(text.stdout.split("\n")[0]).toMatch(
        /^! No ir\.config\.yaml was found from .* embedded default/,
      )
      expect(text.stdout).toContain(`relative to ${dir.path}`)
      const asJson = await ir(["triage", "--probe", "host", "--json"], { cwd: dir.path, env })
      expect(json<{ notices: Array<string> }>(asJson).notices[0]).toMatch(/embedded default/)
      const paging = await ir(["triage", "--open", "--notify"], { cwd: dir.path, env })
      expect(paging.code).toBe(2)
      expect(paging.stderr).toMatch(/pass --yes to page all the same/)
    } finally {
      dir.remove()
    }
  })
})
