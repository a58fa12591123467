// The behaviour every journal backend owes its users, run against each backend by its test file.
import type { IncidentEvent } from "@ir/core"
import { Effect, Either, Option } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import type { IncidentSummary, Journal, JournalUnavailable, OpenInput } from "../src/index.js"

type Event = IncidentEvent.IncidentEvent

/** A fresh, empty journal location; `open` may be called several times (several writers). */
export interface JournalLocation {
  readonly open: () => Effect.Effect<Journal, JournalUnavailable>
  readonly cleanup: () => Promise<void>
}

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)
export const attempt = <A, E>(effect: Effect.Effect<A, E>): Promise<Either.Either<A, E>> =>
  Effect.runPromise(Effect.either(effect))

const at = (time: string) => new Date(`2026-11-28T${time}Z`)

export const downInput = (overrides: Partial<OpenInput> = {}): OpenInput => ({
  at: at("10:00:00"),
  title: "System completely down",
  severity: "P0",
  playbooks: ["system-down"],
  summary: "Health check endpoint unreachable",
  impact: "All users",
  by: "alice",
  ...overrides,
})

/**
 * Holds the incident's dispatch lock until `release` is called, noting "first holds" and "first
 * releases" on `order`; resolves once it holds it.
 */
const holdUntilReleased = async (journal: Journal, humanId: string, order: Array<string>) => {
  let release: () => void = () => undefined
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const holding = Effect.runPromise(
    journal.withDispatchLock(
      humanId,
      Effect.promise(async () => {
        order.push("first holds")
        await released
        order.push("first releases")
      }),
    ),
  )
  while (!order.includes("first holds")) await new Promise((resolve) => setImmediate(resolve))
  return { release: () => release(), holding }
}

