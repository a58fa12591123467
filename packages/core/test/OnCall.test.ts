import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeRunbook, defaultRunbook, mergeRunbook, OnCall } from "../src/index.js"

const decode = Schema.decodeUnknownSync(OnCall.OnCallSchedule)

const people = [
  { id: "ada", name: "Ada Lovelace", email: "ada@example.com", pagerDuty: { userId: "PADA001" } },
  { id: "grace", name: "Grace Hopper", phone: "+1-555-0111", slackUserId: "U0GRACE1" },
  { id: "linus", name: "Linus Torvalds" },
]

const rotation = (fields: Record<string, unknown>) => ({
  id: "weekly",
  layer: "primary",
  members: ["ada", "grace"],
  timeZone: "Europe/Berlin",
  start: "2026-03-16",
  weekday: "monday",
  handoff: "09:00",
  length: "weekly",
  ...fields,
})

const at = (iso: string) => new Date(iso)
const minus1ms = (iso: string) => new Date(new Date(iso).getTime() - 1)
const who = (schedule: OnCall.OnCallSchedule, instant: Date, layer: OnCall.Layer = "primary") =>
  OnCall.whoIsOnCall(schedule, instant)[layer]

describe("whoIsOnCall: handoffs", () => {
  const schedule = decode({ people, rotations: [rotation({})] })

  it("hands off exactly at the handoff, not a millisecond before", () => {
    // Monday 23 March 2026 09:00 CET = 08:00Z.
    const before = who(schedule, minus1ms("2026-03-23T08:00:00Z"))
    expect(before.current?.person.id).toBe("ada")
    expect(before.current?.from?.toISOString()).toBe("2026-03-16T08:00:00.000Z")
    expect(before.current?.until?.toISOString()).toBe("2026-03-23T08:00:00.000Z")
    expect(before.next?.person.id).toBe("grace")
    expect(before.next?.from?.toISOString()).toBe("2026-03-23T08:00:00.000Z")
    const exactly = who(schedule, at("2026-03-23T08:00:00Z"))
    expect(exactly.current?.person.id).toBe("grace")
    expect(exactly.current?.from?.toISOString()).toBe("2026-03-23T08:00:00.000Z")
  })

  it("keeps 09:00 Berlin time across the spring-forward change (a 167-hour turn)", () => {
    // Clocks go forward on Sunday 29 March 2026: Monday 30 March 09:00 CEST = 07:00Z.
    const before = who(schedule, minus1ms("2026-03-30T07:00:00Z"))
    expect(before.current?.person.id).toBe("grace")
    expect(before.current?.until?.toISOString()).toBe("2026-03-30T07:00:00.000Z")
    const after = who(schedule, at("2026-03-30T07:00:00Z"))
    expect(after.current?.person.id).toBe("ada")
    expect(after.current?.until?.toISOString()).toBe("2026-04-06T07:00:00.000Z")
    const turn = (after.current?.from?.getTime() ?? 0) - (before.current?.from?.getTime() ?? 0)
    expect(turn).toBe(167 * 3_600_000)
  })

  it("keeps 09:00 Berlin time across the autumn change (a 25-hour day)", () => {
    const daily = decode({
      people,
      rotations: [rotation({ weekday: undefined, length: "daily", start: "2026-10-20" })],
    })
    // 24 October 09:00 CEST = 07:00Z; clocks go back on Sunday 25 October; 26 October 09:00 CET = 08:00Z.
    const sunday = who(daily, at("2026-10-25T12:00:00Z"))
    expect(sunday.current?.from?.toISOString()).toBe("2026-10-25T08:00:00.000Z")
    expect(sunday.current?.until?.toISOString()).toBe("2026-10-26T08:00:00.000Z")
    const saturday = who(daily, at("2026-10-24T12:00:00Z"))
    expect(saturday.current?.from?.toISOString()).toBe("2026-10-24T07:00:00.000Z")
    expect(saturday.current?.until?.toISOString()).toBe("2026-10-25T08:00:00.000Z")
    expect(saturday.current?.person.id).not.toBe(sunday.current?.person.id)
  })

  it("keeps 09:00 New York time across both DST changes", () => {
    const daily = decode({
      people,
      rotations: [
        rotation({
          weekday: undefined,
          length: "daily",
          timeZone: "America/New_York",
          start: "2026-03-01",
        }),
      ],
    })
    // 7 March 09:00 EST = 14:00Z; 8 March (clocks forward at 02:00) 09:00 EDT = 13:00Z.
    expect(who(daily, minus1ms("2026-03-08T13:00:00Z")).current?.until?.toISOString()).toBe(
      "2026-03-08T13:00:00.000Z",
    )
    expect(who(daily, minus1ms("2026-03-08T13:00:00Z")).current?.from?.toISOString()).toBe(
      "2026-03-07T14:00:00.000Z",
    )
    expect(who(daily, at("2026-03-08T13:00:00Z")).current?.from?.toISOString()).toBe(
      "2026-03-08T13:00:00.000Z",
    )
    // 1 November (clocks back at 02:00): 09:00 EST = 14:00Z, the day before 09:00 EDT = 13:00Z.
    const sunday = who(daily, at("2026-11-01T20:00:00Z")).current
    expect(sunday?.from?.toISOString()).toBe("2026-11-01T14:00:00.000Z")
    expect(sunday?.until?.toISOString()).toBe("2026-11-02T14:00:00.000Z")
    expect(who(daily, at("2026-10-31T20:00:00Z")).current?.until?.toISOString()).toBe(
      "2026-11-01T14:00:00.000Z",
    )
  })

  it("moves a handoff in the spring-forward gap forward by the gap, and takes the earlier of two in the overlap", () => {
    const gap = decode({
      people,
      rotations: [rotation({ weekday: undefined, length: "daily", handoff: "02:30" })],
    })
    // 02:30 does not exist in Berlin on 29 March 2026: the handoff is at 03:30 CEST = 01:30Z.
    expect(who(gap, at("2026-03-29T00:00:00Z")).current?.until?.toISOString()).toBe(
      "2026-03-29T01:30:00.000Z",
    )
    expect(who(gap, at("2026-03-29T12:00:00Z")).current?.until?.toISOString()).toBe(
      "2026-03-30T00:30:00.000Z",
    )
    const overlap = decode({
      people,
      rotations: [
        rotation({
          weekday: undefined,
          length: "daily",
          handoff: "01:30",
          timeZone: "America/New_York",
          start: "2026-10-01",
        }),
      ],
    })
    // 01:30 happens twice in New York on 1 November 2026: the first, 01:30 EDT = 05:30Z.
    expect(who(overlap, at("2026-11-01T00:00:00Z")).current?.until?.toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    )
  })

  it("hands 12-hour turns off at the same wall times across a DST change", () => {
    const twelve = decode({
      people,
      rotations: [rotation({ weekday: undefined, length: "12h", start: "2026-03-27" })],
    })
    // 28 March 21:00 CET = 20:00Z → 29 March 09:00 CEST = 07:00Z (an 11-hour night).
    const night = who(twelve, at("2026-03-28T23:00:00Z")).current
    expect(night?.from?.toISOString()).toBe("2026-03-28T20:00:00.000Z")
    expect(night?.until?.toISOString()).toBe("2026-03-29T07:00:00.000Z")
  })

  it("starts a weekly rotation on the first handoff weekday on or after its start", () => {
    const fromWednesday = decode({ people, rotations: [rotation({ start: "2026-12-02" })] })
    const before = who(fromWednesday, at("2026-12-03T12:00:00Z"))
    expect(before.current).toBeUndefined()
    expect(before.next?.person.id).toBe("ada")
    expect(before.next?.from?.toISOString()).toBe("2026-12-07T08:00:00.000Z")
    expect(before.next?.until?.toISOString()).toBe("2026-12-14T08:00:00.000Z")
  })

  it("says a one-person rotation has no end in sight", () => {
    const solo = decode({ people, rotations: [rotation({ members: ["ada"] })] })
    const answer = who(solo, at("2026-06-01T00:00:00Z"))
    expect(answer.current?.person.id).toBe("ada")
    expect(answer.current?.until).toBeUndefined()
    expect(answer.current?.from?.toISOString()).toBe("2026-03-16T08:00:00.000Z")
    expect(answer.next).toBeUndefined()
  })

  it("lets a rotation with a later start take over from an earlier one", () => {
    const changed = decode({
      people,
      rotations: [
        rotation({}),
        rotation({ id: "from-april", members: ["linus"], start: "2026-04-06" }),
      ],
    })
    expect(who(changed, at("2026-04-01T12:00:00Z")).next?.person.id).toBe("linus")
    expect(who(changed, at("2026-04-06T07:00:00Z")).current?.via).toEqual({
      kind: "rotation",
      rotation: "from-april",
      turn: 0,
    })
  })
})

