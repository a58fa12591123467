import { describe, expect, it } from "vitest"
import { CheckReport } from "../src/index.js"

type Result = Parameters<typeof CheckReport.line>[0]

const result = (overrides: Partial<Result>): Result => ({
  id: "postgres.connections",
  status: "ok",
  summary: "12/37 connections used",
  observations: [],
  signals: [],
  durationMs: 12,
  ...overrides,
})

describe("CheckReport", () => {
  it("writes performance data the plugin guidelines' way", () => {
    expect(
      CheckReport.perfdata({
        name: "connections",
        value: 12,
        warn: 29.6,
        critical: 35.15,
        min: 0,
        max: 37,
      }),
    ).toBe("'connections'=12;29.6;35.15;0;37")
    expect(CheckReport.perfdata({ name: "latency", value: 0.0042, unit: "s", min: 0 })).toBe(
      "'latency'=0.0042s;;;0",
    )
    expect(CheckReport.perfdata({ name: "total_size", value: 2048, unit: "B" })).toBe(
      "'total_size'=2048B",
    )
  })

  it("prints ratios as percentages, thresholds included", () => {
    expect(
      CheckReport.perfdata({
        name: "error_ratio",
        value: 0.125,
        unit: "ratio",
        warn: 0.05,
        critical: 0.1,
        min: 0,
        max: 1,
      }),
    ).toBe("'error_ratio'=12.5%;5;10;0;100")
  })

  it("drops units Nagios does not know and quotes labels", () => {
    expect(CheckReport.perfdata({ name: "it's=odd", value: 3, unit: "req/s" })).toBe(
      "'it''s_odd'=3",
    )
  })

  it("puts the worst check first, so a monitor's first line matches the exit code", () => {
    const lines = CheckReport.lines([
      result({ id: "host.memory", status: "ok", summary: "fine" }),
      result({
        id: "postgres.connectivity",
        status: "unknown",
        summary: "no answer within 2000 ms",
      }),
      result({ id: "host.disk", status: "warn", summary: "/ at 85%" }),
      result({ id: "files.models", status: "critical", summary: "model missing" }),
    ])
    expect(lines.map((line) => line.split(" - ")[0])).toEqual([
      "CRITICAL",
      "WARNING",
      "UNKNOWN",
      "OK",
    ])
  })

  it("keeps a summary from starting performance data", () => {
    expect(CheckReport.line(result({ summary: "a | b\nc" }))).toBe(
      "OK - postgres.connections: a / b c",
    )
  })

  it("exits with the worst status, and UNKNOWN when nothing was checked", () => {
    expect(CheckReport.exitCode([result({ status: "ok" }), result({ status: "warn" })])).toBe(1)
    expect(
      CheckReport.exitCode([result({ status: "unknown" }), result({ status: "critical" })]),
    ).toBe(2)
    expect(CheckReport.exitCode([])).toBe(3)
  })
})
