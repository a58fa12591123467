import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { ProbeResult, ProbeRun } from "@ir/diagnostics"
import { type Journal, openJournal } from "@ir/journal"
import { Effect } from "effect"
import type { AlertmanagerPayload } from "../src/AlertmanagerPayload.js"

/** A probe result with sensible defaults. */
export const result = (overrides: Partial<ProbeResult> & Pick<ProbeResult, "id">): ProbeResult => ({
  status: "ok",
  summary: `${overrides.id} fine`,
  observations: [],
  signals: [],
  durationMs: 2,
  ...overrides,
})

/** A probe run of the given results, started at a fixed time. */
export const runOf = (...results: ReadonlyArray<ProbeResult>): ProbeRun => ({
  results,
  observations: [],
  startedAt: new Date("2026-11-28T10:00:00.000Z"),
  durationMs: 5,
})

type Alert = AlertmanagerPayload["alerts"][number]

/** One alert as Alertmanager sends it. */
export const alert = (overrides: Partial<Alert> = {}): Alert => ({
  status: "firing",
  labels: {
    alertname: "SystemDown_NoMetrics_PrometheusMetricsPresent",
    playbook: "system-down",
    severity: "p0",
  },
  annotations: { summary: "System Completely Down: Grafana showing no metrics" },
  startsAt: "2026-11-28T10:00:00.000Z",
  endsAt: "0001-01-01T00:00:00Z",
  generatorURL: "http://prometheus:9090/graph",
  fingerprint: "5a1b2c3d4e5f6071",
  ...overrides,
})

/** A version 4 payload for one group. */
export const payload = (overrides: Partial<AlertmanagerPayload> = {}): AlertmanagerPayload => {
  const alerts = overrides.alerts ?? [alert()]
  return {
    version: "4",
    groupKey: '{}:{alertname="SystemDown_NoMetrics_PrometheusMetricsPresent"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    receiver: "ir",
    groupLabels: { alertname: "SystemDown_NoMetrics_PrometheusMetricsPresent" },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager:9093",
    alerts,
    ...overrides,
  }
}

/** A file journal in a fresh temporary directory. */
/** A second journal on an existing directory (as another process, or after a restart). */
export const tempJournalAt = async (
  dir: string,
): Promise<{ journal: Journal; dispose: () => Promise<void> }> => {
  const journal = await Effect.runPromise(openJournal({ backend: "file", dir }))
  return { journal, dispose: () => Effect.runPromise(journal.close) }
}

export const tempJournal = async (): Promise<{
  journal: Journal
  dir: string
  dispose: () => Promise<void>
}> => {
  const dir = await mkdtemp(join(tmpdir(), "ir-http-journal-"))
  const journal = await Effect.runPromise(openJournal({ backend: "file", dir }))
  return {
    journal,
    dir,
    dispose: async () => {
      await Effect.runPromise(journal.close)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A POST of a JSON body to the webhook route. */
export const post = (body: unknown, headers: Record<string, string> = {}): Request =>
  new Request("http://localhost/alerts/alertmanager", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  })
