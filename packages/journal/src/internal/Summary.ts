// What list and findByDedupKey return, and the filter both backends apply the same way.
import type { Incident } from "@ir/core"
import type { IncidentSummary, ListFilter, SummaryFigures } from "../Journal.js"

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
  figures: figuresOf(state),
})

/**
 * The figures as the file index and PostgreSQL's `figures` column store them: times as epoch
 * milliseconds, empty lists left out, each open action item its due time or null.
 */
export interface StoredFigures {
  readonly acknowledgedAt?: number
  readonly mitigatedAt?: number
  readonly escalations?: ReadonlyArray<string>
  readonly openActionItems?: ReadonlyArray<number | null>
}

export const encodeFigures = (figures: SummaryFigures): StoredFigures => ({
  ...(figures.acknowledgedAt === undefined
    ? {}
    : { acknowledgedAt: figures.acknowledgedAt.getTime() }),
  ...(figures.mitigatedAt === undefined ? {} : { mitigatedAt: figures.mitigatedAt.getTime() }),
  ...(figures.escalations.length === 0 ? {} : { escalations: figures.escalations }),
  ...(figures.openActionItems.length === 0
    ? {}
    : { openActionItems: figures.openActionItems.map((item) => item.due?.getTime() ?? null) }),
})

/** A time stored as epoch milliseconds, or undefined when it is not one. */
export const timeOf = (value: unknown): Date | undefined => {
  if (typeof value !== "number" || !Number.isFinite(value)) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** The figures stored, or undefined when any part of them is not what `encodeFigures` writes. */
export const decodeFigures = (value: unknown): SummaryFigures | undefined => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
  const stored = value as Record<string, unknown>
  const acknowledgedAt = timeOf(stored.acknowledgedAt)
  const mitigatedAt = timeOf(stored.mitigatedAt)
  if (stored.acknowledgedAt !== undefined && acknowledgedAt === undefined) return undefined
  if (stored.mitigatedAt !== undefined && mitigatedAt === undefined) return undefined
  const escalations = stored.escalations ?? []
  const items = stored.openActionItems ?? []
  if (!Array.isArray(escalations) || !escalations.every((rule) => typeof rule === "string"))
    return undefined
  if (!Array.isArray(items)) return undefined
  const openActionItems: Array<{ readonly due?: Date }> = []
  for (const item of items) {
    const due = item === null ? undefined : timeOf(item)
    if (item !== null && due === undefined) return undefined
    openActionItems.push(due === undefined ? {} : { due })
  }
  return {
    escalations: escalations.length === 0 ? noRules : (escalations as ReadonlyArray<string>),
    openActionItems: openActionItems.length === 0 ? noItems : openActionItems,
    ...(acknowledgedAt === undefined ? {} : { acknowledgedAt }),
    ...(mitigatedAt === undefined ? {} : { mitigatedAt }),
  }
}

// The figures of thousands of incidents stay in memory (the file journal's index): they share
// their empty lists, and open with fixed fields (a literal that opens with a spread gets a hidden
// class of its own in V8).
const noRules: ReadonlyArray<string> = Object.freeze([])
const noItems: ReadonlyArray<{ readonly due?: Date }> = Object.freeze([])

export const figuresOf = (state: Incident): SummaryFigures => {
  const open = state.actionItems.filter((item) => item.doneAt === undefined)
  return {
    escalations:
      state.escalations.length === 0
        ? noRules
        : state.escalations.map((escalation) => escalation.rule),
    openActionItems:
      open.length === 0
        ? noItems
        : open.map((item) => (item.due === undefined ? {} : { due: item.due })),
    ...(state.acknowledgedAt === undefined ? {} : { acknowledgedAt: state.acknowledgedAt }),
    ...(state.mitigatedAt === undefined ? {} : { mitigatedAt: state.mitigatedAt }),
  }
}

/** A filter field as a list: one value, a list of values, or nothing (undefined). */
export const asList = <A>(value: A | ReadonlyArray<A> | undefined): ReadonlyArray<A> | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value as A]

/**
 * The filter as a predicate, its lists and dates taken once: a list of a large journal tests
 * every summary, twice on the file journal, at every tick of the responder's clock.
 */
export const summaryFilter = (filter: ListFilter): ((summary: IncidentSummary) => boolean) => {
  const statuses = asList(filter.status)
  const severities = asList(filter.severity)
  const playbook = filter.playbook
  const after = filter.openedAfter?.getTime()
  const before = filter.openedBefore?.getTime()
  const resolvedAfter = filter.resolvedOpenedAfter?.getTime()
  return (summary) => {
    if (statuses !== undefined && !statuses.includes(summary.status)) return false
    if (severities !== undefined && !severities.includes(summary.severity)) return false
    if (playbook !== undefined && !summary.playbooks.includes(playbook)) return false
    const opened = summary.openedAt.getTime()
    if (after !== undefined && opened < after) return false
    if (before !== undefined && opened >= before) return false
    if (resolvedAfter !== undefined && summary.status === "resolved" && opened < resolvedAfter)
      return false
    return true
  }
}

/**
 * Whether `filter` may match a resolved incident opened before `before` (epoch ms): it lets
 * resolved incidents through, and neither `openedAfter` nor `resolvedOpenedAfter` is at `before`
 * or later.
 */
export const mayMatchResolvedOpenedBefore = (filter: ListFilter, before: number): boolean => {
  const statuses = asList(filter.status)
  if (statuses !== undefined && !statuses.includes("resolved")) return false
  const from = Math.max(
    filter.openedAfter?.getTime() ?? Number.NEGATIVE_INFINITY,
    filter.resolvedOpenedAfter?.getTime() ?? Number.NEGATIVE_INFINITY,
  )
  return from < before
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
