import type { Incident } from "@ir/core"
import { type DeliveryResult, deliver, type Message } from "@ir/notify"
import * as Effect from "effect/Effect"
import type { Lifecycle } from "./Lifecycle.js"

/** What acknowledging did on one PagerDuty channel. */
export interface PagerDutyAcknowledgement {
  readonly channel: string
  readonly ok: boolean
  /** PagerDuty's dedup key on success, the reason otherwise (secrets removed). */
  readonly detail: string
}

/**
 * `ir incident ack --notify`: acknowledges the incident on every PagerDuty channel that paged
 * it (an Events API v2 `acknowledge` with the incident's id as the dedup key), so that PagerDuty
 * stops escalating the page the responder has taken. PagerDuty treats a repeated acknowledge as
 * a no-op, so nothing is recorded; channels that never paged the incident are left alone.
 */
export const acknowledgePagerDuty = (
  lifecycle: Lifecycle,
  state: Incident,
  by: string,
  at: Date,
): Effect.Effect<ReadonlyArray<PagerDutyAcknowledgement>> => {
  const paged = new Set(state.notifications.flatMap((sent) => sent.channels))
  const channels = lifecycle.notify.channels.filter(
    (channel) => channel.kind === "pagerduty" && paged.has(channel.id),
  )
  if (channels.length === 0) return Effect.succeed([])
  const text = `${state.id} acknowledged by ${by}`
  const message: Message = {
    kind: "acknowledgement",
    incidentId: state.id,
    severity: state.severity,
    summary: text,
    at: at.toISOString(),
    text,
    pagerDutyAction: "acknowledge",
  }
  const view = (result: DeliveryResult): PagerDutyAcknowledgement => ({
    channel: result.channel,
    ok: result.status === "delivered",
    detail:
      result.status === "delivered"
        ? (result.response?.detail ?? "acknowledged")
        : (result.cause?.message ?? "not delivered"),
  })
  return Effect.promise(() =>
    Promise.all(
      channels.map((channel) =>
        deliver(channel, message, {
          timeoutMs: lifecycle.notify.timeoutMs,
          retries: lifecycle.notify.retries,
          idempotencyKey: `${state.id}:acknowledge`,
        }).then(view),
      ),
    ),
  )
}
