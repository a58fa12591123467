import {
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
  Channel,
  createIncidentMessenger,
  type Dispatch,
  IncidentMessageError,
  notificationReport,
  withConfiguredChannels,
} from "../src/index.js"
import { type Peer, pagerDutyAnswer, slackAnswer, startPeer } from "./peers.js"

const routingKey = "R0UT1NGKEYSECRET0000000000000042"
const opened = new Date("2026-11-28T10:00:00Z")
const minutes = (count: number) => new Date(opened.getTime() + count * 60_000)

const peers: Array<Peer> = []
const peer = async (handler: Parameters<typeof startPeer>[0]) => {
  const started = await startPeer(handler)
  peers.push(started)
  return started
}
afterEach(async () => {
  await Promise.all(peers.splice(0).map((started) => started.close()))
})

const p0 = (): Incident =>
  Either.getOrThrow(
    foldIncident([
      {
        type: "opened",
        at: opened,
        incidentId: "INC-2026-0001",
        title: "System completely down",
        severity: "P0",
        playbooks: ["system-down"],
        summary: "Health check endpoint unreachable",
        impact: "All users",
      },
    ]),
  )

const record = (incident: Incident, events: ReadonlyArray<IncidentEvent.IncidentEvent>) =>
  events.reduce((state, event) => Either.getOrThrow(applyEvent(state, event)), incident)

/** Sends everything due at `now` and records what went out, as `ir escalate --notify` does. */
const dispatchDue = async (
  messenger: ReturnType<typeof createIncidentMessenger>,
  incident: Incident,
  now: Date,
): Promise<{ incident: Incident; dispatches: ReadonlyArray<Dispatch> }> => {
  const dispatches: Array<Dispatch> = []
  let state = incident
  for (const action of escalate(messenger.runbook, state, now)) {
    const dispatch = await messenger.dispatch(state, action, { now })
    dispatches.push(dispatch)
    state = record(state, dispatch.events)
  }
  return { incident: state, dispatches }
}

