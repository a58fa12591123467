// /health under load: one load generator (wrk) against, in one run, a bare node:http route
// returning static JSON (the baseline), @ir/http's /health doing a live PostgreSQL check, and
// @godaddy/terminus doing the same check; for scale, lightship (which checks nothing), a
// SELECT 1 per request, and the floor of a /health built on effect as ir's libraries are (the
// same check through effect, with nothing of ir loaded). Prints requests per second, latency,
// each one's ratio to the baseline, the peak number of PostgreSQL connections each held
// (pg_stat_activity, polled during the load), and each server process's resident memory (VmRSS
// from /proc/<pid>/status, read by this process: at rest after start-up, the peak during the
// load, and the steady figure a second after each load ends), with its ratio to the bare
// server's in the same run.
//
//   npx turbo run build --filter=@ir/http...          # the bench imports the built package
//   bash scripts/with-services.sh node bench/http/health.mjs
//
// Environment: IR_TEST_PG_URL (or DATABASE_URL), BENCH_SECONDS per measurement (default 5),
// BENCH_ROUNDS (default 3; medians are reported), BENCH_CONNECTIONS (default 50), BENCH_KINDS
// (default "bare,ir,effect,terminus,lightship,naive"). wrk comes from Debian: when it is
// missing and we are root, it is installed with apt-get.
import { spawn, spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { createInterface } from "node:readline"

const require = createRequire(new URL("../../packages/http/package.json", import.meta.url))
const pg = (await import(require.resolve("pg"))).default

// A benchmark's settings, not a turbo task's inputs.
const settings = { ...process.env }
const pgUrl = settings.IR_TEST_PG_URL ?? settings.DATABASE_URL
const seconds = Number(settings.BENCH_SECONDS ?? 5)
const rounds = Number(settings.BENCH_ROUNDS ?? 3)
const connections = Number(settings.BENCH_CONNECTIONS ?? 50)
const kinds = (settings.BENCH_KINDS ?? "bare,ir,effect,terminus,lightship,naive").split(",")
const serversFile = new URL("./servers.mjs", import.meta.url).pathname

if (pgUrl === undefined) {
  console.error(
    "no PostgreSQL: run it as `bash scripts/with-services.sh node bench/http/health.mjs` (or set DATABASE_URL)",
  )
  process.exit(2)
}

const hasWrk = () =>
  spawnSync("wrk", ["--version"], { encoding: "utf8", timeout: 5000 }).error === undefined
if (!hasWrk()) {
  if (process.getuid?.() !== 0) {
    console.error("wrk is not installed: apt-get install wrk (Debian), then run again")
    process.exit(2)
  }
  console.error("installing wrk (apt-get)…")
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  let install = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], {
    env,
    stdio: "ignore",
    timeout: 300_000,
  })
  if (install.status !== 0) {
    spawnSync("apt-get", ["update"], { env, stdio: "ignore", timeout: 300_000 })
    install = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], {
      env,
      stdio: "ignore",
      timeout: 300_000,
    })
  }
  if (install.status !== 0 || !hasWrk()) {
    console.error("could not install wrk with apt-get")
    process.exit(2)
  }
}

/** Starts a server kind in its own process; resolves once it listens. */
const startServer = (kind) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [serversFile, kind], {
      env: { ...settings, BENCH_PG_URL: pgUrl },
      stdio: ["ignore", "pipe", "inherit"],
    })
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${kind} did not start within 60 s`))
    }, 60_000)
    createInterface({ input: child.stdout }).on("line", (line) => {
      const match = /^ready (\d+)$/.exec(line)
      if (match === null) return
      clearTimeout(timer)
      resolve({
        url: `http://127.0.0.1:${match[1]}/health`,
        pid: child.pid,
        stop: () =>
          new Promise((done) => {
            child.once("exit", done)
            child.kill("SIGTERM")
          }),
      })
    })
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`${kind} exited with ${code} before it was ready`))
    })
  })

