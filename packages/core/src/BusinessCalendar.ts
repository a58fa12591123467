/**
 * Business days and hours in a time zone, for response times such as P3's "1 business day".
 *
 * Business time passes only on working days (ISO weekdays 1 = Monday … 7 = Sunday) that are not
 * holidays, between the working hours' start (inclusive) and end (exclusive), all read on the
 * wall clock of the calendar's IANA time zone, so a deadline keeps its local time across a DST
 * change. Holidays are local dates (`YYYY-MM-DD`) in that zone.
 *
 * `addBusinessDays(calendar, from, n)` counts whole business days of business time:
 * - from inside working hours, the deadline is the same local time `n` working days later
 *   (opened Friday 15:00 → due Monday 15:00 for one day);
 * - at or after the end of business, or on a day off, the clock starts at the next start of
 *   business, and a deadline that lands exactly on a day boundary is reported as the end of the
 *   day rather than the next morning (opened Friday 17:00 → Monday 17:00; opened Saturday 10:00 →
 *   Monday 17:00, one full business day from Monday 09:00);
 * - holidays are skipped like weekends.
 *
 * @example
 * ```ts
 * import { BusinessCalendar, defaultRunbook } from "@ir/core"
 * // A P3 opened Friday 17:00 in Berlin is due Monday 17:00.
 * BusinessCalendar.addBusinessDays(
 *   { ...defaultRunbook.calendar, timeZone: "Europe/Berlin" },
 *   new Date("2026-11-27T16:00:00Z"),
 *   1,
 * ) // 2026-11-30T16:00:00.000Z
 * ```
 */
import * as Data from "effect/Data"
import * as Schema from "effect/Schema"
import {
  addDays,
  type CivilDate,
  clockMillis,
  formatDate,
  fromLocal,
  isoWeekday,
  isValidTimeZone,
  type LocalTime,
  toLocal,
} from "./internal/ZonedTime.js"

/**
 * `HH:MM`, 24-hour clock.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(BusinessCalendar.ClockTime)("09:00")
 * ```
 */
export const ClockTime = Schema.String.pipe(
  Schema.pattern(/^([01]\d|2[0-3]):[0-5]\d$/, { message: () => 'expected a time such as "09:00"' }),
)

/**
 * `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(BusinessCalendar.CalendarDate)("2026-12-25")
 * ```
 */
export const CalendarDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/, { message: () => 'expected a date such as "2026-12-25"' }),
)

/**
 * An IANA time zone name the runtime knows, e.g. `Europe/Berlin` or `UTC`.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(BusinessCalendar.TimeZone)("America/New_York")
 * ```
 */
export const TimeZone = Schema.String.pipe(
  Schema.filter(isValidTimeZone, {
    message: (issue) =>
      `expected an IANA time zone such as "Europe/Berlin" or "UTC", got ${JSON.stringify(issue.actual)}`,
  }),
)

/**
 * Working hours on the wall clock; the end must come after the start on the same day.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * Schema.decodeUnknownSync(BusinessCalendar.WorkingHours)({ start: "09:00", end: "17:00" })
 * ```
 */
export const WorkingHours = Schema.Struct({ start: ClockTime, end: ClockTime }).pipe(
  Schema.filter((hours) => hours.start < hours.end, {
    message: () => 'expected working hours that end after they start, such as "09:00"–"17:00"',
  }),
)
export type WorkingHours = typeof WorkingHours.Type

/**
 * The runbook's business calendar.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * const calendar = Schema.decodeUnknownSync(BusinessCalendar.BusinessCalendar)({
 *   timeZone: "America/New_York",
 *   workingDays: [1, 2, 3, 4, 5],
 *   workingHours: { start: "09:00", end: "17:00" },
 *   holidays: ["2026-11-26"],
 * })
 * ```
 */
export const BusinessCalendar = Schema.Struct({
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: TimeZone,
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  workingDays: Schema.Array(Schema.Number.pipe(Schema.int(), Schema.between(1, 7))).pipe(
    Schema.minItems(1, { message: () => "expected at least one working day (1 = Monday … 7)" }),
  ),
  workingHours: WorkingHours,
  holidays: Schema.optionalWith(Schema.Array(CalendarDate), { default: () => [] }),
})
export type BusinessCalendar = typeof BusinessCalendar.Type

