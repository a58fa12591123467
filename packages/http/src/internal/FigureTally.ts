// What one `/metrics` scrape counts of the incident figures, in one pass: the time-to histograms'
// buckets by severity, the response deadlines' outcomes, the escalations by rule and the open and
// overdue action items. What does not change while a figure stays the same object (its durations,
// a deadline met or missed) is computed once per figure and kept beside it in a WeakMap, so a
// scrape of a journal of 10,000 unchanged incidents allocates a few counters, not an object per
// incident and metric. The incidents that no longer change at all (a journal's settled part) are
// tallied once into a share that each scrape adds (see `SettledShare`), and not held.
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

const emptyTally = (): Tally => ({
  durations: { acknowledge: new Map(), mitigate: new Map(), resolve: new Map() },
  response: new Map(),
  escalations: new Map(),
  actionItems: { open: 0, overdue: 0 },
})

/** Counts a figure's durations, one histogram each, in `tally`. */
const countDurations = (
  tally: Tally,
  bounds: ReadonlyArray<number>,
  severity: string,
  durations: Partial<Record<Duration, number>>,
): void => {
  for (let index = 0; index < durationNames.length; index += 1) {
    const name = durationNames[index] as Duration
    const seconds = durations[name]
    if (seconds === undefined) continue
    const bySeverity = tally.durations[name]
    let counts = bySeverity.get(severity)
    if (counts === undefined) {
      counts = { buckets: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 }
      bySeverity.set(severity, counts)
    }
    const bucket = bucketOf(bounds, seconds)
    counts.buckets[bucket] = (counts.buckets[bucket] as number) + 1
    counts.sum += seconds
    counts.count += 1
  }
}

const countOutcome = (tally: Tally, severity: string, outcome: string, count = 1): void => {
  let outcomes = tally.response.get(severity)
  if (outcomes === undefined) {
    outcomes = new Map()
    tally.response.set(severity, outcomes)
  }
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + count)
}

const countEscalations = (tally: Tally, figure: IncidentFigure): void => {
  for (let index = 0; index < figure.escalations.length; index += 1) {
    const rule = (figure.escalations[index] as { readonly rule: string }).rule
    tally.escalations.set(rule, (tally.escalations.get(rule) ?? 0) + 1)
  }
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
    const tally = emptyTally()
    const nowMs = now.getTime()
    for (let index = 0; index < figures.length; index += 1) {
      const figure = figures[index] as IncidentFigure
      const known = measure(figure)
      countDurations(tally, bounds, figure.severity, known.durations)
      // Pending can turn into missed as time passes: only met and missed are kept.
      const outcome = known.outcome ?? Report.responseOf(runbook, figure, now)
      if (outcome !== "pending") known.outcome = outcome
      countOutcome(tally, figure.severity, outcome)
      countEscalations(tally, figure)
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

/**
 * The share of a set of figures that no longer change (the settled part of a journal: incidents
 * resolved long ago), tallied once and added to each scrape's tally without holding the figures:
 * their durations, escalations and final deadline outcomes as counts; the due dates of their
 * open action items, which become overdue as time passes; and the few figures whose deadline
 * outcome can still change (`pending` now, `missed` later).
 */
export interface SettledShare {
  readonly tally: Tally
  /** Each open action item's due date (epoch ms), NaN when it has none. */
  readonly openDue: Float64Array
  readonly pending: ReadonlyArray<IncidentFigure>
}

/** Tallies figures into a {@link SettledShare}, one at a time, keeping none of them. */
export const settledShareBuilder = (
  runbook: Pick<Runbook, "severities" | "calendar">,
  bounds: ReadonlyArray<number>,
  now: Date,
): { readonly add: (figure: IncidentFigure) => void; readonly done: () => SettledShare } => {
  const tally = emptyTally()
  const due: Array<number> = []
  const pending: Array<IncidentFigure> = []
  const never = new Date(8.64e15)
  return {
    add: (figure) => {
      countDurations(tally, bounds, figure.severity, Report.durations(figure))
      const outcome = Report.responseOf(runbook, figure, now)
      // Pending for good (no deadline at its severity) is final too; pending until a deadline
      // still ahead is not.
      if (outcome === "pending" && Report.responseOf(runbook, figure, never) !== "pending")
        pending.push(figure)
      else countOutcome(tally, figure.severity, outcome)
      countEscalations(tally, figure)
      for (let index = 0; index < figure.actionItems.length; index += 1) {
        const item = figure.actionItems[index] as IncidentFigure["actionItems"][number]
        if (item.doneAt === undefined) due.push(item.due?.getTime() ?? Number.NaN)
      }
    },
    done: () => ({ tally, openDue: Float64Array.from(due), pending }),
  }
}

/** Adds a settled share to a scrape's `tally` (in place), its time-dependent parts at `now`. */
export const addSettledShare = (
  tally: Tally,
  share: SettledShare,
  runbook: Pick<Runbook, "severities" | "calendar">,
  now: Date,
): Tally => {
  for (const name of durationNames) {
    const into = tally.durations[name]
    for (const [severity, counts] of share.tally.durations[name]) {
      const existing = into.get(severity)
      if (existing === undefined) {
        into.set(severity, { buckets: [...counts.buckets], sum: counts.sum, count: counts.count })
        continue
      }
      for (let index = 0; index < counts.buckets.length; index += 1)
        existing.buckets[index] =
          (existing.buckets[index] as number) + (counts.buckets[index] as number)
      existing.sum += counts.sum
      existing.count += counts.count
    }
  }
  for (const [severity, outcomes] of share.tally.response)
    for (const [outcome, count] of outcomes) countOutcome(tally, severity, outcome, count)
  for (const figure of share.pending)
    countOutcome(tally, figure.severity, Report.responseOf(runbook, figure, now))
  for (const [rule, count] of share.tally.escalations)
    tally.escalations.set(rule, (tally.escalations.get(rule) ?? 0) + count)
  const nowMs = now.getTime()
  tally.actionItems.open += share.openDue.length
  for (let index = 0; index < share.openDue.length; index += 1)
    if ((share.openDue[index] as number) < nowMs) tally.actionItems.overdue += 1
  return tally
}
