import { createHmac } from "node:crypto"
import type { AddressInfo } from "node:net"
import { createServer } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import {
  Channel,
  DeliveryError,
  type DeliveryLogEntry,
  deliver,
  deliverAll,
  type Message,
  WebhookSignature,
} from "../src/index.js"
import { message, type Peer, pagerDutyAnswer, slackAnswer, startPeer } from "./peers.js"

const slackPath = "/services/T0SECRET1/B0SECRET2/xoxSECRETTOKEN123"
const routingKey = "R0UT1NGKEYSECRET0000000000000042"
const webhookSecret = "whsec-this-is-the-shared-secret"
const webhookPath = "/hooks/ir?token=query-secret-777"
const authorization = "Bearer header-secret-token"
const secrets = [
  "T0SECRET1",
  "xoxSECRETTOKEN123",
  routingKey,
  webhookSecret,
  "query-secret-777",
  "header-secret-token",
]

/** Nothing a user can see (results, errors, log lines) contains a secret. */
const expectNoSecrets = (...values: ReadonlyArray<unknown>) => {
  for (const value of values) {
    const text = `${JSON.stringify(value)} ${value instanceof Error ? value.message : ""} ${
      Array.isArray(value)
        ? value.map((item) => (item as { cause?: Error }).cause?.message ?? "").join(" ")
        : ""
    } ${(value as { cause?: Error } | undefined)?.cause?.message ?? ""}`
    for (const secret of secrets) expect(text).not.toContain(secret)
  }
}

const peers: Array<Peer> = []
const peer = async (handler: Parameters<typeof startPeer>[0]) => {
  const started = await startPeer(handler)
  peers.push(started)
  return started
}
afterEach(async () => {
  await Promise.all(peers.splice(0).map((started) => started.close()))
})

const slackChannel = (url: string) =>
  Channel.decodeChannel({ id: "incidents", kind: "slack", webhookUrl: `${url}${slackPath}` })
const pagerDutyChannel = (url: string, key = routingKey) =>
  Channel.decodeChannel({
    id: "on-call",
    kind: "pagerduty",
    routingKey: key,
    url: `${url}/v2/enqueue`,
    source: "api.iot.example.com",
    component: "anomaly-api",
  })
const webhookChannel = (url: string) =>
  Channel.decodeChannel({
    id: "status-page",
    kind: "webhook",
    url: `${url}${webhookPath}`,
    secret: webhookSecret,
    headers: { Authorization: authorization },
  })

const fast = { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 }

describe("Slack incoming webhook", () => {
  it('posts the mrkdwn text and Block Kit blocks, and reads Slack\'s "ok"', async () => {
    const slack = await peer(slackAnswer)
    const log: Array<DeliveryLogEntry> = []
    const result = await deliver(slackChannel(slack.url), message, {
      ...fast,
      log: (entry) => log.push(entry),
    })
    expect(result).toMatchObject({
      channel: "incidents",
      kind: "slack",
      status: "delivered",
      attempts: 1,
      target: `${slack.url}/services/***`,
      response: { status: 200, detail: "ok" },
    })
    expect(slack.requests).toHaveLength(1)
    expect(slack.requests[0]?.path).toBe(slackPath)
    expect(JSON.parse(slack.requests[0]!.body)).toEqual({
      text: message.slack!.text,
      blocks: message.slack!.blocks,
    })
    expect(log.map((entry) => entry.event)).toEqual(["attempt", "delivered"])
    expectNoSecrets(result, log)
  })

  it("fails at once with Slack's reason on a 400, without retrying", async () => {
    const slack = await peer(slackAnswer)
    const broken: Message = { ...message, slack: { text: "x", blocks: [{ type: "carousel" }] } }
    const result = await deliver(slackChannel(slack.url), broken, { ...fast, retries: 3 })
    expect(result.status).toBe("failed")
    expect(result.attempts).toBe(1)
    expect(slack.requests).toHaveLength(1)
    expect(result.cause).toBeInstanceOf(DeliveryError)
    expect(result.cause).toMatchObject({ reason: "rejected", status: 400, retryable: false })
    expect(result.cause?.message).toBe(
      `Slack webhook "incidents" (${slack.url}/services/***) rejected the message: HTTP 400 invalid_blocks; not retried (fix the message or the channel configuration)`,
    )
    expect(JSON.parse(JSON.stringify(result)).cause).toMatchObject({
      _tag: "DeliveryError",
      reason: "rejected",
      status: 400,
      message: result.cause?.message,
    })
    expectNoSecrets(result)
  })

  it("retries a 500 and delivers on the next attempt", async () => {
    const slack = await peer((request, response, index) => {
      if (index === 0) {
        response.writeHead(500).end("rollup_error")
        return
      }
      slackAnswer(request, response)
    })
    const log: Array<DeliveryLogEntry> = []
    const result = await deliver(slackChannel(slack.url), message, {
      ...fast,
      log: (entry) => log.push(entry),
    })
    expect(result).toMatchObject({ status: "delivered", attempts: 2 })
    expect(log.map((entry) => entry.event)).toEqual(["attempt", "retry", "attempt", "delivered"])
    expect(log[1]).toMatchObject({ status: 500 })
  })

  it('treats a 200 without "ok" as a failed delivery', async () => {
    const slack = await peer((_request, response) => {
      response.writeHead(200).end("<html>captive portal</html>")
    })
    const result = await deliver(slackChannel(slack.url), message, fast)
    expect(result.cause).toMatchObject({ reason: "invalid-response", retryable: false })
    expect(result.cause?.message).toContain('expected "ok"')
  })

  it("scrubs the webhook's token even when the peer echoes it back", async () => {
    const slack = await peer((request, response) => {
      response.writeHead(404).end(`no_service for ${request.path}`)
    })
    const log: Array<DeliveryLogEntry> = []
    const result = await deliver(slackChannel(slack.url), message, {
      ...fast,
      log: (entry) => log.push(entry),
    })
    expect(result.cause?.detail).toBe("no_service for ***")
    expectNoSecrets(result, log)
  })
})

