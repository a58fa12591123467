import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runProbes } from "../src/index.js"
import {
  expectVocabulary,
  only,
  type Peer,
  readBody,
  refusedPort,
  signalValue,
  startBlackhole,
  startGarbagePeer,
  startHttpPeer,
} from "./peers.js"

let app: Peer
let blackhole: Peer
let garbage: Peer
let refused: number
let lastPredictBody = ""

beforeAll(async () => {
  app = await startHttpPeer(async (request, response) => {
    const url = request.url ?? "/"
    if (url === "/health") {
      response.writeHead(200, { "content-type": "application/health+json" })
      response.end(
        JSON.stringify({
          status: "pass",
          version: "1.4.2",
          checks: {
            "postgres:connections": [
              { componentType: "datastore", observedValue: 12, status: "pass" },
            ],
            "model:loaded": [{ status: "pass" }],
          },
        }),
      )
    } else if (url === "/health-failing") {
      response.writeHead(503, { "content-type": "application/health+json; charset=utf-8" })
      response.end(
        JSON.stringify({
          status: "fail",
          checks: {
            "postgres:connections": [
              { status: "fail", output: "too many clients (postgres://app:dbpass99@db/x)" },
            ],
          },
        }),
      )
    } else if (url === "/health-deep") {
      // a valid JSON document nested 50,000 levels deep in its checks
      response.writeHead(200, { "content-type": "application/health+json" })
      response.end(
        `{"status":"pass","checks":{"x:y":[{"observedValue":${"[".repeat(50_000)}${"]".repeat(50_000)}}]}}`,
      )
    } else if (url === "/health-many") {
      // Twenty thousand failing checks (about 1 MB): the summary names a few and counts the rest.
      const checks = Object.fromEntries(
        Array.from({ length: 20_000 }, (_, index) => [
          `disk:sd${index}`,
          [{ status: "fail", output: "full" }],
        ]),
      )
      response.writeHead(503, { "content-type": "application/health+json" })
      response.end(JSON.stringify({ status: "fail", checks }))
    } else if (url === "/plain-500") {
      response.writeHead(500, { "content-type": "text/plain" })
      response.end("Internal Server Error")
    } else if (url === "/predict") {
      lastPredictBody = await readBody(request)
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify({ prediction: 0.12, is_anomaly: false }))
    } else if (url === "/predict-broken") {
      await readBody(request)
      response.writeHead(500, { "content-type": "application/json" })
      response.end(JSON.stringify({ detail: "model not loaded" }))
    } else if (url === "/predict-html") {
      await readBody(request)
      response.writeHead(200, { "content-type": "text/html" })
      response.end("<html>oops</html>")
    } else if (url === "/source" && request.method === "HEAD") {
      response.writeHead(200)
      response.end()
    } else if (url === "/source-down") {
      response.writeHead(503)
      response.end()
    } else {
      response.writeHead(404)
      response.end()
    }
  })
  blackhole = await startBlackhole()
  garbage = await startGarbagePeer()
  refused = await refusedPort()
})

afterAll(async () => {
  await Promise.all([app.close(), blackhole.close(), garbage.close()])
})

const health = (url: string, timeout = "2s") => ({ http: { health: { url, timeout } } })

