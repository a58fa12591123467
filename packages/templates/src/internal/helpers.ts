// The helpers templates may call. Each one is strict: a missing or wrong-typed argument is an
// error naming the helper, never a blank.
import { Duration } from "@ir/core"
import Handlebars from "handlebars"
import type { MessageFormat } from "../MessageKind.js"
import { formatDateTime, formatTime } from "./timeFormat.js"

export interface HelperSpec {
  /** Exact number of positional arguments. */
  readonly arity: number
  /** Hash arguments it accepts. */
  readonly hash: ReadonlyArray<string>
  readonly block: boolean
}

/** Built-in block helpers, and ours, with their arity: the only helpers templates can use. */
export const helperSpecs: Readonly<Record<string, HelperSpec>> = {
  if: { arity: 1, hash: ["includeZero"], block: true },
  unless: { arity: 1, hash: ["includeZero"], block: true },
  each: { arity: 1, hash: [], block: true },
  with: { arity: 1, hash: [], block: true },
  duration: { arity: 1, hash: [], block: false },
  time: { arity: 1, hash: [], block: false },
  datetime: { arity: 1, hash: [], block: false },
  severityName: { arity: 1, hash: [], block: false },
  list: { arity: 1, hash: ["style", "empty"], block: false },
}

export class HelperArgumentError extends Error {
  constructor(
    readonly helper: string,
    readonly expected: string,
    readonly got: unknown,
    readonly line: number | undefined,
  ) {
    super(
      `helper "${helper}" expected ${expected}, got ${got === undefined ? "nothing" : JSON.stringify(got)}`,
    )
  }
}

interface Options {
  readonly hash: Record<string, unknown>
  readonly data: { readonly format: MessageFormat; readonly root: Record<string, unknown> }
  readonly loc?: { readonly start: { readonly line: number } }
}

const fail = (helper: string, expected: string, got: unknown, options: Options): never => {
  throw new HelperArgumentError(helper, expected, got, options.loc?.start.line)
}

const timestamp = (helper: string, value: unknown, options: Options): Date => {
  const date = typeof value === "string" ? new Date(value) : undefined
  if (date === undefined || Number.isNaN(date.getTime())) {
    return fail(helper, "an ISO 8601 timestamp", value, options)
  }
  return date
}

const timeZone = (options: Options): string => {
  const zone = options.data.root.timeZone
  return typeof zone === "string" ? zone : "UTC"
}

const bullets: Record<MessageFormat, Record<string, (index: number) => string>> = {
  slack: {
    bullet: () => "• ",
    checkbox: () => "☐ ",
    checked: () => "☑ ",
    numbered: (index) => `${index + 1}. `,
  },
  markdown: {
    bullet: () => "- ",
    checkbox: () => "- [ ] ",
    checked: () => "- [x] ",
    numbered: (index) => `${index + 1}. `,
  },
  text: {
    bullet: () => "- ",
    checkbox: () => "[ ] ",
    checked: () => "[x] ",
    numbered: (index) => `${index + 1}. `,
  },
  html: { bullet: () => "", checkbox: () => "☐ ", checked: () => "☑ ", numbered: () => "" },
}

/** A list item: text, or a checklist line `{ text, done }` (checked in the checkbox style). */
const itemOf = (item: unknown): { readonly text: string; readonly done: boolean } | undefined => {
  if (typeof item === "string") return { text: item, done: false }
  if (typeof item === "object" && item !== null) {
    const { text, done } = item as Record<string, unknown>
    if (typeof text === "string") return { text, done: done === true }
  }
  return undefined
}
const styles = ["bullet", "checkbox", "numbered", "inline"]

const list = (items: unknown, options: Options): string | Handlebars.SafeString => {
  const style = options.hash.style ?? "bullet"
  if (typeof style !== "string" || !styles.includes(style)) {
    return fail("list", 'style="bullet", "checkbox", "numbered" or "inline"', style, options)
  }
  if (!Array.isArray(items)) return fail("list", "a list", items, options)
  const format = options.data.format
  const entries = items.map(
    (item) => itemOf(item) ?? fail("list", "a list of text (or of { text, done })", item, options),
  )
  const strings = entries.map((entry) => entry.text)
  const markOf = (index: number) =>
    style === "checkbox" && entries[index]?.done === true ? "checked" : style
  const empty = typeof options.hash.empty === "string" ? options.hash.empty : "None"
  if (style === "inline") {
    if (strings.length === 0) return empty
    const joined = strings.join(", ")
    return format === "html" ? joined : joined.replace(/\\?\n/g, " ")
  }
  const marker = (index: number) => bullets[format][markOf(index)]!(index)
  if (format === "html") {
    if (strings.length === 0) return empty
    const tag = style === "numbered" ? "ol" : "ul"
    const listStyle = style === "checkbox" ? ' style="list-style:none;padding-left:0"' : ""
    const html = strings
      .map(
        (item, index) =>
          `<li>${marker(index)}${Handlebars.escapeExpression(item).replace(/\n/g, "<br>")}</li>`,
      )
      .join("")
    return new Handlebars.SafeString(`<${tag}${listStyle}>${html}</${tag}>`)
  }
  if (strings.length === 0) return empty
  // Continuation lines (a step's sub-items) line up under the item's text.
  return strings
    .map((item, index) => {
      const mark = marker(index)
      return `${mark}${item.replace(/\n/g, `\n${" ".repeat(mark.length)}`)}`
    })
    .join("\n")
}

/** Registers the helpers on an isolated Handlebars environment. */
export const registerHelpers = (env: typeof Handlebars): void => {
  env.registerHelper("duration", (seconds: unknown, options: Options) =>
    typeof seconds === "number" && Number.isFinite(seconds)
      ? Duration.formatSeconds(seconds)
      : fail("duration", "a number of seconds", seconds, options),
  )
  env.registerHelper("time", (value: unknown, options: Options) =>
    formatTime(timestamp("time", value, options), timeZone(options)),
  )
  env.registerHelper("datetime", (value: unknown, options: Options) =>
    formatDateTime(timestamp("datetime", value, options), timeZone(options)),
  )
  env.registerHelper("severityName", (level: unknown, options: Options) => {
    const names = options.data.root.severityNames as Record<string, string> | undefined
    const name = typeof level === "string" ? names?.[level] : undefined
    return name ?? fail("severityName", "a severity level P0-P3", level, options)
  })
  env.registerHelper("list", list)
}