describe("PagerDuty Events API v2", () => {
  it("triggers an event PagerDuty accepts, deduplicated by the incident id", async () => {
    const pagerduty = await peer(pagerDutyAnswer)
    const result = await deliver(pagerDutyChannel(pagerduty.url), message, fast)
    expect(result).toMatchObject({
      status: "delivered",
      attempts: 1,
      target: `PagerDuty ${pagerduty.url}/v2/enqueue`,
      response: { status: 202, detail: "dedup_key INC-2026-0042" },
    })
    expect(JSON.parse(pagerduty.requests[0]!.body)).toEqual({
      routing_key: routingKey,
      event_action: "trigger",
      dedup_key: "INC-2026-0042",
      payload: {
        summary: message.summary,
        source: "api.iot.example.com",
        severity: "critical",
        timestamp: message.at,
        component: "anomaly-api",
        custom_details: {
          incident_id: "INC-2026-0042",
          severity: "P0",
          message: "initial",
          text: message.text,
        },
      },
      client: "ir",
    })
    expectNoSecrets(result)
  })

  it("maps P0-P3 to critical, error, warning and info", async () => {
    const pagerduty = await peer(pagerDutyAnswer)
    const channel = pagerDutyChannel(pagerduty.url)
    for (const severity of ["P0", "P1", "P2", "P3"] as const) {
      expect((await deliver(channel, { ...message, severity }, fast)).status).toBe("delivered")
    }
    expect(pagerduty.requests.map((request) => JSON.parse(request.body).payload.severity)).toEqual([
      "critical",
      "error",
      "warning",
      "info",
    ])
  })

  it("resolves on the resolution notice and acknowledges on request", async () => {
    const pagerduty = await peer(pagerDutyAnswer)
    const channel = pagerDutyChannel(pagerduty.url)
    await deliver(channel, { ...message, kind: "resolution" }, fast)
    await deliver(channel, { ...message, kind: "update", pagerDutyAction: "acknowledge" }, fast)
    const [resolve, acknowledge] = pagerduty.requests.map((request) => JSON.parse(request.body))
    expect(resolve).toEqual({
      routing_key: routingKey,
      event_action: "resolve",
      dedup_key: "INC-2026-0042",
    })
    expect(acknowledge).toEqual({
      routing_key: routingKey,
      event_action: "acknowledge",
      dedup_key: "INC-2026-0042",
    })
  })

  it("reports PagerDuty's errors for an invalid event, without retrying and without the key", async () => {
    const pagerduty = await peer(pagerDutyAnswer)
    const shortKey = "R0UT1NGKEYSECRET-too-short"
    const result = await deliver(pagerDutyChannel(pagerduty.url, shortKey), message, fast)
    expect(result).toMatchObject({ status: "failed", attempts: 1 })
    expect(result.cause).toMatchObject({ reason: "rejected", status: 400 })
    expect(result.cause?.message).toContain("'routing_key' must be a 32 character string")
    expect(JSON.stringify(result)).not.toContain(shortKey)
    expect(result.cause?.message).not.toContain(shortKey)
  })

  it("waits as long as a 429's Retry-After says, then delivers", async () => {
    const pagerduty = await peer((request, response, index) => {
      if (index === 0) {
        response.writeHead(429, { "retry-after": "1", "content-type": "application/json" })
        response.end(
          JSON.stringify({
            status: "throttle event",
            message: "Requests for this service are arriving too quickly",
          }),
        )
        return
      }
      pagerDutyAnswer(request, response)
    })
    const log: Array<DeliveryLogEntry> = []
    const started = Date.now()
    const result = await deliver(pagerDutyChannel(pagerduty.url), message, {
      ...fast,
      log: (entry) => log.push(entry),
    })
    expect(result).toMatchObject({ status: "delivered", attempts: 2 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(log.find((entry) => entry.event === "retry")).toMatchObject({
      status: 429,
      delayMs: 1000,
    })
  })

  it("gives up when Retry-After asks for longer than allowed", async () => {
    const pagerduty = await peer((_request, response) => {
      response
        .writeHead(429, { "retry-after": new Date(Date.now() + 3_600_000).toUTCString() })
        .end("slow down")
    })
    const result = await deliver(pagerDutyChannel(pagerduty.url), message, {
      ...fast,
      maxRetryAfterMs: 5_000,
    })
    expect(result).toMatchObject({ status: "failed", attempts: 1 })
    expect(result.cause).toMatchObject({ reason: "rate-limited", status: 429 })
    expect(result.cause?.message).toMatch(
      /Retry-After asks for 3\d{3} s, longer than the 5 s allowed/,
    )
  })
})

describe("signed webhook", () => {
  /** A receiver that verifies the signature and keeps each idempotency key once. */
  const receiver = async (failFirst: boolean) => {
    const stored = new Map<string, unknown>()
    const started = await peer((request, response, index) => {
      const expected = `sha256=${createHmac("sha256", webhookSecret).update(request.body).digest("hex")}`
      if (request.headers["x-ir-signature"] !== expected) {
        response.writeHead(401).end("bad signature")
        return
      }
      const key = String(request.headers["idempotency-key"])
      if (!stored.has(key)) stored.set(key, JSON.parse(request.body))
      if (failFirst && index === 0) {
        response.writeHead(500).end("database busy")
        return
      }
      response.writeHead(204).end()
    })
    return { ...started, stored }
  }

  it("posts a JSON body signed with HMAC-SHA256, with timestamp and idempotency key", async () => {
    const hook = await receiver(false)
    const now = new Date("2026-11-28T10:05:07Z")
    const result = await deliver(webhookChannel(hook.url), message, {
      ...fast,
      idempotencyKey: "INC-2026-0042:initial",
      now: () => now,
    })
    expect(result).toMatchObject({
      status: "delivered",
      attempts: 1,
      target: `${hook.url}/***`,
      response: { status: 204 },
    })
    const request = hook.requests[0]!
    expect(request.path).toBe(webhookPath)
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "idempotency-key": "INC-2026-0042:initial",
      "x-ir-timestamp": String(now.getTime() / 1000),
      authorization,
    })
    expect(
      WebhookSignature.verify(webhookSecret, request.body, request.headers["x-ir-signature"]),
    ).toBe(true)
    expect(
      WebhookSignature.verify(
        "another-secret-of-16+",
        request.body,
        request.headers["x-ir-signature"],
      ),
    ).toBe(false)
    expect(JSON.parse(request.body)).toEqual({
      version: 1,
      id: "INC-2026-0042:initial",
      sentAt: now.toISOString(),
      kind: "initial",
      incidentId: "INC-2026-0042",
      severity: "P0",
      summary: message.summary,
      at: message.at,
      text: message.text,
      markdown: message.markdown,
    })
    expectNoSecrets(result)
  })

  it("retries a 500 with the same signed request, so the receiver keeps it once", async () => {
    const hook = await receiver(true)
    const result = await deliver(webhookChannel(hook.url), message, fast)
    expect(result).toMatchObject({ status: "delivered", attempts: 2 })
    expect(hook.requests).toHaveLength(2)
    const [first, second] = hook.requests
    expect(second?.body).toBe(first?.body)
    expect(second?.headers["x-ir-signature"]).toBe(first?.headers["x-ir-signature"])
    expect(second?.headers["idempotency-key"]).toBe(first?.headers["idempotency-key"])
    expect(hook.stored.size).toBe(1)
    expect(result.idempotencyKey).toBe(first?.headers["idempotency-key"])
  })

  it("uses the same default key for the same message, so a re-run is recognised", async () => {
    const hook = await receiver(false)
    const channel = webhookChannel(hook.url)
    const once = await deliver(channel, message, fast)
    const again = await deliver(channel, message, fast)
    const other = await deliver(
      channel,
      { ...message, kind: "update", text: "📊 INCIDENT UPDATE - P0" },
      fast,
    )
    expect(again.idempotencyKey).toBe(once.idempotencyKey)
    expect(other.idempotencyKey).not.toBe(once.idempotencyKey)
    expect(hook.stored.size).toBe(2)
  })
})

