// One line of human text per incident event, for the post-mortem timeline.
import type { IncidentEvent, Runbook } from "@ir/core"

export const flagText: Record<string, string> = {
  "data-loss": "Data loss confirmed",
  "security-suspected": "Security incident suspected",
  "customer-impact-increasing": "Customer impact increasing",
  "multiple-systems-affected": "Multiple systems affected",
  "planned-maintenance": "Planned maintenance declared (no page)",
}

const suffix = (text: string | undefined, separator = ": "): string =>
  text === undefined || text === "" ? "" : `${separator}${text}`

const byline = (by: string | undefined): string => (by === undefined ? "" : ` by ${by}`)

const ruleText = (runbook: Runbook, ruleId: string): string =>
  runbook.escalation.rules.find((rule) => rule.id === ruleId)?.text ?? ruleId

/** Describes an event; event types this version does not know are named by their type. */
export const describeEvent = (
  event: IncidentEvent.IncidentEvent,
  runbook: Runbook,
  formatDateTime: (date: Date) => string,
): string => {
  switch (event.type) {
    case "opened":
      return `Opened as ${event.severity}${byline(event.by)}${event.source === undefined ? "" : ` from ${event.source.kind}`}: ${event.title}`
    case "acknowledged":
      return `Acknowledged by ${event.by}`
    case "severity-changed":
      return `Severity changed to ${event.severity}${byline(event.by)}${suffix(event.reason)}`
    case "update-posted":
      return `Status update${byline(event.by)}: ${event.progress}${event.status === "" ? "" : ` (status: ${event.status})`}`
    case "flag-raised":
      return `Flag raised${byline(event.by)}: ${flagText[event.flag] ?? event.flag}${event.note === undefined || event.note === "" ? "" : ` (${event.note})`}`
    case "action-taken":
      return `${event.dryRun ? "Dry run of" : "Action"} ${event.action}${event.target === undefined ? "" : ` on ${event.target}`}${byline(event.by)} ${event.outcome}${suffix(event.detail)}`
    case "escalated":
      return `Escalated to ${event.to}: ${ruleText(runbook, event.rule)}`
    case "mitigated":
      return `Mitigated${byline(event.by)}: ${event.summary}`
    case "resolved":
      return `Resolved${byline(event.by)}: ${event.resolution}`
    case "postmortem-scheduled":
      return `Post-mortem scheduled${byline(event.by)} for ${formatDateTime(event.scheduledFor)}`
    case "notification-sent":
      return `Sent the ${event.message} message${event.channels.length === 0 ? "" : ` to ${event.channels.join(", ")}`}`
    case "action-item-added":
      return `Action item ${event.item} added${byline(event.by)}: ${event.text}${event.owner === undefined ? "" : ` (owner ${event.owner})`}`
    case "action-item-done":
      return `Action item ${event.item} done${byline(event.by)}${suffix(event.note ?? "")}`
    case "checklist-step-done": {
      const step = runbook.postIncident.find((group) => group.id === event.group)?.steps[event.step]
      return `Checklist step done${byline(event.by)}: ${step?.text ?? `${event.group} ${event.step + 1}`}`
    }
    default:
      return describeOther(event)
  }
}

// Events added to @ir/core after this package was written still get a line.
const describeOther = (event: unknown): string => {
  const record = event as Record<string, unknown>
  const type = String(record.type ?? "event")
  const words = type.replace(/-/g, " ")
  const detail = ["channel", "kind", "message", "summary", "to"]
    .map((key) => record[key])
    .filter((value): value is string => typeof value === "string" && value !== "")
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${detail.length === 0 ? "" : `: ${detail.join(", ")}`}`
}
