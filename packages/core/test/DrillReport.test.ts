import { describe, expect, it } from "vitest"
import { Drill, DrillReport, defaultRunbook } from "../src/index.js"

const startedAt = new Date("2026-11-30T10:00:00Z")

describe("DrillReport", () => {
  it.each(defaultRunbook.playbooks.map((playbook) => playbook.id))(
    "the seed runbook responds to %s as written",
    (playbook) => {
      const report = DrillReport.build(defaultRunbook, playbook, startedAt)
      expect(report.checks.filter((check) => !check.passed)).toEqual([])
      expect(report.passed).toBe(true)
    },
  )

  it("pages, sends the initial message, posts an update and escalates on time for a P0", () => {
    const report = DrillReport.build(defaultRunbook, "system-down", startedAt)
    const timeline = report.timeline.map((entry) => `${entry.offset} ${entry.kind}`)
    expect(timeline.slice(0, 2)).toEqual(["+0m page", "+0m notify-initial"])
    expect(timeline).toContain("+30m post-update")
    const escalation = report.timeline.find((entry) => entry.kind === "escalate")
    expect(escalation).toMatchObject({ offset: "+30m", contact: { role: "Technical Lead" } })
    expect(report.resolvedAt.getTime()).toBeGreaterThan(startedAt.getTime())
  })

  it("fails when messages have nowhere to go and escalation reaches nobody", () => {
    const runbook = {
      ...defaultRunbook,
      channels: [],
      escalation: {
        ...defaultRunbook.escalation,
        contacts: [],
        rules: defaultRunbook.escalation.rules.map(({ notify: _, ...rule }) => rule),
      },
    }
    const report = DrillReport.build(runbook, "system-down", startedAt)
    expect(report.passed).toBe(false)
    expect(report.checks.filter((check) => !check.passed).map((check) => check.name)).toEqual(
      expect.arrayContaining(["initial-response", "status-updates", "escalation"]),
    )
  })

  it("names the playbooks it knows when asked for one the runbook lacks", () => {
    expect(() => DrillReport.build(defaultRunbook, "sytem-down", startedAt)).toThrow(
      Drill.DrillError,
    )
  })

  it("writes offsets in minutes up to an hour and a half, then in larger units", () => {
    const at = (minutes: number) => new Date(startedAt.getTime() + minutes * 60_000)
    expect(DrillReport.offset(startedAt, at(30))).toBe("+30m")
    expect(DrillReport.offset(startedAt, at(90))).toBe("+90m")
    expect(DrillReport.offset(startedAt, at(120))).toBe("+2h")
  })
})

describe("DrillReport scenarios: the chain, stalled progress, flags", () => {
  const start = new Date("2026-11-30T10:00:00Z")
  const escalations = (report: DrillReport.DrillReport) =>
    report.timeline
      .filter((entry) => entry.kind === "escalate")
      .map((entry) => `${entry.offset} ${entry.contact?.role}`)

  it("climbs the contact chain when nobody acknowledges a P0, each contact once, then the last again", () => {
    const report = DrillReport.build(defaultRunbook, "system-down", start, "unacknowledged")
    expect(report.passed).toBe(true)
    expect(escalations(report)).toEqual([
      "+30m Technical Lead",
      "+60m SRE Manager",
      "+90m VP Engineering",
      "+2h VP Engineering",
      "+2h30m VP Engineering",
    ])
    expect(report.checks.find((check) => check.name === "chain")?.passed).toBe(true)
    // the responsive drill acknowledges at +5m, and the climb never starts
    const responsive = DrillReport.build(defaultRunbook, "system-down", start)
    expect(escalations(responsive)).toEqual(["+30m Technical Lead"])
  })

  it("fails the chain check when the chain stops short", () => {
    const oneContact = {
      ...defaultRunbook,
      escalation: { ...defaultRunbook.escalation, contacts: [] },
    }
    const report = DrillReport.build(oneContact, "system-down", start, "unacknowledged")
    expect(report.checks.find((check) => check.name === "chain")?.passed).toBe(false)
    expect(report.passed).toBe(false)
  })

  it("rehearses a P1 with no progress past two hours", () => {
    const report = DrillReport.build(defaultRunbook, "high-api-error-rate", start, "stalled")
    const check = report.checks.find((entry) => entry.name === "no-progress")
    expect(check?.passed, check?.detail).toBe(true)
    const fired = report.timeline.find((entry) => entry.rule.id === "p1-no-progress")
    expect(fired?.contact?.role).toBe("Technical Lead")
    // two hours after the opening: an acknowledgement is not progress
    expect(fired?.offset).toBe("+2h")
    const responsive = DrillReport.build(defaultRunbook, "high-api-error-rate", start)
    expect(responsive.timeline.some((entry) => entry.rule.id === "p1-no-progress")).toBe(false)
  })

  it("raises each flag: data loss makes a P1 a P0, security reaches the security contact", () => {
    const report = DrillReport.build(defaultRunbook, "high-api-error-rate", start, "flags")
    const flags = report.checks.filter((check) => check.name === "flags")
    expect(flags.map((check) => check.passed)).not.toContain(false)
    expect(flags.map((check) => check.detail).join("\n")).toMatch(/raised to P0/)
    expect(flags.map((check) => check.detail).join("\n")).toMatch(/told security/)
    // each firing goes one contact further: two flags without a raise came first
    expect(report.timeline.find((entry) => entry.rule.id === "data-loss")?.contact?.role).toBe(
      "VP Engineering",
    )
    const security = report.timeline.find((entry) => entry.rule.id === "security-suspected")
    expect(security?.channels).toContain("security")
  })

  it("visits the follow-ups after the resolution: the post-mortem meeting and each checklist", () => {
    const report = DrillReport.build(defaultRunbook, "database-connectivity", start)
    expect(
      report.timeline.filter((entry) => entry.kind === "remind").map((entry) => entry.rule.id),
    ).toEqual(
      expect.arrayContaining([
        "checklist-immediate",
        "post-mortem",
        "checklist-short-term",
        "checklist-long-term",
      ]),
    )
  })
})

describe("DrillReport.coverage", () => {
  const start = new Date("2026-11-30T10:00:00Z")

  it("finds every escalation rule and message of the default runbook rehearsed, and no drill failing", () => {
    const coverage = DrillReport.coverage(defaultRunbook, start)
    expect(coverage.unexercised).toEqual({ rules: [], messages: [] })
    expect(coverage.failures).toEqual([])
    expect(coverage.chain.exercisedBy).toContain("system-down/unacknowledged")
    expect(coverage.rules.find((rule) => rule.id === "p1-no-progress")?.exercisedBy).toContain(
      "high-api-error-rate/stalled",
    )
  })

  it("names a rule no drill can reach: a P3 rule when no playbook is a P3", () => {
    const runbook = {
      ...defaultRunbook,
      escalation: {
        ...defaultRunbook.escalation,
        rules: [
          ...defaultRunbook.escalation.rules,
          {
            id: "p3-stale",
            text: "P3 open for a week",
            severities: ["P3" as const],
            phase: "after-initial-response" as const,
            trigger: { unresolvedFor: "7d" as never },
          },
        ],
      },
    }
    const coverage = DrillReport.coverage(runbook, start)
    expect(coverage.unexercised.rules).toEqual(["p3-stale"])
  })
})
