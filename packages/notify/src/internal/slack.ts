// Slack incoming webhooks: POST { text, blocks }; success is 200 with the body "ok", failures are
// 4xx with a reason such as "invalid_blocks" or "no_service" (https://api.slack.com/messaging/webhooks).
import * as Redacted from "effect/Redacted"
import type { SlackChannel } from "../Channel.js"
import type { Message } from "../Message.js"
import type { PreparedDelivery } from "./attempt.js"
import { post } from "./http.js"
import { excerpt } from "./redact.js"

const escapeSlack = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

export const slackPayload = (message: Message): Record<string, unknown> =>
  message.slack === undefined
    ? { text: escapeSlack(message.text) }
    : {
        text: message.slack.text,
        ...(message.slack.blocks === undefined ? {} : { blocks: message.slack.blocks }),
      }

export const prepareSlack = (
  channel: SlackChannel,
  message: Message,
  secrets: ReadonlyArray<string>,
): PreparedDelivery => {
  const body = JSON.stringify(slackPayload(message))
  return {
    attempt: (context) =>
      post(
        Redacted.value(channel.webhookUrl),
        body,
        { "content-type": "application/json; charset=utf-8", "user-agent": "ir-notify" },
        context,
        secrets,
        (answer) =>
          answer.body.trim() === "ok"
            ? { ok: true, status: answer.status, detail: "ok" }
            : {
                ok: false,
                failure: {
                  reason: "invalid-response",
                  status: answer.status,
                  detail: `expected "ok", got ${JSON.stringify(excerpt(answer.body, 100))}`,
                  retryable: false,
                },
              },
      ),
  }
}
