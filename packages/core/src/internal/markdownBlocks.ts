/**
 * Small Markdown building blocks for the runbook renderer: fenced code that survives backticks in
 * its content, list items with continuation blocks, table cells.
 */

/** A fenced code block; the fence is longer than any backtick run inside the code. */
export const codeBlock = (code: string, language = ""): ReadonlyArray<string> => {
  const longestRun = Math.max(0, ...[...code.matchAll(/`+/g)].map((match) => match[0].length))
  const fence = "`".repeat(Math.max(3, longestRun + 1))
  return [`${fence}${language}`, ...code.split("\n"), fence]
}

/** Indents continuation lines of a list item; blank lines stay empty. */
export const indent = (lines: ReadonlyArray<string>, by: number): ReadonlyArray<string> =>
  lines.map((line) => (line === "" ? "" : `${" ".repeat(by)}${line}`))

/**
 * A list item: the first line after the marker, then each block (nested list, paragraph, code)
 * indented under it. Blocks other than a nested list are separated by blank lines.
 */
export const listItem = (
  marker: string,
  text: string,
  nested: ReadonlyArray<string>,
  blocks: ReadonlyArray<ReadonlyArray<string>>,
): ReadonlyArray<string> => {
  const width = marker.length + 1
  const lines = [`${marker} ${text}`, ...indent(nested, width)]
  for (const block of blocks) lines.push("", ...indent(block, width))
  return lines
}

/** Escapes a value for a table cell: pipes, and line breaks as `<br>`. */
export const tableCell = (text: string): string =>
  text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>")

/** A Markdown table. */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): ReadonlyArray<string> => [
  `| ${header.join(" | ")} |`,
  `|${header.map(() => "---").join("|")}|`,
  ...rows.map((row) => `| ${row.map(tableCell).join(" | ")} |`),
]

/** Capitalises the first letter: `internal` → `Internal`. */
export const capitalise = (text: string): string =>
  text.length === 0 ? text : `${text[0]!.toUpperCase()}${text.slice(1)}`
