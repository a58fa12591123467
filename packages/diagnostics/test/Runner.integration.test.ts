// Every probe at once against the real services, one target blackholed.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Probe } from "@ir/core"
import Docker from "dockerode"
import { Redacted, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DiagnosticsConfig, ProbeRun, runProbes } from "../src/index.js"
import { expectVocabulary, type Peer, startBlackhole, startHttpPeer, warmUp } from "./peers.js"
import { requireService } from "./requireService.js"

const pgUrl = requireService("IR_TEST_PG_URL")
const socket = requireService("IR_TEST_DOCKER_SOCKET")
const image = requireService("IR_TEST_DOCKER_IMAGE")
const containerName = `ir-diag-run-${process.pid}`

let app: Peer
let blackhole: Peer
let dir: string

beforeAll(async () => {
  app = await startHttpPeer((request, response) => {
    if (request.url === "/health") {
      response.writeHead(200, { "content-type": "application/health+json" })
      response.end(JSON.stringify({ status: "pass" }))
      return
    }
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify({ prediction: 0.1 }))
  })
  blackhole = await startBlackhole()
  dir = await mkdtemp(join(tmpdir(), "ir-diag-run-"))
  await warmUp()
  await writeFile(join(dir, "model.h5"), "weights")
  await mkdir(join(dir, "backups"))
  await writeFile(join(dir, "backups", "anomaly_db-nightly.dump"), "PGDMP")
  if (socket !== undefined && image !== undefined) {
    const docker = new Docker({ socketPath: socket })
    const container = await docker.createContainer({
      name: containerName,
      Image: image,
      Cmd: ["sh", "-c", "echo ERROR boom; exec sleep 1000"],
      HostConfig: { NetworkMode: "none" },
    })
    await container.start()
  }
}, 30_000)

afterAll(async () => {
  await Promise.all([app.close(), blackhole.close(), rm(dir, { recursive: true, force: true })])
  if (socket !== undefined)
    await new Docker({ socketPath: socket })
      .getContainer(containerName)
      .remove({ force: true })
      .catch(() => undefined)
})

describe.skipIf(pgUrl === undefined || socket === undefined)("a run of every probe", () => {
  it("finishes within the blackholed probe's timeout plus a small margin, every result in order", async () => {
    const config: DiagnosticsConfig = {
      http: {
        health: { url: `${app.url}/health` },
        predict: { url: `${app.url}/predict`, sample: { temperature: 25 } },
        dataSource: { url: `${app.url}/source` },
      },
      // Prometheus is the blackholed target: it accepts and never answers.
      prometheus: {
        url: `http://metrics:t0ken-in-url@127.0.0.1:${blackhole.port}`,
        queries: [
          {
            name: "reconstruction",
            query: "model_reconstruction_error",
            signal: "model.reconstruction_error",
          },
        ],
      },
      postgres: {
        url: Redacted.make(
          pgUrl!.replace("postgres://postgres@", "postgres://postgres:pgPassw0rd@"),
        ),
        backups: { dir: join(dir, "backups"), match: "*.dump" },
      },
      docker: { socket: socket!, containers: { app: containerName } },
      host: { processes: { self: { pid: process.pid } } },
      files: {
        models: { dir },
        data: { processed: dir },
        backups: { nightly: join(dir, "backups") },
      },
      timeouts: {
        default: "5s",
        probes: Object.fromEntries(
          Probe.catalogue
            .filter((entry) => entry.id.startsWith("prometheus."))
            .map((entry) => [entry.id, "2s"]),
        ),
      },
    }
    const started = performance.now()
    const marks: Array<string> = []
    const run = await runProbes(config, {
      onProgress: (event) =>
        marks.push(
          `${Math.round(performance.now() - started)} ${event.type} ${event.type === "started" ? event.id : event.result.id}`,
        ),
    })
    const elapsed = performance.now() - started

    expect(run.results.map((result) => result.id)).toEqual(Probe.catalogue.map((entry) => entry.id))
    const hung = run.results.filter((result) => result.id.startsWith("prometheus."))
    expect(
      hung.every((result) => result.status === "unknown" && result.cause?.reason === "timeout"),
    ).toBe(true)
    const others = run.results.filter((result) => !result.id.startsWith("prometheus."))
    expect(others.filter((result) => result.status === "unknown")).toEqual([])
    // the slowest probe is a blackholed one at 2 s; the sum of timeouts would be 10 s + 18 × 5 s
    expect(elapsed).toBeGreaterThanOrEqual(2000)
    // One slowest probe, not the sum: far below the 100 s the timeouts add up to.
    expect(run.durationMs, marks.join("; ")).toBeLessThan(2000 * 2)
    const slowest = Math.max(...run.results.map((result) => result.durationMs))
    expect(slowest).toBeLessThan(2000 + 500)
    expectVocabulary(run.results)
    const json = JSON.stringify(Schema.encodeSync(ProbeRun)(run))
    expect(json).not.toContain("pgPassw0rd")
    expect(json).not.toContain("t0ken-in-url")
  }, 20_000)
})
