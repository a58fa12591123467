// Probe benchmark: what the probe machinery costs.
//
//   bash scripts/with-services.sh node bench/probes/run.mjs      (after `npx turbo run build --filter=@ir/diagnostics...`)
//
// Prints, from one run (every timing measured in this process, medians of several rounds):
//   1. a full probe run's wall time divided by its slowest probe (goal <= 1.2: probes overlap);
//   2. each probe's time (its durationMs: from the start of its work until its answer is graded)
//      divided by the bare client call doing the same work in the same process
//      (a raw pg query, a raw undici request, a raw dockerode call, the same /proc reads:
//      goal <= 1.5: the machinery costs little), after warm-up rounds on both sides;
//   3. a full probe run against the native tools run one after another, as the seed runbook does
//      (pg_isready, psql, curl, docker, free, df, ls, du): goal <= 350 ms and >= 5x faster;
//   4. for reference, what docker.stats waited for before it took its own samples: the engine's
//      non-streaming stats (`GET /containers/{id}/stats?stream=false`), measured in this run.
// CPU figures (docker.stats, host.process) come from two samples `cpuWindow` apart (200 ms here,
// the default); their bare calls take the same two samples over the same window.
// Services that are not there (no IR_TEST_* variable) are left out and said so.
import { execFile } from "node:child_process"
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  statfs,
  utimes,
  writeFile,
} from "node:fs/promises"
import { createServer } from "node:http"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { pipeline } from "node:stream/promises"
import { promisify } from "node:util"
import { defaultRunbook } from "@ir/core"
import { runProbes } from "@ir/diagnostics"
import Docker from "dockerode"
import { Redacted } from "effect"
import pg from "pg"
import si from "systeminformation"
import { request } from "undici"

const env = process.env
const pgUrl = env.IR_TEST_PG_URL
const promUrl = env.IR_TEST_PROMETHEUS_URL
const targetsFile = env.IR_TEST_PROMETHEUS_TARGETS_FILE
const dockerSocket = env.IR_TEST_DOCKER_SOCKET
const dockerImage = env.IR_TEST_DOCKER_IMAGE
const rounds = Number(env.BENCH_ROUNDS ?? 5)
const fastRounds = Number(env.BENCH_FAST_ROUNDS ?? 25)
const warmup = Number(env.BENCH_WARMUP ?? 5)
const run = promisify(execFile)
const cpuWindowMs = 200
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
// What a bare call hands back under this key is done after its clock stops (closing a pg
// connection: a probe's own time does not include closing the run's session either).
const untimed = Symbol("untimed")
const time = async (work) => {
  const started = performance.now()
  const value = await work()
  const elapsed = performance.now() - started
  await value?.[untimed]?.()
  return elapsed
}
const fixed = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "-")
const pad = (text, width) => String(text).padEnd(width)
const log = (...parts) => console.error("[bench]", ...parts)

// ------------------------------------------------------------------------------- fixtures

const suite = `bench-${process.pid}`
const app = createServer((req, res) => {
  if (req.url === "/metrics") {
    app.scrapes = (app.scrapes ?? 0) + 1
    const n = app.scrapes
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" })
    res.end(
      [
        `http_requests_total{status="200"} ${n * 90}`,
        `http_requests_total{status="500"} ${n * 10}`,
        `http_request_duration_seconds_bucket{le="0.1"} ${n * 90}`,
        `http_request_duration_seconds_bucket{le="1"} ${n * 100}`,
        `http_request_duration_seconds_bucket{le="+Inf"} ${n * 100}`,
        `http_request_duration_seconds_count ${n * 100}`,
        `memory_usage_bytes ${128 * 1024 * 1024}`,
        "",
      ].join("\n"),
    )
    return
  }
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/health+json" })
    res.end(JSON.stringify({ status: "pass", checks: { "db:connections": [{ status: "pass" }] } }))
    return
  }
  const chunks = []
  req.on("data", (chunk) => chunks.push(chunk))
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ prediction: 0.12, is_anomaly: false }))
  })
})
await new Promise((resolve) => app.listen(0, "127.0.0.1", resolve))
const appUrl = `http://127.0.0.1:${app.address().port}`

