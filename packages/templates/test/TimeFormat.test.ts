import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { TimeFormat } from "../src/index.js"

/** What Intl says, as the formatter for any other zone does. */
const intlParts = (date: Date, timeZone: string) => {
  const parts: Record<string, string> = {}
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  })
  for (const part of format.formatToParts(date)) parts[part.type] = part.value
  return parts
}

const instants = fc.date({
  min: new Date("1970-01-01T00:00:00Z"),
  max: new Date("2300-12-31T23:59:59Z"),
  noInvalidDate: true,
})

describe("TimeFormat", () => {
  it("formats UTC exactly as Intl does, without asking it", () => {
    fc.assert(
      fc.property(instants, (date) => {
        const parts = intlParts(date, "UTC")
        expect(TimeFormat.formatDateTime(date, "UTC")).toBe(
          `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`,
        )
        expect(TimeFormat.formatTime(date, "UTC")).toBe(`${parts.hour}:${parts.minute} UTC`)
        expect(TimeFormat.formatDay(date, "UTC")).toBe(`${parts.year}-${parts.month}-${parts.day}`)
      }),
      { numRuns: 2000 },
    )
    expect(TimeFormat.formatDateTime(new Date("2026-11-28T10:30:59Z"), "UTC")).toBe(
      "2026-11-28 10:30 UTC",
    )
    expect(TimeFormat.isValidTimeZone("UTC")).toBe(true)
  })

  it("formats other zones with their own names and offsets", () => {
    const date = new Date("2026-01-15T15:05:00Z")
    expect(TimeFormat.formatDateTime(date, "America/New_York")).toBe("2026-01-15 10:05 EST")
    expect(TimeFormat.formatTime(new Date("2026-07-15T15:05:00Z"), "America/New_York")).toBe(
      "11:05 EDT",
    )
    expect(TimeFormat.formatDay(new Date("2026-01-15T23:30:00Z"), "Asia/Tokyo")).toBe("2026-01-16")
    expect(TimeFormat.isValidTimeZone("Mars/Olympus_Mons")).toBe(false)
  })
})
