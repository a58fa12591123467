import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { Observation } from "../src/index.js"

const at = new Date("2026-11-28T10:00:00Z")

describe("Observation", () => {
  it("builds observations from a plain record, marked as asserted by hand by default", () => {
    expect(
      Observation.fromRecord({ "http.health.reachable": false, "api.error_ratio": 0.2 }, at),
    ).toEqual([
      { signal: "http.health.reachable", value: false, at, source: "manual" },
      { signal: "api.error_ratio", value: 0.2, at, source: "manual" },
    ])
    expect(
      Observation.fromRecord({ "api.error_ratio": 0.2 }, at, "prometheus.error-rate")[0]?.source,
    ).toBe("prometheus.error-rate")
  })

  it("keeps the last observation of a signal when indexing", () => {
    const later = new Date("2026-11-28T10:05:00Z")
    const set = Observation.toSet([
      { signal: "api.error_ratio", value: 0.02, at },
      { signal: "postgres.reachable", value: true, at },
      { signal: "api.error_ratio", value: 0.3, at: later },
    ])
    expect(set.size).toBe(2)
    expect(set.get("api.error_ratio")).toEqual({ signal: "api.error_ratio", value: 0.3, at: later })
  })

  it("decodes observations from JSON with ISO timestamps and a sustained window", () => {
    const decoded = Schema.decodeUnknownSync(Observation.Observation)({
      signal: "api.error_ratio",
      value: 0.3,
      at: "2026-11-28T10:00:00.000Z",
      over: { seconds: 300, min: 0.12, max: 0.4 },
      source: "prometheus.error-rate",
    })
    expect(decoded.at).toEqual(at)
    expect(decoded.over).toEqual({ seconds: 300, min: 0.12, max: 0.4 })
    expect(Schema.encodeSync(Observation.Observation)(decoded).at).toBe("2026-11-28T10:00:00.000Z")
  })

  it("rejects a window of negative length and values that are not signal values", () => {
    const decode = Schema.decodeUnknownEither(Observation.Observation)
    expect(
      Either.isLeft(
        decode({
          signal: "x",
          value: 1,
          at: at.toISOString(),
          over: { seconds: -1, min: 0, max: 1 },
        }),
      ),
    ).toBe(true)
    expect(Either.isLeft(decode({ signal: "x", value: null, at: at.toISOString() }))).toBe(true)
    expect(Either.isLeft(decode({ signal: "x", value: 1, at: "yesterday" }))).toBe(true)
  })
})
