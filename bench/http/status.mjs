// /status under load: wrk against, in one run, a bare node:http server answering a static HTML
// page of the same size (the baseline), and @ir/http's status page (createHandler with
// `status`) on a file journal of 200 incidents, one of them an open P1. Prints requests per
// second and latency of each, the ratio to the baseline (goal ≥ 0.8), and how many times the
// status page listed the journal during the load against how many cache intervals passed
// (goal: at most one per interval, plus the first).
//
//   npx turbo run build --filter=@ir/http...     # the bench imports the built package
//   node bench/http/status.mjs
//
// Environment: BENCH_SECONDS per measurement (default 5), BENCH_ROUNDS (default 3; medians are
// reported), BENCH_CONNECTIONS (default 50), BENCH_CACHE_MS (the status page's interval,
// default 5000). wrk comes from Debian (apt-get install wrk).
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"

// A benchmark's settings, not a turbo task's inputs.
const settings = { ...process.env }
const seconds = Number(settings.BENCH_SECONDS ?? 5)
const rounds = Number(settings.BENCH_ROUNDS ?? 3)
const connections = Number(settings.BENCH_CONNECTIONS ?? 50)
const cacheMs = Number(settings.BENCH_CACHE_MS ?? 5000)
const role = process.argv[2]

const packages = new URL("../../packages/", import.meta.url)
const load = (name, entry = "dist/index.js") => import(new URL(`${name}/${entry}`, packages).href)

