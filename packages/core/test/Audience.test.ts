import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import {
  Audience,
  decodeRunbook,
  defaultRunbook,
  Escalation,
  escalate,
  foldIncident,
  type IncidentEvent,
  mergeRunbook,
  Runbook,
} from "../src/index.js"

const t0 = new Date("2026-11-28T10:00:00Z")
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)
const opened = (severity: "P0" | "P1" | "P2" | "P3"): IncidentEvent.IncidentEvent => ({
  type: "opened",
  at: t0,
  incidentId: "INC-2026-0007",
  title: "api-1.prod.internal 5xx at 12%",
  severity,
  playbooks: ["high-api-error-rate"],
  summary: "5xx on 10.0.3.7:8080",
  source: { kind: "manual" },
})
const fold = (events: ReadonlyArray<IncidentEvent.IncidentEvent>) =>
  Either.getOrThrow(foldIncident(events))

describe("audiences: the status page and support tickets by policy", () => {
  it("routes the seed's default: P0 and P1 to the status page, P0 to P2 to support tickets", () => {
    expect(Audience.channelsFor(defaultRunbook, "P0")).toEqual(["status-page", "support-tickets"])
    expect(Audience.channelsFor(defaultRunbook, "P1")).toEqual(["status-page", "support-tickets"])
    expect(Audience.channelsFor(defaultRunbook, "P2")).toEqual(["support-tickets"])
    expect(Audience.channelsFor(defaultRunbook, "P3")).toEqual([])
  })

  it("reads the policy from a team's runbook, and never routes a page or a direct channel", () => {
    const runbook = mergeRunbook(defaultRunbook, {
      audiences: { external: { severities: ["P0"] }, customer: { severities: [] } },
      channels: [{ id: "pd-public", audience: "external", kind: "pagerduty", text: "PagerDuty" }],
    })
    expect(Either.isRight(runbook)).toBe(true)
    const merged = Either.getOrThrow(runbook)
    expect(Audience.channelsFor(merged, "P0")).toEqual(["status-page"])
    expect(Audience.channelsFor(merged, "P1")).toEqual([])
    expect(Escalation.messageChannels(merged, "P0")).toEqual(["incidents", "status-page"])
  })

  it("defaults the policy when a runbook document leaves it out", () => {
    const encoded = Schema.encodeSync(Runbook)(defaultRunbook) as Record<string, unknown>
    const { audiences: _omitted, ...rest } = encoded
    const decoded = decodeRunbook(rest)
    expect(Either.isRight(decoded)).toBe(true)
    expect(Either.getOrThrow(decoded).audiences).toEqual(Audience.defaultAudiencePolicy)
  })

  it("keeps a public channel on the incident once it heard of it, after the severity drops", () => {
    const initial = escalate(defaultRunbook, fold([opened("P1")]), t0).find(
      (action) => action.kind === "notify-initial",
    )
    expect(initial?.channels).toContain("status-page")
    const incident = fold([
      opened("P1"),
      {
        type: "notification-sent",
        at: at(1),
        message: "initial",
        channels: initial?.channels ?? [],
        key: initial?.key ?? "",
        references: { "status-page": "p31zjtct2jer", "support-tickets": "4711" },
      },
      { type: "severity-changed", at: at(2), severity: "P3", reason: "only one customer" },
      { type: "acknowledged", at: at(3), by: "alice" },
      {
        type: "resolved",
        at: at(20),
        resolution: "rolled back",
        rootCause: "a bad deploy",
        by: "alice",
      },
    ])
    const resolution = escalate(defaultRunbook, incident, at(21)).find(
      (action) => action.kind === "notify-resolution",
    )
    expect(resolution?.channels).toEqual(["incidents", "status-page", "support-tickets"])
    expect(Audience.references(incident)).toEqual({
      "status-page": "p31zjtct2jer",
      "support-tickets": "4711",
    })
  })

  it("says investigating, identified once something worked, monitoring once mitigated, resolved", () => {
    const base = [opened("P1"), { type: "acknowledged", at: at(2), by: "alice" } as const]
    expect(Audience.publicStatus(fold(base))).toBe("investigating")
    const dryRun: IncidentEvent.IncidentEvent = {
      type: "action-taken",
      at: at(3),
      detail: "restarted",
      action: "restart",
      target: "api",
      dryRun: true,
      outcome: "planned",
    }
    expect(Audience.publicStatus(fold([...base, dryRun]))).toBe("investigating")
    const restarted = { ...dryRun, dryRun: false, outcome: "succeeded" as const }
    expect(Audience.publicStatus(fold([...base, restarted]))).toBe("identified")
    const mitigated: IncidentEvent.IncidentEvent = {
      type: "mitigated",
      at: at(5),
      summary: "rolled back",
    }
    expect(Audience.publicStatus(fold([...base, restarted, mitigated]))).toBe("monitoring")
  })

  it("takes out of public text what must never reach customers", () => {
    const text = Audience.publicText(
      "Failing over db-1.prod.internal (10.0.3.7) and api:8080 for INC-2026-0042; see https://grafana.example.com/d/x or mail ops@example.com; fe80::1:2:3 too. ETA 30 minutes, version 2.1, back by 11:30 UTC",
    )
    for (const secret of [
      "db-1",
      "10.0.3.7",
      "api:8080",
      "INC-2026-0042",
      "grafana",
      "ops@",
      "fe80",
    ])
      expect(text).not.toContain(secret)
    expect(text).toContain("ETA 30 minutes, version 2.1, back by 11:30 UTC")
  })
})