/** Runs wrk (asynchronously, so the connection poller keeps running) and parses its report. */
const wrk = (url, duration) =>
  new Promise((resolve, reject) => {
    const child = spawn("wrk", ["-t1", `-c${connections}`, `-d${duration}s`, "--latency", url], {
      stdio: ["ignore", "pipe", "inherit"],
    })
    let output = ""
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk) => {
      output += chunk
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), (duration + 30) * 1000)
    child.once("exit", (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${output}`))
      const number = (pattern) => Number(pattern.exec(output)?.[1] ?? Number.NaN)
      const latency = (label) => {
        const match = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)\\b`).exec(output)
        if (match === null) return Number.NaN
        const scale = { us: 0.001, ms: 1, s: 1000 }[match[2]]
        return Number(match[1]) * scale
      }
      resolve({
        requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
        p50: latency("50%"),
        p99: latency("99%"),
        errors: number(/Non-2xx or 3xx responses:\s+(\d+)/) || 0,
        socketErrors: /Socket errors:/.test(output),
      })
    })
  })

/** The resident set of a process in MB (VmRSS in /proc/<pid>/status), or NaN once it is gone. */
const residentMegabytes = (pid) => {
  try {
    const kilobytes = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]
    return kilobytes === undefined ? Number.NaN : Number(kilobytes) / 1024
  } catch {
    return Number.NaN
  }
}

/** Samples a process's resident set every 20 ms until stopped; resolves to the peak. */
const watchResident = (pid) => {
  let peak = residentMegabytes(pid)
  const timer = setInterval(() => {
    const now = residentMegabytes(pid)
    if (now > peak || Number.isNaN(peak)) peak = now
  }, 20)
  return () => {
    clearInterval(timer)
    return Math.max(peak, residentMegabytes(pid))
  }
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls pg_stat_activity for connections with this application_name until stopped. */
const watchConnections = async (applicationName) => {
  const client = new pg.Client({ connectionString: pgUrl, application_name: "ir-bench-monitor" })
  await client.connect()
  let peak = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
        [applicationName],
      )
      peak = Math.max(peak, rows[0].n)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })()
  return async () => {
    running = false
    await loop
    await client.end()
    return peak
  }
}