describe("whoIsOnCall: overrides and layers", () => {
  const schedule = decode({
    people,
    rotations: [
      rotation({}),
      rotation({ id: "backup", layer: "secondary", members: ["linus", "grace"] }),
    ],
    overrides: [
      // Grace covers Ada from Wednesday noon to Thursday noon (Berlin), mid-turn.
      {
        person: "grace",
        from: "2026-03-18T12:00:00+01:00",
        until: "2026-03-19T12:00:00+01:00",
        note: "dentist",
      },
      // Linus covers the end of Grace's turn and the start of Ada's next one.
      { person: "linus", from: "2026-03-29T18:00:00Z", until: "2026-03-30T12:00:00Z" },
    ],
  })

  it("ends a turn's stretch where an override starts mid-turn", () => {
    const before = who(schedule, minus1ms("2026-03-18T11:00:00Z"))
    expect(before.current?.person.id).toBe("ada")
    expect(before.current?.until?.toISOString()).toBe("2026-03-18T11:00:00.000Z")
    expect(before.next?.person.id).toBe("grace")
    expect(before.next?.until?.toISOString()).toBe("2026-03-19T11:00:00.000Z")
  })

  it("puts the override's person on call for its window, then hands back to the rotation", () => {
    const during = who(schedule, at("2026-03-18T11:00:00Z"))
    expect(during.current?.person.id).toBe("grace")
    expect(during.current?.via).toEqual({ kind: "override", index: 0, note: "dentist" })
    expect(during.current?.from?.toISOString()).toBe("2026-03-18T11:00:00.000Z")
    expect(during.current?.until?.toISOString()).toBe("2026-03-19T11:00:00.000Z")
    expect(during.next?.person.id).toBe("ada")
    expect(during.next?.until?.toISOString()).toBe("2026-03-23T08:00:00.000Z")
    const after = who(schedule, at("2026-03-19T11:00:00Z"))
    expect(after.current?.person.id).toBe("ada")
    expect(after.current?.from?.toISOString()).toBe("2026-03-19T11:00:00.000Z")
  })

  it("covers a handoff with an override that spans it", () => {
    const atHandoff = who(schedule, at("2026-03-30T07:00:00Z"))
    expect(atHandoff.current?.person.id).toBe("linus")
    expect(atHandoff.current?.from?.toISOString()).toBe("2026-03-29T18:00:00.000Z")
    expect(atHandoff.current?.until?.toISOString()).toBe("2026-03-30T12:00:00.000Z")
    expect(atHandoff.next?.person.id).toBe("ada")
  })

  it("answers each layer on its own", () => {
    const answer = OnCall.whoIsOnCall(schedule, at("2026-03-18T11:30:00Z"))
    expect(answer.primary.current?.person.id).toBe("grace")
    expect(answer.secondary.current?.person.id).toBe("linus")
    expect(answer.secondary.current?.until?.toISOString()).toBe("2026-03-23T08:00:00.000Z")
    expect(answer.secondary.next?.person.id).toBe("grace")
  })

  it("carries the person's contacts", () => {
    const answer = who(schedule, at("2026-03-18T11:30:00Z"))
    expect(answer.current?.person).toEqual(people[1])
  })

  it("merges an override of the person already on call into one stretch", () => {
    const same = decode({
      people,
      rotations: [rotation({})],
      overrides: [{ person: "ada", from: "2026-03-20T00:00:00Z", until: "2026-03-24T00:00:00Z" }],
    })
    const answer = who(same, at("2026-03-19T00:00:00Z"))
    expect(answer.current?.until?.toISOString()).toBe("2026-03-24T00:00:00.000Z")
    expect(answer.next?.person.id).toBe("grace")
    expect(answer.next?.until?.toISOString()).toBe("2026-03-30T07:00:00.000Z")
  })
})

