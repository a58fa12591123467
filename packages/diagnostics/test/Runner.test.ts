// The runner with real peers it starts itself (HTTP servers, a blackhole): no service needed.

import { createServer, type Socket } from "node:net"
import { Probe } from "@ir/core"
import { Effect, Exit, Fiber, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  ProbeRun,
  type ProgressEvent,
  probesFor,
  probeTimeoutMs,
  runProbes,
  runProbesEffect,
} from "../src/index.js"
import { type Peer, signalValue, startBlackhole, startHttpPeer, warmUp } from "./peers.js"

let app: Peer
let blackhole: Peer

beforeAll(async () => {
  app = await startHttpPeer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify({ status: "pass", prediction: 1 }))
  })
  blackhole = await startBlackhole()
  await warmUp()
})

afterAll(async () => {
  await Promise.all([app.close(), blackhole.close()])
})

describe("probesFor", () => {
  it("tells configured probes from skipped ones, in the catalogue's order", () => {
    const { configured, skipped } = probesFor({
      http: { health: { url: "http://user:pw123@localhost:8000/health" } },
      host: {},
    })
    expect(configured).toEqual([
      { id: "http.health", target: "http://user:***@localhost:8000/health" },
      { id: "host.memory", target: "localhost" },
      { id: "host.disk", target: "localhost" },
      { id: "host.load", target: "localhost" },
    ])
    expect(skipped).toHaveLength(Probe.catalogue.length - 4)
    expect(skipped[0]).toEqual({
      id: "http.predict",
      reason: "not configured (needs http.predict.url and http.predict.sample)",
    })
  })
})

describe("probeTimeoutMs", () => {
  it("takes the probe's own timeout, else the endpoint's, else the default, else 5 s", () => {
    const config = {
      http: { health: { url: "http://x/health", timeout: "2s" } },
      timeouts: { default: "3s", probes: { "http.health": "1s", "postgres.locks": "0.5s" } },
    }
    expect(probeTimeoutMs(config, "http.health")).toBe(1000)
    expect(probeTimeoutMs(config, "postgres.locks")).toBe(500)
    expect(probeTimeoutMs(config, "host.disk")).toBe(3000)
    expect(
      probeTimeoutMs({ http: { health: { url: "http://x", timeout: "2s" } } }, "http.health"),
    ).toBe(2000)
    expect(probeTimeoutMs({}, "host.disk")).toBe(5000)
  })
})

