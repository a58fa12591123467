// Maintenance windows with the BUILT CLI and a real `ir serve`: a window started with
// `ir maintenance start` (kept in the journal, file or PostgreSQL) covers playbook system-down;
// a P0 alert for it opens an incident whose message says so, and PagerDuty receives no trigger;
// after `ir maintenance end`, the same kind of alert with a new group key pages.
import type { ChildProcess } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type Peer, pagerDutyPeer, webhookPeer } from "./peers.js"
import { requireService } from "./requireService.js"
import { irProcess, requireBuiltCli, serveIr, waitFor } from "./scenarios.js"

const pgUrl = requireService("IR_TEST_PG_URL")

const token = "maintenance-token-0123456789abcdef"
const routingKey = "0123456789abcdef0123456789abcdef"
const root = mkdtempSync(join(tmpdir(), "ir-maintenance-"))
const started: Array<ChildProcess> = []
const peers: Array<Peer> = []

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
})
afterAll(async () => {
  for (const peer of peers.splice(0)) await peer.close()
  rmSync(root, { recursive: true, force: true })
})

const serve = (dir: string) => serveIr(dir, token, started)

/** An Alertmanager notification (payload version 4) for one firing P0 alert of system-down. */
const p0Alert = (groupKey: string) => ({
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
      fingerprint: `fp-${groupKey}`,
    },
  ],
})

const postAlert = async (url: string, body: unknown) => {
  const answer = await fetch(`${url}/alerts/alertmanager`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  })
  return { status: answer.status, json: (await answer.json()) as Record<string, unknown> }
}

const backends = [
  { name: "file", journal: () => ({ dir: "journal" }) },
  {
    name: "postgres",
    journal: () =>
      pgUrl === undefined
        ? undefined
        : { backend: "postgres", url: pgUrl, schema: `ir_maintenance_${process.pid}` },
  },
]

describe.each(backends)("maintenance windows on the $name journal", ({ name, journal }) => {
  it("an alert for what is under maintenance opens an incident that pages nobody; the same alert after the window pages", async () => {
    const journalConfig = journal()
    if (journalConfig === undefined) return
    requireBuiltCli()
    const hook = await webhookPeer()
    const pagerduty = await pagerDutyPeer()
    peers.push(hook, pagerduty)
    const dir = join(root, name)
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, "ir.config.yaml"),
      stringify({
        targets: { http: false, prometheus: false, postgres: false, docker: false, files: false },
        journal: journalConfig,
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
          retries: 0,
        },
        serve: { port: 0, tick: "1s" },
      }),
    )
    const ir = (argv: ReadonlyArray<string>) =>
      irProcess(argv, { cwd: dir, env: { IR_USER: "alice" }, timeoutMs: 60_000 })

    const startedWindow = await ir([
      "maintenance",
      "start",
      "--playbook",
      "system-down",
      "--for",
      "1h",
      "--reason",
      "core switch replacement",
      "--id",
      "switch-swap",
      "--json",
    ])
    expect(startedWindow.code, startedWindow.stderr).toBe(0)
    expect(JSON.parse(startedWindow.stdout).window).toMatchObject({
      id: "switch-swap",
      playbooks: ["system-down"],
      state: "active",
      by: "alice",
    })

    const server = await serve(dir)
    const during = await postAlert(server.url, p0Alert('{}:{alertname="ServiceDown"}'))
    expect(during.status, JSON.stringify(during.json)).toBe(201)
    const initial = await waitFor(
      "the initial alert",
      async () => hook.received.find((request) => request.json.kind === "initial"),
      20_000,
      50,
    )
    expect(String(initial.json.text)).toMatch(
      /Under planned maintenance switch-swap until \d{4}-\d\d-\d\d \d\d:\d\d UTC: not paged/,
    )
    // two ticks of the clock: still no page
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(pagerduty.received, server.output()).toEqual([])
    expect(server.output()).toMatch(/Under planned maintenance switch-swap/)
    const shown = await ir(["incident", "show", "--json"])
    expect(shown.code, shown.stderr).toBe(0)
    const flagged = JSON.parse(shown.stdout) as { incident: { id: string; flags: unknown } }
    expect(JSON.stringify(flagged.incident.flags)).toContain("planned-maintenance")

    const ended = await ir(["maintenance", "end", "switch-swap"])
    expect(ended.code, ended.stderr).toBe(0)
    const listed = await ir(["maintenance", "list", "--all", "--json"])
    expect(JSON.parse(listed.stdout).windows).toEqual([
      expect.objectContaining({ id: "switch-swap", state: "over", source: "journal" }),
    ])

    const after = await postAlert(server.url, p0Alert('{}:{alertname="ServiceDown"}:after'))
    expect(after.status, JSON.stringify(after.json)).toBe(201)
    const trigger = await waitFor(
      "the page",
      async () => pagerduty.received.find((request) => request.json.event_action === "trigger"),
      20_000,
      50,
    )
    expect(trigger.json.dedup_key).not.toBe(flagged.incident.id)
    expect(pagerduty.received).toHaveLength(1)
  }, 90_000)
})