const setup = async () => {
  const slack = await peer(slackAnswer)
  const pagerduty = await peer(pagerDutyAnswer)
  const channels = Channel.decodeChannels([
    { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T0/B0/secret` },
    { id: "on-call", kind: "pagerduty", routingKey, url: `${pagerduty.url}/v2/enqueue` },
  ])
  const runbook = withConfiguredChannels(defaultRunbook, channels)
  const messenger = createIncidentMessenger({
    runbook,
    channels,
    delivery: { retries: 0, timeoutMs: 5_000 },
  })
  return { slack, pagerduty, messenger }
}

const slackText = (peerOf: Peer, index: number) =>
  (JSON.parse(peerOf.requests[index]?.body ?? "{}") as { text: string }).text

describe("IncidentMessenger", () => {
  it("pages and sends the initial alert of a new P0, once", async () => {
    const { slack, pagerduty, messenger } = await setup()
    const { incident, dispatches } = await dispatchDue(messenger, p0(), minutes(1))
    expect(dispatches.map((d) => [d.key, d.outcome, d.delivered])).toEqual([
      ["INC-2026-0001:page:P0", "sent", ["on-call"]],
      ["INC-2026-0001:notify-initial", "sent", ["incidents"]],
    ])
    expect(slack.requests).toHaveLength(1)
    expect(slackText(slack, 0)).toContain("INCIDENT ALERT - P0")
    expect(slackText(slack, 0)).toContain("Health check endpoint unreachable")
    const page = JSON.parse(pagerduty.requests[0]?.body ?? "{}")
    expect(page).toMatchObject({ event_action: "trigger", dedup_key: "INC-2026-0001" })
    expect(page.payload.custom_details.message).toBe("page")
    expect(incident.notifications.map((sent) => sent.key)).toEqual([
      "INC-2026-0001:page:P0",
      "INC-2026-0001:notify-initial",
    ])
    // Recorded, so nothing is due again.
    expect(escalate(messenger.runbook, incident, minutes(2))).toEqual([])
  })

  it("at +30 minutes writes the status update from the journal and escalates", async () => {
    const { slack, messenger } = await setup()
    let { incident } = await dispatchDue(messenger, p0(), minutes(1))
    incident = record(incident, [{ type: "acknowledged", at: minutes(4), by: "alice" }])
    incident = record(incident, [
      {
        type: "action-taken",
        at: minutes(20),
        action: "docker.restart",
        target: "app",
        dryRun: false,
        outcome: "failed",
        detail: "did not come back",
      },
    ])
    const later = await dispatchDue(messenger, incident, minutes(30))
    expect(later.dispatches.map((d) => [d.key, d.outcome])).toEqual([
      ["INC-2026-0001:escalate:p0-not-restored:0", "sent"],
      ["INC-2026-0001:post-update:1:1", "sent"],
    ])
    const escalation = slackText(slack, 1)
    expect(escalation).toContain("INCIDENT ESCALATION - P0")
    expect(escalation).toContain("Technical Lead")
    expect(escalation).toContain("Unable to restore service within 30 minutes")
    const update = slackText(slack, 2)
    expect(update).toContain("INCIDENT UPDATE - P0")
    expect(update).toContain("docker.restart app failed")
    expect(later.incident.escalations).toMatchObject([
      { level: 0, to: "Technical Lead", rule: "p0-not-restored" },
    ])
    // The written update is not progress and not a posted update.
    expect(later.incident.updates).toEqual([])
    expect(escalate(messenger.runbook, later.incident, minutes(31))).toEqual([])
  })

  it("sends the resolution notice to chat and resolves the page in PagerDuty", async () => {
    const { slack, pagerduty, messenger } = await setup()
    let { incident } = await dispatchDue(messenger, p0(), minutes(1))
    incident = record(incident, [
      {
        type: "resolved",
        at: minutes(85),
        resolution: "Restarted the database",
        rootCause: "Connection pool exhausted",
      },
    ])
    const resolved = await dispatchDue(messenger, incident, minutes(85))
    const notice = resolved.dispatches.find((d) => d.message === "resolution")
    expect(notice?.delivered).toEqual(["incidents", "on-call"])
    expect(slackText(slack, 1)).toContain("1h 25m")
    expect(JSON.parse(pagerduty.requests[1]?.body ?? "{}")).toMatchObject({
      event_action: "resolve",
      dedup_key: "INC-2026-0001",
    })
  })

  it("records nothing when no channel took the message, and only what was delivered", async () => {
    const slack = await peer(slackAnswer)
    const broken = await peer((_request, response) => {
      response.writeHead(404, { "content-type": "text/plain" })
      response.end("no_service")
    })
    const channels = Channel.decodeChannels([
      { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T/B/ok` },
      { id: "ops", kind: "slack", webhookUrl: `${broken.url}/services/T/B/gone` },
    ])
    const messenger = createIncidentMessenger({
      runbook: withConfiguredChannels(defaultRunbook, channels),
      channels,
      delivery: { retries: 0 },
    })
    const incident = p0()
    const partial = await messenger.send(incident, messenger.manualRequest(incident, "initial"), {
      now: minutes(1),
    })
    expect(partial.outcome).toBe("partial")
    expect(partial.delivered).toEqual(["incidents"])
    expect(partial.events).toMatchObject([
      { type: "notification-sent", channels: ["incidents"], key: "INC-2026-0001:notify-initial" },
    ])
    const failed = await messenger.send(incident, messenger.manualRequest(incident, "initial"), {
      now: minutes(1),
      only: ["ops"],
    })
    expect(failed.outcome).toBe("failed")
    expect(failed.events).toEqual([])
    expect(failed.results[0]?.cause?.message).toContain("rejected")
  })

  it("reports channels the configuration does not have instead of dropping them", async () => {
    const messenger = createIncidentMessenger({ runbook: defaultRunbook, channels: [] })
    const incident = p0()
    const [page, initial] = escalate(defaultRunbook, incident, minutes(1))
    const dispatched = await messenger.dispatch(incident, initial!, { now: minutes(1) })
    expect(dispatched.outcome).toBe("unrouted")
    expect(dispatched.unrouted).toEqual(["incidents", "status-page", "support-tickets"])
    expect(dispatched.events).toEqual([])
    // The default runbook has no paging channel at all.
    expect((await messenger.dispatch(incident, page!, { now: minutes(1) })).outcome).toBe(
      "unrouted",
    )
    // and says so before sending: what the responder's clock need not take a lock for
    expect(messenger.routesNowhere(messenger.requestFor(incident, initial!))).toBe(true)
    const withIncidents = createIncidentMessenger({
      runbook: defaultRunbook,
      channels: Channel.decodeChannels([
        { id: "incidents", kind: "slack", webhookUrl: "http://127.0.0.1:9/services/T0/B0/secret" },
      ]),
    })
    expect(withIncidents.routesNowhere(withIncidents.requestFor(incident, initial!))).toBe(false)
  })

  it("shows the triage assessment in the initial alert when given one", async () => {
    const { messenger } = await setup()
    const incident = p0()
    const prepared = messenger.prepare(
      incident,
      {
        ...messenger.manualRequest(incident, "initial"),
        assessment: {
          playbooks: [
            {
              title: "System Completely Down",
              confidence: "95%",
              evidence: ["Health check endpoint not responding"],
            },
          ],
          nextSteps: ["Check if services are running"],
        },
      },
      minutes(1),
    )
    expect(prepared.message.text).toContain("Health check endpoint not responding")
    expect(prepared.routes.map((channel) => channel.id)).toEqual(["incidents"])
  })

  it("renders without sending on a dry run", async () => {
    const { slack, messenger } = await setup()
    const incident = p0()
    const dry = await messenger.send(incident, messenger.manualRequest(incident, "initial"), {
      now: minutes(1),
      dryRun: true,
    })
    expect(dry.outcome).toBe("dry-run")
    expect(dry.channels).toEqual(["incidents"])
    expect(dry.rendered?.text).toContain("INCIDENT ALERT - P0")
    expect(dry.events).toEqual([])
    expect(slack.requests).toHaveLength(0)
  })

  it("says why a message cannot be made yet", async () => {
    const { messenger } = await setup()
    const incident = p0()
    const request = messenger.manualRequest(incident, "resolution")
    expect(() => messenger.prepare(incident, request, minutes(1))).toThrow(IncidentMessageError)
    const dispatch = await messenger.send(incident, request, { now: minutes(1) })
    expect(dispatch.outcome).toBe("failed")
    expect(dispatch.error?.message).toMatch(/resolution message for INC-2026-0001.*resolved/)
  })

  it("reports what was sent in the shape @ir/http records", async () => {
    const { messenger } = await setup()
    const { dispatches } = await dispatchDue(messenger, p0(), minutes(1))
    expect(notificationReport(dispatches).sent).toEqual([
      { key: "INC-2026-0001:page:P0", message: "page", channels: ["on-call"] },
      { key: "INC-2026-0001:notify-initial", message: "initial", channels: ["incidents"] },
    ])
  })

  it("adds configured channels the runbook does not list", () => {
    const runbook = withConfiguredChannels(
      defaultRunbook,
      Channel.decodeChannels([
        { id: "incidents", kind: "slack", webhookUrl: "https://hooks.slack.com/services/T/B/x" },
        { id: "on-call", kind: "pagerduty", routingKey },
      ]),
    )
    expect(runbook.channels.filter((channel) => channel.id === "incidents")).toHaveLength(1)
    expect(runbook.channels.find((channel) => channel.id === "on-call")).toMatchObject({
      kind: "pagerduty",
    })
    expect(withConfiguredChannels(defaultRunbook, [])).toBe(defaultRunbook)
  })
})
