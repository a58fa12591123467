/**
 * Text from an alert as the journal stores it: without NUL characters (PostgreSQL text and jsonb
 * refuse them, and a payload Alertmanager would retry for ever must not be one the journal cannot
 * store) and clipped to a length a timeline can show.
 */
export const journalText = (text: string, maxLength: number): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what is removed
  const clean = text.replace(/\u0000/g, "")
  return clean.length <= maxLength ? clean : `${clean.slice(0, maxLength - 1)}…`
}
