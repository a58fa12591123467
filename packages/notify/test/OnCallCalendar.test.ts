import { OnCall } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { afterEach, describe, expect, it } from "vitest"
import { OnCallCalendar } from "../src/index.js"
import { type Peer, startPeer } from "./peers.js"

const window = {
  from: new Date("2026-01-01T00:00:00Z"),
  until: new Date("2027-01-01T00:00:00Z"),
}
const parse = (text: string, layer: OnCall.Layer = "primary") =>
  Effect.runSync(OnCallCalendar.parse(text, { name: "oncall.ics", layer, ...window }))
const parseError = (text: string) =>
  Effect.runSync(
    Effect.flip(OnCallCalendar.parse(text, { name: "oncall.ics", layer: "primary", ...window })),
  )
const calendar = (...lines: ReadonlyArray<string>) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", ...lines, "END:VCALENDAR", ""].join(
    "\r\n",
  )
const iso = (record: OnCall.ShiftRecord) => [record.from.toISOString(), record.until.toISOString()]

const berlinZone = [
  "BEGIN:VTIMEZONE",
  "TZID:Europe/Berlin",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0200",
  "TZNAME:CEST",
  "DTSTART:19700329T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0200",
  "TZOFFSETTO:+0100",
  "TZNAME:CET",
  "DTSTART:19701025T030000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
]

