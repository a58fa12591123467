// /health against a real PostgreSQL (scripts/with-services.sh), over real HTTP.

import type { AddressInfo } from "node:net"
import { createServer, type Server } from "node:net"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningServer, serve } from "../src/GracefulShutdown.js"
import { createHandler } from "../src/Handler.js"
import type { HealthBody } from "../src/HealthReport.js"
import { requireService } from "./requireService.js"

const pgUrl = requireService("IR_TEST_PG_URL")
const token = "health-integration-token"
const auth = { authorization: `Bearer ${token}` }

/** Peak of connections with this application_name while `during` runs. */
const peakConnections = async (applicationName: string, during: () => Promise<void>) => {
  const monitor = new pg.Client({ connectionString: pgUrl, application_name: "ir-http-monitor" })
  await monitor.connect()
  let peak = 0
  let running = true
  const polling = (async () => {
    while (running) {
      const { rows } = await monitor.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
        [applicationName],
      )
      peak = Math.max(peak, rows[0]?.n ?? 0)
    }
  })()
  try {
    await during()
  } finally {
    running = false
    await polling
    await monitor.end()
  }
  return peak
}

describe.skipIf(pgUrl === undefined)("health with a live PostgreSQL", () => {
  const applicationName = `ir-http-test-${process.pid}`
  let running: RunningServer
  let handler: ReturnType<typeof createHandler>
  beforeAll(async () => {
    handler = createHandler({
      health: {
        config: { postgres: { url: pgUrl!, applicationName } },
        probes: ["postgres.connectivity"],
      },
      token,
      cacheMs: 60_000,
    })
    running = await serve(handler, { signals: false, shutdownDelayMs: 0 })
  })
  afterAll(async () => {
    await running?.shutdown()
  })

  it("reports the database's latency as a health+json check", async () => {
    const response = await fetch(`${running.url}/health`, { headers: auth })
    expect(response.status).toBe(200)
    const body = (await response.json()) as HealthBody
    // A live database answers: pass, or warn when a busy machine makes it slower than the
    // runbook's latency threshold (200 either way); never fail.
    expect(["pass", "warn"]).toContain(body.status)
    const latency = body.checks?.["postgres:latency"]?.[0]
    expect(latency).toMatchObject({ componentType: "datastore", observedUnit: "s" })
    expect(["pass", "warn"]).toContain(latency?.status)
    expect(latency?.componentId).toContain("127.0.0.1")
    expect(typeof latency?.observedValue).toBe("number")
    expect(["pass", "warn"]).toContain(body.checks?.["postgres:connect_time"]?.[0]?.status)
  })

  it("runs the check once for 200 concurrent requests, on at most one connection", async () => {
    const before = handler.probeRuns()
    const fresh = createHandler({
      health: {
        config: { postgres: { url: pgUrl!, applicationName: `${applicationName}-burst` } },
        probes: ["postgres.connectivity"],
      },
      cacheMs: 60_000,
    })
    const burst = await serve(fresh, { signals: false, shutdownDelayMs: 0 })
    try {
      let statuses: Array<number> = []
      const peak = await peakConnections(`${applicationName}-burst`, async () => {
        const responses = await Promise.all(
          Array.from({ length: 200 }, () => fetch(`${burst.url}/health`)),
        )
        statuses = responses.map((response) => response.status)
      })
      expect(new Set(statuses)).toEqual(new Set([200]))
      expect(fresh.probeRuns()).toBe(1)
      expect(peak).toBeLessThanOrEqual(1)
    } finally {
      await burst.shutdown()
    }
    expect(handler.probeRuns()).toBe(before)
  })

  it("runs at most one check per interval under steady load", async () => {
    const steady = createHandler({
      health: {
        config: { postgres: { url: pgUrl!, applicationName: `${applicationName}-steady` } },
        probes: ["postgres.connectivity"],
      },
      cacheMs: 250,
    })
    const server = await serve(steady, { signals: false, shutdownDelayMs: 0 })
    try {
      const started = performance.now()
      let peak = 0
      peak = await peakConnections(`${applicationName}-steady`, async () => {
        while (performance.now() - started < 1200) {
          await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/health`)))
        }
      })
      const elapsed = performance.now() - started
      expect(steady.probeRuns()).toBeGreaterThanOrEqual(2)
      expect(steady.probeRuns()).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 1)
      expect(peak).toBeLessThanOrEqual(1)
    } finally {
      await server.shutdown()
    }
  })
})

describe("health when the database is not there", () => {
  let silent: Server
  let silentPort = 0
  beforeAll(async () => {
    // Accepts connections and never answers: a dependency that hangs.
    silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
    silentPort = (silent.address() as AddressInfo).port
  })
  afterAll(async () => {
    silent.close()
  })

  it("fails fast with 503 and never shows the password", async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const handler = createHandler({
      health: {
        config: { postgres: { url: `postgres://app:s3cret-pw@127.0.0.1:${port}/app` } },
        probes: ["postgres.connectivity"],
      },
      token,
    })
    const response = await handler(new Request("http://localhost/health", { headers: auth }))
    expect(response.status).toBe(503)
    const text = await response.text()
    expect(text).not.toContain("s3cret-pw")
    const body = JSON.parse(text) as HealthBody
    expect(body.status).toBe("fail")
    expect(body.checks?.["postgres:connectivity"]?.[0]?.output).toMatch(/unreachable|refused/i)
  })

  it("answers within the deadline when the database hangs", async () => {
    const handler = createHandler({
      health: {
        config: { postgres: { url: `postgres://app@127.0.0.1:${silentPort}/app` } },
        probes: ["postgres.connectivity"],
        deadlineMs: 800,
      },
    })
    const running = await serve(handler, { signals: false, shutdownDelayMs: 0 })
    try {
      const started = performance.now()
      const response = await fetch(`${running.url}/health/ready`)
      expect(response.status).toBe(503)
      // At its 0.8 s deadline, not at the probe's own 5 s timeout: bounded halfway between.
      expect(performance.now() - started).toBeLessThan((800 + 5000) / 2)
    } finally {
      await running.shutdown()
    }
  })
})
