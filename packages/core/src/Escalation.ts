/**
 * The escalation policy: when to escalate (the runbook's rules), to whom (the contact chain), and
 * `escalate(runbook, incident, now)`, the actions due at a moment.
 *
 * `escalate` is meant to run often (`ir escalate` from cron every minute). Each due action has an
 * idempotency `key`; once the caller records the action, as a `notification-sent` event (or an
 * `escalated` event carrying the key, or a `postmortem-scheduled` event for the post-mortem), it
 * is never due again. What is due, and when:
 *
 * - `page`: the current severity is raised by page (P0), nobody has acknowledged and it is not
 *   resolved; due from the moment the incident took that severity, deadline `respondBy`.
 *   Key `<id>:page:<level>`.
 * - `notify-initial`: the initial message was not sent; due at opening, deadline opening plus
 *   the initial template's "within 15 minutes". Key `<id>:notify-initial`.
 * - `post-update`: `nextUpdateDue` has passed; repeats every cadence until an update is posted.
 *   Key `<id>:post-update:<update number>:<reminder number>`.
 * - `escalate`: a rule fired (each rule once per incident). Each firing goes one contact further
 *   than the last escalation: level = number of escalations so far (`escalated` events, manual
 *   ones too, and escalation notifications recorded only as `notification-sent`, each key once),
 *   capped at the end of the chain. Key `<id>:escalate:<rule id>:<level>`.
 * - `notify-resolution`: resolved and the resolution notice was not sent. Key
 *   `<id>:notify-resolution`.
 * - `schedule-postmortem`: resolved and no post-mortem scheduled; deadline from the runbook's
 *   post-incident checklist ("within 1 week"). Key `<id>:schedule-postmortem`.
 *
 * Rules read the current severity. "Unable to restore service" and "no progress" stop once the
 * incident is mitigated (service restored counts as restored; a mitigated incident is not
 * stalled), flag rules (data loss, security) fire until resolution, and nothing escalates after
 * resolution. The initial alert, updates and the resolution go to every internal channel and to
 * the public ones (status page, support tickets) the runbook's `audiences` route the severity to
 * (see `messageChannels`); escalations go to the contact's own channels plus the internal ones;
 * pages only to `pagerduty` channels.
 *
 * @example
 * ```ts
 * import { escalate, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: ["system-down"],
 *     summary: "Health check endpoint unreachable" },
 *   { type: "acknowledged", at: new Date("2026-11-28T10:04:00Z"), by: "alice" },
 * ]))
 * escalate(defaultRunbook, incident, new Date("2026-11-28T10:31:00Z")).map((action) => action.key)
 * // ["INC-2026-0001:notify-initial", "INC-2026-0001:escalate:p0-not-restored:0",
 * //  "INC-2026-0001:post-update:1:1"]
 * ```
 */
import * as Schema from "effect/Schema"
import * as Audience from "./Audience.js"
import {
  hasFired,
  nextUpdateDue,
  respondBy,
  ruleDueAt,
  severityOf,
  severitySince,
} from "./Deadline.js"
import { DurationString, formatSeconds, toMillis } from "./Duration.js"
import {
  awaitsAcknowledgement,
  hasFlag,
  type Incident,
  latestEscalationAt,
  recordedKeys,
} from "./Incident.js"
import type { IncidentEvent } from "./IncidentEvent.js"
import { IncidentFlag } from "./IncidentFlag.js"
import { NotificationMessage } from "./NotificationMessage.js"
import type { Runbook } from "./Runbook.js"
import { rank, SeverityLevel } from "./Severity.js"

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
  /**
   * The severity the incident is raised to when the rule's flag is raised (the seed lists data
   * loss and a security breach among P0's examples). Never lowers it.
   */
  raiseTo: Schema.optional(SeverityLevel),
  /** Channel ids the rule's escalation goes to besides the contact's and the internal ones. */
  notify: Schema.optional(Schema.Array(Schema.String)),
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

/**
 * The post-mortem, as the runbook's policy: the meeting's deadline after the resolution (the
 * seed's "Short-term (within 1 week): Conduct post-mortem meeting"), when `ir incident resolve`
 * schedules it unless told, and the post-incident checklist group that holds it.
 */