describe("OnCallCalendar.parse", () => {
  it("reads a PagerDuty-style feed: one shift per event, the person from ATTENDEE's CN", () => {
    const records = parse(
      calendar(
        "BEGIN:VEVENT",
        "UID:Q1ABC@pagerduty.com",
        "DTSTAMP:20261201T000000Z",
        "DTSTART:20261207T080000Z",
        "DTEND:20261214T080000Z",
        "SUMMARY:On Call - Ada Lovelace - Primary",
        "ATTENDEE;CN=Ada Lovelace:mailto:ada@example.com",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:Q2ABC@pagerduty.com",
        "DTSTAMP:20261201T000000Z",
        "DTSTART:20261214T080000Z",
        "DTEND:20261221T080000Z",
        "SUMMARY:On Call - Grace Hopper - Primary",
        "END:VEVENT",
      ),
    )
    expect(records).toEqual([
      {
        who: { name: "Ada Lovelace", email: "ada@example.com" },
        layer: "primary",
        from: new Date("2026-12-07T08:00:00Z"),
        until: new Date("2026-12-14T08:00:00Z"),
        source: "oncall.ics: UID Q1ABC@pagerduty.com",
      },
      {
        who: { name: "Grace Hopper" },
        layer: "primary",
        from: new Date("2026-12-14T08:00:00Z"),
        until: new Date("2026-12-21T08:00:00Z"),
        source: "oncall.ics: UID Q2ABC@pagerduty.com",
      },
    ])
  })

  it("expands an RRULE in a VTIMEZONE across the DST change, keeping 09:00 local", () => {
    const records = parse(
      calendar(
        ...berlinZone,
        "BEGIN:VEVENT",
        "UID:weekly@oncall.example",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;TZID=Europe/Berlin:20260316T090000",
        "DTEND;TZID=Europe/Berlin:20260323T090000",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3",
        "SUMMARY:[L1] ada",
        "END:VEVENT",
      ),
      "secondary",
    )
    expect(records.map(iso)).toEqual([
      ["2026-03-16T08:00:00.000Z", "2026-03-23T08:00:00.000Z"],
      ["2026-03-30T07:00:00.000Z", "2026-04-06T07:00:00.000Z"],
      ["2026-04-13T07:00:00.000Z", "2026-04-20T07:00:00.000Z"],
    ])
    expect(records.every((record) => record.who.name === "ada")).toBe(true)
    expect(records.every((record) => record.layer === "secondary")).toBe(true)
  })

  it("reads an IANA TZID without a VTIMEZONE, skips EXDATEs and moves a changed occurrence", () => {
    const records = parse(
      calendar(
        "BEGIN:VEVENT",
        "UID:daily@oncall.example",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;TZID=America/New_York:20260306T090000",
        "DTEND;TZID=America/New_York:20260307T090000",
        "RRULE:FREQ=DAILY;UNTIL=20260310T140000Z",
        "EXDATE;TZID=America/New_York:20260307T090000",
        "SUMMARY:grace",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:daily@oncall.example",
        "DTSTAMP:20260101T000000Z",
        "RECURRENCE-ID;TZID=America/New_York:20260309T090000",
        "DTSTART;TZID=America/New_York:20260309T120000",
        "DTEND;TZID=America/New_York:20260310T090000",
        "SUMMARY:linus",
        "END:VEVENT",
      ),
    )
    expect(records.map((record) => [record.who.name, ...iso(record)])).toEqual([
      ["grace", "2026-03-06T14:00:00.000Z", "2026-03-07T14:00:00.000Z"],
      // 8 March: clocks went forward; 09:00 EDT is 13:00Z.
      ["grace", "2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"],
      ["linus", "2026-03-09T16:00:00.000Z", "2026-03-10T13:00:00.000Z"],
      // The last occurrence: 10 March 09:00 EDT = 13:00Z, before UNTIL (14:00Z).
      ["grace", "2026-03-10T13:00:00.000Z", "2026-03-11T13:00:00.000Z"],
    ])
  })

  it("keeps only the window of an RRULE without end", () => {
    const records = Effect.runSync(
      OnCallCalendar.parse(
        calendar(
          "BEGIN:VEVENT",
          "UID:forever@oncall.example",
          "DTSTAMP:20200101T000000Z",
          "DTSTART:20200106T090000Z",
          "DTEND:20200113T090000Z",
          "RRULE:FREQ=WEEKLY",
          "SUMMARY:ada",
          "END:VEVENT",
        ),
        {
          name: "oncall.ics",
          layer: "primary",
          from: new Date("2026-12-01T00:00:00Z"),
          until: new Date("2026-12-29T00:00:00Z"),
        },
      ),
    )
    expect(records.map((record) => record.from.toISOString())).toEqual([
      "2026-11-30T09:00:00.000Z",
      "2026-12-07T09:00:00.000Z",
      "2026-12-14T09:00:00.000Z",
      "2026-12-21T09:00:00.000Z",
      "2026-12-28T09:00:00.000Z",
    ])
  })

  it("names the file and the event of what it cannot read", () => {
    expect(parseError("not a calendar").message).toMatch(/^oncall\.ics: not an iCalendar file: /)
    expect(parseError("primary: ada\nsecondary: linus\n").message).toBe(
      'oncall.ics: not an iCalendar file: expected it to begin with BEGIN:VCALENDAR; its first line is "primary: ada"',
    )
    expect(parseError("\n").message).toBe(
      "oncall.ics: not an iCalendar file: it is empty; expected BEGIN:VCALENDAR",
    )
    expect(parseError("BEGIN:VEVENT\r\nEND:VEVENT\r\n").message).toBe(
      "oncall.ics: expected a VCALENDAR; found VEVENT",
    )
    expect(
      parseError(
        calendar(
          "BEGIN:VEVENT",
          "UID:x@y",
          "DTSTART;TZID=Mars/Olympus_Mons:20260306T090000",
          "DTEND;TZID=Mars/Olympus_Mons:20260307T090000",
          "SUMMARY:ada",
          "END:VEVENT",
        ),
      ).message,
    ).toBe(
      'oncall.ics: VEVENT 1 (UID x@y): expected an IANA time zone or a VTIMEZONE of the calendar; got "Mars/Olympus_Mons"',
    )
    expect(
      parseError(calendar("BEGIN:VEVENT", "UID:x@y", "SUMMARY:ada", "END:VEVENT")).message,
    ).toBe("oncall.ics: VEVENT 1 (UID x@y) has no DTSTART")
  })
})

