// An alert storm against `ir serve`'s Alertmanager receiver: a bounded, self-stopping load
// generator on loopback sends Alertmanager notifications (payload version 4) at a fixed rate, as
// Alertmanager would during a storm, and measures what the receiver holds.
//
//   1. mixed: new groups, repeats of firing groups and resolutions (40/40/20) at BENCH_RATE/s
//      (goal: 500/s held, p99 < 200 ms);
//   2. new: every notification a new group at BENCH_NEW_RATE/s (goal: 300/s held, p99 < 200 ms);
//   3. saturation: rates doubling from 100/s for BENCH_STEP_SECONDS each, until the receiver
//      stops keeping up (achieved < 95 % of the rate, or p99 ≥ 200 ms): the last rate it held.
//
// Before them, a warm-up: BENCH_WARMUP_SECONDS (default 10) of mixed traffic at BENCH_WARMUP_RATE
// (default BENCH_RATE), printed on its own line and held to no goal: it is the cold start (modules
// loaded on the first request, code not yet optimised), and the phases after it measure a
// receiver that has been running, as during a storm on a live `ir serve`.
//
// Afterwards the journal must hold exactly one incident per distinct group, and every resolved
// group's incident marked mitigated (checked with `ir incident list --all --json`).
//
//   npx turbo run build --filter=@ir/cli...
//   node bench/http/storm.mjs                                   # file journal
//   bash scripts/with-services.sh node bench/http/storm.mjs      # file and PostgreSQL journals
//
// Environment: BENCH_SECONDS per phase (default 60), BENCH_RATE (500), BENCH_NEW_RATE (300),
// BENCH_STEP_SECONDS (5), BENCH_BACKENDS (default "file" plus "postgres" when IR_TEST_PG_URL is
// set), BENCH_MAX_IN_FLIGHT (default 256: past it, a send is counted as not sent in time),
// BENCH_POOL_SIZE (the PostgreSQL journal's `poolSize`, default 5),
// BENCH_PHASES (default "mixed,new,saturation"), BENCH_NODE_ARGS (Node options for `ir serve`,
// e.g. "--cpu-prof --cpu-prof-dir=/tmp/storm-prof" to profile the receiver), BENCH_TRACE=1 (each
// phase's p99 second by second, to see when the slow answers came, and the CPU `ir serve`, this
// generator and PostgreSQL used each second).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { Agent, request as httpRequest } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startServe } from "../serve.mjs"

// A benchmark's settings, not a turbo task's inputs.
const settings = { ...process.env }
const seconds = Number(settings.BENCH_SECONDS ?? 60)
/** The p99 a phase or a saturation step must stay under to be held (issue 18, goal 4). */
const P99_LIMIT_MS = 200
const mixedRate = Number(settings.BENCH_RATE ?? 500)
const newRate = Number(settings.BENCH_NEW_RATE ?? 300)
const stepSeconds = Number(settings.BENCH_STEP_SECONDS ?? 5)
const warmupSeconds = Number(settings.BENCH_WARMUP_SECONDS ?? 10)
const warmupRate = Number(settings.BENCH_WARMUP_RATE ?? mixedRate)
const trace = settings.BENCH_TRACE === "1"
const maxInFlight = Number(settings.BENCH_MAX_IN_FLIGHT ?? 256)
const phases = new Set((settings.BENCH_PHASES ?? "mixed,new,saturation").split(","))
const pgUrl = settings.IR_TEST_PG_URL
const backends = (settings.BENCH_BACKENDS ?? (pgUrl === undefined ? "file" : "file,postgres"))
  .split(",")
  .filter((name) => name !== "")
const token = "storm-token-0123456789abcdef"

/** A notification for one group, firing or resolved. */
const notification = (group, status) => {
  const labels = { alertname: `Storm${group}`, playbook: "high-api-error-rate", severity: "P2" }
  const startsAt = new Date(Date.now() - 60_000).toISOString()
  return JSON.stringify({
    version: "4",
    groupKey: `{}:{alertname="Storm${group}"}`,
    truncatedAlerts: 0,
    status,
    receiver: "ir",
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: { summary: `Storm ${group}` },
    externalURL: "http://alertmanager.example:9093",
    alerts: [
      {
        status,
        labels,
        annotations: { summary: `Storm ${group}` },
        startsAt,
        endsAt: status === "resolved" ? new Date().toISOString() : "0001-01-01T00:00:00Z",
        generatorURL: "http://prometheus.example:9090/graph",
        fingerprint: `storm-${group}`,
      },
    ],
  })
}

