/**
 * Incident messages from start to finish, for every adapter alike (`ir escalate`, `ir notify`,
 * `ir serve`, an embedded `@ir/http` receiver): render the message an incident needs with
 * `@ir/templates`, deliver it to the escalation policy's channels with {@link deliverAll}, and
 * hand back the events to record in the journal (`notification-sent`, and `escalated` for an
 * escalation) so that `escalate` never asks for the same message again.
 *
 * What is sent for each of `escalate`'s due actions:
 *
 * | due action | template | channels |
 * |---|---|---|
 * | `page` | the initial alert, as a `page` | the runbook's `pagerduty` channels |
 * | `notify-initial` | initial alert | the action's channels |
 * | `post-update` | status update: the latest posted one, or one written from the journal when nobody posted since the last | the action's channels |
 * | `escalate` | escalation page to the contact | the contact's and the internal channels |
 * | `notify-resolution` | resolution notice | the action's channels plus every channel that was paged (so PagerDuty resolves its incident) |
 * | `schedule-postmortem` | post-mortem document | the internal channels |
 *
 * Channel ids are the runbook's (`Runbook.channels`, `Contact.channels`); each is delivered
 * through the configured {@link Channel} of the same id. A requested id that no configured
 * channel has is reported as `unrouted`, never silently dropped. The events are only produced
 * when at least one channel took the message: a message that reached nobody stays due and is
 * tried again by the next run.
 *
 * @example
 * ```ts
 * import { escalate } from "@ir/core"
 * import { Channel, createIncidentMessenger } from "@ir/notify"
 * const messenger = createIncidentMessenger({
 *   runbook,
 *   channels: Channel.decodeChannels([
 *     { id: "incidents", kind: "slack", webhookUrl: process.env.SLACK_WEBHOOK_URL },
 *   ]),
 * })
 * const now = new Date()
 * for (const action of escalate(runbook, incident, now)) {
 *   const dispatch = await messenger.dispatch(incident, action, { now })
 *   if (dispatch.events.length > 0) await record(incident.id, dispatch.events)
 * }
 * ```
 */

import { createHash } from "node:crypto"
import { Audience, Escalation, type Incident, type IncidentEvent, type Runbook } from "@ir/core"
import {
  type ContextInput,
  defaultTemplates,
  Escaping,
  type MessageKind,
  messageContext,
  type RenderedMessage,
  type Templates,
  TimeFormat,
} from "@ir/templates"
import * as Data from "effect/Data"
import type { Channel } from "./Channel.js"
import { accepts, type DeliveryOptions, type DeliveryResult, deliverAll } from "./Delivery.js"
import type { Message } from "./Message.js"

type NotificationMessage = IncidentEvent.NotificationMessage
type Event = IncidentEvent.IncidentEvent

/**
 * One message to send for an incident: what to record it as, where it goes and, for an
 * escalation, to whom. {@link requestFor} makes one from a due action, {@link manualRequest}
 * from a responder's `ir notify`.
 *
 * @example
 * ```ts
 * import type { MessageRequest } from "@ir/notify"
 * const request: MessageRequest = {
 *   key: "INC-2026-0001:notify-initial", message: "initial", channels: ["incidents"],
 *   reason: "Initial Response (within 15 minutes)",
 * }
 * ```
 */
export interface MessageRequest {
  /** The idempotency key recorded with the notification (`DueAction.key` for due actions). */
  readonly key: string
  /** The `message` of the `notification-sent` event. */
  readonly message: NotificationMessage
  /** Runbook channel ids to deliver to. */
  readonly channels: ReadonlyArray<string>
  /** Why it is sent: the rule or the runbook's words. */
  readonly reason: string
  /** The triage assessment the initial alert (and a page) shows, when the incident came from one. */
  readonly assessment?: ContextInput["assessment"]
  /**
   * A PagerDuty follow-up (`pageFollowUps`): the event action sent to the channels that paged,
   * with no message rendered (PagerDuty reads only the dedup key of an acknowledge or resolve).
   */
  readonly pagerDutyAction?: "acknowledge" | "resolve"
  /** For an escalation: the contact and the rule. */
  readonly escalation?: {
    readonly level: number
    readonly to: string
    readonly rule: string
    /** Why, in words (the due action's rule text). */
    readonly ruleText?: string
    readonly at: Date
  }
  /** For a reminder: what is still open. */
  readonly items?: ReadonlyArray<string>
}

