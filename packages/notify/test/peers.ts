// Real HTTP peers on loopback, answering as Slack, PagerDuty and a webhook receiver do.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { Message } from "../src/index.js"

export interface ReceivedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

export interface Peer {
  readonly url: string
  readonly requests: Array<ReceivedRequest>
  readonly close: () => Promise<void>
}

export type Handler = (
  request: ReceivedRequest,
  response: ServerResponse,
  index: number,
) => void | Promise<void>

/** Starts an HTTP server on 127.0.0.1 with a free port; the handler answers each request. */
export const startPeer = async (handler: Handler): Promise<Peer> => {
  const requests: Array<ReceivedRequest> = []
  const server = createServer((incoming, response) => {
    const chunks: Array<Buffer> = []
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
    incoming.on("end", () => {
      const request = {
        method: incoming.method ?? "",
        path: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      }
      requests.push(request)
      void handler(request, response, requests.length - 1)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { "content-type": "application/json" })
  response.end(JSON.stringify(body))
}

/**
 * Slack's incoming webhook as its docs describe it: JSON with `text`, optional `blocks` (header
 * plain_text ≤ 150, section mrkdwn ≤ 3000, at most 50); 200 "ok", or 400 with the reason.
 */
export const slackAnswer = (request: ReceivedRequest, response: ServerResponse) => {
  const fail = (reason: string) => {
    response.writeHead(400, { "content-type": "text/plain" })
    response.end(reason)
  }
  if (request.method !== "POST") return fail("invalid_method")
  if (!String(request.headers["content-type"]).startsWith("application/json"))
    return fail("invalid_payload")
  let payload: { text?: unknown; blocks?: unknown }
  try {
    payload = JSON.parse(request.body) as typeof payload
  } catch {
    return fail("invalid_payload")
  }
  if (typeof payload.text !== "string" || payload.text === "") return fail("no_text")
  if (payload.blocks !== undefined) {
    const blocks = payload.blocks
    if (!Array.isArray(blocks) || blocks.length > 50) return fail("invalid_blocks")
    for (const block of blocks as Array<{
      type?: string
      text?: { type?: string; text?: string }
    }>) {
      if (block.type === "divider") continue
      if (block.type === "header") {
        if (block.text?.type !== "plain_text" || (block.text.text ?? "").length > 150)
          return fail("invalid_blocks")
      } else if (block.type === "section") {
        if (block.text?.type !== "mrkdwn" || (block.text.text ?? "").length > 3000)
          return fail("invalid_blocks")
      } else {
        return fail("invalid_blocks")
      }
    }
  }
  response.writeHead(200, { "content-type": "text/html" })
  response.end("ok")
}

const pagerDutySeverities = new Set(["critical", "error", "warning", "info"])

/**
 * PagerDuty's Events API v2 checks: routing_key of 32 characters, a known event_action,
 * dedup_key ≤ 255, and for triggers a payload with summary ≤ 1024, source and severity; 202 with
 * status "success", or 400 with the errors.
 */
export const pagerDutyAnswer = (request: ReceivedRequest, response: ServerResponse) => {
  const errors: Array<string> = []
  let event: Record<string, unknown> = {}
  try {
    event = JSON.parse(request.body) as Record<string, unknown>
  } catch {
    errors.push("Event object is not valid JSON")
  }
  if (typeof event.routing_key !== "string" || event.routing_key.length !== 32) {
    errors.push("'routing_key' must be a 32 character string")
  }
  const action = event.event_action
  if (action !== "trigger" && action !== "acknowledge" && action !== "resolve") {
    errors.push("'event_action' is invalid")
  }
  if (
    event.dedup_key !== undefined &&
    (typeof event.dedup_key !== "string" || event.dedup_key.length > 255)
  ) {
    errors.push("'dedup_key' must be a string of at most 255 characters")
  }
  if (action !== "trigger" && typeof event.dedup_key !== "string")
    errors.push("'dedup_key' is missing")
  if (action === "trigger") {
    const payload = (event.payload ?? {}) as Record<string, unknown>
    if (
      typeof payload.summary !== "string" ||
      payload.summary === "" ||
      payload.summary.length > 1024
    ) {
      errors.push("'payload.summary' is missing or too long")
    }
    if (typeof payload.source !== "string" || payload.source === "")
      errors.push("'payload.source' is missing")
    if (!pagerDutySeverities.has(String(payload.severity)))
      errors.push("'payload.severity' is invalid")
    if (payload.timestamp !== undefined && Number.isNaN(Date.parse(String(payload.timestamp)))) {
      errors.push("'payload.timestamp' is invalid")
    }
  }
  if (errors.length > 0) {
    return json(response, 400, {
      status: "invalid event",
      message: "Event object is invalid",
      errors,
    })
  }
  json(response, 202, {
    status: "success",
    message: "Event processed",
    dedup_key: event.dedup_key ?? "generated",
  })
}

export const message: Message = {
  kind: "initial",
  incidentId: "INC-2026-0042",
  severity: "P0",
  summary: "🚨 INCIDENT ALERT - P0: System completely down [INC-2026-0042]",
  at: "2026-11-28T10:05:00.000Z",
  text: "🚨 INCIDENT ALERT - P0\n\nSummary: Health check endpoint unreachable\n",
  markdown: "## 🚨 INCIDENT ALERT - P0\n\n- **Summary:** Health check endpoint unreachable\n",
  slack: {
    text: "*🚨 INCIDENT ALERT - P0*\n\n*Summary:* Health check endpoint unreachable",
    blocks: [
      { type: "header", text: { type: "plain_text", text: "🚨 INCIDENT ALERT - P0", emoji: true } },
      {
        type: "section",
        text: { type: "mrkdwn", text: "*Summary:* Health check endpoint unreachable" },
      },
    ],
  },
  email: {
    subject: "🚨 INCIDENT ALERT - P0: System completely down [INC-2026-0042]",
    html: "<!DOCTYPE html><html><body><h1>🚨 INCIDENT ALERT - P0</h1><p>Health check endpoint unreachable</p></body></html>\n",
    text: "🚨 INCIDENT ALERT - P0\n\nSummary: Health check endpoint unreachable\n",
  },
}

/**
 * Atlassian Statuspage's REST API as its reference describes it: `Authorization: OAuth <key>`;
 * POST /v1/pages/{page_id}/incidents with `{ incident: { name, status, body, ... } }` answers 201
 * with the incident (its `id`); PATCH /v1/pages/{page_id}/incidents/{id} answers 200; an unknown
 * page or incident 404, a wrong key 401, a missing name or an unknown status 422.
 */
export const statuspagePeer = (pageId: string, apiKey: string) => {
  const incidents = new Map<string, Record<string, unknown>>()
  const statuses = ["investigating", "identified", "monitoring", "resolved", "scheduled"]
  const handler: Handler = (request, response) => {
    if (request.headers.authorization !== `OAuth ${apiKey}`)
      return json(response, 401, { error: "Could not authenticate" })
    const match = /^\/v1\/pages\/([^/]+)\/incidents(?:\/([^/]+))?$/.exec(request.path)
    if (match === null || match[1] !== pageId) return json(response, 404, { error: "Not found" })
    let payload: { incident?: Record<string, unknown> }
    try {
      payload = JSON.parse(request.body) as typeof payload
    } catch {
      return json(response, 400, { error: "invalid JSON" })
    }
    const incident = payload.incident
    if (incident === undefined) return json(response, 422, { error: "incident is missing" })
    if (incident.status !== undefined && !statuses.includes(String(incident.status)))
      return json(response, 422, { error: "status is invalid" })
    if (request.method === "POST" && match[2] === undefined) {
      if (typeof incident.name !== "string" || incident.name === "")
        return json(response, 422, { error: "name can't be blank" })
      const id = `sp${incidents.size + 1}abcdefgh`
      const created = { id, page_id: pageId, ...incident }
      incidents.set(id, created)
      return json(response, 201, created)
    }
    if (request.method === "PATCH" && match[2] !== undefined) {
      const existing = incidents.get(match[2])
      if (existing === undefined) return json(response, 404, { error: "Not found" })
      const updated = { ...existing, ...incident }
      incidents.set(match[2], updated)
      return json(response, 200, updated)
    }
    return json(response, 405, { error: "method not allowed" })
  }
  return { handler, incidents }
}

/**
 * Zendesk's Tickets API as its reference describes it: Basic auth `<email>/token:<token>`;
 * POST /api/v2/tickets.json `{ ticket: { subject?, comment: { body } } }` answers 201 with
 * `{ ticket: { id } }` (the same ticket again for a repeated Idempotency-Key); PUT
 * /api/v2/tickets/{id}.json adds the comment and sets the status, 200; unknown ticket 404.
 */
export const zendeskPeer = (email: string, token: string) => {
  const tickets = new Map<number, { subject: string; status: string; comments: Array<string> }>()
  const keys = new Map<string, number>()
  const expected = `Basic ${Buffer.from(`${email}/token:${token}`).toString("base64")}`
  const handler: Handler = (request, response) => {
    if (request.headers.authorization !== expected)
      return json(response, 401, { error: "Couldn't authenticate you" })
    let payload: { ticket?: { subject?: string; status?: string; comment?: { body?: string } } }
    try {
      payload = JSON.parse(request.body) as typeof payload
    } catch {
      return json(response, 400, { error: "invalid JSON" })
    }
    const ticket = payload.ticket
    if (ticket?.comment?.body === undefined || ticket.comment.body === "")
      return json(response, 422, { error: "RecordInvalid", description: "comment is blank" })
    if (request.method === "POST" && request.path === "/api/v2/tickets.json") {
      const key = request.headers["idempotency-key"]
      const again = typeof key === "string" ? keys.get(key) : undefined
      if (again !== undefined) return json(response, 201, { ticket: { id: again } })
      const id = 1000 + tickets.size + 1
      tickets.set(id, {
        subject: ticket.subject ?? ticket.comment.body.slice(0, 50),
        status: ticket.status ?? "new",
        comments: [ticket.comment.body],
      })
      if (typeof key === "string") keys.set(key, id)
      return json(response, 201, { ticket: { id, status: ticket.status ?? "new" } })
    }
    const match = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(request.path)
    if (request.method === "PUT" && match !== null) {
      const existing = tickets.get(Number(match[1]))
      if (existing === undefined) return json(response, 404, { error: "RecordNotFound" })
      existing.comments.push(ticket.comment.body)
      if (ticket.status !== undefined) existing.status = ticket.status
      return json(response, 200, { ticket: { id: Number(match[1]), status: existing.status } })
    }
    return json(response, 404, { error: "InvalidEndpoint" })
  }
  return { handler, tickets }
}
