import { defaultRunbook } from "@ir/core"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import * as ThresholdSetting from "../src/ThresholdSetting.js"

const thresholds = defaultRunbook.thresholds

describe("levels", () => {
  it("takes the runbook's numbers, ratios as percentages", () => {
    expect(ThresholdSetting.levels(thresholds, {}, "api.error_ratio")).toEqual({
      name: "api.error_ratio",
      direction: "above",
      unit: "ratio",
      warn: "5%",
      critical: "10%",
    })
    expect(ThresholdSetting.levels(thresholds, {}, "postgres.locks.wait_seconds")).toMatchObject({
      warn: 5,
      critical: 30,
    })
  })

  it("lays overrides on top, level by level", () => {
    expect(
      ThresholdSetting.levels(
        thresholds,
        { "api.error_ratio": { critical: "20%" } },
        "api.error_ratio",
      ),
    ).toMatchObject({ warn: "5%", critical: "20%" })
  })

  it("gives no levels for an unknown name", () => {
    expect(ThresholdSetting.levels(thresholds, {}, "nope")).toEqual({
      name: "nope",
      direction: "above",
    })
  })
})

describe("grade (check_postgres conventions)", () => {
  const connections = ThresholdSetting.levels(thresholds, {}, "postgres.connections.used_ratio")

  it("grades a ratio against percentages", () => {
    const errors = ThresholdSetting.levels(thresholds, {}, "api.error_ratio")
    expect(ThresholdSetting.grade(0.04, errors)).toBe("ok")
    expect(ThresholdSetting.grade(0.05, errors)).toBe("warn")
    expect(ThresholdSetting.grade(0.12, errors)).toBe("critical")
  })

  it("grades a count against a share of a total", () => {
    // 37 usable connections: warn at 80% (29.6), critical at 95% (35.15)
    expect(ThresholdSetting.grade(29, connections, 37)).toBe("ok")
    expect(ThresholdSetting.grade(30, connections, 37)).toBe("warn")
    expect(ThresholdSetting.grade(36, connections, 37)).toBe("critical")
  })

  it("takes plain numbers as counts and negative numbers as what is left", () => {
    const levels: ThresholdSetting.Levels = {
      name: "backends",
      direction: "above",
      warn: 20,
      critical: -2,
    }
    expect(ThresholdSetting.grade(19, levels, 40)).toBe("ok")
    expect(ThresholdSetting.grade(20, levels, 40)).toBe("warn")
    expect(ThresholdSetting.grade(38, levels, 40)).toBe("critical")
    expect(ThresholdSetting.numbers(levels, 40)).toEqual({ warn: 20, critical: 38 })
  })

  it("grades the low side for thresholds whose bad side is below", () => {
    const free: ThresholdSetting.Levels = {
      name: "free",
      direction: "below",
      warn: "20%",
      critical: "5%",
    }
    expect(ThresholdSetting.grade(0.5, free)).toBe("ok")
    expect(ThresholdSetting.grade(0.2, free)).toBe("warn")
    expect(ThresholdSetting.grade(0.01, free)).toBe("critical")
  })
})

describe("Level schema", () => {
  it("accepts numbers and percentages and rejects other text", () => {
    const decode = Schema.decodeUnknownEither(ThresholdSetting.Level)
    expect(decode(5)._tag).toBe("Right")
    expect(decode("80%")._tag).toBe("Right")
    expect(decode("80 percent")._tag).toBe("Left")
  })
})
