/**
 * Escaping of incident text for each output format, so that text typed by a responder or taken
 * from an alert can never inject markup, links or mentions into a message.
 *
 * - Slack mrkdwn: `&`, `<` and `>` become entities (Slack's own rule), which also defuses
 *   `<!channel>`, `<@U123>` and `<url|label>`; bare `@channel`, `@here` and `@everyone` get a
 *   zero-width joiner so they never notify a whole channel.
 * - Markdown: CommonMark control characters are backslash-escaped, so raw HTML, links and
 *   entities cannot form; `@name` mentions get a zero-width joiner (e-mail addresses stay intact).
 * - HTML: entities for `& < > " ' \` =` (Handlebars' escaping).
 * - Plain text: nothing to escape, but control characters and bidirectional overrides are removed
 *   (as in every format).
 *
 * @example
 * ```ts
 * import { Escaping } from "@ir/templates"
 * Escaping.escapeSlack("<!channel> DB & cache") // "&lt;!channel&gt; DB &amp; cache"
 * ```
 */
import Handlebars from "handlebars"

/** The output formats a message renders to. */
export type EscapeFormat = "slack" | "markdown" | "text" | "html"

// C0 controls except tab and newline, DEL, C1 controls, and the bidirectional embedding,
// override and isolate characters ("Trojan Source") that can make text read differently than it
// is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const unsafeCharacters = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

/**
 * Removes control characters (keeping tab and newline), normalises CRLF to LF, and removes
 * bidirectional override characters.
 *
 * @example
 * ```ts
 * import { Escaping } from "@ir/templates"
 * Escaping.sanitizeText("db\u0007 down\r\n") // "db down\n"
 * ```
 */
export const sanitizeText = (text: string): string =>
  text.replace(/\r\n?/g, "\n").replace(unsafeCharacters, "")

/**
 * Escapes text for Slack mrkdwn: `&`, `<`, `>` as entities and broadcast mentions defused.
 *
 * @example
 * ```ts
 * import { Escaping } from "@ir/templates"
 * Escaping.escapeSlack("ping @here <https://evil|click>")
 * ```
 */
export const escapeSlack = (text: string): string =>
  sanitizeText(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(channel|here|everyone)\b/gi, "@\u2060$1")

/**
 * Reverses {@link escapeSlack}'s entities, for Slack `plain_text` fields (block headers), which
 * Slack never parses for links or mentions.
 *
 * @example
 * ```ts
 * import { Escaping } from "@ir/templates"
 * Escaping.unescapeSlack("a &lt; b") // "a < b"
 * ```
 */
export const unescapeSlack = (text: string): string =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")

/**
 * Escapes text for CommonMark/GitHub Markdown: emphasis, code, links, images, raw HTML,
 * entities, tables and strikethrough characters, and line starts that would make headings,
 * lists, quotes or rules.
 *
 * @example
 * ```ts
 * import { Escaping } from "@ir/templates"
 * Escaping.escapeMarkdown("**not bold** [link](x)") // "\\*\\*not bold\\*\\* \\[link\\](x)"
 * ```
 */
export const escapeMarkdown = (text: string): string =>
  sanitizeText(text)
    .replace(/[\\`*_[\]<>#|~&!]/g, (character) => `\\${character}`)
    .replace(/^([ \t]*)([-+=])/gm, "$1\\$2")
    .replace(/^([ \t]*\d+)([.)])/gm, "$1\\$2")
    .replace(/\n/g, "\\\n")
    .replace(/(^|[^\p{L}\p{N}_])@(?=[\p{L}\p{N}_])/gmu, "$1@\u2060")

/**
 * Escapes text for HTML: `& < > " ' \` =` as entities (Handlebars' own escaping).
 *
 * @example
 * ```ts
 * import { Escaping } from "@ir/templates"
 * Escaping.escapeHtml("<script>") // "&lt;script&gt;"
 * ```
 */
export const escapeHtml = (text: string): string => Handlebars.escapeExpression(sanitizeText(text))

/**
 * The escaping for a format.
 *
 * @example
 * ```ts
 * import { Escaping } from "@ir/templates"
 * Escaping.escapeFor("slack")("a & b") // "a &amp; b"
 * ```
 */
export const escapeFor = (format: EscapeFormat): ((text: string) => string) => {
  switch (format) {
    case "slack":
      return escapeSlack
    case "markdown":
      return escapeMarkdown
    case "html":
      return escapeHtml
    case "text":
      return sanitizeText
  }
}
