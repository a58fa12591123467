// Real HTTP peers on loopback that answer as a Slack incoming webhook, the PagerDuty Events API
// v2 and PagerDuty's REST API (GET /oncalls) do, and remember what they received.
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
