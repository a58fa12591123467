/**
 * Incident state: the fold of an incident's events. Impossible sequences (an update after
 * resolution, resolving twice, events before the incident was opened or out of time order) are
 * typed errors, never silently accepted, and never exceptions.
 *
 * The fold's rules:
 * - the first event opens the incident; events after it are dated no earlier than the one before;
 * - `status` is the furthest stage reached: open → acknowledged → mitigated → resolved. An
 *   acknowledgement that arrives after mitigation is recorded (`acknowledgedAt`) but does not
 *   move the status back;
 * - after resolution only `postmortem-scheduled` and `notification-sent` (the resolution notice,
 *   the post-mortem reminder) may follow;
 * - progress (`lastProgressAt`, which the "no progress" escalation rule reads) is the opening, a
 *   status update, an action that was carried out and succeeded (not a dry run, not planned, not
 *   failed: two hours of failing attempts is exactly when to escalate), mitigation and resolution;
 * - recording the same notification key twice is accepted (two cron runs may race), and so is a
 *   repeated flag; acknowledging, mitigating or resolving twice is an error.
 *
 * @example
 * ```ts
 * import { foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const result = foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: ["system-down"],
 *     summary: "Health check endpoint unreachable" },
 *   { type: "acknowledged", at: new Date("2026-11-28T10:04:00Z"), by: "alice" },
 * ])
 * if (Either.isRight(result)) result.right.status // "acknowledged"
 * ```
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import type { EventOf, IncidentEvent, IncidentFlag, IncidentSource } from "./IncidentEvent.js"
import type { SeverityLevel } from "./Severity.js"
import { levels } from "./Severity.js"

export type IncidentStatus = "open" | "acknowledged" | "mitigated" | "resolved"

/**
 * The statuses of an incident that is not over: it still owes updates, pages and escalations.
 * The one list every command and service filters active incidents by.
 *
 * @example
 * ```ts
 * import { activeStatuses } from "@ir/core"
 * activeStatuses.includes("mitigated") // true
 * ```
 */
export const activeStatuses: ReadonlyArray<IncidentStatus> = ["open", "acknowledged", "mitigated"]

/** A raised flag and when it was raised. */
export interface RaisedFlag {
  readonly flag: IncidentFlag
  readonly at: Date
  readonly note?: string
}

/** The state of one incident, derived from its events. */
export interface Incident {
  readonly id: string
  readonly title: string
  readonly summary: string
  readonly impact?: string
  readonly commander?: string
  readonly eta?: string
  readonly source?: IncidentSource
  readonly severity: SeverityLevel
  readonly playbooks: ReadonlyArray<string>
  readonly status: IncidentStatus
  readonly openedAt: Date
  /** When the failure began, if something saw it before the opening (an alert's `startsAt`). */
  readonly startedAt?: Date
  readonly acknowledgedAt?: Date
  readonly acknowledgedBy?: string
  /**
   * The latest acknowledgement: the incident's first, or a contact's acknowledgement of an
   * escalation that reached them (which stops the climb up the contact chain).
   */
  readonly lastAcknowledgedAt?: Date
  readonly lastAcknowledgedBy?: string
  readonly mitigatedAt?: Date
  readonly resolvedAt?: Date
  readonly resolution?: string
  readonly rootCause?: string
  /**
   * Last time something moved the incident forward: opened, a status update, a successful action
   * carried out (not a dry run), mitigation, resolution.
   */
  readonly lastProgressAt: Date
  /** Last status update posted, if any. */
  readonly lastUpdateAt?: Date
  readonly updates: ReadonlyArray<EventOf<"update-posted">>
  readonly actions: ReadonlyArray<EventOf<"action-taken">>
  readonly flags: ReadonlyArray<RaisedFlag>
  readonly escalations: ReadonlyArray<EventOf<"escalated">>
  readonly severityChanges: ReadonlyArray<EventOf<"severity-changed">>
  readonly postmortemScheduledFor?: Date
  /** Action items agreed after the incident, in the order they were added. */
  readonly actionItems: ReadonlyArray<ActionItem>
  /** Post-incident checklist steps done, as `group:step` (`immediate:0`), with when and by whom. */
  readonly checklistDone: ReadonlyArray<EventOf<"checklist-step-done">>
  /** Messages sent (initial, updates, pages, escalations, resolution), in order. */
  readonly notifications: ReadonlyArray<EventOf<"notification-sent">>
  /** Every event, in order: the timeline. */
  readonly events: ReadonlyArray<IncidentEvent>
}

