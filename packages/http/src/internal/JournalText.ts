import { TerminalText } from "@ir/core"

/**
 * Text from an alert as the journal stores it: without control characters, escape sequences and
 * bidirectional overrides (`TerminalText.strip`: whoever reads the journal on a terminal sees the
 * text as it is, and PostgreSQL text and jsonb, which refuse NUL, can store it; a payload
 * Alertmanager would retry for ever must not be one the journal cannot store), on one line unless
 * `multiline`, and clipped to a length a timeline can show.
 */
export const journalText = (
  text: string,
  maxLength: number,
  options: { readonly multiline?: boolean } = {},
): string => {
  const clean = TerminalText.strip(text, { multiline: options.multiline === true })
  return clean.length <= maxLength ? clean : `${clean.slice(0, maxLength - 1)}…`
}
