/**
 * The data a message template sees, built from the incident state (`foldIncident`), the runbook
 * and the time: `messageContext(kind, { incident, runbook, now })`. Every field is always present
 * (a missing fact is written out, "Unassigned", "Unknown", never left blank), so a template never
 * asks a responder to retype anything. Timestamps are ISO 8601 strings (format them with the
 * `time` and `datetime` helpers), durations are seconds (the `duration` helper).
 *
 * @example
 * ```ts
 * import { defaultRunbook, foldIncident } from "@ir/core"
 * import { messageContext } from "@ir/templates"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-2026-0001",
 *     title: "System completely down", severity: "P0", playbooks: ["system-down"],
 *     summary: "Health check endpoint unreachable" },
 * ]))
 * const context = messageContext("initial", {
 *   incident, runbook: defaultRunbook, now: new Date("2026-11-28T10:05:00Z"),
 * })
 * context.nextUpdate.text // "10:35 UTC"
 * ```
 */
import {
  type ActionItem,
  Audience,
  Deadline,
  Duration,
  findPlaybook,
  findSeverity,
  type Incident,
  type IncidentStatus,
  type Runbook,
  type SeverityLevel,
  severityLevels,
} from "@ir/core"
import * as Data from "effect/Data"
import { formatDateTime, formatTime, isValidTimeZone } from "./internal/timeFormat.js"
import { describeEvent, flagText } from "./internal/timeline.js"
import type { MessageKind } from "./MessageKind.js"

/** A playbook the triage matched, with the evidence, for the initial alert. */
export interface AssessedPlaybook {
  readonly title: string
  /** e.g. "high", "90%"; shown as is. */
  readonly confidence?: string
  readonly evidence: ReadonlyArray<string>
}

/** What the triage found, in a simple form for callers that assess by other means. */
export interface AssessmentSummary {
  readonly playbooks: ReadonlyArray<AssessedPlaybook>
  readonly nextSteps: ReadonlyArray<string>
}

/**
 * The parts of `@ir/core`'s `Assessment` (the result of `triage`) the initial alert reads: the
 * matched playbooks with the symptoms that held, and the next steps. An `Assessment` is one.
 */
export interface TriageAssessment {
  readonly matches: ReadonlyArray<{
    readonly title: string
    readonly status?: string
    /** 0..1 */
    readonly confidence: number
    readonly symptoms?: ReadonlyArray<{ readonly text: string; readonly outcome: string }>
  }>
  readonly nextSteps: ReadonlyArray<{
    readonly step: { readonly text: string; readonly details?: ReadonlyArray<string> | undefined }
  }>
}

/** An escalation to announce, when it is not (yet) an `escalated` event of the incident. */
export interface EscalationInput {
  /** Index in the runbook's contact chain (0 = first contact). */
  readonly level: number
  /** Who is being escalated to (a role or name). */
  readonly to: string
  /** The escalation rule id (or its text). */
  readonly rule: string
  /** Why, in words, when it is not the rule's text (a climb: "…: not acknowledged within 30m"). */
  readonly ruleText?: string
  readonly at?: Date
}

/**
 * An escalation as `@ir/core`'s `escalate` returns it (a `DueAction` of kind `escalate`): the
 * rule and the contact, with how to reach them.
 */
export interface DueEscalation {
  readonly rule: { readonly id: string; readonly text: string }
  readonly contact?: {
    readonly level: number
    readonly role: string
    readonly name?: string
    readonly phone?: string
    readonly email?: string
  }
  readonly dueAt: Date
}

/** What {@link messageContext} needs. */
export interface ContextInput {
  /** The incident state, from `foldIncident`. */
  readonly incident: Incident
  readonly runbook: Runbook
  /** The moment the message is rendered. */
  readonly now: Date
  /** IANA time zone for timestamps; defaults to the runbook calendar's. */
  readonly timeZone?: string
  /** The triage result (`triage(runbook, observations)`), shown by the initial alert. */
  readonly assessment?: TriageAssessment | AssessmentSummary
  /**
   * Escalation to announce: `escalate`'s due action, or level, contact and rule; defaults to the
   * incident's latest `escalated` event.
   */
  readonly escalation?: EscalationInput | DueEscalation
  /** Post-mortem action items agreed so far. */
  readonly actionItems?: ReadonlyArray<string>
  /** For a reminder: what is due (the rule's words) and the open items it is about. */
  readonly reminder?: { readonly reason: string; readonly items: ReadonlyArray<string> }
  /**
   * For a customer-facing notice: which message it stands for, and the opaque reference public
   * peers thread on (never the incident's id).
   */
  readonly notice?: {
    readonly phase: NoticePhase
    readonly reference: string
  }
}

