// The public audiences: a P1 reaches #incidents with everything, and the status page (Statuspage's
// API), support tickets (Zendesk's API) and a generic ticket webhook with customer-safe notices
// only, followed by their updates and the resolution, each on the same page incident or ticket.
import {
  Audience,
  applyEvent,
  defaultRunbook,
  escalate,
  foldIncident,
  type Incident,
  type IncidentEvent,
} from "@ir/core"
import { Either } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import {
  type Peer,
  slackPeer,
  statuspagePeer,
  webhookPeer,
  zendeskPeer,
} from "../../../scripts/test-support/peers.js"
import { Channel, createIncidentMessenger, publicReference } from "../src/index.js"

const t0 = new Date("2026-11-28T10:00:00Z")
const minutes = (count: number) => new Date(t0.getTime() + count * 60_000)
const apiKey = "sp-api-key-0123456789abcdef"
const zendeskToken = "zd-token-0123456789abcdef"
const hookSecret = "ticket-webhook-secret-0123456789"

const peers: Array<Peer> = []
const peer = async <P extends Peer>(started: Promise<P>): Promise<P> => {
  const running = await started
  peers.push(running)
  return running
}
afterEach(async () => {
  await Promise.all(peers.splice(0).map((started) => started.close()))
})

// What an alert brings: a host name, an address, probe output and the internal id.
const internalOnly = [
  "INC-2026-0042",
  "api-1.prod.internal",
  "10.0.3.7",
  "HTTP 503 from /api/predict",
  "error_ratio=0.124",
  "alice",
]

const opened: IncidentEvent.IncidentEvent = {
  type: "opened",
  at: t0,
  incidentId: "INC-2026-0042",
  title: "HighErrorRate on api-1.prod.internal:8080",
  severity: "P1",
  playbooks: ["high-api-error-rate"],
  summary: "HTTP 503 from /api/predict on 10.0.3.7; error_ratio=0.124",
  impact: "api-1.prod.internal serving 12% errors",
  source: { kind: "alert", key: "abc" },
}

const record = (incident: Incident, events: ReadonlyArray<IncidentEvent.IncidentEvent>) =>
  events.reduce((state, event) => Either.getOrThrow(applyEvent(state, event)), incident)

