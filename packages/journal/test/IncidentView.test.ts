// The view a long-running process lists from: newest first as the database orders them, whatever
// order the summaries came in; a newer summary of an incident takes its place; it answers only
// the filters it covers.
import { describe, expect, it } from "vitest"
import type { IncidentSummary } from "../src/index.js"
import { IncidentView } from "../src/internal/IncidentView.js"
import { byNewest } from "../src/internal/Summary.js"

const summary = (humanId: string, minute: number, fields: Partial<IncidentSummary> = {}) =>
  ({
    id: `00000000-0000-4000-8000-${humanId.slice(-5).replace("-", "0").padStart(12, "0")}`,
    humanId,
    title: humanId,
    status: "open",
    severity: "P2",
    playbooks: [],
    openedAt: new Date(Date.UTC(2026, 11, 1, 0, minute)),
    sequence: 1,
    ...fields,
  }) satisfies IncidentSummary

const coveredFrom = Date.UTC(2026, 10, 1)

describe("IncidentView", () => {
  it("lists newest first, the human id breaking ties, whatever order the summaries came in", () => {
    const summaries = [
      summary("INC-2026-0005", 9),
      summary("INC-2026-0001", 1),
      summary("INC-2026-0004", 5),
      summary("INC-2026-0002", 5),
      summary("INC-2026-0003", 5),
      summary("INC-2026-10000", 5),
      summary("INC-2026-0006", 0),
    ]
    const view = new IncidentView(coveredFrom, Date.now())
    for (const each of summaries) view.put(each)
    expect(view.list({}).map((each) => each.humanId)).toEqual(
      [...summaries].sort(byNewest).map((each) => each.humanId),
    )
    expect(view.list({}).map((each) => each.humanId)).toEqual([
      "INC-2026-0005",
      "INC-2026-10000",
      "INC-2026-0004",
      "INC-2026-0003",
      "INC-2026-0002",
      "INC-2026-0001",
      "INC-2026-0006",
    ])
  })

  it("takes a newer summary of an incident in its place, and applies the whole filter", () => {
    const view = new IncidentView(coveredFrom, Date.now())
    for (const minute of [1, 2, 3, 4]) view.put(summary(`INC-2026-000${minute}`, minute))
    view.put(summary("INC-2026-0002", 2, { status: "resolved", sequence: 4 }))
    view.put(summary("INC-2026-0003", 3, { status: "acknowledged", severity: "P1", sequence: 2 }))
    expect(view.list({})).toHaveLength(4)
    expect(view.get(summary("INC-2026-0002", 2).id)).toMatchObject({ sequence: 4 })
    expect(view.list({ status: ["open", "acknowledged"] }).map((each) => each.humanId)).toEqual([
      "INC-2026-0004",
      "INC-2026-0003",
      "INC-2026-0001",
    ])
    expect(view.list({ status: "open", limit: 1.5 }).map((each) => each.humanId)).toEqual([
      "INC-2026-0004",
    ])
    expect(view.list({ severity: "P1" }).map((each) => each.humanId)).toEqual(["INC-2026-0003"])
    expect(view.unresolved().map((each) => each.humanId)).toEqual([
      "INC-2026-0001",
      "INC-2026-0003",
      "INC-2026-0004",
    ])
  })

  it("moves an incident whose opening time was changed by hand to its new place", () => {
    const view = new IncidentView(coveredFrom, Date.now())
    for (const minute of [1, 2, 3]) view.put(summary(`INC-2026-000${minute}`, minute))
    view.put(summary("INC-2026-0001", 9, { sequence: 2 }))
    view.put(summary("INC-2026-0004", 4))
    expect(view.list({}).map((each) => each.humanId)).toEqual([
      "INC-2026-0001",
      "INC-2026-0004",
      "INC-2026-0003",
      "INC-2026-0002",
    ])
    expect(view.list({})).toHaveLength(4)
  })

  it("covers the incidents in progress, and resolved ones only from when it starts holding them", () => {
    const view = new IncidentView(coveredFrom, Date.now())
    expect(view.covers({ status: ["open", "acknowledged", "mitigated"] })).toBe(true)
    expect(view.covers({ status: "open", severity: "P0" })).toBe(true)
    expect(view.covers({ status: "resolved", openedAfter: new Date(coveredFrom) })).toBe(true)
    expect(view.covers({ openedAfter: new Date(coveredFrom + 1) })).toBe(true)
    expect(view.covers({ status: "resolved", openedAfter: new Date(coveredFrom - 1) })).toBe(false)
    expect(view.covers({ status: ["open", "resolved"] })).toBe(false)
    expect(view.covers({})).toBe(false)
    // what a responder keeps in view
    expect(view.covers({ resolvedOpenedAfter: new Date(coveredFrom) })).toBe(true)
    expect(view.covers({ resolvedOpenedAfter: new Date(coveredFrom - 1) })).toBe(false)
    expect(
      view.covers({
        resolvedOpenedAfter: new Date(coveredFrom - 1),
        openedAfter: new Date(coveredFrom),
      }),
    ).toBe(true)
  })
})
