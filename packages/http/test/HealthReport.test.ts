import { describe, expect, it } from "vitest"
import { healthReport, healthStatus, httpStatus, worstHealth } from "../src/HealthReport.js"
import { result } from "./fixtures.js"

const at = new Date("2026-11-28T10:00:00.000Z")

describe("healthReport", () => {
  it("maps probe statuses: ok passes, warn warns, critical and unknown fail", () => {
    expect(healthStatus("ok")).toBe("pass")
    expect(healthStatus("warn")).toBe("warn")
    expect(healthStatus("critical")).toBe("fail")
    expect(healthStatus("unknown")).toBe("fail")
    expect(httpStatus("pass")).toBe(200)
    expect(httpStatus("warn")).toBe(200)
    expect(httpStatus("fail")).toBe(503)
    expect(worstHealth([])).toBe("pass")
    expect(worstHealth(["pass", "warn", "pass"])).toBe("warn")
  })

  it("shows the status alone without details", () => {
    const body = healthReport(
      [result({ id: "postgres.connectivity", status: "critical", summary: "refused" })],
      { details: false, at, serviceId: "api", version: "1.2.3" },
    )
    expect(body).toEqual({ status: "fail", serviceId: "api", version: "1.2.3" })
  })

  it("keys checks component:measurement with the draft's fields", () => {
    const body = healthReport(
      [
        result({
          id: "postgres.connectivity",
          target: "postgres://app:***@db:5432/app",
          observations: [
            { name: "latency", value: 0.002, unit: "s", warn: 0.5, critical: 2 },
            { name: "connect_time", value: 0.01, unit: "s" },
          ],
        }),
        result({ id: "docker.containers", status: "warn", summary: "app restarted 3 times" }),
      ],
      { details: true, at },
    )
    expect(body.status).toBe("warn")
    expect(body.checks?.["postgres:latency"]).toEqual([
      {
        componentId: "postgres://app:***@db:5432/app",
        componentType: "datastore",
        observedValue: 0.002,
        observedUnit: "s",
        status: "pass",
        time: "2026-11-28T10:00:00.000Z",
      },
    ])
    expect(body.checks?.["postgres:connect_time"]?.[0]?.status).toBe("pass")
    expect(body.checks?.["docker:containers"]).toEqual([
      {
        componentType: "system",
        status: "warn",
        time: "2026-11-28T10:00:00.000Z",
        output: "app restarted 3 times",
      },
    ])
    expect(body.output).toBe("docker.containers: app restarted 3 times")
  })

  it("grades a measurement by its own levels in the direction they point", () => {
    const body = healthReport(
      [
        result({
          id: "host.memory",
          status: "critical",
          summary: "3% memory available",
          observations: [
            { name: "available", value: 0.03, warn: 0.2, critical: 0.05 },
            { name: "swap_used", value: 0.1, warn: 0.5, critical: 0.9 },
          ],
        }),
      ],
      { details: true, at },
    )
    expect(body.checks?.["host:available"]?.[0]?.status).toBe("fail")
    expect(body.checks?.["host:swap_used"]?.[0]?.status).toBe("pass")
    // A failing check says why.
    expect(body.checks?.["host:available"]?.[0]?.output).toBe("3% memory available")
  })

  it("never grades a measurement worse than its probe", () => {
    const body = healthReport(
      [
        result({
          id: "postgres.connections",
          status: "warn",
          observations: [{ name: "connections", value: 99, warn: 80, critical: 95 }],
        }),
      ],
      { details: true, at },
    )
    expect(body.checks?.["postgres:connections"]?.[0]?.status).toBe("warn")
  })

  it("passes with no probes", () => {
    expect(healthReport([], { details: true, at })).toEqual({ status: "pass", checks: {} })
  })
})
