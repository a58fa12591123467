// End to end with the real services: Prometheus evaluates the rules `ir alerts rules` generates
// against a service it scrapes, the real Alertmanager posts to the receiver, and the journal holds
// the incidents with the right playbook and severity.
import { readFile, rm, writeFile } from "node:fs/promises"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { alertRules, defaultRunbook } from "@ir/core"
import type { IncidentSummary, Journal } from "@ir/journal"
import { Effect } from "effect"
import { Gauge, Registry } from "prom-client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { createAlertReceiver } from "../src/AlertReceiver.js"
import { type RunningServer, serve } from "../src/GracefulShutdown.js"
import { createHandler } from "../src/Handler.js"
import { tempJournal } from "./fixtures.js"
import { requireService } from "./requireService.js"

const prometheusUrl = requireService("IR_TEST_PROMETHEUS_URL")
const rulesDir = requireService("IR_TEST_PROMETHEUS_RULES_DIR")
const targetsFile = requireService("IR_TEST_PROMETHEUS_TARGETS_FILE")
const alertmanagerUrl = requireService("IR_TEST_ALERTMANAGER_URL")
const alertmanagerConfig = requireService("IR_TEST_ALERTMANAGER_CONFIG")
const ready =
  prometheusUrl !== undefined &&
  rulesDir !== undefined &&
  targetsFile !== undefined &&
  alertmanagerUrl !== undefined &&
  alertmanagerConfig !== undefined

const token = "alertmanager-e2e-token"

const reload = async (base: string) => {
  const response = await fetch(`${base}/-/reload`, {
    method: "POST",
    signal: AbortSignal.timeout(10_000),
  })
  expect(response.status, `${base}/-/reload: ${await response.text()}`).toBe(200)
}

