import { describe, expect, it } from "vitest"
import { prepared } from "../src/internal/Prepared.js"

describe("prepared statements", () => {
  it("names a text the same each time and another text otherwise (pg refuses one name for two texts)", () => {
    const look = prepared(`SELECT id FROM "ir_a".incidents WHERE id = $1`, ["x"])
    const again = prepared(`SELECT id FROM "ir_a".incidents WHERE id = $1`, ["y"])
    const otherSchema = prepared(`SELECT id FROM "ir_b".incidents WHERE id = $1`, ["x"])
    expect(again.name).toBe(look.name)
    expect(otherSchema.name).not.toBe(look.name)
    expect(again.values).toEqual(["y"])
    expect(look.text).toBe(`SELECT id FROM "ir_a".incidents WHERE id = $1`)
  })
})
