// Look-ups arriving while one is in flight share the next query, and never get an answer from a
// query that began before they were made.
import { describe, expect, it } from "vitest"
import { coalescing } from "../src/internal/Coalescer.js"

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe("coalescing look-ups", () => {
  it("answers the calls made while a query is in flight with one next query, started after them", async () => {
    let value = 0
    const batches: Array<ReadonlyArray<string>> = []
    const lookUp = coalescing<string, string>(async (keys) => {
      batches.push(keys)
      const seen = value // what the store holds when the query starts
      await tick()
      return new Map(keys.map((key) => [key, `${key}@${seen}`]))
    })
    const first = lookUp("a")
    // Written after the first query started: the calls below must see it.
    value = 1
    const later = ["b", "c", "b"].map((key) => lookUp(key))
    expect(await first).toBe("a@0")
    expect(await Promise.all(later)).toEqual(["b@1", "c@1", "b@1"])
    expect(batches).toEqual([["a"], ["b", "c"]])
    // Idle again: the next call queries at once, alone.
    expect(await lookUp("d")).toBe("d@1")
    expect(batches).toHaveLength(3)
  })

  it("answers a key the query leaves out with undefined, and fails only the batch whose query failed", async () => {
    let fail = true
    const lookUp = coalescing<string, number>(async (keys) => {
      const failing = fail // as the store is when the query starts
      await tick()
      if (failing) throw new Error("database gone")
      return new Map(keys.filter((key) => key !== "missing").map((key) => [key, key.length]))
    })
    const failed = lookUp("abc")
    const next = [lookUp("missing"), lookUp("four")]
    fail = false
    await expect(failed).rejects.toThrow("database gone")
    expect(await Promise.all(next)).toEqual([undefined, 4])
  })

  it("puts at most maxBatch keys in one query", async () => {
    const sizes: Array<number> = []
    const lookUp = coalescing<number, number>(async (keys) => {
      sizes.push(keys.length)
      await tick()
      return new Map(keys.map((key) => [key, key * 2]))
    }, 3)
    const answers = await Promise.all(Array.from({ length: 8 }, (_, key) => lookUp(key)))
    expect(answers).toEqual([0, 2, 4, 6, 8, 10, 12, 14])
    expect(sizes).toEqual([1, 3, 3, 1])
  })
})
