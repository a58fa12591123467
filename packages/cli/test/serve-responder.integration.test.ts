// `ir serve` as the always-on responder (the BUILT CLI, real processes): the clock sends what falls
// due with nobody running a command; three replicas on one PostgreSQL journal behind one real
// Alertmanager route send each message once, and when the clock's leader is killed another takes
// over on time; a crash between delivering a page and recording it re-sends it with the same
// PagerDuty dedup key.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultRunbook } from "@ir/core"
import { afterAll, afterEach, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type Peer, pagerDutyPeer, slackPeer, webhookPeer } from "./peers.js"
import { requireService } from "./requireService.js"
import { freePort, irProcess, requireBuiltCli, serveIr, waitFor } from "./scenarios.js"

const pgUrl = requireService("IR_TEST_PG_URL")
requireService("IR_TEST_ALERTMANAGER_URL") // the binary comes with the test services

const token = "responder-token-0123456789abcdef"
const root = mkdtempSync(join(tmpdir(), "ir-serve-responder-"))
const routingKey = "0123456789abcdef0123456789abcdef"

/** The seed's rules, with "P0 not restored" after `after` instead of 30 minutes. */
const rulesWithP0After = (after: string) =>
  defaultRunbook.escalation.rules.map((rule) =>
    rule.id === "p0-not-restored" ? { ...rule, trigger: { unresolvedFor: after } } : rule,
  )

const started: Array<ChildProcess> = []
const peers: Array<Peer> = []

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
})
afterAll(async () => {
  for (const peer of peers.splice(0)) await peer.close()
  rmSync(root, { recursive: true, force: true })
})

const workspace = (name: string, config: Record<string, unknown>) => {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "ir.config.yaml"), stringify(config))
  return dir
}

const serve = (dir: string) => serveIr(dir, token, started)

/** An Alertmanager notification (payload version 4) for one firing P0 alert. */
const p0Notification = (groupKey: string) => ({
  version: "4",
  groupKey,
  truncatedAlerts: 0,
  status: "firing",
  receiver: "ir",
  groupLabels: { alertname: "ServiceDown" },
  commonLabels: { alertname: "ServiceDown", playbook: "system-down", severity: "P0" },
  commonAnnotations: { summary: "Health check endpoint unreachable" },
  externalURL: "http://alertmanager.example:9093",
  alerts: [
    {
      status: "firing",
      labels: { alertname: "ServiceDown", playbook: "system-down", severity: "P0" },
      annotations: { summary: "Health check endpoint unreachable" },
      startsAt: new Date().toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example:9090/graph",
      fingerprint: "fp-service-down",
    },
  ],
})

