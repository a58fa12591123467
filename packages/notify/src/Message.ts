/**
 * What `@ir/notify` delivers: one incident message with a rendering for each kind of channel.
 * `@ir/templates`' `renderMessage` produces exactly this; any other producer can fill it in.
 *
 * @example
 * ```ts
 * import { messageContext, renderMessage } from "@ir/templates"
 * import type { Message } from "@ir/notify"
 * const message: Message = renderMessage(messageContext("initial", { incident, runbook, now }))
 * ```
 */
import type { SeverityLevel } from "@ir/core"

/** PagerDuty's event actions. */
export type PagerDutyAction = "trigger" | "acknowledge" | "resolve"

/** One incident message, rendered. */
export interface Message {
  /** "initial", "update", "resolution", "escalation", "postmortem" (or your own). */
  readonly kind: string
  readonly incidentId: string
  readonly severity: SeverityLevel
  /** One line: PagerDuty's summary, the webhook's summary, the e-mail subject when `email` is absent. */
  readonly summary: string
  /** When the message was rendered (ISO 8601). */
  readonly at: string
  /** Plain text; used where no richer rendering is given. */
  readonly text: string
  readonly markdown?: string
  /** Slack mrkdwn text and Block Kit blocks. */
  readonly slack?: { readonly text: string; readonly blocks?: ReadonlyArray<unknown> }
  readonly email?: { readonly subject: string; readonly html: string; readonly text: string }
  /**
   * The PagerDuty event action; by default `resolve` for a resolution notice and `trigger`
   * otherwise (PagerDuty folds repeated triggers with the same `dedup_key` into one incident).
   */
  readonly pagerDutyAction?: PagerDutyAction
  /**
   * For a customer-facing notice (status page, support tickets): its public status, title and
   * the playbooks (to pick the status page's components; never shown).
   */
  readonly notice?: {
    readonly phase: "initial" | "update" | "resolution"
    readonly status: "investigating" | "identified" | "monitoring" | "resolved"
    readonly title: string
    readonly playbooks: ReadonlyArray<string>
  }
}

/**
 * The PagerDuty event action for a message.
 *
 * @example
 * ```ts
 * import { pagerDutyActionOf } from "@ir/notify"
 * pagerDutyActionOf({ ...message, kind: "resolution" }) // "resolve"
 * ```
 */
export const pagerDutyActionOf = (message: Message): PagerDutyAction =>
  message.pagerDutyAction ?? (message.kind === "resolution" ? "resolve" : "trigger")
