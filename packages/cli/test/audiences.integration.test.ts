// The public audiences end to end with the BUILT CLI, a real `ir serve` and a real Alertmanager:
// a P1 alert reaches #incidents (a webhook), the status page (a Statuspage peer) and support
// tickets (a Zendesk peer); `ir incident update --public … --notify` updates the page incident
// and comments on the ticket; `ir incident resolve` resolves both. No request to a public peer
// carries a host name, an address, probe output, the internal id or a responder's name.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import {
  type Peer,
  statuspagePeer,
  webhookPeer,
  zendeskPeer,
} from "../../../scripts/test-support/peers.js"
import { requireService } from "./requireService.js"
import { freePort, irProcess, requireBuiltCli, serveIr, waitFor } from "./scenarios.js"

requireService("IR_TEST_ALERTMANAGER_URL") // the binary comes with the test services

const token = "audiences-token-0123456789abcdef"
const apiKey = "statuspage-key-0123456789abcdef"
const zendeskToken = "zendesk-token-0123456789abcdef"
const root = mkdtempSync(join(tmpdir(), "ir-audiences-"))
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

// What the alert and the responders bring that customers must never read.
const internalOnly = [
  "api-1.prod.internal",
  "10.0.3.7",
  "HTTP 503 from /api/predict",
  "error_ratio",
  "HighErrorRate",
  "alice",
  "INC-",
]

describe("a P1 from Alertmanager reaches the team, the status page and support tickets", () => {
  it("with customer-safe notices, then their update and the resolution", async () => {
    requireBuiltCli()
    const hook = await webhookPeer()
    const status = await statuspagePeer("pg1abc", apiKey)
    const tickets = await zendeskPeer("ops@example.com", zendeskToken)
    peers.push(hook, status, tickets)
    const dir = join(root, "workspace")
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, "ir.config.yaml"),
      stringify({
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
            {
              id: "status-page",
              kind: "statuspage",
              pageId: "pg1abc",
              apiKey,
              url: `${status.url}/v1`,
              components: [{ id: "cmpapi", playbooks: ["high-api-error-rate"] }],
            },
            {
              id: "support-tickets",
              kind: "zendesk",
              url: tickets.url,
              email: "ops@example.com",
              apiToken: zendeskToken,
            },
          ],
          retries: 0,
        },
        serve: { port: 0, tick: "1s" },
      }),
    )
    const server = await serve(dir)
    const amDir = join(root, "alertmanager")
    mkdirSync(amDir, { recursive: true })
    writeFileSync(
      join(amDir, "alertmanager.yml"),
      stringify({
        route: {
          receiver: "ir",
          group_by: ["alertname"],
          group_wait: "1s",
          group_interval: "2s",
          repeat_interval: "4h",
        },
        receivers: [
          {
            name: "ir",
            webhook_configs: [
              {
                url: `${server.url}/alerts/alertmanager`,
                send_resolved: true,
                http_config: { authorization: { type: "Bearer", credentials: token } },
              },
            ],
          },
        ],
      }),
    )
    const amPort = await freePort()
    started.push(
      spawn(
        "prometheus-alertmanager",
        [
          `--config.file=${join(amDir, "alertmanager.yml")}`,
          `--storage.path=${amDir}`,
          `--web.listen-address=127.0.0.1:${amPort}`,
          "--cluster.listen-address=",
        ],
        { stdio: "ignore" },
      ),
    )
    await waitFor(
      "Alertmanager to be ready",
      async () => ((await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok ? true : undefined),
      30_000,
      100,
    )
    const alert = {
      labels: {
        alertname: "HighErrorRate",
        playbook: "high-api-error-rate",
        severity: "P1",
        instance: "api-1.prod.internal:8080",
      },
      annotations: {
        summary: "HTTP 503 from /api/predict on 10.0.3.7",
        description: "error_ratio=0.124 on api-1.prod.internal",
      },
    }
    const posted = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([alert]),
    })
    expect(posted.status).toBe(200)

    await waitFor(
      "the status page incident and the ticket",
      async () => (status.incidents.size === 1 && tickets.tickets.size === 1 ? true : undefined),
      30_000,
      50,
    )
    const initial = hook.received.find((request) => request.json.kind === "initial")
    expect(String(initial?.json.text)).toContain("api-1.prod.internal")
    const [pageIncident] = [...status.incidents.values()]
    expect(pageIncident).toMatchObject({
      name: "Elevated error rates",
      status: "investigating",
      impact_override: "major",
      components: { cmpapi: "partial_outage" },
    })
    const [ticket] = [...tickets.tickets.values()]
    expect(ticket?.subject).toBe("Elevated error rates")

    const ir = (argv: ReadonlyArray<string>) =>
      irProcess(argv, { cwd: dir, env: { IR_USER: "alice" }, timeoutMs: 60_000 })
    const updated = await ir([
      "incident",
      "update",
      "--progress",
      "restarted api on api-1.prod.internal",
      "--status",
      "Restarted",
      "--next",
      "watch error_ratio",
      "--public",
      "We restarted the affected service (api-1.prod.internal); error rates are back to normal.",
      "--notify",
    ])
    expect(updated.code, updated.stderr).toBe(0)
    const patch = status.received.find((request) => request.method === "PATCH")
    expect(String((patch?.json.incident as { body?: string } | undefined)?.body)).toContain(
      "We restarted the affected service ([removed]); error rates are back to normal.",
    )
    expect(ticket?.comments).toHaveLength(2)

    const resolved = await ir([
      "incident",
      "resolve",
      "--resolution",
      "Rolled back the deploy on api-1",
      "--root-cause",
      "a bad deploy",
    ])
    expect(resolved.code, resolved.stderr).toBe(0)
    await waitFor(
      "the status page incident and the ticket resolved",
      async () =>
        pageIncident !== undefined &&
        status.incidents.get(String(pageIncident.id))?.status === "resolved" &&
        ticket?.status === "solved"
          ? true
          : undefined,
      20_000,
      50,
    )
    expect(status.incidents.get(String(pageIncident?.id))?.components).toEqual({
      cmpapi: "operational",
    })
    // Once each: one page incident, one ticket, one create and one resolution each.
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(status.received.map((request) => request.method)).toEqual(["POST", "PATCH", "PATCH"])
    expect(tickets.received.map((request) => request.method)).toEqual(["POST", "PUT", "PUT"])
    expect(hook.received.map((request) => request.json.kind)).toEqual(
      expect.arrayContaining(["initial", "update", "resolution"]),
    )

    for (const request of [...status.received, ...tickets.received]) {
      const seen = `${request.path}\n${JSON.stringify(request.headers)}\n${request.body}`
      for (const secret of internalOnly) expect(seen, request.path).not.toContain(secret)
    }
  }, 120_000)
})