const postAlert = (url: string, body: unknown) =>
  fetch(`${url}/alerts/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  })

/** The webhook messages received: kind and idempotency key, in order, with when they came. */
const received = (peer: Peer, times: Map<unknown, number>) =>
  peer.received.map((request) => {
    if (!times.has(request)) times.set(request, Date.now())
    return {
      kind: String(request.json.kind),
      key: String(request.json.id),
      at: times.get(request) ?? 0,
    }
  })

const incidentJson = async (dir: string, id?: string) => {
  const result = await irProcess(
    ["incident", "show", ...(id === undefined ? [] : [id]), "--json"],
    {
      cwd: dir,
      timeoutMs: 60_000,
    },
  )
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as {
    incident: {
      id: string
      openedAt: string
      notifications: ReadonlyArray<{ key: string; channels: ReadonlyArray<string> }>
    }
  }
}

describe("ir serve runs the responder clock", () => {
  it("sends the initial alert and then the escalation by itself, each once, within a tick and a second of being due", async () => {
    requireBuiltCli()
    const hook = await webhookPeer()
    peers.push(hook)
    const dir = workspace("file", {
      runbook: { escalation: { rules: rulesWithP0After("3s") } },
      targets: { http: false, prometheus: false, postgres: false, docker: false, files: false },
      journal: { dir: "journal" },
      notify: {
        channels: [
          {
            id: "incidents",
            kind: "webhook",
            url: `${hook.url}/ir`,
            secret: "webhook-secret-0123456789",
          },
        ],
      },
      serve: { port: 0, tick: "1s" },
    })
    const server = await serve(dir)
    const times = new Map<unknown, number>()
    const watch = setInterval(() => received(hook, times), 10)
    try {
      const answer = await postAlert(server.url, p0Notification('{}:{alertname="ServiceDown"}'))
      expect(answer.status).toBe(201)
      await waitFor(
        "the escalation",
        async () => received(hook, times).find((message) => message.kind === "escalation"),
        20_000,
        50,
      )
      // nothing more is due for the next ticks: nothing more is sent
      await new Promise((resolve) => setTimeout(resolve, 2500))
      const messages = received(hook, times)
      expect(
        messages.map((message) => message.kind),
        server.output(),
      ).toEqual(["initial", "escalation"])
      const shown = await incidentJson(dir)
      const openedAt = Date.parse(shown.incident.openedAt)
      const id = shown.incident.id
      const escalation = messages[1]!
      // the idempotency key: the recorded key and the channel
      expect(escalation.key).toBe(`${id}:escalate:p0-not-restored:0:incidents`)
      // due 3 s after opening; the clock ticks every second
      expect(escalation.at - (openedAt + 3000)).toBeLessThan(1000 + 1000)
      expect(escalation.at).toBeGreaterThanOrEqual(openedAt + 3000)
      expect(shown.incident.notifications.map((sent) => sent.key)).toEqual([
        `${id}:notify-initial`,
        `${id}:escalate:p0-not-restored:0`,
      ])
      expect(server.output()).toMatch(/responder clock: this process runs it/)
      expect(server.output()).toMatch(new RegExp(`${id}: sent +escalation`))
    } finally {
      clearInterval(watch)
    }
  }, 60_000)

  it("with three replicas on one PostgreSQL journal behind one Alertmanager route, sends each message once, and the next leader escalates on time after the leader is killed", async () => {
    if (pgUrl === undefined) return
    requireBuiltCli()
    const hook = await webhookPeer()
    const pagerduty = await pagerDutyPeer()
    peers.push(hook, pagerduty)
    const schema = `ir_replicas_${process.pid}`
    const config = {
      runbook: { escalation: { rules: rulesWithP0After("8s") } },
      targets: { http: false, prometheus: false, postgres: false, docker: false, files: false },
      journal: { backend: "postgres", url: pgUrl, schema },
      notify: {
        channels: [
          {
            id: "incidents",
            kind: "webhook",
            url: `${hook.url}/ir`,
            secret: "webhook-secret-0123456789",
          },
          { id: "on-call", kind: "pagerduty", routingKey, url: `${pagerduty.url}/v2/enqueue` },
        ],
      },
      serve: { port: 0, tick: "1s" },
    }
    const replicas = await Promise.all(
      [1, 2, 3].map((n) => serve(workspace(`replica-${n}`, config))),
    )
    // One Alertmanager, one route, a webhook to each replica.
    const amDir = join(root, "alertmanager")
    mkdirSync(amDir, { recursive: true })
    writeFileSync(
      join(amDir, "alertmanager.yml"),
      stringify({
        route: {
          receiver: "ir",
          group_by: ["alertname"],
          group_wait: "1s",
          group_interval: "5m",
          repeat_interval: "4h",
        },
        receivers: [
          {
            name: "ir",
            webhook_configs: replicas.map((replica) => ({
              url: `${replica.url}/alerts/alertmanager`,
              send_resolved: true,
              http_config: { authorization: { type: "Bearer", credentials: token } },
            })),
          },
        ],
      }),
    )
    const amPort = await freePort()
    const alertmanager = spawn(
      "prometheus-alertmanager",
      [
        `--config.file=${join(amDir, "alertmanager.yml")}`,
        `--storage.path=${amDir}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        "--cluster.listen-address=",
      ],
      { stdio: "ignore" },
    )
    started.push(alertmanager)
    await waitFor(
      "Alertmanager to be ready",
      async () => ((await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok ? true : undefined),
      30_000,
      100,
    )
    const times = new Map<unknown, number>()
    const watch = setInterval(() => received(hook, times), 10)
    try {
      const posted = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([
          {
            labels: { alertname: "ServiceDown", playbook: "system-down", severity: "P0" },
            annotations: { summary: "Health check endpoint unreachable" },
          },
        ]),
      })
      expect(posted.status).toBe(200)
      await waitFor(
        "the initial alert",
        async () => received(hook, times).find((message) => message.kind === "initial"),
        30_000,
        50,
      )
      await waitFor(
        "the page",
        async () => (pagerduty.received.length > 0 ? true : undefined),
        10_000,
        50,
      )
      const leaders = replicas.filter((replica) =>
        /responder clock: this process runs it/.test(replica.output()),
      )
      expect(leaders, replicas.map((replica) => replica.output()).join("\n---\n")).toHaveLength(1)
      const leader = leaders[0]!
      leader.process.kill("SIGKILL")
      const shown = await incidentJson(join(root, "replica-1"))
      const dueAt = Date.parse(shown.incident.openedAt) + 8000
      const escalation = await waitFor(
        "the escalation",
        async () => received(hook, times).find((message) => message.kind === "escalation"),
        30_000,
        50,
      )
      // on time: within two ticks (and a second of work) of being due
      expect(escalation.at).toBeGreaterThanOrEqual(dueAt)
      expect(escalation.at - dueAt).toBeLessThan(2 * 1000 + 1000)
      await new Promise((resolve) => setTimeout(resolve, 3000))
      const messages = received(hook, times)
      expect(messages.map((message) => message.kind)).toEqual(["initial", "escalation"])
      expect(new Set(messages.map((message) => message.key)).size).toBe(messages.length)
      expect(
        pagerduty.received.map((request) => [request.json.event_action, request.json.dedup_key]),
      ).toEqual([["trigger", shown.incident.id]])
      const survivors = replicas.filter((replica) => replica !== leader)
      expect(
        survivors.filter((replica) =>
          /responder clock: this process runs it/.test(replica.output()),
        ),
      ).toHaveLength(1)
    } finally {
      clearInterval(watch)
    }
  }, 120_000)

  it("a crash between delivering the page and recording it: the page is sent again with the same dedup key", async () => {
    requireBuiltCli()
    const hook = await webhookPeer()
    peers.push(hook)
    let victim: ChildProcess | undefined
    // PagerDuty that takes the first page, and the process that sent it dies (SIGKILL) before
    // the answer comes, so before it can record the page; later pages are answered as usual.
    const pages: Array<{ action: unknown; dedupKey: unknown }> = []
    const pagerduty = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>
        pages.push({ action: event.event_action, dedupKey: event.dedup_key })
        const answer = () => {
          response.writeHead(202, { "content-type": "application/json" })
          response.end(JSON.stringify({ status: "success", dedup_key: event.dedup_key }))
        }
        if (pages.length === 1 && victim !== undefined) {
          victim.once("exit", answer)
          victim.kill("SIGKILL")
        } else answer()
      })
    })
    await new Promise<void>((resolve) => pagerduty.listen(0, "127.0.0.1", resolve))
    const pagerDutyUrl = `http://127.0.0.1:${(pagerduty.address() as AddressInfo).port}`
    const dir = workspace("crash", {
      targets: { http: false, prometheus: false, postgres: false, docker: false, files: false },
      journal: { dir: "journal" },
      notify: {
        channels: [
          {
            id: "incidents",
            kind: "webhook",
            url: `${hook.url}/ir`,
            secret: "webhook-secret-0123456789",
          },
          { id: "on-call", kind: "pagerduty", routingKey, url: `${pagerDutyUrl}/v2/enqueue` },
        ],
      },
      serve: { port: 0, tick: "1s" },
    })
    try {
      const first = await serve(dir)
      victim = first.process
      await postAlert(first.url, p0Notification('{}:{alertname="Crash"}')).catch(() => undefined)
      await waitFor(
        "the crash",
        async () => (victim?.exitCode !== null || victim?.signalCode !== null ? true : undefined),
        20_000,
        20,
      )
      const before = await incidentJson(dir)
      const id = before.incident.id
      // the page went out, but the journal does not know
      expect(before.incident.notifications.map((sent) => sent.key)).not.toContain(`${id}:page:P0`)
      const second = await serve(dir)
      await waitFor(
        "the page again and the initial alert",
        async () => (pages.length >= 2 && hook.received.length >= 1 ? true : undefined),
        20_000,
        50,
      )
      await new Promise((resolve) => setTimeout(resolve, 2500))
      // PagerDuty deduplicates by the dedup key: the second trigger joins the first alert.
      expect(pages).toEqual([
        { action: "trigger", dedupKey: id },
        { action: "trigger", dedupKey: id },
      ])
      expect(hook.received.map((request) => request.json.kind)).toEqual(["initial"])
      const after = await incidentJson(dir)
      expect(after.incident.notifications.map((sent) => sent.key)).toEqual([
        `${id}:page:P0`,
        `${id}:notify-initial`,
      ])
      expect(second.output()).toMatch(/responder clock: this process runs it/)
    } finally {
      pagerduty.closeAllConnections()
      pagerduty.close()
    }
  }, 90_000)
})

