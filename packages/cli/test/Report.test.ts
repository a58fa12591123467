// `ir report` on a journal of 200 generated incidents (written through @ir/journal, the BUILT `ir`
// reading them): every figure is recomputed here, independently, from what was generated.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { IncidentEvent } from "@ir/core"
import { openJournal } from "@ir/journal"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { irProcess, requireBuiltCli } from "./scenarios.js"

const dir = mkdtempSync(join(tmpdir(), "ir-report-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A small seeded generator (mulberry32), so the journal is the same at every run. */
const random = (() => {
  let seed = 20261205
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
})()
const pick = <A>(values: ReadonlyArray<A>): A => values[Math.floor(random() * values.length)]!
const minutes = (max: number) => 1 + Math.floor(random() * max)

const MINUTE = 60_000
const start = Date.parse("2026-07-01T00:00:00Z")
const until = new Date("2026-10-01T00:00:00Z")
const severities = ["P0", "P1", "P2"] as const
const responseMinutes = { P0: 15, P1: 60, P2: 240 }
const cadenceMinutes: Record<string, number | undefined> = { P0: 30, P1: 60, P2: undefined }
const playbooks = [
  "system-down",
  "high-api-error-rate",
  "database-connectivity",
  "resource-exhaustion",
]
const rules = ["p0-not-restored", "data-loss", "p1-no-progress"]

interface Generated {
  readonly severity: (typeof severities)[number]
  readonly playbook: string
  readonly openedAt: number
  readonly ack?: number
  readonly mitigated?: number
  readonly resolved?: number
  readonly updates: ReadonlyArray<number>
  readonly escalations: ReadonlyArray<string>
  readonly items: ReadonlyArray<{ readonly due: number; readonly done: boolean }>
}

const generated: Array<Generated> = []
for (let index = 0; index < 200; index++) {
  const openedAt = start + Math.floor(random() * 88 * 24 * 60) * MINUTE
  const severity = pick(severities)
  const ack = random() < 0.9 ? openedAt + minutes(90) * MINUTE : undefined
  const mitigated = random() < 0.8 ? openedAt + (90 + minutes(300)) * MINUTE : undefined
  const resolved =
    mitigated !== undefined && random() < 0.9 ? mitigated + minutes(120) * MINUTE : undefined
  const updates: Array<number> = []
  let at = openedAt
  for (;;) {
    at += minutes(80) * MINUTE
    if (at >= (mitigated ?? openedAt + 300 * MINUTE)) break
    updates.push(at)
  }
  generated.push({
    severity,
    playbook: pick(playbooks),
    openedAt,
    ...(ack === undefined ? {} : { ack }),
    ...(mitigated === undefined ? {} : { mitigated }),
    ...(resolved === undefined ? {} : { resolved }),
    updates,
    escalations: random() < 0.3 ? [pick(rules)] : [],
    items:
      resolved !== undefined && random() < 0.3
        ? [{ due: resolved + minutes(20 * 24 * 60) * MINUTE, done: random() < 0.5 }]
        : [],
  })
}

beforeAll(async () => {
  requireBuiltCli()
  writeFileSync(join(dir, "ir.config.yaml"), "journal: { dir: journal }\n")
  const journal = await Effect.runPromise(
    openJournal({ backend: "file", dir: join(dir, "journal") }),
  )
  try {
    for (const [index, incident] of generated.entries()) {
      const opened = await Effect.runPromise(
        journal.open({
          at: new Date(incident.openedAt),
          title: `Generated ${index}`,
          severity: incident.severity,
          playbooks: [incident.playbook],
          summary: "generated",
          source: { kind: "manual" },
          by: "generator",
        }),
      )
      const events: Array<[number, IncidentEvent.IncidentEvent]> = []
      if (incident.ack !== undefined)
        events.push([incident.ack, { type: "acknowledged", at: new Date(incident.ack), by: "gen" }])
      for (const update of incident.updates)
        events.push([
          update,
          {
            type: "update-posted",
            at: new Date(update),
            progress: "p",
            status: "s",
            nextSteps: "n",
          },
        ])
      for (const rule of incident.escalations)
        events.push([
          incident.openedAt + 30 * MINUTE,
          {
            type: "escalated",
            at: new Date(incident.openedAt + 30 * MINUTE),
            level: 0,
            to: "Lead",
            rule,
          },
        ])
      if (incident.mitigated !== undefined)
        events.push([
          incident.mitigated,
          { type: "mitigated", at: new Date(incident.mitigated), summary: "restored" },
        ])
      if (incident.resolved !== undefined) {
        events.push([
          incident.resolved,
          { type: "resolved", at: new Date(incident.resolved), resolution: "fixed" },
        ])
        for (const [n, item] of incident.items.entries()) {
          const added = incident.resolved + MINUTE
          events.push([
            added + n,
            {
              type: "action-item-added",
              at: new Date(added + n),
              item: `A${n + 1}`,
              text: "do",
              due: new Date(item.due),
            },
          ])
          if (item.done)
            events.push([
              added + n + MINUTE,
              { type: "action-item-done", at: new Date(added + n + MINUTE), item: `A${n + 1}` },
            ])
        }
      }
      events.sort((a, b) => a[0] - b[0])
      if (events.length > 0)
        await Effect.runPromise(
          journal.append(
            opened.incident.humanId,
            events.map(([, event]) => event),
          ),
        )
    }
  } finally {
    await Effect.runPromise(journal.close)
  }
}, 120_000)

// The figures, from the generated data alone.
const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return null
  const half = sorted.length / 2
  return Number.isInteger(half)
    ? (sorted[half - 1]! + sorted[half]!) / 2
    : sorted[Math.floor(half)]!
}
const p90 = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? null : sorted[Math.ceil(sorted.length * 0.9) - 1]!
}
const secondsAfter = (from: number, to: number | undefined) =>
  to === undefined ? [] : [(to - from) / 1000]