/**
 * The message of a request, rendered, and where it would go.
 *
 * @example
 * ```ts
 * import type { PreparedMessage } from "@ir/notify"
 * const where = (prepared: PreparedMessage) => prepared.routes.map((channel) => channel.id)
 * ```
 */
export interface PreparedMessage {
  readonly request: MessageRequest
  /** Every rendering (Slack, Markdown, text, e-mail); `kind` is the request's message. */
  readonly message: RenderedMessage & Message
  /**
   * The customer-facing notice the public channels (status page, support tickets) get instead,
   * for the initial alert, updates and the resolution.
   */
  readonly notice?: RenderedMessage & Message
  /** Configured channels that take the message (public ones take `notice`). */
  readonly routes: ReadonlyArray<Channel>
  /** Requested channel ids that no configured channel has. */
  readonly unrouted: ReadonlyArray<string>
  /** Configured channels whose `severities` or `messages` filter declines this message. */
  readonly declined: ReadonlyArray<string>
}

/**
 * What came of one request:
 * - `sent`: every channel took it; `partial`: some did, some failed (it is recorded: the
 *   channels that failed can be sent again by hand with `ir notify … --channel`);
 * - `failed`: no channel took it, or it could not be rendered; `unrouted`: no configured
 *   channel is meant to get it (nothing recorded, it stays due);
 * - `dry-run`: rendered and routed, nothing sent.
 *
 * @example
 * ```ts
 * import type { DispatchOutcome } from "@ir/notify"
 * const recorded = (outcome: DispatchOutcome) => outcome === "sent" || outcome === "partial"
 * ```
 */
export type DispatchOutcome = "sent" | "partial" | "failed" | "unrouted" | "dry-run"

/**
 * The result of sending one message for an incident. Never an exception.
 *
 * @example
 * ```ts
 * import type { Dispatch } from "@ir/notify"
 * const line = (d: Dispatch) => `${d.key} ${d.outcome} → ${d.delivered.join(", ") || "nobody"}`
 * ```
 */
export interface Dispatch {
  readonly incidentId: string
  readonly key: string
  readonly message: NotificationMessage
  readonly reason: string
  readonly outcome: DispatchOutcome
  /** Channel ids the message was delivered to. */
  readonly delivered: ReadonlyArray<string>
  /** Channel ids it was meant for; with `dry-run`, where it would go. */
  readonly channels: ReadonlyArray<string>
  readonly unrouted: ReadonlyArray<string>
  readonly declined: ReadonlyArray<string>
  /** One per channel attempted. */
  readonly results: ReadonlyArray<DeliveryResult>
  /** The events to append to the incident's journal; empty unless a channel took the message. */
  readonly events: ReadonlyArray<Event>
  /** The rendered message (absent when rendering failed, or when no configured channel could take it, outside a dry run). */
  readonly rendered?: RenderedMessage & Message
  /** Why it could not be rendered. */
  readonly error?: IncidentMessageError
}

/**
 * A message cannot be made for the incident as it stands: the incident lacks what the message
 * needs (a resolution notice before resolution) or a template failed to render.
 *
 * @example
 * ```ts
 * import { IncidentMessageError } from "@ir/notify"
 * const error = new IncidentMessageError({
 *   reason: "not-applicable", incidentId: "INC-2026-0001", messageKind: "resolution",
 *   detail: "the resolution message for INC-2026-0001 needs the incident to be resolved first",
 * })
 * error.message // "cannot make the resolution message for INC-2026-0001: the resolution …"
 * ```
 */
export class IncidentMessageError extends Data.TaggedError("IncidentMessageError")<{
  readonly reason: "not-applicable" | "render-failed"
  readonly incidentId: string
  readonly messageKind: NotificationMessage
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `cannot make the ${this.messageKind} message for ${this.incidentId}: ${this.detail}`
  }
}