const dir = await mkdtemp(join(tmpdir(), "ir-bench-"))
await mkdir(join(dir, "saved_models"))
await mkdir(join(dir, "data/raw"), { recursive: true })
await mkdir(join(dir, "data/processed"), { recursive: true })
const weights = Buffer.alloc(4 * 1024 * 1024, 7)
await writeFile(join(dir, "saved_models/model.h5"), weights)
await writeFile(join(dir, "saved_models/scaler.pkl"), "scaler")
await writeFile(
  join(dir, "saved_models/SHA256SUMS"),
  `${createHash("sha256").update(weights).digest("hex")}  model.h5\n${createHash("sha256").update("scaler").digest("hex")}  scaler.pkl\n`,
)
for (let i = 0; i < 50; i += 1) await writeFile(join(dir, `data/raw/${i}.csv`), "t,p\n")
await writeFile(join(dir, "data/processed/out.parquet"), "x")
const hourAgo = new Date(Date.now() - 3600_000)
await utimes(join(dir, "data/processed/out.parquet"), hourAgo, hourAgo)

const docker = dockerSocket ? new Docker({ socketPath: dockerSocket }) : undefined
const containerName = `ir-bench-${process.pid}`
if (docker && dockerImage) {
  const container = await docker.createContainer({
    name: containerName,
    Image: dockerImage,
    Cmd: [
      "sh",
      "-c",
      "for i in 1 2 3; do echo ERROR database connection refused; done; exec sleep 1000",
    ],
    HostConfig: { NetworkMode: "none" },
  })
  await container.start()
}

