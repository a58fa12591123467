// `status.json`: the status page as data, in the shape of Atlassian Statuspage's public
// `/api/v2/summary.json` (page, status, components, incidents, scheduled_maintenances), so
// widgets written for it read it; ir's additions are `resolved_incidents` and each component's
// `uptime` and `days`.
import { Audience, type StatusPage } from "@ir/core"

const iso = (date: Date | undefined): string | null =>
  date === undefined ? null : date.toISOString()

const incidentJson = (
  incident: StatusPage.PublicIncident,
  summary: StatusPage.StatusSummary,
  pageId: string,
) => ({
  id: incident.id,
  name: incident.title,
  status: incident.status,
  impact: incident.maintenance ? "maintenance" : incident.impact,
  created_at: incident.startedAt.toISOString(),
  updated_at: incident.updatedAt.toISOString(),
  started_at: incident.startedAt.toISOString(),
  monitoring_at: iso(incident.monitoringAt),
  resolved_at: iso(incident.resolvedAt),
  shortlink: null,
  page_id: pageId,
  components: incident.components.flatMap((id) => {
    const component = summary.components.find((candidate) => candidate.id === id)
    return component === undefined ? [] : [{ id, name: component.name, status: component.status }]
  }),
  incident_updates: incident.updates.map((update) => ({
    id: update.id,
    status: update.status,
    body: update.body,
    incident_id: incident.id,
    created_at: update.at.toISOString(),
    updated_at: update.at.toISOString(),
    display_at: update.at.toISOString(),
  })),
})

/** The summary as `status.json` (schema documented in docs/web.md). */
export const statusJson = (
  summary: StatusPage.StatusSummary,
  options: { readonly pageId: string; readonly url?: string },
) => ({
  page: {
    id: options.pageId,
    name: summary.name,
    url: options.url ?? null,
    time_zone: summary.timeZone,
    updated_at: summary.updatedAt.toISOString(),
  },
  status: { indicator: summary.indicator, description: summary.description },
  components: summary.components.map((component, index) => ({
    id: component.id,
    name: component.name,
    status: component.status,
    status_text: Audience.componentStatusText[component.status],
    description: component.description ?? null,
    position: index + 1,
    group: false,
    group_id: null,
    showcase: true,
    only_show_if_degraded: false,
    page_id: options.pageId,
    uptime: component.uptime,
    days: component.days,
  })),
  incidents: summary.incidents.map((incident) => incidentJson(incident, summary, options.pageId)),
  scheduled_maintenances: [],
  resolved_incidents: summary.resolved.map((incident) =>
    incidentJson(incident, summary, options.pageId),
  ),
})
