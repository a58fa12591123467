// `ir serve` as a real process (the BUILT CLI): health, metrics, the Alertmanager receiver
// opening incidents in the journal and sending their initial alert to a Slack-compatible peer,
// once; `ir alerts route` accepted by `amtool check-config`, and a real Alertmanager running that
// route delivering an alert to `ir serve`; graceful shutdown on SIGTERM.
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type Peer, slackPeer, texts } from "./peers.js"
import { requireService } from "./requireService.js"
import {
  binPath,
  freePort,
  type IrResult,
  irProcess,
  requireBuiltCli,
  waitFor,
} from "./scenarios.js"

// Alertmanager and amtool come with the test services.
const alertmanagerUrl = requireService("IR_TEST_ALERTMANAGER_URL")

const dir = join(tmpdir(), `ir-cli-serve-${process.pid}`)
const token = "serve-token-0123456789abcdef-SECRET"
const slackSecret = "T0SERVE/B0SERVE/xoxSERVESECRET42"

let slack: Peer
let server: ChildProcess | undefined
let serverOutput = ""
let url = ""
const outputs: Array<string> = []

const env = () => ({
  IR_ALERTS_TOKEN: token,
  SLACK_WEBHOOK_URL: `${slack.url}/services/${slackSecret}`,
})

const run = async (argv: ReadonlyArray<string>): Promise<IrResult> => {
  const result = await irProcess(argv, { cwd: dir, env: env(), timeoutMs: 60_000 })
  outputs.push(result.stdout, result.stderr)
  return result
}

/** An Alertmanager webhook notification (payload version 4) for one firing P1 alert. */
const notification = (groupKey: string, alertname: string) => ({
  version: "4",
  groupKey,
  truncatedAlerts: 0,
  status: "firing",
  receiver: "ir",
  groupLabels: { alertname },
  commonLabels: { alertname, playbook: "high-api-error-rate", severity: "P1" },
  commonAnnotations: { summary: "5xx above 10% for 5 minutes" },
  externalURL: "http://alertmanager.example:9093",
  alerts: [
    {
      status: "firing",
      labels: { alertname, playbook: "high-api-error-rate", severity: "P1" },
      annotations: { summary: "5xx above 10% for 5 minutes" },
      startsAt: new Date().toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example:9090/graph",
      fingerprint: `fp-${alertname}`,
    },
  ],
})

const post = (body: unknown, authorization?: string) =>
  fetch(`${url}/alerts/alertmanager`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify(body),
  })

