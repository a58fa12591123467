import { TerminalText } from "@ir/core"

/** Text from an alert as the journal stores it (`TerminalText.forJournal`). */
export const journalText = TerminalText.forJournal

/**
 * The decoded payload with every string passed through `TerminalText.strip`: labels,
 * annotations, URLs and keys as the receiver, the journal, the callback and the answer see them.
 */
export const cleanStrings = <A>(value: A): A => {
  if (typeof value === "string") return TerminalText.strip(value) as A
  if (Array.isArray(value)) return value.map(cleanStrings) as A
  if (
    value !== null &&
    typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [TerminalText.strip(key), cleanStrings(inner)]),
    ) as A
  }
  return value
}
