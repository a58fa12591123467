/**
 * Why a delivery failed, with the channel, where it points (secrets starred out), the HTTP or
 * SMTP status and the peer's answer (scrubbed of secrets).
 *
 * @example
 * ```ts
 * import { deliver, DeliveryError } from "@ir/notify"
 * const result = await deliver(channel, message)
 * if (result.cause instanceof DeliveryError) console.error(result.cause.message)
 * // Slack webhook "incidents" (https://hooks.slack.com/services/***) rejected the message: HTTP 400 invalid_blocks; not retried
 * ```
 */
import * as Data from "effect/Data"
import type { ChannelKind } from "./Channel.js"

/** A failure's cause with nothing but its name, code and (scrubbed) message. */
export interface CauseSummary {
  readonly name: string
  readonly code?: string
  readonly message: string
}

export class DeliveryError extends Data.TaggedError("DeliveryError")<{
  readonly reason:
    | "timeout"
    | "network"
    | "rejected"
    | "rate-limited"
    | "server-error"
    | "invalid-response"
    | "aborted"
  readonly channel: string
  readonly kind: ChannelKind
  /** Where the channel points, secrets starred out. */
  readonly target: string
  /** HTTP status, or SMTP reply code. */
  readonly status?: number
  /** The peer's answer or the library's error, scrubbed of secrets. */
  readonly detail: string
  /** Whether another attempt was allowed for this failure. */
  readonly retryable: boolean
  readonly cause?: CauseSummary
}> {
  /** The fields and the message, for `--json` output. */
  override toJSON(): Record<string, unknown> {
    return {
      _tag: this._tag,
      reason: this.reason,
      channel: this.channel,
      kind: this.kind,
      target: this.target,
      ...(this.status === undefined ? {} : { status: this.status }),
      detail: this.detail,
      retryable: this.retryable,
      message: this.message,
    }
  }

  override get message(): string {
    const names: Record<ChannelKind, string> = {
      slack: "Slack webhook",
      pagerduty: "PagerDuty integration",
      webhook: "Webhook",
      email: "E-mail channel",
      statuspage: "Statuspage page",
      zendesk: "Zendesk account",
    }
    const subject = `${names[this.kind]} "${this.channel}" (${this.target})`
    const status =
      this.status === undefined ? "" : `${this.kind === "email" ? "SMTP" : "HTTP"} ${this.status}`
    const answer = [status, this.detail].filter((part) => part !== "").join(" ")
    switch (this.reason) {
      case "timeout":
        return `${subject} did not answer in time: ${answer}`
      case "network":
        return `${subject} could not be reached: ${answer}`
      case "rejected":
        return `${subject} rejected the message: ${answer}; not retried (fix the message or the channel configuration)`
      case "rate-limited":
        return `${subject} is rate limiting: ${answer}`
      case "server-error":
        return `${subject} failed on its side: ${answer}`
      case "invalid-response":
        return `${subject} gave an unexpected answer: ${answer}`
      case "aborted":
        return `${subject}: delivery aborted (${this.detail})`
    }
    return `${subject}: ${answer}`
  }
}