/** Polls `probe` until it returns a value or the deadline passes. */
const eventually = async <A>(
  what: string,
  deadlineMs: number,
  probe: () => Promise<A | undefined>,
): Promise<A> => {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what}: not within ${deadlineMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

describe.skipIf(!ready)("Prometheus → Alertmanager → receiver → journal", () => {
  const rulesFile = join(rulesDir ?? "", "ir-http-e2e.yml")
  let journal: Journal
  let disposeJournal: () => Promise<void>
  let receiver: RunningServer
  let scraped: Server
  let savedTargets = "[]"
  let savedAlertmanager = ""
  let reconstructionError: Gauge

  beforeAll(async () => {
    ;({ journal, dispose: disposeJournal } = await tempJournal())
    const handler = createHandler({
      alerts: createAlertReceiver({ journal, runbook: defaultRunbook, auth: { bearer: token } }),
    })
    receiver = await serve(handler, { signals: false, shutdownDelayMs: 0 })

    // The service Prometheus scrapes: the model's reconstruction error is above its threshold.
    const registry = new Registry()
    reconstructionError = new Gauge({
      name: "model_reconstruction_error",
      help: "Reconstruction error",
      registers: [registry],
    })
    reconstructionError.set(3)
    scraped = createServer((_req, res) => {
      void registry.metrics().then((text) => {
        res.writeHead(200, { "content-type": registry.contentType })
        res.end(text)
      })
    })
    await new Promise<void>((resolve) => scraped.listen(0, "127.0.0.1", resolve))
    const scrapedPort = (scraped.address() as AddressInfo).port
    // And the app itself is down: a target of job "app" where nothing listens, so
    // `avg(up{job="app"}) == 0` (rules that aggregate over every series, like the 5xx ratio,
    // would also see whatever other suites left in this Prometheus).
    const dead = createServer()
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve))
    const deadPort = (dead.address() as AddressInfo).port
    await new Promise((resolve) => dead.close(resolve))

    // Rules as `ir alerts rules` writes them (JSON would do too: it is valid YAML).
    await writeFile(
      rulesFile,
      stringify(alertRules(defaultRunbook, { runbookUrl: "https://runbooks.example.com/ir" })),
    )
    savedTargets = await readFile(targetsFile!, "utf8")
    await writeFile(
      targetsFile!,
      JSON.stringify([
        { targets: [`127.0.0.1:${scrapedPort}`], labels: { service: "ir-http-e2e" } },
        { targets: [`127.0.0.1:${deadPort}`], labels: { job: "app" } },
      ]),
    )
    await reload(prometheusUrl!)

    savedAlertmanager = await readFile(alertmanagerConfig!, "utf8")
    await writeFile(
      alertmanagerConfig!,
      stringify({
        route: {
          receiver: "ir",
          group_by: ["alertname"],
          group_wait: "1s",
          group_interval: "1s",
          repeat_interval: "1h",
        },
        receivers: [
          {
            name: "ir",
            webhook_configs: [
              {
                url: `${receiver.url}/alerts/alertmanager`,
                send_resolved: true,
                http_config: { authorization: { credentials: token } },
              },
            ],
          },
        ],
      }),
    )
    await reload(alertmanagerUrl!)
  }, 30_000)

  afterAll(async () => {
    if (savedAlertmanager !== "") {
      await writeFile(alertmanagerConfig!, savedAlertmanager)
      await reload(alertmanagerUrl!)
    }
    await rm(rulesFile, { force: true })
    await writeFile(targetsFile!, savedTargets)
    await reload(prometheusUrl!)
    await receiver?.shutdown()
    await new Promise((resolve) => scraped?.close(resolve))
    await disposeJournal?.()
  }, 30_000)

  it("loads the generated rules", async () => {
    const groups = await eventually("rule groups loaded", 10_000, async () => {
      const response = await fetch(`${prometheusUrl}/api/v1/rules`)
      const body = (await response.json()) as { data: { groups: Array<{ name: string }> } }
      const names = body.data.groups.map((group) => group.name)
      return names.includes("ir.system-down") ? names : undefined
    })
    expect(groups).toContain("ir.model-inference-failures")
  })

  it("opens incidents with the playbook and severity of the rules that fired", async () => {
    const byAlert = (alertname: string) => (incident: IncidentSummary) =>
      incident.dedupKey?.includes(`alertname="${alertname}"`) === true
    const incidents = await eventually("both incidents in the journal", 60_000, async () => {
      const listed = await Effect.runPromise(journal.list())
      const down = listed.find(byAlert("SystemDown_NoMetrics_PrometheusTargetsUpRatio"))
      const model = listed.find(byAlert("ModelInferenceFailures_ReconstructionErrors"))
      return down !== undefined && model !== undefined ? { down, model } : undefined
    })
    expect(incidents.down).toMatchObject({
      title: "System Completely Down",
      severity: "P0",
      playbooks: ["system-down"],
      status: "open",
    })
    expect(incidents.model).toMatchObject({
      title: "Model Inference Failures",
      severity: "P1",
      playbooks: ["model-inference-failures"],
    })
    const record = await Effect.runPromise(journal.read(incidents.down.humanId))
    expect(record.state.source?.kind).toBe("alert")
    expect(record.state.summary).toBe("System Completely Down: Grafana showing no metrics")
    expect(record.events[0]).toMatchObject({ type: "opened", by: "alertmanager:ir" })
  }, 70_000)

  it("marks the incident mitigated once its alerts resolve", async () => {
    reconstructionError.set(0.2)
    const mitigated = await eventually("the model incident mitigated", 45_000, async () => {
      const listed = await Effect.runPromise(journal.list())
      const model = listed.find(
        (incident) =>
          incident.dedupKey?.includes('alertname="ModelInferenceFailures_ReconstructionErrors"') ===
          true,
      )
      return model?.status === "mitigated" ? model : undefined
    })
    const record = await Effect.runPromise(journal.read(mitigated.humanId))
    expect(record.events.map((event) => event.type)).toEqual(["opened", "mitigated"])
    expect(record.state.severity).toBe("P1")
  }, 50_000)
})
