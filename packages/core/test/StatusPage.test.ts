import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import {
  defaultRunbook,
  foldIncident,
  type Incident,
  type IncidentEvent,
  type Runbook,
  StatusPage,
} from "../src/index.js"

type Event = IncidentEvent.IncidentEvent

const now = new Date("2026-11-28T12:00:00Z")
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000)
const opened = (
  severity: "P0" | "P1" | "P2" | "P3",
  when: Date,
  playbooks: ReadonlyArray<string> = ["high-api-error-rate"],
  id = "INC-2026-0007",
): Event => ({
  type: "opened",
  at: when,
  incidentId: id,
  title: "api-1.prod.internal 5xx at 12%",
  severity,
  playbooks,
  summary: "5xx on 10.0.3.7:8080, pool exhausted (see runbook step 2)",
  source: { kind: "manual" },
})
const fold = (events: ReadonlyArray<Event>): Incident => Either.getOrThrow(foldIncident(events))
const summarize = (incidents: ReadonlyArray<Incident>, runbook: Runbook = defaultRunbook) =>
  StatusPage.summarize({ runbook, incidents, now, reference: () => "ir-ref" })

describe("the status page summary", () => {
  it("shows every component operational for 90 days when nothing happened", () => {
    const page = summarize([])
    expect(page.indicator).toBe("none")
    expect(page.description).toBe("All Systems Operational")
    expect(page.components.map((component) => component.name)).toEqual([
      "Service unavailable",
      "Elevated error rates",
      "Degraded anomaly detection",
      "Degraded service",
      "Degraded performance",
      "Delayed data processing",
    ])
    for (const component of page.components) {
      expect(component.status).toBe("operational")
      expect(component.days).toHaveLength(90)
      expect(component.days.at(-1)?.date).toBe("2026-11-28")
      expect(component.days[0]?.date).toBe("2026-08-31")
      expect(component.uptime).toBe(1)
    }
  })

  it("follows a P1 through its public updates, in customer-safe words only", () => {
    const events: Array<Event> = [opened("P1", at(-60))]
    const active = summarize([fold(events)])
    expect(active.indicator).toBe("major")
    expect(active.description).toBe("Partial System Outage")
    const api = active.components.find((component) => component.id === "high-api-error-rate")
    expect(api?.status).toBe("partial_outage")
    expect(
      active.components.filter((component) => component.status !== "operational"),
    ).toHaveLength(1)
    expect(active.incidents).toHaveLength(1)
    expect(active.incidents[0]).toMatchObject({
      id: "ir-ref",
      title: "Elevated error rates",
      impact: "major",
      status: "investigating",
      components: ["high-api-error-rate"],
    })
    expect(active.incidents[0]?.updates.map((update) => update.body)).toEqual([
      "We are investigating this issue.",
    ])

    events.push(
      {
        type: "update-posted",
        at: at(-45),
        progress: "Restarted api-1.prod.internal",
        status: "Pool exhausted on 10.0.3.7",
        nextSteps: "Check the database",
        by: "alice",
      },
      {
        type: "update-posted",
        at: at(-40),
        progress: "Failing over",
        status: "Failing over",
        nextSteps: "Watch",
        publicNote: "We are failing over db-1.prod.internal (10.0.3.7) for INC-2026-0007.",
        by: "alice",
      },
      { type: "mitigated", at: at(-30), summary: "Failed over to replica", by: "alice" },
    )
    const mitigated = summarize([fold(events)])
    expect(mitigated.incidents[0]?.status).toBe("monitoring")
    expect(mitigated.indicator).toBe("minor")
    // newest first; the update without a public note is not public
    expect(mitigated.incidents[0]?.updates.map((update) => [update.status, update.body])).toEqual([
      ["monitoring", "A fix has been implemented and we are monitoring the results."],
      ["investigating", "We are failing over [removed] ([removed]) for [removed]."],
      ["investigating", "We are investigating this issue."],
    ])

    events.push({ type: "resolved", at: at(-10), resolution: "Pool resized", by: "alice" })
    const resolved = summarize([fold(events)])
    expect(resolved.indicator).toBe("none")
    expect(resolved.incidents).toEqual([])
    expect(resolved.resolved[0]?.status).toBe("resolved")
    expect(resolved.resolved[0]?.resolvedAt).toEqual(at(-10))
    const day = resolved.components
      .find((component) => component.id === "high-api-error-rate")
      ?.days.at(-1)
    expect(day).toEqual({ date: "2026-11-28", impact: "major", incidents: ["ir-ref"] })
    // 50 minutes of 90 days (whole minutes), on that component alone
    const uptime = resolved.components.find((c) => c.id === "high-api-error-rate")?.uptime ?? 0
    const minutes = Math.ceil((now.getTime() - Date.parse("2026-08-31T00:00:00Z")) / 60_000)
    expect(uptime).toBeCloseTo(1 - 50 / minutes, 10)

    const text = JSON.stringify(resolved)
    for (const secret of ["api-1", "10.0.3.7", "INC-2026", "alice", "pool exhausted", "runbook"]) {
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase())
    }
  })

  it("leaves out incidents the policy keeps internal, unless their severity ever reached it", () => {
    const p3 = [opened("P3", at(-30))]
    expect(summarize([fold(p3)]).incidents).toEqual([])
    const raised = fold([
      ...p3,
      { type: "severity-changed", at: at(-20), severity: "P1", reason: "customers affected" },
      { type: "severity-changed", at: at(-10), severity: "P3", reason: "contained" },
    ])
    const page = summarize([raised])
    expect(page.incidents).toHaveLength(1)
    expect(page.incidents[0]?.impact).toBe("major")
  })

  it("marks planned maintenance, and sets a component by its live checks", () => {
    const maintenance = fold([
      opened("P2", at(-5), ["database-connectivity"]),
      { type: "severity-changed", at: at(-5), severity: "P1", reason: "planned" },
      { type: "flag-raised", at: at(-5), flag: "planned-maintenance" },
    ])
    const page = summarize([maintenance])
    expect(page.indicator).toBe("maintenance")
    expect(page.components.find((c) => c.id === "database-connectivity")?.status).toBe(
      "under_maintenance",
    )
    expect(page.components.find((c) => c.id === "database-connectivity")?.uptime).toBe(1)

    const checked = StatusPage.summarize({
      runbook: defaultRunbook,
      incidents: [],
      now,
      reference: () => "x",
      components: [
        { id: "api", name: "API", checks: ["http.health"] },
        { id: "db", name: "Database", checks: ["postgres.connectivity"] },
      ],
      checks: { "http.health": "fail", "postgres.connectivity": "pass" },
    })
    expect(checked.components.map((c) => [c.id, c.status])).toEqual([
      ["api", "partial_outage"],
      ["db", "operational"],
    ])
    expect(checked.indicator).toBe("major")
  })

  it("counts days in the runbook's time zone", () => {
    const berlin: Runbook = {
      ...defaultRunbook,
      calendar: { ...defaultRunbook.calendar, timeZone: "Europe/Berlin" },
    }
    // 23:30 UTC on the 26th is 00:30 on the 27th in Berlin
    const late = fold([
      opened("P0", new Date("2026-11-26T23:30:00Z"), ["system-down"]),
      {
        type: "resolved",
        at: new Date("2026-11-26T23:50:00Z"),
        resolution: "restarted",
      },
    ])
    const days = summarize([late], berlin).components.find((c) => c.id === "system-down")?.days
    expect(days?.filter((day) => day.impact !== "none")).toEqual([
      { date: "2026-11-27", impact: "critical", incidents: ["ir-ref"] },
    ])
    const utcDays = summarize([late]).components.find((c) => c.id === "system-down")?.days
    expect(utcDays?.filter((day) => day.impact !== "none").map((day) => day.date)).toEqual([
      "2026-11-26",
    ])
  })

  it("names components that point at playbooks the runbook lacks", () => {
    expect(
      StatusPage.unknownPlaybooks(defaultRunbook, [
        { id: "api", name: "API", playbooks: ["system-down", "no-such"] },
      ]),
    ).toEqual([{ component: "api", playbook: "no-such" }])
  })
})
