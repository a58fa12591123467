import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { offsetAt, toLocal } from "../src/internal/ZonedTime.js"

describe("ZonedTime", () => {
  it("gives UTC no offset, as Intl does for the same zone under another name", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_413_792_000_000 }), (instant) => {
        expect(offsetAt("UTC", instant)).toBe(0)
        expect(offsetAt("Etc/UTC", instant)).toBe(0)
        expect(toLocal("UTC", new Date(instant))).toEqual(toLocal("Etc/UTC", new Date(instant)))
      }),
      { numRuns: 500 },
    )
  })

  it("reads other zones' offsets from Intl, summer time included", () => {
    expect(offsetAt("Europe/Berlin", Date.parse("2026-01-15T12:00:00Z"))).toBe(3_600_000)
    expect(offsetAt("Europe/Berlin", Date.parse("2026-07-15T12:00:00Z"))).toBe(7_200_000)
    expect(offsetAt("America/New_York", Date.parse("2026-01-15T12:00:00Z"))).toBe(-18_000_000)
  })
})
