/**
 * The runbook: everything an on-call team follows, as one data value. `defaultRunbook` is the
 * seed runbook; `decodeRunbook` validates a team's own; `mergeRunbook` lays overrides onto a base.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * defaultRunbook.playbooks.map((playbook) => playbook.id)
 * ```
 */
import * as Schema from "effect/Schema"
import { AudiencePolicy, defaultAudiencePolicy } from "./Audience.js"
import { BusinessCalendar } from "./BusinessCalendar.js"
import { defaultRunbookDocument } from "./defaults/runbook.js"
import { EscalationPolicy } from "./Escalation.js"
import { empty as emptySchedule, OnCallSchedule } from "./OnCall.js"
import { Playbook } from "./Playbook.js"
import { Severity } from "./Severity.js"
import { Step } from "./Step.js"
import { Thresholds } from "./Threshold.js"

/** A place messages go: the runbook's communication channels and the notification targets. */
export const Channel = Schema.Struct({
  id: Schema.String,
  /**
   * Who it reaches: `internal` gets every message, `external` (status page) and `customer`
   * (support tickets) the customer-safe notices of the severities `audiences` routes to them,
   * `direct` only what an escalation rule or a contact names it for (the security team's address).
   */
  audience: Schema.Literal("internal", "external", "customer", "direct"),
  kind: Schema.Literal("slack", "statuspage", "ticket", "email", "pagerduty", "webhook"),
  /** What the runbook calls it, e.g. "#incidents Slack channel". */
  text: Schema.String,
  target: Schema.optional(Schema.String),
})
export type Channel = typeof Channel.Type

/** One of the runbook's message templates, as the runbook writes it (placeholders in brackets). */
export const CommunicationTemplate = Schema.Struct({
  id: Schema.Literal("initial", "update", "resolution"),
  title: Schema.String,
  /** When it goes out, e.g. "within 15 minutes". */
  when: Schema.String,
  text: Schema.String,
})
export type CommunicationTemplate = typeof CommunicationTemplate.Type

export const Link = Schema.Struct({ name: Schema.String, url: Schema.String })
export type Link = typeof Link.Type

/** A titled list of steps: log commands, useful commands, checklists. */
export const StepGroup = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  /** Time frame, e.g. "within 24 hours", "monthly". */
  within: Schema.optional(Schema.String),
  steps: Schema.Array(Step),
})
export type StepGroup = typeof StepGroup.Type

export const NamedQuery = Schema.Struct({
  name: Schema.String,
  query: Schema.String,
  /** The signal this query feeds, if a probe uses it. */
  signal: Schema.optional(Schema.String),
})
export type NamedQuery = typeof NamedQuery.Type

export const ContactEntry = Schema.Struct({
  name: Schema.String,
  contact: Schema.String,
})
export type ContactEntry = typeof ContactEntry.Type

export const Runbook = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  calendar: BusinessCalendar,
  thresholds: Thresholds,
  severities: Schema.Array(Severity),
  playbooks: Schema.Array(Playbook),
  escalation: EscalationPolicy,
  channels: Schema.Array(Channel),
  /**
   * Which severities reach the public audiences: the status page (`external`) and support
   * tickets (`customer`). Default P0 and P1 on the status page, P0 to P2 in tickets.
   */
  audiences: Schema.optionalWith(AudiencePolicy, { default: () => defaultAudiencePolicy }),
  communications: Schema.Array(CommunicationTemplate),
  monitoring: Schema.Array(Link),
  logs: Schema.Array(Step),
  usefulCommands: Schema.Array(StepGroup),
  configurationFiles: Schema.Array(ContactEntry),
  postIncident: Schema.Array(StepGroup),
  onCall: Schema.Array(ContactEntry),
  /**
   * Who is on call when: people and their contacts, rotations, shifts and overrides (see
   * `OnCall`). Absent, nobody is scheduled and `onCall`'s words stand ("Check PagerDuty schedule").
   */
  onCallSchedule: Schema.optionalWith(OnCallSchedule, { default: () => emptySchedule }),
  vendorContacts: Schema.Array(ContactEntry),
  internalContacts: Schema.Array(ContactEntry),
  training: Schema.Array(StepGroup),
  queries: Schema.Array(NamedQuery),
  logSearches: Schema.Array(Step),
  recoveryScripts: Schema.Array(Step),
})
export type Runbook = typeof Runbook.Type

/**
 * The seed runbook as data: six playbooks, four severities, the escalation policy, templates,
 * checklists, contacts and queries, from `defaults/`. It is written in its decoded form, so that
 * no program decodes it at start-up (20 to 30 ms of every `ir` command); the tests hold it to the
 * schema: decoding it gives it back.
 */
export const defaultRunbook: Runbook = {
  // Its own decoded form (branded durations are strings at run time): see defaults/runbook.ts.
  ...(defaultRunbookDocument as Omit<Runbook, "audiences" | "onCallSchedule">),
  audiences: defaultAudiencePolicy,
  onCallSchedule: emptySchedule,
}
