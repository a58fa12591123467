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

  it("remembers a failed run for the interval, then tries again", async () => {
    let clock = 0
    let calls = 0
    const cached = cachedRunner(
      async () => {
        calls += 1
        if (calls === 1) throw new Error("boom")
        return "ok"
      },
      { ttlMs: 1000, now: () => clock },
    )
    await expect(cached.get()).rejects.toThrow("boom")
    await expect(cached.get()).rejects.toThrow("boom")
    expect(calls).toBe(1)
    clock = 1000
    expect(await cached.get()).toBe("ok")
  })

  it("serves the last value while the next run is in flight, within the stale window", async () => {
    let clock = 0
    let release: (value: number) => void = () => undefined
    let calls = 0
    const cached = cachedRunner(
      () => {
        calls += 1
        if (calls === 1) return Promise.resolve(1)
        return new Promise<number>((resolve) => {
          release = resolve
        })
      },
      { ttlMs: 1000, staleMs: 500, now: () => clock },
    )
    expect(await cached.get()).toBe(1)
    clock = 1200
    // Stale: served at once, and one refresh starts for all of them.
    expect(await Promise.all([cached.get(), cached.get(), cached.get()])).toEqual([1, 1, 1])
    expect(cached.runs()).toBe(2)
    release(2)
    await new Promise((resolve) => setImmediate(resolve))
    expect(await cached.get()).toBe(2)
    // Beyond the stale window callers wait for the run.
    clock = 1200 + 1000 + 500
    const waiting = cached.get()
    release(3)
    expect(await waiting).toBe(3)
    expect(cached.runs()).toBe(3)
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
