// The list filter as both backends apply it: each field narrows, a single value and a list of
// values mean the same, dates bound `openedAt` (after inclusive, before exclusive), and one
// predicate serves many summaries.
import { describe, expect, it } from "vitest"
import type { IncidentSummary } from "../src/index.js"
import { summaryFilter } from "../src/internal/Summary.js"

const summary = (humanId: string, fields: Partial<IncidentSummary>): IncidentSummary => ({
  id: `00000000-0000-4000-8000-${humanId.slice(-4).padStart(12, "0")}`,
  humanId,
  title: humanId,
  status: "open",
  severity: "P2",
  playbooks: [],
  openedAt: new Date("2026-03-01T00:00:00Z"),
  sequence: 1,
  ...fields,
})

const incidents = [
  summary("INC-2026-0001", { status: "resolved", severity: "P1", playbooks: ["system-down"] }),
  summary("INC-2026-0002", { status: "acknowledged", openedAt: new Date("2026-03-02T00:00:00Z") }),
  summary("INC-2026-0003", { severity: "P0", openedAt: new Date("2026-03-03T00:00:00Z") }),
]
const ids = (filter: Parameters<typeof summaryFilter>[0]) =>
  incidents.filter(summaryFilter(filter)).map((incident) => incident.humanId)

describe("summaryFilter", () => {
  it("keeps everything without a field", () => {
    expect(ids({})).toEqual(["INC-2026-0001", "INC-2026-0002", "INC-2026-0003"])
  })

  it("narrows by status and severity, one value or several", () => {
    expect(ids({ status: "resolved" })).toEqual(["INC-2026-0001"])
    expect(ids({ status: ["open", "acknowledged"] })).toEqual(["INC-2026-0002", "INC-2026-0003"])
    expect(ids({ severity: ["P0", "P1"], status: "open" })).toEqual(["INC-2026-0003"])
    expect(ids({ playbook: "system-down" })).toEqual(["INC-2026-0001"])
  })

  it("bounds the opening date: after inclusive, before exclusive", () => {
    const second = new Date("2026-03-02T00:00:00Z")
    expect(ids({ openedAfter: second })).toEqual(["INC-2026-0002", "INC-2026-0003"])
    expect(ids({ openedBefore: second })).toEqual(["INC-2026-0001"])
  })
})