export const PostmortemPolicy = Schema.Struct({
  /** The runbook's words for it. */
  text: Schema.String,
  /** How long after the resolution the meeting must be held. */
  within: DurationString,
  /** The default meeting time: this many business days after the next business hour. */
  scheduleAfterBusinessDays: Schema.Int.pipe(Schema.between(0, 30)),
  /** The `postIncident` group whose checklist the meeting belongs to. */
  checklist: Schema.optional(Schema.String),
})
export type PostmortemPolicy = typeof PostmortemPolicy.Type

/** The seed runbook's post-mortem policy. */
export const defaultPostmortemPolicy: PostmortemPolicy = {
  text: "Conduct post-mortem meeting",
  within: "7d" as PostmortemPolicy["within"],
  scheduleAfterBusinessDays: 2,
  checklist: "short-term",
}

export const EscalationPolicy = Schema.Struct({
  rules: Schema.Array(EscalationRule),
  /** The contact chain, first contact first. */
  contacts: Schema.Array(Contact),
  /**
   * How long an escalation waits for an acknowledgement before the next contact of the chain is
   * escalated to. Default: the severity's update cadence (30 minutes for a P0, an hour for a P1),
   * else an hour. The last contact, once reached, is reminded at the update cadence.
   */
  repeatAfter: Schema.optional(DurationString),
  /** The post-mortem's deadline and default schedule (default: the seed's). */
  postmortem: Schema.optionalWith(PostmortemPolicy, { default: () => defaultPostmortemPolicy }),
})
export type EscalationPolicy = typeof EscalationPolicy.Type

/**
 * What a due action asks for.
 *
 * @example
 * ```ts
 * import { Escalation } from "@ir/core"
 * Escalation.DueActionKind.literals // ["page", "notify-initial", ...]
 * ```
 */
export const DueActionKind = Schema.Literal(
  "page",
  "notify-initial",
  "post-update",
  "escalate",
  "notify-resolution",
  "schedule-postmortem",
  "remind",
)
export type DueActionKind = typeof DueActionKind.Type

/**
 * The contact an escalation goes to: its place in the chain (0 = first) and how to reach it.
 *
 * @example
 * ```ts
 * import type { Escalation } from "@ir/core"
 * const contact: Escalation.DueContact = { level: 1, role: "SRE Manager", phone: "+1-555-0102" }
 * ```
 */
export const DueContact = Schema.Struct({
  level: Schema.Number.pipe(Schema.int(), Schema.nonNegative()),
  role: Schema.String,
  name: Schema.optional(Schema.String),
  phone: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
})
export type DueContact = typeof DueContact.Type

/**
 * Why an action is due: the escalation rule, or the runbook text behind the other kinds
 * (`severity-raise`, `initial-response`, `status-update`, `resolution-notice`, `post-mortem`).
 *
 * @example
 * ```ts
 * import type { Escalation } from "@ir/core"
 * const rule: Escalation.DueRule = {
 *   id: "p0-not-restored", text: "Unable to restore service within 30 minutes",
 * }
 * ```
 */
export const DueRule = Schema.Struct({ id: Schema.String, text: Schema.String })
export type DueRule = typeof DueRule.Type

/**
 * One action due on an incident at a moment. Record it once done: a `notification-sent` event
 * with `message` and `key` (for escalations an `escalated` event with `level`, `to`, `rule` and
 * `key` does as well), and `escalate` will not return it again.
 *
 * @example
 * ```ts
 * import { Escalation } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * const action = Schema.decodeUnknownSync(Escalation.DueAction)({
 *   kind: "escalate", key: "INC-2026-0001:escalate:p0-not-restored:1",
 *   incidentId: "INC-2026-0001", severity: "P0", dueAt: "2026-11-28T10:30:00.000Z",
 *   rule: { id: "p0-not-restored", text: "Unable to restore service within 30 minutes" },
 *   message: "escalation", channels: ["incidents"],
 *   contact: { level: 1, role: "SRE Manager", phone: "+1-555-0102" },
 * })
 * ```
 */