const serveStorm = (dir, journal) => {
  writeFileSync(
    join(dir, "ir.config.yaml"),
    JSON.stringify({
      targets: { http: false, prometheus: false, postgres: false, docker: false, files: false },
      journal,
      notify: { channels: [] },
      serve: { port: 0, tick: "15s", status: false },
    }),
  )
  const nodeArgs = (settings.BENCH_NODE_ARGS ?? "").split(" ").filter((arg) => arg !== "")
  return startServe({ cwd: dir, env: { IR_ALERTS_TOKEN: token }, nodeArgs })
}

const percentile = (values, p) => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

// The generator shares the machine with `ir serve` and PostgreSQL: node:http with keep-alive
// sockets costs it about half the CPU of fetch (undici) at the same rate. An idle socket is
// closed after 4 s, before the server's keep-alive timeout (5 s) can close it under a request.
const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight, timeout: 4_000 })

/**
 * POSTs a notification; resolves with the status once the answer was read, within 30 s. A kept
 * socket the server closed as it was reused (its keep-alive timeout) is retried once on a new
 * one, as Node's documentation advises and as Alertmanager retries a failed send.
 */
const post = (url, body, retried = false) =>
  new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}/alerts/alertmanager`,
      {
        method: "POST",
        agent,
        timeout: 30_000,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (answer) => {
        answer.on("data", () => undefined)
        answer.on("end", () => resolve(answer.statusCode ?? 0))
        answer.on("error", reject)
      },
    )
    request.on("timeout", () => request.destroy(new Error("no answer within 30 s")))
    request.on("error", (error) => {
      if (!retried && request.reusedSocket && error.code === "ECONNRESET")
        resolve(post(url, body, true))
      else reject(error)
    })
    request.end(body)
  })

/** Clock ticks of CPU (user + system) a process has used so far; 0 once it is gone. */
const processTicks = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return 0
  }
}

/** Clock ticks of CPU each PostgreSQL process (server and backends) has used so far, by pid. */
const postgresTicks = () => {
  const ticks = new Map()
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/comm`, "latin1").trim() === "postgres")
        ticks.set(name, processTicks(name))
    } catch {
      // gone between the listing and the read
    }
  }
  return ticks
}

/** The ticks PostgreSQL used between two readings (a process that exited in between is lost). */
const postgresDelta = (before, after) => {
  let ticks = 0
  for (const [pid, now] of after) ticks += Math.max(0, now - (before.get(pid) ?? 0))
  return ticks
}

/** The machine's CPU ticks so far: all, waiting on I/O, stolen by the hypervisor. */
const machineTicks = () => {
  const fields = readFileSync("/proc/stat", "latin1").split("\n")[0].trim().split(/\s+/).slice(1)
  const numbers = fields.map(Number)
  return {
    all: numbers.reduce((sum, value) => sum + value, 0),
    iowait: numbers[4] ?? 0,
    steal: numbers[7] ?? 0,
  }
}

/**
 * With BENCH_TRACE, where the CPU went each second of a load: `ir serve`, this load generator,
 * PostgreSQL, and the machine's I/O wait and stolen time (in % of one core; the machine's in %
 * of all its cores). Stops with the returned function, which gives the samples by second.
 */
const sampleUsage = (receiverPid) => {
  const samples = []
  let last = {
    receiver: processTicks(receiverPid),
    generator: processTicks(process.pid),
    postgres: postgresTicks(),
    machine: machineTicks(),
  }
  const timer = setInterval(() => {
    const now = {
      receiver: processTicks(receiverPid),
      generator: processTicks(process.pid),
      postgres: postgresTicks(),
      machine: machineTicks(),
    }
    const all = Math.max(1, now.machine.all - last.machine.all)
    samples.push({
      ir: now.receiver - last.receiver,
      gen: now.generator - last.generator,
      pg: postgresDelta(last.postgres, now.postgres),
      io: Math.round((100 * (now.machine.iowait - last.machine.iowait)) / all),
      st: Math.round((100 * (now.machine.steal - last.machine.steal)) / all),
    })
    last = now
  }, 1000)
  return () => {
    clearInterval(timer)
    return samples
  }
}

