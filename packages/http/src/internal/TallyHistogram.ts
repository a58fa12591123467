// A Prometheus histogram whose counts are handed over whole at each scrape (by severity: each
// bucket's count, the sum and the count) instead of observed one value at a time: the incident
// figures tally 10,000 incidents in one pass (see FigureTally.ts), where 30,000 `observe` calls
// of prom-client's Histogram allocated some 20 MB per scrape. It registers in a prom-client
// registry like prom-client's own metrics and writes the same exposition (`_bucket` with `le`
// first, `+Inf`, `_sum`, `_count`); a test holds it to prom-client's Histogram, value for value.
import type { Histogram, Registry } from "prom-client"
import type { HistogramCounts } from "./FigureTally.js"

interface Value {
  readonly labels: Record<string, string | number>
  readonly sharedLabels: Record<string, string>
  readonly value: number
  readonly metricName: string
  /** Null on buckets, as prom-client's Histogram without exemplars writes them. */
  readonly exemplar?: null
}

export class TallyHistogram {
  readonly type = "histogram"
  readonly aggregator = "sum"
  readonly labelNames: ReadonlyArray<string>

  constructor(
    readonly name: string,
    readonly help: string,
    readonly label: string,
    readonly bounds: ReadonlyArray<number>,
    /** The counts by label value at this scrape; undefined keeps the last ones. */
    readonly counts: () => Promise<ReadonlyMap<string, HistogramCounts> | undefined>,
    registry: Registry,
  ) {
    this.labelNames = [label]
    registry.registerMetric(this as unknown as Histogram)
  }

  private last: ReadonlyMap<string, HistogramCounts> = new Map()

  reset(): void {
    this.last = new Map()
  }

  async getForPromString() {
    this.last = (await this.counts()) ?? this.last
    const values: Array<Value> = []
    for (const [labelValue, counts] of this.last) {
      const sharedLabels = { [this.label]: labelValue }
      let cumulative = 0
      this.bounds.forEach((bound, index) => {
        cumulative += counts.buckets[index] ?? 0
        values.push({
          labels: { le: bound },
          sharedLabels,
          value: cumulative,
          metricName: `${this.name}_bucket`,
          exemplar: null,
        })
      })
      values.push(
        {
          labels: { le: "+Inf" },
          sharedLabels,
          value: counts.count,
          metricName: `${this.name}_bucket`,
          exemplar: null,
        },
        { labels: {}, sharedLabels, value: counts.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels, value: counts.count, metricName: `${this.name}_count` },
      )
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    }
  }

  /** As `getMetricsAsJSON` reads a metric: each value's labels in one object. */
  async get() {
    const data = await this.getForPromString()
    return {
      ...data,
      values: data.values.map(({ sharedLabels, labels, ...value }) => ({
        ...value,
        labels: { ...labels, ...sharedLabels },
      })),
    }
  }
}
