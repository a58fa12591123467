import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { TimeFormat } from "../src/index.js"

const instants = fc.date({
  min: new Date("1970-01-01T00:00:00Z"),
  max: new Date("2300-12-31T23:59:59Z"),
  noInvalidDate: true,
})

describe("TimeFormat", () => {
  it("formats UTC exactly as Intl does, without asking it", () => {
    // "Etc/UTC" is the same zone under another name: the module asks Intl for it.
    fc.assert(
      fc.property(instants, (date) => {
        expect(TimeFormat.formatDateTime(date, "UTC")).toBe(
          TimeFormat.formatDateTime(date, "Etc/UTC"),
        )
        expect(TimeFormat.formatTime(date, "UTC")).toBe(TimeFormat.formatTime(date, "Etc/UTC"))
        expect(TimeFormat.formatDay(date, "UTC")).toBe(TimeFormat.formatDay(date, "Etc/UTC"))
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
