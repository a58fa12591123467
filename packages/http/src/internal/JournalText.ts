import { TerminalText } from "@ir/core"

/**
 * Text from an alert as the journal stores it: without control characters, terminal escapes and
 * bidirectional controls (`TerminalText.strip`; NUL among them, which PostgreSQL text and jsonb
 * refuse: a payload Alertmanager would retry for ever must not be one the journal cannot store)
 * and clipped to a length a timeline can show.
 */
export const journalText = (text: string, maxLength: number): string => {
  const clean = TerminalText.strip(text)
  return clean.length <= maxLength ? clean : `${clean.slice(0, maxLength - 1)}…`
}

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
