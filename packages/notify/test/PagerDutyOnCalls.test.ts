// GET /oncalls against a local peer that answers as PagerDuty's REST API documents it: classic
// pagination (limit, offset, more), references with `include[]=users` expanded to user objects.
import type { ServerResponse } from "node:http"
import { OnCall } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { afterEach, describe, expect, it } from "vitest"
import { PagerDutyOnCalls } from "../src/index.js"
import { type Peer, type ReceivedRequest, startPeer } from "./peers.js"

const token = "y_NbAkKc66ryYTWUXYEu"
let peer: Peer | undefined
afterEach(async () => {
  await peer?.close()
  peer = undefined
})

const user = (id: string, name: string, email: string) => ({
  id,
  type: "user",
  summary: name,
  name,
  email,
  self: `https://api.pagerduty.com/users/${id}`,
  html_url: `https://acme.pagerduty.com/users/${id}`,
})
const schedule = (id: string) => ({
  id,
  type: "schedule_reference",
  summary: `Schedule ${id}`,
  self: `https://api.pagerduty.com/schedules/${id}`,
})
const entry = (scheduleId: string, who: ReturnType<typeof user>, start: string, end: string) => ({
  escalation_policy: { id: "PESC042", type: "escalation_policy_reference", summary: "Eng" },
  escalation_level: scheduleId === "PSCHED1" ? 1 : 2,
  schedule: schedule(scheduleId),
  user: who,
  start,
  end,
})

const ada = user("PADA001", "Ada Lovelace", "ada@example.com")
const grace = user("PGRC002", "Grace Hopper", "grace@example.com")

const pages = [
  [
    entry("PSCHED1", ada, "2026-12-07T09:00:00+01:00", "2026-12-14T09:00:00+01:00"),
    entry("PSCHED2", grace, "2026-12-07T08:00:00Z", "2026-12-14T08:00:00Z"),
  ],
  [entry("PSCHED1", grace, "2026-12-14T09:00:00+01:00", "2026-12-21T09:00:00+01:00")],
]

const answer = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { "content-type": "application/json" })
  response.end(JSON.stringify(body))
}

const pagerDuty = (request: ReceivedRequest, response: ServerResponse) => {
  const url = new URL(request.path, "http://localhost")
  if (request.headers.authorization !== `Token token=${token}`)
    return answer(response, 401, { error: { message: "Unauthorized", code: 2006 } })
  const offset = Number(url.searchParams.get("offset") ?? "0")
  const limit = Number(url.searchParams.get("limit") ?? "25")
  const all = pages.flat()
  const oncalls = all.slice(offset, offset + limit)
  return answer(response, 200, {
    oncalls,
    limit,
    offset,
    more: offset + limit < all.length,
    total: null,
  })
}

const list = (url: string, options: Partial<PagerDutyOnCalls.ListOptions> = {}) =>
  Effect.runPromise(
    Effect.either(
      PagerDutyOnCalls.list({
        token: Redacted.make(token),
        schedules: [
          { id: "PSCHED1", layer: "primary" },
          { id: "PSCHED2", layer: "secondary" },
        ],
        since: new Date("2026-12-07T00:00:00Z"),
        until: new Date("2026-12-21T00:00:00Z"),
        baseUrl: url,
        pageSize: 2,
        ...options,
      }),
    ),
  )

describe("PagerDutyOnCalls.list", () => {
  it("asks as the REST API documents it and follows every page", async () => {
    peer = await startPeer(pagerDuty)
    const result = await list(peer.url)
    const records = Either.getOrThrow(result)
    expect(peer.requests).toHaveLength(2)
    const [first, second] = peer.requests
    expect(first?.method).toBe("GET")
    expect(first?.headers.accept).toBe("application/vnd.pagerduty+json;version=2")
    expect(first?.headers.authorization).toBe(`Token token=${token}`)
    const query = new URL(first?.path ?? "", "http://localhost").searchParams
    expect(query.getAll("schedule_ids[]")).toEqual(["PSCHED1", "PSCHED2"])
    expect(query.getAll("include[]")).toEqual(["users"])
    expect(query.get("since")).toBe("2026-12-07T00:00:00.000Z")
    expect(query.get("until")).toBe("2026-12-21T00:00:00.000Z")
    expect(query.get("offset")).toBe("0")
    expect(new URL(second?.path ?? "", "http://localhost").searchParams.get("offset")).toBe("2")
    expect(records).toEqual([
      {
        who: { pagerDutyUserId: "PADA001", name: "Ada Lovelace", email: "ada@example.com" },
        layer: "primary",
        from: new Date("2026-12-07T08:00:00Z"),
        until: new Date("2026-12-14T08:00:00Z"),
        source: "PagerDuty schedule PSCHED1",
      },
      {
        who: { pagerDutyUserId: "PGRC002", name: "Grace Hopper", email: "grace@example.com" },
        layer: "secondary",
        from: new Date("2026-12-07T08:00:00Z"),
        until: new Date("2026-12-14T08:00:00Z"),
        source: "PagerDuty schedule PSCHED2",
      },
      {
        who: { pagerDutyUserId: "PGRC002", name: "Grace Hopper", email: "grace@example.com" },
        layer: "primary",
        from: new Date("2026-12-14T08:00:00Z"),
        until: new Date("2026-12-21T08:00:00Z"),
        source: "PagerDuty schedule PSCHED1",
      },
    ])
    const answerAt = OnCall.whoIsOnCall(
      OnCall.fromShiftRecords(records, [{ id: "ada", pagerDuty: { userId: "PADA001" } }]),
      new Date("2026-12-10T00:00:00Z"),
    )
    expect(answerAt.primary.current?.person.id).toBe("ada")
    expect(answerAt.primary.next?.person.id).toBe("grace@example.com")
    expect(answerAt.secondary.current?.person.name).toBe("Grace Hopper")
  })

  it("says the token was refused, without the token, even when the peer repeats it", async () => {
    peer = await startPeer((request, response) =>
      answer(response, 401, {
        error: { message: `Unauthorized: ${request.headers.authorization}`, code: 2006 },
      }),
    )
    const result = await list(peer.url)
    expect(Either.isLeft(result)).toBe(true)
    const error = Either.isLeft(result) ? result.left : undefined
    expect(error?.reason).toBe("unauthorized")
    expect(error?.message).toMatch(/refused the API key \(HTTP 401/)
    expect(error?.message).not.toContain(token)
    expect(JSON.stringify(error)).not.toContain(token)
  })

  it("gives up at its deadline", async () => {
    peer = await startPeer(() => {
      // Never answers.
    })
    const result = await list(peer.url, { timeoutMs: 200 })
    expect(Either.isLeft(result) && result.left.message).toMatch(
      /^PagerDuty \(http:\/\/127\.0\.0\.1:\d+\/oncalls\) did not answer in time: no answer within 200 ms$/,
    )
  })

  it("says what it got when the answer is no list of on-calls", async () => {
    peer = await startPeer((_request, response) => answer(response, 200, { schedules: [] }))
    const result = await list(peer.url)
    expect(Either.isLeft(result) && result.left.reason).toBe("invalid-response")
  })
})
