// What the board shows, as data: the active incidents with their deadlines, who was paged, the
// playbooks' checklists and the timelines, read from the responder's journal. Rendering is
// BoardHtml's; this module decides what is true.
import {
  activeStatuses,
  awaitsAcknowledgement,
  Deadline,
  findPlaybook,
  type Incident,
  type IncidentStatus,
  type Playbook,
  type RaisedFlag,
  type Runbook,
  type SeverityLevel,
  type Step,
} from "@ir/core"
import { describeEvent, type IncidentSummary } from "@ir/journal"
import { journalMessage, type Responder } from "@ir/responder"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { fingerprintOf } from "./BoardStream.js"

/** Every journal call of the board is bounded: a stuck journal gives an error page, not a hang. */
export const journalTimeout = "5 seconds"

/** The playbook sections a responder works through during the incident, in order. */
export const checklistSections = [
  { key: "immediateActions", title: "Immediate actions" },
  { key: "investigation", title: "Investigation" },
  { key: "resolution", title: "Resolution" },
] as const

export type ChecklistSectionKey = (typeof checklistSections)[number]["key"]

/**
 * The `group` of a `checklist-step-done` event for a playbook's section (`system-down.resolution`):
 * the playbook's id and the section, so that it never collides with the runbook's post-incident
 * checklists (`immediate`, `within-week`), whose ids FollowUp reads.
 */
export const checklistGroup = (playbookId: string, section: ChecklistSectionKey): string =>
  `${playbookId}.${section}`

export interface StepView {
  readonly text: string
  readonly details: ReadonlyArray<string>
  readonly group: string
  readonly index: number
  /** Done, and what says so: the action taken, or the step checked off, and by whom. */
  readonly done?: { readonly how: string; readonly by?: string }
}

export interface ChecklistView {
  readonly playbookId: string
  readonly title: string
  readonly sections: ReadonlyArray<{
    readonly title: string
    readonly steps: ReadonlyArray<StepView>
  }>
}

/** A message or escalation that reached people. */
export interface ContactView {
  readonly at: Date
  readonly text: string
}

export interface TimelineView {
  readonly at: Date
  readonly description: string
  readonly by?: string
}

export interface IncidentView {
  readonly humanId: string
  readonly title: string
  readonly summary: string
  readonly impact?: string
  readonly commander?: string
  readonly severity: SeverityLevel
  readonly status: IncidentStatus
  readonly openedAt: Date
  readonly acknowledgedAt?: Date
  readonly acknowledgedBy?: string
  /** The response deadline, while nobody has acknowledged. */
  readonly respondBy?: Date
  readonly nextUpdateDue?: Date
  /** How far up the contact chain it went: the number of escalations. */
  readonly escalationLevel: number
  readonly contacted: ReadonlyArray<ContactView>
  readonly flags: ReadonlyArray<RaisedFlag>
  readonly checklists: ReadonlyArray<ChecklistView>
  /** Playbooks the incident names that the runbook does not have. */
  readonly unknownPlaybooks: ReadonlyArray<string>
  /** Newest first. */
  readonly timeline: ReadonlyArray<TimelineView>
  readonly canAcknowledge: boolean
  readonly canMitigate: boolean
}

export interface BoardView {
  readonly now: Date
  readonly timeZone: string
  readonly incidents: ReadonlyArray<IncidentView>
  /** Active incidents the journal could not read, with why. */
  readonly unreadable: ReadonlyArray<{ readonly humanId: string; readonly detail: string }>
  /** Who is on call now, when the board was given a way to know. */
  readonly onCall?: ReadonlyArray<{ readonly role: string; readonly name: string }>
  /** Identifies the journal's state the view was read from (the live stream's event id). */
  readonly fingerprint: string
}

const stepDone = (
  incident: Incident,
  step: Step,
  group: string,
  index: number,
): StepView["done"] => {
  const actionId = step.action?.action
  if (actionId !== undefined) {
    // A dry run, a plan or a failed attempt is not the step done.
    const taken = incident.actions.find(
      (action) => action.action === actionId && !action.dryRun && action.outcome === "succeeded",
    )
    if (taken !== undefined)
      return { how: `${actionId} succeeded`, ...(taken.by === undefined ? {} : { by: taken.by }) }
  }
  const checked = incident.checklistDone.find((done) => done.group === group && done.step === index)
  if (checked !== undefined)
    return { how: "checked off", ...(checked.by === undefined ? {} : { by: checked.by }) }
  return undefined
}