/** An action item, as its events leave it. */
export interface ActionItem {
  readonly item: string
  readonly text: string
  readonly owner?: string
  readonly due?: Date
  readonly link?: string
  readonly addedAt: Date
  readonly doneAt?: Date
  readonly doneBy?: string
}

/** Why an event cannot apply to the incident as it stands. */
export class IncidentTransitionError extends Data.TaggedError("IncidentTransitionError")<{
  readonly reason:
    | "not-opened"
    | "already-opened"
    | "already-resolved"
    | "already-acknowledged"
    | "already-mitigated"
    | "not-resolved"
    | "out-of-order"
    | "no-events"
    | "invalid-event"
    | "unknown-action-item"
    | "duplicate-action-item"
    | "already-done"
  /** The offending event; absent for `no-events`. */
  readonly event?: IncidentEvent
  /** Position of the offending event in the sequence. */
  readonly index: number
  readonly incidentId?: string
}> {
  override get message(): string {
    const subject = this.incidentId ?? "the incident"
    const what = `"${this.event?.type ?? "nothing"}" (event ${this.index + 1})`
    const messages: Record<IncidentTransitionError["reason"], string> = {
      "not-opened": `${what} cannot come before ${subject} is opened`,
      "already-opened": `${subject} is already open; ${what} would open it twice`,
      "already-resolved": `${subject} is resolved; ${what} cannot follow the resolution`,
      "already-acknowledged": `${subject} is already acknowledged; ${what} is redundant`,
      "already-mitigated": `${subject} is already mitigated; ${what} is redundant`,
      "not-resolved": `${what} needs ${subject} to be resolved first`,
      "out-of-order": `${what} is dated before the event it follows`,
      "no-events": "an incident needs at least its opening event",
      "invalid-event": `${what} is not a valid incident event: it needs a known type, a known severity and valid dates`,
      "unknown-action-item": `${what} names an action item ${subject} does not have`,
      "duplicate-action-item": `${what} adds an action item id ${subject} already has`,
      "already-done": `${what}: that is already done on ${subject}`,
    }
    return messages[this.reason]
  }
}

const openedState = (event: EventOf<"opened">): Incident => ({
  id: event.incidentId,
  title: event.title,
  summary: event.summary,
  ...(event.impact === undefined ? {} : { impact: event.impact }),
  ...(event.commander === undefined ? {} : { commander: event.commander }),
  ...(event.eta === undefined ? {} : { eta: event.eta }),
  ...(event.source === undefined ? {} : { source: event.source }),
  severity: event.severity,
  playbooks: event.playbooks,
  status: "open",
  openedAt: event.at,
  ...(event.startedAt === undefined || event.startedAt.getTime() > event.at.getTime()
    ? {}
    : { startedAt: event.startedAt }),
  lastProgressAt: event.at,
  updates: [],
  actions: [],
  flags: [],
  escalations: [],
  severityChanges: [],
  actionItems: [],
  checklistDone: [],
  notifications: [],
  events: [event],
})

/** What may still happen to a resolved incident: what follows it. */
const afterResolution: ReadonlySet<string> = new Set([
  "postmortem-scheduled",
  "notification-sent",
  "action-item-added",
  "action-item-done",
  "checklist-step-done",
])

/**
 * Applies one event to the state (or to nothing, for the first event). `index` is only used to
 * point at the offending event in an error.
 */