describe("runProbes", () => {
  it("runs probes concurrently: a hung probe costs its timeout once, not the others'", async () => {
    const run = await runProbes(
      {
        http: {
          health: { url: `${blackhole.url}/health`, timeout: "1s" },
          predict: { url: `${blackhole.url}/predict`, sample: {}, timeout: "1s" },
          dataSource: { url: `${blackhole.url}/source`, timeout: "1s" },
        },
        prometheus: { url: blackhole.url },
        host: {},
        timeouts: { default: "1s" },
      },
      {},
    )
    const timedOut = run.results.filter((result) => result.cause?.reason === "timeout")
    expect(
      timedOut.map((result) => result.id),
      JSON.stringify(run.results.map((result) => [result.id, result.summary])),
    ).toHaveLength(7)
    // Each hung probe takes its own 1 s timeout; together they take one timeout, not seven in a
    // row. The run's bound sits far below the sequential 7 s, so load on the machine cannot fail it.
    // (A probe's own clock starts with its work, after its timer: a little under 1 s is fine.)
    for (const result of timedOut) expect(result.durationMs).toBeLessThan(1000 + 500)
    expect(run.durationMs).toBeLessThan(7000 / 2)
    expect(run.results.map((result) => result.id)).toEqual(
      Probe.catalogue
        .map((entry) => entry.id)
        .filter(
          (id) =>
            !["prometheus.query"].includes(id) &&
            /^(http|prometheus|host\.(memory|disk|load))/.test(id),
        ),
    )
    expect(
      run.results
        .filter((result) => result.id.startsWith("host."))
        .every((result) => result.status !== "unknown"),
    ).toBe(true)
  })

  it("stops at the run's deadline, reporting what did not finish", async () => {
    const run = await runProbes(
      {
        http: { health: { url: `${blackhole.url}/health` } },
        host: {},
        timeouts: { default: "5s" },
      },
      { probes: ["http.health", "host.load"], deadline: "0.6s" },
    )
    // The deadline (0.6 s), not the probe's own 5 s timeout, ended the run.
    expect(run.durationMs).toBeLessThan(5000)
    const [health, load] = run.results
    expect(health?.status).toBe("unknown")
    expect(health?.cause?.reason).toBe("deadline")
    expect(signalValue(run, "http.health.reachable")).toBe(false)
    expect(load?.status).not.toBe("unknown")
  })

  it("stops its probes when the run itself is interrupted: the hung request is aborted", async () => {
    const sockets: Array<Socket> = []
    const closed: Array<Socket> = []
    const hang = createServer((socket) => {
      sockets.push(socket)
      socket.on("close", () => closed.push(socket))
    })
    await new Promise<void>((resolve) => hang.listen(0, "127.0.0.1", resolve))
    const address = hang.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    try {
      const events: Array<ProgressEvent> = []
      const fiber = Effect.runFork(
        runProbesEffect(
          { http: { health: { url: `http://127.0.0.1:${port}/health`, timeout: "5s" } } },
          { probes: ["http.health"], onProgress: (event) => events.push(event) },
        ),
      )
      const until = Date.now() + 2000
      while (sockets.length === 0 && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 10))
      expect(sockets).toHaveLength(1)
      const started = performance.now()
      const exit = await Effect.runPromise(Fiber.interrupt(fiber))
      // Interruption does not wait for the request's 5 s timeout.
      expect(performance.now() - started).toBeLessThan(5000)
      expect(Exit.isInterrupted(exit)).toBe(true)
      while (closed.length === 0 && Date.now() < until + 1000)
        await new Promise((resolve) => setTimeout(resolve, 10))
      expect(closed).toHaveLength(1)
      expect(events.map((event) => event.type)).toEqual(["started"])
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => hang.close(resolve))
    }
  })

  it("reports a probe asked for but not configured as unknown", async () => {
    const run = await runProbes({}, { probes: ["postgres.locks"] })
    expect(run.results).toEqual([
      expect.objectContaining({
        id: "postgres.locks",
        status: "unknown",
        cause: {
          reason: "not-configured",
          message: "postgres.locks is not configured (needs postgres.url)",
        },
      }),
    ])
  })

  it("tells progress as probes start and finish", async () => {
    const events: Array<ProgressEvent> = []
    await runProbes(
      { http: { health: { url: `${app.url}/health` } }, host: {} },
      { probes: ["http.health", "host.load"], onProgress: (event) => events.push(event) },
    )
    expect(
      events
        .filter((event) => event.type === "started")
        .map((event) => event.type === "started" && event.id)
        .sort(),
    ).toEqual(["host.load", "http.health"])
    expect(events.filter((event) => event.type === "finished")).toHaveLength(2)
  })

  it("merges signals into one set stamped with the clock given, and encodes to JSON", async () => {
    const at = new Date("2024-05-01T12:00:00Z")
    const run = await runProbes(
      {
        http: {
          health: { url: `${app.url}/health` },
          predict: { url: `${app.url}/predict`, sample: {} },
        },
      },
      { now: () => at },
    )
    expect(run.startedAt).toEqual(at)
    expect(run.observations).toEqual(run.results.flatMap((result) => result.signals))
    expect(run.observations.every((observation) => observation.at === at)).toBe(true)
    expect(run.observations.find((o) => o.signal === "http.predict.ok")).toMatchObject({
      value: true,
      source: "http.predict",
    })
    const json = JSON.parse(JSON.stringify(Schema.encodeSync(ProbeRun)(run)))
    expect(json.startedAt).toBe("2024-05-01T12:00:00.000Z")
    expect(Schema.decodeUnknownSync(ProbeRun)(json)).toEqual(run)
  })
})
