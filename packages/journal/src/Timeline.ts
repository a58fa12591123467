/**
 * An incident's timeline for the post-mortem: every event in time order, with its timestamp, a
 * sentence a person reads, and who did it; as JSON data or as Markdown.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { openFileJournal, timelineMarkdown } from "@ir/journal"
 * const markdown = Effect.gen(function* () {
 *   const journal = yield* openFileJournal({ dir: "/tmp/ir-journal" })
 *   const record = yield* journal.read("INC-2026-0001")
 *   yield* journal.close
 *   return timelineMarkdown(record.events)
 * })
 * ```
 */
import { Duration, foldIncident, type IncidentEvent } from "@ir/core"
import * as Either from "effect/Either"

type Event = IncidentEvent.IncidentEvent

/**
 * One line of the timeline.
 *
 * @example
 * ```ts
 * import type { TimelineEntry } from "@ir/journal"
 * const entry: TimelineEntry = {
 *   sequence: 2, at: "2026-11-28T10:04:00.000Z", type: "acknowledged", description: "Acknowledged", by: "alice",
 * }
 * ```
 */
export interface TimelineEntry {
  /** Position in the journal (1 = the opened event). */
  readonly sequence: number
  /** ISO 8601, UTC. */
  readonly at: string
  readonly type: string
  readonly description: string
  readonly by?: string
}

/**
 * The timeline as JSON data: the incident's headline facts and its entries.
 *
 * @example
 * ```ts
 * import type { Timeline } from "@ir/journal"
 * const headline = (t: Timeline) => `${t.incidentId} ${t.severity} ${t.status}: ${t.title}`
 * ```
 */
export interface Timeline {
  readonly incidentId: string
  readonly title: string
  readonly severity: string
  readonly status: string
  readonly openedAt: string
  readonly resolvedAt?: string
  /** Total downtime (opened to resolved) in seconds, when resolved. */
  readonly durationSeconds?: number
  /** The same, as a person writes it: `"1h 25m"`. */
  readonly duration?: string
  readonly entries: ReadonlyArray<TimelineEntry>
}

const flagText: Record<string, string> = {
  "data-loss": "data loss",
  "security-suspected": "security incident suspected",
  "customer-impact-increasing": "customer impact increasing",
  "multiple-systems-affected": "multiple systems affected",
  "planned-maintenance": "planned maintenance declared (no page)",
}