describe("http.health", () => {
  it("reports a passing application/health+json endpoint with its checks", async () => {
    const result = only(await runProbes(health(`${app.url}/health`), { probes: ["http.health"] }))
    expect(result.status).toBe("ok")
    expect(result.summary).toMatch(/^HTTP 200 in .*status pass \(2 checks pass\)/)
    expect(signalValue(result, "http.health.reachable")).toBe(true)
    expect(signalValue(result, "http.health.status_code")).toBe(200)
    expect(signalValue(result, "http.health.status")).toBe("pass")
    expect(result.observations.find((o) => o.name === "latency")).toMatchObject({
      unit: "s",
      warn: 1,
      critical: 5,
    })
    expect(result.details?.health).toMatchObject({ status: "pass", version: "1.4.2" })
    expect(result.details?.body).toMatchObject({
      status: "pass",
      checks: { "model:loaded": [{ status: "pass" }] },
    })
    expectVocabulary([result])
  })

  it("reports a failing health body as critical with the failing check, redacted", async () => {
    const result = only(
      await runProbes(health(`${app.url}/health-failing`), { probes: ["http.health"] }),
    )
    expect(result.status).toBe("critical")
    expect(result.summary).toContain("status fail (postgres:connections fail)")
    expect(signalValue(result, "http.health.status")).toBe("fail")
    expect(signalValue(result, "http.health.status_code")).toBe(503)
    expect(JSON.stringify(result)).not.toContain("dbpass99")
  })

  it("names a few of many failing checks and counts the others", async () => {
    const result = only(
      await runProbes(health(`${app.url}/health-many`, "5s"), { probes: ["http.health"] }),
    )
    expect(result.status).toBe("critical")
    expect(result.summary).toMatch(
      /status fail \(disk:sd0 fail, disk:sd1 fail, disk:sd2 fail, disk:sd3 fail, disk:sd4 fail and 19995 more\)$/,
    )
    const details = result.details?.health as { checks: Array<unknown>; checksLeftOut: number }
    expect(details.checks).toHaveLength(100)
    expect(details.checksLeftOut).toBe(19_900)
  })

  it("reports a plain 500 as critical", async () => {
    const result = only(
      await runProbes(health(`${app.url}/plain-500`), { probes: ["http.health"] }),
    )
    expect(result.status).toBe("critical")
    expect(result.details?.body).toBe("Internal Server Error")
  })

  it("reports connection refused as unreachable, with the cause", async () => {
    const result = only(
      await runProbes(health(`http://127.0.0.1:${refused}/health`), { probes: ["http.health"] }),
    )
    expect(result.status).toBe("critical")
    expect(result.cause?.reason).toBe("connection-refused")
    expect(signalValue(result, "http.health.reachable")).toBe(false)
  })

  it("reports a health answer nested 50,000 levels deep, instead of losing the probe", async () => {
    const run = await runProbes(health(`${app.url}/health-deep`, "5s"), { probes: ["http.health"] })
    const result = only(run)
    expect(result.status).toBe("warn")
    expect(result.summary).toMatch(
      /body is not valid application\/health\+json \(JSON nested deeper than 32 levels\)/,
    )
    expect(signalValue(result, "http.health.reachable")).toBe(true)
    expect(() => JSON.stringify(run)).not.toThrow()
  })

  it("reports a blackhole as unknown within its timeout", async () => {
    const result = only(
      await runProbes(health(`${blackhole.url}/health`, "0.5s"), { probes: ["http.health"] }),
    )
    expect(result.status).toBe("unknown")
    expect(result.cause?.reason).toBe("timeout")
    expect(signalValue(result, "http.health.reachable")).toBe(false)
    expect(result.durationMs).toBeLessThan(500 + 400)
  })

  it("reports a peer that does not speak HTTP as a protocol failure", async () => {
    const result = only(
      await runProbes(health(`${garbage.url}/health`), { probes: ["http.health"] }),
    )
    expect(result.status).toBe("critical")
    expect(result.cause?.reason).toMatch(/protocol|connection-reset/)
  })

  it("reports a TLS failure as a cause, not a crash", async () => {
    // https:// to a plain HTTP server: the handshake fails
    const result = only(
      await runProbes(health(`https://127.0.0.1:${app.port}/health`), { probes: ["http.health"] }),
    )
    expect(result.status).toBe("critical")
    expect(result.cause?.reason).toBe("tls")
  })

  it("reports a host name that does not resolve as a DNS cause", async () => {
    const result = only(
      await runProbes(health("http://ir-diagnostics-test.invalid/health", "4s"), {
        probes: ["http.health"],
      }),
    )
    expect(result.cause?.reason).toBe("dns")
    expect(signalValue(result, "http.health.reachable")).toBe(false)
  })

  it("never shows the password of the URL", async () => {
    const result = only(
      await runProbes(health(`http://ops:hunter22@127.0.0.1:${refused}/health`), {
        probes: ["http.health"],
      }),
    )
    expect(result.target).toBe(`http://ops:***@127.0.0.1:${refused}/health`)
    expect(JSON.stringify(result)).not.toContain("hunter22")
  })
})

describe("http.predict", () => {
  const predict = (path: string, expect?: { fields?: Array<string>; status?: number }) => ({
    http: {
      predict: {
        url: `${app.url}${path}`,
        sample: { temperature: 25.0, pressure: 1013.25, humidity: 60.0, vibration: 0.1 },
        ...(expect === undefined ? {} : { expect }),
      },
    },
  })

  it("POSTs the sample and checks the answer's shape", async () => {
    const result = only(
      await runProbes(predict("/predict", { fields: ["prediction", "is_anomaly"] }), {
        probes: ["http.predict"],
      }),
    )
    expect(JSON.parse(lastPredictBody)).toEqual({
      temperature: 25,
      pressure: 1013.25,
      humidity: 60,
      vibration: 0.1,
    })
    expect(result.status).toBe("ok")
    expect(signalValue(result, "http.predict.ok")).toBe(true)
    expect(result.details?.shape).toEqual({ prediction: "number", is_anomaly: "boolean" })
    expectVocabulary([result])
  })

  it("fails on a missing field, a 5xx and a non-JSON answer", async () => {
    const missing = only(
      await runProbes(predict("/predict", { fields: ["anomaly_score"] }), {
        probes: ["http.predict"],
      }),
    )
    expect(missing.status).toBe("critical")
    expect(missing.summary).toContain("missing field anomaly_score")
    const broken = only(await runProbes(predict("/predict-broken"), { probes: ["http.predict"] }))
    expect(broken.status).toBe("critical")
    expect(signalValue(broken, "http.predict.status_code")).toBe(500)
    expect(signalValue(broken, "http.predict.ok")).toBe(false)
    const html = only(await runProbes(predict("/predict-html"), { probes: ["http.predict"] }))
    expect(html.summary).toContain("not JSON")
  })
})

describe("http.data-source", () => {
  const source = (path: string) => ({ http: { dataSource: { url: `${app.url}${path}` } } })

  it("HEADs the data source", async () => {
    const up = only(await runProbes(source("/source"), { probes: ["http.data-source"] }))
    expect(up.status).toBe("ok")
    expect(signalValue(up, "http.data_source.reachable")).toBe(true)
    const down = only(await runProbes(source("/source-down"), { probes: ["http.data-source"] }))
    expect(down.status).toBe("critical")
    expect(signalValue(down, "http.data_source.reachable")).toBe(false)
    const missing = only(await runProbes(source("/nothing-here"), { probes: ["http.data-source"] }))
    expect(missing.status).toBe("warn")
    expectVocabulary([up, down, missing])
  })
})
