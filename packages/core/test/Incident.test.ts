import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  applyEvent,
  foldIncident,
  hasFlag,
  type Incident,
  IncidentEvent,
  IncidentTransitionError,
  recordedKeys,
} from "../src/index.js"
import { at, eventSequence, flag, fold, incidentId, opened, update } from "./incidentFixtures.js"

type Event = IncidentEvent.IncidentEvent

const reasonOf = (events: ReadonlyArray<Event>) => {
  const result = foldIncident(events)
  return Either.isLeft(result) ? result.left.reason : "folded"
}

const sent = (when: Date, key: string): Event => ({
  type: "notification-sent",
  at: when,
  message: "resolution",
  channels: ["incidents"],
  key,
})

describe("foldIncident", () => {
  it("follows an incident from opening to the post-mortem", () => {
    const incident = fold([
      opened("P0"),
      { type: "acknowledged", at: at(4), by: "alice" },
      update(at(20)),
      { type: "severity-changed", at: at(25), severity: "P1", reason: "Partial recovery" },
      { type: "mitigated", at: at(40), summary: "Failed over to the replica" },
      { type: "resolved", at: at(70), resolution: "Replaced the disk", rootCause: "Disk full" },
      sent(at(71), `${incidentId}:notify-resolution`),
      { type: "postmortem-scheduled", at: at(72), scheduledFor: at(60 * 24 * 3) },
    ])
    expect(incident).toMatchObject({
      id: incidentId,
      status: "resolved",
      severity: "P1",
      acknowledgedBy: "alice",
      rootCause: "Disk full",
      lastProgressAt: at(70),
      lastUpdateAt: at(20),
      postmortemScheduledFor: at(60 * 24 * 3),
    })
    expect(incident.notifications.map((event) => event.key)).toEqual([
      `${incidentId}:notify-resolution`,
    ])
    expect(incident.events).toHaveLength(8)
  })

  it("records sent notifications and exposes their keys with escalation keys", () => {
    const incident = fold([
      opened("P0"),
      {
        type: "notification-sent",
        at: at(1),
        message: "page",
        channels: ["pagerduty"],
        key: `${incidentId}:page:P0`,
      },
      {
        type: "escalated",
        at: at(31),
        level: 0,
        to: "Technical Lead",
        rule: "p0-not-restored",
        key: `${incidentId}:escalate:p0-not-restored:0`,
      },
      { type: "escalated", at: at(32), level: 1, to: "SRE Manager", rule: "manual" },
      // Two cron runs may race and record the same key: the journal stays readable.
      {
        type: "notification-sent",
        at: at(33),
        message: "page",
        channels: ["pagerduty"],
        key: `${incidentId}:page:P0`,
      },
    ])
    expect(incident.notifications).toHaveLength(2)
    expect([...recordedKeys(incident)].sort()).toEqual([
      `${incidentId}:escalate:p0-not-restored:0`,
      `${incidentId}:page:P0`,
    ])
  })

  it("counts only actions that were carried out and succeeded as progress", () => {
    const action = (
      minutes: number,
      dryRun: boolean,
      outcome: "planned" | "succeeded" | "failed",
    ) =>
      ({
        type: "action-taken",
        at: at(minutes),
        action: "docker.restart",
        dryRun,
        outcome,
        detail: "app",
      }) as const
    const incident = fold([
      opened("P1"),
      action(10, false, "succeeded"),
      action(20, true, "succeeded"),
      action(30, false, "failed"),
      action(40, false, "planned"),
    ])
    expect(incident.lastProgressAt).toEqual(at(10))
    expect(incident.actions).toHaveLength(4)
  })

  it("keeps the furthest stage when an acknowledgement arrives after mitigation", () => {
    const incident = fold([
      opened("P1"),
      { type: "mitigated", at: at(5), summary: "Alert cleared" },
      { type: "acknowledged", at: at(9), by: "bob" },
    ])
    expect(incident.status).toBe("mitigated")
    expect(incident.acknowledgedAt).toEqual(at(9))
  })

  it("answers impossible sequences with a typed error that says what and where", () => {
    const cases: Array<[ReadonlyArray<Event>, IncidentTransitionError["reason"]]> = [
      [[], "no-events"],
      [[update(at(1))], "not-opened"],
      [[opened("P0"), opened("P1", at(1))], "already-opened"],
      [[opened("P0"), update(at(-1))], "out-of-order"],
      [
        [
          opened("P0"),
          { type: "resolved", at: at(5), resolution: "fixed" },
          { type: "resolved", at: at(6), resolution: "fixed" },
        ],
        "already-resolved",
      ],
      [
        [opened("P0"), { type: "resolved", at: at(5), resolution: "x" }, update(at(6))],
        "already-resolved",
      ],
      [
        [
          opened("P0"),
          { type: "acknowledged", at: at(1), by: "a" },
          { type: "acknowledged", at: at(2), by: "b" },
        ],
        "already-acknowledged",
      ],
      [
        [
          opened("P0"),
          { type: "mitigated", at: at(1), summary: "a" },
          { type: "mitigated", at: at(2), summary: "b" },
        ],
        "already-mitigated",
      ],
      [
        [opened("P0"), { type: "postmortem-scheduled", at: at(1), scheduledFor: at(9) }],
        "not-resolved",
      ],
      [[opened("P0"), update(new Date(Number.NaN))], "invalid-event"],
      [
        [opened("P0"), { type: "postmortem-scheduled", at: at(1), scheduledFor: new Date("x") }],
        "invalid-event",
      ],
      [[opened("P0"), { type: "reopened", at: at(1) } as unknown as Event], "invalid-event"],
      [[{ ...opened("P0"), severity: "P9" } as unknown as Event], "invalid-event"],
    ]
    for (const [events, reason] of cases) expect(reasonOf(events)).toBe(reason)

    const result = foldIncident([opened("P0"), update(at(10)), update(at(5))])
    expect(Either.isLeft(result) && result.left).toMatchObject({ reason: "out-of-order", index: 2 })
    expect(Either.isLeft(result) && result.left.message).toBe(
      `"update-posted" (event 3) is dated before the event it follows`,
    )
    for (const [events, reason] of cases) {
      const error = Either.flip(foldIncident(events)).pipe(Either.getOrThrow)
      expect(error).toBeInstanceOf(IncidentTransitionError)
      expect(error.reason).toBe(reason)
      expect(error.message.length).toBeGreaterThan(20)
    }
  })

  it("applies one event at a time for a journal that appends", () => {
    const first = applyEvent(undefined, opened("P2"))
    expect(Either.isRight(first)).toBe(true)
    const second = applyEvent(Either.getOrThrow(first), flag(at(3), "data-loss"))
    const incident = Either.getOrThrow(second)
    expect(hasFlag(incident, "data-loss")).toBe(true)
    expect(hasFlag(incident, "security-suspected")).toBe(false)
  })
})

