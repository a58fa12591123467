// The drill schedule reminded by the responder clock: each due training group once per period,
// on the team's channels, for every process sharing the journal; nothing without the option.
import { afterEach, describe, expect, it } from "vitest"
import { run, type World, world } from "./fixtures.js"

let current: World | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

describe("drill-schedule reminders", () => {
  it("reminds of each due training group once per period, whichever process ticks", async () => {
    current = await world()
    let now = new Date("2026-12-01T10:00:00Z")
    const first = await current.responder({ now: () => now, trainingReminders: true })
    const report = await run(first.tick())
    expect(report.reminded).toEqual([
      "training:monthly:2026-12",
      "training:quarterly:2026-Q4",
      "training:annual:2026",
    ])
    const texts = current.slack.received.map((request) => String(request.json.text))
    expect(texts).toHaveLength(3)
    expect(texts[0]).toContain("Monthly Drills due (2026-12)")
    expect(texts[0]).toContain("Communication channel testing")
    // the same period from another process: nothing again
    const second = await current.responder({ now: () => now, trainingReminders: true })
    expect((await run(second.tick())).reminded).toEqual([])
    now = new Date("2026-12-15T10:00:00Z")
    expect((await run(first.tick())).reminded).toEqual([])
    // the next month's drills
    now = new Date("2027-01-04T09:00:00Z")
    expect((await run(second.tick())).reminded).toEqual([
      "training:monthly:2027-01",
      "training:quarterly:2027-Q1",
      "training:annual:2027",
    ])
    expect(current.slack.received).toHaveLength(6)
    expect(current.pagerduty.received).toEqual([])
    expect(current.events.filter((event) => event.event === "training-reminded")).toHaveLength(6)
  })

  it("sends nothing unless asked to", async () => {
    current = await world()
    const responder = await current.responder({ now: () => new Date("2026-12-01T10:00:00Z") })
    expect((await run(responder.tick())).reminded).toEqual([])
    expect(current.slack.received).toEqual([])
  })
})
