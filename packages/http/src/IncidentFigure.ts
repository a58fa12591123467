// An incident as the figures of `/metrics` read it: a handful of fields, from the incident or
// from the journal's summary.
import type { Incident } from "@ir/core"
import type { IncidentSummary } from "@ir/journal"

/**
 * What the incident figures read of an incident: its severity, its dates, the rule of each
 * escalation and its action items. An `Incident` is one; {@link figureOf} keeps only these
 * fields, and {@link figureOfSummary} takes them from a journal's summary without reading the
 * incident.
 */
export interface IncidentFigure {
  readonly severity: Incident["severity"]
  readonly openedAt: Date
  readonly acknowledgedAt?: Date
  readonly mitigatedAt?: Date
  readonly resolvedAt?: Date
  readonly escalations: ReadonlyArray<{ readonly rule: string }>
  readonly actionItems: ReadonlyArray<{ readonly due?: Date; readonly doneAt?: Date }>
}

/**
 * The part of an incident the figures keep in memory: a handful of fields, not its events, so a
 * journal of thousands of incidents costs kilobytes each scrape keeps, not megabytes.
 *
 * @example
 * ```ts
 * import { createIncidentFigures, figureOf } from "@ir/http"
 * const figures = createIncidentFigures(journal, { keep: figureOf })
 * ```
 */
export const figureOf = (incident: Incident): IncidentFigure => ({
  severity: incident.severity,
  openedAt: incident.openedAt,
  ...(incident.acknowledgedAt === undefined ? {} : { acknowledgedAt: incident.acknowledgedAt }),
  ...(incident.mitigatedAt === undefined ? {} : { mitigatedAt: incident.mitigatedAt }),
  ...(incident.resolvedAt === undefined ? {} : { resolvedAt: incident.resolvedAt }),
  escalations: incident.escalations.map((escalation) => ({ rule: escalation.rule })),
  actionItems: incident.actionItems.flatMap((item) =>
    item.doneAt !== undefined ? [] : [item.due === undefined ? {} : { due: item.due }],
  ),
})

// Shared by the figures of every incident never escalated: a journal's summaries are thousands.
const noEscalations: IncidentFigure["escalations"] = Object.freeze([])

/**
 * The same figure from a journal's summary, when the journal keeps the figures with it (see
 * `IncidentSummary.figures`); undefined when it does not, and the incident is to be read.
 *
 * @example
 * ```ts
 * import { createIncidentFigures, figureOf, figureOfSummary } from "@ir/http"
 * const figures = createIncidentFigures(journal, { keep: figureOf, fromSummary: figureOfSummary })
 * ```
 */
export const figureOfSummary = (summary: IncidentSummary): IncidentFigure | undefined => {
  const { figures } = summary
  if (figures === undefined) return undefined
  return {
    severity: summary.severity,
    openedAt: summary.openedAt,
    ...(figures.acknowledgedAt === undefined ? {} : { acknowledgedAt: figures.acknowledgedAt }),
    ...(figures.mitigatedAt === undefined ? {} : { mitigatedAt: figures.mitigatedAt }),
    ...(summary.resolvedAt === undefined ? {} : { resolvedAt: summary.resolvedAt }),
    escalations:
      figures.escalations.length === 0
        ? noEscalations
        : figures.escalations.map((rule) => ({ rule })),
    actionItems: figures.openActionItems,
  }
}
