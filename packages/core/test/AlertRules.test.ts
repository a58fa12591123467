/// <reference types="node" />
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { skippedServices } from "../../../scripts/test-support/requireService.js"
import {
  AlertRules,
  alertRules,
  Duration,
  defaultRunbook,
  type Runbook,
  type Symptom,
} from "../src/index.js"

const runbookUrl = "https://runbooks.example.com/ir"
const rules = alertRules(defaultRunbook, { runbookUrl })
const byName = new Map(rules.groups.flatMap((group) => group.rules).map((r) => [r.alert, r]))

const errorRatio =
  'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))'
const latencyP95 =
  "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"

const withPlaybook = (id: string, symptoms: ReadonlyArray<Symptom.Predicate>): Runbook => ({
  ...defaultRunbook,
  playbooks: [
    {
      id,
      title: "Custom",
      defaultSeverity: "P3",
      severityRules: [],
      symptoms: symptoms.map((when, index) => ({
        id: `s${index + 1}`,
        text: `Symptom ${index + 1}`,
        when,
        primary: true,
        origin: "symptom",
      })),
      immediateActions: [],
      investigation: [],
      resolution: [],
      commonCauses: [],
      postResolution: [],
    },
  ],
})

/** promtool from the Prometheus package; skipped only when IR_SERVICES_SKIP names prometheus. */
const promtool = (() => {
  const probe = spawnSync("promtool", ["--version"], { timeout: 10_000, encoding: "utf8" })
  if (probe.error === undefined && probe.status === 0) return "promtool"
  if (!skippedServices().includes("prometheus")) {
    throw new Error(
      "promtool was not found (apt-get install prometheus), and IR_SERVICES_SKIP does not name prometheus",
    )
  }
  console.warn(
    "*** promtool not found and IR_SERVICES_SKIP names prometheus: skipping `promtool check rules`",
  )
  return undefined
})()