/**
 * A calendar that cannot answer: thrown by the functions below for a calendar that did not go
 * through the `BusinessCalendar` schema (decoded runbooks never cause it), or a bad day count.
 *
 * @example
 * ```ts
 * import { BusinessCalendar, defaultRunbook } from "@ir/core"
 * try {
 *   BusinessCalendar.addBusinessDays(defaultRunbook.calendar, new Date(0), -1)
 * } catch (error) {
 *   if (error instanceof BusinessCalendar.BusinessCalendarError) error.reason // "invalid-days"
 * }
 * ```
 */
export class BusinessCalendarError extends Data.TaggedError("BusinessCalendarError")<{
  readonly reason:
    | "invalid-time-zone"
    | "no-working-days"
    | "invalid-working-hours"
    | "invalid-days"
    | "invalid-date"
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    const messages: Record<BusinessCalendarError["reason"], string> = {
      "invalid-time-zone": `the business calendar's time zone ${this.detail} is not an IANA time zone this runtime knows (e.g. "Europe/Berlin")`,
      "no-working-days": `the business calendar has no working day: ${this.detail}; list ISO weekdays (1 = Monday … 7 = Sunday)`,
      "invalid-working-hours": `the business calendar's working hours ${this.detail} must be "HH:MM" with the end after the start`,
      "invalid-days": `business days must be a whole number of at least 0, got ${this.detail}`,
      "invalid-date": `expected a valid date, got ${this.detail}`,
    }
    return messages[this.reason]
  }
}

/** The calendar in the form the arithmetic needs, checked once per call. */
interface Hours {
  readonly calendar: BusinessCalendar
  readonly start: number
  readonly end: number
  readonly holidays: ReadonlySet<string>
  /** Bound on consecutive days off: past it there is no working day to find. */
  readonly maxDaysOff: number
}

const clockPattern = /^([01]\d|2[0-3]):[0-5]\d$/

const prepare = (calendar: BusinessCalendar): Hours => {
  if (!isValidTimeZone(calendar.timeZone)) {
    throw new BusinessCalendarError({
      reason: "invalid-time-zone",
      detail: JSON.stringify(calendar.timeZone),
    })
  }
  const workingDays = calendar.workingDays.filter(
    (day) => Number.isInteger(day) && day >= 1 && day <= 7,
  )
  if (workingDays.length === 0) {
    throw new BusinessCalendarError({
      reason: "no-working-days",
      detail: JSON.stringify(calendar.workingDays),
    })
  }
  const { start, end } = calendar.workingHours
  if (!clockPattern.test(start) || !clockPattern.test(end) || start >= end) {
    throw new BusinessCalendarError({
      reason: "invalid-working-hours",
      detail: `${JSON.stringify(start)}–${JSON.stringify(end)}`,
    })
  }
  const holidays = new Set(calendar.holidays)
  return {
    calendar,
    start: clockMillis(start),
    end: clockMillis(end),
    holidays,
    maxDaysOff: holidays.size + 7,
  }
}

const checkDate = (at: Date): void => {
  if (Number.isNaN(at.getTime()))
    throw new BusinessCalendarError({ reason: "invalid-date", detail: String(at) })
}

const isWorkingDate = (hours: Hours, date: CivilDate): boolean =>
  hours.calendar.workingDays.includes(isoWeekday(date)) && !hours.holidays.has(formatDate(date))

/** The first working day strictly after `date`. */
const nextWorkingDate = (hours: Hours, date: CivilDate): CivilDate => {
  let candidate = addDays(date, 1)
  // Holidays are finite and at least one weekday works, so this ends within maxDaysOff steps.
  for (let step = 0; step < hours.maxDaysOff && !isWorkingDate(hours, candidate); step++) {
    candidate = addDays(candidate, 1)
  }
  return candidate
}

/** The business position of an instant: inside working hours, or the next start of business. */
const position = (hours: Hours, local: LocalTime): LocalTime => {
  if (isWorkingDate(hours, local.date)) {
    if (local.timeOfDay < hours.start) return { date: local.date, timeOfDay: hours.start }
    if (local.timeOfDay <= hours.end) return local
  }
  return { date: nextWorkingDate(hours, local.date), timeOfDay: hours.start }
}

