// The incidents a long-running process lists again and again, held in memory: the responder's
// clock lists those in progress and those resolved lately at every tick. The PostgreSQL journal
// brings it up to date with only the rows written since its last look (see PostgresJournal's
// `view`), instead of asking for every incident in view each time.
import type { IncidentSummary, ListFilter } from "../Journal.js"
import { byNewest, mayMatchResolvedOpenedBefore, summaryFilter } from "./Summary.js"

/**
 * Every incident in progress, and every incident opened at or after `coveredFrom` (epoch
 * milliseconds), at the sequence it was last seen. It may hold more (an incident resolved since,
 * opened earlier): a list applies its whole filter to what it holds.
 */
export class IncidentView {
  private readonly byId = new Map<string, IncidentSummary>()
  /** The summaries, oldest first (a list is newest first). */
  private readonly ordered: Array<IncidentSummary> = []

  constructor(
    readonly coveredFrom: number,
    /** When the view was built (epoch milliseconds): it is built again after a while. */
    readonly builtAt: number,
  ) {}

  /** Whether every incident `filter` may match is in the view. */
  covers(filter: ListFilter): boolean {
    return !mayMatchResolvedOpenedBefore(filter, this.coveredFrom)
  }

  /** Takes the summary in, in place of an earlier one of the same incident. */
  put(summary: IncidentSummary): void {
    const known = this.byId.get(summary.id)
    this.byId.set(summary.id, summary)
    if (known !== undefined) {
      const found = this.place(known)
      const at =
        this.ordered[found] === known
          ? found
          : this.ordered.findIndex((held) => held.id === summary.id)
      // The opening time and the human id do not change (but for a hand-edited row): the place
      // in the order stays.
      if (
        known.openedAt.getTime() === summary.openedAt.getTime() &&
        known.humanId === summary.humanId
      ) {
        this.ordered[at] = summary
        return
      }
      this.ordered.splice(at, 1)
    }
    const last = this.ordered.at(-1)
    if (last === undefined || byNewest(last, summary) > 0) {
      this.ordered.push(summary) // the usual case: the newest incident
      return
    }
    this.ordered.splice(this.place(summary), 0, summary)
  }

  /** The summary held of an incident, by UUID. */
  get(id: string): IncidentSummary | undefined {
    return this.byId.get(id)
  }

  /** The incidents not resolved, as last seen. */
  unresolved(): Array<IncidentSummary> {
    const found: Array<IncidentSummary> = []
    for (const summary of this.ordered) if (summary.status !== "resolved") found.push(summary)
    return found
  }

  /** What `filter` matches, newest first, as the journal's `list` answers. */
  list(filter: ListFilter): Array<IncidentSummary> {
    const matches = summaryFilter(filter)
    const limit =
      filter.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(filter.limit))
    const listed: Array<IncidentSummary> = []
    for (let index = this.ordered.length - 1; index >= 0 && listed.length < limit; index -= 1) {
      const summary = this.ordered[index] as IncidentSummary
      if (matches(summary)) listed.push(summary)
    }
    return listed
  }

  /**
   * Where the summary's incident is, or would go, in `ordered`: the first place whose summary is
   * not older (binary search on the opening time, then the human id).
   */
  private place(summary: IncidentSummary): number {
    let low = 0
    let high = this.ordered.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (byNewest(this.ordered[middle] as IncidentSummary, summary) > 0) low = middle + 1
      else high = middle
    }
    return low
  }
}
