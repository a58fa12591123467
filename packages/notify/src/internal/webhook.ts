// The generic webhook: a JSON body signed with HMAC-SHA256 over its exact bytes. The body, its
// signature and the idempotency key are fixed once, so every retry sends the same request.
import * as Redacted from "effect/Redacted"
import type { WebhookChannel } from "../Channel.js"
import type { Message } from "../Message.js"
import { signatureHeader } from "../WebhookSignature.js"
import type { PreparedDelivery } from "./attempt.js"
import { post } from "./http.js"

export const webhookPayload = (message: Message, idempotencyKey: string, sentAt: Date) => ({
  version: 1,
  id: idempotencyKey,
  sentAt: sentAt.toISOString(),
  kind: message.kind,
  incidentId: message.incidentId,
  severity: message.severity,
  summary: message.summary,
  at: message.at,
  text: message.text,
  ...(message.markdown === undefined ? {} : { markdown: message.markdown }),
})

export const prepareWebhook = (
  channel: WebhookChannel,
  message: Message,
  idempotencyKey: string,
  secrets: ReadonlyArray<string>,
  now: Date,
): PreparedDelivery => {
  const body = JSON.stringify(webhookPayload(message, idempotencyKey, now))
  const extra = Object.fromEntries(
    Object.entries(channel.headers ?? {}).map(([name, value]) => [
      name.toLowerCase(),
      Redacted.value(value),
    ]),
  )
  const headers = {
    ...extra,
    "content-type": "application/json",
    "user-agent": "ir-notify",
    "idempotency-key": idempotencyKey,
    "x-ir-timestamp": String(Math.floor(now.getTime() / 1000)),
    "x-ir-signature": signatureHeader(Redacted.value(channel.secret), body),
  }
  return {
    attempt: (context) =>
      post(Redacted.value(channel.url), body, headers, context, secrets, (answer) => ({
        ok: true,
        status: answer.status,
        detail: `HTTP ${answer.status}`,
      })),
  }
}
