/**
 * A cached, single-flight runner: concurrent callers share one in-flight run, and a finished run
 * is served from cache for `ttlMs`. A flood of health requests causes at most one probe run per
 * interval, and so never more database connections than one run uses.
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

/** A cached, single-flight run (see {@link cachedRunner}). */
export interface CachedRunner<A> {
  /** The cached value while fresh; otherwise the in-flight run, or a new one. */
  readonly get: () => Promise<A>
  /** The cached value while fresh, without waiting; `undefined` when a run is needed. */
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
  /** The clock in milliseconds (tests pass their own). */
  readonly now?: () => number
}

/**
 * Wraps `run` so that concurrent callers share one in-flight run and a finished run is served
 * for `ttlMs`. A run that rejects is not cached: the next call starts a new one.
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
  let cached: { readonly value: A; readonly at: number } | undefined
  let inFlight: Promise<A> | undefined
  let started = 0
  const peek = (): A | undefined =>
    cached !== undefined && now() - cached.at < options.ttlMs ? cached.value : undefined
  const get = (): Promise<A> => {
    const fresh = peek()
    if (fresh !== undefined) return Promise.resolve(fresh)
    if (inFlight !== undefined) return inFlight
    started += 1
    const current = (async () => run())().then(
      (value) => {
        cached = { value, at: now() }
        inFlight = undefined
        return value
      },
      (error: unknown) => {
        inFlight = undefined
        throw error
      },
    )
    inFlight = current
    return current
  }
  return { get, peek, runs: () => started }
}