/** The message a customer-facing notice stands for. */
export type NoticePhase = "initial" | "update" | "resolution"

/** The sentence saying an incident under planned maintenance pages nobody, or null. */
const maintenanceLine = (incident: Incident): string | null => {
  const raised = incident.flags.find((flag) => flag.flag === "planned-maintenance")
  if (raised === undefined) return null
  return raised.note?.startsWith("Under planned maintenance") === true
    ? raised.note
    : "Under planned maintenance: not paged"
}

/** The incident as every template sees it. */
export interface IncidentView {
  readonly id: string
  readonly title: string
  readonly summary: string
  /** "Being assessed" until someone states it. */
  readonly impact: string
  readonly severity: SeverityLevel
  /** The runbook's name for the severity, e.g. "Critical". */
  readonly severityName: string
  readonly status: IncidentStatus
  /** "Investigating", "Mitigated, monitoring" or "Resolved". */
  readonly statusText: string
  /** The incident commander; the acknowledger if none was named; else "Unassigned". */
  readonly commander: string
  /** "Unknown" until someone gives one. */
  readonly eta: string
  /** Titles of the incident's playbooks. */
  readonly playbooks: ReadonlyArray<string>
  /** "triage", "alert", "manual", "drill" or "unknown". */
  readonly source: string
  readonly openedAt: string
  readonly acknowledgedAt: string | null
  readonly acknowledgedBy: string | null
  readonly mitigatedAt: string | null
  readonly resolvedAt: string | null
  /** Seconds from opening to resolution, or to now while open. */
  readonly durationSeconds: number
  /** Raised flags in the runbook's words, e.g. "Data loss confirmed". */
  readonly flags: ReadonlyArray<string>
  /**
   * Why nobody is paged, when the incident is flagged planned-maintenance: "Under planned
   * maintenance db-upgrade until 2026-12-05 12:00 UTC: not paged" (the window's words).
   */
  readonly maintenance: string | null
}

/** When the next status update goes out. */
export interface NextUpdateView {
  readonly at: string | null
  /** "10:30 UTC", or why there is none: "None scheduled for P2", "None (resolved)". */
  readonly text: string
}

export interface LinkView {
  readonly name: string
  readonly url: string
}

/** Fields every message kind has. */
export interface BaseContext {
  readonly incident: IncidentView
  readonly now: string
  readonly timeZone: string
  readonly severityNames: Readonly<Record<SeverityLevel, string>>
  readonly nextUpdate: NextUpdateView
  /** The runbook's monitoring links (Grafana, Prometheus, Alertmanager). */
  readonly links: ReadonlyArray<LinkView>
  readonly runbookName: string
}

export interface AssessmentView {
  /** Whether a triage assessment was given. */
  readonly provided: boolean
  readonly playbooks: ReadonlyArray<{
    readonly title: string
    readonly confidence: string
    readonly evidence: ReadonlyArray<string>
  }>
  readonly nextSteps: ReadonlyArray<string>
}

export interface UpdateView {
  readonly at: string
  readonly by: string
  readonly progress: string
  readonly status: string
  readonly nextSteps: string
  readonly eta: string
}

export interface ResolutionView {
  readonly at: string
  readonly text: string
  /** "Under investigation" when not known. */
  readonly rootCause: string
  readonly rootCauseKnown: boolean
  readonly durationSeconds: number
  /** "Post-mortem scheduled for …" or "Schedule the post-mortem". */
  readonly nextSteps: string
}

export interface EscalationView {
  readonly level: number
  readonly to: string
  /** Phone and e-mail of the contact, "No contact details in the runbook" when none. */
  readonly contact: string
  /** The rule's text, e.g. "Unable to restore service within 30 minutes". */
  readonly reason: string
  readonly at: string
  /** The severity's response time, e.g. "15 minutes". */
  readonly respondWithin: string
}

export interface TimelineEntry {
  readonly at: string
  readonly text: string
}

/** One line of a checklist: its text, and whether it is done (`{{list … style="checkbox"}}`). */
export interface CheckItem {
  readonly text: string
  readonly done: boolean
}