/**
 * Options of {@link createIncidentMessenger}.
 *
 * @example
 * ```ts
 * import type { IncidentMessengerOptions } from "@ir/notify"
 * const options: IncidentMessengerOptions = {
 *   runbook, channels, delivery: { timeoutMs: 5_000, retries: 2 },
 * }
 * ```
 */
export interface IncidentMessengerOptions {
  readonly runbook: Runbook
  /** The configured channels; ids match the runbook's channel ids. */
  readonly channels: ReadonlyArray<Channel>
  /** Templates with a team's overrides (`loadTemplates({ dir })`); default the built-ins. */
  readonly templates?: Templates
  /** IANA time zone of the timestamps in messages; default the runbook calendar's. */
  readonly timeZone?: string
  /** Timeouts, retries, logging and cancellation of each delivery. */
  readonly delivery?: Omit<DeliveryOptions, "idempotencyKey">
}

/**
 * How to send one request.
 *
 * @example
 * ```ts
 * import type { SendOptions } from "@ir/notify"
 * const rehearsal: SendOptions = { now: new Date("2026-11-28T10:30:00Z"), dryRun: true }
 * ```
 */
export interface SendOptions {
  /** The moment the message is about (it is rendered and recorded at this time). */
  readonly now: Date
  /** Render and route, send nothing, produce no events. */
  readonly dryRun?: boolean
  /** Deliver only to these channel ids (a subset of the request's). */
  readonly only?: ReadonlyArray<string>
}

/**
 * The messenger.
 *
 * @example
 * ```ts
 * import type { IncidentMessenger } from "@ir/notify"
 * const preview = (messenger: IncidentMessenger, incident: Incident) =>
 *   messenger.prepare(incident, messenger.manualRequest(incident, "initial"), new Date()).message.text
 * ```
 */
export interface IncidentMessenger {
  readonly runbook: Runbook
  readonly channels: ReadonlyArray<Channel>
  /** The request for one of `escalate`'s due actions. */
  readonly requestFor: (incident: Incident, action: Escalation.DueAction) => MessageRequest
  /**
   * A responder's request for a message kind, recorded under the key `escalate` uses where there
   * is one (`<id>:notify-initial`, `<id>:notify-resolution`), else `<id>:<message>:<n>`.
   */
  readonly manualRequest: (incident: Incident, message: NotificationMessage) => MessageRequest
  /**
   * PagerDuty follows the incident: for the `pagerduty` channels that paged it, an `acknowledge`
   * once it is acknowledged and a `resolve` once it is resolved, each until recorded (keys
   * `<id>:page-acknowledge` and `<id>:page-resolve`), so that PagerDuty stops escalating a page a
   * responder took and closes the alert when the incident ends.
   */
  readonly pageFollowUps: (incident: Incident) => ReadonlyArray<MessageRequest>
  /**
   * Whether none of the request's channels is configured: `send` would render nothing, deliver
   * nothing and record nothing (`unrouted`), now or until the channels change.
   */
  readonly routesNowhere: (request: MessageRequest) => boolean
  /** Renders the request's message and routes it. Throws {@link IncidentMessageError}. */
  readonly prepare: (incident: Incident, request: MessageRequest, now: Date) => PreparedMessage
  /** Renders, routes and delivers a request. Never throws. */
  readonly send: (
    incident: Incident,
    request: MessageRequest,
    options: SendOptions,
  ) => Promise<Dispatch>
  /** `send(incident, requestFor(incident, action), options)`. */
  readonly dispatch: (
    incident: Incident,
    action: Escalation.DueAction,
    options: SendOptions,
  ) => Promise<Dispatch>
}

const templateOf: Record<NotificationMessage, MessageKind.MessageKind> = {
  initial: "initial",
  page: "initial",
  update: "update",
  escalation: "escalation",
  resolution: "resolution",
  postmortem: "postmortem",
  followup: "reminder",
  // not rendered from a template: see `pageFollowUps`
  acknowledgement: "update",
}

const unique = (values: Iterable<string>): ReadonlyArray<string> => [...new Set(values)]

/** The channels a message to everyone goes to, as `escalate` routes them (one rule, core's). */
const messageChannels = (runbook: Runbook, incident: Incident): ReadonlyArray<string> =>
  Escalation.messageChannels(runbook, incident.severity, incident)

