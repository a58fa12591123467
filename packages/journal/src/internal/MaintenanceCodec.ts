// Maintenance windows as the journal stores them: core's Schema encoding (Dates as ISO strings),
// on both backends. The file backend keeps an append-only log of `started` and `ended` records
// (`maintenance.jsonl`); `foldMaintenance` turns it into the windows.
import { Maintenance } from "@ir/core"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

type Window = Maintenance.MaintenanceWindow

const encode = Schema.encodeSync(Maintenance.MaintenanceWindow)
const decode = Schema.decodeUnknownEither(Maintenance.MaintenanceWindow)

/** The JSON-ready form of a window (checked: an invalid window throws). */
export const encodeWindow = (window: Window): unknown => encode(window)

/** A window from its stored form, or why it cannot be read. */
export const decodeWindow = (stored: unknown): Either.Either<Window, string> =>
  Either.mapLeft(decode(stored), (error) =>
    ParseResult.ArrayFormatter.formatErrorSync(error)
      .map((issue) =>
        issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`,
      )
      .join("; "),
  )

/**
 * A window ended early: its end moves to `at` (never later than it was; a window ended before it
 * began ends at its start, so it is never active).
 */
export const endedAt = (window: Window, at: Date): Window =>
  at.getTime() < window.end.getTime()
    ? { ...window, end: new Date(Math.max(at.getTime(), window.start.getTime())) }
    : window

/** One line of `maintenance.jsonl`. */
export type MaintenanceRecord =
  | { readonly maintenance: "started"; readonly window: unknown }
  | {
      readonly maintenance: "ended"
      readonly id: string
      readonly at: string
      readonly by?: string
    }

/** The windows of the log's records, in the order they were started; the first bad record is the error. */
export const foldMaintenance = (
  records: ReadonlyArray<unknown>,
): Either.Either<ReadonlyArray<Window>, { readonly index: number; readonly problem: string }> => {
  const windows = new Map<string, Window>()
  for (const [index, record] of records.entries()) {
    const value = record as Partial<Record<string, unknown>>
    if (value?.maintenance === "started") {
      const window = decodeWindow(value.window)
      if (Either.isLeft(window)) return Either.left({ index, problem: window.left })
      windows.set(window.right.id, window.right)
    } else if (value?.maintenance === "ended" && typeof value.id === "string") {
      const at = new Date(String(value.at))
      const window = windows.get(value.id)
      if (window === undefined || Number.isNaN(at.getTime()))
        return Either.left({ index, problem: `ends ${value.id}, which was never started` })
      windows.set(value.id, endedAt(window, at))
    } else return Either.left({ index, problem: "not a maintenance record" })
  }
  return Either.right([...windows.values()])
}
