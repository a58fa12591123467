// What the board's forms do to an incident: the same events the CLI records (`ir incident ack`,
// `update`, `flag`, `mitigate`, `resolve`), through the responder's one path for every change
// (`responder.act`, sending what is then due), plus checking off a playbook step. Every failure
// becomes a status and a sentence a responder can act on: never a stack trace.
import {
  type IncidentEvent,
  IncidentEvent as IncidentEvents,
  Postmortem,
  TerminalText,
} from "@ir/core"
import { journalMessage, type Responder } from "@ir/responder"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { BoardAction } from "./BoardActionName.js"
import { checklistGroup, checklistSections } from "./BoardView.js"

/** What an action came to: the incident it changed, or why not (with the HTTP status). */
export type ActionOutcome =
  | { readonly ok: true; readonly incidentId: string }
  | {
      readonly ok: false
      readonly status: 400 | 404 | 409 | 502 | 503
      readonly title: string
      readonly detail: string
    }

const longText = 4000
const shortText = 200

class MissingField {
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {}
}

const text = (form: URLSearchParams, name: string, max: number): string | undefined => {
  const value = form.get(name)?.trim()
  // What a person typed, as the journal keeps any text: no terminal escapes, bounded.
  return value === undefined || value === "" ? undefined : TerminalText.forJournal(value, max)
}

const required = (form: URLSearchParams, name: string, expected: string): string => {
  const value = text(form, name, longText)
  if (value === undefined) throw new MissingField(name, expected)
  return value
}

const optional = <K extends string>(
  form: URLSearchParams,
  name: string,
  key: K,
): { readonly [P in K]?: string } => {
  const value = text(form, name, longText)
  return (value === undefined ? {} : { [key]: value }) as { readonly [P in K]?: string }
}

const flagOf = (form: URLSearchParams): IncidentEvent.IncidentFlag => {
  const value = form.get("flag")
  const flags: ReadonlyArray<string> = IncidentEvents.IncidentFlag.literals
  if (value === null || !flags.includes(value))
    throw new MissingField("flag", `one of ${flags.join(", ")}`)
  return value as IncidentEvent.IncidentFlag
}

/** The checklist step a form names, checked against the runbook's playbooks. */
const stepOf = (
  responder: Responder,
  form: URLSearchParams,
): { readonly group: string; readonly step: number } => {
  const group = form.get("group") ?? ""
  const raw = form.get("step") ?? ""
  const step = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN
  const steps = checklistSections.flatMap(({ key }) =>
    responder.runbook.playbooks
      .filter((playbook) => checklistGroup(playbook.id, key) === group)
      .map((playbook) => playbook[key]),
  )[0]
  if (steps === undefined || !Number.isInteger(step) || step < 0 || step >= steps.length)
    throw new MissingField("step", "a step of one of the runbook's playbooks")
  return { group, step }
}

const eventsOf = (
  responder: Responder,
  action: BoardAction,
  form: URLSearchParams,
  at: Date,
): ReadonlyArray<IncidentEvent.IncidentEvent> => {
  const by = text(form, "by", shortText) ?? "board"
  switch (action) {
    case "ack":
      return [{ type: "acknowledged", at, by }]
    case "update":
      return [
        {
          type: "update-posted",
          at,
          progress: required(form, "progress", "what has been done since the last update"),
          status: required(form, "status", "the current status"),
          nextSteps: required(form, "next", "the next steps"),
          ...optional(form, "eta", "eta"),
          ...optional(form, "public", "publicNote"),
          by,
        },
      ]
    case "flag":
      return [
        { type: "flag-raised", at, flag: flagOf(form), ...optional(form, "note", "note"), by },
      ]
    case "mitigate":
      return [{ type: "mitigated", at, summary: required(form, "summary", "what was done"), by }]
    case "resolve":
      return [
        {
          type: "resolved",
          at,
          resolution: required(form, "resolution", "how it was resolved"),
          ...optional(form, "rootCause", "rootCause"),
          by,
        },
        {
          type: "postmortem-scheduled",
          at,
          scheduledFor: Postmortem.meetingAt(responder.runbook, at),
          by,
        },
      ]
    case "step":
      return [{ type: "checklist-step-done", at, ...stepOf(responder, form), by }]
  }
}

// Sending what is due may wait for another process's dispatch lock (60 s by default, then it
// reports "busy" and that process sends): long enough for that, bounded all the same.
const actTimeout = "90 seconds"

/** Runs an action of the board on an incident and says what came of it. */
export const runAction = async (
  responder: Responder,
  incidentId: string,
  action: BoardAction,
  form: URLSearchParams,
): Promise<ActionOutcome> => {
  let events: ReadonlyArray<IncidentEvent.IncidentEvent>
  try {
    events = eventsOf(responder, action, form, responder.now())
  } catch (error) {
    if (error instanceof MissingField)
      return {
        ok: false,
        status: 400,
        title: "A field is missing",
        detail: `The field "${error.field}" is missing or not valid: expected ${error.expected}.`,
      }
    throw error
  }
  const result = await Effect.runPromise(
    Effect.either(
      responder
        .act(incidentId, events, {
          notify: true,
          ...(action === "update"
            ? { first: (state) => responder.messenger.manualRequest(state, "update") }
            : {}),
        })
        .pipe(Effect.timeout(actTimeout)),
    ),
  )
  if (Either.isRight(result)) return { ok: true, incidentId: result.right.incident.humanId }
  const error = result.left
  switch (error._tag) {
    case "TimeoutException":
      return {
        ok: false,
        status: 503,
        title: "No answer in time",
        detail: `The journal did not answer within ${actTimeout}. Look at the incident's timeline before trying again: the change may have been recorded.`,
      }
    case "DispatchFailed":
      return {
        ok: false,
        status: 502,
        title: "Recorded, but not sent",
        detail: `The change to ${incidentId} was recorded, but sending its messages failed: ${error.detail}. The responder's clock sends what is due on its next tick.`,
      }
    default: {
      const { kind, detail } = journalMessage(error)
      switch (kind) {
        case "unknown-incident":
          return {
            ok: false,
            status: 404,
            title: "No such incident",
            detail: `There is no incident ${incidentId} in the journal.`,
          }
        case "incident-state":
          return { ok: false, status: 409, title: "Not possible now", detail: error.message }
        case "bad-value":
          return { ok: false, status: 400, title: "Not a valid change", detail }
        case "journal-unavailable":
          return { ok: false, status: 503, title: "The journal is unavailable", detail }
      }
    }
  }
}
