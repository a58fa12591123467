// Block Kit blocks from rendered Slack mrkdwn: the first line becomes a header block, each
// paragraph a section, and a line of three dashes a divider. Slack's limits are respected:
// headers 150 characters, sections 3000, at most 50 blocks.
import { unescapeSlack } from "../Escaping.js"

export type SlackBlock =
  | {
      readonly type: "header"
      readonly text: { readonly type: "plain_text"; readonly text: string; readonly emoji: true }
    }
  | { readonly type: "section"; readonly text: { readonly type: "mrkdwn"; readonly text: string } }
  | { readonly type: "divider" }

const headerLimit = 150
const sectionLimit = 3000
const blockLimit = 50

const truncate = (text: string, limit: number): string =>
  [...text].length <= limit ? text : `${[...text].slice(0, limit - 1).join("")}…`

const chunks = (paragraph: string): ReadonlyArray<string> => {
  if (paragraph.length <= sectionLimit) return [paragraph]
  const result: Array<string> = []
  let current = ""
  for (const line of paragraph.split("\n")) {
    for (let start = 0; start < Math.max(line.length, 1); start += sectionLimit) {
      const piece = line.slice(start, start + sectionLimit)
      if (current !== "" && current.length + 1 + piece.length > sectionLimit) {
        result.push(current)
        current = piece
      } else {
        current = current === "" ? piece : `${current}\n${piece}`
      }
    }
  }
  if (current !== "") result.push(current)
  return result
}

export const isDivider = (line: string): boolean => line.trim() === "---"

export const slackBlocks = (mrkdwn: string): ReadonlyArray<SlackBlock> => {
  const lines = mrkdwn.split("\n")
  const headerIndex = lines.findIndex((line) => line.trim() !== "")
  const blocks: Array<SlackBlock> = []
  if (headerIndex === -1) return blocks
  // Slack does not parse plain_text, but whether it decodes entities there is not documented:
  // angle brackets become look-alike quotes so the header reads right, and can never form
  // `<!channel>`, whichever way Slack treats it.
  const header = unescapeSlack(lines[headerIndex]!.trim().replace(/^\*(.*)\*$/, "$1"))
    .replace(/</g, "‹")
    .replace(/>/g, "›")
  blocks.push({
    type: "header",
    text: { type: "plain_text", text: truncate(header, headerLimit), emoji: true },
  })
  const paragraphs: Array<string> = []
  let current: Array<string> = []
  const flush = () => {
    if (current.length > 0) paragraphs.push(current.join("\n"))
    current = []
  }
  for (const line of lines.slice(headerIndex + 1)) {
    if (isDivider(line)) {
      flush()
      paragraphs.push("---")
    } else if (line.trim() === "") {
      flush()
    } else {
      current.push(line)
    }
  }
  flush()
  for (const paragraph of paragraphs) {
    if (paragraph === "---") blocks.push({ type: "divider" })
    else
      for (const text of chunks(paragraph))
        blocks.push({ type: "section", text: { type: "mrkdwn", text } })
  }
  if (blocks.length <= blockLimit) return blocks
  // Too many blocks: keep the first ones and fold the rest into the last section, chunked.
  const kept = blocks.slice(0, blockLimit - 1)
  const rest = blocks
    .slice(blockLimit - 1)
    .map((block) => (block.type === "section" ? block.text.text : ""))
    .filter((text) => text !== "")
    .join("\n\n")
  kept.push({ type: "section", text: { type: "mrkdwn", text: truncate(rest, sectionLimit) } })
  return kept
}
