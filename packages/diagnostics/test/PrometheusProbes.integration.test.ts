import { readFile, writeFile } from "node:fs/promises"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DiagnosticsConfig, runProbes } from "../src/index.js"
import {
  expectVocabulary,
  only,
  type Peer,
  refusedPort,
  signalValue,
  startBlackhole,
  startGarbagePeer,
  startHttpPeer,
} from "./peers.js"
import { requireService } from "./requireService.js"

const prometheusUrl = requireService("IR_TEST_PROMETHEUS_URL")
const targetsFile = requireService("IR_TEST_PROMETHEUS_TARGETS_FILE")
const suite = `diagnostics-${process.pid}-${Date.now()}`

/**
 * A real service exposing the seed's metrics: every scrape it "serves" 40 requests with 200 and
 * 10 with 500 (20% 5xx), their durations in a histogram, and a memory gauge.
 */
const startScrapedService = (errorsPerScrape: number) => {
  let ok = 0
  let failed = 0
  const buckets = { "0.1": 0, "0.5": 0, "1": 0, "+Inf": 0 }
  let sum = 0
  return startHttpPeer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404)
      response.end()
      return
    }
    ok += 40
    failed += errorsPerScrape
    // 40 fast, 8 medium, 2 slow: p95 falls in (0.1, 0.5]
    buckets["0.1"] += 40
    buckets["0.5"] += 48
    buckets["1"] += 50
    buckets["+Inf"] += 50
    sum += 40 * 0.05 + 8 * 0.3 + 2 * 0.8
    const lines = [
      "# TYPE http_requests_total counter",
      `http_requests_total{method="POST",status="200"} ${ok}`,
      ...(errorsPerScrape > 0 ? [`http_requests_total{method="POST",status="500"} ${failed}`] : []),
      "# TYPE http_request_duration_seconds histogram",
      ...Object.entries(buckets).map(
        ([le, count]) => `http_request_duration_seconds_bucket{le="${le}"} ${count}`,
      ),
      `http_request_duration_seconds_sum ${sum}`,
      `http_request_duration_seconds_count ${buckets["+Inf"]}`,
      "# TYPE memory_usage_bytes gauge",
      `memory_usage_bytes ${256 * 1024 * 1024}`,
      "",
    ]
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4" })
    response.end(lines.join("\n"))
  })
}

let failing: Peer
let healthy: Peer
let originalTargets = "[]"

const config = (
  group: string,
  extra: Partial<NonNullable<DiagnosticsConfig["prometheus"]>> = {},
): DiagnosticsConfig => ({
  prometheus: {
    url: prometheusUrl!,
    job: "ir-test",
    selector: `suite="${suite}-${group}"`,
    ...extra,
  },
  timeouts: { default: "5s" },
})

/** Polls Prometheus until `expr` has a value: scrapes happen every second, rate() needs two. */
const waitForSeries = async (expr: string, deadlineMs = 20_000) => {
  const until = Date.now() + deadlineMs
  while (Date.now() < until) {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)
    const body = (await response.json()) as { data?: { result?: Array<unknown> } }
    if ((body.data?.result ?? []).length > 0) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`Prometheus did not report ${expr} within ${deadlineMs} ms`)
}

beforeAll(async () => {
  if (prometheusUrl === undefined || targetsFile === undefined) return
  failing = await startScrapedService(10)
  healthy = await startScrapedService(0)
  const down = await refusedPort()
  originalTargets = await readFile(targetsFile, "utf8").catch(() => "[]")
  const others = JSON.parse(originalTargets) as Array<unknown>
  await writeFile(
    targetsFile,
    JSON.stringify([
      ...others,
      { targets: [`127.0.0.1:${failing.port}`], labels: { suite: `${suite}-failing` } },
      { targets: [`127.0.0.1:${healthy.port}`], labels: { suite: `${suite}-healthy` } },
      { targets: [`127.0.0.1:${down}`], labels: { suite: `${suite}-down` } },
    ]),
  )
  // rate() needs two samples; four leave no doubt at whatever instant a probe evaluates
  await Promise.all([
    waitForSeries(
      `count_over_time(http_requests_total{suite="${suite}-failing",status="500"}[5m]) >= 4`,
    ),
    waitForSeries(`count_over_time(http_requests_total{suite="${suite}-healthy"}[5m]) >= 4`),
    waitForSeries(`up{suite="${suite}-down"}`),
  ])
}, 30_000)

