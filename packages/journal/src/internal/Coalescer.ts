// Look-ups that arrive while one is in flight wait for it, then share a single query: under an
// alert storm every notification looks up its group's key (and every open the maintenance
// windows), and one query per notification was most of what the PostgreSQL journal sent. Each
// query starts after every look-up it answers arrived, so a caller never gets an answer older
// than its call (no write it could have seen is missed). At most `maxBatch` keys go in one query.

/** Answers each key of the batch; a key it leaves out is answered `undefined`. */
export type BatchLookup<K, V> = (keys: ReadonlyArray<K>) => Promise<ReadonlyMap<K, V>>

interface Waiting<K, V> {
  readonly key: K
  readonly resolve: (value: V | undefined) => void
  readonly reject: (error: unknown) => void
}

export const coalescing = <K, V>(
  lookup: BatchLookup<K, V>,
  maxBatch = 500,
): ((key: K) => Promise<V | undefined>) => {
  let waiting: Array<Waiting<K, V>> = []
  let running = false
  const drain = async () => {
    running = true
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch)
      waiting = waiting.slice(maxBatch)
      try {
        const found = await lookup([...new Set(batch.map((entry) => entry.key))])
        for (const entry of batch) entry.resolve(found.get(entry.key))
      } catch (error) {
        for (const entry of batch) entry.reject(error)
      }
    }
    running = false
  }
  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      waiting.push({ key, resolve, reject })
      if (!running) void drain()
    })
}
