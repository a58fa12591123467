/**
 * Text from outside (alert labels and annotations, command-line arguments, journal records) made
 * safe to store and to print: terminal escape sequences (CSI colour and cursor codes, OSC titles
 * and hyperlinks), C0 and C1 control characters other than newline and tab, and the Unicode
 * bidirectional controls that make text read differently from what it is are removed. Printable
 * text, newlines and tabs are kept as they are.
 *
 * Applied where text enters the journal (the Alertmanager receiver, the incident commands) and
 * where journal text reaches a terminal or a log, so a journal written before this existed prints
 * safely too.
 *
 * @example
 * ```ts
 * import { TerminalText } from "@ir/core"
 * TerminalText.strip("disk \u001b[31mfull\u001b[0m\u202e") // "disk full"
 * ```
 */

// ESC followed by a CSI sequence, an OSC string (ended by BEL or ST, or unterminated), or a
// two-character escape; and the 8-bit CSI.
const escapeSequences =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are exactly what is removed
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[ -/]*[0-~]?)|\u009b[0-?]*[ -/]*[@-~]?/g

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional marks, embeddings,
// overrides and isolates.
const controls =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

// A cheap test before the replacements: the same characters, without the global flag.
const suspicious = new RegExp(controls.source)

// Select Graphic Rendition: colour and weight only, nothing that moves the cursor or talks to
// the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence is what it matches
const colour = /^\u001b\[([0-9;]*)m$/

/**
 * SGR parameters that only colour or weigh text, or reset that: not conceal (8), blink (5, 6),
 * reverse (7) or strike-through (9), with which text from outside could hide what follows it,
 * nor the extended colours (38, 48), whose sub-parameters would read as parameters here.
 */
const onlyColours = (parameters: string): boolean =>
  parameters.split(";").every((parameter) => {
    if (parameter === "") return true
    const code = Number(parameter)
    return (
      code <= 4 ||
      (code >= 21 && code <= 24) ||
      (code >= 30 && code <= 37) ||
      code === 39 ||
      (code >= 40 && code <= 47) ||
      code === 49 ||
      (code >= 90 && code <= 97) ||
      (code >= 100 && code <= 107)
    )
  })

const isColour = (sequence: string): boolean => {
  const match = colour.exec(sequence)
  return match !== null && onlyColours(match[1] ?? "")
}

/** Options of {@link strip}. */
export interface StripOptions {
  /**
   * Keep colour sequences (SGR, `ESC [ … m`, with colour, bold, dim, italic and underline
   * parameters only): for a writer that prints its own colours, where they change how text looks
   * and hide nothing.
   */
  readonly keepColour?: boolean
}

/**
 * The text without escape sequences, control characters (but `\n` and `\t`) and bidirectional
 * controls.
 *
 * @example
 * ```ts
 * import { TerminalText } from "@ir/core"
 * TerminalText.strip("\u001b]0;owned\u0007api down") // "api down"
 * ```
 */
export const strip = (text: string, options?: StripOptions): string => {
  if (!suspicious.test(text)) return text
  const keepColour = options?.keepColour === true
  return text
    .replace(escapeSequences, (sequence) => (keepColour && isColour(sequence) ? sequence : ""))
    .replace(controls, (character) => (keepColour && character === "\u001b" ? character : ""))
}

/**
 * Whether the text has anything {@link strip} would remove.
 *
 * @example
 * ```ts
 * import { TerminalText } from "@ir/core"
 * TerminalText.isClean("api down") // true
 * ```
 */
export const isClean = (text: string): boolean => !suspicious.test(text)

/**
 * Outside text as a journal stores it: {@link strip}ped (NUL among the characters removed, which
 * PostgreSQL text refuses) and clipped to `maxLength` characters, an ellipsis marking the cut.
 *
 * @example
 * ```ts
 * import { TerminalText } from "@ir/core"
 * TerminalText.forJournal("Disk \u001b[31mfull\u001b[0m on db-1", 10) // "Disk full…"
 * ```
 */
export const forJournal = (text: string, maxLength: number): string => {
  const clean = strip(text)
  return clean.length <= maxLength ? clean : `${clean.slice(0, maxLength - 1)}…`
}
