// Events go to disk and to PostgreSQL as core's Schema encodes them (Dates as ISO strings), so
// every event type core knows, including ones added later, is stored without changes here.
import { randomUUID } from "node:crypto"
import { applyEvent, type Incident, IncidentEvent, IncidentTransitionError } from "@ir/core"

type Event = IncidentEvent.IncidentEvent

import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { OpenInput } from "../Journal.js"
import { JournalInvalidEvent } from "../JournalError.js"
import type { IncidentMeta } from "./Summary.js"

// core's declaration bundle declares `IncidentEvent.IncidentEvent` as a type only (the bundler
// drops a namespace member whose value and type share a name); the value is in the JavaScript.
const EventSchema = (
  IncidentEvent as unknown as {
    readonly IncidentEvent: Schema.Schema<Event, unknown>
  }
).IncidentEvent

const encodeEvent = Schema.encodeUnknownEither(EventSchema)
const decodeEvent = Schema.decodeUnknownEither(EventSchema)

/** Each problem on one line: the field's path and what was expected there. */
const describeParseError = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`,
    )
    .join("; ")

/** The JSON-ready form of each event; the first invalid one is the error. */
export const encodeEvents = (
  events: ReadonlyArray<unknown>,
): Either.Either<ReadonlyArray<unknown>, JournalInvalidEvent> => {
  const encoded: Array<unknown> = []
  for (const [index, event] of events.entries()) {
    const result = encodeEvent(event)
    if (Either.isLeft(result))
      return Either.left(
        new JournalInvalidEvent({
          reason: "schema",
          index,
          cause: new Error(describeParseError(result.left)),
        }),
      )
    encoded.push(result.right)
  }
  return Either.right(encoded)
}

/** An event from its stored form, or the reason it cannot be read. */
export const decodeStoredEvent = (stored: unknown): Either.Either<Event, string> =>
  Either.mapLeft(decodeEvent(stored), (error) => {
    const type =
      typeof stored === "object" && stored !== null && "type" in stored
        ? String((stored as { type: unknown }).type)
        : "?"
    return `event of type "${type}" does not match this version's event schema (written by a newer @ir/core?): ${describeParseError(error)}`
  })

/** Applies events to a state in order; the first impossible one is the error. */
export const applyAll = (
  state: Incident | undefined,
  events: ReadonlyArray<Event>,
): Either.Either<Incident, IncidentTransitionError> => {
  let current = state
  for (const event of events) {
    const next = applyEvent(current, event)
    if (Either.isLeft(next)) return next
    current = next.right
  }
  return current === undefined
    ? Either.left(new IncidentTransitionError({ reason: "no-events", index: 0 }))
    : Either.right(current)
}

/** A new incident as a journal writes it: its opened record and initial events, and their fold. */
export interface NewIncident {
  readonly meta: IncidentMeta
  /** The events as stored (Schema-encoded), in order. */
  readonly stored: ReadonlyArray<unknown>
  /** The same events as a reader decodes them back. */
  readonly events: Array<Event>
  readonly state: Incident
}

/**
 * The opened event of `fields` as `humanId` and the initial events after it: encoded, decoded
 * back as a reader will see them, and folded. Throws what the journal refuses (an invalid event,
 * an impossible transition).
 */
export const newIncident = (
  fields: Omit<OpenInput, "dedupKey" | "initialEvents">,
  initialEvents: ReadonlyArray<Event>,
  humanId: string,
  dedupKey: string | undefined,
): NewIncident => {
  const opened: Event = { ...fields, type: "opened", incidentId: humanId }
  const encoded = encodeEvents([opened, ...initialEvents])
  if (Either.isLeft(encoded)) throw encoded.left
  const events = encoded.right.map((stored) => Either.getOrThrow(decodeStoredEvent(stored)))
  const folded = applyAll(undefined, events)
  if (Either.isLeft(folded)) throw folded.left
  const meta: IncidentMeta = {
    id: randomUUID(),
    humanId,
    ...(dedupKey === undefined ? {} : { dedupKey }),
  }
  return { meta, stored: encoded.right, events, state: folded.right }
}
