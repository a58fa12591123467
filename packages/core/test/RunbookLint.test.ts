import { describe, expect, it } from "vitest"
import { defaultRunbook, RunbookLint } from "../src/index.js"

describe("RunbookLint", () => {
  it("finds every playbook of the seed runbook reachable by a probe", () => {
    const findings = RunbookLint.lint(defaultRunbook)
    expect(findings.filter((finding) => finding.rule.startsWith("playbook-"))).toEqual([])
  })

  it("says a playbook only a responder can match is manual-only, and one nothing matches is unreachable", () => {
    const [first] = defaultRunbook.playbooks
    if (first === undefined) throw new Error("no playbook")
    const runbook = {
      ...defaultRunbook,
      playbooks: [
        {
          ...first,
          id: "by-hand",
          symptoms: [{ ...first.symptoms[0]!, when: { manual: "customer-complaints" } }],
        },
        {
          ...first,
          id: "never",
          symptoms: [
            {
              ...first.symptoms[0]!,
              when: { signal: "nobody.observes.this", op: "==" as const, value: true },
            },
          ],
        },
      ],
    }
    const findings = RunbookLint.lint(runbook)
    expect(findings.find((f) => f.subject === "playbooks.by-hand")?.rule).toBe(
      "playbook-manual-only",
    )
    expect(findings.find((f) => f.subject === "playbooks.never")).toMatchObject({
      level: "error",
      rule: "playbook-unreachable",
    })
  })

  it("warns when the configured probes cannot observe a playbook", () => {
    const findings = RunbookLint.lint(defaultRunbook, {
      configuredProbes: new Set(["host.memory"]),
    })
    const unobservable = findings
      .filter((f) => f.rule === "playbook-not-configured")
      .map((f) => f.subject)
    expect(unobservable).toContain("playbooks.database-connectivity")
    expect(unobservable).not.toContain("playbooks.resource-exhaustion")
  })
})