export const applyEvent = (
  state: Incident | undefined,
  event: IncidentEvent,
  index = state?.events.length ?? 0,
): Either.Either<Incident, IncidentTransitionError> => {
  const fail = (reason: IncidentTransitionError["reason"]) =>
    Either.left(
      new IncidentTransitionError({
        reason,
        event,
        index,
        ...(state === undefined ? {} : { incidentId: state.id }),
      }),
    )
  if (!isWellFormed(event)) return fail("invalid-event")
  if (state === undefined)
    return event.type === "opened" ? Either.right(openedState(event)) : fail("not-opened")
  const last = state.events[state.events.length - 1]
  if (last !== undefined && event.at.getTime() < last.at.getTime()) return fail("out-of-order")
  if (event.type === "opened") return fail("already-opened")
  const resolved = state.status === "resolved"
  if (resolved && !afterResolution.has(event.type)) return fail("already-resolved")
  const next = { ...state, events: [...state.events, event] }
  switch (event.type) {
    case "acknowledged":
      if (state.acknowledgedAt !== undefined) {
        // Acknowledged already: only an escalation sent since the last acknowledgement (a contact
        // further up the chain taking it) can be acknowledged again.
        if (!awaitsAcknowledgement(state)) return fail("already-acknowledged")
        return Either.right({ ...next, lastAcknowledgedAt: event.at, lastAcknowledgedBy: event.by })
      }
      return Either.right({
        ...next,
        status: state.status === "open" ? "acknowledged" : state.status,
        acknowledgedAt: event.at,
        acknowledgedBy: event.by,
        lastAcknowledgedAt: event.at,
        lastAcknowledgedBy: event.by,
      })
    case "severity-changed":
      return Either.right({
        ...next,
        severity: event.severity,
        severityChanges: [...state.severityChanges, event],
      })
    case "update-posted":
      return Either.right({
        ...next,
        updates: [...state.updates, event],
        lastUpdateAt: event.at,
        lastProgressAt: event.at,
        ...(event.eta === undefined ? {} : { eta: event.eta }),
      })
    case "flag-raised":
      return Either.right({
        ...next,
        flags: [
          ...state.flags,
          {
            flag: event.flag,
            at: event.at,
            ...(event.note === undefined ? {} : { note: event.note }),
          },
        ],
      })
    case "action-taken":
      return Either.right({
        ...next,
        actions: [...state.actions, event],
        ...(!event.dryRun && event.outcome === "succeeded" ? { lastProgressAt: event.at } : {}),
      })
    case "escalated":
      return Either.right({ ...next, escalations: [...state.escalations, event] })
    case "action-item-added":
      if (state.actionItems.some((item) => item.item === event.item))
        return fail("duplicate-action-item")
      return Either.right({
        ...next,
        actionItems: [
          ...state.actionItems,
          {
            item: event.item,
            text: event.text,
            addedAt: event.at,
            ...(event.owner === undefined ? {} : { owner: event.owner }),
            ...(event.due === undefined ? {} : { due: event.due }),
            ...(event.link === undefined ? {} : { link: event.link }),
          },
        ],
      })
    case "action-item-done": {
      const found = state.actionItems.find((item) => item.item === event.item)
      if (found === undefined) return fail("unknown-action-item")
      if (found.doneAt !== undefined) return fail("already-done")
      return Either.right({
        ...next,
        actionItems: state.actionItems.map((item) =>
          item === found
            ? { ...item, doneAt: event.at, ...(event.by === undefined ? {} : { doneBy: event.by }) }
            : item,
        ),
      })
    }
    case "checklist-step-done":
      if (
        state.checklistDone.some((done) => done.group === event.group && done.step === event.step)
      )
        return fail("already-done")
      return Either.right({ ...next, checklistDone: [...state.checklistDone, event] })
    case "mitigated":
      if (state.mitigatedAt !== undefined) return fail("already-mitigated")
      return Either.right({
        ...next,
        status: "mitigated",
        mitigatedAt: event.at,
        lastProgressAt: event.at,
      })
    case "resolved":
      return Either.right({
        ...next,
        status: "resolved",
        resolvedAt: event.at,
        resolution: event.resolution,
        ...(event.rootCause === undefined ? {} : { rootCause: event.rootCause }),
        lastProgressAt: event.at,
      })
    case "postmortem-scheduled":
      if (!resolved) return fail("not-resolved")
      return Either.right({ ...next, postmortemScheduledFor: event.scheduledFor })
    case "notification-sent":
      return Either.right({ ...next, notifications: [...state.notifications, event] })
  }
}

const isValidDate = (value: unknown): boolean =>
  value instanceof Date && !Number.isNaN(value.getTime())

const eventTypes: ReadonlySet<string> = new Set<IncidentEvent["type"]>([
  "opened",
  "acknowledged",
  "severity-changed",
  "update-posted",
  "flag-raised",
  "action-taken",
  "escalated",
  "mitigated",
  "resolved",
  "postmortem-scheduled",
  "notification-sent",
  "action-item-added",
  "action-item-done",
  "checklist-step-done",
])

/**
 * Events normally come through the `IncidentEvent` schema; this guards the fold against hand-built
 * values (an invalid `Date`, an unknown type) so that it answers with an error, never a throw.
 */