export interface ChecklistView {
  readonly title: string
  readonly within: string
  readonly items: ReadonlyArray<CheckItem>
}

export interface InitialContext extends BaseContext {
  readonly kind: "initial"
  readonly assessment: AssessmentView
}
export interface UpdateContext extends BaseContext {
  readonly kind: "update"
  readonly update: UpdateView
}
export interface ResolutionContext extends BaseContext {
  readonly kind: "resolution"
  readonly resolution: ResolutionView
}
export interface EscalationContext extends BaseContext {
  readonly kind: "escalation"
  readonly escalation: EscalationView
}
export interface PostmortemContext extends BaseContext {
  readonly kind: "postmortem"
  readonly resolution: ResolutionView
  readonly timeline: ReadonlyArray<TimelineEntry>
  /** Actions carried out (or dry-run) during the incident. */
  readonly actions: ReadonlyArray<TimelineEntry>
  /** From the failure (an alert's start, else the opening) to the mitigation, in seconds. */
  readonly downtimeSeconds: number
  /**
   * The key times, each with how long after the failure or the opening: when the failure began
   * (when an alert said), opened (detected), acknowledged, mitigated, resolved.
   */
  readonly keyTimes: ReadonlyArray<string>
  /** The incident's action items (with owner, due date and link), done or not. */
  readonly actionItems: ReadonlyArray<CheckItem>
  /** The runbook's post-incident checklists (immediate, short-term, long-term), steps done or not. */
  readonly checklists: ReadonlyArray<ChecklistView>
  readonly postmortemAt: string | null
}

/** What a reminder is about: why now, and what is still open. */
export interface ReminderView {
  /** The rule, e.g. "Short-term (within 1 week)" or "Action item A1 overdue". */
  readonly reason: string
  readonly items: ReadonlyArray<string>
}

export interface ReminderContext extends BaseContext {
  readonly kind: "reminder"
  readonly reminder: ReminderView
  readonly resolution: ResolutionView
  readonly postmortemAt: string | null
}

/**
 * The incident as the status page and support tickets see it: customer-safe fields only, none
 * of the internal ones (summary, probe output, hosts, ids, responders, runbook steps).
 */
export interface NoticeView {
  /** The opaque public reference (`ContextInput.notice.reference`), never the incident id. */
  readonly id: string
  readonly severity: SeverityLevel
  /** The playbook's public title, else the severity's impact ("Major Impact"). */
  readonly title: string
  /** The severity's impact, e.g. "Service Down". */
  readonly impact: string
  /** `investigating`, `identified`, `monitoring` or `resolved` (Statuspage's words). */
  readonly status: Audience.PublicStatus
  /** "Investigating", "Identified", "Monitoring", "Resolved". */
  readonly statusText: string
  /** What is said: a responder's public note, else the status's standard sentence. */
  readonly body: string
  /** "Unknown" until someone gives one; customer-safe. */
  readonly eta: string
  /** When the trouble started (first alert), else when the incident opened. */
  readonly startedAt: string
  readonly resolvedAt: string | null
  readonly durationSeconds: number
}

/** A customer-facing notice: the initial notice, an update or the resolution. */
export interface NoticeContext {
  readonly kind: "notice"
  readonly phase: NoticePhase
  readonly incident: NoticeView
  readonly nextUpdate: NextUpdateView
  readonly now: string
  readonly timeZone: string
}

/** The context of any message. */
export type MessageContext =
  | NoticeContext
  | InitialContext
  | UpdateContext
  | ResolutionContext
  | EscalationContext
  | PostmortemContext
  | ReminderContext

/** The context of one message kind. */
export type ContextOf<K extends MessageKind> = Extract<MessageContext, { readonly kind: K }>

/** Why a message cannot be built from the incident as it stands. */
export class MessageContextError extends Data.TaggedError("MessageContextError")<{
  readonly reason:
    | "no-update"
    | "not-resolved"
    | "no-escalation"
    | "unknown-time-zone"
    | "unknown-severity"
  readonly kind: MessageKind
  readonly incidentId: string
  readonly detail?: string
  readonly cause?: unknown
}> {
  override get message(): string {
    const subject = `the ${this.kind} message for ${this.incidentId}`
    switch (this.reason) {
      case "no-update":
        return `${subject} needs a status update: record one (an "update-posted" event) first`
      case "not-resolved":
        return `${subject} needs the incident to be resolved first`
      case "no-escalation":
        return `${subject} needs an escalation: record an "escalated" event or pass \`escalation\``
      case "unknown-time-zone":
        return `${subject}: unknown time zone ${JSON.stringify(this.detail)}; expected an IANA name such as "Europe/Berlin"`
      case "unknown-severity":
        return `${subject}: severity ${this.detail} is not defined in the runbook`
    }
    return subject
  }
}