/**
 * The opaque reference public peers thread an incident on: a hash of its id and the instant it
 * opened, so it neither shows nor reveals the internal id.
 */
export const publicReference = (incident: Pick<Incident, "id" | "openedAt">): string =>
  `ir-${createHash("sha256")
    .update(`${incident.id}\u0000${incident.openedAt.toISOString()}`)
    .digest("hex")
    .slice(0, 16)}`

/** Where the incident raised an alert or reached a contact: the page, and escalations. */
const pagedChannels = (incident: Incident): ReadonlyArray<string> =>
  incident.notifications
    .filter((sent) => sent.message === "page" || sent.message === "escalation")
    .flatMap((sent) => sent.channels)

/**
 * The incident as a status update sees it. When an update was posted after the last update
 * message, that one is announced; otherwise (the cadence came round and nobody posted) the
 * update is written from the journal: what happened since the last update, and that the
 * investigation goes on. The written update exists only in the message, never in the journal:
 * it is not progress.
 */
const forUpdate = (incident: Incident, now: Date, timeZone: string): Incident => {
  const latest = incident.updates[incident.updates.length - 1]
  const announced = incident.notifications
    .filter((sent) => sent.message === "update")
    .reduce<Date | undefined>(
      (last, sent) => (last === undefined || sent.at > last ? sent.at : last),
      undefined,
    )
  if (latest !== undefined && (announced === undefined || latest.at > announced)) return incident
  const since = incident.lastUpdateAt ?? incident.openedAt
  const happened = incident.events
    .filter((event) => event.at >= since)
    .flatMap((event): ReadonlyArray<string> => {
      switch (event.type) {
        case "action-taken":
          return event.dryRun
            ? []
            : [
                `${event.action}${event.target === undefined ? "" : ` ${event.target}`} ${event.outcome}`,
              ]
        case "escalated":
          return [`escalated to ${event.to}`]
        case "flag-raised":
          return [`flag raised: ${event.flag.replaceAll("-", " ")}`]
        case "severity-changed":
          return [`severity changed to ${event.severity}`]
        case "mitigated":
          return [`mitigated: ${event.summary}`]
        case "acknowledged":
          return [`acknowledged by ${event.by}`]
        default:
          return []
      }
    })
  const progress =
    happened.length === 0
      ? `No new progress reported since ${TimeFormat.formatTime(since, timeZone)}`
      : `Since ${TimeFormat.formatTime(since, timeZone)}: ${happened.join("; ")}`
  const written: IncidentEvent.EventOf<"update-posted"> = {
    type: "update-posted",
    at: now,
    progress,
    status: incident.status === "mitigated" ? "Mitigated, monitoring" : "Investigating",
    nextSteps: "The investigation continues",
    by: "ir (scheduled update)",
  }
  return { ...incident, updates: [...incident.updates, written] }
}

const contextError = (
  error: unknown,
  incident: Incident,
  message: NotificationMessage,
): IncidentMessageError => {
  const tag = (error as { _tag?: unknown } | null)?._tag
  return new IncidentMessageError({
    reason: tag === "MessageContextError" ? "not-applicable" : "render-failed",
    incidentId: incident.id,
    messageKind: message,
    detail: error instanceof Error ? error.message : String(error),
    cause: error,
  })
}

/**
 * Creates the messenger for a runbook and the configured channels.
 *
 * @example
 * ```ts
 * import { Channel, createIncidentMessenger } from "@ir/notify"
 * const messenger = createIncidentMessenger({
 *   runbook,
 *   channels: Channel.decodeChannels(config.notify.channels),
 *   delivery: { timeoutMs: 5_000 },
 * })
 * const dispatch = await messenger.send(
 *   incident, messenger.manualRequest(incident, "initial"), { now: new Date() },
 * )
 * dispatch.outcome // "sent"
 * ```
 */
