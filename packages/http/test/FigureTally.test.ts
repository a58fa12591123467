// The incident figures' histograms are tallied in one pass and handed to the registry whole:
// held here to what prom-client's own Histogram writes when each value is observed, in the text
// exposition and in JSON, and to core's deadline rule as time passes.
import { defaultRunbook, Report } from "@ir/core"
import { Histogram, Registry } from "prom-client"
import { describe, expect, it } from "vitest"
import type { IncidentFigure } from "../src/IncidentFigure.js"
import {
  addSettledShare,
  createFigureTally,
  settledShareBuilder,
  type Tally,
} from "../src/internal/FigureTally.js"
import { TallyHistogram } from "../src/internal/TallyHistogram.js"
import { durationBuckets } from "../src/Metrics.js"

const t0 = new Date("2026-11-30T10:00:00Z")
const after = (seconds: number) => new Date(t0.getTime() + seconds * 1000)

const figure = (
  severity: IncidentFigure["severity"],
  acknowledgeSeconds: number | undefined,
): IncidentFigure => ({
  severity,
  openedAt: t0,
  ...(acknowledgeSeconds === undefined ? {} : { acknowledgedAt: after(acknowledgeSeconds) }),
  escalations: [],
  actionItems: [],
})

describe("the incident figures' tally", () => {
  it("writes what prom-client's Histogram writes for the same values, bounds and +Inf included", async () => {
    // On a bound (le is inclusive), between bounds, past the last one, fractions, none at all.
    const seconds = [0, 59.5, 60, 61, 300, 299.999, 3600, 604_800, 604_801, 2_000_000, 12.25]
    const figures = [
      ...seconds.map((value) => figure("P0", value)),
      ...seconds.slice(3).map((value) => figure("P2", value)),
      figure("P1", undefined),
    ]
    const expected = new Registry()
    const histogram = new Histogram({
      name: "ir_incident_time_to_acknowledge_seconds",
      help: "Time from opening to acknowledgement, by current severity",
      labelNames: ["severity"] as const,
      buckets: [...durationBuckets],
      registers: [expected],
    })
    for (const each of figures) {
      const value = Report.durations(each).acknowledge
      if (value !== undefined) histogram.observe({ severity: each.severity }, value)
    }
    const tally = createFigureTally(defaultRunbook, durationBuckets)(figures, after(10))
    const actual = new Registry()
    new TallyHistogram(
      "ir_incident_time_to_acknowledge_seconds",
      "Time from opening to acknowledgement, by current severity",
      "severity",
      durationBuckets,
      async () => tally.durations.acknowledge,
      actual,
    )
    expect(await actual.metrics()).toBe(await expected.metrics())
    expect(await actual.getMetricsAsJSON()).toEqual(await expected.getMetricsAsJSON())
    expect(await actual.metrics()).toContain(
      'ir_incident_time_to_acknowledge_seconds_bucket{le="+Inf",severity="P0"} 11',
    )
  })

  it("keeps the last counts when the journal does not answer, and none after a reset", async () => {
    const registry = new Registry()
    let answer = true
    const tally = createFigureTally(defaultRunbook, durationBuckets)([figure("P0", 120)], t0)
    const metric = new TallyHistogram(
      "ir_test_seconds",
      "test",
      "severity",
      durationBuckets,
      async () => (answer ? tally.durations.acknowledge : undefined),
      registry,
    )
    const first = await registry.metrics()
    expect(first).toContain('ir_test_seconds_count{severity="P0"} 1')
    answer = false
    expect(await registry.metrics()).toBe(first)
    metric.reset()
    expect(await registry.metrics()).not.toContain("ir_test_seconds_count")
  })

  it("counts an unacknowledged incident pending, then missed once its deadline passes, the same figure object each time", () => {
    const tallyOf = createFigureTally(defaultRunbook, durationBuckets)
    const waiting = figure("P0", undefined)
    const met = figure("P0", 60)
    const outcomes = (now: Date) =>
      Object.fromEntries(tallyOf([waiting, met], now).response.get("P0") ?? new Map())
    expect(outcomes(after(30))).toEqual({ pending: 1, met: 1 })
    expect(Report.responseOf(defaultRunbook, waiting, after(30))).toBe("pending")
    const late = after(24 * 3600)
    expect(Report.responseOf(defaultRunbook, waiting, late)).toBe("missed")
    expect(outcomes(late)).toEqual({ missed: 1, met: 1 })
  })

  it("adds a settled share that equals tallying its figures at each scrape, as deadlines and due dates pass", () => {
    // Every kind of figure: durations of each kind, deadlines met, missed, pending until a
    // deadline ahead and pending for good (a severity without one), escalations, action items
    // open, done, with and without a due date, overdue later.
    // A runbook without P3: no deadline for its incidents, pending for good.
    const noDeadline = {
      ...defaultRunbook,
      severities: defaultRunbook.severities.filter((each) => each.level !== "P3"),
    }
    const figures: Array<IncidentFigure> = [
      figure("P0", 60),
      figure("P0", 4000),
      figure("P1", undefined),
      figure("P3", undefined),
      {
        ...figure("P2", 120),
        mitigatedAt: after(600),
        resolvedAt: after(7200),
        escalations: [{ rule: "p0-not-restored" }, { rule: "stale" }],
        actionItems: [{ due: after(3600) }, {}, { due: after(86_400 * 3) }, { doneAt: after(10) }],
      },
      { ...figure("P1", 30), resolvedAt: after(90_000), actionItems: [{ due: after(86_400) }] },
    ]
    for (const runbook of [defaultRunbook, noDeadline]) {
      const plain = (all: ReadonlyArray<IncidentFigure>, now: Date): Tally =>
        createFigureTally(runbook, durationBuckets)(all, now)
      const built = settledShareBuilder(runbook, durationBuckets, after(60))
      const [rest, settled] = [figures.slice(0, 2), figures.slice(2)]
      for (const each of settled) built.add(each)
      const share = built.done()
      for (const now of [after(60), after(5000), after(86_400 * 2), after(86_400 * 10)]) {
        const apart = addSettledShare(plain(rest, now), share, runbook, now)
        expect(apart, now.toISOString()).toEqual(plain(figures, now))
      }
    }
  })
})
