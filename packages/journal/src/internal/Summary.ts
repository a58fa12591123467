// What list and findByDedupKey return, and the filter both backends apply the same way.
import type { Incident } from "@ir/core"
import type { IncidentSummary, ListFilter } from "../Journal.js"

export interface IncidentMeta {
  readonly id: string
  readonly humanId: string
  readonly dedupKey?: string
}

export const summaryOf = (
  meta: IncidentMeta,
  state: Incident,
  sequence: number,
): IncidentSummary => ({
  id: meta.id,
  humanId: meta.humanId,
  ...(meta.dedupKey === undefined ? {} : { dedupKey: meta.dedupKey }),
  title: state.title,
  status: state.status,
  severity: state.severity,
  playbooks: state.playbooks,
  openedAt: state.openedAt,
  ...(state.resolvedAt === undefined ? {} : { resolvedAt: state.resolvedAt }),
  sequence,
})

const asList = <A>(value: A | ReadonlyArray<A> | undefined): ReadonlyArray<A> | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value as A]

export const matchesFilter = (summary: IncidentSummary, filter: ListFilter): boolean => {
  const statuses = asList(filter.status)
  const severities = asList(filter.severity)
  if (statuses !== undefined && !statuses.includes(summary.status)) return false
  if (severities !== undefined && !severities.includes(summary.severity)) return false
  if (filter.playbook !== undefined && !summary.playbooks.includes(filter.playbook)) return false
  const opened = summary.openedAt.getTime()
  if (filter.openedAfter !== undefined && opened < filter.openedAfter.getTime()) return false
  if (filter.openedBefore !== undefined && opened >= filter.openedBefore.getTime()) return false
  return true
}

/** Newest first; the human id breaks ties so the order is stable. */
export const byNewest = (a: IncidentSummary, b: IncidentSummary): number =>
  b.openedAt.getTime() - a.openedAt.getTime() || (a.humanId < b.humanId ? 1 : -1)

/** `INC-2026-0042`: the year and a counter, four digits at least. */
export const formatHumanId = (year: number, counter: number): string =>
  `INC-${year}-${String(counter).padStart(4, "0")}`

export const humanIdPattern = /^INC-(\d{4})-(\d{4,})$/

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The dedup key an open uses: the explicit one, else the source's alert key. */
export const dedupKeyOf = (input: {
  readonly dedupKey?: string | undefined
  readonly source?: { readonly key?: string | undefined } | undefined
}): string | undefined => input.dedupKey ?? input.source?.key
