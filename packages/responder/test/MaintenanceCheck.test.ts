// Maintenance windows decide, in the responder, whether a new incident pages: configured ones and
// those kept in the journal, for incidents opened by hand and from alert groups alike.
import { AlertGroup, createPlaybookMapper } from "@ir/core"
import { afterEach, describe, expect, it } from "vitest"
import { openAlertGroup } from "../src/index.js"
import { headlines, p0, pages, run, type World, world } from "./fixtures.js"

const t0 = new Date("2026-12-05T10:00:00Z")
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)

const window = {
  id: "core-switch",
  start: minutes(-5),
  end: minutes(60),
  playbooks: ["system-down"],
  reason: "core switch replacement",
}

const note = "Under planned maintenance core-switch until 2026-12-05 11:00 UTC: not paged"

describe("maintenance windows", () => {
  let current: World | undefined
  afterEach(async () => {
    await current?.close()
    current = undefined
  })

  it("opens a P0 under a configured window flagged, sends its message saying so, and pages nobody, then or later", async () => {
    let now = t0
    const w = await world()
    current = w
    const responder = await w.responder({ now: () => now, maintenance: [window] })
    const opened = await run(responder.open(p0(t0)))
    expect(opened.maintenance.map((found) => found.id)).toEqual(["core-switch"])
    expect(opened.incident.events.map((event) => event.type)).toContain("flag-raised")
    expect(opened.incident.state.flags[0]).toMatchObject({ flag: "planned-maintenance", note })
    expect(pages(w.pagerduty)).toEqual([])
    expect(headlines(w.slack)).toEqual([expect.stringContaining("INCIDENT ALERT - P0")])
    expect(String(w.slack.received[0]?.json.text)).toContain(note)
    expect(w.events).toContainEqual(
      expect.objectContaining({ event: "under-maintenance", windows: ["core-switch"] }),
    )
    now = minutes(90) // the window is over: this incident still pages nobody
    await run(responder.tick())
    expect(pages(w.pagerduty)).toEqual([])
  })

  it("opens an alert group under a window kept in the journal without paging; after the window, a new group pages", async () => {
    let now = t0
    const w = await world()
    current = w
    const responder = await w.responder({ now: () => now })
    await run(
      (await w.journal()).startMaintenance({
        id: "api-deploy",
        start: t0,
        end: minutes(30),
        components: ["api"],
        reason: "deploy",
      }),
    )
    const mapAlert = createPlaybookMapper(w.runbook, { now: () => now })
    const alert = {
      labels: { alertname: "ServiceDown", severity: "P0", service: "api", playbook: "system-down" },
      annotations: { summary: "api down" },
      fingerprint: "f1",
    }
    const plan = () =>
      AlertGroup.plan([{ alert, match: mapAlert(alert) }], { labels: {}, annotations: {} }, "P2")
    const during = await run(
      openAlertGroup(responder, {
        groupKey: '{}:{alertname="ServiceDown"}',
        by: "alertmanager:ir",
        plan: plan(),
      }),
    )
    expect(during.recorded).toEqual(["opened", "flag-raised"])
    expect(during.maintenance?.map((found) => found.id)).toEqual(["api-deploy"])
    await run(responder.dispatch(during.record.humanId))
    expect(pages(w.pagerduty)).toEqual([])

    now = minutes(30) // the window ends by itself
    const after = await run(
      openAlertGroup(responder, {
        groupKey: '{}:{alertname="ServiceDown"}-2',
        by: "alertmanager:ir",
        plan: plan(),
      }),
    )
    expect(after.recorded).toEqual(["opened"])
    await run(responder.dispatch(after.record.humanId))
    expect(pages(w.pagerduty)).toEqual([{ action: "trigger", dedupKey: after.record.humanId }])
  })

  it("pages when a window covers only some of the incident's playbooks", async () => {
    const w = await world()
    current = w
    const responder = await w.responder({ now: () => t0, maintenance: [window] })
    const opened = await run(
      responder.open({ ...p0(t0), playbooks: ["system-down", "database-issues"] }),
    )
    expect(opened.maintenance).toEqual([])
    expect(pages(w.pagerduty)).toHaveLength(1)
  })
})
