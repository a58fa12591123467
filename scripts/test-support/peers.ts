// Real HTTP peers on loopback that answer as a Slack incoming webhook, the PagerDuty Events API,
// PagerDuty's REST API (GET /oncalls), Atlassian Statuspage and Zendesk do, and remember what
// they received.
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

export interface Received {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly body: string
  readonly json: Record<string, unknown>
}

export interface Peer {
  readonly url: string
  readonly received: Array<Received>
  readonly close: () => Promise<void>
}

const startPeer = async (
  answer: (request: Received) => {
    readonly status: number
    readonly body: string
    readonly contentType?: string
  },
): Promise<Peer> => {
  const received: Array<Received> = []
  const server = createServer((incoming, response) => {
    const chunks: Array<Buffer> = []
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
    incoming.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8")
      let json: Record<string, unknown> = {}
      try {
        json = JSON.parse(body) as Record<string, unknown>
      } catch {
        // answered below
      }
      const request = {
        method: incoming.method ?? "",
        path: incoming.url ?? "",
        headers: incoming.headers,
        body,
        json,
      }
      received.push(request)
      const { status, body: text, contentType = "text/plain" } = answer(request)
      response.writeHead(status, { "content-type": contentType })
      response.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Slack: POST JSON with a `text`; "ok", or 400 with the reason. */
export const slackPeer = () =>
  startPeer((request) =>
    request.method === "POST" && typeof request.json.text === "string" && request.json.text !== ""
      ? { status: 200, body: "ok" }
      : { status: 400, body: "no_text" },
  )

/** PagerDuty Events API v2: 202 with a dedup key for a valid event, else 400. */
export const pagerDutyPeer = () =>
  startPeer((request) => {
    const event = request.json
    const valid =
      typeof event.routing_key === "string" &&
      event.routing_key.length === 32 &&
      ["trigger", "acknowledge", "resolve"].includes(String(event.event_action))
    return valid
      ? {
          status: 202,
          body: JSON.stringify({ status: "success", dedup_key: event.dedup_key ?? "generated" }),
        }
      : { status: 400, body: JSON.stringify({ status: "invalid event" }) }
  })

/** The Slack message texts a peer received, in order. */
export const texts = (peer: Peer): Array<string> =>
  peer.received.map((request) => String(request.json.text ?? ""))

/** A generic webhook receiver: 200 for any JSON POST, else 400. */
export const webhookPeer = () =>
  startPeer((request) =>
    request.method === "POST" && Object.keys(request.json).length > 0
      ? { status: 200, body: "ok" }
      : { status: 400, body: "expected a JSON body" },
  )

/** One entry of PagerDuty's `GET /oncalls` with `include[]=users`, as its REST API documents it. */
export const pagerDutyOnCall = (options: {
  readonly schedule: string
  readonly user: { readonly id: string; readonly name: string; readonly email: string }
  readonly start: string
  readonly end: string
}) => ({
  escalation_policy: { id: "PESC042", type: "escalation_policy_reference", summary: "Eng" },
  escalation_level: 1,
  schedule: {
    id: options.schedule,
    type: "schedule_reference",
    summary: `Schedule ${options.schedule}`,
    self: `https://api.pagerduty.com/schedules/${options.schedule}`,
  },
  user: {
    ...options.user,
    type: "user",
    summary: options.user.name,
    self: `https://api.pagerduty.com/users/${options.user.id}`,
  },
  start: options.start,
  end: options.end,
})

/**
 * PagerDuty's REST API `GET /oncalls`: 401 unless `Authorization: Token token=<token>`; the entries
 * of the asked `schedule_ids[]` overlapping `since`..`until`, in pages (`limit`, `offset`, `more`).
 */
export const pagerDutyRestPeer = (
  token: string,
  oncalls: ReadonlyArray<ReturnType<typeof pagerDutyOnCall>>,
) =>
  startPeer((request) => {
    const url = new URL(request.path, "http://localhost")
    const json = (status: number, body: unknown) => ({
      status,
      body: JSON.stringify(body),
      contentType: "application/json",
    })
    if (request.method !== "GET" || url.pathname !== "/oncalls")
      return json(404, { error: { message: "Not Found", code: 2100 } })
    if (request.headers.authorization !== `Token token=${token}`)
      return json(401, { error: { message: "Unauthorized", code: 2006 } })
    const schedules = url.searchParams.getAll("schedule_ids[]")
    const since = Date.parse(url.searchParams.get("since") ?? "")
    const until = Date.parse(url.searchParams.get("until") ?? "")
    const offset = Number(url.searchParams.get("offset") ?? "0")
    const limit = Number(url.searchParams.get("limit") ?? "25")
    const matching = oncalls.filter(
      (entry) =>
        schedules.includes(entry.schedule.id) &&
        Date.parse(entry.end) > since &&
        Date.parse(entry.start) < until,
    )
    return json(200, {
      oncalls: matching.slice(offset, offset + limit),
      limit,
      offset,
      more: offset + limit < matching.length,
      total: null,
    })
  })

const json = (status: number, body: unknown) => ({
  status,
  body: JSON.stringify(body),
  contentType: "application/json",
})

/**
 * Atlassian Statuspage's REST API as its reference describes it: `Authorization: OAuth <key>`;
 * POST /v1/pages/{page_id}/incidents with `{ incident: { name, status, body, ... } }` answers 201
 * with the incident (its `id`); PATCH /v1/pages/{page_id}/incidents/{id} answers 200 with it; an
 * unknown page or incident 404, a wrong key 401, a blank name or an unknown status 422.
 */
export const statuspagePeer = async (pageId: string, apiKey: string) => {
  const incidents = new Map<string, Record<string, unknown>>()
  const statuses = ["investigating", "identified", "monitoring", "resolved", "scheduled"]
  const peer = await startPeer((request) => {
    if (request.headers.authorization !== `OAuth ${apiKey}`)
      return json(401, { error: "Could not authenticate" })
    const match = /^\/v1\/pages\/([^/]+)\/incidents(?:\/([^/]+))?$/.exec(request.path)
    if (match === null || match[1] !== pageId) return json(404, { error: "Not found" })
    const incident = request.json.incident as Record<string, unknown> | undefined
    if (incident === undefined) return json(422, { error: "incident is missing" })
    if (incident.status !== undefined && !statuses.includes(String(incident.status)))
      return json(422, { error: "status is invalid" })
    if (request.method === "POST" && match[2] === undefined) {
      if (typeof incident.name !== "string" || incident.name === "")
        return json(422, { error: "name can't be blank" })
      const id = `sp${incidents.size + 1}abcdefgh`
      const created = { id, page_id: pageId, ...incident }
      incidents.set(id, created)
      return json(201, created)
    }
    if (request.method === "PATCH" && match[2] !== undefined) {
      const existing = incidents.get(match[2])
      if (existing === undefined) return json(404, { error: "Not found" })
      const updated = { ...existing, ...incident }
      incidents.set(match[2], updated)
      return json(200, updated)
    }
    return json(405, { error: "method not allowed" })
  })
  return { ...peer, incidents }
}

/**
 * Zendesk's Tickets API as its reference describes it: Basic auth `<email>/token:<token>`;
 * POST /api/v2/tickets.json `{ ticket: { subject?, comment: { body } } }` answers 201 with
 * `{ ticket: { id } }` (the same ticket again for a repeated Idempotency-Key); PUT
 * /api/v2/tickets/{id}.json adds the comment and sets the status, 200; an unknown ticket 404.
 */
export const zendeskPeer = async (email: string, token: string) => {
  const tickets = new Map<number, { subject: string; status: string; comments: Array<string> }>()
  const keys = new Map<string, number>()
  const expected = `Basic ${Buffer.from(`${email}/token:${token}`).toString("base64")}`
  const peer = await startPeer((request) => {
    if (request.headers.authorization !== expected)
      return json(401, { error: "Couldn't authenticate you" })
    const ticket = request.json.ticket as
      | { subject?: string; status?: string; comment?: { body?: string } }
      | undefined
    const comment = ticket?.comment?.body
    if (ticket === undefined || comment === undefined || comment === "")
      return json(422, { error: "RecordInvalid", description: "comment is blank" })
    if (request.method === "POST" && request.path === "/api/v2/tickets.json") {
      const key = request.headers["idempotency-key"]
      const again = typeof key === "string" ? keys.get(key) : undefined
      if (again !== undefined) return json(201, { ticket: { id: again } })
      const id = 1000 + tickets.size + 1
      tickets.set(id, {
        subject: ticket.subject ?? comment.slice(0, 50),
        status: ticket.status ?? "new",
        comments: [comment],
      })
      if (typeof key === "string") keys.set(key, id)
      return json(201, { ticket: { id, status: ticket.status ?? "new" } })
    }
    const match = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(request.path)
    if (request.method === "PUT" && match !== null) {
      const existing = tickets.get(Number(match[1]))
      if (existing === undefined) return json(404, { error: "RecordNotFound" })
      existing.comments.push(comment)
      if (ticket.status !== undefined) existing.status = ticket.status
      return json(200, { ticket: { id: Number(match[1]), status: existing.status } })
    }
    return json(404, { error: "InvalidEndpoint" })
  })
  return { ...peer, tickets }
}