/**
 * A context's shape: which variables a template of a kind may use. `true` is a value, an object
 * lists fields, a one-element array is a list of items of that shape.
 */
export type Shape = true | { readonly [field: string]: Shape } | readonly [Shape]

const incidentShape: Shape = {
  id: true,
  title: true,
  summary: true,
  impact: true,
  severity: true,
  severityName: true,
  status: true,
  statusText: true,
  commander: true,
  eta: true,
  playbooks: [true],
  source: true,
  openedAt: true,
  acknowledgedAt: true,
  acknowledgedBy: true,
  mitigatedAt: true,
  resolvedAt: true,
  durationSeconds: true,
  flags: [true],
  maintenance: true,
}

const baseShape = {
  kind: true,
  incident: incidentShape,
  now: true,
  timeZone: true,
  severityNames: { P0: true, P1: true, P2: true, P3: true },
  nextUpdate: { at: true, text: true },
  links: [{ name: true, url: true }],
  runbookName: true,
} as const

const resolutionShape: Shape = {
  at: true,
  text: true,
  rootCause: true,
  rootCauseKnown: true,
  durationSeconds: true,
  nextSteps: true,
}

const entryShape: Shape = { at: true, text: true }

const shapes: Record<MessageKind, Shape> = {
  initial: {
    ...baseShape,
    assessment: {
      provided: true,
      playbooks: [{ title: true, confidence: true, evidence: [true] }],
      nextSteps: [true],
    },
  },
  update: {
    ...baseShape,
    update: { at: true, by: true, progress: true, status: true, nextSteps: true, eta: true },
  },
  resolution: { ...baseShape, resolution: resolutionShape },
  escalation: {
    ...baseShape,
    escalation: {
      level: true,
      to: true,
      contact: true,
      reason: true,
      at: true,
      respondWithin: true,
    },
  },
  postmortem: {
    ...baseShape,
    resolution: resolutionShape,
    timeline: [entryShape],
    actions: [entryShape],
    downtimeSeconds: true,
    keyTimes: [true],
    actionItems: [{ text: true, done: true }],
    checklists: [{ title: true, within: true, items: [{ text: true, done: true }] }],
    postmortemAt: true,
  },
  reminder: {
    ...baseShape,
    reminder: { reason: true, items: [true] },
    resolution: resolutionShape,
    postmortemAt: true,
  },
  notice: {
    kind: true,
    phase: true,
    incident: {
      id: true,
      severity: true,
      title: true,
      impact: true,
      status: true,
      statusText: true,
      body: true,
      eta: true,
      startedAt: true,
      resolvedAt: true,
      durationSeconds: true,
    },
    nextUpdate: { at: true, text: true },
    now: true,
    timeZone: true,
  },
}

/** The customer-safe notice of an incident (see {@link NoticeContext}). */
const noticeContext = (
  input: ContextInput,
  severity: { readonly impact: string },
  timeZone: string,
): NoticeContext => {
  const { incident, runbook, now } = input
  const phase = input.notice?.phase ?? "initial"
  const status = Audience.publicStatus(incident)
  const latest = incident.updates[incident.updates.length - 1]
  const note =
    phase === "update" && latest?.publicNote !== undefined && latest.publicNote.trim() !== ""
      ? Audience.publicText(latest.publicNote.trim())
      : undefined
  const title = Audience.publicTitle(runbook, incident)
  return {
    kind: "notice",
    phase,
    incident: {
      id: input.notice?.reference ?? "incident",
      severity: incident.severity,
      title,
      impact: severity.impact,
      status,
      statusText: Audience.publicStatusText[status],
      body: note ?? Audience.publicSentence[status],
      eta:
        incident.eta === undefined
          ? "Unknown"
          : nonEmpty(Audience.publicText(incident.eta), "Unknown"),
      startedAt: iso(incident.startedAt ?? incident.openedAt),
      resolvedAt: isoOrNull(incident.resolvedAt),
      durationSeconds: Deadline.duration(incident, now) / 1000,
    },
    nextUpdate: nextUpdate(incident, runbook, now, timeZone),
    now: iso(now),
    timeZone,
  }
}

