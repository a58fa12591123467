/**
 * A journal failure as one line a person (or an HTTP client) can act on: the one mapping of
 * `JournalError` for every adapter, with the kind of problem it is.
 *
 * @example
 * ```ts
 * import { JournalNotFound } from "@ir/journal"
 * import { journalMessage } from "@ir/responder"
 * journalMessage(new JournalNotFound({ incidentId: "INC-2026-0042", location: "/var/lib/ir" })).kind
 * // "unknown-incident"
 * ```
 */
import type { JournalError } from "@ir/journal"

/**
 * What went wrong, as adapters tell it apart: exit codes for the CLI, statuses for HTTP.
 *
 * - `unknown-incident`: no such incident (CLI usage error; HTTP 404)
 * - `journal-unavailable`: the journal cannot be reached or written, or is busy (retry; 503)
 * - `bad-value`: an event the journal refuses as malformed (400)
 * - `incident-state`: the incident's state does not allow it, or another writer was first (409)
 */
export type JournalProblem =
  | "unknown-incident"
  | "journal-unavailable"
  | "bad-value"
  | "incident-state"

export interface JournalMessage {
  readonly kind: JournalProblem
  /** One line, secrets removed (journal errors never carry them). */
  readonly detail: string
  /** Whether trying again later may succeed (Alertmanager retries a 5xx). */
  readonly retry: boolean
}

/** The one-line message and kind of a journal failure. */
export const journalMessage = (error: JournalError): JournalMessage => {
  switch (error._tag) {
    case "JournalNotFound":
      return {
        kind: "unknown-incident",
        detail: `${error.message} (\`ir incident list --all\` lists them)`,
        retry: false,
      }
    case "JournalUnavailable":
      return { kind: "journal-unavailable", detail: error.message, retry: true }
    case "JournalInvalidEvent":
      return { kind: "bad-value", detail: error.message, retry: false }
    case "JournalConflict":
      return { kind: "incident-state", detail: error.message, retry: true }
    case "IncidentTransitionError":
      return { kind: "incident-state", detail: error.message, retry: false }
  }
}
