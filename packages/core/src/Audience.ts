/**
 * Who outside the response team hears about an incident, and what they may read. The runbook's
 * channels each have an audience: `internal` (the team: every message), `direct` (only what
 * names it), and the two public ones, `external` (the status page) and `customer` (support
 * tickets), which the policy routes by severity (the seed's default: P0 and P1 to the status
 * page, P0 to P2 to support tickets).
 *
 * Public channels get only the initial notice, its updates and the resolution, rendered from
 * customer-safe templates that never see the incident's internal fields. Once a public channel
 * has heard of an incident it follows it to the end, whatever the severity does since.
 *
 * @example
 * ```ts
 * import { Audience, defaultRunbook } from "@ir/core"
 * Audience.channelsFor(defaultRunbook, "P1") // ["status-page", "support-tickets"]
 * Audience.channelsFor(defaultRunbook, "P2") // ["support-tickets"]
 * ```
 */
import * as Schema from "effect/Schema"
import type { Incident } from "./Incident.js"
import type { NotificationMessage } from "./NotificationMessage.js"
import { find as findPlaybook } from "./Playbook.js"
import type { Runbook } from "./Runbook.js"
import { find as findSeverity, SeverityLevel } from "./Severity.js"

/** Which severities reach an audience. */
export const AudienceRoute = Schema.Struct({
  severities: Schema.Array(SeverityLevel),
})
export type AudienceRoute = typeof AudienceRoute.Type

/** The runbook's policy for the public audiences. */
export const AudiencePolicy = Schema.Struct({
  /** The status page (channels with audience `external`). Default P0 and P1. */
  external: Schema.optionalWith(AudienceRoute, {
    default: () => ({ severities: ["P0", "P1"] as const }),
  }),
  /** Support tickets (channels with audience `customer`). Default P0 to P2. */
  customer: Schema.optionalWith(AudienceRoute, {
    default: () => ({ severities: ["P0", "P1", "P2"] as const }),
  }),
})
export type AudiencePolicy = typeof AudiencePolicy.Type

/** The seed's policy: P0 and P1 on the status page, P0 to P2 in support tickets. */
export const defaultAudiencePolicy: AudiencePolicy = {
  external: { severities: ["P0", "P1"] },
  customer: { severities: ["P0", "P1", "P2"] },
}

/** The public audiences. */
export type PublicAudience = "external" | "customer"

/** The messages a public channel gets. */
export const publicMessages: ReadonlyArray<NotificationMessage> = [
  "initial",
  "update",
  "resolution",
]

/** A runbook channel as this module reads it. */
type ChannelLike = Pick<Runbook["channels"][number], "id" | "audience" | "kind">

/**
 * Whether a runbook channel is public: audience `external` or `customer`, and not a paging
 * channel (pages go to PagerDuty by their own rule).
 *
 * @example
 * ```ts
 * import { Audience } from "@ir/core"
 * Audience.isPublic({ id: "status-page", audience: "external", kind: "statuspage" }) // true
 * ```
 */
export const isPublic = (channel: ChannelLike): boolean =>
  (channel.audience === "external" || channel.audience === "customer") &&
  channel.kind !== "pagerduty"

/**
 * The public channels an incident of a severity goes to under the runbook's policy.
 *
 * @example
 * ```ts
 * import { Audience, defaultRunbook } from "@ir/core"
 * Audience.channelsFor(defaultRunbook, "P0") // ["status-page", "support-tickets"]
 * ```
 */
export const channelsFor = (
  runbook: Pick<Runbook, "channels" | "audiences">,
  level: SeverityLevel,
): ReadonlyArray<string> =>
  runbook.channels
    .filter(
      (channel) =>
        isPublic(channel) &&
        runbook.audiences[channel.audience as PublicAudience].severities.includes(level),
    )
    .map((channel) => channel.id)

/**
 * The public channels that already heard of the incident: they get its updates and its
 * resolution even when the severity has dropped below their policy since.
 *
 * @example
 * ```ts
 * import { Audience, defaultRunbook } from "@ir/core"
 * const following = (incident: Incident) => Audience.following(defaultRunbook, incident)
 * ```
 */
export const following = (
  runbook: Pick<Runbook, "channels">,
  incident: Pick<Incident, "notifications">,
): ReadonlyArray<string> => {
  const publicIds = new Set(
    runbook.channels.filter((channel) => isPublic(channel)).map((channel) => channel.id),
  )
  return [
    ...new Set(
      incident.notifications
        .flatMap((sent) => sent.channels)
        .filter((channel) => publicIds.has(channel)),
    ),
  ]
}

/**
 * What each channel's peer calls the incident (a Statuspage incident id, a ticket number), as
 * the deliveries recorded them; the latest wins.
 *
 * @example
 * ```ts
 * import { Audience } from "@ir/core"
 * const ticket = (incident: Incident) => Audience.references(incident)["support-tickets"]
 * ```
 */
