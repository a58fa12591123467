/**
 * Business days and hours in a time zone, for response times such as P3's "1 business day".
 *
 * @example
 * ```ts
 * import { BusinessCalendar, defaultRunbook } from "@ir/core"
 * // A P3 opened Friday 17:00 in Berlin is due Monday 17:00.
 * BusinessCalendar.addBusinessDays(
 *   { ...defaultRunbook.calendar, timeZone: "Europe/Berlin" },
 *   new Date("2026-11-27T16:00:00Z"),
 *   1,
 * )
 * ```
 */
import { Schema } from "effect"

/** `HH:MM`, 24-hour clock. */
export const ClockTime = Schema.String.pipe(
  Schema.pattern(/^([01]\d|2[0-3]):[0-5]\d$/, { message: () => 'expected a time such as "09:00"' }),
)

/** `YYYY-MM-DD`. */
export const CalendarDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/, { message: () => 'expected a date such as "2026-12-25"' }),
)

export const BusinessCalendar = Schema.Struct({
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: Schema.String,
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  workingDays: Schema.Array(Schema.Number.pipe(Schema.int(), Schema.between(1, 7))),
  workingHours: Schema.Struct({ start: ClockTime, end: ClockTime }),
  holidays: Schema.optionalWith(Schema.Array(CalendarDate), { default: () => [] }),
})
export type BusinessCalendar = typeof BusinessCalendar.Type
