import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { afterEach, describe, expect, it } from "vitest"
import { runResponder } from "../src/index.js"
import { headlines, p0, pages, run, runbookWith, type World, world } from "./fixtures.js"

const until = async (what: string, condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe("runResponder", () => {
  let current: World | undefined
  afterEach(async () => {
    await current?.close()
    current = undefined
  })

  it("sends what falls due with nobody running a command, once, by one clock among several", async () => {
    const w = await world(runbookWith("2s"))
    current = w
    const responders = await Promise.all([1, 2, 3].map(() => w.responder()))
    const fibers = responders.map((responder) =>
      Effect.runFork(runResponder(responder, { tickMs: 200 })),
    )
    try {
      await until("a leader", () => w.events.some((event) => event.event === "leading"))
      // an incident recorded by someone else, nothing sent
      const opened = new Date()
      await run(responders[0]!.journal.open(p0(opened)))
      await until("the page and the initial alert", () => w.slack.received.length >= 1)
      await until("the escalation", () => w.slack.received.length >= 2)
      const escalatedAfterMs = Date.now() - opened.getTime()
      // due 2 s after opening; sent within a tick (and a little work) of it
      expect(escalatedAfterMs).toBeGreaterThanOrEqual(2000)
      expect(escalatedAfterMs).toBeLessThan(2000 + 200 + 1000)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      expect(headlines(w.slack)).toEqual([
        expect.stringContaining("INCIDENT ALERT - P0"),
        expect.stringContaining("INCIDENT ESCALATION - P0"),
      ])
      expect(pages(w.pagerduty).map((page) => page.action)).toEqual(["trigger"])
      expect(w.events.filter((event) => event.event === "leading")).toHaveLength(1)
      expect(w.events.filter((event) => event.event === "standing-by")).toHaveLength(2)
    } finally {
      for (const fiber of fibers) await Effect.runPromise(Fiber.interrupt(fiber))
    }
  })

  it("hands the clock over when its leader stops, within two ticks", async () => {
    const w = await world()
    current = w
    const [first, second] = [await w.responder(), await w.responder()]
    const leader = Effect.runFork(runResponder(first!, { tickMs: 200 }))
    await until("a leader", () => w.events.some((event) => event.event === "leading"))
    const standby = Effect.runFork(runResponder(second!, { tickMs: 200 }))
    await until("a stand-by", () => w.events.some((event) => event.event === "standing-by"))
    await Effect.runPromise(Fiber.interrupt(leader))
    const stopped = Date.now()
    try {
      await until("a new leader", () => w.events.filter((e) => e.event === "leading").length === 2)
      expect(Date.now() - stopped).toBeLessThan(2 * 200 + 500)
      await run(second!.journal.open(p0(new Date())))
      await until("the initial alert", () => w.slack.received.length >= 1)
      expect(pages(w.pagerduty).map((page) => page.action)).toEqual(["trigger"])
    } finally {
      await Effect.runPromise(Fiber.interrupt(standby))
    }
  })
})
