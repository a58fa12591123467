// What one `/metrics` scrape counts of the incident figures, in one pass: the time-to histograms'
// buckets by severity, the response deadlines' outcomes, the escalations by rule and the open and
// overdue action items. What does not change while a figure stays the same object (its durations,
// a deadline met or missed) is computed once per figure and kept beside it in a WeakMap, so a
// scrape of a journal of 10,000 unchanged incidents allocates a few counters, not an object per
// incident and metric.
import { Report, type Runbook } from "@ir/core"
import type { IncidentFigure } from "../IncidentFigure.js"

/** One histogram's counts for one severity: per bucket (the last one `+Inf`), sum and count. */
export interface HistogramCounts {
  readonly buckets: Array<number>
  sum: number
  count: number
}

export type Duration = "acknowledge" | "mitigate" | "resolve"

export interface Tally {
  readonly durations: Record<Duration, Map<string, HistogramCounts>>
  /** `severity` → outcome → count. */
  readonly response: Map<string, Map<string, number>>
  readonly escalations: Map<string, number>
  readonly actionItems: { open: number; overdue: number }
}

interface Measured {
  readonly durations: Partial<Record<Duration, number>>
  /** The deadline's outcome once it can no longer change (`met` or `missed`). */
  outcome?: "met" | "missed"
}

const durationNames: ReadonlyArray<Duration> = ["acknowledge", "mitigate", "resolve"]

const bucketOf = (bounds: ReadonlyArray<number>, value: number): number => {
  let index = 0
  while (index < bounds.length && value > (bounds[index] as number)) index += 1
  return index
}

/**
 * A tally function for `runbook`'s deadlines and the histograms' `bounds`; it keeps what it
 * measured of each figure object for the next tally.
 */
export const createFigureTally = (
  runbook: Pick<Runbook, "severities" | "calendar">,
  bounds: ReadonlyArray<number>,
): ((figures: ReadonlyArray<IncidentFigure>, now: Date) => Tally) => {
  const measured = new WeakMap<IncidentFigure, Measured>()
  const measure = (figure: IncidentFigure): Measured => {
    let known = measured.get(figure)
    if (known === undefined) {
      known = { durations: Report.durations(figure) }
      measured.set(figure, known)
    }
    return known
  }
  return (figures, now) => {
    const tally: Tally = {
      durations: { acknowledge: new Map(), mitigate: new Map(), resolve: new Map() },
      response: new Map(),
      escalations: new Map(),
      actionItems: { open: 0, overdue: 0 },
    }
    const nowMs = now.getTime()
    for (let index = 0; index < figures.length; index += 1) {
      const figure = figures[index] as IncidentFigure
      const known = measure(figure)
      for (let index = 0; index < durationNames.length; index += 1) {
        const name = durationNames[index] as Duration
        const seconds = known.durations[name]
        if (seconds === undefined) continue
        const bucket = bucketOf(bounds, seconds)
        const bySeverity = tally.durations[name]
        let counts = bySeverity.get(figure.severity)
        if (counts === undefined) {
          counts = { buckets: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 }
          bySeverity.set(figure.severity, counts)
        }
        counts.buckets[bucket] = (counts.buckets[bucket] as number) + 1
        counts.sum += seconds
        counts.count += 1
      }
      // Pending can turn into missed as time passes: only met and missed are kept.
      const outcome = known.outcome ?? Report.responseOf(runbook, figure, now)
      if (outcome !== "pending") known.outcome = outcome
      let outcomes = tally.response.get(figure.severity)
      if (outcomes === undefined) {
        outcomes = new Map()
        tally.response.set(figure.severity, outcomes)
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
      for (let index = 0; index < figure.escalations.length; index += 1) {
        const rule = (figure.escalations[index] as { readonly rule: string }).rule
        tally.escalations.set(rule, (tally.escalations.get(rule) ?? 0) + 1)
      }
      for (let index = 0; index < figure.actionItems.length; index += 1) {
        const item = figure.actionItems[index] as IncidentFigure["actionItems"][number]
        if (item.doneAt !== undefined) continue
        tally.actionItems.open += 1
        if (item.due !== undefined && item.due.getTime() < nowMs) tally.actionItems.overdue += 1
      }
    }
    return tally
  }
}
