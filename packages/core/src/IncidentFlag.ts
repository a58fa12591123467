import * as Schema from "effect/Schema"

/**
 * Facts a responder raises that change the escalation policy's answer (`IncidentEvent.IncidentFlag`).
 *
 * @example
 * ```ts
 * import { IncidentEvent } from "@ir/core"
 * IncidentEvent.IncidentFlag.literals.includes("data-loss") // true
 * ```
 */
export const IncidentFlag = Schema.Literal(
  "data-loss",
  "security-suspected",
  "customer-impact-increasing",
  "multiple-systems-affected",
  // Declared planned maintenance: the incident is recorded and its messages go out, but nobody
  // is paged for it.
  "planned-maintenance",
)
export type IncidentFlag = typeof IncidentFlag.Type