export const DueAction = Schema.Struct({
  kind: DueActionKind,
  /** Stable idempotency key, `<incident id>:<kind>:…`; record it to mark the action done. */
  key: Schema.String,
  incidentId: Schema.String,
  /** The incident's current severity. */
  severity: SeverityLevel,
  /** When the action became due (never after the `now` it was computed for). */
  dueAt: Schema.Date,
  /** When it must be done by, where the runbook says (respond-by, "within 15 minutes", …). */
  deadline: Schema.optional(Schema.Date),
  rule: DueRule,
  /** The `message` to record in the `notification-sent` event once sent. */
  message: NotificationMessage,
  /** Channel ids (see `Runbook.channels`) to deliver to. */
  channels: Schema.Array(Schema.String),
  /** For escalations: who, at which level of the chain. */
  contact: Schema.optional(DueContact),
  /** For reminders: what is still open (checklist steps, an action item). */
  items: Schema.optional(Schema.Array(Schema.String)),
})
export type DueAction = typeof DueAction.Type

/** The parts of a runbook `escalate` reads. */
export type EscalateRunbook = Pick<
  Runbook,
  | "severities"
  | "calendar"
  | "escalation"
  | "channels"
  | "audiences"
  | "communications"
  | "postIncident"
>

const MINUTE = 60_000

// Among actions due at the same moment, the most urgent first.
const kindOrder: ReadonlyArray<DueActionKind> = [
  "page",
  "escalate",
  "notify-initial",
  "post-update",
  "notify-resolution",
  "schedule-postmortem",
  "remind",
]

const unitMillis: Record<string, number> = {
  minute: MINUTE,
  hour: 60 * MINUTE,
  day: 1440 * MINUTE,
  week: 7 * 1440 * MINUTE,
  month: 30 * 1440 * MINUTE,
}

/** Reads "within 15 minutes", "within 1 week" from the runbook's wording. */
const withinMillis = (text: string | undefined, fallback: number): number => {
  const match = /within\s+(\d+)\s+(minute|hour|day|week|month)s?/i.exec(text ?? "")
  if (match === null) return fallback
  return Number(match[1]) * (unitMillis[match[2]!.toLowerCase()] ?? 0) || fallback
}

const unique = (ids: Iterable<string>): ReadonlyArray<string> => [...new Set(ids)]

const templateRule = (
  runbook: EscalateRunbook,
  id: "initial" | "update" | "resolution",
  ruleId: string,
  fallback: string,
): { readonly rule: DueRule; readonly when: string | undefined } => {
  const template = runbook.communications.find((candidate) => candidate.id === id)
  return {
    rule: {
      id: ruleId,
      text: template === undefined ? fallback : `${template.title} (${template.when})`,
    },
    when: template?.when,
  }
}

const postmortemRule = (
  runbook: EscalateRunbook,
): { readonly rule: DueRule; readonly within: number } => {
  const policy = runbook.escalation.postmortem
  const group = runbook.postIncident.find((candidate) => candidate.id === policy.checklist)
  return {
    rule: {
      id: "post-mortem",
      text: group?.within === undefined ? policy.text : `${policy.text} (${group.within})`,
    },
    within: toMillis(policy.within),
  }
}

/**
 * Escalations so far: `escalated` events (manual ones too), and escalation notifications that
 * were recorded only as `notification-sent`, each key counted once.
 */
const escalationCount = (incident: Incident): number => {
  const keys = new Set<string>()
  let unkeyed = 0
  for (const escalation of incident.escalations) {
    if (escalation.key === undefined) unkeyed += 1
    else keys.add(escalation.key)
  }
  for (const sent of incident.notifications) {
    if (sent.message === "escalation") keys.add(sent.key)
  }
  return unkeyed + keys.size
}

const dueContact = (contact: Contact, level: number): DueContact => ({
  level,
  role: contact.role,
  ...(contact.name === undefined ? {} : { name: contact.name }),
  ...(contact.phone === undefined ? {} : { phone: contact.phone }),
  ...(contact.email === undefined ? {} : { email: contact.email }),
})

/** How long an escalation waits for an acknowledgement before the climb goes on. */
const repeatAfterMillis = (runbook: Pick<Runbook, "escalation">, cadence: number): number =>
  runbook.escalation.repeatAfter !== undefined ? toMillis(runbook.escalation.repeatAfter) : cadence