beforeAll(async () => {
  requireBuiltCli()
  mkdirSync(dir, { recursive: true })
  slack = await slackPeer()
  const healthPeer = await freePort()
  writeFileSync(
    join(dir, "ir.config.yaml"),
    stringify({
      targets: {
        http: {
          health: { url: `http://127.0.0.1:${healthPeer}/health`, timeout: "1s" },
          predict: false,
        },
        prometheus: false,
        postgres: false,
        docker: false,
        files: false,
      },
      journal: { dir: "journal" },
      notify: {
        channels: [{ id: "incidents", kind: "slack", webhookUrl: `\${SLACK_WEBHOOK_URL}` }],
      },
      serve: { port: 0 },
    }),
  )
  server = spawn(process.execPath, [binPath, "serve", "--shutdown-delay", "0s"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", ...env() },
    stdio: ["ignore", "pipe", "pipe"],
  })
  server.stdout?.on("data", (chunk) => {
    serverOutput += chunk
  })
  server.stderr?.on("data", (chunk) => {
    serverOutput += chunk
  })
  url = await waitFor(
    "ir serve to listen",
    async () => {
      if (server?.exitCode !== null) throw new Error(`ir serve exited: ${serverOutput}`)
      return /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(serverOutput)?.[1]
    },
    30_000,
    50,
  )
}, 60_000)

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) server.kill("SIGKILL")
  await slack?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe("ir serve", () => {
  it("serves health and metrics on loopback", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const live = await fetch(`${url}/health/live`)
    expect(live.status).toBe(200)
    expect(live.headers.get("content-type")).toContain("application/health+json")
    // The application behind the health check is down: the sidecar says so.
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(503)
    expect(((await health.json()) as { status: string }).status).toBe("fail")
    const metrics = await fetch(`${url}/metrics`)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain("ir_journal_up")
  })

  it("serves the status page with its badge and feed, whose libraries load on first use", async () => {
    const page = await fetch(`${url}/status`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain("<html")
    const badge = await fetch(`${url}/status/badge.svg`)
    expect(badge.status).toBe(200)
    expect(badge.headers.get("content-type")).toContain("image/svg+xml")
    const svg = await badge.text()
    expect(svg).toMatch(/^<svg[^>]+width="\d+"/)
    const feed = await fetch(`${url}/status/feed.atom`)
    expect(feed.status).toBe(200)
    expect(await feed.text()).toContain('<feed xmlns="http://www.w3.org/2005/Atom">')
  })

  it("opens an incident for an alert group and sends its initial alert, once", async () => {
    expect((await post(notification('{}:{alertname="ApiErrors"}', "ApiErrors"))).status).toBe(401)
    expect(
      (await post(notification('{}:{alertname="ApiErrors"}', "ApiErrors"), "Bearer wrong")).status,
    ).toBe(401)

    const before = slack.received.length
    const created = await post(
      notification('{}:{alertname="ApiErrors"}', "ApiErrors"),
      `Bearer ${token}`,
    )
    expect(created.status).toBe(201)
    const outcome = (await created.json()) as {
      incident: { id: string; created: boolean; severity: string }
    }
    expect(outcome.incident).toMatchObject({ created: true, severity: "P1" })
    const id = outcome.incident.id
    await waitFor(
      "the initial alert",
      async () => (slack.received.length > before ? true : undefined),
      15_000,
      50,
    )
    const alert = texts(slack).at(-1) ?? ""
    expect(alert).toContain("INCIDENT ALERT - P1")
    expect(alert).toContain(id)

    // The same group again joins the incident; nothing more is sent.
    const joined = await post(
      notification('{}:{alertname="ApiErrors"}', "ApiErrors"),
      `Bearer ${token}`,
    )
    expect(joined.status).toBe(200)
    expect(((await joined.json()) as { incident: { created: boolean } }).incident.created).toBe(
      false,
    )

    // The journal recorded the message: cron's `ir escalate --notify` has nothing to send.
    const shown = await run(["incident", "show", id, "--json"])
    expect(shown.code, shown.stderr).toBe(0)
    const incident = (
      JSON.parse(shown.stdout) as { incident: { notifications: Array<{ key: string }> } }
    ).incident
    expect(incident.notifications.map((sent) => sent.key)).toEqual([`${id}:notify-initial`])
    const escalated = await run(["escalate", "--notify", "--incident", id])
    expect(escalated.code, escalated.stderr).toBe(0)
    expect(slack.received.length).toBe(before + 1)
  }, 60_000)

  it.skipIf(alertmanagerUrl === undefined)(
    "is reached by a real Alertmanager through the route `ir alerts route` prints",
    async () => {
      const credentials = join(dir, "ir-alerts-token")
      writeFileSync(credentials, token)
      const route = await run([
        "alerts",
        "route",
        "--url",
        `${url}/alerts/alertmanager`,
        "--credentials-file",
        credentials,
      ])
      expect(route.code, route.stderr).toBe(0)
      expect(route.stdout).toContain('playbook=~".+"')
      expect(route.stdout).toContain("send_resolved: true")
      expect(route.stdout).not.toContain(token)
      const config = join(dir, "alertmanager.yml")
      // Only the waits are shortened, so that the test does not wait 10 s for the group.
      writeFileSync(config, route.stdout.replace("group_wait: 10s", "group_wait: 1s"))
      const check = await promisify(execFile)("amtool", ["check-config", config], {
        timeout: 30_000,
      })
      expect(check.stdout).toMatch(/SUCCESS/)

      const port = await freePort()
      mkdirSync(join(dir, "alertmanager"), { recursive: true })
      const alertmanager = spawn(
        "prometheus-alertmanager",
        [
          `--config.file=${config}`,
          `--storage.path=${join(dir, "alertmanager")}`,
          `--web.listen-address=127.0.0.1:${port}`,
          "--cluster.listen-address=",
        ],
        { stdio: "ignore" },
      )
      try {
        await waitFor(
          "Alertmanager to be ready",
          async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : undefined),
          30_000,
          100,
        )
        const before = slack.received.length
        const posted = await fetch(`http://127.0.0.1:${port}/api/v2/alerts`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify([
            {
              labels: {
                alertname: "ModelInference",
                playbook: "model-inference-failures",
                severity: "P1",
              },
              annotations: { summary: "Predictions failing" },
            },
          ]),
        })
        expect(posted.status).toBe(200)
        await waitFor(
          "the incident's initial alert",
          async () =>
            texts(slack)
              .slice(before)
              .find((text) => text.includes("Model Inference Failures")),
          30_000,
          100,
        )
        const listed = await run(["incident", "list", "--json"])
        const incidents = (
          JSON.parse(listed.stdout) as { incidents: Array<{ playbooks: Array<string> }> }
        ).incidents
        expect(
          incidents.some((incident) => incident.playbooks.includes("model-inference-failures")),
        ).toBe(true)

        // A storm: 1,000 alerts of one group, each with 3.5 KiB of annotations (3.5 MiB in all).
        // The route's max_alerts keeps the notification under the receiver's 1 MiB limit, so it
        // opens the incident instead of being refused with a 413 Alertmanager never retries.
        expect(route.stdout).toContain("max_alerts: 200")
        const storm = Array.from({ length: 1000 }, (_, index) => ({
          labels: {
            alertname: "StormErrors",
            playbook: "storm-drill",
            severity: "P1",
            instance: `api-${index}.internal:8000`,
          },
          annotations: {
            summary: `5xx above 10% on api-${index}`,
            description: `${"error ratio detail ".repeat(180)}`,
          },
        }))
        const known = new Set(
          (JSON.parse(listed.stdout) as { incidents: Array<{ id: string }> }).incidents.map(
            (incident) => incident.id,
          ),
        )
        const stormed = await fetch(`http://127.0.0.1:${port}/api/v2/alerts`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(storm),
        })
        expect(stormed.status).toBe(200)
        const opened = await waitFor(
          "the storm's incident",
          async () => {
            const list = await run(["incident", "list", "--json"])
            return (
              JSON.parse(list.stdout) as { incidents: Array<{ id: string; title: string }> }
            ).incidents.find((incident) => !known.has(incident.id))
          },
          30_000,
          250,
        ).catch((error) => {
          throw new Error(`${error}\n${serverOutput}`)
        })
        expect(opened.id, serverOutput).toMatch(/^INC-/)
        expect(serverOutput).not.toMatch(/\b413\b/)
      } finally {
        alertmanager.kill("SIGTERM")
      }
    },
    90_000,
  )

  it("logs and journals an alert's text without terminal escapes or bidi overrides", async () => {
    const ESC = "\u001b"
    // Words no playbook shares, so that the alert's name is the incident's title.
    const hostile = `Qwxz${ESC}]0;owned${ESC}\\ ${ESC}[2Jvvkq\u202e4202`
    const body = notification('{}:{alertname="Hostile"}', hostile)
    const alert = body.alerts[0]!
    const labels = { alertname: hostile, severity: "P3" }
    const annotations = { summary: `${ESC}[1Azzyq` }
    const created = await post(
      {
        ...body,
        commonLabels: labels,
        commonAnnotations: annotations,
        alerts: [{ ...alert, labels, annotations }],
      },
      `Bearer ${token}`,
    )
    expect(created.status).toBe(201)
    const { id } = ((await created.json()) as { incident: { id: string } }).incident
    await waitFor(
      "the log line of the incident",
      async () => (serverOutput.includes(`${id} opened`) ? true : undefined),
      15_000,
      50,
    )
    expect(serverOutput).toContain(`${id} opened (P3): Qwxz vvkq4202`)
    expect(serverOutput).not.toContain(ESC)
    expect(serverOutput).not.toContain("\u202e")
    const shown = await run(["incident", "show", id, "--json"])
    expect(JSON.parse(shown.stdout).incident).toMatchObject({
      title: "Qwxz vvkq4202",
      summary: "zzyq",
    })
  }, 30_000)

  it("shuts down gracefully on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) =>
      server?.once("exit", (code) => resolve(code)),
    )
    server?.kill("SIGTERM")
    expect(await exited).toBe(0)
    expect(serverOutput).toMatch(/SIGTERM received/)
    expect(serverOutput).toMatch(/stopped/)
    for (const output of [...outputs, serverOutput]) {
      expect(output).not.toContain(token)
      expect(output).not.toContain("xoxSERVESECRET42")
    }
  }, 30_000)
})
