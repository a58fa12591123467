// What `/metrics` reads of a journal at each scrape, in one list: the incident counts by severity
// and status (`ir_incidents`) and the tally of the incident figures. The journal's settled part
// (incidents resolved long ago, which no longer change: see `Journal.listSettledApart`) is gone
// through only when its stamp changes, a summary at a time, and kept as counts (a
// `SettledShare`), never as summaries: over a file journal of 10,000 incidents, `ir serve` holds
// its incidents in progress and those resolved lately, not 10,000 summaries and the young
// generation V8 grows while they are made.
import type { Runbook } from "@ir/core"
import type { IncidentSummary, Journal } from "@ir/journal"
import * as Effect from "effect/Effect"
import { figureOf, figureOfSummary, type IncidentFigure } from "../IncidentFigure.js"
import { figuresOfSummaries } from "../IncidentFigures.js"
import type { IncidentCount } from "../Metrics.js"
import {
  addSettledShare,
  createFigureTally,
  type SettledShare,
  settledShareBuilder,
  type Tally,
} from "./FigureTally.js"
import { perScrape } from "./PerScrape.js"

/** A scrape's reading of the journal. */
export interface JournalReading {
  readonly counts: ReadonlyArray<IncidentCount>
  readonly tally: Tally
}

/** The settled part as the last reading that went through it left it. */
interface Settled {
  readonly stamp: string
  readonly counts: ReadonlyMap<string, IncidentCount>
  readonly share: SettledShare
}

const countInto = (counts: Map<string, IncidentCount>, summary: IncidentSummary): void => {
  const key = `${summary.severity}/${summary.status}`
  const previous = counts.get(key)
  counts.set(key, {
    severity: summary.severity,
    status: summary.status,
    count: (previous?.count ?? 0) + 1,
  })
}

/**
 * The reader of `journal` for `/metrics`, with the runbook that sets the deadlines and the
 * histograms' `bounds`; each journal call has `timeoutMs`. `read` rejects when the journal does
 * not answer in time (the last figures stay, and `ir_journal_up` says so). One reading serves
 * every metric of a scrape (see `perScrape`).
 */
export const createJournalMetrics = (
  journal: Journal,
  runbook: Pick<Runbook, "severities" | "calendar">,
  bounds: ReadonlyArray<number>,
  timeoutMs = 5000,
): { readonly read: () => Promise<JournalReading> } => {
  const timeout = `${timeoutMs} millis` as const
  const figuresOf = figuresOfSummaries<IncidentFigure>(journal, {
    timeoutMs,
    keep: figureOf,
    fromSummary: figureOfSummary,
  })
  const tallyOf = createFigureTally(runbook, bounds)
  let settled: Settled | undefined
  const read = (): Promise<JournalReading> =>
    Effect.runPromise(
      Effect.gen(function* () {
        const now = new Date()
        const visitedCounts = new Map<string, IncidentCount>()
        const share = settledShareBuilder(runbook, bounds, now)
        const unread: Array<string> = []
        const answer = yield* journal
          .listSettledApart({
            ...(settled === undefined ? {} : { known: settled.stamp }),
            visit: (summary) => {
              countInto(visitedCounts, summary)
              const figure = figureOfSummary(summary)
              if (figure === undefined) unread.push(summary.id)
              else share.add(figure)
            },
          })
          .pipe(Effect.timeout(timeout))
        if (answer.settled !== settled?.stamp) {
          if (answer.visited) {
            // A summary without its figures (an index written by an older version): read.
            for (const id of unread) {
              const record = yield* journal.read(id).pipe(Effect.timeout(timeout), Effect.option)
              if (record._tag === "Some") share.add(figureOf(record.value.state))
            }
            settled = { stamp: answer.settled, counts: visitedCounts, share: share.done() }
          } else {
            // The part turned out unreadable: its incidents are in the summaries now.
            const empty = settledShareBuilder(runbook, bounds, now).done()
            settled = { stamp: answer.settled, counts: new Map(), share: empty }
          }
        }
        const current = settled as Settled
        const counts = new Map(current.counts)
        for (const summary of answer.summaries) countInto(counts, summary)
        const figures = yield* figuresOf(answer.summaries)
        const tally = addSettledShare(tallyOf(figures, now), current.share, runbook, now)
        return { counts: [...counts.values()], tally }
      }),
    )
  return { read: perScrape(read) }
}
