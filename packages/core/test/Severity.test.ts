import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  defaultRunbook,
  findSeverity,
  highestSeverity,
  maxSeverity,
  ResponseTime,
  Severity,
  severityLevels,
  severityRank,
} from "../src/index.js"

describe("Severity", () => {
  it("orders levels from P0 (most severe) to P3", () => {
    expect(severityLevels).toEqual(["P0", "P1", "P2", "P3"])
    expect(severityLevels.map(severityRank)).toEqual([0, 1, 2, 3])
  })

  it("picks the more severe of two levels, and the most severe of many", () => {
    expect(maxSeverity("P2", "P1")).toBe("P1")
    expect(maxSeverity("P0", "P3")).toBe("P0")
    expect(maxSeverity("P2", "P2")).toBe("P2")
    expect(highestSeverity(["P3", "P1", "P2"])).toBe("P1")
    expect(highestSeverity(new Set(["P2" as const]))).toBe("P2")
    expect(highestSeverity([])).toBeUndefined()
  })

  it("defines the seed's four levels with their response times and update cadence", () => {
    const p0 = findSeverity(defaultRunbook.severities, "P0")
    expect(p0).toMatchObject({
      name: "Critical",
      responseTime: { minutes: 15 },
      raise: ["page"],
      updateEveryMinutes: 30,
    })
    expect(findSeverity(defaultRunbook.severities, "P1")?.updateEveryMinutes).toBe(60)
    expect(findSeverity(defaultRunbook.severities, "P2")?.responseTime).toEqual({ minutes: 240 })
    expect(findSeverity(defaultRunbook.severities, "P3")?.responseTime).toEqual({
      businessDays: 1,
    })
    expect(findSeverity([], "P0")).toBeUndefined()
  })

  it("rejects response times that cannot be met or make no sense", () => {
    const decode = Schema.decodeUnknownEither(ResponseTime)
    expect(decode({ minutes: 0 })._tag).toBe("Left")
    expect(decode({ businessDays: 1.5 })._tag).toBe("Left")
    expect(decode({ hours: 1 })._tag).toBe("Left")
    expect(decode({ minutes: 90 })._tag).toBe("Right")
  })

  it("rejects a severity with an unknown level or raise method", () => {
    const p1 = Schema.encodeSync(Severity)(defaultRunbook.severities[1]!)
    const decode = Schema.decodeUnknownEither(Severity)
    expect(decode(p1)._tag).toBe("Right")
    expect(decode({ ...p1, level: "P4" })._tag).toBe("Left")
    expect(decode({ ...p1, raise: ["carrier-pigeon"] })._tag).toBe("Left")
  })
})
