import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import { Deadline, defaultRunbook, foldIncident, type Runbook } from "../src/index.js"
import { at, flag, fold, opened, t0, update } from "./incidentFixtures.js"

const newYorkRunbook: Runbook = {
  ...defaultRunbook,
  calendar: { ...defaultRunbook.calendar, timeZone: "America/New_York" },
}

const iso = (date: Date | undefined) => date?.toISOString()

describe("respondBy", () => {
  it("adds the severity's response time to the opening", () => {
    expect(iso(Deadline.respondBy(defaultRunbook, fold([opened("P0")])))).toBe(iso(at(15)))
    expect(iso(Deadline.respondBy(defaultRunbook, fold([opened("P1")])))).toBe(iso(at(60)))
    expect(iso(Deadline.respondBy(defaultRunbook, fold([opened("P2")])))).toBe(iso(at(240)))
  })

  it("makes a P3 opened Friday 17:00 in New York due Monday 17:00, across the DST change too", () => {
    const friday = new Date("2026-11-20T22:00:00Z")
    expect(iso(Deadline.respondBy(newYorkRunbook, fold([opened("P3", friday)])))).toBe(
      "2026-11-23T22:00:00.000Z",
    )
    const beforeSpringForward = new Date("2026-03-06T22:00:00Z")
    expect(iso(Deadline.respondBy(newYorkRunbook, fold([opened("P3", beforeSpringForward)])))).toBe(
      "2026-03-09T21:00:00.000Z",
    )
  })

  it("uses the current severity after a change", () => {
    const incident = fold([
      opened("P3"),
      { type: "severity-changed", at: at(5), severity: "P1", reason: "More customers affected" },
    ])
    expect(iso(Deadline.respondBy(defaultRunbook, incident))).toBe(iso(at(60)))
    expect(iso(Deadline.severitySince(incident))).toBe(iso(at(5)))
  })

  it("is undefined when the runbook does not define the severity", () => {
    const partial = { ...defaultRunbook, severities: defaultRunbook.severities.slice(0, 2) }
    expect(Deadline.respondBy(partial, fold([opened("P3")]))).toBeUndefined()
  })
})

describe("nextUpdateDue", () => {
  it("is the cadence after opening, then after the last update", () => {
    expect(iso(Deadline.nextUpdateDue(defaultRunbook, fold([opened("P0")])))).toBe(iso(at(30)))
    expect(iso(Deadline.nextUpdateDue(defaultRunbook, fold([opened("P0"), update(at(25))])))).toBe(
      iso(at(55)),
    )
    expect(iso(Deadline.nextUpdateDue(defaultRunbook, fold([opened("P1"), update(at(25))])))).toBe(
      iso(at(85)),
    )
  })

  it("is undefined without a cadence or once resolved, but still due while mitigated", () => {
    expect(Deadline.nextUpdateDue(defaultRunbook, fold([opened("P2")]))).toBeUndefined()
    expect(Deadline.nextUpdateDue(defaultRunbook, fold([opened("P3")]))).toBeUndefined()
    const resolved = fold([opened("P0"), { type: "resolved", at: at(10), resolution: "fixed" }])
    expect(Deadline.nextUpdateDue(defaultRunbook, resolved)).toBeUndefined()
    const mitigated = fold([opened("P0"), { type: "mitigated", at: at(10), summary: "failover" }])
    expect(iso(Deadline.nextUpdateDue(defaultRunbook, mitigated))).toBe(iso(at(30)))
  })

  it("follows a severity change to a cadence", () => {
    const incident = fold([
      opened("P2"),
      { type: "severity-changed", at: at(50), severity: "P0", reason: "Service down" },
    ])
    expect(iso(Deadline.nextUpdateDue(defaultRunbook, incident))).toBe(iso(at(30)))
  })
})

