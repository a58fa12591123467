import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { BusinessCalendar, defaultRunbook } from "../src/index.js"

const newYork: BusinessCalendar.BusinessCalendar = {
  timeZone: "America/New_York",
  workingDays: [1, 2, 3, 4, 5],
  workingHours: { start: "09:00", end: "17:00" },
  holidays: ["2026-11-26"],
}

const berlin: BusinessCalendar.BusinessCalendar = { ...newYork, timeZone: "Europe/Berlin" }

const { addBusinessDays, isBusinessTime, isWorkingDay, nextBusinessTime } = BusinessCalendar

const iso = (date: Date) => date.toISOString()

describe("addBusinessDays", () => {
  it("makes a P3 opened Friday 17:00 in New York due Monday 17:00", () => {
    // Friday 20 November 2026 17:00 EST is 22:00 UTC.
    expect(iso(addBusinessDays(newYork, new Date("2026-11-20T22:00:00Z"), 1))).toBe(
      "2026-11-23T22:00:00.000Z",
    )
  })

  it("keeps Monday 17:00 local when the clocks go forward over the weekend", () => {
    // Friday 6 March 2026 17:00 EST (22:00 UTC); DST starts Sunday 8 March; Monday 17:00 EDT.
    expect(iso(addBusinessDays(newYork, new Date("2026-03-06T22:00:00Z"), 1))).toBe(
      "2026-03-09T21:00:00.000Z",
    )
  })

  it("keeps Monday 17:00 local when the clocks go back over the weekend", () => {
    // Friday 30 October 2026 17:00 EDT (21:00 UTC); DST ends Sunday 1 November; Monday 17:00 EST.
    expect(iso(addBusinessDays(newYork, new Date("2026-10-30T21:00:00Z"), 1))).toBe(
      "2026-11-02T22:00:00.000Z",
    )
  })

  it("keeps the local time of day when opened within working hours (Friday 15:00 → Monday 15:00)", () => {
    expect(iso(addBusinessDays(newYork, new Date("2026-11-20T20:00:00Z"), 1))).toBe(
      "2026-11-23T20:00:00.000Z",
    )
    expect(iso(addBusinessDays(newYork, new Date("2026-03-06T20:00:00Z"), 1))).toBe(
      "2026-03-09T19:00:00.000Z",
    )
  })

  it("gives one full business day from the next start when opened at the weekend (Saturday 10:00 → Monday 17:00)", () => {
    expect(iso(addBusinessDays(newYork, new Date("2026-11-21T15:00:00Z"), 1))).toBe(
      "2026-11-23T22:00:00.000Z",
    )
  })

  it("rolls a time after closing, or before opening, to the end of the next business day", () => {
    // Friday 20:00 EST → Monday 17:00; Monday 07:00 EST → Monday 17:00.
    expect(iso(addBusinessDays(newYork, new Date("2026-11-21T01:00:00Z"), 1))).toBe(
      "2026-11-23T22:00:00.000Z",
    )
    expect(iso(addBusinessDays(newYork, new Date("2026-11-23T12:00:00Z"), 1))).toBe(
      "2026-11-23T22:00:00.000Z",
    )
    // Exactly 09:00 is the same point of business time.
    expect(iso(addBusinessDays(newYork, new Date("2026-11-23T14:00:00Z"), 1))).toBe(
      "2026-11-23T22:00:00.000Z",
    )
  })

  it("skips holidays (Thanksgiving)", () => {
    // Wednesday 25 November 15:00 EST → Thursday is a holiday → Friday 15:00.
    expect(iso(addBusinessDays(newYork, new Date("2026-11-25T20:00:00Z"), 1))).toBe(
      "2026-11-27T20:00:00.000Z",
    )
    // Opened on the holiday itself: the clock starts Friday 09:00, due Friday 17:00.
    expect(iso(addBusinessDays(newYork, new Date("2026-11-26T15:00:00Z"), 1))).toBe(
      "2026-11-27T22:00:00.000Z",
    )
  })

  it("counts several business days", () => {
    // Friday 15:00 + 3 → Wednesday 15:00 (Thursday 26 is the holiday, so + 4 → Friday 27).
    expect(iso(addBusinessDays(newYork, new Date("2026-11-20T20:00:00Z"), 3))).toBe(
      "2026-11-25T20:00:00.000Z",
    )
    expect(iso(addBusinessDays(newYork, new Date("2026-11-20T20:00:00Z"), 4))).toBe(
      "2026-11-27T20:00:00.000Z",
    )
  })

  it("follows the calendar's zone, not the machine's (Berlin, as in the module example)", () => {
    expect(iso(addBusinessDays(berlin, new Date("2026-11-27T16:00:00Z"), 1))).toBe(
      "2026-11-30T16:00:00.000Z",
    )
    // Europe's clocks go forward on Sunday 29 March 2026: 17:00 CET → 17:00 CEST.
    expect(iso(addBusinessDays(berlin, new Date("2026-03-27T16:00:00Z"), 1))).toBe(
      "2026-03-30T15:00:00.000Z",
    )
  })

  it("uses the calendar's working days, e.g. a Sunday-to-Thursday week", () => {
    const dubai = { ...newYork, timeZone: "Asia/Dubai", workingDays: [7, 1, 2, 3, 4] }
    // Thursday 26 November 17:00 in Dubai (13:00 UTC) → Sunday 29 November 17:00.
    expect(iso(addBusinessDays(dubai, new Date("2026-11-26T13:00:00Z"), 1))).toBe(
      "2026-11-29T13:00:00.000Z",
    )
  })

  it("with zero days returns the next business moment", () => {
    const inside = new Date("2026-11-20T20:00:00Z")
    expect(addBusinessDays(newYork, inside, 0)).toBe(inside)
    expect(iso(addBusinessDays(newYork, new Date("2026-11-20T22:00:00Z"), 0))).toBe(
      "2026-11-23T14:00:00.000Z",
    )
  })

  it("rejects a bad day count and an invalid date with a typed error", () => {
    for (const days of [-1, 1.5, Number.NaN]) {
      expect(() => addBusinessDays(newYork, new Date("2026-11-20T20:00:00Z"), days)).toThrow(
        BusinessCalendar.BusinessCalendarError,
      )
    }
    try {
      addBusinessDays(newYork, new Date(Number.NaN), 1)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(BusinessCalendar.BusinessCalendarError)
      expect((error as BusinessCalendar.BusinessCalendarError).reason).toBe("invalid-date")
      expect((error as Error).message).toContain("valid date")
    }
  })

  it("stays in business hours, after the start, and keeps the wall time (property)", () => {
    const zones = [
      "America/New_York",
      "Europe/Berlin",
      "Australia/Lord_Howe",
      "Asia/Kolkata",
      "UTC",
    ]
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.date({
          min: new Date("2020-01-01T00:00:00Z"),
          max: new Date("2035-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 15 }),
        (timeZone, from, days) => {
          const calendar = { ...newYork, timeZone }
          const due = addBusinessDays(calendar, from, days)
          expect(due.getTime()).toBeGreaterThan(from.getTime())
          expect(isWorkingDay(calendar, due)).toBe(true)
          // Deadlines fall in (start, end]: never at an opening, which would be the previous
          // day's end. The end itself is not business time, so look a millisecond earlier.
          expect(isBusinessTime(calendar, new Date(due.getTime() - 1))).toBe(true)
          if (isBusinessTime(calendar, from)) {
            const clock = (date: Date) =>
              new Intl.DateTimeFormat("en-GB", {
                timeZone,
                hour: "2-digit",
                minute: "2-digit",
                second: "2-digit",
              }).format(date)
            if (clock(from) !== "09:00:00") expect(clock(due)).toBe(clock(from))
          }
        },
      ),
      { numRuns: 1000 },
    )
  })
})

describe("isBusinessTime", () => {
  it("is true from the start of working hours up to, not including, the end", () => {
    const { calendar } = defaultRunbook
    expect(isBusinessTime(calendar, new Date("2026-11-27T09:00:00Z"))).toBe(true)
    expect(isBusinessTime(calendar, new Date("2026-11-27T16:59:59Z"))).toBe(true)
    expect(isBusinessTime(calendar, new Date("2026-11-27T17:00:00Z"))).toBe(false)
    expect(isBusinessTime(calendar, new Date("2026-11-27T08:59:59Z"))).toBe(false)
    expect(isBusinessTime(calendar, new Date("2026-11-28T12:00:00Z"))).toBe(false)
  })

  it("reads the wall clock of the calendar's zone", () => {
    // 14:30 UTC on Friday is 09:30 in New York but 15:30 in Berlin; 21:00 UTC is 22:00 in Berlin.
    expect(isBusinessTime(newYork, new Date("2026-11-20T14:30:00Z"))).toBe(true)
    expect(isBusinessTime(newYork, new Date("2026-11-20T13:30:00Z"))).toBe(false)
    expect(isBusinessTime(berlin, new Date("2026-11-20T21:00:00Z"))).toBe(false)
  })

  it("is false on holidays", () => {
    expect(isBusinessTime(newYork, new Date("2026-11-26T15:00:00Z"))).toBe(false)
    expect(isWorkingDay(newYork, new Date("2026-11-26T15:00:00Z"))).toBe(false)
    // 01:00 UTC on Friday 27th is still Thursday the 26th in New York.
    expect(isWorkingDay(newYork, new Date("2026-11-27T01:00:00Z"))).toBe(false)
  })
})

describe("nextBusinessTime", () => {
  it("returns the instant itself inside business hours, else the next opening", () => {
    const inside = new Date("2026-11-20T15:00:00Z")
    expect(nextBusinessTime(newYork, inside)).toBe(inside)
    expect(iso(nextBusinessTime(newYork, new Date("2026-11-21T15:00:00Z")))).toBe(
      "2026-11-23T14:00:00.000Z",
    )
    expect(iso(nextBusinessTime(newYork, new Date("2026-11-20T12:00:00Z")))).toBe(
      "2026-11-20T14:00:00.000Z",
    )
    expect(iso(nextBusinessTime(newYork, new Date("2026-11-20T22:00:00Z")))).toBe(
      "2026-11-23T14:00:00.000Z",
    )
  })

  it("moves an opening that falls in the DST gap forward, and takes the earlier of a repeated hour", () => {
    const allWeek = { ...newYork, workingDays: [1, 2, 3, 4, 5, 6, 7], holidays: [] }
    // Sunday 8 March 2026: 02:30 does not exist in New York; it reads as 03:30 EDT (07:30 UTC).
    const gap = { ...allWeek, workingHours: { start: "02:30", end: "18:00" } }
    expect(iso(nextBusinessTime(gap, new Date("2026-03-08T06:00:00Z")))).toBe(
      "2026-03-08T07:30:00.000Z",
    )
    // Sunday 1 November 2026: 01:30 happens twice; the first is 01:30 EDT (05:30 UTC).
    const overlap = { ...allWeek, workingHours: { start: "01:30", end: "18:00" } }
    expect(iso(nextBusinessTime(overlap, new Date("2026-11-01T04:00:00Z")))).toBe(
      "2026-11-01T05:30:00.000Z",
    )
  })
})

describe("BusinessCalendar schema", () => {
  const decode = Schema.decodeUnknownEither(BusinessCalendar.BusinessCalendar)
  const valid = {
    timeZone: "America/New_York",
    workingDays: [1, 2, 3, 4, 5],
    workingHours: { start: "09:00", end: "17:00" },
  }

  it("accepts the default calendar and fills holidays", () => {
    const result = decode(valid)
    expect(Either.isRight(result) && result.right.holidays).toEqual([])
  })

  it("rejects an unknown time zone, no working days and hours that end before they start", () => {
    const message = (input: unknown) => {
      const result = decode(input)
      return Either.isLeft(result) ? String(result.left.message) : "accepted"
    }
    expect(message({ ...valid, timeZone: "Mars/Olympus_Mons" })).toContain("IANA time zone")
    expect(message({ ...valid, workingDays: [] })).toContain("at least one working day")
    expect(message({ ...valid, workingHours: { start: "17:00", end: "09:00" } })).toContain(
      "end after they start",
    )
  })

  it("answers a calendar that skipped the schema with a typed error, not a hang", () => {
    const at = new Date("2026-11-20T15:00:00Z")
    const reasons = [
      { ...newYork, timeZone: "Nowhere/Town" },
      { ...newYork, workingDays: [] },
      { ...newYork, workingHours: { start: "17:00", end: "09:00" } },
    ].map((calendar) => {
      try {
        addBusinessDays(calendar, at, 1)
        return "no error"
      } catch (error) {
        expect(String((error as Error).message).length).toBeGreaterThan(10)
        return (error as BusinessCalendar.BusinessCalendarError).reason
      }
    })
    expect(reasons).toEqual(["invalid-time-zone", "no-working-days", "invalid-working-hours"])
  })
})
