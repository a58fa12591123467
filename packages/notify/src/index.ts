/**
 * @ir/notify: incident messages delivered to Slack incoming webhooks, PagerDuty Events API v2,
 * signed JSON webhooks and SMTP e-mail, with timeouts, retries and idempotency keys, and secrets
 * redacted everywhere.
 *
 * @example
 * ```ts
 * import { Channel, deliverAll } from "@ir/notify"
 * const channels = Channel.decodeChannels([
 *   { id: "incidents", kind: "slack", webhookUrl: process.env.SLACK_WEBHOOK_URL },
 *   { id: "on-call", kind: "pagerduty", routingKey: process.env.PAGERDUTY_ROUTING_KEY, severities: ["P0"] },
 * ])
 * const results = await deliverAll(channels, message)
 * ```
 */
export * as Channel from "./Channel.js"
export {
  accepts,
  type DeliveryLogEntry,
  type DeliveryOptions,
  type DeliveryResult,
  deliver,
  deliverAll,
} from "./Delivery.js"
export { type CauseSummary, DeliveryError } from "./DeliveryError.js"
export {
  createIncidentMessenger,
  type Dispatch,
  type DispatchOutcome,
  IncidentMessageError,
  type IncidentMessenger,
  type IncidentMessengerOptions,
  type MessageRequest,
  notificationReport,
  type PreparedMessage,
  publicReference,
  type SendOptions,
  withConfiguredChannels,
} from "./IncidentMessenger.js"
export { type LiveDrillResult, liveDrill, liveDrillPlan } from "./LiveDrill.js"
export { type Message, type PagerDutyAction, pagerDutyActionOf } from "./Message.js"
export * as OnCallCalendar from "./OnCallCalendar.js"
export * as PagerDutyOnCalls from "./PagerDutyOnCalls.js"
export { trainingReminder } from "./TrainingReminder.js"
export * as WebhookSignature from "./WebhookSignature.js"
