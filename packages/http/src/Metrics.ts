/**
 * ir's Prometheus metrics, registered in the registry you pass (or a new one):
 *
 * | metric | type | labels | meaning |
 * |---|---|---|---|
 * | `ir_probe_status` | gauge | `probe` | each probe at its last run: 0 ok, 1 warn, 2 critical, 3 unknown |
 * | `ir_probe_duration_seconds` | gauge | `probe` | each probe's duration at its last run |
 * | `ir_probe_runs_total` | counter | | probe runs completed for the health endpoints |
 * | `ir_health_status` | gauge | | the last `/health` status: 0 pass, 1 warn, 2 fail |
 * | `ir_incidents` | gauge | `severity`, `status` | incidents in the journal (read at each scrape) |
 * | `ir_journal_up` | gauge | | 1 when the journal answered the last scrape, else 0 |
 * | `ir_alertmanager_requests_total` | counter | `code` | webhook requests by HTTP status |
 * | `ir_incident_time_to_acknowledge_seconds` | histogram | `severity` | opening to acknowledgement, every acknowledged incident |
 * | `ir_incident_time_to_mitigate_seconds` | histogram | `severity` | opening to mitigation (or resolution) |
 * | `ir_incident_time_to_resolve_seconds` | histogram | `severity` | opening to resolution |
 * | `ir_incident_response_deadline` | gauge | `severity`, `outcome` | incidents that met, missed or still wait on their response deadline |
 * | `ir_incident_escalations` | gauge | `rule` | escalations recorded, by escalation rule |
 * | `ir_action_items` | gauge | `state` | action items `open`, and of those `overdue` |
 *
 * The incident figures are the ones `ir report` computes (`Report.durations`), over every
 * incident in the journal, read at each scrape (see `createIncidentFigures`).
 *
 * @example
 * ```ts
 * import { createMetrics } from "@ir/http"
 * const metrics = createMetrics()
 * metrics.recordHealth("pass")
 * const text = await metrics.registry.metrics()
 * ```
 */
import type { Runbook } from "@ir/core"
import type { ProbeRun } from "@ir/diagnostics"
import { Counter, Gauge, Registry } from "prom-client"
import type { HealthStatus } from "./HealthReport.js"
import type { IncidentFigure } from "./IncidentFigure.js"
import { createFigureTally, type Duration, type Tally } from "./internal/FigureTally.js"
import { perScrape } from "./internal/PerScrape.js"
import { TallyHistogram } from "./internal/TallyHistogram.js"

const probeStatusValue = { ok: 0, warn: 1, critical: 2, unknown: 3 } as const
const healthStatusValue = { pass: 0, warn: 1, fail: 2 } as const

/**
 * Incident counts, as the `ir_incidents` gauge reports them.
 *
 * @example
 * ```ts
 * import type { IncidentCount } from "@ir/http"
 * const count: IncidentCount = { severity: "P1", status: "open", count: 2 }
 * ```
 */
export interface IncidentCount {
  readonly severity: string
  readonly status: string
  readonly count: number
}

/**
 * The metrics and how to record into them.
 *
 * @example
 * ```ts
 * import { createMetrics, type IrMetrics } from "@ir/http"
 * const metrics: IrMetrics = createMetrics()
 * metrics.recordAlertRequest(201)
 * ```
 */
export interface IrMetrics {
  readonly registry: Registry
  /** Records the statuses and durations of a probe run. */
  readonly recordRun: (run: ProbeRun) => void
  /** Records the status `/health` reported. */
  readonly recordHealth: (status: HealthStatus) => void
  /** Counts one Alertmanager webhook request by its HTTP status. */
  readonly recordAlertRequest: (code: number) => void
}

/**
 * Options of {@link createMetrics}.
 *
 * @example
 * ```ts
 * import type { MetricsOptions } from "@ir/http"
 * const options: MetricsOptions = { incidents: async () => [] }
 * ```
 */
export interface MetricsOptions {
  /** Reads the incident counts at each scrape; a rejection sets `ir_journal_up` to 0. */
  readonly incidents?: () => Promise<ReadonlyArray<IncidentCount>>
  /**
   * Reads every incident's state at each scrape, for the time-to histograms, deadline,
   * escalation and action-item figures (see `createIncidentFigures`), with the runbook that
   * sets the deadlines. A rejection keeps the last figures.
   */
  readonly figures?: {
    readonly read: () => Promise<ReadonlyArray<IncidentFigure>>
    readonly runbook: Pick<Runbook, "severities" | "calendar">
    readonly now?: () => Date
  }
}

/** Buckets of the time-to histograms: a minute to a week. */
export const durationBuckets: ReadonlyArray<number> = [
  60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 259_200, 604_800,
]

/**
 * Registers ir's metrics in `registry` (or a new one). Metrics ir already registered there are
 * reused, so several handlers can share the default registry.
 *
 * @example
 * ```ts
 * import { register } from "prom-client"
 * import { createMetrics } from "@ir/http"
 * const metrics = createMetrics(register) // next to your own metrics
 * ```
 */
export const createMetrics = (
  registry: Registry = new Registry(),
  options: MetricsOptions = {},
): IrMetrics => {
  const figures = options.figures
  if (figures === undefined) return registerMetrics(registry, options)
  // One read and one tally per scrape, shared by every figure.
  const tallyOf = createFigureTally(figures.runbook, durationBuckets)
  const now = figures.now ?? (() => new Date())
  return registerMetrics(registry, {
    ...(options.incidents === undefined ? {} : { incidents: options.incidents }),
    tally: () => figures.read().then((read) => tallyOf(read, now())),
  })
}