describe("explicit shifts and imports", () => {
  const records: ReadonlyArray<OnCall.ShiftRecord> = [
    {
      who: { name: "Grace Hopper" },
      layer: "primary",
      from: at("2026-12-14T08:00:00Z"),
      until: at("2026-12-21T08:00:00Z"),
    },
    {
      who: { name: "Someone New", email: "new@example.com" },
      layer: "primary",
      from: at("2026-12-22T08:00:00Z"),
      until: at("2026-12-29T08:00:00Z"),
      source: "oncall.ics: UID 2",
    },
    {
      who: { pagerDutyUserId: "PADA001" },
      layer: "primary",
      from: at("2026-12-07T08:00:00Z"),
      until: at("2026-12-14T08:00:00Z"),
    },
  ]
  const schedule = OnCall.fromShiftRecords(records, decode({ people }).people)

  it("matches imported people to configured ones, and adds the others", () => {
    expect(who(schedule, at("2026-12-08T00:00:00Z")).current?.person.id).toBe("ada")
    expect(who(schedule, at("2026-12-15T00:00:00Z")).current?.person.phone).toBe("+1-555-0111")
    expect(who(schedule, at("2026-12-23T00:00:00Z")).current?.person).toEqual({
      id: "new@example.com",
      name: "Someone New",
      email: "new@example.com",
    })
  })

  it("finds the next person after a gap", () => {
    const answer = who(schedule, at("2026-12-20T00:00:00Z"))
    expect(answer.current?.until?.toISOString()).toBe("2026-12-21T08:00:00.000Z")
    expect(answer.next?.person.id).toBe("new@example.com")
    expect(answer.next?.from?.toISOString()).toBe("2026-12-22T08:00:00.000Z")
    expect(answer.next?.via).toEqual({ kind: "shift", index: 2, source: "oncall.ics: UID 2" })
    const gap = who(schedule, at("2026-12-21T12:00:00Z"))
    expect(gap.current).toBeUndefined()
    expect(gap.next?.person.id).toBe("new@example.com")
  })

  it("lists the stretches of a window, cut to it", () => {
    const stretches = OnCall.timeline(
      schedule,
      "primary",
      at("2026-12-10T00:00:00Z"),
      at("2026-12-25T00:00:00Z"),
    )
    expect(
      stretches.map((s) => [s.person.id, s.from?.toISOString(), s.until?.toISOString()]),
    ).toEqual([
      ["ada", "2026-12-10T00:00:00.000Z", "2026-12-14T08:00:00.000Z"],
      ["grace", "2026-12-14T08:00:00.000Z", "2026-12-21T08:00:00.000Z"],
      ["new@example.com", "2026-12-22T08:00:00.000Z", "2026-12-25T00:00:00.000Z"],
    ])
  })
})