describe("alertRules on the default runbook", () => {
  it("emits one rule per Prometheus-observable symptom condition, grouped by playbook", () => {
    expect(rules.groups.map((group) => group.name)).toEqual([
      "ir.system-down",
      "ir.high-api-error-rate",
      "ir.model-inference-failures",
      "ir.resource-exhaustion",
    ])
    expect(
      rules.groups.flatMap((group) => group.rules.map((r) => [r.alert, r.expr, r.for])),
    ).toEqual([
      ["SystemDown_AllEndpoints5xx", `(${errorRatio}) >= 0.99`, undefined],
      ["SystemDown_NoMetrics_PrometheusMetricsPresent", "absent(http_requests_total)", undefined],
      ["SystemDown_NoMetrics_PrometheusTargetsUpRatio", 'avg(up{job="app"}) == 0', undefined],
      ["HighApiErrorRate_ErrorRate", `(${errorRatio}) > 0.1`, "5m"],
      ["HighApiErrorRate_ResponseTimes", `${latencyP95} > 1`, undefined],
      ["ModelInferenceFailures_ReconstructionErrors", "model_reconstruction_error > 1", undefined],
      ["ResourceExhaustion_SlowPerformance", `${latencyP95} > 1`, undefined],
    ])
  })

  it("labels each rule with the playbook's severity and id, and links to the playbook", () => {
    const rule = byName.get("HighApiErrorRate_ErrorRate")
    expect(rule).toEqual({
      alert: "HighApiErrorRate_ErrorRate",
      expr: `(${errorRatio}) > 0.1`,
      for: "5m",
      labels: { severity: "p1", playbook: "high-api-error-rate", symptom: "error-rate" },
      annotations: {
        summary: "High API Error Rate: Error rate > 10% for 5+ minutes",
        description:
          'api.error_ratio > 0.1 (threshold api.error_ratio, critical) for 5m. Observed {{ $value }}. Playbook "High API Error Rate", severity P1. Respond within 1 hour (Slack notification + email).',
        runbook_url: "https://runbooks.example.com/ir#high-api-error-rate",
      },
    })
    expect(byName.get("SystemDown_AllEndpoints5xx")?.labels.severity).toBe("p0")
    expect(byName.get("ResourceExhaustion_SlowPerformance")?.labels.severity).toBe("p2")
    expect(byName.get("ResourceExhaustion_SlowPerformance")?.annotations.description).toContain(
      "A secondary symptom",
    )
    // A boolean signal has no meaningful value to show.
    expect(
      byName.get("SystemDown_NoMetrics_PrometheusMetricsPresent")?.annotations.description,
    ).not.toContain("$value")
  })

  it("resolves thresholds from the runbook, so a team's tuning reaches the alerts", () => {
    const tuned: Runbook = {
      ...defaultRunbook,
      thresholds: {
        ...defaultRunbook.thresholds,
        "api.error_ratio": { ...defaultRunbook.thresholds["api.error_ratio"]!, critical: 0.02 },
      },
    }
    const rule = alertRules(tuned, { runbookUrl })
      .groups.flatMap((group) => group.rules)
      .find((r) => r.alert === "HighApiErrorRate_ErrorRate")
    expect(rule?.expr).toBe(`(${errorRatio}) > 0.02`)
  })

  it("returns plain data that the AlertRuleFile schema accepts", () => {
    expect(
      Schema.decodeUnknownSync(AlertRules.AlertRuleFile)(JSON.parse(JSON.stringify(rules))),
    ).toEqual(JSON.parse(JSON.stringify(rules)))
  })

  it.skipIf(promtool === undefined)("passes `promtool check rules`", () => {
    const dir = mkdtempSync(join(tmpdir(), "ir-alert-rules-"))
    try {
      const file = join(dir, "rules.yml")
      // JSON is valid YAML; serialising to YAML proper is the CLI's job.
      writeFileSync(file, JSON.stringify(rules, null, 2))
      const custom = join(dir, "custom.yml")
      writeFileSync(custom, JSON.stringify(alertRules(customRunbook, { runbookUrl }), null, 2))
      const result = spawnSync(promtool!, ["check", "rules", file, custom], {
        timeout: 30_000,
        encoding: "utf8",
      })
      expect(result.error).toBeUndefined()
      expect(`${result.stdout}${result.stderr}`).toContain("SUCCESS: 7 rules found")
      expect(result.status, result.stderr).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

const customRunbook = withPlaybook("5xx-burst", [
  { not: { signal: "app.memory_bytes", op: "<", value: 2e9, for: Duration.make("90s") } },
  { signal: "prometheus.metrics.present", op: "!=", value: false },
  { signal: "prometheus.metrics.present", op: "==", value: true },
  { signal: "api.requests_per_second", op: ">", value: 100, for: Duration.make("1.5h") },
  { signal: "api.requests_per_second", op: "<", value: 0.5, for: Duration.make("0.5s") },
  { signal: "api.error_ratio", op: ">", value: { threshold: "no-such", level: "warn" } },
  { signal: "api.error_ratio", op: "==", value: "high" },
  { signal: "prometheus.metrics.present", op: ">", value: true },
  { signal: "postgres.reachable", op: "==", value: false },
  { manual: "customer-complaints" },
  {
    any: [
      { signal: "api.latency_p95_seconds", op: ">", value: Number.POSITIVE_INFINITY },
      { signal: "api.latency_p95_seconds", op: ">", value: Number.NEGATIVE_INFINITY },
      { signal: "api.latency_p95_seconds", op: ">", value: Number.NaN },
    ],
  },
])

describe("alertRules on a team's own playbooks", () => {
  const custom = alertRules(customRunbook, { runbookUrl: `${runbookUrl}#old-anchor` })
  const all = custom.groups.flatMap((group) => group.rules)

  it("negates conditions under `not`, keeps durations in Prometheus form and skips the unobservable", () => {
    expect(all.map((r) => [r.alert, r.expr, r.for])).toEqual([
      ["Ir5xxBurst_S1", "memory_usage_bytes >= 2000000000", undefined],
      ["Ir5xxBurst_S2", "count(http_requests_total) > 0", undefined],
      ["Ir5xxBurst_S3", "count(http_requests_total) > 0", undefined],
      ["Ir5xxBurst_S4", "sum(rate(http_requests_total[5m])) > 100", "90m"],
      ["Ir5xxBurst_S5", "sum(rate(http_requests_total[5m])) < 0.5", "500ms"],
      ["Ir5xxBurst_S11_ApiLatencyP95Seconds", `${latencyP95} > +Inf`, undefined],
      ["Ir5xxBurst_S11_ApiLatencyP95Seconds_2", `${latencyP95} > -Inf`, undefined],
      ["Ir5xxBurst_S11_ApiLatencyP95Seconds_3", `${latencyP95} > NaN`, undefined],
    ])
  })

  it("uses the playbook id as the anchor of the runbook URL", () => {
    expect(all[0]?.annotations.runbook_url).toBe(`${runbookUrl}#5xx-burst`)
    expect(all[0]?.labels).toEqual({ severity: "p3", playbook: "5xx-burst", symptom: "s1" })
  })

  it("leaves out playbooks with no observable symptom", () => {
    const none = withPlaybook("probes-only", [
      { signal: "postgres.reachable", op: "==", value: false },
    ])
    expect(alertRules(none, { runbookUrl })).toEqual({ groups: [] })
  })
})

describe("severity labels", () => {
  it("are the level in lower case and map back, in any case", () => {
    expect(AlertRules.severityLabel("P2")).toBe("p2")
    expect(AlertRules.severityFromLabel("p0")).toBe("P0")
    expect(AlertRules.severityFromLabel("P3")).toBe("P3")
    expect(AlertRules.severityFromLabel("critical")).toBeUndefined()
  })
})
