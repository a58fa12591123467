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
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}

const partsOf = (date: Date, timeZone: string) => {
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
