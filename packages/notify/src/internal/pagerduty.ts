// PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
// one event per message, deduplicated by the incident id; 202 with { status: "success" } on
// success, 400 with { errors } for an invalid event, 429 when throttled.
import * as Redacted from "effect/Redacted"
import type { PagerDutyChannel } from "../Channel.js"
import { type Message, pagerDutyActionOf } from "../Message.js"
import type { PreparedDelivery } from "./attempt.js"
import { post } from "./http.js"

const severities = { P0: "critical", P1: "error", P2: "warning", P3: "info" } as const

const truncate = (text: string, limit: number) =>
  text.length <= limit ? text : `${text.slice(0, limit - 1)}…`

/** PagerDuty's severity for an incident severity. */
export const pagerDutySeverity = (level: Message["severity"]) => severities[level]

export const pagerDutyEvent = (
  channel: PagerDutyChannel,
  message: Message,
): Record<string, unknown> => {
  const action = pagerDutyActionOf(message)
  const event: Record<string, unknown> = {
    routing_key: Redacted.value(channel.routingKey),
    event_action: action,
    dedup_key: truncate(message.incidentId, 255),
  }
  if (action === "trigger") {
    event.payload = {
      summary: truncate(message.summary, 1024),
      source: channel.source,
      severity: severities[message.severity],
      timestamp: message.at,
      ...(channel.component === undefined ? {} : { component: channel.component }),
      ...(channel.group === undefined ? {} : { group: channel.group }),
      ...(channel.class === undefined ? {} : { class: channel.class }),
      custom_details: {
        incident_id: message.incidentId,
        severity: message.severity,
        message: message.kind,
        text: truncate(message.text, 16_000),
      },
    }
    event.client = "ir"
  }
  return event
}

export const preparePagerDuty = (
  channel: PagerDutyChannel,
  message: Message,
  secrets: ReadonlyArray<string>,
): PreparedDelivery => {
  const body = JSON.stringify(pagerDutyEvent(channel, message))
  return {
    attempt: (context) =>
      post(
        channel.url,
        body,
        { "content-type": "application/json", "user-agent": "ir-notify" },
        context,
        secrets,
        (answer) => {
          let dedupKey: unknown
          try {
            dedupKey = (JSON.parse(answer.body) as { dedup_key?: unknown }).dedup_key
          } catch {
            dedupKey = undefined
          }
          return {
            ok: true,
            status: answer.status,
            detail: typeof dedupKey === "string" ? `dedup_key ${dedupKey}` : "accepted",
          }
        },
      ),
  }
}