/** Where the status-update cadence counts from: the last update, else the opening. */
const updateSince = (incident: Incident): number =>
  (incident.lastUpdateAt ?? incident.openedAt).getTime()

/**
 * When the climb goes one contact further (or reminds the last one), if it is running: an
 * escalation nobody acknowledged, service not restored, not planned maintenance. Up the chain
 * after `repeatAfter`; the last contact, reached already, at the update cadence. `previous` is
 * the number of escalations so far.
 */
const climbAt = (
  runbook: EscalateRunbook,
  incident: Incident,
  previous: number,
): { readonly at: Date; readonly wait: number } | undefined => {
  const latestAt = latestEscalationAt(incident)
  if (
    latestAt === undefined ||
    incident.status === "mitigated" ||
    !awaitsAcknowledgement(incident) ||
    hasFlag(incident, "planned-maintenance")
  )
    return undefined
  const cadence = (severityOf(runbook, incident)?.updateEveryMinutes ?? 60) * MINUTE
  const wait =
    previous >= runbook.escalation.contacts.length ? cadence : repeatAfterMillis(runbook, cadence)
  return { at: new Date(latestAt.getTime() + wait), wait }
}

const WEEK = 7 * 24 * 60 * MINUTE

/**
 * What follows a resolved incident and is due, once each: the post-mortem meeting when its time
 * comes (until its checklist step is checked off), each post-incident checklist with steps left
 * at its deadline ("within 24 hours" of the resolution), and each overdue action item once a week.
 */
const reminders = (
  runbook: EscalateRunbook,
  incident: Incident,
  resolvedAt: Date,
  now: Date,
  channels: ReadonlyArray<string>,
): ReadonlyArray<DueAction> => {
  const id = incident.id
  const common = {
    incidentId: id,
    severity: incident.severity,
    kind: "remind" as const,
    message: "followup" as const,
    channels,
  }
  const isDone = (group: string, step: number) =>
    incident.checklistDone.some((done) => done.group === group && done.step === step)
  const out: Array<DueAction> = []
  const policy = runbook.escalation.postmortem
  const meetingGroup = runbook.postIncident.find((group) => group.id === policy.checklist)
  const meetingStep = meetingGroup?.steps.findIndex((step) => step.text === policy.text) ?? -1
  const scheduled = incident.postmortemScheduledFor
  if (
    scheduled !== undefined &&
    scheduled.getTime() <= now.getTime() &&
    !(meetingGroup !== undefined && meetingStep >= 0 && isDone(meetingGroup.id, meetingStep))
  )
    out.push({
      ...common,
      key: `${id}:remind:postmortem`,
      dueAt: scheduled,
      rule: { id: "post-mortem", text: `${policy.text}: it is time` },
      items: [policy.text],
    })
  for (const group of runbook.postIncident) {
    const within = withinMillis(group.within, Number.NaN)
    if (!Number.isFinite(within)) continue
    const deadline = new Date(resolvedAt.getTime() + within)
    const open = group.steps.filter((_, index) => !isDone(group.id, index))
    if (deadline.getTime() > now.getTime() || open.length === 0) continue
    out.push({
      ...common,
      key: `${id}:remind:checklist:${group.id}`,
      dueAt: deadline,
      rule: {
        id: `checklist-${group.id}`,
        text: `${group.title} (${group.within ?? ""}): ${open.length} step(s) left`,
      },
      items: open.map((step) => step.text),
    })
  }
  for (const item of incident.actionItems) {
    if (item.doneAt !== undefined || item.due === undefined) continue
    const late = now.getTime() - item.due.getTime()
    if (late < 0) continue
    const week = Math.floor(late / WEEK)
    out.push({
      ...common,
      key: `${id}:remind:action-item:${item.item}:${week}`,
      dueAt: new Date(item.due.getTime() + week * WEEK),
      rule: { id: "action-item", text: `Action item ${item.item} overdue` },
      items: [
        `${item.item} ${item.text}${item.owner === undefined ? "" : ` (owner ${item.owner})`}`,
      ],
    })
  }
  return out
}

