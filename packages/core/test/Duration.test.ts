import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Duration } from "../src/index.js"

describe("Duration", () => {
  it("reads the durations runbook authors write", () => {
    expect(Duration.toSeconds("30s")).toBe(30)
    expect(Duration.toSeconds("5m")).toBe(300)
    expect(Duration.toSeconds("2h")).toBe(7200)
    expect(Duration.toSeconds("1d")).toBe(86_400)
    expect(Duration.toSeconds("1.5h")).toBe(5400)
    expect(Duration.toMillis("5m")).toBe(300_000)
  })

  it("rejects what is not a duration, saying what would be", () => {
    for (const text of ["5 min", "5", "m5", "-5m", "5w", ""]) {
      const result = Schema.decodeUnknownEither(Duration.DurationString)(text)
      expect(Either.isLeft(result)).toBe(true)
    }
    expect(() => Duration.make("half an hour")).toThrow(/expected a duration such as "30s"/)
    expect(() => Duration.toSeconds("soon")).toThrow('not a duration: "soon"')
    expect(Duration.make("15m")).toBe("15m")
  })

  it("formats elapsed time the way a responder reads it", () => {
    expect(Duration.formatSeconds(0)).toBe("0s")
    expect(Duration.formatSeconds(45)).toBe("45s")
    expect(Duration.formatSeconds(300)).toBe("5m")
    expect(Duration.formatSeconds(5100)).toBe("1h 25m")
    expect(Duration.formatSeconds(3 * 86_400 + 3 * 3600 + 59)).toBe("3d 3h")
    // Seconds matter only while the incident is young.
    expect(Duration.formatSeconds(3661)).toBe("1h 1m")
    expect(Duration.formatSeconds(-20)).toBe("0s")
  })

  it("round-trips whole minutes through formatting", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 59 }), (minutes) => {
        const text = Duration.formatSeconds(minutes * 60)
        expect(Duration.toSeconds(text)).toBe(minutes * 60)
      }),
    )
  })
})