describe("OnCallCalendar.toCalendar", () => {
  const schedule = Schema.decodeUnknownSync(OnCall.OnCallSchedule)({
    people: [
      { id: "ada", name: "Ada Lovelace", email: "ada@example.com", phone: "+1-555-0111" },
      { id: "grace", name: "Grace Hopper", slackUserId: "U0GRACE1" },
      { id: "linus" },
    ],
    rotations: [
      {
        id: "weekly",
        members: ["ada", "grace"],
        timeZone: "Europe/Berlin",
        start: "2026-03-16",
        weekday: "monday",
        handoff: "09:00",
        length: "weekly",
      },
      {
        id: "backup",
        layer: "secondary",
        members: ["linus", "ada"],
        timeZone: "America/New_York",
        start: "2026-03-01",
        handoff: "09:00",
        length: "3d",
      },
    ],
    overrides: [{ person: "linus", from: "2026-03-25T12:00:00Z", until: "2026-03-26T12:00:00Z" }],
  })
  const from = new Date("2026-03-16T00:00:00Z")
  const until = new Date("2026-05-01T00:00:00Z")
  const text = OnCallCalendar.toCalendar(schedule, {
    from,
    until,
    name: "Runbook on call",
    stamp: new Date("2026-03-01T00:00:00Z"),
  })

  it("writes a calendar with CRLF lines, a stretch an event, in UTC", () => {
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true)
    expect(text).toContain("X-WR-CALNAME:Runbook on call\r\n")
    expect(text).toContain("SUMMARY:Primary on call: Ada Lovelace\r\n")
    expect(text).toContain("ATTENDEE;CN=Ada Lovelace:mailto:ada@example.com\r\n")
    expect(text).toContain("DTSTART:20260330T070000Z\r\n")
    expect(text).toContain("X-IR-LAYER:secondary\r\n")
    expect(text.split("\r\n").every((line) => line.length <= 75)).toBe(true)
  })

  it("reads back as the same schedule, layer by layer", () => {
    const records = Effect.runSync(
      OnCallCalendar.parse(text, { name: "export.ics", layer: "primary", from, until }),
    )
    const imported = OnCall.fromShiftRecords(records, schedule.people)
    for (let t = from.getTime(); t < until.getTime(); t += 5 * 3_600_000 + 17 * 60_000) {
      const original = OnCall.whoIsOnCall(schedule, new Date(t), { horizonDays: 60 })
      const read = OnCall.whoIsOnCall(imported, new Date(t), { horizonDays: 60 })
      for (const layer of OnCall.layers) {
        expect(read[layer].current?.person).toEqual(original[layer].current?.person)
      }
    }
  })
})

describe("OnCallCalendar.fetchFeed", () => {
  let peer: Peer | undefined
  afterEach(async () => {
    await peer?.close()
    peer = undefined
  })
  const feed = calendar(
    "BEGIN:VEVENT",
    "UID:1@x",
    "DTSTART:20261207T080000Z",
    "DTEND:20261214T080000Z",
    "SUMMARY:ada",
    "END:VEVENT",
  )

  it("downloads a feed", async () => {
    peer = await startPeer((_request, response) => {
      response.writeHead(200, { "content-type": "text/calendar" })
      response.end(feed)
    })
    const text = await Effect.runPromise(
      OnCallCalendar.fetchFeed(`${peer.url}/private/s3cr3tfeedkey/feed/PSCHED1`, {
        timeoutMs: 5000,
      }),
    )
    expect(text).toBe(feed)
    expect(peer.requests[0]?.headers.accept).toBe("text/calendar")
  })

  it("never shows the feed's key, in a failure nor in the peer's answer", async () => {
    peer = await startPeer((request, response) => {
      response.writeHead(404, { "content-type": "text/plain" })
      response.end(`no feed at ${request.path}`)
    })
    const result = await Effect.runPromise(
      Effect.either(
        OnCallCalendar.fetchFeed(`${peer.url}/private/s3cr3tfeedkey/feed/PSCHED1?token=abcdef`, {
          timeoutMs: 5000,
        }),
      ),
    )
    expect(Either.isLeft(result)).toBe(true)
    const message = Either.isLeft(result) ? result.left.message : ""
    expect(message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\*\*\* answered HTTP 404/)
    expect(message).not.toContain("s3cr3tfeedkey")
    expect(message).not.toContain("abcdef")
  })

  it("gives up at its deadline", async () => {
    peer = await startPeer(() => {
      // Never answers.
    })
    const result = await Effect.runPromise(
      Effect.either(OnCallCalendar.fetchFeed(`${peer.url}/feed`, { timeoutMs: 200 })),
    )
    expect(Either.isLeft(result) && result.left.reason).toBe("timeout")
  })
})