export const references = (
  incident: Pick<Incident, "notifications">,
): Readonly<Record<string, string>> => {
  const out: Record<string, string> = {}
  for (const sent of incident.notifications) Object.assign(out, sent.references ?? {})
  return out
}

/** The public status of an incident, in Atlassian Statuspage's words. */
export type PublicStatus = "investigating" | "identified" | "monitoring" | "resolved"

/**
 * The incident's public status: `investigating` until someone acts on it, `identified` once an
 * action was taken (a restart, a failover), `monitoring` once mitigated, then `resolved`.
 *
 * @example
 * ```ts
 * import { Audience } from "@ir/core"
 * Audience.publicStatus({ status: "mitigated", actions: [] }) // "monitoring"
 * ```
 */
export const publicStatus = (incident: Pick<Incident, "status" | "actions">): PublicStatus => {
  switch (incident.status) {
    case "resolved":
      return "resolved"
    case "mitigated":
      return "monitoring"
    default:
      return incident.actions.some((action) => !action.dryRun && action.outcome === "succeeded")
        ? "identified"
        : "investigating"
  }
}

/**
 * How a public status is written on a status page: "Investigating", "Identified", "Monitoring",
 * "Resolved".
 */
export const publicStatusText: Readonly<Record<PublicStatus, string>> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
}

/** What is said publicly at each status when no responder wrote a public note. */
export const publicSentence: Readonly<Record<PublicStatus, string>> = {
  investigating: "We are investigating this issue.",
  identified: "The issue has been identified and a fix is being implemented.",
  monitoring: "A fix has been implemented and we are monitoring the results.",
  resolved: "This incident has been resolved.",
}

/** An incident's impact in Atlassian Statuspage's words. */
export type PublicImpact = "none" | "minor" | "major" | "critical"

/** The public impact of each severity: P0 critical, P1 major, P2 minor, P3 none. */
export const publicImpact: Readonly<Record<SeverityLevel, PublicImpact>> = {
  P0: "critical",
  P1: "major",
  P2: "minor",
  P3: "none",
}

/** A component's status in Atlassian Statuspage's words. */
export type ComponentStatus =
  | "operational"
  | "degraded_performance"
  | "partial_outage"
  | "major_outage"
  | "under_maintenance"

/** The status an active incident of each severity gives the components it touches. */
export const componentStatus: Readonly<Record<SeverityLevel, ComponentStatus>> = {
  P0: "major_outage",
  P1: "partial_outage",
  P2: "degraded_performance",
  P3: "degraded_performance",
}

/** How each component status is written: "Operational", "Partial outage", … */
export const componentStatusText: Readonly<Record<ComponentStatus, string>> = {
  operational: "Operational",
  degraded_performance: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  under_maintenance: "Under maintenance",
}

/**
 * What the public calls an incident: its first playbook's `publicTitle`, else the severity's
 * impact ("Major Impact"). Never the internal title.
 *
 * @example
 * ```ts
 * import { Audience, defaultRunbook } from "@ir/core"
 * Audience.publicTitle(defaultRunbook, { playbooks: ["high-api-error-rate"], severity: "P1" })
 * // "Elevated error rates"
 * ```
 */
export const publicTitle = (
  runbook: Pick<Runbook, "playbooks" | "severities">,
  incident: Pick<Incident, "playbooks" | "severity">,
): string =>
  incident.playbooks
    .map((id) => findPlaybook(runbook.playbooks, id)?.publicTitle)
    .find((candidate) => candidate !== undefined) ??
  findSeverity(runbook.severities, incident.severity)?.impact ??
  "Service disruption"

const removed = "[removed]"

/**
 * Free text a responder wrote for the public (a public note, an ETA), with what must never reach
 * customers taken out: URLs, e-mail addresses, IPv4 and IPv6 addresses, host names with a port
 * or a private-looking domain, and incident ids.
 *
 * @example
 * ```ts
 * import { Audience } from "@ir/core"
 * Audience.publicText("Failing over db-1.prod.internal (10.0.3.7) for INC-2026-0042")
 * // "Failing over [removed] ([removed]) for [removed]"
 * ```
 */
export const publicText = (text: string): string =>
  text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, removed)
    .replace(/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, removed)
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, removed)
    .replace(/(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4})*::[0-9a-f:]*[0-9a-f]\b/gi, removed)
    .replace(/\b(?:[0-9a-f]{1,4}:){4,7}[0-9a-f]{1,4}\b/gi, removed)
    .replace(
      /\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:internal|local|lan|corp|intra|svc|cluster|home|localdomain)\b(?::\d+)?/gi,
      removed,
    )
    .replace(/\b[a-z0-9-]*[a-z][a-z0-9.-]*:\d{2,5}\b/gi, removed)
    .replace(/\bINC-\d{4}-\d+\b/g, removed)
