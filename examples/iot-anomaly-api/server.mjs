#!/usr/bin/env node
// The seed runbook's IoT anomaly-detection API, small enough to read in one sitting: node:http,
// no dependencies. It is the service ir's scenario tests break on purpose.
//
//   GET  /health   application/health+json (draft-inadarei-api-health-check-06): the model file
//                  and, when DATABASE_URL is set, PostgreSQL; 200 pass/warn, 503 fail
//   POST /predict  {"temperature", "pressure", "humidity", "vibration"} -> {anomaly, score,
//                  reconstruction_error}; 500 when the model is missing or corrupt
//   GET  /metrics  Prometheus text: http_requests_total{method,path,status},
//                  http_request_duration_seconds, memory_usage_bytes, model_reconstruction_error
//
// Environment:
//   PORT (8000), HOST (127.0.0.1)
//   MODEL_DIR (./saved_models next to this file), MODEL_FILE (anomaly_detector.json); a
//     SHA256SUMS file in MODEL_DIR, when present, must match the model
//   DATABASE_URL   optional: PostgreSQL the health check must reach (postgres://host:port/...)
//   FAILURE_RATE   0..1: share of /predict requests answered 500, to rehearse an error rate
//   LOG_FORMAT     "text" (default) or "json"
import { createHash } from "node:crypto"
import { readFileSync, statSync } from "node:fs"
import { createServer } from "node:http"
import { connect } from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const port = Number(process.env.PORT ?? 8000)
const host = process.env.HOST ?? "127.0.0.1"
const modelDir = process.env.MODEL_DIR ?? join(here, "saved_models")
const modelFile = process.env.MODEL_FILE ?? "anomaly_detector.json"
const failureRate = Math.min(1, Math.max(0, Number(process.env.FAILURE_RATE ?? 0) || 0))
const databaseUrl = process.env.DATABASE_URL
const started = Date.now()

// ------------------------------------------------------------------------------------ logs

const redact = (text) => String(text).replace(/(\w+:\/\/[^:/@\s]+:)[^@\s]+@/g, "$1***@")
const log = (level, message) => {
  const at = new Date().toISOString()
  const line =
    process.env.LOG_FORMAT === "json"
      ? JSON.stringify({ at, level, message: redact(message) })
      : `${at} ${level} ${redact(message)}`
  ;(level === "ERROR" ? process.stderr : process.stdout).write(`${line}\n`)
}

// ---------------------------------------------------------------------------------- metrics

const requests = new Map() // "method|path|status" -> count
const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
const durations = new Map() // "method|path" -> { counts, sum, count }
let lastReconstructionError = 0

const knownPaths = new Set(["/health", "/predict", "/metrics"])
const pathLabel = (url) => {
  const path = (url ?? "/").split("?")[0]
  return knownPaths.has(path) ? path : "other"
}

const observe = (method, path, status, seconds) => {
  const key = `${method}|${path}|${status}`
  requests.set(key, (requests.get(key) ?? 0) + 1)
  const series = durations.get(`${method}|${path}`) ?? {
    counts: buckets.map(() => 0),
    sum: 0,
    count: 0,
  }
  buckets.forEach((bound, index) => {
    if (seconds <= bound) series.counts[index] += 1
  })
  series.sum += seconds
  series.count += 1
  durations.set(`${method}|${path}`, series)
}

const metricsText = () => {
  const lines = [
    "# HELP http_requests_total HTTP requests by method, path and status.",
    "# TYPE http_requests_total counter",
  ]
  for (const [key, count] of requests) {
    const [method, path, status] = key.split("|")
    lines.push(`http_requests_total{method="${method}",path="${path}",status="${status}"} ${count}`)
  }
  lines.push(
    "# HELP http_request_duration_seconds HTTP request duration in seconds.",
    "# TYPE http_request_duration_seconds histogram",
  )
  for (const [key, series] of durations) {
    const [method, path] = key.split("|")
    const labels = `method="${method}",path="${path}"`
    buckets.forEach((bound, index) => {
      lines.push(
        `http_request_duration_seconds_bucket{${labels},le="${bound}"} ${series.counts[index]}`,
      )
    })
    lines.push(
      `http_request_duration_seconds_bucket{${labels},le="+Inf"} ${series.count}`,
      `http_request_duration_seconds_sum{${labels}} ${series.sum}`,
      `http_request_duration_seconds_count{${labels}} ${series.count}`,
    )
  }
  lines.push(
    "# HELP memory_usage_bytes Resident memory of the service.",
    "# TYPE memory_usage_bytes gauge",
    `memory_usage_bytes ${process.memoryUsage().rss}`,
    "# HELP model_reconstruction_error Reconstruction error of the last prediction.",
    "# TYPE model_reconstruction_error gauge",
    `model_reconstruction_error ${lastReconstructionError}`,
  )
  return `${lines.join("\n")}\n`
}

