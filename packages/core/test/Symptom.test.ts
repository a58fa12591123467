import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { defaultRunbook, Observation, Symptom } from "../src/index.js"

const at = new Date("2026-11-28T10:00:00Z")
const set = (values: Record<string, boolean | number | string>) =>
  Observation.toSet(Observation.fromRecord(values, at, "test"))
const { thresholds } = defaultRunbook

describe("Symptom.evaluate", () => {
  it("reports a condition on a signal that was not observed as unknown, not as false", () => {
    const result = Symptom.evaluate(
      { signal: "api.error_ratio", op: ">", value: 0.1 },
      set({}),
      thresholds,
    )
    expect(result.outcome).toBe("unknown")
    expect(result.evidence[0]?.reason).toBe("not observed")
  })

  it("resolves named thresholds", () => {
    const when = {
      signal: "api.error_ratio",
      op: ">" as const,
      value: { threshold: "api.error_ratio", level: "critical" as const },
    }
    expect(Symptom.evaluate(when, set({ "api.error_ratio": 0.2 }), thresholds).outcome).toBe(
      "matched",
    )
    expect(Symptom.evaluate(when, set({ "api.error_ratio": 0.05 }), thresholds).outcome).toBe(
      "not-matched",
    )
  })

  it("keeps a duration symptom pending until the whole window is shown to satisfy it", () => {
    const predicate = Schema.decodeSync(Symptom.Predicate)({
      signal: "api.error_ratio",
      op: ">",
      value: 0.1,
      for: "5m",
    })
    const now = set({ "api.error_ratio": 0.3 })
    expect(Symptom.evaluate(predicate, now, thresholds).outcome).toBe("pending")
    const held = Observation.toSet([
      { signal: "api.error_ratio", value: 0.3, at, over: { seconds: 300, min: 0.12, max: 0.4 } },
    ])
    expect(Symptom.evaluate(predicate, held, thresholds).outcome).toBe("matched")
    const dipped = Observation.toSet([
      { signal: "api.error_ratio", value: 0.3, at, over: { seconds: 300, min: 0.02, max: 0.4 } },
    ])
    expect(Symptom.evaluate(predicate, dipped, thresholds).outcome).toBe("pending")
  })

  it("combines with all, any and atLeast using three-valued logic", () => {
    const up = { signal: "http.health.reachable", op: "==" as const, value: false }
    const pg = { signal: "postgres.reachable", op: "==" as const, value: false }
    const observations = set({ "http.health.reachable": false })
    expect(Symptom.evaluate({ any: [up, pg] }, observations, thresholds).outcome).toBe("matched")
    expect(Symptom.evaluate({ all: [up, pg] }, observations, thresholds).outcome).toBe("unknown")
    expect(Symptom.evaluate({ atLeast: 2, of: [up, pg] }, observations, thresholds).outcome).toBe(
      "unknown",
    )
    expect(
      Symptom.evaluate({ all: [up, pg] }, set({ "http.health.reachable": true }), thresholds)
        .outcome,
    ).toBe("not-matched")
  })

  it("treats a manual flag as matched only when a responder asserted it", () => {
    expect(Symptom.evaluate({ manual: "customer-complaints" }, set({}), thresholds).outcome).toBe(
      "not-matched",
    )
    expect(
      Symptom.evaluate(
        { manual: "customer-complaints" },
        set({ "manual.customer-complaints": true }),
        thresholds,
      ).outcome,
    ).toBe("matched")
  })
})
