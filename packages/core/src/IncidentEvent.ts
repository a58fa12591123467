/**
 * Incident events: the append-only record of an incident. `foldIncident` turns them into state.
 * Timestamps are `Date`s in memory and ISO 8601 strings when encoded.
 *
 * @example
 * ```ts
 * import { IncidentEvent } from "@ir/core"
 * const opened: IncidentEvent.IncidentEvent = {
 *   type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *   title: "System completely down", severity: "P0", playbooks: ["system-down"],
 *   summary: "Health check endpoint unreachable", impact: "All users",
 * }
 * ```
 */
import * as Schema from "effect/Schema"
import { IncidentFlag } from "./IncidentFlag.js"
import { NotificationMessage } from "./NotificationMessage.js"
import { SeverityLevel } from "./Severity.js"

// Their own modules, so that what needs only them (the escalation policy, and so the runbook)
// does not construct every event schema; still part of this namespace.
export { IncidentFlag, NotificationMessage }

const at = Schema.Date

/** Where an incident came from: a triage run, an alert (with its dedup key) or a person. */
export const IncidentSource = Schema.Struct({
  kind: Schema.Literal("triage", "alert", "manual", "drill"),
  /** Alertmanager group key or fingerprint, for deduplication. */
  key: Schema.optional(Schema.String),
})
export type IncidentSource = typeof IncidentSource.Type

export const Opened = Schema.Struct({
  type: Schema.Literal("opened"),
  at,
  incidentId: Schema.String,
  title: Schema.String,
  severity: SeverityLevel,
  playbooks: Schema.Array(Schema.String),
  summary: Schema.String,
  impact: Schema.optional(Schema.String),
  /**
   * When the failure began, where something saw it before the incident was opened (the earliest
   * firing alert's `startsAt`): the start of the downtime.
   */
  startedAt: Schema.optional(Schema.Date),
  commander: Schema.optional(Schema.String),
  eta: Schema.optional(Schema.String),
  source: Schema.optional(IncidentSource),
  by: Schema.optional(Schema.String),
})

export const Acknowledged = Schema.Struct({
  type: Schema.Literal("acknowledged"),
  at,
  by: Schema.String,
})

export const SeverityChanged = Schema.Struct({
  type: Schema.Literal("severity-changed"),
  at,
  severity: SeverityLevel,
  reason: Schema.String,
  by: Schema.optional(Schema.String),
})

export const UpdatePosted = Schema.Struct({
  type: Schema.Literal("update-posted"),
  at,
  progress: Schema.String,
  status: Schema.String,
  nextSteps: Schema.String,
  eta: Schema.optional(Schema.String),
  by: Schema.optional(Schema.String),
  /** What the status page and support tickets may read of this update (customer-safe words). */
  publicNote: Schema.optional(Schema.String),
})

export const FlagRaised = Schema.Struct({
  type: Schema.Literal("flag-raised"),
  at,
  flag: IncidentFlag,
  note: Schema.optional(Schema.String),
  by: Schema.optional(Schema.String),
})

export const ActionTaken = Schema.Struct({
  type: Schema.Literal("action-taken"),
  at,
  action: Schema.String,
  target: Schema.optional(Schema.String),
  dryRun: Schema.Boolean,
  outcome: Schema.Literal("planned", "succeeded", "failed"),
  detail: Schema.String,
  by: Schema.optional(Schema.String),
})

export const Escalated = Schema.Struct({
  type: Schema.Literal("escalated"),
  at,
  /** Index in the contact chain escalated to (0 = first contact). */
  level: Schema.Number.pipe(Schema.int(), Schema.nonNegative()),
  to: Schema.String,
  rule: Schema.String,
  /** The due action's idempotency key (see `DueAction.key`), when `escalate` asked for it. */
  key: Schema.optional(Schema.String),
})

export const Mitigated = Schema.Struct({
  type: Schema.Literal("mitigated"),
  at,
  summary: Schema.String,
  by: Schema.optional(Schema.String),
})

export const Resolved = Schema.Struct({
  type: Schema.Literal("resolved"),
  at,
  resolution: Schema.String,
  rootCause: Schema.optional(Schema.String),
  by: Schema.optional(Schema.String),
})

export const PostmortemScheduled = Schema.Struct({
  type: Schema.Literal("postmortem-scheduled"),
  at,
  scheduledFor: Schema.Date,
  by: Schema.optional(Schema.String),
})

/**
 * An action item agreed after the incident (at the post-mortem, or any time): what, who, by when,
 * and where it is tracked. `item` is its id within the incident (`A1`, `A2`, …).
 *
 * @example
 * ```ts
 * import { IncidentEvent } from "@ir/core"
 * const added: IncidentEvent.IncidentEvent = {
 *   type: "action-item-added", at: new Date("2026-12-01T10:00:00Z"), item: "A1",
 *   text: "Alert on connection pool saturation", owner: "alice",
 *   due: new Date("2026-12-08T17:00:00Z"), link: "https://tracker.example/OPS-42",
 * }
 * ```
 */
export const ActionItemAdded = Schema.Struct({
  type: Schema.Literal("action-item-added"),
  at,
  item: Schema.String,
  text: Schema.String,
  owner: Schema.optional(Schema.String),
  due: Schema.optional(Schema.Date),
  link: Schema.optional(Schema.String),
  by: Schema.optional(Schema.String),
})

/** An action item is done. */
export const ActionItemDone = Schema.Struct({
  type: Schema.Literal("action-item-done"),
  at,
  item: Schema.String,
  note: Schema.optional(Schema.String),
  by: Schema.optional(Schema.String),
})

/**
 * A step of the runbook's post-incident checklists is done (`group`: the checklist's id, such as
 * `immediate`; `step`: its index there, from 0).
 */
export const ChecklistStepDone = Schema.Struct({
  type: Schema.Literal("checklist-step-done"),
  at,
  group: Schema.String,
  step: Schema.Number.pipe(Schema.int(), Schema.nonNegative()),
  by: Schema.optional(Schema.String),
})

/**
 * A message went out. `key` is the idempotency key of the due action it answered (see
 * `DueAction.key`): once recorded, `escalate` never asks for that action again.
 *
 * @example
 * ```ts
 * import { IncidentEvent } from "@ir/core"
 * const sent: IncidentEvent.IncidentEvent = {
 *   type: "notification-sent", at: new Date("2026-11-28T10:05:00Z"), message: "initial",
 *   channels: ["incidents"], key: "INC-2026-0001:notify-initial",
 * }
 * ```
 */
export const NotificationSent = Schema.Struct({
  type: Schema.Literal("notification-sent"),
  at,
  message: NotificationMessage,
  /** Channel ids (see `Runbook.channels`) the message was delivered to. */
  channels: Schema.Array(Schema.String),
  key: Schema.String,
  /**
   * What a channel's peer calls the incident, by channel id, when the delivery created something
   * there to follow up (a Statuspage incident id, a ticket number).
   */
  references: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
})

/** Any incident event. */
export const IncidentEvent = Schema.Union(
  Opened,
  Acknowledged,
  SeverityChanged,
  UpdatePosted,
  FlagRaised,
  ActionTaken,
  Escalated,
  Mitigated,
  Resolved,
  PostmortemScheduled,
  NotificationSent,
  ActionItemAdded,
  ActionItemDone,
  ChecklistStepDone,
)
export type IncidentEvent = typeof IncidentEvent.Type
export type IncidentEventType = IncidentEvent["type"]

/** The event of a given type. */
export type EventOf<T extends IncidentEventType> = Extract<IncidentEvent, { readonly type: T }>
