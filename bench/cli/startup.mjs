// CLI benchmark: how fast `ir` starts, and what a Nagios check costs against the tools it replaces.
//
//   npx turbo run build --filter=@ir/cli...
//   apt-get install -y --no-upgrade hyperfine check-postgres monitoring-plugins-basic
//   IR_SERVICES_SKIP=docker,prometheus,alertmanager,chromium bash scripts/with-services.sh node bench/cli/startup.mjs
//
// Whole-process wall times from `hyperfine -N` (no shell), medians. The machine is shared and
// noisy, so every goal is a ratio within one run, and the run is split into passes (BENCH_PASSES,
// default 3, of BENCH_RUNS runs per command, default 8) that each time every command once more, in
// turn: a burst of load lands on all of them alike. Printed, each with its goal:
//   1. `ir --version` over `node -e 0`                                           (goal <= 1.3)
//   2. every `ir check postgres.*` over the matching action of Debian's check_postgres (Perl,
//      which runs psql) against the same PostgreSQL                                (goal <= 0.8)
//   3. for reference, `ir check http.health`, `host.disk` and `host.load` over the C plugins of
//      monitoring-plugins-basic (check_http, check_disk, check_load), whose floor is no
//      interpreter at all: `node -e 0` is printed beside them as the floor any Node program pays.
// and, to show where the time goes, `ir playbook list` (the whole program, the runbook loaded, no
// probe) and `ir check host.load` with the code cache off (NODE_DISABLE_COMPILE_CACHE=1: the
// first run of a new install or Node version, before it has written its cache entry).
// The code cache lives in a directory of this run (XDG_CACHE_HOME), empty at the start; the
// warm-up writes each command's entry, as the first run of each command does for a user.
// Without IR_TEST_PG_URL the PostgreSQL comparisons are left out and said so.
import { execFile, execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { cpus, loadavg, tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)
const root = resolve(import.meta.dirname, "../..")
const bin = join(root, "packages/cli/dist/bin.cjs")
const settings = { ...process.env }
const passes = Number(settings.BENCH_PASSES ?? 3)
const runs = Number(settings.BENCH_RUNS ?? 8)
const pgUrl = settings.IR_TEST_PG_URL
const plugins = "/usr/lib/nagios/plugins"

if (!existsSync(bin)) {
  console.error(`${bin} is missing: build first (npx turbo run build --filter=@ir/cli...)`)
  process.exit(2)
}
for (const tool of ["/usr/bin/hyperfine", `${plugins}/check_load`]) {
  if (!existsSync(tool)) {
    console.error(
      `${tool} is missing: apt-get install -y --no-upgrade hyperfine check-postgres monitoring-plugins-basic`,
    )
    process.exit(2)
  }
}

// A health endpoint for `ir check http.health` and check_http alike, served from this process
// (hyperfine runs asynchronously, so it answers while the commands are timed).
const server = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "application/health+json" })
  response.end('{"status":"pass"}')
})
await new Promise((done) => server.listen(0, "127.0.0.1", done))
const httpPort = server.address().port

const dir = mkdtempSync(join(tmpdir(), "ir-bench-cli-"))
const cacheHome = mkdtempSync(join(tmpdir(), "ir-bench-cli-cache-"))
const env = { PATH: settings.PATH, NO_COLOR: "1", XDG_CACHE_HOME: cacheHome }
writeFileSync(
  join(dir, "ir.config.yaml"),
  `targets:\n  http: { health: { url: "http://127.0.0.1:${httpPort}/health" } }\n${
    pgUrl === undefined ? "" : `  postgres: { url: "${pgUrl}" }\n`
  }`,
)

