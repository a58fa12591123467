// Zendesk's Support API (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/):
// the first notice creates a ticket (POST /api/v2/tickets.json, answered with `ticket.id`; the
// Idempotency-Key header makes a retried create return the same ticket), later ones add a public
// comment (PUT /api/v2/tickets/{id}.json), and the resolution notice solves it. Basic auth with
// `<email>/token:<api token>`.
import * as Redacted from "effect/Redacted"
import type { ZendeskChannel } from "../Channel.js"
import type { Message } from "../Message.js"
import type { AttemptResult, PreparedDelivery } from "./attempt.js"
import type { HttpAnswer } from "./http.js"
import { send } from "./http.js"

const priority = { P0: "urgent", P1: "high", P2: "normal", P3: "low" } as const

/** The request Zendesk gets for a notice: method, URL and body. */
export const zendeskRequest = (
  channel: ZendeskChannel,
  message: Message,
  reference: string | undefined,
): { method: "POST" | "PUT"; url: string; body: Record<string, unknown> } => {
  const base = `${channel.url.replace(/\/+$/, "")}/api/v2/tickets`
  const resolved =
    message.notice?.status === "resolved" ||
    (message.notice === undefined && message.kind === "resolution")
  const comment = { body: message.text.trim(), public: true }
  if (reference === undefined) {
    return {
      method: "POST",
      url: `${base}.json`,
      body: {
        ticket: {
          subject: message.notice?.title ?? message.summary,
          comment,
          priority: priority[message.severity],
          type: "incident",
          tags: ["ir", message.severity.toLowerCase(), ...channel.tags],
          ...(resolved ? { status: "solved" } : {}),
        },
      },
    }
  }
  return {
    method: "PUT",
    url: `${base}/${encodeURIComponent(reference)}.json`,
    body: { ticket: { comment, ...(resolved ? { status: "solved" } : {}) } },
  }
}

const created = (answer: HttpAnswer): AttemptResult => {
  let id: unknown
  try {
    id = (JSON.parse(answer.body) as { ticket?: { id?: unknown } }).ticket?.id
  } catch {
    id = undefined
  }
  if ((typeof id !== "number" && typeof id !== "string") || String(id) === "")
    return {
      ok: false,
      failure: {
        reason: "invalid-response",
        status: answer.status,
        detail: "Zendesk answered without the ticket's id",
        retryable: false,
      },
    }
  return { ok: true, status: answer.status, detail: `ticket ${id}`, reference: String(id) }
}

export const prepareZendesk = (
  channel: ZendeskChannel,
  message: Message,
  reference: string | undefined,
  idempotencyKey: string,
  secrets: ReadonlyArray<string>,
): PreparedDelivery => {
  const request = zendeskRequest(channel, message, reference)
  const body = JSON.stringify(request.body)
  const credentials = Buffer.from(
    `${channel.email}/token:${Redacted.value(channel.apiToken)}`,
  ).toString("base64")
  const headers = {
    "content-type": "application/json",
    "user-agent": "ir-notify",
    authorization: `Basic ${credentials}`,
    ...(request.method === "POST" ? { "idempotency-key": idempotencyKey } : {}),
  }
  return {
    attempt: (context) =>
      send(request.method, request.url, body, headers, context, secrets, (answer) =>
        request.method === "POST"
          ? created(answer)
          : { ok: true, status: answer.status, detail: `ticket ${reference} updated` },
      ),
  }
}