/**
 * The channels a message to everyone (the initial alert, updates, the resolution) goes to: the
 * internal ones, the public ones the runbook's `audiences` route the severity to (they get the
 * customer-safe notice), and, given the incident, the public ones that already heard of it (they
 * follow it to the end). `direct` channels get only what names them; pages go to `pagerduty`
 * channels by their own rule.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Escalation } from "@ir/core"
 * Escalation.messageChannels(defaultRunbook, "P1") // ["incidents", "status-page", "support-tickets"]
 * Escalation.messageChannels(defaultRunbook, "P3") // ["incidents"]
 * ```
 */
export const messageChannels = (
  runbook: Pick<Runbook, "channels" | "audiences">,
  level: SeverityLevel,
  incident?: Pick<Incident, "notifications">,
): ReadonlyArray<string> =>
  unique([
    ...runbook.channels
      .filter((channel) => channel.audience === "internal")
      .map((channel) => channel.id),
    ...Audience.channelsFor(runbook, level),
    ...(incident === undefined ? [] : Audience.following(runbook, incident)),
  ])

/**
 * The severity changes that raising flags calls for: for each `flag-raised` among `events` whose
 * escalation rule has `raiseTo` above the incident's severity at that point, a `severity-changed`
 * event right after it, with the rule as its reason. A responder appends them with the flag, so
 * the new severity's deadlines, cadence and page apply at once.
 *
 * @example
 * ```ts
 * import { defaultRunbook, foldIncident, severityRaises } from "@ir/core"
 * const at = new Date("2026-11-28T10:00:00Z")
 * const incident = foldIncident([
 *   { type: "opened", incidentId: "INC-1", at, title: "Slow reports", severity: "P3", playbooks: [],
 *     summary: "Reports take minutes", source: { kind: "manual" } },
 * ])
 * severityRaises(defaultRunbook, incident, [{ type: "flag-raised", at, flag: "data-loss", by: "alice" }])
 * // [flag-raised, severity-changed to P0 "Data loss confirmed (flag data-loss)"]
 * ```
 */
export const severityRaises = (
  runbook: Pick<Runbook, "escalation">,
  incident: Pick<Incident, "severity">,
  events: ReadonlyArray<IncidentEvent>,
): ReadonlyArray<IncidentEvent> => {
  let current = incident.severity
  return events.flatMap((event): ReadonlyArray<IncidentEvent> => {
    if (event.type === "severity-changed") current = event.severity
    if (event.type !== "flag-raised") return [event]
    const raise = runbook.escalation.rules.find(
      (rule) =>
        "flag" in rule.trigger && rule.trigger.flag === event.flag && rule.raiseTo !== undefined,
    )
    if (raise?.raiseTo === undefined || rank(raise.raiseTo) >= rank(current)) return [event]
    current = raise.raiseTo
    return [
      event,
      {
        type: "severity-changed" as const,
        at: event.at,
        severity: raise.raiseTo,
        reason: `${raise.text} (flag ${event.flag})`,
        ...(event.by === undefined ? {} : { by: event.by }),
      },
    ]
  })
}

/**
 * The actions due on the incident at `now`, earliest first (at the same moment: pages, then
 * escalations, the initial message, status updates, the resolution notice, the post-mortem). Actions whose key the incident
 * already recorded are left out, so running it again after recording them returns nothing new.
 * Pure: `now` is the only clock.
 *
 * @example
 * ```ts
 * import { escalate, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0004",
 *     title: "Stale predictions", severity: "P2", playbooks: [], summary: "Data is stale" },
 *   { type: "flag-raised", at: new Date("2026-11-28T10:00:00Z"), flag: "data-loss" },
 * ]))
 * const [first] = escalate(defaultRunbook, incident, new Date("2026-11-28T10:00:00Z"))
 *   .filter((action) => action.kind === "escalate")
 * first?.contact // { level: 0, role: "Technical Lead", phone: "+1-555-0101" }
 * ```
 */