/** The server roles, each run in a process of its own: `ready PORT` once listening. */
if (role === "bare" || role === "ir") {
  const { createHandler } = await load("http")
  const { toNodeListener } = await load("http", "dist/node.js")
  const { openJournal } = await load("journal")
  const { defaultRunbook } = await load("core")
  const Effect = await import(
    new URL("../../node_modules/effect/dist/esm/Effect.js", import.meta.url).href
  )
  const dir = process.argv[3]
  const journal = await Effect.runPromise(openJournal({ backend: "file", dir }))
  let lists = 0
  const counted = {
    ...journal,
    list: (filter) => {
      lists += 1
      return journal.list(filter)
    },
  }
  const handler = createHandler({ journal: counted, runbook: defaultRunbook, status: { cacheMs } })
  let listener
  if (role === "ir") {
    listener = toNodeListener(handler)
  } else {
    // The same page, made once, served as a static string: what a bare server does at best.
    const page = await (await handler(new Request("http://localhost/status"))).text()
    const headers = {
      "content-type": "text/html; charset=utf-8",
      "content-length": String(Buffer.byteLength(page)),
    }
    listener = (_req, res) => {
      res.writeHead(200, headers)
      res.end(page)
    }
  }
  const server = createServer(listener)
  server.keepAliveTimeout = 65_000
  server.listen(0, "127.0.0.1", () => console.log(`ready ${server.address().port}`))
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line === "lists") console.log(`lists ${lists} computations ${handler.statusComputations()}`)
  })
  process.once("SIGTERM", () => server.close(() => process.exit(0)))
} else {
  if (spawnSync("wrk", ["--version"], { encoding: "utf8" }).error !== undefined) {
    console.error("wrk is not installed: apt-get install wrk (Debian), then run again")
    process.exit(2)
  }
  const { openJournal } = await load("journal")
  const Effect = await import(
    new URL("../../node_modules/effect/dist/esm/Effect.js", import.meta.url).href
  )
  const dir = mkdtempSync(join(tmpdir(), "ir-bench-status-"))
  const journal = await Effect.runPromise(openJournal({ backend: "file", dir }))
  const playbooks = ["system-down", "high-api-error-rate", "database-connectivity"]
  const start = Date.now() - 80 * 86_400_000
  for (let index = 0; index < 200; index += 1) {
    const at = new Date(start + index * 9 * 3_600_000)
    const opened = await Effect.runPromise(
      journal.open({
        at,
        title: `incident ${index}`,
        severity: index % 3 === 0 ? "P1" : "P2",
        playbooks: [playbooks[index % playbooks.length]],
        summary: "bench",
        source: { kind: "manual" },
      }),
    )
    if (index < 199)
      await Effect.runPromise(
        journal.append(opened.incident.id, [
          { type: "resolved", at: new Date(at.getTime() + 40 * 60_000), resolution: "fixed" },
        ]),
      )
  }
  await Effect.runPromise(journal.close)

  const startServer = (kind) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [new URL(import.meta.url).pathname, kind, dir], {
        env: settings,
        stdio: ["pipe", "pipe", "inherit"],
      })
      const lines = createInterface({ input: child.stdout })
      const waiting = []
      lines.on("line", (line) => {
        const ready = /^ready (\d+)$/.exec(line)
        if (ready !== null) {
          resolve({
            url: `http://127.0.0.1:${ready[1]}/status`,
            counts: () =>
              new Promise((done) => {
                waiting.push(done)
                child.stdin.write("lists\n")
              }),
            stop: () =>
              new Promise((done) => {
                child.once("exit", done)
                child.kill("SIGTERM")
              }),
          })
        }
        const counts = /^lists (\d+) computations (\d+)$/.exec(line)
        if (counts !== null)
          waiting.shift()?.({ lists: Number(counts[1]), computations: Number(counts[2]) })
      })
      child.once("exit", (code) => reject(new Error(`${kind} exited with ${code}`)))
    })

  const wrk = (url) =>
    new Promise((resolve, reject) => {
      const child = spawn("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", url], {
        stdio: ["ignore", "pipe", "inherit"],
      })
      let output = ""
      child.stdout.setEncoding("utf8")
      child.stdout.on("data", (chunk) => {
        output += chunk
      })
      child.once("exit", (code) => {
        if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${output}`))
        const latency = (label) => {
          const match = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)\\b`).exec(output)
          return match === null
            ? Number.NaN
            : Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2]]
        }
        resolve({
          requests: Number(/(\d+) requests in/.exec(output)?.[1] ?? Number.NaN),
          requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? Number.NaN),
          p50: latency("50%"),
          p99: latency("99%"),
          errors: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0),
        })
      })
    })

  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const results = { bare: [], ir: [] }
  let irLists = { requests: 0, lists: 0, intervals: 0 }
  try {
    for (let round = 0; round < rounds; round += 1) {
      // Take turns, so that a noisy moment does not fall on one server only.
      for (const kind of round % 2 === 0 ? ["bare", "ir"] : ["ir", "bare"]) {
        const server = await startServer(kind)
        for (let warm = 0; warm < 20; warm += 1) await (await fetch(server.url)).text()
        const before = await server.counts()
        const started = Date.now()
        const result = await wrk(server.url)
        const elapsed = Date.now() - started
        const after = await server.counts()
        results[kind].push(result)
        if (kind === "ir") {
          irLists = {
            requests: irLists.requests + result.requests,
            lists: irLists.lists + (after.lists - before.lists),
            intervals: irLists.intervals + Math.ceil(elapsed / cacheMs),
          }
        }
        if (result.errors > 0) console.error(`${kind}: ${result.errors} non-2xx answers`)
        await server.stop()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const row = (kind) => {
    const rps = median(results[kind].map((r) => r.requestsPerSecond))
    return {
      rps,
      p50: median(results[kind].map((r) => r.p50)),
      p99: median(results[kind].map((r) => r.p99)),
    }
  }
  const bare = row("bare")
  const ir = row("ir")
  console.log(
    `/status, wrk -c${connections}, ${seconds}s x ${rounds} rounds (medians), cache ${cacheMs} ms, 200 incidents in the file journal`,
  )
  console.log("server       req/s      p50 ms   p99 ms   ratio to bare")
  for (const [name, r] of [
    ["bare", bare],
    ["ir", ir],
  ])
    console.log(
      `${name.padEnd(12)} ${r.rps.toFixed(0).padStart(8)}  ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}   ${(r.rps / bare.rps).toFixed(2)}`,
    )
  console.log(
    `ir / bare: ${(ir.rps / bare.rps).toFixed(2)} (goal ≥ 0.80: ${ir.rps / bare.rps >= 0.8 ? "met" : "not met"})`,
  )
  console.log(
    `journal listed ${irLists.lists} times for ${irLists.requests} requests over ${irLists.intervals} cache intervals (goal ≤ one per interval: ${irLists.lists <= irLists.intervals ? "met" : "not met"})`,
  )
}
