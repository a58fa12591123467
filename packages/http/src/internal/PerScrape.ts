// One run per `/metrics` scrape: prom-client collects every metric of a scrape at once, and the
// metrics that read the same source (the journal, the figures' tally) share one run of it.

/**
 * `run`, shared: a call while a run is in flight, or before the event loop's turn after it
 * settled, gets that run's promise; a later call starts a new run.
 */
export const perScrape = <A>(run: () => Promise<A>): (() => Promise<A>) => {
  let shared: Promise<A> | undefined
  return () => {
    if (shared !== undefined) return shared
    const current = run()
    shared = current
    const release = () =>
      setImmediate(() => {
        if (shared === current) shared = undefined
      })
    current.then(release, release)
    return current
  }
}