afterAll(async () => {
  if (targetsFile !== undefined) {
    const current = JSON.parse(await readFile(targetsFile, "utf8").catch(() => "[]")) as Array<{
      labels?: { suite?: string }
    }>
    await writeFile(
      targetsFile,
      JSON.stringify(current.filter((group) => !group.labels?.suite?.startsWith(suite))),
    )
  }
  await Promise.all([failing?.close(), healthy?.close()])
})

describe.skipIf(prometheusUrl === undefined)("against a real Prometheus", () => {
  it("reports more than 10% 5xx from a real scraped service as critical", async () => {
    const result = only(await runProbes(config("failing"), { probes: ["prometheus.error-rate"] }))
    expect(result.status, result.summary).toBe("critical")
    expect(signalValue(result, "api.error_ratio")).toBeCloseTo(0.2, 2)
    expect(signalValue(result, "api.requests_per_second") as number).toBeGreaterThan(0)
    expect(result.observations.find((o) => o.name === "error_ratio")).toMatchObject({
      warn: 0.05,
      critical: 0.1,
    })
    expect(result.summary).toMatch(/^20% of requests answered 5xx over 5m/)
    expectVocabulary([result])
  })

  it("reports a service without 5xx series as 0%, not as no data", async () => {
    const result = only(await runProbes(config("healthy"), { probes: ["prometheus.error-rate"] }))
    expect(result.status).toBe("ok")
    expect(signalValue(result, "api.error_ratio")).toBe(0)
  })

  it("reports no series at all as unknown with the cause no-data", async () => {
    const result = only(await runProbes(config("nothing"), { probes: ["prometheus.error-rate"] }))
    expect(result.status).toBe("unknown")
    expect(result.cause?.reason).toBe("no-data")
    expect(result.signals).toEqual([])
  })

  it("reads p95 latency from the histogram and memory from the gauge", async () => {
    const run = await runProbes(config("failing"), {
      probes: ["prometheus.latency-p95", "prometheus.memory"],
    })
    const [latency, memory] = run.results
    expect(latency?.status).toBe("ok")
    expect(signalValue(run, "api.latency_p95_seconds")).toBeCloseTo(0.475, 2)
    expect(memory?.status).toBe("ok")
    expect(signalValue(run, "app.memory_bytes")).toBe(256 * 1024 * 1024)
    expectVocabulary(run.results)
  })

  it("reports scrape health: targets up and metrics present", async () => {
    const up = only(await runProbes(config("failing"), { probes: ["prometheus.scrape-health"] }))
    expect(up.status).toBe("ok")
    expect(signalValue(up, "prometheus.targets.up_ratio")).toBe(1)
    expect(signalValue(up, "prometheus.metrics.present")).toBe(true)
    expectVocabulary([up])
  })

  it('reports a target that is down and absent metrics ("Grafana showing no metrics")', async () => {
    const down = only(await runProbes(config("down"), { probes: ["prometheus.scrape-health"] }))
    expect(down.status).toBe("critical")
    expect(signalValue(down, "prometheus.targets.up_ratio")).toBe(0)
    expect(signalValue(down, "prometheus.metrics.present")).toBe(false)
    expect(down.details?.lastErrors).toEqual([expect.objectContaining({ health: "down" })])
    const none = only(await runProbes(config("nothing"), { probes: ["prometheus.scrape-health"] }))
    expect(none.status).toBe("critical")
    expect(none.summary).toContain("no scrape targets")
    expect(signalValue(none, "prometheus.targets.up_ratio")).toBeUndefined()
  })

  it("surfaces Prometheus' own bad_data error for a broken query", async () => {
    const result = only(
      await runProbes(config("failing", { queries: [{ name: "broken", query: "sum((" }] }), {
        probes: ["prometheus.query"],
      }),
    )
    expect(result.status).toBe("unknown")
    expect(result.cause?.reason).toBe("api-error")
    expect(result.cause?.message).toMatch(/HTTP 400, bad_data/)
  })

  it("runs named queries into their signals", async () => {
    const result = only(
      await runProbes(
        config("failing", {
          queries: [
            {
              name: "reconstruction error",
              query: "vector(1.5)",
              signal: "model.reconstruction_error",
            },
          ],
        }),
        { probes: ["prometheus.query"] },
      ),
    )
    expect(result.status).toBe("critical")
    expect(signalValue(result, "model.reconstruction_error")).toBe(1.5)
  })
})

