/**
 * Durations as runbook authors write them: `"30s"`, `"5m"`, `"2h"`, `"1d"` (and `"500ms"` for the
 * short waits of a server's settings).
 *
 * @example
 * ```ts
 * import { Duration } from "@ir/core"
 * Duration.toSeconds("5m") // 300
 * ```
 */
import * as Schema from "effect/Schema"

const pattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/

const unitSeconds = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 } as const

/** A duration written as a number and a unit: `ms`, `s`, `m`, `h` or `d` (for example `"5m"`). */
export const DurationString = Schema.String.pipe(
  Schema.pattern(pattern, {
    message: () => 'expected a duration such as "30s", "5m", "2h" or "1d"',
  }),
  Schema.brand("DurationString"),
)
export type DurationString = typeof DurationString.Type

/** Builds a {@link DurationString}, checking it. */
export const make = (text: string): DurationString => Schema.decodeSync(DurationString)(text)

/** The number of seconds a {@link DurationString} stands for. */
export const toSeconds = (duration: string): number => {
  const match = pattern.exec(duration)
  if (match === null) throw new Error(`not a duration: ${JSON.stringify(duration)}`)
  return Number(match[1]) * unitSeconds[match[2] as keyof typeof unitSeconds]
}

/** The number of milliseconds a {@link DurationString} stands for. */
export const toMillis = (duration: string): number => Math.round(toSeconds(duration) * 1000)

/**
 * The milliseconds of a duration written by a person (surrounding spaces allowed), or `undefined`
 * when it is not one: for settings read from a file or a command line.
 */
export const parseMillis = (text: string): number | undefined => {
  const trimmed = text.trim()
  return pattern.test(trimmed) ? toMillis(trimmed) : undefined
}

/**
 * A short human form of a number of seconds: `"45s"`, `"5m"`, `"1h 25m"`, `"2d 3h"`.
 */
export const formatSeconds = (totalSeconds: number): string => {
  const seconds = Math.max(0, Math.round(totalSeconds))
  const days = Math.floor(seconds / 86_400)
  const hours = Math.floor((seconds % 86_400) / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  const rest = seconds % 60
  const parts: Array<string> = []
  if (days > 0) parts.push(`${days}d`)
  if (hours > 0) parts.push(`${hours}h`)
  if (minutes > 0) parts.push(`${minutes}m`)
  if (rest > 0 && days === 0 && hours === 0) parts.push(`${rest}s`)
  return parts.length === 0 ? "0s" : parts.join(" ")
}
