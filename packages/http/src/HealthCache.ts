/**
 * A cached, single-flight runner: concurrent callers share one in-flight run, and a finished run
 * is served from cache for `ttlMs`. A flood of health requests causes at most one probe run per
 * interval, and so never more database connections than one run uses. Past `ttlMs`, the last
 * value may still be served for `staleMs` while the next run is in flight, so callers do not all
 * wait for it.
 *
 * @example
 * ```ts
 * import { cachedRunner } from "@ir/http"
 * import { runProbes } from "@ir/diagnostics"
 * const health = cachedRunner(() => runProbes({ host: {} }, { probes: ["host.memory"] }), {
 *   ttlMs: 1000,
 * })
 * const run = await health.get() // 200 concurrent calls here would share one run
 * ```
 */

/**
 * A cached, single-flight run (see {@link cachedRunner}).
 *
 * @example
 * ```ts
 * import type { CachedRunner } from "@ir/http"
 * const serveNow = <A>(cached: CachedRunner<A>) => cached.peek() ?? cached.get()
 * ```
 */
export interface CachedRunner<A> {
  /** The cached value while fresh; otherwise the in-flight run, or a new one. */
  readonly get: () => Promise<A>
  /**
   * The value to serve now, without waiting: the cached one while fresh, or while within
   * `staleMs` of expiry (starting the next run in the background); `undefined` when callers must
   * wait for a run.
   */
  readonly peek: () => A | undefined
  /** How many runs were started. */
  readonly runs: () => number
}

/**
 * Options of {@link cachedRunner}.
 *
 * @example
 * ```ts
 * import type { CachedRunnerOptions } from "@ir/http"
 * const options: CachedRunnerOptions = { ttlMs: 1000 }
 * ```
 */
export interface CachedRunnerOptions {
  /** How long a finished run is served (from when it finished). 0 shares in-flight runs only. */
  readonly ttlMs: number
  /**
   * How long past `ttlMs` the last value is still served while the next run is in flight
   * (default 0: callers wait for the run). Bound it by the run's own deadline.
   */
  readonly staleMs?: number
  /** The clock in milliseconds (tests pass their own). */
  readonly now?: () => number
}

/**
 * Wraps `run` so that concurrent callers share one in-flight run and a finished run is served
 * for `ttlMs`. A run that rejects is remembered for `ttlMs` too (callers get its error), so a
 * failing run is not retried by every request either.
 *
 * @example
 * ```ts
 * import { cachedRunner } from "@ir/http"
 * let calls = 0
 * const cached = cachedRunner(async () => ++calls, { ttlMs: 60_000 })
 * await Promise.all([cached.get(), cached.get(), cached.get()]) // [1, 1, 1]
 * cached.runs() // 1
 * ```
 */
export const cachedRunner = <A>(
  run: () => Promise<A>,
  options: CachedRunnerOptions,
): CachedRunner<A> => {
  const now = options.now ?? Date.now
  const staleMs = options.staleMs ?? 0
  let cached: { readonly value: A; readonly at: number } | undefined
  let failure: { readonly error: unknown; readonly at: number } | undefined
  let inFlight: Promise<A> | undefined
  let started = 0
  /** A run failed less than `ttlMs` ago: callers are not to start another yet. */
  const failedRecently = () => failure !== undefined && now() - failure.at < options.ttlMs
  const start = (): Promise<A> => {
    if (inFlight !== undefined) return inFlight
    started += 1
    const current = (async () => run())().then(
      (value) => {
        cached = { value, at: now() }
        failure = undefined
        inFlight = undefined
        return value
      },
      (error: unknown) => {
        failure = { error, at: now() }
        inFlight = undefined
        throw error
      },
    )
    inFlight = current
    return current
  }
  const peek = (): A | undefined => {
    if (cached === undefined) return undefined
    const age = now() - cached.at
    if (age < options.ttlMs) return cached.value
    if (age >= options.ttlMs + staleMs) return undefined
    // Stale but recent: serve it, and refresh in the background.
    if (!failedRecently()) start().catch(() => undefined)
    return cached.value
  }
  const get = (): Promise<A> => {
    const ready = peek()
    if (ready !== undefined) return Promise.resolve(ready)
    if (inFlight === undefined && failedRecently()) return Promise.reject(failure?.error)
    return start()
  }
  return { get, peek, runs: () => started }
}