describe("an HTTP peer where Prometheus should be", () => {
  let peer: Peer
  let garbage: Peer
  let blackhole: Peer
  let refused: number
  beforeAll(async () => {
    peer = await startHttpPeer((request, response) => {
      const query = new URL(request.url ?? "/", "http://x").searchParams.get("query") ?? ""
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" })
        response.end(JSON.stringify(body))
      }
      if (request.url?.startsWith("/bad-gateway/")) {
        response.writeHead(502, { "content-type": "text/html" })
        response.end("<html><body>502 Bad Gateway</body></html>")
      } else if (request.url?.startsWith("/html/")) {
        response.writeHead(200, { "content-type": "text/html" })
        response.end("<html>Grafana login</html>")
      } else if (request.url?.startsWith("/execution/"))
        json(422, {
          status: "error",
          errorType: "execution",
          error: "many-to-many matching not allowed",
        })
      else if (request.url?.startsWith("/overloaded/"))
        json(503, {
          status: "error",
          errorType: "timeout",
          error: "query timed out in expression evaluation",
        })
      else if (request.url?.startsWith("/warnings/"))
        json(200, {
          status: "success",
          data: {
            resultType: "vector",
            result: [{ metric: {}, value: [1, query.includes("histogram") ? "0.2" : "3"] }],
          },
          warnings: ["partial response: store 2 unreachable"],
        })
      else json(404, { status: "error", errorType: "not_found", error: "not found" })
    })
    garbage = await startGarbagePeer()
    blackhole = await startBlackhole()
    refused = await refusedPort()
  })
  afterAll(async () => {
    await Promise.all([peer.close(), garbage.close(), blackhole.close()])
  })

  const at = (url: string): DiagnosticsConfig => ({
    prometheus: { url },
    timeouts: { default: "1s" },
  })

  it("reports garbage (not HTTP) as Prometheus unusable", async () => {
    const run = await runProbes(at(garbage.url), {
      probes: ["prometheus.scrape-health", "prometheus.error-rate"],
    })
    const [scrape, errors] = run.results
    expect(scrape?.status).toBe("critical")
    expect(signalValue(run, "prometheus.reachable")).toBe(false)
    expect(errors?.status).toBe("unknown")
    expect(errors?.cause?.reason).toMatch(/protocol|connection-reset/)
  })

  it("reports a 5xx without the API's JSON as an HTTP status cause", async () => {
    const result = only(
      await runProbes(at(`${peer.url}/bad-gateway`), { probes: ["prometheus.error-rate"] }),
    )
    expect(result.status).toBe("unknown")
    expect(result.cause).toMatchObject({ reason: "http-status" })
    expect(result.cause?.message).toContain("HTTP 502")
  })

  it("reports a 200 that is not the API as a bad response", async () => {
    const result = only(
      await runProbes(at(`${peer.url}/html`), { probes: ["prometheus.latency-p95"] }),
    )
    expect(result.cause?.reason).toBe("bad-response")
  })

  it("reports 422 and 503 API errors with their errorType", async () => {
    const execution = only(
      await runProbes(at(`${peer.url}/execution`), { probes: ["prometheus.memory"] }),
    )
    expect(execution.cause?.message).toMatch(/HTTP 422, execution\): many-to-many/)
    const overloaded = only(
      await runProbes(at(`${peer.url}/overloaded`), { probes: ["prometheus.memory"] }),
    )
    expect(overloaded.cause?.message).toMatch(/HTTP 503, timeout\)/)
  })

  it("passes Prometheus' warnings on", async () => {
    const result = only(
      await runProbes(at(`${peer.url}/warnings`), { probes: ["prometheus.memory"] }),
    )
    expect(result.status).toBe("ok")
    expect(result.summary).toContain("Prometheus warns: partial response: store 2 unreachable")
  })

  it("reports refused as critical and a blackhole as unknown within the timeout", async () => {
    const refusedResult = only(
      await runProbes(at(`http://127.0.0.1:${refused}`), { probes: ["prometheus.scrape-health"] }),
    )
    expect(refusedResult.status).toBe("critical")
    expect(refusedResult.cause?.reason).toBe("connection-refused")
    const hung = only(await runProbes(at(blackhole.url), { probes: ["prometheus.scrape-health"] }))
    expect(hung.durationMs).toBeLessThan(1000 + 400)
    expect(hung.status).toBe("unknown")
    expect(hung.cause?.reason).toBe("timeout")
    expect(signalValue(hung, "prometheus.reachable")).toBe(false)
  })
})