const checklistOf = (incident: Incident, playbook: Playbook): ChecklistView => ({
  playbookId: playbook.id,
  title: playbook.title,
  sections: checklistSections
    .map(({ key, title }) => {
      const group = checklistGroup(playbook.id, key)
      return {
        title,
        steps: playbook[key].map((step, index) => {
          const done = stepDone(incident, step, group, index)
          return {
            text: step.text,
            details: step.details ?? [],
            group,
            index,
            ...(done === undefined ? {} : { done }),
          }
        }),
      }
    })
    .filter((section) => section.steps.length > 0),
})

const contactedOf = (incident: Incident): ReadonlyArray<ContactView> => {
  const messages = incident.notifications
    .filter((sent) => sent.message === "page" || sent.message === "escalation")
    .map((sent) => ({
      at: sent.at,
      text: `${sent.message === "page" ? "Paged" : "Escalation sent"} via ${sent.channels.join(", ") || "no channel"}`,
    }))
  const escalations = incident.escalations.map((escalated) => ({
    at: escalated.at,
    text: describeEvent(escalated),
  }))
  return [...messages, ...escalations].sort((a, b) => a.at.getTime() - b.at.getTime())
}

/** The view of one incident at `now`. */
export const incidentView = (
  runbook: Runbook,
  humanId: string,
  incident: Incident,
): IncidentView => {
  const playbooks = incident.playbooks.map((id) => ({
    id,
    playbook: findPlaybook(runbook.playbooks, id),
  }))
  const respondBy =
    incident.acknowledgedAt === undefined ? Deadline.respondBy(runbook, incident) : undefined
  const nextUpdateDue = Deadline.nextUpdateDue(runbook, incident)
  return {
    humanId,
    title: incident.title,
    summary: incident.summary,
    ...(incident.impact === undefined ? {} : { impact: incident.impact }),
    ...(incident.commander === undefined ? {} : { commander: incident.commander }),
    severity: incident.severity,
    status: incident.status,
    openedAt: incident.openedAt,
    ...(incident.acknowledgedAt === undefined ? {} : { acknowledgedAt: incident.acknowledgedAt }),
    ...(incident.acknowledgedBy === undefined ? {} : { acknowledgedBy: incident.acknowledgedBy }),
    ...(respondBy === undefined ? {} : { respondBy }),
    ...(nextUpdateDue === undefined ? {} : { nextUpdateDue }),
    escalationLevel: incident.escalations.length,
    contacted: contactedOf(incident),
    flags: incident.flags,
    checklists: playbooks.flatMap(({ playbook }) =>
      playbook === undefined ? [] : [checklistOf(incident, playbook)],
    ),
    unknownPlaybooks: playbooks.flatMap(({ id, playbook }) => (playbook === undefined ? [id] : [])),
    timeline: incident.events
      .map((event) => {
        const by = (event as { readonly by?: unknown }).by
        return {
          at: event.at,
          description: describeEvent(event),
          ...(typeof by === "string" ? { by } : {}),
        }
      })
      .reverse(),
    canAcknowledge: incident.acknowledgedAt === undefined || awaitsAcknowledgement(incident),
    canMitigate: incident.status === "open" || incident.status === "acknowledged",
  }
}

const isActive = (summary: IncidentSummary) => activeStatuses.includes(summary.status)

/**
 * Reads the board: lists the journal (all incidents, for the fingerprint the live stream compares
 * with), then reads each active one. An incident that cannot be read is named, not fatal; a
 * journal that cannot list fails.
 */
export const readBoard = (
  responder: Responder,
  onCall:
    | ((at: Date) => ReadonlyArray<{ readonly role: string; readonly name: string }>)
    | undefined,
) =>
  Effect.gen(function* () {
    const now = responder.now()
    const summaries = yield* responder.journal.list().pipe(Effect.timeout(journalTimeout))
    const incidents: Array<IncidentView> = []
    const unreadable: Array<{ humanId: string; detail: string }> = []
    for (const summary of summaries.filter(isActive)) {
      const record = yield* responder.journal
        .read(summary.humanId)
        .pipe(Effect.timeout(journalTimeout), Effect.either)
      if (Either.isRight(record))
        incidents.push(incidentView(responder.runbook, summary.humanId, record.right.state))
      else
        unreadable.push({
          humanId: summary.humanId,
          detail:
            record.left._tag === "TimeoutException"
              ? "the journal did not answer in time"
              : journalMessage(record.left).detail,
        })
    }
    let people: ReadonlyArray<{ readonly role: string; readonly name: string }> | undefined
    if (onCall !== undefined) {
      try {
        people = onCall(now)
      } catch {
        // Who is on call is a help, not the board: a schedule that fails leaves the list out.
        people = undefined
      }
    }
    const view: BoardView = {
      now,
      timeZone: responder.runbook.calendar.timeZone,
      incidents,
      unreadable,
      ...(people === undefined ? {} : { onCall: people }),
      fingerprint: fingerprintOf(summaries),
    }
    return view
  })
