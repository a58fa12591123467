// The board's live stream (Server-Sent Events). One poller for every open stream lists the
// journal every `pollMs` and compares each incident's sequence with the last look; when any
// changed (another process appended, an incident opened), every stream gets `event: change` with
// the ids that changed. The poller runs only while a stream is open. Each event's `id` is the
// journal's fingerprint, so a browser reconnecting (it sends `Last-Event-ID`) or a page opening
// the stream (`?v=` the fingerprint it was rendered from) learns at once what it missed.
import { createHash } from "node:crypto"
import type { IncidentSummary } from "@ir/journal"

/** Identifies the journal's state: every incident's (id, sequence), hashed. */
export const fingerprintOf = (summaries: ReadonlyArray<IncidentSummary>): string =>
  createHash("sha256")
    .update(
      summaries
        .map((summary) => `${summary.humanId}:${summary.sequence}`)
        .sort()
        .join("\n"),
    )
    .digest("base64url")
    .slice(0, 22)

type Snapshot = ReadonlyMap<string, number>

const snapshotOf = (summaries: ReadonlyArray<IncidentSummary>): Snapshot =>
  new Map(summaries.map((summary) => [summary.humanId, summary.sequence]))

/** The incidents added, removed or appended to between two looks, sorted. */
export const changedIds = (before: Snapshot, after: Snapshot): ReadonlyArray<string> => {
  const changed = new Set<string>()
  for (const [id, sequence] of after) if (before.get(id) !== sequence) changed.add(id)
  for (const id of before.keys()) if (!after.has(id)) changed.add(id)
  return [...changed].sort()
}

const changeEvent = (fingerprint: string, ids: ReadonlyArray<string>) =>
  `event: change\nid: ${fingerprint}\ndata: ${JSON.stringify(ids)}\n\n`

interface Subscriber {
  /** The fingerprint the client last saw, until the first look compares it. */
  since: string | undefined
  compared: boolean
  readonly send: (text: string) => void
  readonly end: () => void
}

export interface BoardStream {
  /** A `text/event-stream` response that lasts until the client goes or `close` is called. */
  readonly open: (request: Request) => Response
  /** Ends every stream and stops polling; later streams are refused. */
  readonly close: () => void
}

export const boardStream = (options: {
  readonly list: () => Promise<ReadonlyArray<IncidentSummary>>
  readonly pollMs: number
  readonly heartbeatMs: number
  /** Headers of a refused stream's answer (after `close`). */
  readonly closed: () => Response
}): BoardStream => {
  const subscribers = new Set<Subscriber>()
  let timer: ReturnType<typeof setInterval> | undefined
  let last: { readonly snapshot: Snapshot; readonly fingerprint: string } | undefined
  let polling = false
  let closed = false

  const compare = (subscriber: Subscriber, fingerprint: string) => {
    subscriber.compared = true
    if (subscriber.since !== undefined && subscriber.since !== fingerprint)
      subscriber.send(changeEvent(fingerprint, []))
    subscriber.since = undefined
  }

  const poll = async () => {
    if (polling) return
    polling = true
    try {
      const summaries = await options.list()
      if (subscribers.size === 0) return
      const snapshot = snapshotOf(summaries)
      const fingerprint = fingerprintOf(summaries)
      const previous = last
      last = { snapshot, fingerprint }
      const changed = previous === undefined ? [] : changedIds(previous.snapshot, snapshot)
      for (const subscriber of subscribers) {
        if (!subscriber.compared) compare(subscriber, fingerprint)
        else if (changed.length > 0) subscriber.send(changeEvent(fingerprint, changed))
      }
    } catch {
      // A journal that fails one look (busy, slow) is looked at again at the next interval.
    } finally {
      polling = false
    }
  }

  const stopWhenIdle = () => {
    if (subscribers.size > 0 || timer === undefined) return
    clearInterval(timer)
    timer = undefined
    last = undefined
  }

  const subscribe = (subscriber: Subscriber) => {
    subscribers.add(subscriber)
    if (last !== undefined) compare(subscriber, last.fingerprint)
    if (timer === undefined) {
      timer = setInterval(() => void poll(), options.pollMs)
      timer.unref?.()
      void poll()
    }
  }

  const open = (request: Request): Response => {
    if (closed) return options.closed()
    const url = new URL(request.url)
    const since = request.headers.get("last-event-id") ?? url.searchParams.get("v") ?? undefined
    const encoder = new TextEncoder()
    let subscriber: Subscriber | undefined
    let heartbeat: ReturnType<typeof setInterval> | undefined
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        let ended = false
        const self: Subscriber = {
          since: since === "" ? undefined : since,
          compared: false,
          send: (text) => {
            if (ended) return
            try {
              controller.enqueue(encoder.encode(text))
            } catch {
              self.end()
            }
          },
          end: () => {
            if (ended) return
            ended = true
            if (heartbeat !== undefined) clearInterval(heartbeat)
            subscribers.delete(self)
            stopWhenIdle()
            try {
              controller.close()
            } catch {
              // already closed by the client going away
            }
          },
        }
        subscriber = self
        // `retry`: how soon a browser reconnects after the stream ends (a restart, a proxy).
        self.send("retry: 2000\n: connected\n\n")
        heartbeat = setInterval(() => self.send(": heartbeat\n\n"), options.heartbeatMs)
        heartbeat.unref?.()
        if (request.signal.aborted) {
          self.end()
          return
        }
        request.signal.addEventListener("abort", () => self.end(), { once: true })
        subscribe(self)
      },
      cancel: () => subscriber?.end(),
    })
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        // Proxies that buffer (nginx) would hold the events back.
        "x-accel-buffering": "no",
      },
    })
  }

  return {
    open,
    close: () => {
      closed = true
      for (const subscriber of [...subscribers]) subscriber.end()
      stopWhenIdle()
    },
  }
}