const humanize = (type: string): string => {
  const words = type.replaceAll("-", " ")
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Every plain field but the ones the entry already shows, for event types this version does not describe. */
const otherFields = (event: Record<string, unknown>): string =>
  Object.entries(event)
    .filter(([key, value]) => !["type", "at", "by"].includes(key) && value !== undefined)
    .map(([key, value]) => {
      const text =
        value instanceof Date
          ? value.toISOString()
          : Array.isArray(value) && value.every((item) => typeof item === "string")
            ? value.join(", ")
            : value
      return `${key}: ${typeof text === "string" ? text : JSON.stringify(text)}`
    })
    .join(", ")

/**
 * A sentence describing one event, as a timeline shows it.
 *
 * @example
 * ```ts
 * import { describeEvent } from "@ir/journal"
 * describeEvent({ type: "severity-changed", at: new Date(), severity: "P0", reason: "all users affected" })
 * // "Severity changed to P0: all users affected"
 * ```
 */
export const describeEvent = (event: Event): string => {
  switch (event.type) {
    case "opened": {
      const playbooks =
        event.playbooks.length === 0 ? "" : ` (playbooks: ${event.playbooks.join(", ")})`
      const impact = event.impact === undefined ? "" : ` Impact: ${event.impact}.`
      return `Opened as ${event.severity}: ${event.title}. ${event.summary}${playbooks}.${impact}`
    }
    case "acknowledged":
      return "Acknowledged"
    case "severity-changed":
      return `Severity changed to ${event.severity}: ${event.reason}`
    case "update-posted": {
      const eta = event.eta === undefined ? "" : ` ETA: ${event.eta}.`
      return `Status update: ${event.progress}. Status: ${event.status}. Next: ${event.nextSteps}.${eta}`
    }
    case "flag-raised": {
      const note = event.note === undefined ? "" : `: ${event.note}`
      return `Flag raised: ${flagText[event.flag] ?? event.flag}${note}`
    }
    case "action-taken": {
      const target = event.target === undefined ? "" : ` on ${event.target}`
      const dryRun = event.dryRun ? " (dry run)" : ""
      return `Action ${event.action}${target}${dryRun} ${event.outcome}: ${event.detail}`
    }
    case "escalated":
      return `Escalated to ${event.to} (level ${event.level}, rule: ${event.rule})`
    case "mitigated":
      return `Mitigated: ${event.summary}`
    case "resolved": {
      const rootCause = event.rootCause === undefined ? "" : ` Root cause: ${event.rootCause}.`
      return `Resolved: ${event.resolution}.${rootCause}`
    }
    case "postmortem-scheduled":
      return `Post-mortem scheduled for ${event.scheduledFor.toISOString()}`
    case "action-item-added": {
      const owner = event.owner === undefined ? "" : `, owner ${event.owner}`
      const due = event.due === undefined ? "" : `, due ${event.due.toISOString()}`
      const link = event.link === undefined ? "" : ` (${event.link})`
      return `Action item ${event.item} added: ${event.text}${owner}${due}${link}`
    }
    case "action-item-done":
      return `Action item ${event.item} done${event.note === undefined ? "" : `: ${event.note}`}`
    case "checklist-step-done":
      return `Checklist ${event.group} step ${event.step + 1} done`
    default: {
      // An event type added to @ir/core after this function was written.
      const unknown = event as unknown as Record<string, unknown>
      const fields = otherFields(unknown)
      return `${humanize(String(unknown.type))}${fields === "" ? "" : `: ${fields}`}`
    }
  }
}

const byOf = (event: Event): string | undefined => {
  const by = (event as { readonly by?: unknown }).by
  return typeof by === "string" ? by : undefined
}

/**
 * The timeline of an incident's events (as `journal.read` returns them), sorted by time.
 *
 * @example
 * ```ts
 * import { timelineJson } from "@ir/journal"
 * const json = timelineJson([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: ["system-down"],
 *     summary: "Health check endpoint unreachable" },
 *   { type: "resolved", at: new Date("2026-11-28T11:25:00Z"), resolution: "Restarted the API" },
 * ])
 * json.duration // "1h 25m"
 * ```
 */
export const timelineJson = (events: ReadonlyArray<Event>): Timeline => {
  const entries = events
    .map((event, index) => ({ event, sequence: index + 1 }))
    .sort((a, b) => a.event.at.getTime() - b.event.at.getTime() || a.sequence - b.sequence)
    .map(({ event, sequence }): TimelineEntry => {
      const by = byOf(event)
      return {
        sequence,
        at: event.at.toISOString(),
        type: event.type,
        description: describeEvent(event),
        ...(by === undefined ? {} : { by }),
      }
    })
  const folded = foldIncident(events)
  const opened = events.find((event) => event.type === "opened")
  if (Either.isLeft(folded)) {
    return {
      incidentId: opened?.incidentId ?? "unknown",
      title: opened?.title ?? "",
      severity: opened?.severity ?? "",
      status: "unknown",
      openedAt: (opened?.at ?? events[0]?.at ?? new Date(0)).toISOString(),
      entries,
    }
  }
  const incident = folded.right
  const resolvedAt = incident.resolvedAt
  const durationSeconds =
    resolvedAt === undefined
      ? undefined
      : Math.round((resolvedAt.getTime() - incident.openedAt.getTime()) / 1000)
  return {
    incidentId: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    openedAt: incident.openedAt.toISOString(),
    ...(resolvedAt === undefined ? {} : { resolvedAt: resolvedAt.toISOString() }),
    ...(durationSeconds === undefined
      ? {}
      : { durationSeconds, duration: Duration.formatSeconds(durationSeconds) }),
    entries,
  }
}

/** A table cell: one line, pipes escaped. */
const cell = (text: string): string =>
  text
    .replaceAll("\\", "\\\\")
    .replaceAll("|", "\\|")
    .replace(/\s*[\r\n]+\s*/g, " ")

const displayTime = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`

/**
 * The timeline as Markdown: a heading, the headline facts (severity, status, opened, resolved,
 * total downtime) and a table of entries: the input of the post-mortem template.
 *
 * @example
 * ```ts
 * import { timelineMarkdown } from "@ir/journal"
 * const markdown = timelineMarkdown([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: ["system-down"],
 *     summary: "Health check endpoint unreachable", by: "alice" },
 * ])
 * // "# INC-2026-0001: System completely down\n\n- Severity: P0\n…"
 * ```
 */
export const timelineMarkdown = (events: ReadonlyArray<Event>): string => {
  const timeline = timelineJson(events)
  const facts = [
    `- Severity: ${timeline.severity}`,
    `- Status: ${timeline.status}`,
    `- Opened: ${displayTime(timeline.openedAt)}`,
    ...(timeline.resolvedAt === undefined
      ? []
      : [`- Resolved: ${displayTime(timeline.resolvedAt)}`]),
    ...(timeline.duration === undefined ? [] : [`- Duration: ${timeline.duration} total downtime`]),
  ]
  const rows = timeline.entries.map(
    (entry) =>
      `| ${displayTime(entry.at)} | ${cell(entry.description)} | ${cell(entry.by ?? "—")} |`,
  )
  return [
    `# ${timeline.incidentId}: ${cell(timeline.title)}`,
    "",
    ...facts,
    "",
    "## Timeline",
    "",
    "| Time (UTC) | Event | By |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n")
}
