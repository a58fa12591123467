import * as Schema from "effect/Schema"

/**
 * Which message a notification carried: the runbook's three templates, an escalation, a page, or
 * the post-mortem reminder (`IncidentEvent.NotificationMessage`).
 *
 * @example
 * ```ts
 * import { IncidentEvent } from "@ir/core"
 * IncidentEvent.NotificationMessage.literals // ["initial", "update", ...]
 * ```
 */
export const NotificationMessage = Schema.Literal(
  "initial",
  "update",
  "resolution",
  "escalation",
  "page",
  "postmortem",
  // what follows a resolved incident and is due: the meeting, a checklist, an overdue action item
  "followup",
  // PagerDuty's acknowledge of a page the responder took (the resolve is a "resolution")
  "acknowledgement",
)
export type NotificationMessage = typeof NotificationMessage.Type
