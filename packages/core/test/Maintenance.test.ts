import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { AlertGroup, createPlaybookMapper, defaultRunbook, Maintenance } from "../src/index.js"

const at = (time: string) => new Date(`2026-12-05T${time}Z`)

const window = (
  overrides: Partial<Maintenance.MaintenanceWindow> = {},
): Maintenance.MaintenanceWindow => ({
  id: "db-upgrade",
  start: at("10:00:00"),
  end: at("12:00:00"),
  playbooks: ["database-issues"],
  reason: "PostgreSQL 16 upgrade",
  ...overrides,
})

describe("Maintenance", () => {
  it("is active from its start, inclusive, to its end, exclusive", () => {
    const db = window()
    expect(Maintenance.isActive(db, at("09:59:59.999"))).toBe(false)
    expect(Maintenance.isActive(db, at("10:00:00"))).toBe(true)
    expect(Maintenance.isActive(db, at("11:59:59.999"))).toBe(true)
    expect(Maintenance.isActive(db, at("12:00:00"))).toBe(false)
  })

  it("lists the windows active at an instant, among several", () => {
    const early = window({ id: "early", start: at("08:00:00"), end: at("10:00:00") })
    const late = window({ id: "late", start: at("10:00:00"), end: at("11:00:00") })
    const long = window({ id: "long", start: at("07:00:00"), end: at("13:00:00") })
    const ids = (time: string) =>
      Maintenance.activeAt([early, late, long], at(time)).map((found) => found.id)
    expect(ids("09:00:00")).toEqual(["early", "long"])
    expect(ids("10:00:00")).toEqual(["late", "long"])
    expect(ids("11:00:00")).toEqual(["long"])
    expect(ids("13:00:00")).toEqual([])
  })

  it("covers an incident only when every one of its playbooks is under an active window", () => {
    const db = window()
    const api = window({ id: "api-deploy", playbooks: ["high-error-rate"] })
    const target = { playbooks: ["database-issues", "high-error-rate"] }
    expect(Maintenance.covering([db], { playbooks: ["database-issues"] }, at("11:00:00"))).toEqual([
      db,
    ])
    expect(Maintenance.covering([db], target, at("11:00:00"))).toEqual([])
    expect(Maintenance.covering([db, api], target, at("11:00:00"))).toEqual([db, api])
    expect(Maintenance.covering([db], { playbooks: [] }, at("11:00:00"))).toEqual([])
    expect(Maintenance.covering([db], { playbooks: ["database-issues"] }, at("12:00:00"))).toEqual(
      [],
    )
  })

  it("covers alerts by playbook or by component label, each firing alert", () => {
    const api = window({
      id: "api",
      playbooks: undefined,
      components: ["api", "instance=db-1:5432"],
    })
    const now = at("11:00:00")
    const byService = { labels: { alertname: "HighErrorRate", service: "api" } }
    const byJob = { labels: { alertname: "Down", job: "api" } }
    const byInstance = { labels: { alertname: "PgDown", instance: "db-1:5432" } }
    const other = { labels: { alertname: "Down", service: "web" } }
    const notJustAnyLabel = { labels: { alertname: "api" } }
    for (const alert of [byService, byJob, byInstance])
      expect(Maintenance.covering([api], { playbooks: [], alerts: [alert] }, now)).toEqual([api])
    expect(Maintenance.covering([api], { playbooks: [], alerts: [other] }, now)).toEqual([])
    expect(Maintenance.covering([api], { playbooks: [], alerts: [notJustAnyLabel] }, now)).toEqual(
      [],
    )
    expect(Maintenance.covering([api], { playbooks: [], alerts: [byService, other] }, now)).toEqual(
      [],
    )
    const db = window()
    const dbAlert = { labels: { alertname: "PostgresDown" }, playbook: "database-issues" }
    expect(
      Maintenance.covering(
        [api, db],
        { playbooks: ["database-issues"], alerts: [byService, dbAlert] },
        now,
      ),
    ).toEqual([api, db])
  })

  it("plans an alert group with the labels and playbook of each firing alert", () => {
    const mapAlert = createPlaybookMapper(defaultRunbook, { now: () => at("11:00:00") })
    const alert = {
      labels: { alertname: "ServiceDown", severity: "P0", playbook: "system-down" },
      annotations: {},
      fingerprint: "f1",
    }
    const plan = AlertGroup.plan(
      [{ alert, match: mapAlert(alert) }],
      { labels: { service: "api" }, annotations: {} },
      "P2",
    )
    expect(plan.alerts).toEqual([
      { labels: { service: "api", ...alert.labels }, playbook: "system-down" },
    ])
    const system = window({ id: "sys", playbooks: ["system-down"] })
    expect(Maintenance.covering([system], plan, at("11:00:00"))).toEqual([system])
  })

  it("says which windows, until when, and that nobody is paged", () => {
    const db = window()
    const api = window({ id: "api-deploy", end: at("10:30:00") })
    expect(Maintenance.notPagedNote([db, api])).toBe(
      "Under planned maintenance db-upgrade, api-deploy until 2026-12-05 10:30 UTC: not paged",
    )
  })

  it("decodes a window and refuses one that ends before it starts or covers nothing", () => {
    const decode = Schema.decodeUnknownEither(Maintenance.MaintenanceWindow)
    const good = decode({
      id: "api-deploy",
      start: "2026-12-05T10:00:00Z",
      end: "2026-12-05T10:30:00Z",
      components: ["api"],
      reason: "deploy",
    })
    expect(Either.isRight(good)).toBe(true)
    const backwards = decode({
      id: "x",
      start: "2026-12-05T10:00:00Z",
      end: "2026-12-05T10:00:00Z",
      playbooks: ["a"],
      reason: "r",
    })
    expect(Either.isLeft(backwards) && String(backwards.left)).toMatch(/end must be after start/)
    const empty = decode({
      id: "x",
      start: "2026-12-05T10:00:00Z",
      end: "2026-12-05T11:00:00Z",
      reason: "r",
    })
    expect(Either.isLeft(empty) && String(empty.left)).toMatch(/at least one playbook or component/)
    expect(
      Either.isLeft(
        decode({
          id: "no spaces",
          start: "2026-12-05T10:00:00Z",
          end: "2026-12-05T11:00:00Z",
          playbooks: ["a"],
          reason: "r",
        }),
      ),
    ).toBe(true)
  })
})