describe("schedule validation", () => {
  it("names the field and what was expected", () => {
    const result = mergeRunbook(defaultRunbook, {
      onCallSchedule: {
        people,
        rotations: [rotation({ members: ["ada", "grce"] }), rotation({ length: "daily" })],
        overrides: [{ person: "ada", from: "2026-03-18T12:00:00Z", until: "2026-03-18T11:00:00Z" }],
      },
    })
    expect(Either.isLeft(result)).toBe(true)
    const issues = Either.isLeft(result) ? result.left.issues : []
    expect(issues).toContainEqual({
      path: "onCallSchedule.rotations[0].members[1]",
      message:
        'expected the id of a person under people ("ada", "grace", "linus"); got "grce" (did you mean "grace"?)',
    })
    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([
        "onCallSchedule.rotations[1].id",
        "onCallSchedule.rotations[1].weekday",
        "onCallSchedule.overrides[0].until",
      ]),
    )
  })

  it("rejects a time without a zone, an unknown time zone and a bad length", () => {
    const result = mergeRunbook(defaultRunbook, {
      onCallSchedule: {
        people,
        rotations: [rotation({ timeZone: "Europe/Berlim", length: "fortnightly" })],
        overrides: [{ person: "ada", from: "2026-03-18T12:00", until: "2026-03-18T13:00:00Z" }],
      },
    })
    const messages = Either.isLeft(result)
      ? result.left.issues.map((issue) => `${issue.path}: ${issue.message}`)
      : []
    expect(messages.join("\n")).toMatch(/rotations\[0\]\.timeZone: expected an IANA time zone/)
    expect(messages.join("\n")).toMatch(/rotations\[0\]\.length: expected "daily", "weekly"/)
    expect(messages.join("\n")).toMatch(/overrides\[0\]\.from: expected a time with a zone/)
  })

  it("keeps the default runbook's schedule empty, and complete runbooks without one valid", () => {
    expect(defaultRunbook.onCallSchedule).toEqual(OnCall.empty)
    const document = JSON.parse(JSON.stringify(defaultRunbook)) as Record<string, unknown>
    delete document.onCallSchedule
    expect(Either.isRight(decodeRunbook(document))).toBe(true)
  })
})

// ---------------------------------------------------------------------------------------------
// Properties.

const zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
const pad = (n: number) => String(n).padStart(2, "0")