describe("the status page and support tickets", () => {
  it("get customer-safe notices of a P1, then its updates and resolution on the same incident and ticket", async () => {
    const status = await peer(statuspagePeer("pg1abc", apiKey))
    const tickets = await peer(zendeskPeer("ops@example.com", zendeskToken))
    const slack = await peer(slackPeer())
    const ticketHook = await peer(webhookPeer())
    const runbook = {
      ...defaultRunbook,
      channels: [
        ...defaultRunbook.channels,
        {
          id: "ticket-hook",
          audience: "customer" as const,
          kind: "ticket" as const,
          text: "Generic ticket webhook",
        },
      ],
    }
    const messenger = createIncidentMessenger({
      runbook,
      channels: Channel.decodeChannels([
        { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T0/B0/X` },
        {
          id: "status-page",
          kind: "statuspage",
          pageId: "pg1abc",
          apiKey,
          url: `${status.url}/v1`,
          components: [
            { id: "cmpapi", playbooks: ["high-api-error-rate"] },
            { id: "cmpdb", playbooks: ["database-connectivity"] },
          ],
        },
        {
          id: "support-tickets",
          kind: "zendesk",
          url: tickets.url,
          email: "ops@example.com",
          apiToken: zendeskToken,
        },
        { id: "ticket-hook", kind: "webhook", url: `${ticketHook.url}/hook`, secret: hookSecret },
      ]),
      delivery: { retries: 0, timeoutMs: 2_000 },
    })
    let incident = Either.getOrThrow(foldIncident([opened]))
    const dispatchDue = async (now: Date) => {
      for (const action of escalate(runbook, incident, now)) {
        const dispatch = await messenger.dispatch(incident, action, { now })
        expect(dispatch.outcome, `${action.key}: ${JSON.stringify(dispatch.results)}`).toBe("sent")
        incident = record(incident, dispatch.events)
      }
    }

    await dispatchDue(minutes(1))
    expect(slack.received).toHaveLength(1)
    expect(slack.received[0]?.body).toContain("INC-2026-0042")
    expect(status.received.map((request) => request.method)).toEqual(["POST"])
    const created = JSON.parse(status.received[0]?.body ?? "{}").incident
    expect(created).toMatchObject({
      name: "Elevated error rates",
      status: "investigating",
      impact_override: "major",
      component_ids: ["cmpapi"],
      components: { cmpapi: "partial_outage" },
    })
    expect(created.body).toContain("We are investigating this issue.")
    expect([...tickets.tickets.values()]).toHaveLength(1)
    expect(Audience.references(incident)).toEqual({
      "status-page": "sp1abcdefgh",
      "support-tickets": "1001",
    })
    const hooked = JSON.parse(ticketHook.received[0]?.body ?? "{}")
    expect(hooked).toMatchObject({ kind: "initial", incidentId: publicReference(incident) })

    // A responder acts and posts an update with a public note that slips in a host name.
    incident = record(incident, [
      { type: "acknowledged", at: minutes(5), by: "alice" },
      {
        type: "action-taken",
        at: minutes(10),
        detail: "restarted",
        action: "restart",
        target: "api",
        dryRun: false,
        outcome: "succeeded",
        by: "alice",
      },
      {
        type: "update-posted",
        at: minutes(20),
        progress: "restarted api on api-1.prod.internal (10.0.3.7)",
        status: "Investigating",
        nextSteps: "watch error_ratio",
        by: "alice",
        publicNote: "We restarted the affected service on api-1.prod.internal; errors are falling.",
      },
    ])
    const update = messenger.manualRequest(incident, "update")
    const updated = await messenger.send(incident, update, { now: minutes(20) })
    expect(updated.outcome).toBe("sent")
    incident = record(incident, updated.events)
    expect(status.received.map((request) => request.method)).toEqual(["POST", "PATCH"])
    expect(status.received[1]?.path).toBe("/v1/pages/pg1abc/incidents/sp1abcdefgh")
    const patched = JSON.parse(status.received[1]?.body ?? "{}").incident
    expect(patched.status).toBe("identified")
    expect(patched.body).toContain("We restarted the affected service on [removed]")
    expect(tickets.tickets.get(1001)?.comments).toHaveLength(2)

    incident = record(incident, [
      { type: "mitigated", at: minutes(30), summary: "rolled back", by: "alice" },
      {
        type: "resolved",
        at: minutes(45),
        resolution: "rolled back",
        rootCause: "bad deploy on api-1",
        by: "alice",
      },
    ])
    await dispatchDue(minutes(46))
    expect(status.received.map((request) => request.method)).toEqual(["POST", "PATCH", "PATCH"])
    const resolved = JSON.parse(status.received[2]?.body ?? "{}").incident
    expect(resolved).toMatchObject({ status: "resolved", components: { cmpapi: "operational" } })
    expect(status.incidents.get("sp1abcdefgh")?.status).toBe("resolved")
    expect(tickets.tickets.get(1001)).toMatchObject({ status: "solved" })
    expect(tickets.tickets.get(1001)?.comments).toHaveLength(3)
    expect(ticketHook.received.map((request) => JSON.parse(request.body).kind)).toEqual([
      "initial",
      "update",
      "resolution",
    ])

    // Nothing internal reached any public peer, in any request: bodies, paths or headers.
    const publicTraffic = [...status.received, ...tickets.received, ...ticketHook.received]
    expect(publicTraffic.length).toBe(9)
    for (const request of publicTraffic) {
      const seen = `${request.path}\n${JSON.stringify(request.headers)}\n${request.body}`
      for (const secret of internalOnly) expect(seen, request.path).not.toContain(secret)
    }
    // The team's channel got the full story.
    expect(slack.received.map((request) => request.body).join("\n")).toContain(
      "api-1.prod.internal",
    )
  })

  it("never sends the status page an escalation, a page or a post-mortem, and leaves a P3 off it", async () => {
    const status = await peer(statuspagePeer("pg1abc", apiKey))
    const messenger = createIncidentMessenger({
      runbook: defaultRunbook,
      channels: Channel.decodeChannels([
        {
          id: "status-page",
          kind: "statuspage",
          pageId: "pg1abc",
          apiKey,
          url: `${status.url}/v1`,
        },
      ]),
      delivery: { retries: 0, timeoutMs: 2_000 },
    })
    const p3 = Either.getOrThrow(
      foldIncident([{ ...opened, severity: "P3" } as IncidentEvent.IncidentEvent]),
    )
    for (const action of escalate(defaultRunbook, p3, minutes(1)))
      await messenger.dispatch(p3, action, { now: minutes(1) })
    const p1 = Either.getOrThrow(
      foldIncident([
        opened,
        { type: "escalated", at: minutes(1), level: 0, to: "Technical Lead", rule: "manual" },
        {
          type: "resolved",
          at: minutes(9),
          resolution: "rolled back",
          rootCause: "bad deploy",
          by: "alice",
        },
      ]),
    )
    for (const message of ["escalation", "postmortem", "followup"] as const) {
      const request = { ...messenger.manualRequest(p1, message), channels: ["status-page"] }
      const dispatch = await messenger.send(p1, request, { now: minutes(2) })
      expect(dispatch.outcome, message).toBe("unrouted")
    }
    expect(status.received).toEqual([])
  })

  it("says which field of a Statuspage or Zendesk channel is wrong, never its key", () => {
    expect(() =>
      Channel.decodeChannel({ id: "status-page", kind: "statuspage", pageId: "a/b", apiKey }),
    ).toThrow(/pageId/)
    let message = ""
    try {
      Channel.decodeChannel({
        id: "support-tickets",
        kind: "zendesk",
        url: "not a url",
        email: "ops@example.com",
        apiToken: zendeskToken,
      })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain("url")
    expect(message).not.toContain(zendeskToken)
    const channel = Channel.decodeChannel({
      id: "status-page",
      kind: "statuspage",
      pageId: "pg1abc",
      apiKey,
    })
    expect(Channel.target(channel)).toBe("Statuspage https://api.statuspage.io/v1 page pg1abc")
    expect(JSON.stringify(channel)).not.toContain(apiKey)
  })
})