export const escalate = (
  runbook: EscalateRunbook,
  incident: Incident,
  now: Date,
): ReadonlyArray<DueAction> => {
  const recorded = recordedKeys(incident)
  const severity = severityOf(runbook, incident)
  const id = incident.id
  const common = { incidentId: id, severity: incident.severity } as const
  const internalChannels = runbook.channels
    .filter((channel) => channel.audience === "internal")
    .map((channel) => channel.id)
  const everyone = messageChannels(runbook, incident.severity, incident)
  const candidates: Array<DueAction> = []

  if (incident.status !== "resolved") {
    if (
      severity?.raise.includes("page") === true &&
      incident.acknowledgedAt === undefined &&
      !hasFlag(incident, "planned-maintenance")
    ) {
      const deadline = respondBy(runbook, incident)
      candidates.push({
        ...common,
        kind: "page",
        key: `${id}:page:${incident.severity}`,
        dueAt: severitySince(incident),
        ...(deadline === undefined ? {} : { deadline }),
        rule: { id: "severity-raise", text: severity.raiseText },
        message: "page",
        channels: runbook.channels
          .filter((channel) => channel.kind === "pagerduty" && channel.audience !== "direct")
          .map((channel) => channel.id),
      })
    }

    const initial = templateRule(
      runbook,
      "initial",
      "initial-response",
      "Initial Response (within 15 minutes)",
    )
    candidates.push({
      ...common,
      kind: "notify-initial",
      key: `${id}:notify-initial`,
      dueAt: incident.openedAt,
      deadline: new Date(incident.openedAt.getTime() + withinMillis(initial.when, 15 * MINUTE)),
      rule: initial.rule,
      message: "initial",
      channels: everyone,
    })

    const updateDue = nextUpdateDue(runbook, incident)
    const every = (severity?.updateEveryMinutes ?? 0) * MINUTE
    if (updateDue !== undefined && updateDue.getTime() <= now.getTime() && every > 0) {
      const since = updateSince(incident)
      // Reminders repeat every cadence until an update is posted; each has its own key.
      const reminder = Math.max(1, Math.floor((now.getTime() - since) / every))
      candidates.push({
        ...common,
        kind: "post-update",
        key: `${id}:post-update:${incident.updates.length + 1}:${reminder}`,
        dueAt: new Date(since + reminder * every),
        rule: templateRule(
          runbook,
          "update",
          "status-update",
          "Status Update (every 30 minutes for P0, hourly for P1)",
        ).rule,
        message: "update",
        channels: everyone,
      })
    }

    const contacts = runbook.escalation.contacts
    const previous = escalationCount(incident)
    const firing = runbook.escalation.rules
      .filter((rule) => !hasFired(incident, rule.id))
      .flatMap((rule) => {
        const at = ruleDueAt(rule, incident)
        return at !== undefined && at.getTime() <= now.getTime() ? [{ rule, at }] : []
      })
      .sort((a, b) => a.at.getTime() - b.at.getTime())
    // The climb: an escalation nobody acknowledged goes one contact further after `repeatAfter`,
    // and the last contact is reminded at that pace, until someone acknowledges or the service
    // is restored.
    const climb = climbAt(runbook, incident, previous)
    if (firing.length === 0 && climb !== undefined) {
      const { at, wait } = climb
      if (at.getTime() <= now.getTime()) {
        const level = Math.min(previous, Math.max(0, contacts.length - 1))
        const contact = contacts[level]
        const latestRule = incident.escalations[incident.escalations.length - 1]?.rule
        const rule = runbook.escalation.rules.find((candidate) => candidate.id === latestRule)
        candidates.push({
          ...common,
          kind: "escalate",
          key: `${id}:escalate:climb:${previous}`,
          dueAt: at,
          rule: {
            id: rule?.id ?? "climb",
            text: `${rule?.text ?? "Escalation"}: not acknowledged within ${formatSeconds(wait / 1000)}`,
          },
          message: "escalation",
          channels: unique([
            ...(contact?.channels ?? []),
            ...internalChannels,
            ...(rule?.notify ?? []),
          ]),
          ...(contact === undefined ? {} : { contact: dueContact(contact, level) }),
        })
      }
    }
    firing.forEach(({ rule, at }, index) => {
      const level = Math.min(previous + index, Math.max(0, contacts.length - 1))
      const contact = contacts[level]
      candidates.push({
        ...common,
        kind: "escalate",
        key: `${id}:escalate:${rule.id}:${level}`,
        dueAt: at,
        rule: { id: rule.id, text: rule.text },
        message: "escalation",
        channels: unique([
          ...(contact?.channels ?? []),
          ...internalChannels,
          ...(rule.notify ?? []),
        ]),
        ...(contact === undefined ? {} : { contact: dueContact(contact, level) }),
      })
    })
  } else if (incident.resolvedAt !== undefined) {
    const resolvedAt = incident.resolvedAt
    candidates.push({
      ...common,
      kind: "notify-resolution",
      key: `${id}:notify-resolution`,
      dueAt: resolvedAt,
      rule: templateRule(
        runbook,
        "resolution",
        "resolution-notice",
        "Resolution Notice (when the incident is resolved)",
      ).rule,
      message: "resolution",
      channels: everyone,
    })
    if (incident.postmortemScheduledFor === undefined) {
      const postmortem = postmortemRule(runbook)
      candidates.push({
        ...common,
        kind: "schedule-postmortem",
        key: `${id}:schedule-postmortem`,
        dueAt: resolvedAt,
        deadline: new Date(resolvedAt.getTime() + postmortem.within),
        rule: postmortem.rule,
        message: "postmortem",
        channels: internalChannels,
      })
    }
    candidates.push(...reminders(runbook, incident, resolvedAt, now, internalChannels))
  }

  return candidates
    .filter((action) => action.dueAt.getTime() <= now.getTime() && !recorded.has(action.key))
    .sort(
      (a, b) =>
        a.dueAt.getTime() - b.dueAt.getTime() ||
        kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind),
    )
}

