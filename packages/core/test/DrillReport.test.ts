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
