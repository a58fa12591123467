/**
 * The messages ir sends during an incident and the formats each renders to.
 *
 * - `initial`: the initial alert (🚨 INCIDENT ALERT), within the severity's response time.
 * - `update`: a status update (📊 INCIDENT UPDATE), every 30 minutes for P0, hourly for P1.
 * - `resolution`: the resolution notice (✅ INCIDENT RESOLVED).
 * - `escalation`: the page to the next contact in the escalation chain (📟 INCIDENT ESCALATION).
 * - `postmortem`: the post-mortem document (📝 POST-MORTEM): timeline, root cause, action items
 *   and the runbook's post-incident checklists.
 * - `reminder`: what follows a resolved incident and is due (⏰ INCIDENT FOLLOW-UP): the
 *   post-mortem meeting, a checklist at its deadline, an overdue action item.
 * - `notice`: the customer-facing notice for the status page and support tickets, standing for
 *   the initial alert, an update or the resolution: customer-safe fields only.
 *
 * @example
 * ```ts
 * import { MessageKind } from "@ir/templates"
 * MessageKind.kinds // ["initial", "update", "resolution", "escalation", "postmortem", "reminder", "notice"]
 * ```
 */
import * as Schema from "effect/Schema"

/** A message kind. */
export const MessageKind = Schema.Literal(
  "initial",
  "update",
  "resolution",
  "escalation",
  "postmortem",
  "reminder",
  "notice",
)
export type MessageKind = typeof MessageKind.Type

/** Every message kind, in the order an incident uses them. */
export const kinds: ReadonlyArray<MessageKind> = MessageKind.literals

/**
 * An output format: Slack mrkdwn + Block Kit, Markdown, plain text, HTML e-mail.
 */
export const MessageFormat = Schema.Literal("slack", "markdown", "text", "html")
export type MessageFormat = typeof MessageFormat.Type

/** Every output format. */
export const formats: ReadonlyArray<MessageFormat> = MessageFormat.literals

/**
 * The template files a message kind has: one per format, plus `subject` (the e-mail subject
 * line, rendered as plain text).
 */
export type TemplatePart = MessageFormat | "subject"

/** Every template part, in file-name order. */
export const parts: ReadonlyArray<TemplatePart> = [...formats, "subject"]

/**
 * The file name of a template: `<kind>.<part>.hbs`, e.g. `initial.slack.hbs`.
 *
 * @example
 * ```ts
 * import { MessageKind } from "@ir/templates"
 * MessageKind.fileName("update", "html") // "update.html.hbs"
 * ```
 */
export const fileName = (kind: MessageKind, part: TemplatePart): string => `${kind}.${part}.hbs`

/**
 * Parses a template file name back into its kind and part; `undefined` for any other name.
 *
 * @example
 * ```ts
 * import { MessageKind } from "@ir/templates"
 * MessageKind.parseFileName("resolution.markdown.hbs") // { kind: "resolution", part: "markdown" }
 * ```
 */
export const parseFileName = (
  name: string,
): { readonly kind: MessageKind; readonly part: TemplatePart } | undefined => {
  const match = /^([a-z]+)\.([a-z]+)\.hbs$/.exec(name)
  if (match === null) return undefined
  const kind = kinds.find((candidate) => candidate === match[1])
  const part = parts.find((candidate) => candidate === match[2])
  return kind === undefined || part === undefined ? undefined : { kind, part }
}
