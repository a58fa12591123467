import type { ProbeRun } from "@ir/diagnostics"
import * as Redacted from "effect/Redacted"
import { Registry } from "prom-client"
import { describe, expect, it, vi } from "vitest"
import { createHandler } from "../src/Handler.js"
import type { HealthBody } from "../src/HealthReport.js"
import { HttpConfigError } from "../src/HttpConfigError.js"
import { result, runOf, tempJournal } from "./fixtures.js"

const get = (path: string, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, { headers })

const healthy = runOf(
  result({
    id: "postgres.connectivity",
    target: "postgres://app:***@db:5432/app",
    observations: [{ name: "latency", value: 0.001, unit: "s" }],
  }),
)
const failing = runOf(
  result({ id: "postgres.connectivity", status: "critical", summary: "connection refused" }),
)
const warning = runOf(result({ id: "host.disk", status: "warn", summary: "/ is 85% full" }))

const handlerOf = (run: ProbeRun, extra: Parameters<typeof createHandler>[0] = {}) =>
  createHandler({ health: { run: async () => run }, token: "health-token", ...extra })

describe("GET /health", () => {
  it("answers application/health+json with the status alone to anyone", async () => {
    const response = await handlerOf(healthy, { serviceId: "api" })(get("/health"))
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/health+json")
    expect(response.headers.get("cache-control")).toBe("max-age=1")
    expect(response.headers.get("vary")).toBe("authorization")
    expect(await response.json()).toEqual({ status: "pass", serviceId: "api" })
  })

  it("shows every check to a request with the bearer token, never cached by others", async () => {
    const response = await handlerOf(healthy)(
      get("/health", { authorization: "Bearer health-token" }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get("cache-control")).toBe("no-store")
    const body = (await response.json()) as HealthBody
    expect(body.checks?.["postgres:latency"]?.[0]).toMatchObject({
      componentType: "datastore",
      observedValue: 0.001,
      observedUnit: "s",
      status: "pass",
      time: "2026-11-28T10:00:00.000Z",
    })
  })

  it("keeps details from a wrong or missing token", async () => {
    const handler = handlerOf(failing)
    for (const authorization of [
      "Bearer nope",
      "Basic aGVhbHRoLXRva2Vu",
      "Bearer",
      "health-token",
    ]) {
      const response = await handler(get("/health", { authorization }))
      expect(await response.json()).toEqual({ status: "fail" })
    }
    const noToken = createHandler({ health: { run: async () => failing } })
    expect(await (await noToken(get("/health", { authorization: "Bearer x" }))).json()).toEqual({
      status: "fail",
    })
  })

  it("answers 503 for fail and 200 for warn", async () => {
    const down = await handlerOf(failing)(get("/health", { authorization: "Bearer health-token" }))
    expect(down.status).toBe(503)
    const body = (await down.json()) as HealthBody
    expect(body.status).toBe("fail")
    expect(body.output).toBe("postgres.connectivity: connection refused")
    expect(body.checks?.["postgres:connectivity"]?.[0]?.output).toBe("connection refused")
    const degraded = await handlerOf(warning)(get("/health"))
    expect(degraded.status).toBe(200)
    expect(await degraded.json()).toEqual({ status: "warn" })
  })

  it("fails (without details) when the run itself cannot complete", async () => {
    const handler = createHandler({
      health: {
        run: async () => {
          throw new Error("secret connection string postgres://u:pw@db")
        },
      },
    })
    const response = await handler(get("/health"))
    expect(response.status).toBe(503)
    const text = await response.text()
    expect(text).not.toContain("pw")
    expect(JSON.parse(text)).toEqual({ status: "fail", output: "the health checks could not run" })
  })

  it("reports the process alone when no checks are configured", async () => {
    const handler = createHandler()
    expect(await (await handler(get("/health"))).json()).toEqual({ status: "pass" })
    expect(await (await handler(get("/health/ready"))).json()).toEqual({ status: "pass" })
  })

  it("runs the probes once for 200 concurrent requests", async () => {
    let runs = 0
    const handler = createHandler({
      health: {
        run: async () => {
          runs += 1
          await new Promise((resolve) => setTimeout(resolve, 20))
          return healthy
        },
      },
    })
    const responses = await Promise.all(Array.from({ length: 200 }, () => handler(get("/health"))))
    expect(responses.every((response) => response.status === 200)).toBe(true)
    expect(runs).toBe(1)
    expect(handler.probeRuns()).toBe(1)
  })

  it("validates a diagnostics configuration at creation", () => {
    const invalid = () => createHandler({ health: { config: { postgres: { url: 42 } } as never } })
    expect(invalid).toThrow(HttpConfigError)
    // The message says which option, and where inside it.
    expect(invalid).toThrow(/^@ir\/http: health\.config: expected .*postgres\.url/)
    expect(() => createHandler({ basePath: "ops" })).toThrow(/basePath/)
  })
})

describe("GET /health/live and /health/ready", () => {
  it("live passes on the process alone, even when dependencies fail", async () => {
    const response = await handlerOf(failing)(get("/health/live"))
    expect(response.status).toBe(200)
    expect(response.headers.get("cache-control")).toBe("no-store")
    expect(await response.json()).toEqual({ status: "pass" })
  })

  it("ready follows the dependencies, and fails from the moment shutdown begins", async () => {
    const handler = handlerOf(healthy)
    expect((await handler(get("/health/ready"))).status).toBe(200)
    expect((await handlerOf(failing)(get("/health/ready"))).status).toBe(503)
    handler.beginShutdown()
    expect(handler.isShuttingDown()).toBe(true)
    const response = await handler(get("/health/ready"))
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({ status: "fail", output: "shutting down" })
    // Liveness and the full report are unaffected: the process is fine, only leaving.
    expect((await handler(get("/health/live"))).status).toBe(200)
    expect((await handler(get("/health"))).status).toBe(200)
  })
})

describe("GET /metrics", () => {
  it("exposes probe status and duration in the registry given", async () => {
    const registry = new Registry()
    const handler = handlerOf(failing, { registry })
    await handler(get("/health"))
    const response = await handler(get("/metrics"))
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("text/plain")
    const text = await response.text()
    expect(text).toContain('ir_probe_status{probe="postgres.connectivity"} 2')
    expect(text).toContain('ir_probe_duration_seconds{probe="postgres.connectivity"} 0.002')
    expect(text).toContain("ir_health_status 2")
    expect(text).toContain("ir_probe_runs_total 1")
    expect(await registry.metrics()).toBe(text)
  })

  it("can be turned off", async () => {
    const handler = createHandler({ metrics: false })
    expect((await handler(get("/metrics"))).status).toBe(404)
    expect(handler.routes).not.toContain("/metrics")
  })
})

describe("routing", () => {
  it("answers 404 and 405 as problem details", async () => {
    const handler = createHandler()
    const missing = await handler(get("/nope"))
    expect(missing.status).toBe(404)
    expect(missing.headers.get("content-type")).toBe("application/problem+json")
    const wrong = await handler(new Request("http://localhost/health", { method: "DELETE" }))
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get("allow")).toBe("GET, HEAD")
    expect((await handler(get("/alerts/alertmanager"))).status).toBe(404)
  })

  it("serves every route under a base path", async () => {
    const handler = createHandler({ basePath: "/ops/" })
    expect(handler.routes).toEqual([
      "/ops/health",
      "/ops/health/live",
      "/ops/health/ready",
      "/ops/metrics",
    ])
    expect((await handler(get("/ops/health/live"))).status).toBe(200)
    expect((await handler(get("/health/live"))).status).toBe(404)
    expect((await handler(get("/opshealth"))).status).toBe(404)
    expect(handler.matches("/ops/metrics")).toBe(true)
  })

  it("answers HEAD like GET", async () => {
    const response = await handlerOf(failing)(
      new Request("http://localhost/health", { method: "HEAD" }),
    )
    expect(response.status).toBe(503)
  })
})

