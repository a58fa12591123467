import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"

/** The moment a lifecycle command acts at, and where it came from. */
export interface Clock {
  readonly now: Date
  /** `--at` or `$IR_NOW` (a rehearsal), or the system clock. */
  readonly source: "option" | "env" | "system"
}

// A date and a time with a zone: a rehearsal clock must mean the same instant on every machine.
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i

const parseInstant = (text: string, origin: string): Either.Either<Date, UsageError> => {
  const trimmed = text.trim()
  const at = new Date(trimmed)
  return isoInstant.test(trimmed) && !Number.isNaN(at.getTime())
    ? Either.right(at)
    : Either.left(
        new UsageError({
          reason: "bad-value",
          detail: `${origin} ${JSON.stringify(text)}: expected an ISO 8601 time with a zone, e.g. 2026-11-28T10:30:00Z`,
        }),
      )
}

/**
 * The clock of a lifecycle command: `--at TIME`, else `$IR_NOW`, else now. `--at` and `IR_NOW`
 * are for rehearsals and drills: every event the command records is dated at that moment, and
 * deadlines are computed from it.
 */
export const resolveClock = (
  at: Option.Option<string>,
  env: Readonly<Record<string, string | undefined>>,
): Either.Either<Clock, UsageError> => {
  if (Option.isSome(at)) {
    return Either.map(parseInstant(at.value, "--at"), (now) => ({ now, source: "option" }))
  }
  const fromEnv = env.IR_NOW
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    return Either.map(parseInstant(fromEnv, "$IR_NOW"), (now) => ({ now, source: "env" }))
  }
  return Either.right({ now: new Date(), source: "system" })
}

/** Parses a time given on the command line (e.g. `--postmortem-at`). */
export const parseTime = (text: string, option: string): Either.Either<Date, UsageError> =>
  parseInstant(text, option)
