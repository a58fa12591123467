// Backoff between attempts: exponential with full jitter, capped; and the peer's Retry-After.

/** Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1). */
export const backoffDelay = (
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number => Math.round(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)))

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export const parseRetryAfter = (
  value: string | ReadonlyArray<string> | undefined,
  now: number,
): number | undefined => {
  const raw = Array.isArray(value) ? value[0] : value
  if (typeof raw !== "string" || raw.trim() === "") return undefined
  const text = raw.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Waits, unless the signal aborts first (then rejects with the signal's reason). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener("abort", onAbort, { once: true })
  })