/**
 * The earliest moment after `now` at which `escalate` may return an action it does not return at
 * `now`, with no new event: a rule's deadline, the next update reminder, the climb's next step, a
 * post-incident deadline, an action item's weekly reminder. `undefined` when only a new event can
 * make anything due. Between `now` and that moment `escalate` returns what it returns at `now`,
 * so a process that found nothing due need not look at the incident again before then, unless it
 * changed (the responder's clock keeps this per incident, with the journal's sequence).
 *
 * @example
 * ```ts
 * import { Escalation, defaultRunbook, foldIncident } from "@ir/core"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: [], summary: "Down" },
 * ]))
 * Escalation.nextDueAt(defaultRunbook, incident, new Date("2026-11-28T10:05:00Z"))
 * // 2026-11-28T10:30:00.000Z: the first status update, and p0-not-restored
 * ```
 */
export const nextDueAt = (
  runbook: EscalateRunbook,
  incident: Incident,
  now: Date,
): Date | undefined => {
  const moments: Array<number> = []
  if (incident.status !== "resolved") {
    moments.push(severitySince(incident).getTime(), incident.openedAt.getTime())
    const updateDue = nextUpdateDue(runbook, incident)
    const every = (severityOf(runbook, incident)?.updateEveryMinutes ?? 0) * MINUTE
    if (updateDue !== undefined && every > 0) {
      const since = updateSince(incident)
      moments.push(
        updateDue.getTime(),
        since + (Math.floor(Math.max(0, now.getTime() - since) / every) + 1) * every,
      )
    }
    for (const rule of runbook.escalation.rules) {
      if (hasFired(incident, rule.id)) continue
      const at = ruleDueAt(rule, incident)
      if (at !== undefined) moments.push(at.getTime())
    }
    const climb = climbAt(runbook, incident, escalationCount(incident))
    if (climb !== undefined) moments.push(climb.at.getTime())
  } else if (incident.resolvedAt !== undefined) {
    const resolvedAt = incident.resolvedAt.getTime()
    moments.push(resolvedAt)
    if (incident.postmortemScheduledFor !== undefined)
      moments.push(incident.postmortemScheduledFor.getTime())
    for (const group of runbook.postIncident) {
      const within = withinMillis(group.within, Number.NaN)
      if (Number.isFinite(within)) moments.push(resolvedAt + within)
    }
    for (const item of incident.actionItems) {
      if (item.doneAt !== undefined || item.due === undefined) continue
      const late = now.getTime() - item.due.getTime()
      moments.push(item.due.getTime() + (late < 0 ? 0 : (Math.floor(late / WEEK) + 1) * WEEK))
    }
  }
  let next = Number.POSITIVE_INFINITY
  for (const moment of moments) if (moment > now.getTime() && moment < next) next = moment
  return Number.isFinite(next) ? new Date(next) : undefined
}