describe("IncidentEvent schema", () => {
  it("encodes and decodes a notification-sent event as JSON with ISO timestamps", () => {
    const event = {
      type: "notification-sent",
      at: "2026-11-28T10:05:00.000Z",
      message: "escalation",
      channels: ["incidents"],
      key: `${incidentId}:escalate:p0-not-restored:0`,
    }
    const decoded = Schema.decodeUnknownSync(IncidentEvent.IncidentEvent)(event)
    expect(decoded).toMatchObject({ type: "notification-sent", at: new Date(event.at) })
    expect(Schema.encodeSync(IncidentEvent.IncidentEvent)(decoded)).toEqual(event)
    expect(
      Either.isLeft(
        Schema.decodeUnknownEither(IncidentEvent.IncidentEvent)({ ...event, message: "tweet" }),
      ),
    ).toBe(true)
  })

  it("keeps an escalated event without a key valid (older journals)", () => {
    const decoded = Schema.decodeUnknownSync(IncidentEvent.IncidentEvent)({
      type: "escalated",
      at: "2026-11-28T10:31:00.000Z",
      level: 0,
      to: "Technical Lead",
      rule: "p0-not-restored",
    })
    expect(decoded.type).toBe("escalated")
  })
})

const lifecycle = new Set(["opened", "acknowledged", "mitigated", "resolved"])
const stage = {
  opened: "open",
  acknowledged: "acknowledged",
  mitigated: "mitigated",
  resolved: "resolved",
}
const stageRank = ["open", "acknowledged", "mitigated", "resolved"]

