/**
 * The journal's failures, one tagged class per failure mode. Each names where (a directory, a
 * file and byte offset, or a PostgreSQL URL with the password removed) and says what to do.
 * Invalid transitions are core's `IncidentTransitionError`, passed through unchanged.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { JournalConflict, openFileJournal } from "@ir/journal"
 * const program = Effect.gen(function* () {
 *   const journal = yield* openFileJournal({ dir: "/tmp/ir-journal" })
 *   return yield* journal.append("INC-2026-0001", [], { expectedSequence: 3 })
 * }).pipe(
 *   Effect.catchTag("JournalConflict", (conflict) => Effect.succeed(conflict.actualSequence)),
 * )
 * ```
 */
import * as Data from "effect/Data"

/**
 * Someone else appended first: the append stated the sequence it expected and the incident has
 * moved on. Re-read the incident, decide again, and retry with the new sequence.
 *
 * @example
 * ```ts
 * import { JournalConflict } from "@ir/journal"
 * const conflict = new JournalConflict({
 *   reason: "sequence-conflict", incidentId: "INC-2026-0001", expectedSequence: 3, actualSequence: 4,
 * })
 * conflict.message // "INC-2026-0001 changed since it was read (expected event 3, the journal has 4) …"
 * ```
 */
export class JournalConflict extends Data.TaggedError("JournalConflict")<{
  readonly reason: "sequence-conflict"
  readonly incidentId: string
  readonly expectedSequence: number
  /** The incident's sequence when the append was refused (-1 when the database only said "taken"). */
  readonly actualSequence: number
  readonly cause?: unknown
}> {
  override get message(): string {
    const actual =
      this.actualSequence < 0
        ? "someone else wrote it first"
        : `the journal has ${this.actualSequence}`
    return `${this.incidentId} changed since it was read (expected event ${this.expectedSequence}, ${actual}): read it again and retry`
  }
}

/**
 * The journal cannot be used: its directory cannot be written (`unwritable`), its database cannot
 * be reached (`unreachable`), a record cannot be read back (`corrupt`), or another process holds
 * the journal's lock for longer than the wait allows (`busy`). `location` is the directory, file
 * (with byte offset) or URL (password removed).
 *
 * @example
 * ```ts
 * import { JournalUnavailable } from "@ir/journal"
 * const error = new JournalUnavailable({
 *   reason: "unreachable", location: "postgres://ir@db.internal:5432/ir", cause: new Error("ECONNREFUSED"),
 * })
 * error.message // "cannot reach the journal database at postgres://ir@db.internal:5432/ir: ECONNREFUSED"
 * ```
 */
export class JournalUnavailable extends Data.TaggedError("JournalUnavailable")<{
  readonly reason: "unwritable" | "unreachable" | "corrupt" | "busy"
  readonly location: string
  /** Extra words for the person reading the message (what was being done, what to check). */
  readonly detail?: string
  readonly cause?: unknown
}> {
  override get message(): string {
    const cause = causeText(this.cause)
    const detail = this.detail === undefined ? "" : ` (${this.detail})`
    const messages: Record<JournalUnavailable["reason"], string> = {
      unwritable: `cannot write the incident journal at ${this.location}${detail}: ${cause}${hasErrno(this.cause) ? ". Check that the directory exists and is writable, or choose another one." : ""}`,
      unreachable: `cannot reach the journal database at ${this.location}${detail}: ${cause}`,
      corrupt: `the incident journal at ${this.location} cannot be read${detail}: ${cause}`,
      busy: `the incident journal at ${this.location} is busy${detail}: ${cause}`,
    }
    return messages[this.reason]
  }
}

/**
 * No incident has that id (human `INC-2026-0042` or internal UUID) in this journal.
 *
 * @example
 * ```ts
 * import { JournalNotFound } from "@ir/journal"
 * new JournalNotFound({ reason: "no-such-incident", incidentId: "INC-2026-0999", location: "/tmp/j" }).message
 * // "no incident INC-2026-0999 in the journal at /tmp/j"
 * ```
 */
export class JournalNotFound extends Data.TaggedError("JournalNotFound")<{
  readonly reason: "no-such-incident"
  readonly incidentId: string
  readonly location: string
}> {
  override get message(): string {
    return `no incident ${this.incidentId} in the journal at ${this.location}`
  }
}

/**
 * An event given to `open` or `append` does not match the event schema of `@ir/core` (a field of
 * the wrong type, an unknown event type). Nothing was written.
 *
 * @example
 * ```ts
 * import { JournalInvalidEvent } from "@ir/journal"
 * new JournalInvalidEvent({ reason: "schema", index: 0, cause: new Error('expected "P0" | "P1"') }).message
 * ```
 */
export class JournalInvalidEvent extends Data.TaggedError("JournalInvalidEvent")<{
  readonly reason: "schema"
  /** Position of the offending event in the batch given. */
  readonly index: number
  readonly cause: unknown
}> {
  override get message(): string {
    return `event ${this.index + 1} is not a valid incident event: ${causeText(this.cause)}`
  }
}

/** A system error (ENOTDIR, EACCES, EROFS, ENOSPC…): the file system said no. */
const hasErrno = (cause: unknown): boolean =>
  typeof cause === "object" &&
  cause !== null &&
  typeof (cause as { code?: unknown }).code === "string" &&
  String((cause as { code: string }).code).startsWith("E")

/** One line of text for a cause: its message, never its stack. */
const causeText = (cause: unknown): string => {
  if (cause instanceof AggregateError && cause.errors.length > 0)
    return cause.errors.map(causeText).join("; ")
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code
    const text = cause.message === "" ? String(code ?? cause.name) : cause.message
    return text.split("\n")[0] ?? text
  }
  if (cause === undefined) return "unknown cause"
  return String(cause)
}

/**
 * A maintenance window could not be started or ended as asked: its id is taken
 * (`duplicate-id`), or no window has it (`no-such-window`).
 *
 * @example
 * ```ts
 * import { MaintenanceWindowError } from "@ir/journal"
 * new MaintenanceWindowError({ reason: "no-such-window", windowId: "db-upgrade", location: "/var/lib/ir" }).message
 * // "no maintenance window db-upgrade in the journal at /var/lib/ir (see `ir maintenance list`)"
 * ```
 */
export class MaintenanceWindowError extends Data.TaggedError("MaintenanceWindowError")<{
  readonly reason: "duplicate-id" | "no-such-window"
  readonly windowId: string
  readonly location: string
}> {
  override get message(): string {
    return this.reason === "duplicate-id"
      ? `a maintenance window ${this.windowId} already exists in the journal at ${this.location}: choose another id`
      : `no maintenance window ${this.windowId} in the journal at ${this.location} (see \`ir maintenance list\`)`
  }
}