/**
 * Sends at `rate`/s for `duration` s (open loop: a send is due every 1/rate s whatever the
 * answers do); `next()` gives the next body. Stops by itself; waits for the answers.
 */
const load = async (url, rate, duration, next, receiverPid) => {
  const stopSampling = trace && receiverPid !== undefined ? sampleUsage(receiverPid) : undefined
  const latencies = []
  // [second the send was due, latency] of each answer, with BENCH_TRACE
  const traced = []
  // What went wrong, by HTTP status or error code
  const errorKinds = new Map()
  const failed = (kind) => errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1)
  let dropped = 0
  let inFlight = 0
  const pending = new Set()
  const total = Math.round(rate * duration)
  const started = performance.now()
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    if (inFlight >= maxInFlight) {
      dropped += 1
      continue
    }
    const { body, answered } = next()
    inFlight += 1
    const sent = performance.now()
    const request = post(url, body)
      .then((status) => {
        if (status >= 300) failed(`HTTP ${status}`)
        else answered?.()
        // Latency from when the send was due, so a lagging generator is not flattering.
        latencies.push(performance.now() - Math.min(sent, due))
        if (trace) traced.push([Math.floor((due - started) / 1000), latencies.at(-1)])
      })
      .catch((error) => {
        failed(error?.code ?? error?.message ?? "error")
      })
      .finally(() => {
        inFlight -= 1
        pending.delete(request)
      })
    pending.add(request)
  }
  await Promise.all([...pending])
  const usage = stopSampling?.() ?? []
  if (trace) {
    const bySecond = new Map()
    for (const [second, ms] of traced) bySecond.set(second, [...(bySecond.get(second) ?? []), ms])
    const series = [...bySecond].map(
      ([second, list]) => `${second}s:${percentile(list, 99).toFixed(0)}`,
    )
    console.log(`  p99 (ms) by second: ${series.join(" ")}`)
    const slow = traced.filter(([, ms]) => ms >= P99_LIMIT_MS)
    const bySlowSecond = new Map()
    for (const [second] of slow) bySlowSecond.set(second, (bySlowSecond.get(second) ?? 0) + 1)
    console.log(
      `  answers of ${P99_LIMIT_MS} ms or more: ${slow.length} of ${traced.length}, by second: ${[...bySlowSecond].map(([second, count]) => `${second}s:${count}`).join(" ")}`,
    )
    if (usage.length > 0)
      console.log(
        `  CPU by second (% of a core: ir serve/generator/PostgreSQL; machine: iowait/steal %):\n${usage
          .map(
            (sample, second) =>
              `    ${second}s: ir ${sample.ir} gen ${sample.gen} pg ${sample.pg} io ${sample.io} st ${sample.st}`,
          )
          .join("\n")}`,
      )
  }
  const elapsed = (performance.now() - started) / 1000
  return {
    sent: total - dropped,
    dropped,
    errors: [...errorKinds.values()].reduce((sum, count) => sum + count, 0),
    errorKinds,
    // Answers per second until the last answer came: a receiver that falls behind lengthens it.
    achieved: latencies.length / Math.max(elapsed, duration),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    elapsed,
  }
}

/** Every incident's summary, read with @ir/journal from the journal `ir serve` wrote. */
const listIncidents = async (dir, journalConfig) => {
  const { openJournal } = await import(
    new URL("../../packages/journal/dist/index.js", import.meta.url).href
  )
  const Effect = await import(
    new URL("../../node_modules/effect/dist/esm/Effect.js", import.meta.url).href
  )
  const journal = await Effect.runPromise(
    openJournal(
      journalConfig.backend === "postgres"
        ? journalConfig
        : { backend: "file", dir: join(dir, journalConfig.dir) },
    ),
  )
  try {
    return await Effect.runPromise(journal.list())
  } finally {
    await Effect.runPromise(journal.close)
  }
}

/** What "held" means for a phase or a step, printed beside its verdict. */
const holds = (goalRate, result) =>
  result.achieved >= goalRate * 0.95 &&
  result.p99 < P99_LIMIT_MS &&
  result.errors === 0 &&
  result.dropped === 0