/** A routing key per PagerDuty channel (32 characters), so the one peer tells them apart. */
const keyOf = (id: string) => id.padEnd(32, "0").slice(0, 32)

/** A runbook whose escalations climb a chain of three people, each with their own PagerDuty. */
const climbingWorkspace = async (name: string) => {
  const pagerduty = await pagerDutyPeer()
  const slack = await slackPeer()
  peers.push(pagerduty, slack)
  const pagers = ["lead-pager", "manager-pager", "vp-pager"]
  const dir = workspace(name, {
    runbook: {
      escalation: {
        rules: rulesWithP0After("3s"),
        repeatAfter: "4s",
        contacts: [
          { role: "Technical Lead", name: "Ada", channels: ["lead-pager"] },
          { role: "SRE Manager", name: "Grace", channels: ["manager-pager"] },
          { role: "VP Engineering", name: "Linus", channels: ["vp-pager"] },
        ],
      },
      channels: pagers.map((id) => ({
        id,
        audience: "direct",
        kind: "pagerduty",
        text: `${id} (a person's PagerDuty)`,
      })),
    },
    targets: { http: false, prometheus: false, postgres: false, docker: false, files: false },
    journal: { dir: "journal" },
    notify: {
      channels: [
        { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T0/B0/climb` },
        ...["on-call", ...pagers].map((id) => ({
          id,
          kind: "pagerduty",
          routingKey: keyOf(id),
          url: `${pagerduty.url}/v2/enqueue`,
        })),
      ],
      retries: 0,
    },
    serve: { port: 0, tick: "1s" },
  })
  const times = new Map<unknown, number>()
  /** PagerDuty events per channel: action and when it arrived. */
  const events = (id: string) =>
    pagerduty.received
      .map((request) => {
        if (!times.has(request)) times.set(request, Date.now())
        return { request, at: times.get(request) ?? 0 }
      })
      .filter(({ request }) => request.json.routing_key === keyOf(id))
      .map(({ request, at }) => ({ action: String(request.json.event_action), at }))
  const triggers = (id: string) => events(id).filter((event) => event.action === "trigger")
  return { dir, pagerduty, slack, events, triggers, times }
}

describe("ir serve climbs the contact chain", () => {
  it("pages level 1, then 2, then 3 at their delays, each once, while nobody acknowledges", async () => {
    requireBuiltCli()
    const { dir, slack, triggers } = await climbingWorkspace("climb")
    const server = await serve(dir)
    const watch = setInterval(() => triggers("on-call"), 10)
    try {
      expect((await postAlert(server.url, p0Notification('{}:{alertname="Climb"}'))).status).toBe(
        201,
      )
      const vp = await waitFor("the VP's page", async () => triggers("vp-pager")[0], 30_000, 50)
      // a tick or two more: nothing else is due (the VP is reminded at the P0's 30-minute cadence)
      await new Promise((resolve) => setTimeout(resolve, 2500))
      expect(triggers("on-call"), server.output()).toHaveLength(1)
      const [lead, manager, again] = [
        triggers("lead-pager"),
        triggers("manager-pager"),
        triggers("vp-pager"),
      ]
      expect(lead).toHaveLength(1)
      expect(manager).toHaveLength(1)
      expect(again).toHaveLength(1)
      // 3 s after opening the rule fires (level 1); each level 4 s after the one before
      const page = triggers("on-call")[0]!.at
      expect(lead[0]!.at - page).toBeGreaterThanOrEqual(3000 - 200)
      expect(manager[0]!.at - lead[0]!.at).toBeGreaterThanOrEqual(4000 - 200)
      expect(manager[0]!.at - lead[0]!.at).toBeLessThan(4000 + 2000)
      expect(vp.at - manager[0]!.at).toBeGreaterThanOrEqual(4000 - 200)
      expect(vp.at - manager[0]!.at).toBeLessThan(4000 + 2000)
      // #incidents hears each step, naming who is paged and why
      const said = slack.received.map((request) => String(request.json.text))
      const escalations = said.filter((text) => /Ada|Grace|Linus/.test(text))
      expect(escalations).toHaveLength(3)
      expect(escalations[1]).toMatch(/Grace/)
      expect(escalations[1]).toMatch(/not acknowledged within 4s/)
    } finally {
      clearInterval(watch)
    }
  }, 90_000)

  it("stops climbing when the contact at level 2 acknowledges, and PagerDuty is told", async () => {
    requireBuiltCli()
    const { dir, triggers, events } = await climbingWorkspace("climb-ack")
    const server = await serve(dir)
    const watch = setInterval(() => triggers("on-call"), 10)
    try {
      expect((await postAlert(server.url, p0Notification('{}:{alertname="Ack"}'))).status).toBe(201)
      await waitFor("Grace's page", async () => triggers("manager-pager")[0], 30_000, 50)
      const ack = await irProcess(["incident", "ack", "--by", "grace", "--json"], {
        cwd: dir,
        timeoutMs: 60_000,
      })
      expect(ack.code, ack.stderr).toBe(0)
      // longer than the climb's 4 s and two ticks: nobody further up is paged
      await new Promise((resolve) => setTimeout(resolve, 7000))
      expect(triggers("vp-pager"), server.output()).toHaveLength(0)
      expect(triggers("lead-pager")).toHaveLength(1)
      expect(triggers("manager-pager")).toHaveLength(1)
      // the clock acknowledges in PagerDuty what was paged: the page and both people's
      for (const id of ["on-call", "lead-pager", "manager-pager"])
        expect(
          events(id).filter((event) => event.action === "acknowledge"),
          id,
        ).toHaveLength(1)
      const shown = JSON.parse(
        (await irProcess(["incident", "show", "--json"], { cwd: dir, timeoutMs: 60_000 })).stdout,
      )
      expect(shown.incident.acknowledgedBy).toBe("grace")
    } finally {
      clearInterval(watch)
    }
  }, 90_000)
})
