// Timestamps in a configured IANA time zone, formatted the same way on every machine.

const formatters = new Map<string, Intl.DateTimeFormat>()

const formatter = (timeZone: string): Intl.DateTimeFormat => {
  let cached = formatters.get(timeZone)
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    })
    formatters.set(timeZone, cached)
  }
  return cached
}

export const isValidTimeZone = (timeZone: string): boolean => {
  if (timeZone === "UTC") return true
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}

const twoDigits = (value: number): string => String(value).padStart(2, "0")

/**
 * UTC, the default zone, read from the date itself: what the formatter gives for it (a test
 * compares the two), without building one, which loads ICU's data (about 30 ms of a command).
 */
const utcPartsOf = (date: Date): Record<string, string> => ({
  year: String(date.getUTCFullYear()),
  month: twoDigits(date.getUTCMonth() + 1),
  day: twoDigits(date.getUTCDate()),
  hour: twoDigits(date.getUTCHours()),
  minute: twoDigits(date.getUTCMinutes()),
  timeZoneName: "UTC",
})

const partsOf = (date: Date, timeZone: string) => {
  if (timeZone === "UTC") return utcPartsOf(date)
  const parts: Record<string, string> = {}
  for (const part of formatter(timeZone).formatToParts(date)) parts[part.type] = part.value
  return parts
}

/** `"10:30 UTC"` */
export const formatTime = (date: Date, timeZone: string): string => {
  const parts = partsOf(date, timeZone)
  return `${parts.hour}:${parts.minute} ${parts.timeZoneName}`
}

/** `"2026-11-28 10:30 UTC"` */
export const formatDateTime = (date: Date, timeZone: string): string => {
  const parts = partsOf(date, timeZone)
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`
}

/** `"2026-11-28"`: the calendar day in the time zone. */
export const formatDay = (date: Date, timeZone: string): string => {
  const parts = partsOf(date, timeZone)
  return `${parts.year}-${parts.month}-${parts.day}`
}