const checkConsistent = (incident: Incident, events: ReadonlyArray<Event>) => {
  expect(incident.events).toEqual(events)
  const opening = incident.openedAt.getTime()
  for (const moment of [
    incident.resolvedAt,
    incident.mitigatedAt,
    incident.acknowledgedAt,
    incident.lastUpdateAt,
    incident.lastProgressAt,
  ]) {
    if (moment !== undefined) expect(moment.getTime()).toBeGreaterThanOrEqual(opening)
  }
  // The status is the stage of the last lifecycle event, except that a late acknowledgement
  // never moves a mitigated incident back: the furthest stage reached.
  const stages = events
    .filter((event) => lifecycle.has(event.type))
    .map((event) => stage[event.type as keyof typeof stage])
  const furthest = stages.reduce((a, b) => (stageRank.indexOf(b) > stageRank.indexOf(a) ? b : a))
  expect(incident.status).toBe(furthest)
  const last = stages[stages.length - 1]
  if (!(last === "acknowledged" && incident.mitigatedAt !== undefined)) {
    expect(incident.status).toBe(last)
  }
  const count = (type: Event["type"]) => events.filter((event) => event.type === type).length
  expect(incident.updates).toHaveLength(count("update-posted"))
  expect(incident.notifications).toHaveLength(count("notification-sent"))
  expect(incident.escalations).toHaveLength(count("escalated"))
  expect(incident.actions).toHaveLength(count("action-taken"))
  expect(incident.flags).toHaveLength(count("flag-raised"))
  const severityEvents = events.filter(
    (event) => event.type === "opened" || event.type === "severity-changed",
  )
  const lastSeverity = severityEvents[severityEvents.length - 1]
  expect(lastSeverity !== undefined && "severity" in lastSeverity && lastSeverity.severity).toBe(
    incident.severity,
  )
  const resolution = events.findIndex((event) => event.type === "resolved")
  if (resolution >= 0) {
    for (const later of events.slice(resolution + 1)) {
      expect(["postmortem-scheduled", "notification-sent"]).toContain(later.type)
    }
  }
}

describe("foldIncident (properties)", () => {
  it("folds any sequence of events to a consistent state or a typed error, never a throw", () => {
    fc.assert(
      fc.property(eventSequence, (events) => {
        const result = foldIncident(events)
        if (Either.isRight(result)) {
          checkConsistent(result.right, events)
          return
        }
        const error = result.left
        expect(error).toBeInstanceOf(IncidentTransitionError)
        expect(error.message).not.toBe("")
        if (error.reason === "no-events") {
          expect(events).toHaveLength(0)
          return
        }
        // The error points at the first event that cannot apply: everything before it folds.
        expect(error.index).toBeLessThan(events.length)
        expect(error.event).toBe(events[error.index])
        if (error.index > 0) {
          const before = foldIncident(events.slice(0, error.index))
          expect(Either.isRight(before)).toBe(true)
          const again = applyEvent(Either.getOrThrow(before), events[error.index]!)
          expect(Either.isLeft(again) && again.left.reason).toBe(error.reason)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it("agrees with applying the events one by one", () => {
    fc.assert(
      fc.property(eventSequence, (events) => {
        let state: Incident | undefined
        let failed: string | undefined
        for (const event of events) {
          const next = applyEvent(state, event)
          if (Either.isLeft(next)) {
            failed = next.left.reason
            break
          }
          state = next.right
        }
        const folded = foldIncident(events)
        if (Either.isRight(folded)) expect(folded.right).toEqual(state)
        else expect(folded.left.reason).toBe(failed ?? "no-events")
      }),
      { numRuns: 500 },
    )
  })
})