describe("faults", () => {
  it("times out a peer that never answers, retries, then fails with the cause", async () => {
    const silent = await peer(() => {
      // Never answers.
    })
    const started = Date.now()
    const result = await deliver(webhookChannel(silent.url), message, {
      ...fast,
      timeoutMs: 300,
      retries: 1,
    })
    const elapsed = Date.now() - started
    expect(result).toMatchObject({ status: "failed", attempts: 2 })
    expect(result.cause).toMatchObject({ reason: "timeout", retryable: true })
    expect(result.cause?.message).toContain("did not answer in time: no answer within 300 ms")
    expect(silent.requests).toHaveLength(2)
    expect(elapsed).toBeGreaterThanOrEqual(600)
    expect(elapsed).toBeLessThan(5_000)
  })

  it("retries a refused connection and reports it as unreachable", async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const result = await deliver(slackChannel(`http://127.0.0.1:${port}`), message, {
      ...fast,
      retries: 2,
    })
    expect(result).toMatchObject({ status: "failed", attempts: 3 })
    expect(result.cause).toMatchObject({ reason: "network" })
    expect(result.cause?.message).toContain("could not be reached")
    expectNoSecrets(result)
  })

  it("stops retrying when the caller aborts", async () => {
    const failing = await peer((_request, response) => {
      response.writeHead(503).end("maintenance")
    })
    const controller = new AbortController()
    const log: Array<DeliveryLogEntry> = []
    const result = await deliver(slackChannel(failing.url), message, {
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      signal: controller.signal,
      log: (entry) => {
        log.push(entry)
        if (entry.event === "retry") controller.abort()
      },
    })
    expect(result).toMatchObject({ status: "failed", attempts: 1 })
    expect(result.cause).toMatchObject({ reason: "aborted" })
  })

  it("gives up after the configured retries on repeated 5xx", async () => {
    const failing = await peer((_request, response) => {
      response.writeHead(502).end("bad gateway")
    })
    const result = await deliver(pagerDutyChannel(failing.url), message, { ...fast, retries: 2 })
    expect(result).toMatchObject({ status: "failed", attempts: 3 })
    expect(result.cause).toMatchObject({ reason: "server-error", status: 502, retryable: true })
    expect(failing.requests).toHaveLength(3)
  })
})

