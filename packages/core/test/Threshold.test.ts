import { Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { defaultRunbook, Threshold } from "../src/index.js"

const { thresholds } = defaultRunbook

describe("Threshold", () => {
  it("resolves a named threshold at the level a symptom asks for", () => {
    expect(Threshold.resolve(thresholds, "api.error_ratio", "critical")).toBe(0.1)
    expect(Threshold.resolve(thresholds, "api.error_ratio", "warn")).toBe(0.05)
    expect(Threshold.resolve(thresholds, "no.such.threshold", "critical")).toBeUndefined()
  })

  it("falls back to the critical level when no warning level is set", () => {
    const only = { x: { description: "x", direction: "above" as const, critical: 7 } }
    expect(Threshold.resolve(only, "x", "warn")).toBe(7)
  })

  it("grades values at or over the level as bad for an `above` threshold", () => {
    const errorRatio = thresholds["api.error_ratio"]!
    expect(Threshold.grade(errorRatio, 0.01)).toBe("ok")
    expect(Threshold.grade(errorRatio, 0.05)).toBe("warn")
    expect(Threshold.grade(errorRatio, 0.1)).toBe("critical")
    expect(Threshold.grade(errorRatio, 0.5)).toBe("critical")
  })

  it("grades values at or under the level as bad for a `below` threshold", () => {
    const freeMemory = Schema.decodeSync(Threshold.Threshold)({
      description: "Available memory",
      direction: "below",
      warn: 0.15,
      critical: 0.05,
    })
    expect(Threshold.grade(freeMemory, 0.5)).toBe("ok")
    expect(Threshold.grade(freeMemory, 0.15)).toBe("warn")
    expect(Threshold.grade(freeMemory, 0.01)).toBe("critical")
  })

  it("treats a threshold written without a direction as `above`", () => {
    const decoded = Schema.decodeSync(Threshold.Threshold)({ description: "d", critical: 3 })
    expect(decoded.direction).toBe("above")
    expect(Threshold.grade(decoded, 2.9)).toBe("ok")
    expect(Threshold.grade(decoded, 3)).toBe("critical")
  })

  it("never grades a worse value better than a milder one", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(thresholds)),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        (threshold, a, b) => {
          const rank = { ok: 0, warn: 1, critical: 2 }
          const [milder, worse] =
            threshold.direction === "below"
              ? [Math.max(a, b), Math.min(a, b)]
              : [Math.min(a, b), Math.max(a, b)]
          expect(rank[Threshold.grade(threshold, worse)]).toBeGreaterThanOrEqual(
            rank[Threshold.grade(threshold, milder)],
          )
        },
      ),
    )
  })

  it("sets every default warning level on the safe side of its critical level", () => {
    for (const [name, threshold] of Object.entries(thresholds)) {
      if (threshold.warn === undefined) continue
      const safeSide =
        threshold.direction === "below"
          ? threshold.warn >= threshold.critical
          : threshold.warn <= threshold.critical
      expect(safeSide, name).toBe(true)
    }
  })
})
