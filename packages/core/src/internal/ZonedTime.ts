/**
 * Wall-clock time in an IANA time zone, computed with `Intl.DateTimeFormat` alone (no time zone
 * database of our own). Civil dates are plain values; the conversion back to an instant follows
 * the "compatible" rule of Temporal: a wall time that falls in a DST gap moves forward by the
 * length of the gap, and one that occurs twice (the autumn overlap) takes the earlier instant.
 */

const MINUTE = 60_000
const DAY = 86_400_000

/** A calendar date with no time zone: what a wall calendar shows. */
export interface CivilDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

/** A calendar date and the milliseconds since its local midnight, as a wall clock shows them. */
export interface LocalTime {
  readonly date: CivilDate
  readonly timeOfDay: number
}

// Formatters are costly to build and immutable: one per zone, kept for the process.
const formatters = new Map<string, Intl.DateTimeFormat>()

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** Whether the runtime knows the IANA time zone. */
export const isValidTimeZone = (timeZone: string): boolean => {
  // Every ECMA-402 runtime knows UTC; asking Intl would load its time zone data for nothing.
  if (timeZone === "UTC") return true
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

/** Milliseconds since the epoch of a wall time read as if it were UTC. */
export const wallMillis = (date: CivilDate, timeOfDay: number): number => {
  // Date.UTC maps years 0–99 to the 1900s; setUTCFullYear does not.
  const value = new Date(0)
  value.setUTCFullYear(date.year, date.month - 1, date.day)
  return value.getTime() + timeOfDay
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export const offsetAt = (timeZone: string, instant: number): number => {
  // UTC has no offset; asking Intl would load its time zone data (about 30 ms) for nothing.
  if (timeZone === "UTC") return 0
  const wholeSecond = Math.floor(instant / 1000) * 1000
  const parts: Record<string, string> = {}
  for (const part of formatterFor(timeZone).formatToParts(new Date(wholeSecond))) {
    parts[part.type] = part.value
  }
  const year = Number(parts.year)
  const date: CivilDate = {
    year: parts.era === "BC" ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
  }
  const timeOfDay =
    Number(parts.hour) * 3_600_000 + Number(parts.minute) * MINUTE + Number(parts.second) * 1000
  return wallMillis(date, timeOfDay) - wholeSecond
}

/** The wall calendar date and time of day in the zone at an instant. */
export const toLocal = (timeZone: string, instant: Date): LocalTime => {
  const wall = new Date(instant.getTime() + offsetAt(timeZone, instant.getTime()))
  return {
    date: { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() },
    timeOfDay:
      wall.getUTCHours() * 3_600_000 +
      wall.getUTCMinutes() * MINUTE +
      wall.getUTCSeconds() * 1000 +
      wall.getUTCMilliseconds(),
  }
}

/** The instant a wall time in the zone denotes (gap: moved forward; overlap: the earlier). */
export const fromLocal = (timeZone: string, local: LocalTime): Date => {
  const wall = wallMillis(local.date, local.timeOfDay)
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetAt(timeZone, wall - DAY)
  const after = offsetAt(timeZone, wall + DAY)
  const candidates = [wall - before, wall - after].filter(
    (instant) => offsetAt(timeZone, instant) === wall - instant,
  )
  if (candidates.length > 0) return new Date(Math.min(...candidates))
  // In a gap: read the wall time with the offset in force before the transition.
  return new Date(wall - before)
}

/** The civil date `days` after (or before, when negative) a date. */
export const addDays = (date: CivilDate, days: number): CivilDate => {
  const value = new Date(wallMillis(date, 0) + days * DAY)
  return { year: value.getUTCFullYear(), month: value.getUTCMonth() + 1, day: value.getUTCDate() }
}

/** ISO weekday of a civil date: 1 = Monday … 7 = Sunday. */
export const isoWeekday = (date: CivilDate): number => {
  const weekday = new Date(wallMillis(date, 0)).getUTCDay()
  return weekday === 0 ? 7 : weekday
}

/** `YYYY-MM-DD`. */
export const formatDate = (date: CivilDate): string =>
  `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(
    date.day,
  ).padStart(2, "0")}`

/** Milliseconds since midnight of an `HH:MM` clock time. */
export const clockMillis = (clock: string): number => {
  const [hours, minutes] = clock.split(":")
  return Number(hours) * 3_600_000 + Number(minutes) * MINUTE
}

/** The wall date and time of a {@link wallMillis} value: its inverse. */
export const fromWallMillis = (wall: number): LocalTime => {
  const timeOfDay = ((wall % DAY) + DAY) % DAY
  const midnight = new Date(wall - timeOfDay)
  return {
    date: {
      year: midnight.getUTCFullYear(),
      month: midnight.getUTCMonth() + 1,
      day: midnight.getUTCDate(),
    },
    timeOfDay,
  }
}

/** The civil date of a `YYYY-MM-DD` text, or `undefined` when it names no day (`2026-02-30`). */
export const parseDate = (text: string): CivilDate | undefined => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (match === null) return undefined
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }
  const back = addDays(date, 0)
  return back.year === date.year && back.month === date.month && back.day === date.day
    ? date
    : undefined
}
