/**
 * The incidents of a journal as `/metrics` measures them, read incrementally: each scrape lists
 * the journal (one read of the summaries) and reads again only the incidents whose sequence
 * changed since the last scrape; the rest come from memory. A resolved incident that no longer
 * changes is read once per process. With `fromSummary`, an incident whose summary carries what
 * is kept is not read at all (the file journal's index keeps the figures of `/metrics`).
 *
 * @example
 * ```ts
 * import { createIncidentFigures } from "@ir/http"
 * const figures = createIncidentFigures(journal)
 * const incidents = await figures.read()
 * ```
 */
import type { Incident } from "@ir/core"
import type { IncidentSummary, Journal } from "@ir/journal"
import * as Effect from "effect/Effect"

/**
 * The reader.
 *
 * @example
 * ```ts
 * import type { IncidentFigures } from "@ir/http"
 * const count = async (figures: IncidentFigures) => (await figures.read()).length
 * ```
 */
export interface IncidentFigures<A = Incident> {
  /**
   * Every incident's folded state (or what `keep` takes of it); rejects when the journal does
   * not answer in time.
   */
  readonly read: () => Promise<ReadonlyArray<A>>
}

/** The options of {@link createIncidentFigures}, as its implementation takes them. */
interface FigureOptions<A> {
  readonly timeoutMs?: number
  readonly include?: (summary: IncidentSummary) => boolean
  readonly keep?: (incident: Incident) => A
  readonly fromSummary?: (summary: IncidentSummary) => A | undefined
}

/**
 * Creates the reader for a journal; each journal call has `timeoutMs` (default 5 s). With
 * `include`, only the incidents whose summary it accepts are read (and returned). With `keep`,
 * only what it takes of each incident stays in memory (the figures of `/metrics` keep a few
 * dates, not every event). With `fromSummary`, what it returns of a summary is kept instead of
 * reading the incident; it returns undefined when the summary does not carry enough.
 *
 * @example
 * ```ts
 * import { createIncidentFigures } from "@ir/http"
 * const figures = createIncidentFigures(journal, { timeoutMs: 2_000 })
 * ```
 */
export function createIncidentFigures(
  journal: Journal,
  options?: {
    readonly timeoutMs?: number
    readonly include?: (summary: IncidentSummary) => boolean
  },
): IncidentFigures<Incident>
export function createIncidentFigures<A>(
  journal: Journal,
  options: {
    readonly timeoutMs?: number
    readonly include?: (summary: IncidentSummary) => boolean
    readonly keep: (incident: Incident) => A
    readonly fromSummary?: (summary: IncidentSummary) => A | undefined
  },
): IncidentFigures<A>
export function createIncidentFigures<A>(
  journal: Journal,
  options: FigureOptions<A> = {},
): IncidentFigures<A | Incident> {
  const timeout = `${options.timeoutMs ?? 5000} millis` as const
  const of = figuresOfSummaries(journal, options)
  return {
    read: () =>
      Effect.runPromise(
        journal.list().pipe(
          Effect.timeout(timeout),
          Effect.flatMap((summaries) => of(summaries)),
        ),
      ),
  }
}

/**
 * The figures of `summaries` as {@link createIncidentFigures} reads them, kept between calls:
 * each from its summary when `fromSummary` takes it, else read again only when its sequence
 * changed since the last call (the incidents left out of a call are forgotten). For the readers
 * that list the journal their own way (the figures of `/metrics` list its settled part apart).
 */
export const figuresOfSummaries = <A>(
  journal: Journal,
  options: FigureOptions<A>,
): ((summaries: ReadonlyArray<IncidentSummary>) => Effect.Effect<Array<A | Incident>>) => {
  const keep = options.keep ?? ((incident: Incident): A | Incident => incident)
  const timeout = `${options.timeoutMs ?? 5000} millis` as const
  const known = new Map<string, { readonly sequence: number; readonly state: A | Incident }>()
  const fromSummaries = new WeakMap<IncidentSummary, A>()
  return (summaries) =>
    Effect.gen(function* () {
      const present = new Set<string>()
      const states: Array<A | Incident> = []
      for (const summary of summaries) {
        if (options.include !== undefined && !options.include(summary)) continue
        // Taken from the summary, kept only while the journal keeps that summary object (the
        // file journal's index does until the incident changes): an unchanged incident gives
        // the same object at each read, and nothing outlives the summary.
        let carried = fromSummaries.get(summary)
        if (carried === undefined && options.fromSummary !== undefined) {
          carried = options.fromSummary(summary)
          if (carried !== undefined) fromSummaries.set(summary, carried)
        }
        if (carried !== undefined) {
          states.push(carried)
          continue
        }
        present.add(summary.id)
        let entry = known.get(summary.id)
        if (entry?.sequence !== summary.sequence) {
          // A damaged or vanished incident is left out of the figures, never fatal to them.
          const record = yield* journal
            .read(summary.id)
            .pipe(Effect.timeout(timeout), Effect.option)
          entry =
            record._tag === "Some"
              ? { sequence: record.value.sequence, state: keep(record.value.state) }
              : undefined
          if (entry === undefined) known.delete(summary.id)
          else known.set(summary.id, entry)
        }
        if (entry !== undefined) states.push(entry.state)
      }
      for (const id of known.keys()) if (!present.has(id)) known.delete(id)
      return states
    })
}
