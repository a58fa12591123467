import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { AlertGroup, createPlaybookMapper, defaultRunbook } from "@ir/core"
import type { Journal } from "@ir/journal"
import { createIncidentMessenger } from "@ir/notify"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { createResponder, openAlertGroup, resolveAlertGroup } from "../src/index.js"
import {
  headlines,
  p0,
  pages,
  run,
  runbookWith,
  type World,
  watchingReads,
  world,
} from "./fixtures.js"

const t0 = new Date("2026-11-28T10:00:00Z")
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)

describe("createResponder", () => {
  let current: World | undefined
  afterEach(async () => {
    await current?.close()
    current = undefined
  })

  it("sends a new P0's page and initial alert once, however many processes dispatch at once", async () => {
    const w = await world()
    current = w
    const responders = await Promise.all([1, 2, 3].map(() => w.responder({ now: () => t0 })))
    const first = responders[0]!
    const { incident } = await run(first.journal.open(p0(t0)))
    const runs = await Promise.all(
      [...responders, ...responders].map((responder) => run(responder.dispatch(incident.humanId))),
    )
    expect(runs.every((result) => result.status === "done")).toBe(true)
    expect(pages(w.pagerduty)).toEqual([{ action: "trigger", dedupKey: incident.humanId }])
    expect(headlines(w.slack)).toHaveLength(1)
    expect(headlines(w.slack)[0]).toContain("INCIDENT ALERT - P0")
    const record = await run(first.journal.read(incident.humanId))
    expect(record.state.notifications.map((sent) => sent.key)).toEqual([
      `${incident.humanId}:page:P0`,
      `${incident.humanId}:notify-initial`,
    ])
  })

  it("runs a dry run without the dispatch lock: it neither waits for a holder nor sends", async () => {
    const w = await world()
    current = w
    const responder = await w.responder({ now: () => t0 })
    const { incident } = await run(responder.journal.open(p0(t0)))
    const other = await w.journal()
    let release: () => void = () => undefined
    const holding = new Promise<void>((resolve) => {
      release = resolve
    })
    let held: () => void = () => undefined
    const taken = new Promise<void>((resolve) => {
      held = resolve
    })
    // Another process holds the incident's lock (as a responder sending its page would)...
    const holder = run(
      other.withDispatchLock(
        incident.humanId,
        Effect.promise(async () => {
          held()
          await holding
        }),
      ),
    )
    await taken
    // ...and the dry run answers at once with what it would send, sending nothing.
    const dry = await run(responder.dispatch(incident.humanId, { dryRun: true }))
    release()
    await holder
    expect(dry.status).toBe("done")
    const outcomes = dry.status === "done" ? dry.dispatches.map((sent) => sent.outcome) : []
    expect(outcomes).toEqual(["dry-run", "dry-run"])
    expect(pages(w.pagerduty)).toEqual([])
    expect(headlines(w.slack)).toEqual([])
    const record = await run(other.read(incident.humanId))
    expect(record.state.notifications).toEqual([])
  })

  it("opens and sends at once; a tick later sends only what fell due since, once", async () => {
    let now = t0
    const w = await world()
    current = w
    const responder = await w.responder({ now: () => now })
    const opened = await run(responder.open(p0(t0)))
    expect(opened.created).toBe(true)
    expect(opened.sent?.status).toBe("done")
    expect(pages(w.pagerduty)).toHaveLength(1)
    expect(headlines(w.slack)).toHaveLength(1)

    now = minutes(10)
    const quiet = await run(responder.tick())
    expect(quiet.incidents).toBe(1)
    expect(quiet.dispatched).toEqual([])
    expect(headlines(w.slack)).toHaveLength(1)

    // 10:30: the P0 is not restored (escalation) and a status update is due
    now = minutes(30)
    const report = await run(responder.tick())
    expect(report.dispatched.map((entry) => entry.incidentId)).toEqual([opened.incident.humanId])
    expect(headlines(w.slack).slice(1).sort()).toEqual(
      ["INCIDENT ESCALATION - P0", "INCIDENT UPDATE - P0"]
        .map((text) => expect.stringContaining(text))
        .reverse(),
    )
    await run(responder.tick())
    await run(responder.tick())
    expect(headlines(w.slack)).toHaveLength(3)
  })

  it("reads an incident again only once it changed or something may have fallen due", async () => {
    let now = t0
    const w = await world()
    current = w
    const reads: Array<string> = []
    const responder = await w.responder({ now: () => now, wrapJournal: watchingReads(reads) })
    const { incident } = await run(responder.open(p0(t0)))
    const id = incident.humanId
    expect(pages(w.pagerduty)).toHaveLength(1)

    // The open's dispatch left nothing due before 10:30 (p0-not-restored, the first update).
    reads.length = 0
    for (const minute of [5, 10, 29]) {
      now = minutes(minute)
      const report = await run(responder.tick())
      expect(report.incidents).toBe(1)
      expect(report.dispatched).toEqual([])
    }
    expect(reads).toEqual([])

    // Another process acknowledges: the sequence moved, so the next tick reads it and follows
    // PagerDuty at once, without waiting for 10:30.
    const other = await w.journal()
    const read = await run(other.read(id))
    await run(
      other.append(id, [{ type: "acknowledged", at: minutes(12), by: "bob" }], {
        expectedSequence: read.sequence,
      }),
    )
    now = minutes(13)
    const followed = await run(responder.tick())
    expect(followed.dispatched.map((entry) => entry.incidentId)).toEqual([id])
    expect(pages(w.pagerduty).map((page) => page.action)).toEqual(["trigger", "acknowledge"])
    expect(reads.length).toBeGreaterThan(0)

    reads.length = 0
    now = minutes(20)
    await run(responder.tick())
    expect(reads).toEqual([])

    // 10:30, the moment nextDueAt named: the escalation and the status update go out.
    now = minutes(30)
    const due = await run(responder.tick())
    expect(due.dispatched.map((entry) => entry.incidentId)).toEqual([id])
    const latest = headlines(w.slack).slice(-2)
    expect(latest).toHaveLength(2)
    expect(latest).toEqual(
      expect.arrayContaining([
        expect.stringContaining("INCIDENT ESCALATION - P0"),
        expect.stringContaining("INCIDENT UPDATE - P0"),
      ]),
    )
    expect(reads).toContain(id)
  })

  it("leaves an alert group's incident quiet when its resolution is recorded: the next tick does not read it", async () => {
    let now = t0
    const w = await world()
    current = w
    const reads: Array<string> = []
    const responder = await w.responder({ now: () => now, wrapJournal: watchingReads(reads) })
    const mapAlert = createPlaybookMapper(w.runbook, { now: () => now })
    const group = async (name: string) => {
      const alert = {
        labels: { alertname: name, severity: "P2", playbook: "high-api-error-rate" },
        annotations: { summary: `${name} firing` },
        fingerprint: name,
      }
      const opened = await run(
        openAlertGroup(responder, {
          groupKey: `{}:{alertname="${name}"}`,
          by: "alertmanager:ir",
          plan: AlertGroup.plan(
            [{ alert, match: mapAlert(alert) }],
            { labels: {}, annotations: {} },
            "P2",
          ),
        }),
      )
      await run(responder.dispatch(opened.record.humanId))
      return opened.record.humanId
    }
    const [noted, unnoted] = [await group("Noted"), await group("Unnoted")]
    now = minutes(3)
    // Through the responder (as `ir serve`'s receiver records it), and through an intake that
    // does not tell the responder.
    const resolved = await run(
      resolveAlertGroup(responder, {
        groupKey: '{}:{alertname="Noted"}',
        by: "alertmanager:ir",
        alertnames: ["Noted"],
      }),
    )
    await run(
      resolveAlertGroup(
        { journal: responder.journal, now: () => now },
        { groupKey: '{}:{alertname="Unnoted"}', by: "alertmanager:ir", alertnames: ["Unnoted"] },
      ),
    )
    expect(resolved.recorded).toEqual(["mitigated"])
    reads.length = 0
    now = minutes(4)
    const report = await run(responder.tick())
    expect(report.incidents).toBe(2)
    expect(report.failed).toEqual([])
    expect(reads).toEqual([unnoted])
    expect(reads).not.toContain(noted)
  })

  it("forgets at a tick the notes of incidents out of view, and keeps the others", async () => {
    const w = await world()
    current = w
    const quiet = new Map([
      ["INC-2020-0001", { sequence: 3, checkedAt: t0.getTime(), until: Number.POSITIVE_INFINITY }],
    ])
    const responder = await w.responder({ now: () => t0, quiet })
    const { incident } = await run(responder.open(p0(t0)))
    expect([...quiet.keys()].sort()).toEqual(["INC-2020-0001", incident.humanId].sort())
    await run(responder.tick())
    expect([...quiet.keys()]).toEqual([incident.humanId])
    // Every note in view: nothing to forget, and the note stays as it was.
    const kept = quiet.get(incident.humanId)
    await run(responder.tick())
    expect(quiet.get(incident.humanId)).toBe(kept)
  })

  it("takes a tick's first looks a few at once, and still reads each incident", async () => {
    const w = await world()
    current = w
    let inFlight = 0
    let most = 0
    const reads: Array<string> = []
    // Each read takes 20 ms, so reads made one after another never overlap.
    const slowReads = (journal: Journal): Journal =>
      new Proxy(journal, {
        get: (target, property) => {
          if (property === "read")
            return (id: string, options?: Parameters<Journal["read"]>[1]) =>
              Effect.acquireUseRelease(
                Effect.sync(() => {
                  inFlight += 1
                  most = Math.max(most, inFlight)
                  reads.push(id)
                }),
                () => Effect.zipRight(Effect.sleep("20 millis"), target.read(id, options)),
                () => Effect.sync(() => (inFlight -= 1)),
              )
          const value: unknown = Reflect.get(target, property)
          return typeof value === "function" ? value.bind(target) : value
        },
      })
    const opener = await w.responder({ now: () => t0 })
    const ids: Array<string> = []
    for (let index = 0; index < 6; index += 1) {
      const { incident } = await run(
        opener.open({ ...p0(t0), title: `down ${index}`, dedupKey: `group-${index}` }),
      )
      ids.push(incident.humanId)
    }
    // A second responder has no notes yet: it looks at every incident in view.
    const responder = await w.responder({ now: () => minutes(5), wrapJournal: slowReads })
    const report = await run(responder.tick())
    expect(report.incidents).toBe(6)
    expect([...new Set(reads)].sort()).toEqual([...ids].sort())
    expect(most).toBeGreaterThan(1)
    expect(most).toBeLessThanOrEqual(4)
  })

  it("takes no dispatch lock for what no configured channel takes, and keeps a resolution quiet", async () => {
    let now = t0
    const w = await world()
    current = w
    const reads: Array<string> = []
    const locks: Array<string> = []
    const journal = watchingReads(reads, locks)(await w.journal())
    const responder = createResponder({
      journal,
      runbook: defaultRunbook,
      messenger: createIncidentMessenger({ runbook: defaultRunbook, channels: [] }),
      now: () => now,
    })
    // opened by another process, which sent nothing: its initial alert is due, for no channel
    const { incident } = await run(
      journal.open({ ...p0(t0), severity: "P2", dedupKey: '{}:{alertname="Elsewhere"}' }),
    )
    now = minutes(1)
    const first = await run(responder.tick())
    expect(first.dispatched).toEqual([])
    expect(reads).toEqual([incident.humanId])
    expect(locks).toEqual([])
    // its group resolves through the responder: marked mitigated, and still nothing to send
    now = minutes(2)
    const resolved = await run(
      resolveAlertGroup(responder, {
        groupKey: '{}:{alertname="Elsewhere"}',
        by: "alertmanager:ir",
        alertnames: ["Elsewhere"],
      }),
    )
    expect(resolved.recorded).toEqual(["mitigated"])
    reads.length = 0
    now = minutes(3)
    const next = await run(responder.tick())
    expect(next.incidents).toBe(1)
    expect(reads).toEqual([])
    expect(locks).toEqual([])
  })

  it("does not render again, tick after tick, messages no configured channel takes", async () => {
    let now = t0
    const w = await world()
    current = w
    const reads: Array<string> = []
    const responder = createResponder({
      journal: watchingReads(reads)(await w.journal()),
      runbook: defaultRunbook,
      messenger: createIncidentMessenger({ runbook: defaultRunbook, channels: [] }),
      now: () => now,
    })
    const { incident, sent } = await run(responder.open({ ...p0(t0), severity: "P2" }))
    expect(sent?.status === "done" && sent.dispatches.map((d) => d.outcome)).toEqual(["unrouted"])
    reads.length = 0
    now = minutes(5)
    const quiet = await run(responder.tick())
    expect(quiet.dispatched).toEqual([])
    expect(reads).toEqual([])
    // a change to the incident makes it worth a look again
    await run(
      responder.journal.append(incident.humanId, [{ type: "acknowledged", at: now, by: "bob" }]),
    )
    now = minutes(6)
    await run(responder.tick())
    expect(reads).toContain(incident.humanId)
  })

  it("follows PagerDuty: acknowledges the page once acknowledged, resolves it once resolved", async () => {
    let now = t0
    const w = await world()
    current = w
    const responder = await w.responder({ now: () => now })
    const { incident } = await run(responder.open(p0(t0)))
    const id = incident.humanId
    now = minutes(4)
    await run(responder.journal.append(id, [{ type: "acknowledged", at: now, by: "alice" }]))
    await run(responder.tick())
    await run(responder.tick())
    expect(pages(w.pagerduty)).toEqual([
      { action: "trigger", dedupKey: id },
      { action: "acknowledge", dedupKey: id },
    ])
    now = minutes(20)
    await run(
      responder.journal.append(id, [
        { type: "resolved", at: now, resolution: "Restarted the app", by: "alice" },
      ]),
    )
    await run(responder.tick())
    await run(responder.tick())
    // The resolution notice goes to the channel that paged: PagerDuty resolves, once.
    expect(pages(w.pagerduty)).toEqual([
      { action: "trigger", dedupKey: id },
      { action: "acknowledge", dedupKey: id },
      { action: "resolve", dedupKey: id },
    ])
    expect(
      headlines(w.slack).filter((line) => line.includes("INCIDENT RESOLVED - P0")),
    ).toHaveLength(1)
  })

  it("goes on past a damaged incident, and the tick names it", async () => {
    let now = t0
    const w = await world()
    current = w
    const responder = await w.responder({ now: () => now })
    const damagedOne = await run(responder.open(p0(t0)))
    // damage the first incident's file: flip a byte in its first line
    const dir = join(w.dir, "incidents")
    const file = join(
      dir,
      readdirSync(dir).find((name) => name.startsWith(damagedOne.incident.humanId))!,
    )
    const bytes = readFileSync(file)
    bytes[10] = bytes[10]! ^ 0x55
    writeFileSync(file, bytes)
    const fresh = await w.responder({ now: () => now })
    const other = await run(fresh.journal.open({ ...p0(minutes(1)), title: "Disk full" }))
    now = minutes(2)
    const report = await run(fresh.tick())
    expect(report.damaged.map((damage) => damage.incidentId)).toEqual([damagedOne.incident.humanId])
    expect(report.dispatched.map((entry) => entry.incidentId)).toEqual([other.incident.humanId])
  })

  it("a rule of a few seconds escalates by the clock of the runbook", async () => {
    let now = t0
    const w = await world(runbookWith("3s"))
    current = w
    const responder = await w.responder({ now: () => now })
    await run(responder.open(p0(t0)))
    now = new Date(t0.getTime() + 2_000)
    await run(responder.tick())
    expect(headlines(w.slack)).toHaveLength(1)
    now = new Date(t0.getTime() + 3_000)
    await run(responder.tick())
    expect(headlines(w.slack)).toHaveLength(2)
    expect(headlines(w.slack)[1]).toContain("INCIDENT ESCALATION - P0")
  })
})
