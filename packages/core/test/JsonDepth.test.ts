import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as JsonDepth from "../src/JsonDepth.js"

/** The depth of a parsed value, by walking it (the reference the scanner must agree with). */
const depthOf = (value: unknown): number =>
  value !== null && typeof value === "object"
    ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depthOf))
    : 0

describe("JsonDepth", () => {
  it("counts arrays and objects, not brackets inside strings", () => {
    expect(JsonDepth.of("1")).toBe(0)
    expect(JsonDepth.of('"[[["')).toBe(0)
    expect(JsonDepth.of("[]")).toBe(1)
    expect(JsonDepth.of('{"alerts":[{"labels":{"a":"]}"}}]}')).toBe(4)
    expect(JsonDepth.of('["\\"[", [[]]]')).toBe(3)
  })

  it("agrees with a walk of the parsed value, for any JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(JsonDepth.of(JSON.stringify(value))).toBe(depthOf(value))
      }),
      { numRuns: 300 },
    )
  })

  it("stops past the limit, so 50,000 nested arrays cost a few steps", () => {
    const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`
    expect(JsonDepth.of(deep, 32)).toBe(33)
    expect(JsonDepth.isWithin(deep, 32)).toBe(false)
    expect(JsonDepth.of(deep)).toBe(50_000)
    expect(JsonDepth.isWithin('{"status":"pass"}', 1)).toBe(true)
  })
})