const isWellFormed = (event: IncidentEvent): boolean => {
  if (typeof event !== "object" || event === null) return false
  if (!eventTypes.has(event.type) || !isValidDate(event.at)) return false
  if (event.type === "opened" || event.type === "severity-changed")
    return levels.includes(event.severity)
  if (event.type === "postmortem-scheduled") return isValidDate(event.scheduledFor)
  if (event.type === "action-item-added") return event.due === undefined || isValidDate(event.due)
  return true
}

/**
 * Folds an incident's events, oldest first, into its state; the first impossible event is the
 * error.
 */
export const foldIncident = (
  events: Iterable<IncidentEvent>,
): Either.Either<Incident, IncidentTransitionError> => {
  let state: Incident | undefined
  let index = 0
  for (const event of events) {
    const result = applyEvent(state, event, index)
    if (Either.isLeft(result)) return result
    state = result.right
    index += 1
  }
  if (state === undefined) {
    return Either.left(new IncidentTransitionError({ reason: "no-events", index: 0 }))
  }
  return Either.right(state)
}

/**
 * Whether the latest escalation waits for an acknowledgement: one was sent, and nobody has
 * acknowledged since. While it does, the escalation climbs the contact chain.
 *
 * @example
 * ```ts
 * import { awaitsAcknowledgement, foldIncident } from "@ir/core"
 * const at = new Date("2026-11-28T10:00:00Z")
 * const incident = foldIncident([
 *   { type: "opened", incidentId: "INC-1", at, title: "Down", severity: "P0", playbooks: [],
 *     summary: "Down", source: { kind: "manual" } },
 *   { type: "escalated", at: new Date("2026-11-28T10:30:00Z"), level: 0, to: "Technical Lead",
 *     rule: "p0-not-restored" },
 * ])
 * awaitsAcknowledgement(incident) // true
 * ```
 */
export const awaitsAcknowledgement = (
  incident: Pick<Incident, "escalations" | "notifications" | "lastAcknowledgedAt">,
): boolean => {
  const latest = latestEscalationAt(incident)
  return (
    latest !== undefined &&
    (incident.lastAcknowledgedAt === undefined ||
      incident.lastAcknowledgedAt.getTime() < latest.getTime())
  )
}

/**
 * When the incident last escalated: its latest `escalated` event or escalation message sent.
 *
 * @example
 * ```ts
 * import { foldIncident, latestEscalationAt } from "@ir/core"
 * const at = new Date("2026-11-28T10:00:00Z")
 * const incident = foldIncident([
 *   { type: "opened", incidentId: "INC-1", at, title: "Down", severity: "P0", playbooks: [],
 *     summary: "Down", source: { kind: "manual" } },
 * ])
 * latestEscalationAt(incident) // undefined
 * ```
 */
export const latestEscalationAt = (
  incident: Pick<Incident, "escalations" | "notifications">,
): Date | undefined => {
  let latest: number | undefined
  for (const escalation of incident.escalations)
    latest = Math.max(latest ?? escalation.at.getTime(), escalation.at.getTime())
  for (const sent of incident.notifications)
    if (sent.message === "escalation")
      latest = Math.max(latest ?? sent.at.getTime(), sent.at.getTime())
  return latest === undefined ? undefined : new Date(latest)
}

/**
 * Whether a flag has been raised on the incident.
 *
 * @example
 * ```ts
 * import { foldIncident, hasFlag } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "Data pipeline stalled", severity: "P1", playbooks: [], summary: "No new data" },
 *   { type: "flag-raised", at: new Date("2026-11-28T10:03:00Z"), flag: "data-loss" },
 * ]))
 * hasFlag(incident, "data-loss") // true
 * ```
 */
export const hasFlag = (incident: Incident, flag: IncidentFlag): boolean =>
  incident.flags.some((raised) => raised.flag === flag)

/**
 * The idempotency keys already recorded on the incident, from `notification-sent` and
 * `escalated` events: the due actions `escalate` will not ask for again.
 *
 * @example
 * ```ts
 * import { foldIncident, recordedKeys } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: [], summary: "Down" },
 *   { type: "notification-sent", at: new Date("2026-11-28T10:01:00Z"), message: "page",
 *     channels: [], key: "INC-2026-0001:page:P0" },
 * ]))
 * recordedKeys(incident).has("INC-2026-0001:page:P0") // true
 * ```
 */
export const recordedKeys = (incident: Incident): ReadonlySet<string> => {
  const keys = new Set<string>()
  for (const notification of incident.notifications) keys.add(notification.key)
  for (const escalation of incident.escalations) {
    if (escalation.key !== undefined) keys.add(escalation.key)
  }
  return keys
}
