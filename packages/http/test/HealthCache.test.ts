import { describe, expect, it } from "vitest"
import { cachedRunner } from "../src/HealthCache.js"

describe("cachedRunner", () => {
  it("shares one in-flight run between 200 concurrent callers", async () => {
    let release: (value: number) => void = () => undefined
    let started = 0
    const cached = cachedRunner(
      () => {
        started += 1
        return new Promise<number>((resolve) => {
          release = resolve
        })
      },
      { ttlMs: 1000 },
    )
    const all = Promise.all(Array.from({ length: 200 }, () => cached.get()))
    release(42)
    expect(await all).toEqual(Array.from({ length: 200 }, () => 42))
    expect(started).toBe(1)
    expect(cached.runs()).toBe(1)
  })

  it("serves the finished run until the interval passes, then runs again", async () => {
    let clock = 0
    let calls = 0
    const cached = cachedRunner(async () => ++calls, { ttlMs: 1000, now: () => clock })
    expect(await cached.get()).toBe(1)
    clock = 999
    expect(cached.peek()).toBe(1)
    expect(await cached.get()).toBe(1)
    clock = 1000
    expect(cached.peek()).toBeUndefined()
    expect(await cached.get()).toBe(2)
    expect(cached.runs()).toBe(2)
  })

  it("does not cache a failed run: the next call tries again", async () => {
    let calls = 0
    const cached = cachedRunner(
      async () => {
        calls += 1
        if (calls === 1) throw new Error("boom")
        return "ok"
      },
      { ttlMs: 60_000 },
    )
    await expect(cached.get()).rejects.toThrow("boom")
    expect(await cached.get()).toBe("ok")
  })

  it("turns a run that throws synchronously into a rejection", async () => {
    const cached = cachedRunner<number>(
      () => {
        throw new Error("sync")
      },
      { ttlMs: 10 },
    )
    await expect(cached.get()).rejects.toThrow("sync")
  })
})