describe("escalateAt", () => {
  it("is 30 minutes after opening for an unresolved P0", () => {
    expect(iso(Deadline.escalateAt(defaultRunbook, fold([opened("P0")])))).toBe(iso(at(30)))
  })

  it("is two hours after the last progress for a P1", () => {
    expect(iso(Deadline.escalateAt(defaultRunbook, fold([opened("P1")])))).toBe(iso(at(120)))
    expect(iso(Deadline.escalateAt(defaultRunbook, fold([opened("P1"), update(at(90))])))).toBe(
      iso(at(210)),
    )
  })

  it("is never before the incident took a severity the rule covers", () => {
    const incident = fold([
      opened("P2"),
      { type: "severity-changed", at: at(45), severity: "P0", reason: "Service down" },
    ])
    expect(iso(Deadline.escalateAt(defaultRunbook, incident))).toBe(iso(at(45)))
  })

  it("is undefined for P2/P3, once mitigated or resolved, and once the rule fired", () => {
    expect(Deadline.escalateAt(defaultRunbook, fold([opened("P2")]))).toBeUndefined()
    expect(
      Deadline.escalateAt(defaultRunbook, fold([opened("P3"), flag(at(1), "data-loss")])),
    ).toBeUndefined()
    const mitigated = fold([opened("P0"), { type: "mitigated", at: at(20), summary: "failover" }])
    expect(Deadline.escalateAt(defaultRunbook, mitigated)).toBeUndefined()
    const resolved = fold([opened("P1"), { type: "resolved", at: at(20), resolution: "fixed" }])
    expect(Deadline.escalateAt(defaultRunbook, resolved)).toBeUndefined()
    const fired = fold([
      opened("P0"),
      { type: "escalated", at: at(31), level: 0, to: "Technical Lead", rule: "p0-not-restored" },
    ])
    expect(Deadline.escalateAt(defaultRunbook, fired)).toBeUndefined()
    expect(Deadline.hasFired(fired, "p0-not-restored")).toBe(true)
    expect(Deadline.hasFired(fired, "data-loss")).toBe(false)
  })

  it("knows a rule fired from a recorded key alone", () => {
    const incident = fold([
      opened("P0"),
      {
        type: "notification-sent",
        at: at(31),
        message: "escalation",
        channels: [],
        key: "INC-2026-0001:escalate:p0-not-restored:2",
      },
    ])
    expect(Deadline.hasFired(incident, "p0-not-restored")).toBe(true)
    expect(Deadline.hasFired(incident, "p0-not")).toBe(false)
    expect(Deadline.escalateAt(defaultRunbook, incident)).toBeUndefined()
  })
})

describe("duration", () => {
  it("runs to now while open and to the resolution once resolved", () => {
    const open = fold([opened("P0")])
    expect(Deadline.duration(open, at(42))).toBe(42 * 60_000)
    expect(Deadline.duration(open, at(-5))).toBe(0)
    const resolved = fold([opened("P0"), { type: "resolved", at: at(85), resolution: "fixed" }])
    expect(Deadline.duration(resolved, at(600))).toBe(85 * 60_000)
    expect(Deadline.severityOf(defaultRunbook, resolved)?.name).toBe("Critical")
    expect(iso(Deadline.severitySince(resolved))).toBe(iso(t0))
  })
})

describe("Deadline.downtime", () => {
  const openedWith = (startedAt?: Date) => ({
    type: "opened" as const,
    incidentId: "INC-1",
    at: new Date("2026-11-28T10:00:00Z"),
    title: "Down",
    severity: "P0" as const,
    playbooks: [],
    summary: "Down",
    source: { kind: "alert" as const },
    ...(startedAt === undefined ? {} : { startedAt }),
  })
  const mitigated = {
    type: "mitigated" as const,
    at: new Date("2026-11-28T10:50:00Z"),
    summary: "Restarted",
  }
  const resolved = {
    type: "resolved" as const,
    at: new Date("2026-11-28T11:30:00Z"),
    resolution: "ok",
  }
  const later = new Date("2026-11-29T00:00:00Z")

  it("runs from the failure's start to the mitigation, not from the opening to the resolution", () => {
    const incident = Either.getOrThrow(
      foldIncident([openedWith(new Date("2026-11-28T09:52:00Z")), mitigated, resolved]),
    )
    expect(Deadline.downtime(incident, later) / 60_000).toBe(58)
    expect(Deadline.duration(incident, later) / 60_000).toBe(90)
  })

  it("starts at the opening without an alert's start, and ignores a start after the opening", () => {
    expect(
      Deadline.downtime(Either.getOrThrow(foldIncident([openedWith(), mitigated])), later) / 60_000,
    ).toBe(50)
    const skewed = Either.getOrThrow(
      foldIncident([openedWith(new Date("2026-11-28T10:05:00Z")), mitigated]),
    )
    expect(skewed.startedAt).toBeUndefined()
  })
})
