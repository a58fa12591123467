/**
 * The escalation policy: when to escalate (the runbook's rules), to whom (the contact chain), and
 * `escalate(runbook, incident, now)`, the actions due at a moment.
 *
 * @example
 * ```ts
 * import { escalate, defaultRunbook } from "@ir/core"
 * ```
 */
import { Schema } from "effect"
import { DurationString } from "./Duration.js"
import { IncidentFlag } from "./IncidentEvent.js"
import { SeverityLevel } from "./Severity.js"

/** What makes an escalation rule fire. */
export const EscalationTrigger = Schema.Union(
  /** The incident is not resolved (service not restored) within the duration of opening. */
  Schema.Struct({ unresolvedFor: DurationString }),
  /** No progress (update, action, mitigation) for the duration. */
  Schema.Struct({ noProgressFor: DurationString }),
  /** A responder raised the flag. */
  Schema.Struct({ flag: IncidentFlag }),
)
export type EscalationTrigger = typeof EscalationTrigger.Type

export const EscalationRule = Schema.Struct({
  id: Schema.String,
  /** The runbook's words for the rule. */
  text: Schema.String,
  /** Severities the rule applies to. */
  severities: Schema.Array(SeverityLevel),
  /** The runbook's grouping: immediate escalation, or escalation after the initial response. */
  phase: Schema.Literal("immediate", "after-initial-response"),
  trigger: EscalationTrigger,
})
export type EscalationRule = typeof EscalationRule.Type

/** One step of the contact chain. */
export const Contact = Schema.Struct({
  role: Schema.String,
  name: Schema.optional(Schema.String),
  phone: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
  /** Notification channel ids (see `Runbook.channels`) that reach this contact. */
  channels: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
})
export type Contact = typeof Contact.Type

export const EscalationPolicy = Schema.Struct({
  rules: Schema.Array(EscalationRule),
  /** The contact chain, first contact first. */
  contacts: Schema.Array(Contact),
})
export type EscalationPolicy = typeof EscalationPolicy.Type
