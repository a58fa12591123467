// `ir drill --live`'s library half against real peers: each configured channel gets one clearly
// marked test, PagerDuty's trigger is resolved at once, the status page gets a resolved test
// incident on its drill component only (or is skipped), Zendesk a solved test ticket, e-mail one
// message through a real SMTP server; a channel that does not answer is reported failed.
import type { AddressInfo } from "node:net"
import { type ParsedMail, simpleParser } from "mailparser"
import { SMTPServer } from "smtp-server"
import { afterEach, describe, expect, it } from "vitest"
import {
  type Peer,
  pagerDutyPeer,
  slackPeer,
  statuspagePeer,
  webhookPeer,
  zendeskPeer,
} from "../../../scripts/test-support/peers.js"
import { Channel, liveDrill, liveDrillPlan } from "../src/index.js"

const peers: Array<Peer> = []
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()))
  await Promise.all(closers.splice(0).map((close) => close()))
})
const peer = async <P extends Peer>(started: Promise<P>): Promise<P> => {
  const running = await started
  peers.push(running)
  return running
}

const smtp = async () => {
  const received: Array<ParsedMail> = []
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail)
          callback()
        },
        (error: Error) => callback(error),
      )
    },
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { port: (server.server.address() as AddressInfo).port, received }
}

const apiKey = "statuspage-key-0123456789"
const zendeskToken = "zendesk-token-0123456789"
const routingKey = "0123456789abcdef0123456789abcdef"

describe("a live drill of the communication channels", () => {
  it("sends one marked test through each channel and reports which delivered", async () => {
    const slack = await peer(slackPeer())
    const pagerduty = await peer(pagerDutyPeer())
    const hook = await peer(webhookPeer())
    const status = await peer(statuspagePeer("pg1abc", apiKey))
    const tickets = await peer(zendeskPeer("ops@example.com", zendeskToken))
    const mail = await smtp()
    const dead = await peer(webhookPeer())
    await dead.close()
    const channels = Channel.decodeChannels([
      { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T0/B0/X` },
      { id: "on-call", kind: "pagerduty", routingKey, url: `${pagerduty.url}/v2/enqueue` },
      { id: "hook", kind: "webhook", url: `${hook.url}/ir`, secret: "webhook-secret-0123456789" },
      {
        id: "status-page",
        kind: "statuspage",
        pageId: "pg1abc",
        apiKey,
        url: `${status.url}/v1`,
        components: [{ id: "cmpapi" }],
        drillComponent: "cmptest",
      },
      { id: "public-page", kind: "statuspage", pageId: "pg1abc", apiKey, url: `${status.url}/v1` },
      {
        id: "support-tickets",
        kind: "zendesk",
        url: tickets.url,
        email: "ops@example.com",
        apiToken: zendeskToken,
      },
      {
        id: "oncall-email",
        kind: "email",
        host: "127.0.0.1",
        port: mail.port,
        starttls: "never",
        from: "ir <ir@example.com>",
        to: ["oncall@example.com"],
      },
      { id: "gone", kind: "webhook", url: `${dead.url}/ir`, secret: "webhook-secret-0123456789" },
    ])
    const results = await liveDrill(channels, {
      now: new Date("2026-12-01T09:00:00Z"),
      runbook: "Payments",
      delivery: { retries: 0, timeoutMs: 2_000 },
    })
    expect(Object.fromEntries(results.map((result) => [result.channel, result.status]))).toEqual({
      incidents: "delivered",
      "on-call": "delivered",
      hook: "delivered",
      "status-page": "delivered",
      "public-page": "skipped",
      "support-tickets": "delivered",
      "oncall-email": "delivered",
      gone: "failed",
    })
    expect(String(slack.received[0]?.json.text)).toContain("TEST ONLY")
    expect(pagerduty.received.map((request) => request.json.event_action)).toEqual([
      "trigger",
      "resolve",
    ])
    expect(pagerduty.received[0]?.json.dedup_key).toBe(pagerduty.received[1]?.json.dedup_key)
    expect(
      (pagerduty.received[0]?.json.payload as { severity?: string } | undefined)?.severity,
    ).toBe("info")
    // Only the drill component, already resolved, no subscriber notified; the public page untouched.
    expect(status.received).toHaveLength(1)
    expect(status.received[0]?.json.incident).toMatchObject({
      name: "[TEST] ir drill --live",
      status: "resolved",
      deliver_notifications: false,
      component_ids: ["cmptest"],
      components: { cmptest: "operational" },
    })
    expect([...tickets.tickets.values()]).toEqual([
      expect.objectContaining({ subject: "[TEST] ir drill --live", status: "solved" }),
    ])
    expect(mail.received[0]?.subject).toMatch(/^\[TEST\] ir drill --live/)
    expect(results.find((result) => result.channel === "public-page")?.detail).toContain(
      "drillComponent",
    )
    expect(results.find((result) => result.channel === "gone")?.detail).toMatch(/Webhook "gone"/)
    expect(JSON.stringify(results)).not.toContain(apiKey)
    expect(JSON.stringify(results)).not.toContain(routingKey)
  })

  it("says what it would do with each channel", () => {
    const [page] = Channel.decodeChannels([
      { id: "public-page", kind: "statuspage", pageId: "pg1abc", apiKey },
    ])
    expect(liveDrillPlan(page!)).toMatch(/skipped: set drillComponent/)
  })
})