const labels = {
  bare: "bare node:http, static JSON",
  ir: "@ir/http /health, live PostgreSQL check",
  effect: "node:http + effect, same check (floor)",
  terminus: "@godaddy/terminus, same check",
  naive: "SELECT 1 per request, pool of 10",
  lightship: "lightship /health, no dependency checked",
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

// All servers run at once (an idle one costs nothing) and take turns under load, round after
// round: on a shared machine the load of others drifts, and turns spread it over every kind.
const servers = {}
const runs = Object.fromEntries(kinds.map((kind) => [kind, []]))
const atRest = {}
try {
  for (const kind of kinds) servers[kind] = await startServer(kind)
  await settle(1000)
  for (const kind of kinds) atRest[kind] = residentMegabytes(servers[kind].pid)
  for (const kind of kinds) await wrk(servers[kind].url, 2) // warm-up: JIT, pools
  for (let round = 1; round <= rounds; round += 1) {
    for (const kind of kinds) {
      const stopWatching = await watchConnections(`ir-bench-${kind}`)
      const stopResident = watchResident(servers[kind].pid)
      const measured = await wrk(servers[kind].url, seconds)
      const peakResident = stopResident()
      const peakConnections = await stopWatching()
      // Steady: what the process keeps once the load is over (connections closed, a GC or two).
      await settle(1000)
      const steadyResident = residentMegabytes(servers[kind].pid)
      runs[kind].push({ ...measured, peakConnections, peakResident, steadyResident })
      console.error(
        `round ${round} ${kind}: ${Math.round(measured.requestsPerSecond)} req/s, ` +
          `RSS peak ${peakResident.toFixed(1)} MB, steady ${steadyResident.toFixed(1)} MB`,
      )
    }
  }
} finally {
  await Promise.all(Object.values(servers).map((server) => server.stop()))
}
const results = Object.fromEntries(
  kinds.map((kind) => [
    kind,
    {
      requestsPerSecond: median(runs[kind].map((run) => run.requestsPerSecond)),
      p50: median(runs[kind].map((run) => run.p50)),
      p99: median(runs[kind].map((run) => run.p99)),
      errors: runs[kind].reduce((sum, run) => sum + run.errors, 0),
      peakConnections: Math.max(...runs[kind].map((run) => run.peakConnections)),
      restResident: atRest[kind],
      peakResident: Math.max(...runs[kind].map((run) => run.peakResident)),
      steadyResident: median(runs[kind].map((run) => run.steadyResident)),
    },
  ]),
)

// Each round's ratio to the baseline of the same round, then the median: what the others on the
// machine were doing cancels out better within a round than across rounds.
const ratioOf = (kind) =>
  runs.bare === undefined
    ? undefined
    : median(
        runs[kind].map((run, round) => run.requestsPerSecond / runs.bare[round].requestsPerSecond),
      )
const baseline = results.bare?.requestsPerSecond
// Memory is not drifted by the others' CPU load the way throughput is: the peak over every round
// against the bare server's peak over every round.
const residentRatioOf = (kind) =>
  results.bare === undefined ? undefined : results[kind].peakResident / results.bare.peakResident
const pad = (text, width) => String(text).padEnd(width)
console.log(
  `\n/health under wrk -t1 -c${connections} -d${seconds}s, median of ${rounds} rounds (node ${process.version})\n`,
)
console.log(
  `${pad("server", 42)}${pad("req/s", 10)}${pad("ratio*", 8)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("non-2xx", 9)}${pad("PG conns", 10)}` +
    `${pad("RSS rest", 10)}${pad("RSS peak", 10)}${pad("ratio**", 9)}RSS steady`,
)
const megabytes = (value) => (Number.isNaN(value) ? "?" : value.toFixed(1))
for (const kind of kinds) {
  const r = results[kind]
  const ratio = baseline === undefined ? "" : ratioOf(kind).toFixed(3)
  const residentRatio = results.bare === undefined ? "" : residentRatioOf(kind).toFixed(3)
  console.log(
    `${pad(labels[kind] ?? kind, 42)}${pad(Math.round(r.requestsPerSecond), 10)}${pad(ratio, 8)}${pad(r.p50.toFixed(2), 9)}${pad(r.p99.toFixed(2), 9)}${pad(r.errors, 9)}${pad(r.peakConnections, 10)}` +
      `${pad(megabytes(r.restResident), 10)}${pad(megabytes(r.peakResident), 10)}${pad(residentRatio, 9)}${megabytes(r.steadyResident)}`,
  )
}
console.log(
  "\n* median over the rounds of the ratio to the bare route's requests per second in the same round" +
    "\n** peak resident set (MB) during the loads over the bare server's peak; rest: after start-up," +
    "\n   before any load; steady: a second after a load ended (median over the rounds)",
)
if (results.ir !== undefined && baseline !== undefined) {
  const ratio = ratioOf("ir")
  console.log(
    `\ngoal: /health >= 0.95 of the bare route's req/s: ${ratio.toFixed(3)} ${ratio >= 0.95 ? "met" : "NOT met"}; ` +
      `at most one PostgreSQL connection: ${results.ir.peakConnections} ${results.ir.peakConnections <= 1 ? "met" : "NOT met"}`,
  )
  const residentRatio = residentRatioOf("ir")
  console.log(
    `goal: /health peak RSS <= 1.25 of the bare route's: ${residentRatio.toFixed(3)} ` +
      `(${megabytes(results.ir.peakResident)} MB against ${megabytes(results.bare.peakResident)} MB) ` +
      `${residentRatio <= 1.25 ? "met" : "NOT met"}`,
  )
  if (results.effect !== undefined) {
    const floor = residentRatioOf("effect")
    console.log(
      `floor: node:http with effect loaded, the same check: peak RSS ${floor.toFixed(3)} of the bare route's ` +
        `(${megabytes(results.effect.peakResident)} MB): /health is ${(results.ir.peakResident / results.effect.peakResident).toFixed(2)}x it`,
    )
  }
  if (results.terminus !== undefined) {
    console.log(
      `ir /health vs terminus: ${(ratioOf("ir") / ratioOf("terminus")).toFixed(2)}x the requests per second`,
    )
  }
  if (results.lightship !== undefined) {
    console.log(
      `ir /health vs lightship: ${(ratioOf("ir") / ratioOf("lightship")).toFixed(2)}x the requests per second`,
    )
  }
  if (results.ir.errors > 0) console.log("warning: ir /health answered non-2xx: is PostgreSQL up?")
}
