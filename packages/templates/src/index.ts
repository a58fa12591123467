/**
 * @ir/templates: incident communications (initial alert, status update, resolution notice,
 * escalation page, post-mortem) rendered from the incident itself for Slack, Markdown, plain text
 * and HTML e-mail.
 *
 * @example
 * ```ts
 * import { defaultRunbook, foldIncident } from "@ir/core"
 * import { messageContext, renderMessage } from "@ir/templates"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident(events))
 * const message = renderMessage(
 *   messageContext("initial", { incident, runbook: defaultRunbook, now: new Date() }),
 * )
 * message.slack.blocks // Block Kit, message.email.html, message.text, message.markdown
 * ```
 */
export * as Escaping from "./Escaping.js"
/** Timestamps in an IANA time zone, the way every message writes them (`2026-11-28 10:30 UTC`). */
export * as TimeFormat from "./internal/timeFormat.js"
export {
  type AssessedPlaybook,
  type AssessmentSummary,
  type AssessmentView,
  type BaseContext,
  type ChecklistView,
  type ContextInput,
  type ContextOf,
  contextShape,
  type DueEscalation,
  type EscalationContext,
  type EscalationInput,
  type EscalationView,
  type IncidentView,
  type InitialContext,
  type LinkView,
  type MessageContext,
  MessageContextError,
  messageContext,
  type NextUpdateView,
  type PostmortemContext,
  type ReminderContext,
  type ReminderView,
  type ResolutionContext,
  type ResolutionView,
  type Shape,
  type TimelineEntry,
  type TriageAssessment,
  type UpdateContext,
  type UpdateView,
} from "./MessageContext.js"
export * as MessageKind from "./MessageKind.js"
export { TemplateLoadError, TemplateRenderError } from "./TemplateError.js"
export {
  defaultTemplates,
  type EmailRendering,
  type LoadOptions,
  loadTemplates,
  type RenderedMessage,
  type Rendering,
  render,
  renderMessage,
  type SlackBlock,
  type SlackRendering,
  type TemplateSource,
  type Templates,
  type TextRendering,
  templatesDirectory,
} from "./Templates.js"