const rotationArbitrary = fc.record({
  timeZone: fc.constantFrom(...zones),
  // 05:00–23:59: no DST change in these zones happens then, so every handoff exists once.
  hour: fc.integer({ min: 5, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  length: fc.constantFrom("daily", "weekly", "2d", "2w"),
  members: fc.integer({ min: 2, max: 3 }),
  startDay: fc.integer({ min: 0, max: 730 }),
})

type RotationCase = typeof rotationArbitrary extends fc.Arbitrary<infer A> ? A : never

const scheduleOf = (r: RotationCase) =>
  decode({
    people,
    rotations: [
      {
        id: "r",
        members: ["ada", "grace", "linus"].slice(0, r.members),
        timeZone: r.timeZone,
        start: new Date(Date.UTC(2025, 0, 1) + r.startDay * 86_400_000).toISOString().slice(0, 10),
        handoff: `${pad(r.hour)}:${pad(r.minute)}`,
        length: r.length,
      },
    ],
  })

const wallClock = (timeZone: string, instant: Date) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(instant)
    .replace(/^24/, "00")

describe("whoIsOnCall: properties", () => {
  it("hands off at the handoff time on the rotation's wall clock, exactly at `until`", () => {
    fc.assert(
      fc.property(rotationArbitrary, fc.integer({ min: 0, max: 900 * 24 }), (r, hours) => {
        const schedule = scheduleOf(r)
        const instant = new Date(Date.UTC(2025, 0, 1) + hours * 3_600_000 + 17_000)
        const answer = who(schedule, instant)
        if (answer.current === undefined) {
          // Before the rotation starts: its first member is next, however far off (given the horizon).
          const far = OnCall.whoIsOnCall(schedule, instant, { horizonDays: 1000 }).primary
          expect(far.next?.person.id).toBe("ada")
          expect(far.next!.from!.getTime()).toBeGreaterThan(instant.getTime())
          return
        }
        const { from, until, person } = answer.current
        expect(from!.getTime()).toBeLessThanOrEqual(instant.getTime())
        expect(until!.getTime()).toBeGreaterThan(instant.getTime())
        expect(wallClock(r.timeZone, until!)).toBe(`${pad(r.hour)}:${pad(r.minute)}`)
        expect(wallClock(r.timeZone, from!)).toBe(`${pad(r.hour)}:${pad(r.minute)}`)
        expect(who(schedule, new Date(until!.getTime() - 1)).current?.person.id).toBe(person.id)
        const handedOff = who(schedule, until!)
        expect(handedOff.current?.person.id).toBe(answer.next?.person.id)
        expect(handedOff.current?.person.id).not.toBe(person.id)
        expect(who(schedule, from!).current?.person.id).toBe(person.id)
        expect(who(schedule, new Date(from!.getTime() - 1)).current?.person.id).not.toBe(person.id)
      }),
      { numRuns: 150 },
    )
  })

  it("gives an override's window to its person and leaves the rest of the schedule as it was", () => {
    fc.assert(
      fc.property(
        rotationArbitrary,
        fc.integer({ min: 0, max: 800 * 24 }),
        fc.integer({ min: 1, max: 10 * 24 * 60 }),
        fc.integer({ min: -3 * 24 * 60, max: 14 * 24 * 60 }),
        fc.constantFrom("ada", "grace", "linus"),
        (r, startHours, lengthMinutes, probeMinutes, person) => {
          const base = scheduleOf(r)
          const from = new Date(Date.UTC(2025, 0, 1) + startHours * 3_600_000)
          const until = new Date(from.getTime() + lengthMinutes * 60_000)
          const overridden: OnCall.OnCallSchedule = {
            ...base,
            overrides: [{ person, layer: "primary", from, until }],
          }
          const probe = new Date(from.getTime() + probeMinutes * 60_000)
          const answer = who(overridden, probe)
          if (probe >= from && probe < until) {
            expect(answer.current?.person.id).toBe(person)
            expect(answer.current!.until!.getTime()).toBeGreaterThanOrEqual(until.getTime())
          } else expect(answer.current?.person.id).toBe(who(base, probe).current?.person.id)
        },
      ),
      { numRuns: 150 },
    )
  })

  it("lays out a window as consecutive stretches that agree with whoIsOnCall", () => {
    fc.assert(
      fc.property(rotationArbitrary, fc.integer({ min: 0, max: 800 }), (r, day) => {
        const schedule = scheduleOf(r)
        const from = new Date(Date.UTC(2025, 0, 1) + day * 86_400_000)
        const to = new Date(from.getTime() + 30 * 86_400_000)
        const stretches = OnCall.timeline(schedule, "primary", from, to)
        for (const [index, stretch] of stretches.entries()) {
          const previous = stretches[index - 1]
          if (previous !== undefined) {
            expect(stretch.from!.getTime()).toBeGreaterThanOrEqual(previous.until!.getTime())
            expect(stretch.person.id).not.toBe(previous.person.id)
          }
          const middle = new Date((stretch.from!.getTime() + stretch.until!.getTime()) / 2)
          expect(who(schedule, middle).current?.person.id).toBe(stretch.person.id)
        }
      }),
      { numRuns: 60 },
    )
  })
})