// ------------------------------------------------------------------------------------ model

const features = ["temperature", "pressure", "humidity", "vibration"]
let cached // { mtimeMs, size, model }

/** The model, reloaded when the file changes; throws with a message saying what is wrong. */
const loadModel = () => {
  const path = join(modelDir, modelFile)
  let stats
  try {
    stats = statSync(path)
  } catch {
    cached = undefined
    throw new Error(`model file ${path} not found`)
  }
  if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.model
  const bytes = readFileSync(path)
  try {
    const sums = readFileSync(join(modelDir, "SHA256SUMS"), "utf8")
    const expected = sums
      .split("\n")
      .map((line) => /^([0-9a-f]{64})\s+\*?(.+)$/i.exec(line.trim()))
      .find((match) => match?.[2] === modelFile)?.[1]
    const actual = createHash("sha256").update(bytes).digest("hex")
    if (expected !== undefined && expected.toLowerCase() !== actual) {
      throw new Error(`model file ${path} is corrupt: sha256 ${actual} differs from SHA256SUMS`)
    }
  } catch (error) {
    if (error.code !== "ENOENT") throw error
  }
  let model
  try {
    model = JSON.parse(bytes.toString("utf8"))
  } catch (error) {
    throw new Error(`model file ${path} is corrupt: ${error.message}`)
  }
  for (const feature of features) {
    const stats = model?.features?.[feature]
    if (!(typeof stats?.mean === "number" && typeof stats?.std === "number" && stats.std > 0)) {
      throw new Error(`model file ${path} is corrupt: no statistics for ${feature}`)
    }
  }
  if (typeof model.threshold !== "number") throw new Error(`model file ${path} has no threshold`)
  cached = { mtimeMs: stats.mtimeMs, size: stats.size, model }
  log("INFO", `Model ${model.name ?? modelFile} ${model.version ?? ""} loaded from ${path}`)
  return model
}

const predict = (model, sample) => {
  const squared = features.map((feature) => {
    const { mean, std } = model.features[feature]
    return ((sample[feature] - mean) / std) ** 2
  })
  const reconstructionError = squared.reduce((sum, value) => sum + value, 0) / squared.length
  return {
    anomaly: reconstructionError > model.threshold,
    score: Number((reconstructionError / model.threshold).toFixed(6)),
    reconstruction_error: Number(reconstructionError.toFixed(6)),
  }
}

// ---------------------------------------------------------------------------------- database

/**
 * Whether PostgreSQL answers: connect and send an SSLRequest, which any PostgreSQL answers with
 * one byte ("S" or "N") before authentication. No driver needed, no connection slot used.
 */
const checkDatabase = (url, timeoutMs = 1000) =>
  new Promise((resolve) => {
    let target
    try {
      target = new URL(url)
    } catch {
      resolve({ ok: false, output: "DATABASE_URL is not a URL" })
      return
    }
    const begin = performance.now()
    const socket = connect({ host: target.hostname, port: Number(target.port || 5432) })
    const done = (result) => {
      socket.destroy()
      resolve({ ...result, ms: performance.now() - begin })
    }
    socket.setTimeout(timeoutMs, () =>
      done({ ok: false, output: `no answer within ${timeoutMs} ms` }),
    )
    socket.once("error", (error) => done({ ok: false, output: error.message }))
    socket.once("connect", () => {
      const request = Buffer.alloc(8)
      request.writeInt32BE(8, 0)
      request.writeInt32BE(80877103, 4)
      socket.write(request)
    })
    socket.once("data", (data) => {
      const answer = String.fromCharCode(data[0])
      done(
        answer === "S" || answer === "N"
          ? { ok: true, output: "PostgreSQL answers" }
          : { ok: false, output: "not PostgreSQL" },
      )
    })
  })

// ------------------------------------------------------------------------------------- HTTP