describe("what loads on first use", () => {
  // A fresh module registry: the status page's and the board's renderers, and the responder,
  // are imported by createHandler's options, not by importing @ir/http.
  const freshHandler = async () => {
    vi.resetModules()
    return (await import("../src/Handler.js")).createHandler
  }

  it("answers the first /status request right after createHandler", async () => {
    const create = await freshHandler()
    const { journal, dispose } = await tempJournal()
    try {
      const handler = create({ journal, status: true, health: { run: async () => healthy } })
      const [page, badge, feed] = await Promise.all([
        handler(get("/status")),
        handler(get("/status/badge.svg")),
        handler(get("/status/feed.atom")),
      ])
      expect(page.status).toBe(200)
      expect(await page.text()).toContain("All Systems Operational")
      expect(badge.headers.get("content-type")).toBe("image/svg+xml")
      expect(await feed.text()).toContain("<feed")
    } finally {
      await dispose()
    }
  })

  it("still refuses a bad status or board option at creation, before anything is served", async () => {
    const create = await freshHandler()
    const { journal, dispose } = await tempJournal()
    try {
      expect(() =>
        create({
          journal,
          status: { components: [{ id: "api", name: "API", playbooks: ["no-such-playbook"] }] },
        }),
      ).toThrow(/status\.components\[0\]\.playbooks.*no-such-playbook/)
      expect(() => create({ status: true })).toThrow(/status.*journal/)
      expect(() =>
        create({ board: { responder: undefined as never, token: Redacted.make(" ") } }),
      ).toThrow(/board\.token/)
    } finally {
      await dispose()
    }
  })
})