export const createIncidentMessenger = (options: IncidentMessengerOptions): IncidentMessenger => {
  const { runbook, channels } = options
  const templates = options.templates ?? defaultTemplates()
  const timeZone = options.timeZone ?? runbook.calendar.timeZone
  const byId = new Map(channels.map((channel) => [channel.id, channel]))

  const requestFor = (incident: Incident, action: Escalation.DueAction): MessageRequest => {
    const base = { key: action.key, message: action.message, reason: action.rule.text }
    switch (action.kind) {
      case "escalate":
        return {
          ...base,
          channels: action.channels,
          escalation: {
            level: action.contact?.level ?? 0,
            to: action.contact?.name ?? action.contact?.role ?? "the next contact",
            rule: action.rule.id,
            ruleText: action.rule.text,
            at: action.dueAt,
          },
        }
      case "notify-resolution":
        return { ...base, channels: unique([...action.channels, ...pagedChannels(incident)]) }
      case "remind":
        return { ...base, channels: action.channels, items: action.items ?? [] }
      default:
        return { ...base, channels: action.channels }
    }
  }

  const manualRequest = (incident: Incident, message: NotificationMessage): MessageRequest => {
    const everyone = messageChannels(runbook, incident)
    const count = incident.notifications.filter((sent) => sent.message === message).length + 1
    switch (message) {
      case "acknowledgement":
        return {
          key: `${incident.id}:page-acknowledge`,
          message,
          channels: pagedChannels(incident),
          reason: "sent by a responder",
          pagerDutyAction: "acknowledge",
        }
      case "initial":
        return {
          key: `${incident.id}:notify-initial`,
          message,
          channels: everyone,
          reason: "sent by a responder",
        }
      case "resolution":
        return {
          key: `${incident.id}:notify-resolution`,
          message,
          channels: unique([...everyone, ...pagedChannels(incident)]),
          reason: "sent by a responder",
        }
      case "update":
        return {
          key: `${incident.id}:update:${incident.updates.length}:${count}`,
          message,
          channels: everyone,
          reason: "sent by a responder",
        }
      case "page":
        return {
          key: `${incident.id}:page:${incident.severity}:manual:${count}`,
          message,
          channels: runbook.channels
            .filter((channel) => channel.kind === "pagerduty" && channel.audience !== "direct")
            .map((channel) => channel.id),
          reason: "paged by a responder",
        }
      case "escalation": {
        const latest = incident.escalations[incident.escalations.length - 1]
        const internal = runbook.channels
          .filter((channel) => channel.audience === "internal")
          .map((channel) => channel.id)
        const contact = latest === undefined ? undefined : runbook.escalation.contacts[latest.level]
        return {
          key: `${incident.id}:escalation:manual:${count}`,
          message,
          channels: unique([...(contact?.channels ?? []), ...internal]),
          reason: "sent by a responder",
        }
      }
      case "followup":
        return {
          key: `${incident.id}:followup:manual:${count}`,
          message,
          channels: runbook.channels
            .filter((channel) => channel.audience === "internal")
            .map((channel) => channel.id),
          reason: "Follow-ups still open",
          items: incident.actionItems
            .filter((item) => item.doneAt === undefined)
            .map((item) => `${item.item} ${item.text}`),
        }
      case "postmortem":
        return {
          key: `${incident.id}:postmortem:${count}`,
          message,
          channels: runbook.channels
            .filter((channel) => channel.audience === "internal")
            .map((channel) => channel.id),
          reason: "sent by a responder",
        }
    }
  }

  const pageFollowUps = (incident: Incident): ReadonlyArray<MessageRequest> => {
    const pagerDuty = new Set(
      channels.filter((channel) => channel.kind === "pagerduty").map((channel) => channel.id),
    )
    const reached = (message: NotificationMessage) =>
      new Set(
        incident.notifications
          .filter((sent) => sent.message === message)
          .flatMap((sent) => sent.channels),
      )
    // What raised a PagerDuty alert: the severity's page, and escalations to a contact's own
    // PagerDuty channel (up to `until`).
    const pagedUntil = (until?: Date) => [
      ...new Set(
        incident.notifications
          .filter(
            (sent) =>
              (sent.message === "page" || sent.message === "escalation") &&
              (until === undefined || sent.at.getTime() <= until.getTime()),
          )
          .flatMap((sent) => sent.channels)
          .filter((id) => pagerDuty.has(id)),
      ),
    ]
    const paged = pagedUntil()
    if (paged.length === 0) return []
    const requests: Array<MessageRequest> = []
    const lastAcknowledged = incident.lastAcknowledgedAt ?? incident.acknowledgedAt
    if (lastAcknowledged !== undefined && incident.status !== "resolved") {
      // Only what was paged before the latest acknowledgement: an escalation sent since waits
      // for its own.
      const acknowledged = reached("acknowledgement")
      const waiting = pagedUntil(lastAcknowledged).filter((id) => !acknowledged.has(id))
      const round = incident.escalations.filter(
        (escalation) => escalation.at.getTime() <= lastAcknowledged.getTime(),
      ).length
      if (waiting.length > 0)
        requests.push({
          key:
            round === 0
              ? `${incident.id}:page-acknowledge`
              : `${incident.id}:page-acknowledge:${round}`,
          message: "acknowledgement",
          channels: waiting,
          reason: `acknowledged by ${incident.lastAcknowledgedBy ?? incident.acknowledgedBy ?? "a responder"}: PagerDuty stops escalating the page`,
          pagerDutyAction: "acknowledge",
        })
    }
    if (incident.status === "resolved") {
      // The resolution notice resolves PagerDuty's alert where it went (see `requestFor`).
      const resolved = reached("resolution")
      const waiting = paged.filter((id) => !resolved.has(id))
      if (waiting.length > 0)
        requests.push({
          key: `${incident.id}:page-resolve`,
          message: "resolution",
          channels: waiting,
          reason: "resolved: PagerDuty resolves the alert it raised",
          pagerDutyAction: "resolve",
        })
    }
    return requests
  }

  /** A PagerDuty follow-up's message: the action and a line; the dedup key is the incident id. */
  const followUpMessage = (
    incident: Incident,
    request: MessageRequest,
    action: "acknowledge" | "resolve",
    now: Date,
  ): RenderedMessage & Message => {
    const text = `${incident.id} ${action === "acknowledge" ? "acknowledged" : "resolved"}: ${incident.title}`
    const message: Message = {
      kind: request.message,
      incidentId: incident.id,
      severity: incident.severity,
      summary: text,
      at: now.toISOString(),
      text,
      pagerDutyAction: action,
    }
    return {
      ...message,
      kind: request.message as RenderedMessage["kind"],
      markdown: text,
      slack: { text, blocks: [] },
      email: {
        subject: text,
        html: `<p>${Escaping.escapeHtml(text)}</p>`,
        text,
      },
    }
  }

  const render = (incident: Incident, request: MessageRequest, now: Date) => {
    if (request.pagerDutyAction !== undefined)
      return followUpMessage(incident, request, request.pagerDutyAction, now)
    const kind = templateOf[request.message]
    const subject = kind === "update" ? forUpdate(incident, now, timeZone) : incident
    try {
      const context = messageContext(kind, {
        incident: subject,
        runbook,
        now,
        timeZone,
        ...(request.assessment === undefined ? {} : { assessment: request.assessment }),
        ...(request.escalation === undefined
          ? {}
          : {
              escalation: {
                level: request.escalation.level,
                to: request.escalation.to,
                rule: request.escalation.rule,
                ...(request.escalation.ruleText === undefined
                  ? {}
                  : { ruleText: request.escalation.ruleText }),
                at: request.escalation.at,
              },
            }),
        ...(kind === "reminder"
          ? { reminder: { reason: request.reason, items: request.items ?? [] } }
          : {}),
      })
      const rendered = templates.renderMessage(context)
      return { ...rendered, kind: request.message } as RenderedMessage & Message
    } catch (error) {
      throw contextError(error, incident, request.message)
    }
  }

  const publicIds = new Set(
    runbook.channels.filter((channel) => Audience.isPublic(channel)).map((channel) => channel.id),
  )

  /** The customer-facing notice standing for a request's message, for the public channels. */
  const renderNotice = (
    incident: Incident,
    request: MessageRequest,
    now: Date,
  ): (RenderedMessage & Message) | undefined => {
    if (request.pagerDutyAction !== undefined) return undefined
    const phase = request.message
    if (phase !== "initial" && phase !== "update" && phase !== "resolution") return undefined
    try {
      const context = messageContext("notice", {
        incident,
        runbook,
        now,
        timeZone,
        notice: { phase, reference: publicReference(incident) },
      })
      const rendered = templates.renderMessage(context)
      return {
        ...rendered,
        kind: request.message,
        notice: {
          phase,
          status: context.incident.status,
          title: context.incident.title,
          playbooks: incident.playbooks,
        },
      } as RenderedMessage & Message
    } catch (error) {
      throw contextError(error, incident, request.message)
    }
  }

  const prepare = (incident: Incident, request: MessageRequest, now: Date): PreparedMessage => {
    const message = render(incident, request, now)
    const notice = renderNotice(incident, request, now)
    const configured = request.channels.flatMap((id) => {
      const channel = byId.get(id)
      // Public channels get only customer-facing notices, never the internal messages.
      if (channel === undefined || (publicIds.has(id) && notice === undefined)) return []
      return [channel]
    })
    const takes = (channel: Channel) =>
      accepts(channel, publicIds.has(channel.id) && notice !== undefined ? notice : message)
    return {
      request,
      message,
      ...(notice === undefined ? {} : { notice }),
      routes: configured.filter(takes),
      unrouted: request.channels.filter((id) => !byId.has(id)),
      declined: configured.filter((channel) => !takes(channel)).map((channel) => channel.id),
    }
  }

  const eventsFor = (
    request: MessageRequest,
    results: ReadonlyArray<DeliveryResult>,
    now: Date,
  ): ReadonlyArray<Event> => {
    const delivered = results
      .filter((result) => result.status === "delivered")
      .map((result) => result.channel)
    const references = Object.fromEntries(
      results.flatMap((result) =>
        result.status === "delivered" && result.reference !== undefined
          ? [[result.channel, result.reference] as const]
          : [],
      ),
    )
    return [
      ...(request.escalation === undefined
        ? []
        : [
            {
              type: "escalated" as const,
              at: now,
              level: request.escalation.level,
              to: request.escalation.to,
              rule: request.escalation.rule,
              key: request.key,
            },
          ]),
      {
        type: "notification-sent" as const,
        at: now,
        message: request.message,
        channels: [...delivered],
        key: request.key,
        ...(Object.keys(references).length === 0 ? {} : { references }),
      },
    ]
  }

  const routesNowhere = (request: MessageRequest): boolean =>
    !request.channels.some((id) => byId.has(id))

  const send = async (
    incident: Incident,
    request: MessageRequest,
    sendOptions: SendOptions,
  ): Promise<Dispatch> => {
    const base = {
      incidentId: incident.id,
      key: request.key,
      message: request.message,
      reason: request.reason,
    }
    // A message that no configured channel could take is not rendered, except for a dry run's
    // preview: a receiver without channels under an alert storm would render every one for nobody.
    if (sendOptions.dryRun !== true && routesNowhere(request)) {
      return {
        ...base,
        outcome: "unrouted",
        delivered: [],
        channels: [],
        unrouted: [...request.channels],
        declined: [],
        results: [],
        events: [],
      }
    }
    let prepared: PreparedMessage
    try {
      prepared = prepare(incident, request, sendOptions.now)
    } catch (error) {
      return {
        ...base,
        outcome: "failed",
        delivered: [],
        channels: request.channels,
        unrouted: [],
        declined: [],
        results: [],
        events: [],
        error:
          error instanceof IncidentMessageError
            ? error
            : contextError(error, incident, request.message),
      }
    }
    const only = sendOptions.only
    const routes =
      only === undefined
        ? prepared.routes
        : prepared.routes.filter((channel) => only.includes(channel.id))
    const common = {
      ...base,
      channels: routes.map((channel) => channel.id),
      unrouted: prepared.unrouted,
      declined: prepared.declined,
      rendered: prepared.message,
    }
    if (routes.length === 0) {
      return { ...common, outcome: "unrouted", delivered: [], results: [], events: [] }
    }
    if (sendOptions.dryRun === true) {
      return { ...common, outcome: "dry-run", delivered: [], results: [], events: [] }
    }
    const internal = routes.filter(
      (channel) => !(publicIds.has(channel.id) && prepared.notice !== undefined),
    )
    const external = routes.filter(
      (channel) => publicIds.has(channel.id) && prepared.notice !== undefined,
    )
    const references = Audience.references(incident)
    const [inside, outside] = await Promise.all([
      deliverAll(internal, prepared.message, { ...options.delivery, idempotencyKey: request.key }),
      prepared.notice === undefined || external.length === 0
        ? Promise.resolve([])
        : deliverAll(external, prepared.notice, {
            ...options.delivery,
            // Public peers never see the internal id, not even in an idempotency key.
            idempotencyKey: `ir-${createHash("sha256").update(request.key).digest("hex").slice(0, 32)}`,
            references,
          }),
    ])
    const byChannel = new Map([...inside, ...outside].map((result) => [result.channel, result]))
    const results = routes.flatMap((channel) => {
      const result = byChannel.get(channel.id)
      return result === undefined ? [] : [result]
    })
    const delivered = results
      .filter((result) => result.status === "delivered")
      .map((result) => result.channel)
    const outcome: DispatchOutcome =
      delivered.length === 0 ? "failed" : delivered.length === results.length ? "sent" : "partial"
    return {
      ...common,
      outcome,
      delivered,
      results,
      events: delivered.length === 0 ? [] : eventsFor(request, results, sendOptions.now),
    }
  }

  return {
    runbook,
    channels,
    requestFor,
    manualRequest,
    pageFollowUps,
    routesNowhere,
    prepare,
    send,
    dispatch: (incident, action, sendOptions) =>
      send(incident, requestFor(incident, action), sendOptions),
  }
}