/**
 * The variables templates of a kind may use, checked when a team's override is loaded.
 *
 * @example
 * ```ts
 * import { contextShape } from "@ir/templates"
 * Object.keys(contextShape("update")) // [..., "update"]
 * ```
 */
export const contextShape = (kind: MessageKind): Shape => shapes[kind]

const statusText: Record<IncidentStatus, string> = {
  open: "Investigating",
  acknowledged: "Investigating",
  mitigated: "Mitigated, monitoring",
  resolved: "Resolved",
}

const iso = (date: Date): string => date.toISOString()
const isoOrNull = (date: Date | undefined): string | null => (date === undefined ? null : iso(date))
const nonEmpty = (text: string | undefined, fallback: string): string =>
  text === undefined || text.trim() === "" ? fallback : text

/**
 * When the next status update is due (`Deadline.nextUpdateDue`: the last update, or the opening,
 * plus the severity's cadence), never in the past: a message going out late promises the next
 * one a full cadence from now.
 */
const nextUpdate = (
  incident: Incident,
  runbook: Runbook,
  now: Date,
  timeZone: string,
): NextUpdateView => {
  if (incident.status === "resolved") return { at: null, text: "None (resolved)" }
  const at = Deadline.nextUpdatePromised(runbook, incident, now)
  if (at === undefined) return { at: null, text: `None scheduled for ${incident.severity}` }
  return { at: iso(at), text: formatTime(at, timeZone) }
}

const readAssessment = (
  assessment: TriageAssessment | AssessmentSummary | undefined,
): AssessmentView => {
  if (assessment === undefined) return { provided: false, playbooks: [], nextSteps: [] }
  if ("playbooks" in assessment) {
    return {
      provided: true,
      playbooks: assessment.playbooks.map((playbook) => ({
        title: playbook.title,
        confidence: playbook.confidence ?? "not stated",
        evidence: [...playbook.evidence],
      })),
      nextSteps: [...assessment.nextSteps],
    }
  }
  return {
    provided: true,
    playbooks: assessment.matches.map((match) => {
      const percent = `${Math.round(match.confidence * 100)}%`
      return {
        title: match.title,
        confidence: match.status === "possible" ? `possible, ${percent}` : percent,
        evidence: (match.symptoms ?? [])
          .filter((symptom) => symptom.outcome === "matched")
          .map((symptom) => symptom.text),
      }
    }),
    // A step's sub-items ("If restart fails, check for:" what) stay with it, one a line.
    nextSteps: assessment.nextSteps.map((next) =>
      [next.step.text, ...(next.step.details ?? []).map((detail) => `- ${detail}`)].join("\n"),
    ),
  }
}

const resolutionView = (
  incident: Incident,
  kind: MessageKind,
  timeZone: string,
): ResolutionView => {
  if (incident.resolvedAt === undefined) {
    throw new MessageContextError({ reason: "not-resolved", kind, incidentId: incident.id })
  }
  return {
    at: iso(incident.resolvedAt),
    text: nonEmpty(incident.resolution, "Not described"),
    rootCause: nonEmpty(incident.rootCause, "Under investigation"),
    rootCauseKnown: incident.rootCause !== undefined && incident.rootCause.trim() !== "",
    durationSeconds: Deadline.duration(incident, incident.resolvedAt) / 1000,
    nextSteps:
      incident.postmortemScheduledFor === undefined
        ? "Schedule the post-mortem"
        : `Post-mortem on ${formatDateTime(incident.postmortemScheduledFor, timeZone)}`,
  }
}