export const journalContract = (name: string, fresh: () => Promise<JournalLocation>): void => {
  describe(`${name} journal (contract)`, () => {
    const opened: Array<Journal> = []
    const cleanups: Array<() => Promise<void>> = []

    const journalAt = async (location: JournalLocation): Promise<Journal> => {
      const journal = await run(location.open())
      opened.push(journal)
      return journal
    }
    const freshJournal = async (): Promise<{ journal: Journal; location: JournalLocation }> => {
      const location = await fresh()
      cleanups.push(location.cleanup)
      return { journal: await journalAt(location), location }
    }

    afterEach(async () => {
      for (const journal of opened.splice(0)) await run(journal.close)
      for (const cleanup of cleanups.splice(0)) await cleanup()
    })

    it("gives incidents INC-YYYY-NNNN ids counted per year, and a stable UUID", async () => {
      const { journal } = await freshJournal()
      const first = await run(journal.open(downInput()))
      const second = await run(journal.open(downInput({ title: "Disk almost full" })))
      const nextYear = await run(journal.open(downInput({ at: new Date("2027-01-01T00:00:05Z") })))
      expect([first.incident.humanId, second.incident.humanId, nextYear.incident.humanId]).toEqual([
        "INC-2026-0001",
        "INC-2026-0002",
        "INC-2027-0001",
      ])
      expect(first.created).toBe(true)
      expect(first.incident.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(first.incident.sequence).toBe(1)
      expect(first.incident.state.id).toBe("INC-2026-0001")
      expect(first.incident.events[0]).toMatchObject({
        type: "opened",
        incidentId: "INC-2026-0001",
      })
      const byHuman = await run(journal.read("INC-2026-0002"))
      const byUuid = await run(journal.read(second.incident.id))
      expect(byUuid.humanId).toBe("INC-2026-0002")
      expect(byUuid.events).toEqual(byHuman.events)
      expect(byHuman.title).toBe("Disk almost full")
    })

    it("keeps every event across a reopen, in order, decoded with Dates", async () => {
      const { journal, location } = await freshJournal()
      const { incident } = await run(journal.open(downInput()))
      const events: Array<Event> = [
        { type: "acknowledged", at: at("10:04:00"), by: "alice" },
        { type: "flag-raised", at: at("10:10:00"), flag: "customer-impact-increasing" },
        {
          type: "update-posted",
          at: at("10:30:00"),
          progress: "API container restarted",
          status: "investigating",
          nextSteps: "watch the error rate",
          eta: "11:00",
          by: "alice",
        },
        {
          type: "action-taken",
          at: at("10:31:00"),
          action: "restart-container",
          target: "iot-api",
          dryRun: false,
          outcome: "succeeded",
          detail: "restarted in 4 s",
        },
        { type: "escalated", at: at("10:32:00"), level: 1, to: "team-lead", rule: "p0-30min" },
        { type: "severity-changed", at: at("10:40:00"), severity: "P1", reason: "partial" },
        { type: "mitigated", at: at("10:50:00"), summary: "traffic served", by: "bob" },
        { type: "resolved", at: at("11:25:00"), resolution: "memory limit raised", by: "bob" },
        { type: "postmortem-scheduled", at: at("11:30:00"), scheduledFor: at("15:00:00") },
      ]
      const appended = await run(
        journal.append(incident.humanId, events, { expectedSequence: incident.sequence }),
      )
      expect(appended.sequence).toBe(10)
      expect(appended.state.status).toBe("resolved")
      await run(journal.close)
      const reopened = await journalAt(location)
      const record = await run(reopened.read(incident.id))
      expect(record.sequence).toBe(10)
      expect(record.events.slice(1)).toEqual(events)
      expect(record.state.resolvedAt).toEqual(at("11:25:00"))
      expect(record.state.severity).toBe("P1")
      expect(record.status).toBe("resolved")
      expect(record.resolvedAt).toEqual(at("11:25:00"))
      expect(record.torn).toBeUndefined()
    })

    it("refuses an impossible event with core's transition error and writes nothing", async () => {
      const { journal } = await freshJournal()
      const { incident } = await run(journal.open(downInput()))
      const result = await attempt(
        journal.append(incident.humanId, [
          { type: "acknowledged", at: at("10:01:00"), by: "alice" },
          { type: "postmortem-scheduled", at: at("10:02:00"), scheduledFor: at("15:00:00") },
        ]),
      )
      expect(Either.isLeft(result) && result.left._tag).toBe("IncidentTransitionError")
      expect(Either.isLeft(result) && result.left.message).toMatch(/resolved first/)
      const record = await run(journal.read(incident.humanId))
      expect(record.sequence).toBe(1) // the valid acknowledgement before it was not written either
      const early = await attempt(
        journal.append(incident.humanId, [{ type: "acknowledged", at: at("09:00:00"), by: "x" }]),
      )
      expect(Either.isLeft(early) && early.left._tag).toBe("IncidentTransitionError")
    })

    it("refuses an event that does not match the schema, naming it", async () => {
      const { journal } = await freshJournal()
      const { incident } = await run(journal.open(downInput()))
      const bad = { type: "severity-changed", at: at("10:01:00"), severity: "P9", reason: "?" }
      const result = await attempt(journal.append(incident.humanId, [bad as unknown as Event]))
      expect(Either.isLeft(result) && result.left._tag).toBe("JournalInvalidEvent")
      expect(Either.isLeft(result) && result.left.message).toMatch(/event 1 .*P9|P9/s)
      const badOpen = await attempt(journal.open(downInput({ severity: "P7" as "P0" })))
      expect(Either.isLeft(badOpen) && badOpen.left._tag).toBe("JournalInvalidEvent")
      expect((await run(journal.read(incident.humanId))).sequence).toBe(1)
      expect(await run(journal.list())).toHaveLength(1)
    })

    it("fails a stale expected sequence with a typed conflict", async () => {
      const { journal } = await freshJournal()
      const { incident } = await run(journal.open(downInput()))
      await run(
        journal.append(incident.humanId, [{ type: "acknowledged", at: at("10:04:00"), by: "a" }], {
          expectedSequence: 1,
        }),
      )
      const stale = await attempt(
        journal.append(
          incident.humanId,
          [{ type: "mitigated", at: at("10:05:00"), summary: "failover" }],
          { expectedSequence: 1 },
        ),
      )
      expect(Either.isLeft(stale) && stale.left).toMatchObject({
        _tag: "JournalConflict",
        reason: "sequence-conflict",
        incidentId: "INC-2026-0001",
        expectedSequence: 1,
        actualSequence: 2,
      })
      expect((await run(journal.read(incident.id))).sequence).toBe(2)
    })

    it("lets one of two racing resolutions win; the other gets the conflict", async () => {
      const { journal, location } = await freshJournal()
      const other = await journalAt(location)
      const { incident } = await run(journal.open(downInput()))
      const resolve = (writer: Journal, by: string) =>
        attempt(
          writer.append(
            incident.humanId,
            [{ type: "resolved", at: at("11:00:00"), resolution: `restarted by ${by}`, by }],
            { expectedSequence: incident.sequence },
          ),
        )
      const results = await Promise.all([resolve(journal, "alice"), resolve(other, "bob")])
      expect(results.filter(Either.isRight)).toHaveLength(1)
      const lost = results.find(Either.isLeft)
      expect(lost && Either.isLeft(lost) && lost.left._tag).toBe("JournalConflict")
      const record = await run(journal.read(incident.humanId))
      expect(record.sequence).toBe(2)
      expect(record.events.filter((event) => event.type === "resolved")).toHaveLength(1)
    })

    it("opens one incident for two racing opens with the same alert key", async () => {
      const { journal, location } = await freshJournal()
      const replica = await journalAt(location)
      const key = '{}/{severity="critical"}:{alertname="ApiDown"}'
      const input = downInput({ source: { kind: "alert", key } })
      const [a, b] = await Promise.all([run(journal.open(input)), run(replica.open(input))])
      expect([a.created, b.created].sort()).toEqual([false, true])
      expect(a.incident.id).toBe(b.incident.id)
      expect(await run(journal.list())).toHaveLength(1)
      const found = await run(replica.findByDedupKey(key))
      expect(Option.getOrThrow(found).humanId).toBe(a.incident.humanId)
      expect(Option.isNone(await run(journal.findByDedupKey("no-such-key")))).toBe(true)

      // Resolved, the same alert firing again is a new incident.
      await run(
        journal.append(a.incident.id, [{ type: "resolved", at: at("10:30:00"), resolution: "ok" }]),
      )
      const again = await run(replica.open({ ...input, at: at("12:00:00") }))
      expect(again.created).toBe(true)
      expect(again.incident.humanId).toBe("INC-2026-0002")
      expect(Option.getOrThrow(await run(journal.findByDedupKey(key))).humanId).toBe(
        "INC-2026-0002",
      )
      const explicit = await run(journal.open(downInput({ dedupKey: "fp-1", at: at("12:01:00") })))
      const same = await run(replica.open(downInput({ dedupKey: "fp-1", at: at("12:02:00") })))
      expect(same).toMatchObject({ created: false, incident: { id: explicit.incident.id } })
    })

    it("opens many incidents at once from two processes: one per key, numbered without gaps, a bad one refused alone", async () => {
      const { journal, location } = await freshJournal()
      const replica = await journalAt(location)
      const keys = Array.from({ length: 30 }, (_, index) => `storm-${index}`)
      // every key opened once, some twice by the same process, some by the other process too
      const opens = keys.flatMap((dedupKey, index) => [
        run(journal.open(downInput({ dedupKey }))),
        ...(index % 3 === 0 ? [run(replica.open(downInput({ dedupKey })))] : []),
        ...(index % 5 === 0 ? [run(journal.open(downInput({ dedupKey })))] : []),
      ])
      const bad = attempt(journal.open(downInput({ dedupKey: "bad", severity: "P7" as "P0" })))
      const results = await Promise.all(opens)
      const refused = await bad
      expect(Either.isLeft(refused) && refused.left._tag).toBe("JournalInvalidEvent")
      const listed = await run(replica.list())
      expect(listed.map((summary) => summary.dedupKey).sort()).toEqual([...keys].sort())
      expect(listed.map((summary) => summary.humanId).sort()).toEqual(
        keys.map((_, index) => `INC-2026-${String(index + 1).padStart(4, "0")}`),
      )
      expect(results.filter((result) => result.created)).toHaveLength(keys.length)
      const idOf = new Map(listed.map((summary) => [summary.dedupKey, summary.id]))
      for (const result of results)
        expect(result.incident.id).toBe(idOf.get(result.incident.dedupKey))
      // and each is there, whole, for a reader that starts afresh
      const reader = await journalAt(location)
      for (const summary of listed)
        expect((await run(reader.read(summary.humanId))).sequence).toBe(1)
    })

    it("takes many appends and lookups at once: each lands or is refused alone, and a fresh reader sees the same", async () => {
      const { journal, location } = await freshJournal()
      const keys = Array.from({ length: 20 }, (_, index) => `burst-${index}`)
      const incidents = await Promise.all(
        keys.map((dedupKey) => run(journal.open(downInput({ dedupKey })))),
      )
      // One time for all: appends that race may land in any order, and time never runs back.
      const now = new Date()
      const update = (progress: string): Event => ({
        type: "update-posted",
        at: now,
        progress,
        status: "investigating",
        nextSteps: "continue",
      })
      const bursts = incidents.map(({ incident }, index) => {
        const id = index % 2 === 0 ? incident.humanId : incident.id
        return Promise.all([
          attempt(journal.append(id, [update(`first ${index}`)])),
          attempt(journal.findByDedupKey(keys[index] as string)),
          attempt(journal.append(id, [update(`second ${index}`), update(`third ${index}`)])),
          attempt(journal.append(id, [update(`stale ${index}`)], { expectedSequence: 0 })),
          attempt(
            journal.append(id, [
              { type: "severity-changed", at: now, severity: "P7" as "P0", reason: "bad" },
            ]),
          ),
        ])
      })
      const results = await Promise.all(bursts)
      for (const [index, [first, found, second, stale, invalid]] of results.entries()) {
        const humanId = incidents[index]?.incident.humanId
        expect(Either.isRight(first) && first.right.humanId).toBe(humanId)
        expect(Either.isRight(found) && Option.getOrThrow(found.right).humanId).toBe(humanId)
        expect(Either.isRight(second)).toBe(true)
        expect(Either.isLeft(stale) && stale.left._tag).toBe("JournalConflict")
        expect(Either.isLeft(invalid) && invalid.left._tag).toBe("JournalInvalidEvent")
      }
      const reader = await journalAt(location)
      for (const [index, { incident }] of incidents.entries()) {
        const record = await run(reader.read(incident.humanId))
        expect(record.sequence).toBe(4)
        const progress = record.events.flatMap((event) =>
          event.type === "update-posted" ? [event.progress] : [],
        )
        expect([...progress].sort()).toEqual([
          `first ${index}`,
          `second ${index}`,
          `third ${index}`,
        ])
        // the two events of one append stay together, in their order
        expect(progress.indexOf(`third ${index}`)).toBe(progress.indexOf(`second ${index}`) + 1)
      }
    })

    it("lists by status, severity, playbook and time, newest first", async () => {
      const { journal, location } = await freshJournal()
      const down = await run(journal.open(downInput({ at: at("08:00:00") })))
      const errors = await run(
        journal.open(
          downInput({
            at: at("09:00:00"),
            title: "High error rate",
            severity: "P1",
            playbooks: ["high-error-rate", "database-issues"],
          }),
        ),
      )
      const disk = await run(
        journal.open(
          downInput({ at: at("10:00:00"), severity: "P2", playbooks: ["resource-exhaustion"] }),
        ),
      )
      await run(
        journal.append(down.incident.id, [
          { type: "resolved", at: at("08:30:00"), resolution: "ok" },
        ]),
      )
      await run(
        journal.append(errors.incident.id, [{ type: "acknowledged", at: at("09:01:00"), by: "x" }]),
      )
      const ids = async (filter: Parameters<Journal["list"]>[0]) =>
        (await run(journal.list(filter))).map((summary) => summary.humanId)
      expect(await ids({})).toEqual(["INC-2026-0003", "INC-2026-0002", "INC-2026-0001"])
      expect(await ids({ status: "resolved" })).toEqual(["INC-2026-0001"])
      expect(await ids({ status: ["open", "acknowledged"] })).toEqual([
        "INC-2026-0003",
        "INC-2026-0002",
      ])
      expect(await ids({ severity: ["P0", "P1"] })).toEqual(["INC-2026-0002", "INC-2026-0001"])
      expect(await ids({ playbook: "database-issues" })).toEqual(["INC-2026-0002"])
      expect(await ids({ openedAfter: at("09:00:00") })).toEqual(["INC-2026-0003", "INC-2026-0002"])
      expect(await ids({ openedBefore: at("09:00:00") })).toEqual(["INC-2026-0001"])
      expect(await ids({ limit: 1 })).toEqual(["INC-2026-0003"])
      // In view: every incident in progress, and the resolved ones opened since a moment; the
      // same from a process that holds no incident yet.
      const fresh = await journalAt(location)
      for (const reader of [journal, fresh]) {
        const inView = async (filter: Parameters<Journal["list"]>[0]) =>
          (await run(reader.list(filter))).map((summary) => summary.humanId)
        expect(await inView({ resolvedOpenedAfter: at("09:00:00") })).toEqual([
          "INC-2026-0003",
          "INC-2026-0002",
        ])
        expect(await inView({ resolvedOpenedAfter: at("08:00:00") })).toEqual([
          "INC-2026-0003",
          "INC-2026-0002",
          "INC-2026-0001",
        ])
        expect(
          await inView({ resolvedOpenedAfter: at("08:00:00"), status: ["resolved", "open"] }),
        ).toEqual(["INC-2026-0003", "INC-2026-0001"])
        expect(
          await inView({ resolvedOpenedAfter: at("12:00:00"), openedAfter: at("09:30:00") }),
        ).toEqual(["INC-2026-0003"])
      }
      const [summary] = await run(journal.list({ status: "acknowledged" }))
      expect(summary).toMatchObject({
        id: errors.incident.id,
        title: "High error rate",
        severity: "P1",
        status: "acknowledged",
        sequence: 2,
        openedAt: at("09:00:00"),
      })
      expect(disk.incident.status).toBe("open")
    })

    it("carries what /metrics measures with each summary, the same for a fresh reader", async () => {
      const { journal, location } = await freshJournal()
      const down = await run(journal.open(downInput({ at: at("08:00:00") })))
      const quiet = await run(journal.open(downInput({ at: at("08:05:00"), severity: "P2" })))
      await run(
        journal.append(down.incident.id, [
          { type: "acknowledged", at: at("08:02:00"), by: "alice" },
          { type: "escalated", at: at("08:15:00"), level: 0, to: "Lead", rule: "p0-not-restored" },
          { type: "escalated", at: at("08:20:00"), level: 1, to: "CTO", rule: "p0-not-restored" },
          { type: "mitigated", at: at("08:25:00"), summary: "rolled back" },
          { type: "resolved", at: at("08:40:00"), resolution: "fixed" },
          { type: "action-item-added", at: at("09:00:00"), item: "A1", text: "alert earlier" },
        ]),
      )
      // After the resolution the summary's status and dates are final; its action items are not.
      await run(
        journal.append(down.incident.id, [
          {
            type: "action-item-added",
            at: at("09:01:00"),
            item: "A2",
            text: "runbook step",
            due: at("18:00:00"),
          },
          { type: "action-item-done", at: at("09:02:00"), item: "A1" },
        ]),
      )
      const expected = {
        [down.incident.humanId]: {
          acknowledgedAt: at("08:02:00"),
          mitigatedAt: at("08:25:00"),
          escalations: ["p0-not-restored", "p0-not-restored"],
          openActionItems: [{ due: at("18:00:00") }],
        },
        [quiet.incident.humanId]: { escalations: [], openActionItems: [] },
      }
      const figures = async (reader: Journal) =>
        Object.fromEntries(
          (await run(reader.list({}))).map((summary) => [summary.humanId, summary.figures]),
        )
      expect(await figures(journal)).toEqual(expected)
      expect(await figures(await journalAt(location))).toEqual(expected)
    })

    it("lists with the settled part apart: every summary once, as list() gives them, and the same stamp while nothing changed", async () => {
      const { journal } = await freshJournal()
      const down = await run(journal.open(downInput({ at: at("08:00:00") })))
      await run(journal.open(downInput({ at: at("08:05:00"), severity: "P2" })))
      await run(
        journal.append(down.incident.id, [
          { type: "resolved", at: at("08:30:00"), resolution: "ok" },
        ]),
      )
      const visited: Array<IncidentSummary> = []
      const first = await run(
        journal.listSettledApart({ visit: (summary) => visited.push(summary) }),
      )
      expect(first.visited).toBe(true)
      // Incidents resolved today are not settled on either backend: all are listed.
      expect(visited).toEqual([])
      expect(first.summaries).toEqual(await run(journal.list({})))
      const again = await run(
        journal.listSettledApart({
          known: first.settled,
          visit: (summary) => visited.push(summary),
        }),
      )
      expect(again.settled).toBe(first.settled)
      expect(visited).toEqual([])
      expect(again.summaries).toEqual(first.summaries)
    })

    it("reads at least the sequence asked for, whatever another process appended", async () => {
      const { journal, location } = await freshJournal()
      const other = await journalAt(location)
      const opened = await run(journal.open(downInput()))
      await run(journal.read(opened.incident.id))
      const appended = await run(
        other.append(opened.incident.id, [{ type: "acknowledged", at: at("10:01:00"), by: "x" }]),
      )
      for (const atLeast of [1, appended.sequence]) {
        const read = await run(journal.read(opened.incident.humanId, { atLeast }))
        expect(read.sequence).toBeGreaterThanOrEqual(atLeast)
        expect(read.events).toHaveLength(read.sequence)
      }
      const fresh = await run(journal.read(opened.incident.id, { atLeast: appended.sequence }))
      expect(fresh.state.acknowledgedBy).toBe("x")
    })

    it("says which incident does not exist", async () => {
      const { journal } = await freshJournal()
      for (const id of ["INC-2026-0999", "0b9c4f3e-2f7a-4c1e-9a55-3d4f0d1e2a6b", "nonsense"]) {
        const read = await attempt(journal.read(id))
        expect(Either.isLeft(read) && read.left).toMatchObject({
          _tag: "JournalNotFound",
          incidentId: id,
        })
        const append = await attempt(
          journal.append(id, [{ type: "acknowledged", at: at("10:00:00"), by: "x" }]),
        )
        expect(Either.isLeft(append) && append.left._tag).toBe("JournalNotFound")
      }
    })

    it("keeps the order of events appended by two writers at once", async () => {
      const { journal, location } = await freshJournal()
      const other = await journalAt(location)
      const { incident } = await run(journal.open(downInput({ at: new Date(Date.now() - 1000) })))
      const burst = (writer: Journal, label: string) =>
        Effect.forEach(
          Array.from({ length: 20 }, (_, index) => index),
          (index) =>
            Effect.suspend(() =>
              writer.append(incident.id, [
                {
                  type: "update-posted",
                  at: new Date(),
                  progress: `${label} ${index}`,
                  status: "investigating",
                  nextSteps: "continue",
                },
              ]),
            ).pipe(
              Effect.retry({
                while: (error) => error._tag === "IncidentTransitionError",
                times: 50,
              }),
            ),
          { concurrency: 4 },
        )
      await run(Effect.all([burst(journal, "a"), burst(other, "b")], { concurrency: 2 }))
      const record = await run(journal.read(incident.id))
      expect(record.sequence).toBe(41)
      const progress = record.events.flatMap((event) =>
        event.type === "update-posted" ? [event.progress] : [],
      )
      expect(new Set(progress).size).toBe(40)
    })

    it("lets one holder at a time send for an incident, across journals, and tells a waiter it is busy", async () => {
      const { journal, location } = await freshJournal()
      const other = await journalAt(location) // as another process would
      const { incident } = await run(journal.open(downInput()))
      const second = await run(journal.open(downInput({ title: "Disk almost full" })))
      const order: Array<string> = []
      const { release, holding } = await holdUntilReleased(journal, incident.humanId, order)
      // another incident's lock is free meanwhile
      expect(
        await run(
          other.withDispatchLock(second.incident.humanId, Effect.succeed("other incident")),
        ),
      ).toBe("other incident")
      // a short wait for the same incident fails as busy
      const busy = await attempt(
        other.withDispatchLock(incident.humanId, Effect.succeed("never"), { waitMs: 150 }),
      )
      expect(Either.isLeft(busy) && busy.left).toMatchObject({
        _tag: "JournalUnavailable",
        reason: "busy",
      })
      // a patient one gets it once the first lets go
      const waiting = Effect.runPromise(
        other.withDispatchLock(
          incident.humanId,
          Effect.sync(() => order.push("second holds")),
          { waitMs: 10_000 },
        ),
      )
      release()
      await holding
      await waiting
      expect(order).toEqual(["first holds", "first releases", "second holds"])
      // and the work's own failure comes through, with the lock released
      const failed = await attempt(
        other.withDispatchLock(incident.humanId, Effect.fail("send failed" as const)),
      )
      expect(Either.isLeft(failed) && failed.left).toBe("send failed")
      expect(
        await run(
          journal.withDispatchLock(incident.humanId, Effect.succeed("free again"), { waitMs: 500 }),
        ),
      ).toBe("free again")
    })

    it("lets holders in one process take turns for an incident, and tells a waiter it is busy", async () => {
      const { journal } = await freshJournal()
      const { incident } = await run(journal.open(downInput()))
      const order: Array<string> = []
      const { release, holding: first } = await holdUntilReleased(journal, incident.humanId, order)
      const second = Effect.runPromise(
        journal.withDispatchLock(
          incident.humanId,
          Effect.sync(() => order.push("second holds")),
          { waitMs: 10_000 },
        ),
      )
      const busy = await attempt(
        journal.withDispatchLock(incident.humanId, Effect.succeed("never"), { waitMs: 150 }),
      )
      expect(Either.isLeft(busy) && busy.left).toMatchObject({
        _tag: "JournalUnavailable",
        reason: "busy",
      })
      const third = Effect.runPromise(
        journal.withDispatchLock(
          incident.humanId,
          Effect.sync(() => order.push("third holds")),
          { waitMs: 10_000 },
        ),
      )
      // nobody else held it meanwhile; the waiter that gave up holds up nobody after it
      expect(order).toEqual(["first holds"])
      release()
      await Promise.all([first, second, third])
      expect(order.slice(0, 2)).toEqual(["first holds", "first releases"])
      expect(order.slice(2).sort()).toEqual(["second holds", "third holds"])
    })

    it("gives a role's lease to one holder at a time, across journals, until it is released or its journal closes", async () => {
      const { journal, location } = await freshJournal()
      const other = await journalAt(location) // as another process would
      const lease = await run(journal.tryLease("responder-clock"))
      expect(Option.isSome(lease)).toBe(true)
      if (Option.isNone(lease)) return
      expect(await run(lease.value.held)).toBe(true)
      // held: nobody else gets it, not even the same journal twice
      expect(Option.isNone(await run(other.tryLease("responder-clock")))).toBe(true)
      expect(Option.isNone(await run(journal.tryLease("responder-clock")))).toBe(true)
      // another role is free
      const reminders = await run(other.tryLease("reminders"))
      expect(Option.isSome(reminders)).toBe(true)
      // released: the other one takes it, and the first one knows it no longer holds it
      await run(lease.value.release)
      await run(lease.value.release) // idempotent
      expect(await run(lease.value.held)).toBe(false)
      const taken = await run(other.tryLease("responder-clock"))
      expect(Option.isSome(taken)).toBe(true)
      expect(Option.isNone(await run(journal.tryLease("responder-clock")))).toBe(true)
      // closing the holder's journal gives its leases up
      await run(other.close)
      if (Option.isSome(taken)) expect(await run(taken.value.held)).toBe(false)
      const again = await run(journal.tryLease("responder-clock"))
      expect(Option.isSome(again)).toBe(true)
    })

    it("records an incident's initial events with its opening, for every reader at once", async () => {
      const { journal, location } = await freshJournal()
      const note = "Under planned maintenance db-upgrade until 2026-11-28 12:00 UTC: not paged"
      const flagged = await run(
        journal.open(
          downInput({
            dedupKey: "alert:db",
            initialEvents: [
              { type: "flag-raised", at: at("10:00:00"), flag: "planned-maintenance", note },
            ],
          }),
        ),
      )
      expect(flagged.incident.sequence).toBe(2)
      expect(flagged.incident.state.flags).toEqual([
        { flag: "planned-maintenance", at: at("10:00:00"), note },
      ])
      const other = await journalAt(location) // another process reads it whole
      const read = await run(other.read(flagged.incident.humanId))
      expect(read.events.map((event) => event.type)).toEqual(["opened", "flag-raised"])
      expect(read.state.flags[0]?.note).toBe(note)
      // appends continue after the initial events
      const acked = await run(
        other.append(
          flagged.incident.humanId,
          [{ type: "acknowledged", at: at("10:05:00"), by: "bob" }],
          {
            expectedSequence: 2,
          },
        ),
      )
      expect(acked.sequence).toBe(3)
      // the same key joins the open incident and records nothing more
      const joined = await run(journal.open(downInput({ dedupKey: "alert:db", initialEvents: [] })))
      expect(joined.created).toBe(false)
      // an impossible initial event refuses the whole opening
      const refused = await attempt(
        journal.open(
          downInput({
            initialEvents: [
              { type: "resolved", at: at("09:00:00"), resolution: "x" },
              { type: "resolved", at: at("09:00:00"), resolution: "x" },
            ],
          }),
        ),
      )
      expect(Either.isLeft(refused)).toBe(true)
      expect((await run(other.list())).length).toBe(1)
    })

    it("keeps maintenance windows for every process: started, listed, ended early, ids unique", async () => {
      const { journal, location } = await freshJournal()
      const other = await journalAt(location) // another process, e.g. an `ir serve` replica
      expect(await run(journal.maintenanceWindows)).toEqual([])
      const window = {
        id: "db-upgrade",
        start: at("10:00:00"),
        end: at("12:00:00"),
        playbooks: ["database-issues"],
        components: ["postgres"],
        reason: "PostgreSQL 16 upgrade",
        by: "alice",
      }
      expect(await run(journal.startMaintenance(window))).toEqual(window)
      const deploy = {
        id: "api-deploy",
        start: at("11:00:00"),
        end: at("11:30:00"),
        components: ["api"],
        reason: "deploy",
      }
      await run(other.startMaintenance(deploy))
      expect(await run(other.maintenanceWindows)).toEqual([window, deploy])
      expect(await run(journal.maintenanceWindows)).toEqual([window, deploy])
      const taken = await attempt(other.startMaintenance({ ...window, reason: "again" }))
      expect(Either.isLeft(taken) && taken.left._tag).toBe("MaintenanceWindowError")
      expect(Either.isLeft(taken) && taken.left.message).toMatch(/db-upgrade already exists/)
      // ended early by one process: every process sees the new end
      const ended = await run(other.endMaintenance("db-upgrade", at("10:45:00"), "bob"))
      expect(ended.end).toEqual(at("10:45:00"))
      expect((await run(journal.maintenanceWindows))[0]?.end).toEqual(at("10:45:00"))
      // ending it again later changes nothing: it is over
      const again = await run(journal.endMaintenance("db-upgrade", at("11:00:00")))
      expect(again.end).toEqual(at("10:45:00"))
      const missing = await attempt(journal.endMaintenance("nope", at("11:00:00")))
      expect(Either.isLeft(missing) && missing.left.message).toMatch(/no maintenance window nope/)
      // a reopened journal reads them back
      await run(journal.close)
      const reopened = await journalAt(location)
      expect(await run(reopened.maintenanceWindows)).toEqual([
        { ...window, end: at("10:45:00") },
        deploy,
      ])
    })

    it("records a key once for every process sharing the journal, and remembers it after a reopen", async () => {
      const { journal, location } = await freshJournal()
      const other = await journalAt(location)
      const when = new Date("2026-12-01T09:00:00Z")
      expect(await run(journal.isRecorded("training:monthly:2026-12"))).toBe(false)
      const results = await Promise.all([
        run(journal.recordOnce("training:monthly:2026-12", when)),
        run(other.recordOnce("training:monthly:2026-12", when)),
      ])
      expect(results.filter((created) => created)).toHaveLength(1)
      expect(await run(other.isRecorded("training:monthly:2026-12"))).toBe(true)
      expect(await run(journal.recordOnce("training:monthly:2026-12", when))).toBe(false)
      expect(await run(journal.recordOnce("training:quarterly:2026-Q4", when))).toBe(true)
      await run(journal.close)
      const reopened = await journalAt(location)
      expect(await run(reopened.isRecorded("training:quarterly:2026-Q4"))).toBe(true)
      expect(await run(reopened.isRecorded("training:annual:2026"))).toBe(false)
    })
  })
}