describe("deliverAll", () => {
  it("delivers to every channel that takes the message, concurrently, one result each", async () => {
    const slack = await peer(slackAnswer)
    const pagerduty = await peer(pagerDutyAnswer)
    const channels = Channel.decodeChannels([
      { id: "incidents", kind: "slack", webhookUrl: `${slack.url}${slackPath}` },
      {
        id: "on-call",
        kind: "pagerduty",
        routingKey,
        url: `${pagerduty.url}/v2/enqueue`,
        severities: ["P0"],
      },
      {
        id: "updates-only",
        kind: "slack",
        webhookUrl: `${slack.url}${slackPath}`,
        messages: ["update"],
      },
    ])
    const p0 = await deliverAll(channels, message, {
      ...fast,
      idempotencyKey: "INC-2026-0042:initial",
    })
    expect(p0.map((result) => [result.channel, result.status, result.idempotencyKey])).toEqual([
      ["incidents", "delivered", "INC-2026-0042:initial:incidents"],
      ["on-call", "delivered", "INC-2026-0042:initial:on-call"],
    ])
    const p2 = await deliverAll(channels, { ...message, severity: "P2", kind: "update" }, fast)
    expect(p2.map((result) => result.channel)).toEqual(["incidents", "updates-only"])
    expect(pagerduty.requests).toHaveLength(1)
    expectNoSecrets(p0, p2)
  })

  it("reports each channel's failure without failing the others", async () => {
    const slack = await peer(slackAnswer)
    const broken = await peer((_request, response) => {
      response.writeHead(403).end("action_prohibited")
    })
    const results = await deliverAll(
      [slackChannel(slack.url), { ...slackChannel(broken.url), id: "other-workspace" }],
      message,
      fast,
    )
    expect(results.map((result) => result.status)).toEqual(["delivered", "failed"])
    expect(results[1]?.cause?.message).toContain("HTTP 403 action_prohibited")
  })
})