const escalationView = (
  input: ContextInput,
  incident: Incident,
  kind: MessageKind,
): Omit<EscalationView, "respondWithin"> => {
  const latest = incident.escalations[incident.escalations.length - 1]
  const given = input.escalation
  const chosen:
    | (EscalationInput & {
        readonly ruleText?: string
        readonly reach?: ReadonlyArray<string | undefined>
      })
    | undefined =
    given === undefined
      ? latest === undefined
        ? undefined
        : { level: latest.level, to: latest.to, rule: latest.rule, at: latest.at }
      : "dueAt" in given
        ? {
            level: given.contact?.level ?? 0,
            to: given.contact?.role ?? "the next contact",
            rule: given.rule.id,
            ruleText: given.rule.text,
            at: given.dueAt,
            reach: [given.contact?.phone, given.contact?.email],
          }
        : given
  if (chosen === undefined) {
    throw new MessageContextError({ reason: "no-escalation", kind, incidentId: incident.id })
  }
  const contact = input.runbook.escalation.contacts[chosen.level]
  const details = (chosen.reach ?? [contact?.phone, contact?.email]).filter(
    (value): value is string => value !== undefined && value !== "",
  )
  const rule = input.runbook.escalation.rules.find((candidate) => candidate.id === chosen.rule)
  return {
    level: chosen.level,
    to: contact?.name === undefined ? chosen.to : `${contact.name} (${contact.role})`,
    contact: details.length === 0 ? "No contact details in the runbook" : details.join(", "),
    reason: chosen.ruleText ?? rule?.text ?? chosen.rule,
    at: iso(chosen.at ?? input.now),
  }
}

/** The key times of an incident, each with how long after the start it came. */
const keyTimes = (incident: Incident, at: (date: Date) => string): ReadonlyArray<string> => {
  const start = incident.startedAt ?? incident.openedAt
  const after = (date: Date, from: Date, what: string) =>
    `${Duration.formatSeconds(Math.max(0, Math.round((date.getTime() - from.getTime()) / 1000)))} ${what}`
  return [
    ...(incident.startedAt === undefined
      ? []
      : [`Failure began: ${at(incident.startedAt)} (when the alert started firing)`]),
    `Detected (incident opened): ${at(incident.openedAt)}${incident.startedAt === undefined ? "" : `, ${after(incident.openedAt, start, "after the failure began")}`}`,
    ...(incident.acknowledgedAt === undefined
      ? ["Acknowledged: never"]
      : [
          `Acknowledged: ${at(incident.acknowledgedAt)}${incident.acknowledgedBy === undefined ? "" : ` by ${incident.acknowledgedBy}`}, ${after(incident.acknowledgedAt, incident.openedAt, "after the opening")}`,
        ]),
    ...(incident.mitigatedAt === undefined
      ? []
      : [
          `Mitigated: ${at(incident.mitigatedAt)}, ${after(incident.mitigatedAt, start, incident.startedAt === undefined ? "after the opening" : "after the failure began")}`,
        ]),
    ...(incident.resolvedAt === undefined
      ? []
      : [
          `Resolved: ${at(incident.resolvedAt)}, ${after(incident.resolvedAt, incident.openedAt, "after the opening")}`,
        ]),
  ]
}

/** An action item as one line: `A1 What (owner alice, due …, link)`, and when it was done. */
const actionItemText = (item: ActionItem, at: (date: Date) => string): string => {
  const details = [
    item.owner === undefined ? undefined : `owner ${item.owner}`,
    item.due === undefined ? undefined : `due ${at(item.due)}`,
    item.link,
  ].filter((detail): detail is string => detail !== undefined)
  const done =
    item.doneAt === undefined
      ? ""
      : ` — done ${at(item.doneAt)}${item.doneBy === undefined ? "" : ` by ${item.doneBy}`}`
  return `${item.item} ${item.text}${details.length === 0 ? "" : ` (${details.join(", ")})`}${done}`
}

/**
 * Builds the context of a message kind from the incident state. Throws
 * {@link MessageContextError} when the incident cannot have that message yet (an update before
 * any status update was recorded, a resolution notice before resolution, an escalation page
 * without an escalation).
 *
 * @example
 * ```ts
 * import { defaultRunbook, foldIncident } from "@ir/core"
 * import { messageContext } from "@ir/templates"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-1",
 *     title: "API errors", severity: "P1", playbooks: ["high-error-rate"], summary: "5xx at 12%" },
 * ]))
 * messageContext("initial", { incident, runbook: defaultRunbook, now: new Date() }).incident.commander
 * // "Unassigned"
 * ```
 */