const send = (response, status, body, type = "application/json") => {
  response.writeHead(status, { "content-type": type, "cache-control": "no-store" })
  response.end(typeof body === "string" ? body : JSON.stringify(body))
}

const readJson = (request, limit = 64 * 1024) =>
  new Promise((resolve, reject) => {
    let size = 0
    const chunks = []
    request.on("data", (chunk) => {
      size += chunk.length
      if (size > limit) {
        reject(Object.assign(new Error("request body too large"), { status: 413 }))
        request.destroy()
      } else chunks.push(chunk)
    })
    request.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "null"))
      } catch {
        reject(Object.assign(new Error("request body is not JSON"), { status: 400 }))
      }
    })
    request.on("error", reject)
  })

const health = async () => {
  const time = new Date().toISOString()
  const checks = {}
  let status = "pass"
  try {
    const model = loadModel()
    checks["model:loaded"] = [
      {
        componentType: "component",
        observedValue: model.version ?? "loaded",
        status: "pass",
        time,
      },
    ]
  } catch (error) {
    status = "fail"
    log("ERROR", `Model loading failed: ${error.message}`)
    checks["model:loaded"] = [
      { componentType: "component", status: "fail", time, output: error.message },
    ]
  }
  if (databaseUrl) {
    const database = await checkDatabase(databaseUrl)
    if (!database.ok) {
      status = "fail"
      log("ERROR", `Database connection failed: ${database.output}`)
    }
    checks["postgres:responseTime"] = [
      {
        componentId: "postgres",
        componentType: "datastore",
        observedValue: Math.round(database.ms),
        observedUnit: "ms",
        status: database.ok ? "pass" : "fail",
        time,
        ...(database.ok ? {} : { output: database.output }),
      },
    ]
  }
  checks["uptime"] = [
    {
      componentType: "system",
      observedValue: (Date.now() - started) / 1000,
      observedUnit: "s",
      status: "pass",
      time,
    },
  ]
  return { status, version: "1", serviceId: "iot-anomaly-api", checks }
}

const handle = async (request, response) => {
  const path = pathLabel(request.url)
  if (request.method === "GET" && path === "/health") {
    const body = await health()
    send(response, body.status === "fail" ? 503 : 200, body, "application/health+json")
    return
  }
  if (request.method === "GET" && path === "/metrics") {
    send(response, 200, metricsText(), "text/plain; version=0.0.4")
    return
  }
  if (request.method === "POST" && path === "/predict") {
    const sample = await readJson(request)
    const invalid = features.filter((feature) => typeof sample?.[feature] !== "number")
    if (invalid.length > 0) {
      send(response, 422, { error: `expected numbers for ${invalid.join(", ")}` })
      return
    }
    let model
    try {
      model = loadModel()
    } catch (error) {
      log("ERROR", `Model loading failed: ${error.message}`)
      send(response, 500, { error: "model unavailable" })
      return
    }
    if (failureRate > 0 && Math.random() < failureRate) {
      log("ERROR", "Prediction failed: internal error (FAILURE_RATE)")
      send(response, 500, { error: "internal error" })
      return
    }
    const result = predict(model, sample)
    lastReconstructionError = result.reconstruction_error
    send(response, 200, result)
    return
  }
  send(response, 404, { error: "not found" })
}

const server = createServer((request, response) => {
  const begin = performance.now()
  response.on("finish", () => {
    const seconds = (performance.now() - begin) / 1000
    const path = pathLabel(request.url)
    observe(request.method ?? "GET", path, response.statusCode, seconds)
    if (path !== "/metrics") {
      log(
        response.statusCode >= 500 ? "ERROR" : "INFO",
        `${request.method} ${path} ${response.statusCode} ${Math.round(seconds * 1000)}ms`,
      )
    }
  })
  handle(request, response).catch((error) => {
    if (!response.headersSent) send(response, error.status ?? 500, { error: error.message })
  })
})
server.keepAliveTimeout = 5000
server.headersTimeout = 10_000
server.requestTimeout = 10_000

server.listen(port, host, () => {
  const address = server.address()
  log("INFO", `iot-anomaly-api listening on http://${address.address}:${address.port}`)
  try {
    loadModel()
  } catch (error) {
    log("ERROR", `Model loading failed: ${error.message}`)
  }
})

const stop = (signal) => {
  log("INFO", `${signal}: shutting down`)
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
process.once("SIGTERM", () => stop("SIGTERM"))
process.once("SIGINT", () => stop("SIGINT"))
