import { describe, expect, it } from "vitest"
import { backoffDelay, parseRetryAfter, sleep } from "../src/internal/retry.js"

describe("backoff", () => {
  it("grows exponentially under a cap, with full jitter", () => {
    expect([1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, 500, 3_000, () => 1))).toEqual([
      500, 1_000, 2_000, 3_000, 3_000,
    ])
    expect(backoffDelay(3, 500, 3_000, () => 0)).toBe(0)
    expect(backoffDelay(2, 500, 3_000, () => 0.5)).toBe(500)
  })

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-28T10:00:00Z")
    expect(parseRetryAfter("120", now)).toBe(120_000)
    expect(parseRetryAfter("Sat, 28 Nov 2026 10:00:30 GMT", now)).toBe(30_000)
    expect(parseRetryAfter("Sat, 28 Nov 2026 09:00:00 GMT", now)).toBe(0)
    expect(parseRetryAfter(["5"], now)).toBe(5_000)
    expect(parseRetryAfter("soon", now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })

  it("sleeps until aborted", async () => {
    const controller = new AbortController()
    const waiting = sleep(60_000, controller.signal)
    controller.abort(new Error("stop"))
    await expect(waiting).rejects.toThrow("stop")
    await expect(sleep(1, controller.signal)).rejects.toThrow("stop")
    await expect(sleep(1)).resolves.toBeUndefined()
  })
})