export const messageContext = <K extends MessageKind>(
  kind: K,
  input: ContextInput,
): ContextOf<K> => {
  const { incident, runbook, now } = input
  const timeZone = input.timeZone ?? runbook.calendar.timeZone
  if (!isValidTimeZone(timeZone)) {
    throw new MessageContextError({
      reason: "unknown-time-zone",
      kind,
      incidentId: incident.id,
      detail: timeZone,
    })
  }
  const severity = findSeverity(runbook.severities, incident.severity)
  if (severity === undefined) {
    throw new MessageContextError({
      reason: "unknown-severity",
      kind,
      incidentId: incident.id,
      detail: incident.severity,
    })
  }
  const severityNames = Object.fromEntries(
    severityLevels.map((level) => [level, findSeverity(runbook.severities, level)?.name ?? level]),
  ) as Record<SeverityLevel, string>
  const view: IncidentView = {
    id: incident.id,
    title: incident.title,
    summary: incident.summary,
    impact: nonEmpty(incident.impact, "Being assessed"),
    severity: incident.severity,
    severityName: severity.name,
    status: incident.status,
    statusText: statusText[incident.status],
    commander: nonEmpty(incident.commander ?? incident.acknowledgedBy, "Unassigned"),
    eta: nonEmpty(incident.eta, "Unknown"),
    playbooks: incident.playbooks.map((id) => findPlaybook(runbook.playbooks, id)?.title ?? id),
    source: incident.source?.kind ?? "unknown",
    openedAt: iso(incident.openedAt),
    acknowledgedAt: isoOrNull(incident.acknowledgedAt),
    acknowledgedBy: incident.acknowledgedBy ?? null,
    mitigatedAt: isoOrNull(incident.mitigatedAt),
    resolvedAt: isoOrNull(incident.resolvedAt),
    durationSeconds: Deadline.duration(incident, now) / 1000,
    flags: incident.flags.map((raised) => flagText[raised.flag] ?? raised.flag),
    maintenance: maintenanceLine(incident),
  }
  const base: BaseContext = {
    incident: view,
    now: iso(now),
    timeZone,
    severityNames,
    nextUpdate: nextUpdate(incident, runbook, now, timeZone),
    links: runbook.monitoring.map((link) => ({ name: link.name, url: link.url })),
    runbookName: runbook.name,
  }
  const at = (date: Date) => formatDateTime(date, timeZone)
  const build = (): MessageContext => {
    switch (kind as MessageKind) {
      case "notice":
        return noticeContext(input, severity, timeZone)
      case "reminder":
        return {
          kind: "reminder",
          ...base,
          reminder: {
            reason: input.reminder?.reason ?? "Follow-up due",
            items: [...(input.reminder?.items ?? [])],
          },
          resolution: resolutionView(incident, kind, timeZone),
          postmortemAt: isoOrNull(incident.postmortemScheduledFor),
        }
      case "initial":
        return { kind: "initial", ...base, assessment: readAssessment(input.assessment) }
      case "update": {
        const latest = incident.updates[incident.updates.length - 1]
        if (latest === undefined) {
          throw new MessageContextError({ reason: "no-update", kind, incidentId: incident.id })
        }
        return {
          kind: "update",
          ...base,
          update: {
            at: iso(latest.at),
            by: nonEmpty(latest.by, view.commander),
            progress: latest.progress,
            status: latest.status,
            nextSteps: latest.nextSteps,
            eta: nonEmpty(latest.eta ?? incident.eta, "Unknown"),
          },
        }
      }
      case "resolution":
        return { kind: "resolution", ...base, resolution: resolutionView(incident, kind, timeZone) }
      case "escalation":
        return {
          kind: "escalation",
          ...base,
          escalation: {
            ...escalationView(input, incident, kind),
            respondWithin: severity.responseTimeText,
          },
        }
      case "postmortem":
        return {
          kind: "postmortem",
          ...base,
          resolution: resolutionView(incident, kind, timeZone),
          timeline: incident.events.map((event) => ({
            at: iso(event.at),
            text: describeEvent(event, runbook, at),
          })),
          actions: incident.actions.map((event) => ({
            at: iso(event.at),
            text: describeEvent(event, runbook, at),
          })),
          downtimeSeconds: Deadline.downtime(incident, now) / 1000,
          keyTimes: keyTimes(incident, at),
          actionItems: [
            ...incident.actionItems.map((item) => ({
              text: actionItemText(item, at),
              done: item.doneAt !== undefined,
            })),
            ...(input.actionItems ?? []).map((text) => ({ text, done: false })),
          ],
          checklists: runbook.postIncident.map((group) => ({
            title: group.title,
            within: group.within ?? "",
            items: group.steps.map((step, index) => ({
              text: step.text,
              done: incident.checklistDone.some(
                (done) => done.group === group.id && done.step === index,
              ),
            })),
          })),
          postmortemAt: isoOrNull(incident.postmortemScheduledFor),
        }
    }
  }
  return build() as ContextOf<K>
}
