/**
 * Text from outside (alert labels and annotations, health endpoint answers, journal records made
 * by other tools) made safe to store and to print on a terminal: without escape sequences (which
 * can move the cursor, rewrite lines, set the window title, write the clipboard or hide text),
 * control characters, or bidirectional overrides and isolates (which make a terminal show text in
 * another order than it is: "Trojan Source", CVE-2021-42574).
 *
 * What is removed:
 * - escape sequences whole, in their 7-bit and 8-bit forms: CSI (`ESC [` … final byte), OSC
 *   (`ESC ]` … BEL or ST, hyperlinks and clipboard writes), DCS, SOS, PM and APC strings, and
 *   two-byte escapes (`ESC c`, `ESC 7`);
 * - what is left of control characters: C0 (U+0000–U+001F) but tab and line feed, DEL, C1
 *   (U+0080–U+009F); a carriage return becomes a line break (a bare one would let text
 *   overwrite its own line);
 * - bidirectional controls: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069.
 *
 * `@ir/core` has no dependencies but `effect`, so this is written out here rather than taken from
 * `strip-ansi`, which would also leave the other control and bidirectional characters in place.
 *
 * @example
 * ```ts
 * import { TerminalText } from "@ir/core"
 * TerminalText.strip("\u001b]0;pwned\u0007Disk \u202efull\u001b[2J") // "Disk full"
 * TerminalText.strip("first\r\nsecond", { multiline: false }) // "first second"
 * ```
 */

/** How {@link strip} treats line breaks and styles. */
export interface StripOptions {
  /**
   * Keep line breaks and tabs (the default), or make each run of them one space: for text
   * shown on one line (a title, a label, a table cell).
   */
  readonly multiline?: boolean
  /**
   * Keep Select Graphic Rendition sequences (`ESC [ … m`) that only set bold, dim, italic,
   * underline or a colour, or reset them: for text a program coloured itself before writing it
   * to a terminal. Anything else, including SGR parameters that hide or blink text, is removed.
   */
  readonly keepStyles?: boolean
}

// The characters removed one by one: C0 but tab, line feed and carriage return (handled apart),
// DEL and C1, and the bidirectional controls. Written as a string so that each regular expression
// below states what it does with them.
const removable =
  "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"

// String sequences (OSC, DCS, SOS, PM, APC) run to BEL or ST; CSI to its final byte; the other
// escapes are ESC, intermediates and one final byte. An introducer without its end loses only
// the introducer (its text stays, harmless once the escape is gone).
const escapeSequence = new RegExp(
  [
    "(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)",
    "(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]",
    "\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]",
  ].join("|"),
  "g",
)

const controlOrBidi = new RegExp(`[${removable}]`, "g")

// With styles kept, an escape may only remain as the start of a style sequence kept before.
const controlOrBidiButStyles = new RegExp(`\\u001b\\[[0-9;]*m|[${removable}]`, "g")

const lineBreak = /\r\n?/g

const blankRun = /[\t\n]+/g

const escapeCharacter = "\\u001b"

const styleSequence = new RegExp(`^${escapeCharacter}\\[([0-9;]*)m$`)

// Anything that might need removing: most text has none of these, and is returned as it is.
const suspicious = new RegExp(`[\\r${removable}]`)

/** SGR parameters that only style text: reset, bold, dim, italic, underline, colours. */
const safeStyle = (parameters: string): boolean =>
  parameters.split(";").every((parameter) => {
    if (parameter === "") return true
    const code = Number(parameter)
    return (
      code <= 4 ||
      (code >= 22 && code <= 24) ||
      (code >= 30 && code <= 37) ||
      code === 39 ||
      (code >= 40 && code <= 47) ||
      code === 49 ||
      (code >= 90 && code <= 97) ||
      (code >= 100 && code <= 107)
    )
  })

/**
 * The text without escape sequences, control characters (but line feed and tab, unless
 * `multiline: false`) and bidirectional controls.
 *
 * @example
 * ```ts
 * import { TerminalText } from "@ir/core"
 * TerminalText.strip("ok\u001b[1A\u001b[2Kfake line") // "okfake line"
 * TerminalText.strip("\u001b[31mred\u001b[39m", { keepStyles: true }) // kept as it is
 * TerminalText.strip("a\n\tb", { multiline: false }) // "a b"
 * ```
 */
export const strip = (text: string, options: StripOptions = {}): string => {
  const multiline = options.multiline ?? true
  let clean = text
  if (suspicious.test(clean)) {
    const keepStyles = options.keepStyles === true
    clean = clean
      .replace(escapeSequence, (sequence) => {
        if (!keepStyles) return ""
        const style = styleSequence.exec(sequence)
        return style !== null && safeStyle(style[1]!) ? sequence : ""
      })
      .replace(lineBreak, "\n")
      .replace(keepStyles ? controlOrBidiButStyles : controlOrBidi, (match) =>
        match.length > 1 ? match : "",
      )
  }
  return multiline ? clean : clean.replace(blankRun, " ")
}

// What JSON.stringify leaves unescaped of the removable characters (it escapes C0 itself).
const jsonRaw = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * JSON text safe for a terminal, with the same data: the characters {@link strip} removes that
 * `JSON.stringify` leaves as they are (DEL, C1 controls, bidirectional controls; it escapes C0
 * itself) are written as `\uXXXX` escapes. Outside strings JSON has none of them, so the result
 * parses to the same value.
 *
 * @example
 * ```ts
 * import { TerminalText } from "@ir/core"
 * TerminalText.escapeJson(JSON.stringify({ title: "\u202eevil" })) // '{"title":"\\u202eevil"}'
 * ```
 */
export const escapeJson = (json: string): string =>
  json.replace(
    jsonRaw,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  )
