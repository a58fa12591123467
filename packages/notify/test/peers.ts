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
