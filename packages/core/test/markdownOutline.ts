// A small Markdown reader for the tests: headings, list items, paragraph lines and code blocks,
// with emphasis and code spans stripped so the seed's `**Response Time**: 15 minutes` compares
// by content.

export interface Heading {
  readonly level: number
  readonly text: string
}

export interface CodeBlock {
  readonly language: string
  /** Lines with the fence's indentation removed and trailing blanks trimmed. */
  readonly lines: ReadonlyArray<string>
}

export interface Outline {
  readonly headings: ReadonlyArray<Heading>
  readonly listItems: ReadonlyArray<string>
  readonly paragraphs: ReadonlyArray<string>
  readonly codeBlocks: ReadonlyArray<CodeBlock>
}

/** Removes bold markers and code-span backticks: `**Escalation**: x` → `Escalation: x`. */
export const stripEmphasis = (text: string): string =>
  text.replace(/\*\*/g, "").replace(/`/g, "").trim()

const fenceLine = /^(\s*)(`{3,})([^`\s]*)\s*$/

export const outline = (markdown: string): Outline => {
  const headings: Array<Heading> = []
  const listItems: Array<string> = []
  const paragraphs: Array<string> = []
  const codeBlocks: Array<CodeBlock> = []
  let open: { indent: number; fence: string; language: string; lines: Array<string> } | undefined
  for (const line of markdown.split("\n")) {
    if (open !== undefined) {
      if (line.trim() === open.fence) {
        codeBlocks.push({ language: open.language, lines: open.lines })
        open = undefined
      } else {
        const leading = /^ */.exec(line)?.[0].length ?? 0
        open.lines.push(line.slice(Math.min(leading, open.indent)).trimEnd())
      }
      continue
    }
    const fence = fenceLine.exec(line)
    if (fence !== null) {
      open = { indent: fence[1]!.length, fence: fence[2]!, language: fence[3]!, lines: [] }
      continue
    }
    const trimmed = line.trim()
    if (trimmed === "" || trimmed.startsWith("<!--") || /^<a id="[^"]+"><\/a>$/.test(trimmed))
      continue
    const heading = /^(#{1,6})\s+(.+?)\s*$/.exec(line)
    if (heading !== null) {
      headings.push({ level: heading[1]!.length, text: stripEmphasis(heading[2]!) })
      continue
    }
    const item = /^\s*(?:[-*+]|\d+\.)\s+(.*)$/.exec(line)
    if (item !== null) {
      listItems.push(stripEmphasis(item[1]!))
      continue
    }
    paragraphs.push(stripEmphasis(trimmed))
  }
  return { headings, listItems, paragraphs, codeBlocks }
}