const quote = (word) => (/^[\w./=,%:-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`)
const node = process.execPath
/** name → { argv, goal?: [baseline name, limit], expect: what stdout must match } */
const commands = new Map()
const add = (name, argv, options = {}) => commands.set(name, { argv, ...options })

add("node -e 0", [node, "-e", "0"])
add("ir --version", [node, bin, "--version"], { goal: ["node -e 0", 1.3], expect: /^\d+\.\d+/ })
add("ir playbook list", [node, bin, "playbook", "list"], { expect: /P0|database/i })
add(
  "ir check host.load (cache off)",
  ["env", "NODE_DISABLE_COMPILE_CACHE=1", node, bin, "check", "host.load"],
  {
    expect: /host\.load/,
  },
)

if (pgUrl !== undefined) {
  const url = new URL(pgUrl)
  const connection = [
    `--dbhost=${url.hostname}`,
    `--dbport=${url.port || 5432}`,
    `--dbuser=${decodeURIComponent(url.username || "postgres")}`,
    `--dbname=${url.pathname.slice(1) || "postgres"}`,
  ]
  // Each probe and the check_postgres action that answers the same question.
  const pairs = [
    ["postgres.connections", ["--action=backends"]],
    ["postgres.connectivity", ["--action=connection"]],
    ["postgres.locks", ["--action=locks"]],
    ["postgres.long-queries", ["--action=query_time", "--warning=30s", "--critical=5m"]],
    ["postgres.size", ["--action=database_size", "--warning=1 TB", "--critical=2 TB"]],
  ]
  for (const [probe, action] of pairs) {
    const peer = `check_postgres ${action[0]}`
    add(peer, ["/usr/bin/check_postgres", ...action, ...connection], { expect: /^POSTGRES_\w+ OK/ })
    add(`ir check ${probe}`, [node, bin, "check", probe], {
      goal: [peer, 0.8],
      expect: new RegExp(`^OK - ${probe.replace(".", "\\.")}:`),
    })
  }
}
const cPairs = [
  [
    "http.health",
    [`${plugins}/check_http`, "-H", "127.0.0.1", "-p", String(httpPort), "-u", "/health"],
  ],
  ["host.disk", [`${plugins}/check_disk`, "-w", "20%", "-c", "10%", "-p", "/"]],
  ["host.load", [`${plugins}/check_load`, "-r", "-w", "1.5,1.5,1.5", "-c", "3,3,3"]],
]
for (const [probe, argv] of cPairs) {
  const peer = argv[0].slice(plugins.length + 1)
  add(peer, argv, { expect: /^(HTTP|DISK|LOAD) /i })
  add(`ir check ${probe}`, [node, bin, "check", probe], {
    reference: peer,
    expect: new RegExp(`^[A-Z]+ - ${probe.replace(".", "\\.")}:`),
  })
}

// Warm the page cache and the code cache, and check that every command does what it should
// (the host checks may be WARNING or CRITICAL on a busy machine: only their form is checked).
for (const [name, { argv, expect }] of commands) {
  const result = await run(argv[0], argv.slice(1), { cwd: dir, env, encoding: "utf8" }).catch(
    (error) => error,
  )
  if (expect !== undefined && !expect.test(result.stdout ?? "")) {
    console.error(`${name} did not answer as expected: ${result.stdout}${result.stderr ?? ""}`)
    process.exit(1)
  }
}

const samples = new Map([...commands.keys()].map((name) => [name, []]))
const exported = join(dir, "hyperfine.json")
for (let pass = 0; pass < passes; pass += 1) {
  const names = [...commands.keys()]
  // Alternate the order from pass to pass, so no command always runs right after another.
  if (pass % 2 === 1) names.reverse()
  await run(
    "hyperfine",
    [
      "-N",
      "-i",
      "--style",
      "none",
      "--warmup",
      "1",
      "--runs",
      String(runs),
      "--export-json",
      exported,
      ...names.flatMap((name) => ["-n", name, commands.get(name).argv.map(quote).join(" ")]),
    ],
    { cwd: dir, env, maxBuffer: 1 << 24 },
  )
  for (const result of JSON.parse(readFileSync(exported, "utf8")).results) {
    samples.get(result.command).push(...result.times.map((seconds) => seconds * 1000))
  }
}
server.close()
rmSync(dir, { recursive: true, force: true })
rmSync(cacheHome, { recursive: true, force: true })

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const medians = new Map([...samples].map(([name, ms]) => [name, median(ms)]))
const floor = medians.get("node -e 0")
const nodeVersion = execFileSync(node, ["--version"], { encoding: "utf8" }).trim()

console.log(
  `ir CLI startup: hyperfine -N, ${passes} passes x ${runs} runs, medians; ${cpus().length} cores, load ${loadavg()
    .map((value) => value.toFixed(1))
    .join(" ")}; Node ${nodeVersion}`,
)
console.log("")
for (const [name, ms] of medians) {
  console.log(
    `  ${name.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / floor).toFixed(2)}x node -e 0`,
  )
}
console.log("")
for (const [name, { goal }] of commands) {
  if (goal === undefined) continue
  const [baseline, limit] = goal
  const ratio = medians.get(name) / medians.get(baseline)
  console.log(
    `${name} / ${baseline}: ${ratio.toFixed(2)} (goal <= ${limit}) ${ratio <= limit ? "met" : "NOT MET"}`,
  )
}
if (pgUrl === undefined) {
  console.log(
    "ir check postgres.* / check_postgres: left out (IR_TEST_PG_URL is not set; run through scripts/with-services.sh)",
  )
}
console.log("")
for (const [name, { reference }] of commands) {
  if (reference === undefined) continue
  console.log(
    `${name} / ${reference}: ${(medians.get(name) / medians.get(reference)).toFixed(2)} (reference, no goal: ${reference} is C; node -e 0 / ${reference}: ${(floor / medians.get(reference)).toFixed(2)})`,
  )
}