/**
 * Whether the day of `at` (on the calendar's wall clock) is a working day and not a holiday.
 *
 * @example
 * ```ts
 * import { BusinessCalendar, defaultRunbook } from "@ir/core"
 * BusinessCalendar.isWorkingDay(defaultRunbook.calendar, new Date("2026-11-28T10:00:00Z")) // false: a Saturday
 * ```
 */
export const isWorkingDay = (calendar: BusinessCalendar, at: Date): boolean => {
  checkDate(at)
  const hours = prepare(calendar)
  return isWorkingDate(hours, toLocal(calendar.timeZone, at).date)
}

/**
 * Whether `at` falls in business hours: a working day that is not a holiday, from the start of
 * working hours (inclusive) to their end (exclusive), on the calendar's wall clock.
 *
 * @example
 * ```ts
 * import { BusinessCalendar, defaultRunbook } from "@ir/core"
 * BusinessCalendar.isBusinessTime(defaultRunbook.calendar, new Date("2026-11-27T16:59:00Z")) // true
 * BusinessCalendar.isBusinessTime(defaultRunbook.calendar, new Date("2026-11-27T17:00:00Z")) // false
 * ```
 */
export const isBusinessTime = (calendar: BusinessCalendar, at: Date): boolean => {
  checkDate(at)
  const hours = prepare(calendar)
  const local = toLocal(calendar.timeZone, at)
  return (
    isWorkingDate(hours, local.date) &&
    local.timeOfDay >= hours.start &&
    local.timeOfDay < hours.end
  )
}

/**
 * `from` itself when it is business time, otherwise the next start of business hours.
 *
 * @example
 * ```ts
 * import { BusinessCalendar, defaultRunbook } from "@ir/core"
 * // Saturday 10:00 UTC → Monday 09:00 UTC
 * BusinessCalendar.nextBusinessTime(defaultRunbook.calendar, new Date("2026-11-28T10:00:00Z"))
 * ```
 */
export const nextBusinessTime = (calendar: BusinessCalendar, from: Date): Date => {
  checkDate(from)
  const hours = prepare(calendar)
  const local = toLocal(calendar.timeZone, from)
  const next = position(hours, local)
  if (next.timeOfDay === hours.end) {
    return fromLocal(calendar.timeZone, {
      date: nextWorkingDate(hours, next.date),
      timeOfDay: hours.start,
    })
  }
  return next === local ? from : fromLocal(calendar.timeZone, next)
}

/**
 * The moment `days` whole business days after `from` (see the module documentation for the
 * rules). `days = 0` gives {@link nextBusinessTime}.
 *
 * @throws {BusinessCalendarError} for a negative or fractional `days`, an invalid date, or a
 * calendar that bypassed the schema and has no working time.
 *
 * @example
 * ```ts
 * import { BusinessCalendar } from "@ir/core"
 * const newYork = {
 *   timeZone: "America/New_York",
 *   workingDays: [1, 2, 3, 4, 5],
 *   workingHours: { start: "09:00", end: "17:00" },
 *   holidays: [],
 * }
 * // Friday 6 March 2026 17:00 EST → Monday 9 March 17:00 EDT (clocks went forward on Sunday)
 * BusinessCalendar.addBusinessDays(newYork, new Date("2026-03-06T22:00:00Z"), 1)
 * // 2026-03-09T21:00:00.000Z
 * ```
 */
export const addBusinessDays = (calendar: BusinessCalendar, from: Date, days: number): Date => {
  if (!Number.isInteger(days) || days < 0) {
    throw new BusinessCalendarError({ reason: "invalid-days", detail: String(days) })
  }
  if (days === 0) return nextBusinessTime(calendar, from)
  checkDate(from)
  const hours = prepare(calendar)
  const start = position(hours, toLocal(calendar.timeZone, from))
  // The start of a business day is the same point of business time as the end of the previous
  // one; counting from it, the deadline is the end of the n-th working day, not the next morning.
  let date = start.date
  const timeOfDay = start.timeOfDay === hours.start ? hours.end : start.timeOfDay
  const steps = start.timeOfDay === hours.start ? days - 1 : days
  for (let step = 0; step < steps; step++) date = nextWorkingDate(hours, date)
  return fromLocal(calendar.timeZone, { date, timeOfDay })
}