const line = (name, goalRate, result) =>
  `${name.padEnd(22)} ${String(goalRate).padStart(5)}/s  achieved ${result.achieved.toFixed(0).padStart(5)}/s  p50 ${result.p50.toFixed(1).padStart(7)} ms  p99 ${result.p99.toFixed(1).padStart(7)} ms  errors ${result.errors}${result.errors === 0 ? "" : ` (${[...result.errorKinds].map(([kind, count]) => `${kind}: ${count}`).join(", ")})`}  not sent ${result.dropped}  → ${
    holds(goalRate, result) ? "held" : "NOT held"
  } (goal: ${goalRate}/s within 5 %, p99 < ${P99_LIMIT_MS} ms, no errors, none unsent)`

for (const backend of backends) {
  const dir = mkdtempSync(join(tmpdir(), "ir-storm-"))
  const journal =
    backend === "postgres"
      ? {
          backend: "postgres",
          url: pgUrl,
          schema: `ir_storm_${process.pid}`,
          ...(settings.BENCH_POOL_SIZE === undefined
            ? {}
            : { poolSize: Number(settings.BENCH_POOL_SIZE) }),
        }
      : { dir: "journal" }
  const serve = await serveStorm(dir, journal)
  let nextGroup = 0
  const firing = []
  const resolved = new Set()
  // As Alertmanager does, a group is repeated or resolved only after its first notification was
  // answered (it sends a group's notifications one after another).
  const newGroup = () => {
    const group = nextGroup++
    return { body: notification(group, "firing"), answered: () => firing.push(group) }
  }
  const mixed = () => {
    const roll = Math.random()
    if (roll < 0.4 || firing.length === 0) return newGroup()
    if (roll < 0.8)
      return { body: notification(firing[Math.floor(Math.random() * firing.length)], "firing") }
    const group = firing.splice(Math.floor(Math.random() * firing.length), 1)[0]
    resolved.add(group)
    return { body: notification(group, "resolved") }
  }
  try {
    console.log(`\n${backend} journal (ir serve, no channels, loopback)`)
    if (warmupSeconds > 0) {
      const warm = await load(serve.url, warmupRate, warmupSeconds, mixed, serve.pid)
      console.log(
        `${line(`warm-up, ${warmupSeconds} s`, warmupRate, warm).split(" → ")[0]} (no goal)`,
      )
    }
    if (phases.has("mixed")) {
      const mix = await load(serve.url, mixedRate, seconds, mixed, serve.pid)
      console.log(line("mixed 40/40/20", mixedRate, mix))
    }
    if (phases.has("new")) {
      const fresh = await load(serve.url, newRate, seconds, newGroup, serve.pid)
      console.log(line("new groups only", newRate, fresh))
    }
    let held = 0
    for (let rate = 100; phases.has("saturation") && rate <= 6400; rate *= 2) {
      const step = await load(serve.url, rate, stepSeconds, mixed)
      const ok = holds(rate, step)
      console.log(`  saturation ${String(rate).padStart(5)}/s: ${line("", rate, step).trim()}`)
      if (!ok) break
      held = rate
    }
    if (phases.has("saturation"))
      console.log(`saturation: held up to ${held}/s (mixed, ${stepSeconds} s steps)`)
    // The groups a resolution was sent for, and that never fired again after it (none do here).
    const incidents = await listIncidents(dir, journal)
    const byGroup = new Map()
    for (const incident of incidents) {
      const group = /Storm(\d+)/.exec(incident.dedupKey ?? "")?.[1]
      if (group !== undefined) byGroup.set(group, [...(byGroup.get(group) ?? []), incident])
    }
    const duplicated = [...byGroup.values()].filter((list) => list.length > 1).length
    const unresolved = [...resolved].filter(
      (group) => byGroup.get(String(group))?.[0]?.status !== "mitigated",
    ).length
    console.log(
      `journal: ${incidents.length} incidents for ${nextGroup} groups (${byGroup.size} distinct, ${duplicated} with more than one incident); ${resolved.size - unresolved} of ${resolved.size} resolved groups mitigated → ${
        incidents.length === nextGroup && duplicated === 0 && unresolved === 0
          ? "exact"
          : "NOT exact"
      }`,
    )
  } finally {
    await serve.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