describe("ir report", () => {
  it("gives, for 200 incidents, the figures recomputed independently", async () => {
    const result = await irProcess(
      ["report", "--json", "--since", "2026-07-01T00:00:00Z", "--until", until.toISOString()],
      { cwd: dir, timeoutMs: 120_000 },
    )
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report.incidents).toBe(200)
    for (const severity of severities) {
      const mine = generated.filter((incident) => incident.severity === severity)
      const group = report.bySeverity.find((entry: { key: string }) => entry.key === severity)
      expect(group.incidents, severity).toBe(mine.length)
      expect(group.resolved).toBe(mine.filter((incident) => incident.resolved !== undefined).length)
      const tta = mine.flatMap((incident) => secondsAfter(incident.openedAt, incident.ack))
      const ttm = mine.flatMap((incident) =>
        secondsAfter(incident.openedAt, incident.mitigated ?? incident.resolved),
      )
      const ttr = mine.flatMap((incident) => secondsAfter(incident.openedAt, incident.resolved))
      expect(group.timeToAcknowledge).toEqual({
        count: tta.length,
        medianSeconds: median(tta),
        p90Seconds: p90(tta),
      })
      expect(group.timeToMitigate).toEqual({
        count: ttm.length,
        medianSeconds: median(ttm),
        p90Seconds: p90(ttm),
      })
      expect(group.timeToResolve).toEqual({
        count: ttr.length,
        medianSeconds: median(ttr),
        p90Seconds: p90(ttr),
      })
      const limit = responseMinutes[severity] * MINUTE
      expect(group.responseDeadline).toEqual({
        met: mine.filter(
          (incident) => incident.ack !== undefined && incident.ack - incident.openedAt <= limit,
        ).length,
        missed: mine.filter(
          (incident) => incident.ack === undefined || incident.ack - incident.openedAt > limit,
        ).length,
        pending: 0,
      })
      const cadence = cadenceMinutes[severity]
      if (cadence !== undefined) {
        const kept = (incident: Generated) => {
          const end = incident.mitigated ?? incident.resolved ?? until.getTime()
          const stops = [incident.openedAt, ...incident.updates, end]
          return stops.every(
            (stop, index) => index === 0 || stop - stops[index - 1]! <= cadence * MINUTE,
          )
        }
        const over = (incident: Generated) =>
          incident.mitigated === undefined && incident.resolved === undefined
        expect(group.updateCadence).toEqual({
          met: mine.filter((incident) => kept(incident) && !over(incident)).length,
          missed: mine.filter((incident) => !kept(incident)).length,
          pending: mine.filter((incident) => kept(incident) && over(incident)).length,
        })
      } else expect(group.updateCadence).toEqual({ met: 0, missed: 0, pending: 0 })
      expect(group.escalations).toBe(
        mine.reduce((sum, incident) => sum + incident.escalations.length, 0),
      )
    }
    for (const playbook of playbooks) {
      const group = report.byPlaybook.find((entry: { key: string }) => entry.key === playbook)
      expect(group.incidents, playbook).toBe(
        generated.filter((incident) => incident.playbook === playbook).length,
      )
    }
    const byRule = new Map<string, number>()
    for (const incident of generated)
      for (const rule of incident.escalations) byRule.set(rule, (byRule.get(rule) ?? 0) + 1)
    expect(
      Object.fromEntries(
        report.escalationsByRule.map((entry: { rule: string; count: number }) => [
          entry.rule,
          entry.count,
        ]),
      ),
    ).toEqual(Object.fromEntries(byRule))
    const ordered = [...generated].sort((a, b) => a.openedAt - b.openedAt)
    let repeats = 0
    for (const [index, incident] of ordered.entries()) {
      const previous = ordered
        .slice(0, index)
        .reverse()
        .find((other) => other.playbook === incident.playbook)
      if (previous !== undefined && incident.openedAt - previous.openedAt <= 7 * 24 * 60 * MINUTE)
        repeats += 1
    }
    expect(report.repeats).toHaveLength(repeats)
    const items = generated.flatMap((incident) => incident.items).filter((item) => !item.done)
    expect(report.actionItems).toEqual({
      open: items.length,
      overdue: items.filter((item) => item.due <= until.getTime()).length,
    })
    // the markdown is the quarterly review's tables
    const markdown = await irProcess(
      [
        "report",
        "--format",
        "markdown",
        "--since",
        "2026-07-01T00:00:00Z",
        "--until",
        until.toISOString(),
      ],
      { cwd: dir, timeoutMs: 120_000 },
    )
    expect(markdown.stdout).toContain("| Severity | Incidents | Resolved | TTA median / p90 |")
    expect(markdown.stdout).toMatch(/\| P0 \| \d+ \| \d+ \|/)
  }, 180_000)
})
