import { describe, expect, it } from "vitest"
import { defaultRunbook, Training } from "../src/index.js"

describe("the drill schedule", () => {
  it("makes the monthly drills due at the first business moment of each month", () => {
    // 1 November 2026 is a Sunday: the month's drills are due Monday 2 November 09:00 UTC.
    const keys = (at: string) =>
      Training.dueTraining(defaultRunbook, new Date(at)).map((entry) => entry.key)
    // the quarter (since 1 October) and the year are already under way
    expect(keys("2026-11-01T12:00:00Z")).toEqual([
      "training:quarterly:2026-Q4",
      "training:annual:2026",
    ])
    expect(keys("2026-11-02T08:59:00Z")).not.toContain("training:monthly:2026-11")
    const due = Training.dueTraining(defaultRunbook, new Date("2026-11-02T09:00:00Z"))
    expect(due.map((entry) => entry.key)).toEqual([
      "training:monthly:2026-11",
      "training:quarterly:2026-Q4",
      "training:annual:2026",
    ])
    expect(due[0]).toMatchObject({
      title: "Monthly Drills",
      dueAt: new Date("2026-11-02T09:00:00Z"),
      items: [
        "Simulated outage response",
        "Escalation procedure testing",
        "Communication channel testing",
      ],
    })
    // Later in the month the key stays the same: a clock reminds once per key.
    expect(Training.dueTraining(defaultRunbook, new Date("2026-11-27T15:00:00Z"))[0]?.key).toBe(
      "training:monthly:2026-11",
    )
    expect(Training.dueTraining(defaultRunbook, new Date("2026-12-01T09:00:00Z"))[0]?.key).toBe(
      "training:monthly:2026-12",
    )
  })

  it("reads the period in the runbook calendar's zone", () => {
    const tokyo = {
      ...defaultRunbook,
      calendar: { ...defaultRunbook.calendar, timeZone: "Asia/Tokyo" },
    }
    // 1 December 2026 09:00 in Tokyo is 00:00 UTC.
    const due = Training.dueTraining(tokyo, new Date("2026-12-01T00:00:00Z"))
    expect(due.map((entry) => entry.key)).toContain("training:monthly:2026-12")
    expect(due[0]?.dueAt).toEqual(new Date("2026-12-01T00:00:00Z"))
  })

  it("leaves out groups that do not recur", () => {
    expect(Training.periodOf({ within: "within 24 hours" })).toBeUndefined()
    expect(Training.periodOf({ within: "quarterly" })).toBe("quarterly")
    expect(Training.periodOf({ within: "annually" })).toBe("annually")
  })
})