/**
 * What {@link registerMetrics} reads at each scrape: the incident counts, and the tally of the
 * incident figures (a rejection keeps the last figures).
 */
export interface MetricsSources {
  readonly incidents?: () => Promise<ReadonlyArray<IncidentCount>>
  readonly tally?: () => Promise<Tally>
}

/**
 * Registers the metrics over their sources (see {@link createMetrics}). The handler's `/metrics`
 * passes a tally of its own, which keeps the settled part of the journal as counts.
 */
export const registerMetrics = (registry: Registry, options: MetricsSources): IrMetrics => {
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined
  const probeStatus =
    existing<Gauge<"probe">>("ir_probe_status") ??
    new Gauge({
      name: "ir_probe_status",
      help: "Status of each probe at its last run: 0 ok, 1 warn, 2 critical, 3 unknown",
      labelNames: ["probe"] as const,
      registers: [registry],
    })
  const probeDuration =
    existing<Gauge<"probe">>("ir_probe_duration_seconds") ??
    new Gauge({
      name: "ir_probe_duration_seconds",
      help: "Duration of each probe at its last run",
      labelNames: ["probe"] as const,
      registers: [registry],
    })
  const probeRuns =
    existing<Counter>("ir_probe_runs_total") ??
    new Counter({
      name: "ir_probe_runs_total",
      help: "Probe runs completed for the health endpoints",
      registers: [registry],
    })
  const health =
    existing<Gauge>("ir_health_status") ??
    new Gauge({
      name: "ir_health_status",
      help: "Status the health endpoint last reported: 0 pass, 1 warn, 2 fail",
      registers: [registry],
    })
  const alertRequests =
    existing<Counter<"code">>("ir_alertmanager_requests_total") ??
    new Counter({
      name: "ir_alertmanager_requests_total",
      help: "Alertmanager webhook requests by HTTP status",
      labelNames: ["code"] as const,
      registers: [registry],
    })
  const readIncidents = options.incidents
  if (readIncidents !== undefined && existing("ir_incidents") === undefined) {
    const journalUp = new Gauge({
      name: "ir_journal_up",
      help: "1 when the incident journal answered the last scrape, else 0",
      registers: [registry],
    })
    new Gauge({
      name: "ir_incidents",
      help: "Incidents in the journal by severity and status",
      labelNames: ["severity", "status"] as const,
      registers: [registry],
      async collect() {
        try {
          const counts = await readIncidents()
          this.reset()
          for (const { severity, status, count } of counts) this.set({ severity, status }, count)
          journalUp.set(1)
        } catch {
          // The journal did not answer: keep the last counts, say so in ir_journal_up.
          journalUp.set(0)
        }
      },
    })
  }
  const readTally = options.tally
  if (readTally !== undefined && existing("ir_incident_time_to_resolve_seconds") === undefined) {
    // One tally per scrape, shared by every figure below; none when it fails.
    const tally = perScrape((): Promise<Tally | undefined> => readTally().catch(() => undefined))
    const histogram = (name: string, help: string, duration: Duration) =>
      new TallyHistogram(
        name,
        help,
        "severity",
        durationBuckets,
        async () => (await tally())?.durations[duration],
        registry,
      )
    histogram(
      "ir_incident_time_to_acknowledge_seconds",
      "Time from opening to acknowledgement, by current severity",
      "acknowledge",
    )
    histogram(
      "ir_incident_time_to_mitigate_seconds",
      "Time from opening to mitigation (or resolution), by current severity",
      "mitigate",
    )
    histogram(
      "ir_incident_time_to_resolve_seconds",
      "Time from opening to resolution, by current severity",
      "resolve",
    )
    new Gauge({
      name: "ir_incident_response_deadline",
      help: "Incidents that met, missed or still wait on their response deadline",
      labelNames: ["severity", "outcome"] as const,
      registers: [registry],
      async collect() {
        const read = await tally()
        if (read === undefined) return
        this.reset()
        for (const [severity, outcomes] of read.response)
          for (const [outcome, count] of outcomes) this.set({ severity, outcome }, count)
      },
    })
    new Gauge({
      name: "ir_incident_escalations",
      help: "Escalations recorded, by escalation rule",
      labelNames: ["rule"] as const,
      registers: [registry],
      async collect() {
        const read = await tally()
        if (read === undefined) return
        this.reset()
        for (const [rule, count] of read.escalations) this.set({ rule }, count)
      },
    })
    new Gauge({
      name: "ir_action_items",
      help: "Post-incident action items open, and of those overdue",
      labelNames: ["state"] as const,
      registers: [registry],
      async collect() {
        const read = await tally()
        if (read === undefined) return
        this.set({ state: "open" }, read.actionItems.open)
        this.set({ state: "overdue" }, read.actionItems.overdue)
      },
    })
  }
  return {
    registry,
    recordRun: (run) => {
      probeRuns.inc()
      for (const result of run.results) {
        probeStatus.set({ probe: result.id }, probeStatusValue[result.status])
        probeDuration.set({ probe: result.id }, result.durationMs / 1000)
      }
    },
    recordHealth: (status) => health.set(healthStatusValue[status]),
    recordAlertRequest: (code) => alertRequests.inc({ code: String(code) }),
  }
}