/**
 * The runbook with every configured channel it does not list added to it, so that configuring a
 * channel is enough to use it: chat, e-mail and webhooks as internal channels (they get every
 * message), PagerDuty as a paging channel (it gets the pages). Channels the runbook lists keep
 * its audience and kind.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * import { Channel, withConfiguredChannels } from "@ir/notify"
 * const runbook = withConfiguredChannels(defaultRunbook, Channel.decodeChannels([
 *   { id: "on-call", kind: "pagerduty", routingKey: process.env.PAGERDUTY_ROUTING_KEY },
 * ]))
 * runbook.channels.map((channel) => channel.id) // ["incidents", ..., "on-call"]
 * ```
 */
export const withConfiguredChannels = (
  runbook: Runbook,
  channels: ReadonlyArray<Channel>,
): Runbook => {
  const known = new Set(runbook.channels.map((channel) => channel.id))
  const added = channels
    .filter((channel) => !known.has(channel.id))
    .map((channel) => ({
      id: channel.id,
      // `escalate` sends every message to internal channels and pages to `pagerduty` ones; a
      // status page and a ticket system are public (customer-safe notices by the audiences policy).
      audience: audienceOf[channel.kind],
      kind: channel.kind === "zendesk" ? ("ticket" as const) : channel.kind,
      text: `${channel.kind} channel "${channel.id}" (from the notify configuration)`,
    }))
  return added.length === 0 ? runbook : { ...runbook, channels: [...runbook.channels, ...added] }
}

const audienceOf = {
  slack: "internal",
  webhook: "internal",
  email: "internal",
  pagerduty: "external",
  statuspage: "external",
  zendesk: "customer",
} as const

/**
 * What `@ir/http`'s receiver records for the messages an `onIncidentOpened` callback sent: the
 * dispatches that reached at least one channel.
 *
 * @example
 * ```ts
 * import { createIncidentMessenger, notificationReport } from "@ir/notify"
 * const onIncidentOpened = async ({ incident, due }) =>
 *   notificationReport(
 *     await Promise.all(due.map((action) => messenger.dispatch(incident, action, { now: new Date() }))),
 *   )
 * ```
 */
export const notificationReport = (
  dispatches: ReadonlyArray<Dispatch>,
): {
  readonly sent: ReadonlyArray<{
    readonly key: string
    readonly message: NotificationMessage
    readonly channels: ReadonlyArray<string>
  }>
} => ({
  sent: dispatches
    .filter((dispatch) => dispatch.delivered.length > 0)
    .map((dispatch) => ({
      key: dispatch.key,
      message: dispatch.message,
      channels: dispatch.delivered,
    })),
})