let originalTargets
if (promUrl && targetsFile) {
  originalTargets = await readFile(targetsFile, "utf8").catch(() => "[]")
  await writeFile(
    targetsFile,
    JSON.stringify([
      ...JSON.parse(originalTargets),
      { targets: [appUrl.slice(7)], labels: { suite } },
    ]),
  )
  const until = Date.now() + 20_000
  const probe = `${promUrl}/api/v1/query?query=${encodeURIComponent(`sum(rate(http_requests_total{suite="${suite}"}[5m]))`)}`
  while (Date.now() < until) {
    const body = await (await fetch(probe)).json()
    if (body.data?.result?.length > 0) break
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

const cleanup = async () => {
  app.close()
  await rm(dir, { recursive: true, force: true })
  if (docker)
    await docker
      .getContainer(containerName)
      .remove({ force: true })
      .catch(() => undefined)
  if (targetsFile && originalTargets !== undefined) await writeFile(targetsFile, originalTargets)
}

// ------------------------------------------------------------------------------- the config

const config = {
  http: {
    health: { url: `${appUrl}/health` },
    predict: {
      url: `${appUrl}/predict`,
      sample: { temperature: 25.0, pressure: 1013.25, humidity: 60.0, vibration: 0.1 },
    },
    dataSource: { url: `${appUrl}/health` },
  },
  ...(promUrl
    ? {
        prometheus: {
          url: promUrl,
          job: "ir-test",
          selector: `suite="${suite}"`,
          queries: [{ name: "memory", query: `memory_usage_bytes{suite="${suite}"}` }],
        },
      }
    : {}),
  ...(pgUrl ? { postgres: { url: Redacted.make(pgUrl) } } : {}),
  ...(docker ? { docker: { socket: dockerSocket, containers: { app: containerName } } } : {}),
  host: { processes: { self: { pid: process.pid } } },
  cpuWindow: `${cpuWindowMs}ms`,
  files: {
    models: { dir: join(dir, "saved_models"), manifest: "SHA256SUMS" },
    data: { raw: join(dir, "data/raw"), processed: join(dir, "data/processed") },
  },
}
const options = { runbook: defaultRunbook }

// ------------------------------------------------------------------- bare client equivalents

const selector = `{job="ir-test",suite="${suite}"}`
// undici's global dispatcher keeps connections alive, as the probes' process-wide Agent does.
const get = (url, init = {}) => request(url, init).then((response) => response.body.arrayBuffer())
const promQuery = (path, params) => {
  const url = new URL(path, `${promUrl}/`)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  return get(url)
}
// One connection per call, as a probe run opens one session; the SQL is the probes' own. The
// goodbye is not timed: a probe's durationMs ends before the run's session closes.
const pgQuery = async (...statements) => {
  const client = new pg.Client({ connectionString: pgUrl })
  try {
    await client.connect()
    for (const [sql, params = []] of statements) await client.query(sql, params)
  } catch (error) {
    await client.end().catch(() => undefined)
    throw error
  }
  return { [untimed]: () => client.end() }
}
const mine = ["ir-diagnostics"]
const hash = async (path) => {
  const digest = createHash("sha256")
  await pipeline(createReadStream(path), digest)
  return digest.digest("hex")
}
const walk = async (path) => {
  const entries = await readdir(path, { withFileTypes: true })
  return Promise.all(entries.map((entry) => stat(join(path, entry.name))))
}
const container = () => docker.getContainer(containerName)

/** What each probe does, done with the client library alone. */
const bare = {
  "http.health": () => get(`${appUrl}/health`),
  "http.predict": () =>
    get(`${appUrl}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(config.http.predict.sample),
    }),
  "http.data-source": () => get(`${appUrl}/health`, { method: "HEAD" }),
  "prometheus.scrape-health": () =>
    Promise.all([
      promQuery("api/v1/query", { query: `up${selector}` }),
      promQuery("api/v1/query", {
        query: `count by (__name__) ({__name__=~"http_requests_total|http_request_duration_seconds_count",job="ir-test",suite="${suite}"})`,
      }),
      promQuery("api/v1/targets", { state: "active" }),
    ]),
  "prometheus.error-rate": () => {
    const end = Date.now() / 1000
    return promQuery("api/v1/query_range", {
      query: `label_replace(sum(rate(http_requests_total${selector}[5m])), "part", "all", "", "") or label_replace(sum(rate(http_requests_total{status=~"5..",job="ir-test",suite="${suite}"}[5m])), "part", "errors", "", "")`,
      start: String(end - 300),
      end: String(end),
      step: "15",
    })
  },
  "prometheus.latency-p95": () =>
    promQuery("api/v1/query", {
      query: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${selector}[5m])))`,
    }),
  "prometheus.memory": () =>
    promQuery("api/v1/query", { query: `sum(memory_usage_bytes${selector})` }),
  "prometheus.query": () =>
    promQuery("api/v1/query", { query: `memory_usage_bytes{suite="${suite}"}` }),
  "postgres.connectivity": () =>
    pgQuery(
      ["SELECT 1"],
      [
        "SELECT current_setting('server_version') AS version, current_database() AS database, pg_is_in_recovery() AS in_recovery",
      ],
    ),
  "postgres.connections": () =>
    pgQuery([
      `SELECT current_setting('max_connections')::int AS max_connections,
              current_setting('superuser_reserved_connections')::int AS reserved,
              count(*) FILTER (WHERE mine IS NOT TRUE)::int AS used,
              count(*) FILTER (WHERE mine)::int AS ours,
              count(*) FILTER (WHERE mine IS NOT TRUE AND state = 'active')::int AS active,
              count(*) FILTER (WHERE mine IS NOT TRUE AND state = 'idle')::int AS idle,
              count(*) FILTER (WHERE mine IS NOT TRUE AND state LIKE 'idle in transaction%')::int AS idle_in_transaction,
              count(*) FILTER (WHERE mine IS NOT TRUE AND state IS DISTINCT FROM 'active' AND state IS DISTINCT FROM 'idle' AND state NOT LIKE 'idle in transaction%')::int AS other,
              max(EXTRACT(EPOCH FROM clock_timestamp() - state_change)) FILTER (WHERE mine IS NOT TRUE AND state LIKE 'idle in transaction%')::float8 AS longest_idle_in_transaction
         FROM (SELECT state, state_change, application_name = $1 AS mine
                 FROM pg_stat_activity WHERE backend_type = 'client backend') AS backends`,
      mine,
    ]),
  "postgres.locks": () =>
    pgQuery([
      `WITH waiting AS (
         SELECT l.pid AS waiting_pid, pg_blocking_pids(l.pid) AS blocking_pids, l.locktype, l.mode,
                CASE WHEN l.relation IS NULL THEN NULL
                     WHEN l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                       THEN l.relation::regclass::text
                     ELSE l.relation::text END AS relation,
                a.datname AS database, a.usename AS "user", a.application_name,
                EXTRACT(EPOCH FROM clock_timestamp()
                  - COALESCE((to_jsonb(l) ->> 'waitstart')::timestamptz, a.query_start))::float8 AS wait_seconds,
                left(a.query, 300) AS query
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE NOT l.granted
       ), blocking AS (SELECT DISTINCT unnest(blocking_pids) AS pid FROM waiting)
       SELECT json_build_object(
         'waiting', (SELECT coalesce(json_agg(w ORDER BY w.wait_seconds DESC), '[]'::json) FROM waiting w),
         'blockers', (SELECT coalesce(json_agg(b), '[]'::json) FROM (
            SELECT a.pid, a.state, a.usename AS "user", a.application_name,
                   EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start)::float8 AS transaction_seconds,
                   left(a.query, 300) AS query
              FROM pg_stat_activity a JOIN blocking USING (pid)) b)) AS result`,
    ]),
  "postgres.long-queries": () =>
    pgQuery([
      `SELECT pid, usename AS "user", datname AS database, application_name,
              EXTRACT(EPOCH FROM clock_timestamp() - query_start)::float8 AS seconds,
              wait_event_type, wait_event, left(query, 300) AS query
         FROM pg_stat_activity
        WHERE state = 'active' AND backend_type = 'client backend'
          AND pid <> pg_backend_pid() AND application_name IS DISTINCT FROM $1
        ORDER BY query_start ASC LIMIT 20`,
      mine,
    ]),
  "postgres.size": () =>
    pgQuery([
      "SELECT current_database() AS database, pg_database_size(current_database())::float8 AS bytes",
    ]),
  "docker.engine": () => Promise.all([docker.ping(), docker.version()]),
  "docker.containers": async () => {
    const found = await docker.listContainers({
      all: true,
      filters: { name: [`^/${containerName}$`] },
    })
    return Promise.all(found.map((entry) => docker.getContainer(entry.Id).inspect()))
  },
  // list, inspect for the main process, then its cgroup's counters and /proc/stat twice, a window apart
  "docker.stats": async () => {
    const [found] = await docker.listContainers({
      all: true,
      filters: { name: [`^/${containerName}$`] },
    })
    const info = await docker.getContainer(found.Id).inspect()
    const lines = (await readFile(`/proc/${info.State.Pid}/cgroup`, "utf8")).split("\n")
    const hierarchy = (name) => {
      const line = lines.find((entry) => entry.split(":")[1]?.split(",").includes(name))
      return line === undefined
        ? undefined
        : `/sys/fs/cgroup/${line.split(":")[1]}${line.split(":")[2]}`
    }
    const v1 = hierarchy("cpuacct")
    const unified = `/sys/fs/cgroup${lines.find((entry) => entry.startsWith("0::"))?.slice(3)}`
    const files = v1
      ? [
          `${v1}/cpuacct.usage`,
          ...["usage_in_bytes", "limit_in_bytes", "stat"].map(
            (name) => `${hierarchy("memory")}/memory.${name}`,
          ),
        ]
      : ["cpu.stat", "memory.current", "memory.max", "memory.stat"].map(
          (name) => `${unified}/${name}`,
        )
    const sample = () => Promise.all(["/proc/stat", ...files].map((path) => readFile(path, "utf8")))
    await sample()
    await sleep(cpuWindowMs)
    return sample()
  },
  "docker.logs": async () => {
    await docker.listContainers({ all: true, filters: { name: [`^/${containerName}$`] } })
    return container().logs({
      stdout: true,
      stderr: true,
      since: Math.floor(Date.now() / 1000) - 1800,
      tail: 1000,
    })
  },
  "host.memory": () => si.mem(),
  // /proc/mounts and statfs(2) of each mount the probe reported
  "host.disk": async () => {
    await readFile("/proc/mounts", "utf8")
    return Promise.all(diskMounts.map((mount) => statfs(mount)))
  },
  "host.load": async () => [loadavg(), cpus().length],
  "host.process": async () => {
    // the same /proc reads over the same window (psutil's cpu_percent(interval))
    const read = () =>
      Promise.all([readFile("/proc/stat", "utf8"), readFile(`/proc/${process.pid}/stat`, "utf8")])
    await read()
    await sleep(cpuWindowMs)
    await read()
    return readFile(`/proc/${process.pid}/status`, "utf8")
  },
  "files.models": async () => {
    await walk(join(dir, "saved_models"))
    await readFile(join(dir, "saved_models/SHA256SUMS"), "utf8")
    return Promise.all([
      hash(join(dir, "saved_models/model.h5")),
      hash(join(dir, "saved_models/scaler.pkl")),
    ])
  },
  "files.data": () => Promise.all([walk(join(dir, "data/raw")), walk(join(dir, "data/processed"))]),
}

// ----------------------------------------------------------------------------- measurements

const warm = await runProbes(config, options)
const ids = warm.results.map((result) => result.id)
const diskMounts = (
  warm.results.find((result) => result.id === "host.disk")?.details?.mounts ?? [{ mount: "/" }]
).map((usage) => usage.mount)
log(
  `probes: ${ids.length} (${
    warm.results
      .filter((r) => r.status === "unknown")
      .map((r) => r.id)
      .join(", ") || "none unknown"
  })`,
)
for (const result of warm.results)
  if (result.status === "unknown") log(`  ${result.id}: ${result.summary}`)
const skippedFamilies = [
  promUrl ? undefined : "prometheus (IR_TEST_PROMETHEUS_URL)",
  pgUrl ? undefined : "postgres (IR_TEST_PG_URL)",
  docker ? undefined : "docker (IR_TEST_DOCKER_SOCKET)",
].filter(Boolean)

// 1. full runs
const fullRuns = []
for (let round = 0; round < rounds; round += 1) {
  const started = performance.now()
  const result = await runProbes(config, options)
  const wall = performance.now() - started
  const slowest = result.results.reduce((a, b) => (b.durationMs > a.durationMs ? b : a))
  fullRuns.push({ wall, slowest: slowest.durationMs, slowestId: slowest.id })
}
const fullWall = median(fullRuns.map((entry) => entry.wall))
const overlap = median(fullRuns.map((entry) => entry.wall / entry.slowest))

// 2. each probe alone against its bare client call, interleaved
const perProbe = []
for (const id of ids) {
  const bareCall = bare[id]
  const probeTimes = []
  const runTimes = []
  const bareTimes = []
  // Slow probes (docker.stats and host.process wait a CPU window between their two samples)
  // take fewer rounds; fast ones take more, after warm-up rounds on both sides that are not kept,
  // so that the ratio is the machinery's steady cost and not the first calls through code V8 has
  // not compiled yet (what a one-off `ir check` pays is measured by bench/cli).
  const slow = id === "docker.stats" || id === "host.process"
  const n = slow ? rounds : Math.max(rounds, fastRounds)
  for (let round = 0; round < (slow ? 0 : warmup); round += 1) {
    await time(bareCall)
    await runProbes(config, { ...options, probes: [id] })
  }
  for (let round = 0; round < n; round += 1) {
    bareTimes.push(await time(bareCall))
    let result
    runTimes.push(
      await time(async () => {
        result = await runProbes(config, { ...options, probes: [id] })
      }),
    )
    probeTimes.push(result.results[0].durationMs)
  }
  perProbe.push({ id, probe: median(probeTimes), run: median(runTimes), bare: median(bareTimes) })
}

// 3. the seed's native tools, one after another
const tools = []
const pgParams = pgUrl ? new URL(pgUrl) : undefined
const pgBin = env.IR_TEST_PG_BIN ?? "/usr/lib/postgresql/15/bin"
const psqlArgs = pgParams
  ? [
      "-h",
      pgParams.hostname,
      "-p",
      pgParams.port,
      "-U",
      pgParams.username,
      "-d",
      pgParams.pathname.slice(1),
      "-X",
      "-A",
      "-t",
    ]
  : []
const which = async (name) => {
  for (const folder of (env.PATH ?? "").split(":"))
    if (
      await stat(join(folder, name)).then(
        (entry) => entry.isFile(),
        () => false,
      )
    )
      return true
  return false
}
const curl = (await which("curl")) ? "curl" : undefined
const dockerCli = dockerSocket ? ["/usr/bin/docker", ["-H", `unix://${dockerSocket}`]] : undefined
if (curl) {
  tools.push(["curl", ["-s", "-o", "/dev/null", `${appUrl}/health`]])
  tools.push([
    "curl",
    [
      "-s",
      "-o",
      "/dev/null",
      "-X",
      "POST",
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify(config.http.predict.sample),
      `${appUrl}/predict`,
    ],
  ])
  tools.push(["curl", ["-s", "-o", "/dev/null", "-I", `${appUrl}/health`]])
  if (promUrl) {
    for (const query of [
      `rate(http_requests_total{status=~"5.."}[5m])`,
      "histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))",
      "memory_usage_bytes / 1024 / 1024",
      "up",
    ])
      tools.push([
        "curl",
        [
          "-s",
          "-o",
          "/dev/null",
          "-G",
          "--data-urlencode",
          `query=${query}`,
          `${promUrl}/api/v1/query`,
        ],
      ])
  }
}
if (pgParams) {
  tools.push([join(pgBin, "pg_isready"), ["-h", pgParams.hostname, "-p", pgParams.port]])
  for (const sql of [
    "SELECT count(*) FROM pg_stat_activity;",
    "SELECT * FROM pg_locks WHERE NOT granted;",
    "SELECT pid, now() - query_start, query FROM pg_stat_activity WHERE state = 'active';",
    "SELECT pg_size_pretty(pg_database_size(current_database()));",
  ])
    tools.push([join(pgBin, "psql"), [...psqlArgs, "-c", sql]])
}
if (dockerCli) {
  const [bin, base] = dockerCli
  tools.push([bin, [...base, "version"]])
  tools.push([bin, [...base, "ps", "-a"]])
  tools.push([bin, [...base, "stats", "--no-stream", containerName]])
  tools.push([bin, [...base, "logs", "--since", "30m", "--tail", "1000", containerName]])
}
tools.push(["free", ["-h"]], ["df", ["-h"]], ["ps", ["-o", "rss,pcpu", "-p", String(process.pid)]])
tools.push(["ls", ["-la", join(dir, "saved_models")]], ["du", ["-sh", join(dir, "saved_models")]])
tools.push(
  ["sha256sum", ["-c", "SHA256SUMS"]],
  ["ls", ["-la", join(dir, "data/raw"), join(dir, "data/processed")]],
)
const toolRounds = []
for (let round = 0; round < Math.min(rounds, 3); round += 1) {
  toolRounds.push(
    await time(async () => {
      for (const [bin, args] of tools)
        await run(bin, args, {
          cwd: bin === "sha256sum" ? join(dir, "saved_models") : undefined,
          timeout: 15_000,
        }).catch(() => undefined)
    }),
  )
}
const toolsWall = median(toolRounds)

// 4. the engine's own two samples, a second apart (what docker.stats waited for before)
const engineStatsRounds = []
if (docker)
  for (let round = 0; round < Math.min(rounds, 3); round += 1)
    engineStatsRounds.push(await time(() => container().stats({ stream: false })))

// ---------------------------------------------------------------------------------- report

const goalMark = (value, goal) => (value <= goal ? "ok" : "over")
console.log(
  `ir probes benchmark: ${ids.length} probes, ${rounds} rounds (medians; each fast probe alone: ${warmup} warm-up + ${Math.max(rounds, fastRounds)} rounds), node ${process.version}, load ${loadavg()[0].toFixed(2)} on ${cpus().length} cores`,
)
if (skippedFamilies.length > 0) console.log(`left out (no service): ${skippedFamilies.join(", ")}`)
console.log("")
console.log("1. full run / slowest probe")
console.log(
  `   full run ${fixed(fullWall, 1)} ms, slowest ${fullRuns[0].slowestId} ${fixed(median(fullRuns.map((entry) => entry.slowest)), 1)} ms`,
)
console.log(`   ratio ${fixed(overlap)} (goal <= 1.2: ${goalMark(overlap, 1.2)})`)
console.log("")
console.log("2. each probe / the bare client call doing the same work (goal <= 1.5)")
console.log(
  "   probe: the probe's own time in the run (durationMs: from the start of its work until its answer is graded);\n" +
    "   run: runProbes({ probes: [id] }) end to end (also starting the probe's fiber, redaction and the result's shape)",
)
console.log(
  `   ${pad("probe", 26)}${pad("bare ms", 10)}${pad("probe ms", 10)}${pad("run ms", 10)}${pad("probe/bare", 12)}run/bare`,
)
for (const entry of perProbe) {
  const ratio = entry.probe / entry.bare
  console.log(
    `   ${pad(entry.id, 26)}${pad(fixed(entry.bare, 1), 10)}${pad(fixed(entry.probe, 1), 10)}${pad(fixed(entry.run, 1), 10)}${pad(`${fixed(ratio)} ${goalMark(ratio, 1.5)}`, 12)}${fixed(entry.run / entry.bare)}`,
  )
}
const ratios = perProbe.map((entry) => entry.probe / entry.bare)
const runRatios = perProbe.map((entry) => entry.run / entry.bare)
const substantial = perProbe.filter((entry) => entry.bare >= 10)
console.log(
  `   probe/bare: median ${fixed(median(ratios))}, worst ${fixed(Math.max(...ratios))}; run/bare: median ${fixed(median(runRatios))}`,
)
console.log(
  `   fixed cost of a run over the bare call: median ${fixed(median(perProbe.map((entry) => entry.run - entry.bare)), 1)} ms; ` +
    `where the bare call takes >= 10 ms, run/bare median ${fixed(median(substantial.map((entry) => entry.run / entry.bare)))} (${substantial.length} probes)`,
)
console.log("")
console.log("3. full probe run / the seed's native tools one after another")
console.log(
  `   ${tools.length} commands (${[...new Set(tools.map(([bin]) => bin.split("/").pop()))].join(", ")}) ${fixed(toolsWall, 1)} ms`,
)
console.log(
  `   full probe run ${fixed(fullWall, 1)} ms (goal <= 350: ${goalMark(fullWall, 350)}): ratio ${fixed(fullWall / toolsWall)}, ${fixed(toolsWall / fullWall, 1)}x faster (goal >= 5x: ${toolsWall / fullWall >= 5 ? "ok" : "under"})`,
)
if (engineStatsRounds.length > 0) {
  console.log("")
  console.log(
    "4. reference: the engine's non-streaming stats (two samples of its own, a second apart)",
  )
  console.log(
    `   GET /containers/{id}/stats?stream=false ${fixed(median(engineStatsRounds), 1)} ms; docker.stats now waits ${cpuWindowMs} ms between its own samples`,
  )
}

await cleanup()
