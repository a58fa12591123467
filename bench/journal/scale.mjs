// The journal at scale: `ir incident list` and `ir escalate --dry-run` against a journal of
// 10,000 incidents and 100,000 events, and `ir serve`'s resident memory with that journal
// against an empty one. Each figure is printed with its goal (issue 18, goal 3) beside it.
//
//   npx turbo run build --filter=@ir/cli...
//   node bench/journal/scale.mjs [incidents] [events-per-incident] [runs]
//   bash scripts/with-services.sh node bench/journal/scale.mjs   # + PostgreSQL (IR_TEST_PG_URL)
//
// The journal is written straight in the file journal's format (one JSON-lines file per
// incident, as `FileJournal.ts` writes it) and, on PostgreSQL, with bulk INSERTs into the
// journal's own tables: going through the API would take 100,000 fsyncs. Each incident file is
// then read back once through the journal (every one must read cleanly) before anything is timed.
// Whole-process timings use `hyperfine -N` when it is installed, else the median of spawned runs.
//
// Most incidents are resolved, as in a real journal: the newest `active` (default 50) are
// still open or acknowledged, the rest resolved, opened over the last two years.
import { execFileSync, spawnSync } from "node:child_process"
import { randomBytes, randomUUID } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { startServe } from "../serve.mjs"

const root = fileURLToPath(new URL("../../", import.meta.url))
const bin = join(root, "packages/cli/bin/ir.cjs")
const require = createRequire(join(root, "packages/journal/package.json"))
const { Effect } = await import(require.resolve("effect"))
const journalDist = join(root, "packages/journal/dist/index.js")
const { openFileJournal, openPostgresJournal } = await import(journalDist)
const { defaultRunbook, escalate, foldIncident } = await import(
  join(root, "packages/core/dist/index.js")
)

const incidents = Number(process.argv[2] ?? 10_000)
const eventsPer = Number(process.argv[3] ?? 10)
const runs = Number(process.argv[4] ?? 10)
const active = Number(process.env.IR_BENCH_ACTIVE ?? 50)
const pgUrl = process.env.IR_TEST_PG_URL
const run = (effect) => Effect.runPromise(effect)
const day = 86_400_000
const now = Date.now()

const goals = { list: 0.3, escalate: 0.5, rssMb: 20 }

// ------------------------------------------------------------------ the data
const playbookSets = [["system-down"], ["high-error-rate"], ["database-issues"], ["slow-response"]]
const severities = ["P0", "P1", "P2", "P3"]

/**
 * The `notification-sent` events a responder would have recorded by now: an incident that
 * `ir escalate` looks at (active, or resolved within 30 days) has had every message it was due
 * sent, as in a journal that `ir serve` keeps. Without them every one of those incidents would be
 * overdue for everything, and the bench would time template rendering, not the journal.
 */
const notificationsOf = (events) => {
  const decoded = (event) => ({
    ...event,
    at: new Date(event.at),
    ...(event.scheduledFor === undefined ? {} : { scheduledFor: new Date(event.scheduledFor) }),
  })
  const sent = []
  const at = new Date(now - 1000)
  for (let round = 0; round < 10; round += 1) {
    const state = foldIncident([...events, ...sent].map(decoded))
    if (state._tag === "Left")
      throw new Error(`generated events do not fold: ${state.left.message}`)
    const due = escalate(defaultRunbook, state.right, at)
    if (due.length === 0) break
    for (const action of due)
      sent.push({
        type: "notification-sent",
        at: at.toISOString(),
        message: action.message,
        channels: [...action.channels],
        key: action.key,
      })
  }
  return sent
}

const cachedEvents = new Map()

/** The events of incident `index` (0 = oldest), as core encodes them. */
const eventsOf = (index, humanId) => {
  const known = cachedEvents.get(index)
  if (known !== undefined && known.humanId === humanId) return known.value
  const value = generateEvents(index, humanId)
  if (humanId !== "" && (!value.resolved || value.openedAt > now - 29 * day))
    value.events.push(...notificationsOf(value.events))
  cachedEvents.set(index, { humanId, value })
  return value
}

const generateEvents = (index, humanId) => {
  const isActive = index >= incidents - active
  const openedAt = isActive
    ? now - 2 * 3_600_000 - (incidents - index) * 60_000 * 20
    : now - 730 * day + Math.floor((index / (incidents - active)) * 728 * day)
  const at = (minutes) => new Date(openedAt + minutes * 60_000).toISOString()
  const events = [
    {
      type: "opened",
      at: at(0),
      incidentId: humanId,
      title: `Benchmark incident ${index}: error rate above 5%`,
      severity: severities[index % 4],
      playbooks: playbookSets[index % 4],
      summary: "5xx above 5% for 5 minutes on the inference API",
      source: { kind: "alert", key: `{}:{alertname="Bench${index}"}` },
    },
    { type: "acknowledged", at: at(3), by: "alice" },
  ]
  const closing = isActive ? 0 : 3
  while (events.length < eventsPer - closing)
    events.push({
      type: "update-posted",
      at: at(events.length * 10),
      progress: `Investigating, step ${events.length}: rolled back the last deploy`,
      status: "investigating",
      nextSteps: "Watch the error rate for ten minutes",
    })
  if (!isActive) {
    const end = events.length * 10
    events.push({ type: "mitigated", at: at(end), summary: "Rolled back", by: "alice" })
    events.push({ type: "resolved", at: at(end + 5), resolution: "Deploy rolled back" })
    events.push({
      type: "postmortem-scheduled",
      at: at(end + 10),
      scheduledFor: at(end + 3 * 24 * 60),
    })
  }
  return { openedAt, events, resolved: !isActive }
}

const humanIds = (() => {
  const counters = new Map()
  return Array.from({ length: incidents }, (_, index) => {
    const { openedAt } = eventsOf(index, "")
    const year = new Date(openedAt).getUTCFullYear()
    const counter = (counters.get(year) ?? 0) + 1
    counters.set(year, counter)
    return `INC-${year}-${String(counter).padStart(4, "0")}`
  })
})()

const buildFileJournal = (dir) => {
  const incidentsDir = join(dir, "incidents")
  mkdirSync(incidentsDir, { recursive: true })
  let total = 0
  humanIds.forEach((humanId, index) => {
    const { events } = eventsOf(index, humanId)
    const meta = { id: randomUUID(), humanId, dedupKey: events[0].source.key }
    const lines = events.map(
      (event, position) =>
        `${JSON.stringify({ seq: position + 1, ...(position === 0 ? { incident: meta } : {}), event })}\n`,
    )
    writeFileSync(join(incidentsDir, `${humanId}.jsonl`), lines.join(""))
    total += events.length
  })
  return total
}

const buildPostgresJournal = async (schema) => {
  const pg = (await import(require.resolve("pg"))).default
  const journal = await run(openPostgresJournal({ url: pgUrl, schema })) // migrates
  await run(journal.close)
  const client = new pg.Client({ connectionString: pgUrl })
  await client.connect()
  try {
    const counters = new Map()
    for (let start = 0; start < incidents; start += 1000) {
      const rows = []
      const eventRows = []
      for (let index = start; index < Math.min(incidents, start + 1000); index += 1) {
        const humanId = humanIds[index]
        const { events, resolved } = eventsOf(index, humanId)
        const id = randomUUID()
        const last = events.filter((event) => event.type === "resolved")[0]
        rows.push([
          id,
          humanId,
          events[0].source.key,
          events[0].title,
          resolved ? "resolved" : "acknowledged",
          events[0].severity,
          events[0].playbooks,
          events[0].at,
          resolved ? last.at : null,
          events.length,
          // What the journal keeps with each row for /metrics (migration 4): these events have
          // no escalations or action items.
          JSON.stringify({
            ...Object.fromEntries(
              [
                ["acknowledgedAt", "acknowledged"],
                ["mitigatedAt", "mitigated"],
              ].flatMap(([field, type]) => {
                const event = events.find((candidate) => candidate.type === type)
                return event === undefined ? [] : [[field, Date.parse(event.at)]]
              }),
            ),
            sequence: events.length,
          }),
        ])
        for (const [position, event] of events.entries())
          eventRows.push([id, position + 1, event.type, event.at, JSON.stringify(event)])
        const year = Number(humanId.slice(4, 8))
        counters.set(year, Math.max(counters.get(year) ?? 0, Number(humanId.slice(9))))
      }
      const column = (table, n) => table.map((row) => row[n])
      await client.query(
        `INSERT INTO ${schema}.incidents (id, human_id, dedup_key, title, status, severity,
           playbooks, opened_at, resolved_at, sequence, figures)
         SELECT id, human_id, dedup_key, title, status, severity,
           ARRAY(SELECT jsonb_array_elements_text(playbooks)), opened_at, resolved_at, sequence,
           figures
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
           $7::jsonb[], $8::timestamptz[], $9::timestamptz[], $10::integer[], $11::jsonb[])
           AS row (id, human_id, dedup_key, title, status, severity, playbooks, opened_at,
             resolved_at, sequence, figures)`,
        [
          ...[0, 1, 2, 3, 4, 5].map((n) => column(rows, n)),
          column(rows, 6).map((playbooks) => JSON.stringify(playbooks)),
          ...[7, 8, 9, 10].map((n) => column(rows, n)),
        ],
      )
      await client.query(
        `INSERT INTO ${schema}.incident_events (incident_id, seq, type, at, body)
         SELECT * FROM unnest($1::uuid[], $2::integer[], $3::text[], $4::timestamptz[], $5::jsonb[])`,
        [0, 1, 2, 3, 4].map((n) => column(eventRows, n)),
      )
    }
    for (const [year, last] of counters)
      await client.query(`INSERT INTO ${schema}.incident_counters (year, last) VALUES ($1, $2)`, [
        year,
        last,
      ])
    await client.query(`ANALYZE ${schema}.incidents`)
    await client.query(`ANALYZE ${schema}.incident_events`)
  } finally {
    await client.end()
  }
}

/** Reads every incident back through the journal: the generated data must be sound. */
const checkJournal = async (config) => {
  const journal = await run(
    config.backend === "file" ? openFileJournal(config) : openPostgresJournal(config),
  )
  try {
    const listed = await run(journal.list())
    const damaged = await run(journal.damaged)
    if (listed.length !== incidents || damaged.length > 0)
      throw new Error(
        `the generated journal lists ${listed.length} of ${incidents} incidents, damaged: ${JSON.stringify(damaged.slice(0, 3))}`,
      )
    const open = listed.filter((summary) => summary.status !== "resolved").length
    if (open !== active) throw new Error(`${open} active incidents, expected ${active}`)
    // /metrics takes its figures from the summaries: each must carry them, as read would give.
    for (const [position, summary] of listed.entries()) {
      if (summary.figures === undefined) throw new Error(`${summary.humanId} lists no figures`)
      if (position % 97 !== 0) continue
      const { state } = await run(journal.read(summary.id))
      for (const field of ["acknowledgedAt", "mitigatedAt"])
        if (summary.figures[field]?.getTime() !== state[field]?.getTime())
          throw new Error(`${summary.humanId}: listed ${field} differs from the incident's`)
    }
  } finally {
    await run(journal.close)
  }
}

// ------------------------------------------------------------------ timing
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const hasHyperfine = spawnSync("hyperfine", ["--version"]).status === 0

/** Median wall seconds of `node ir.cjs ...args` run in `cwd`. */
/**
 * The median wall time of `ir <args>` in `cwd`, with the bench's own cache directory (V8's code
 * cache and `ir escalate`'s notes, see docs/cli.md) warmed by the first runs. With `forget`, that
 * folder is removed before each run: the figure of a first run after a change.
 */
const timeIr = (cwd, args, { forget } = {}) => {
  const env = { ...process.env, XDG_CACHE_HOME: cacheDir }
  const check = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env })
  if (check.status !== 0 && check.status !== 1)
    throw new Error(`ir ${args.join(" ")} exited ${check.status}: ${check.stderr}`)
  if (hasHyperfine) {
    const exported = join(cwd, "hyperfine.json")
    const command = [process.execPath, bin, ...args].join(" ")
    execFileSync(
      "hyperfine",
      [
        "-N",
        "-i",
        "--warmup",
        "2",
        "--runs",
        String(runs),
        ...(forget === undefined ? [] : ["--prepare", `rm -rf ${forget}`]),
        "--export-json",
        exported,
        command,
      ],
      { cwd, stdio: "ignore", env },
    )
    return JSON.parse(readFileSync(exported, "utf8")).results[0].median
  }
  const seconds = []
  for (let round = 0; round < runs; round += 1) {
    if (forget !== undefined) rmSync(forget, { recursive: true, force: true })
    const started = process.hrtime.bigint()
    spawnSync(process.execPath, [bin, ...args], { cwd, stdio: "ignore", env })
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9)
  }
  return median(seconds)
}

/**
 * `ir serve`'s resident set in MB, with only /health asked and then with /metrics scraped too
 * (@ir/http's figures read every incident's summary for their histograms), each asked every
 * five seconds. Two figures per phase: the peak, the largest of the samples a second apart in
 * its first five seconds (the first ticks read hundreds of incidents, the first scrape loads
 * every summary: V8 grows its young generation for such bursts), and the settled size, the
 * median of its last five samples after `SETTLE_S` seconds (`IR_BENCH_SETTLE_S`, 120 by
 * default: V8's memory reducer runs once the process allocates little, and at the latest some
 * 100 s after its last full collection; a long-running server spends its life there).
 */
const SETTLE_S = Number(process.env.IR_BENCH_SETTLE_S ?? 120)
const serveRss = async (cwd) => {
  // The user's cache of the `ir escalate` runs above: a server and a cron job of one user share
  // the responder's notes (`~/.cache/ir/quiet`).
  const serve = await startServe({ cwd, env: { XDG_CACHE_HOME: cacheDir } })
  try {
    const sample = async (scrape) => {
      const samples = []
      for (let second = 0; second < SETTLE_S; second += 1) {
        if (second % 5 === 0) {
          if (scrape) await fetch(`${serve.url}/metrics`).then((response) => response.text())
          await fetch(`${serve.url}/health`).then((response) => response.text())
        }
        await new Promise((resolve) => setTimeout(resolve, 1000))
        const status = readFileSync(`/proc/${serve.pid}/status`, "utf8")
        samples.push(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024)
      }
      return { peak: Math.max(...samples.slice(1, 5)), settled: median(samples.slice(-5)) }
    }
    const responderOnly = await sample(false)
    return { responderOnly, withMetrics: await sample(true) }
  } finally {
    await serve.stop()
  }
}

// ------------------------------------------------------------------ the runs
// IR_BENCH_BUILD_ONLY=DIR: write the file journal's project into DIR and stop (for profiling);
// with IR_BENCH_BACKENDS=postgres, a project over PostgreSQL schema ir_scale_profile instead
// (replaced if it exists, and kept).
if (process.env.IR_BENCH_BUILD_ONLY !== undefined) {
  const dir = process.env.IR_BENCH_BUILD_ONLY
  mkdirSync(dir, { recursive: true })
  if (process.env.IR_BENCH_BACKENDS === "postgres" && pgUrl !== undefined) {
    const schema = "ir_scale_profile"
    const pg = (await import(require.resolve("pg"))).default
    const client = new pg.Client({ connectionString: pgUrl })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
    await buildPostgresJournal(schema)
    const journal = { backend: "postgres", url: pgUrl, schema }
    writeFileSync(join(dir, "ir.config.yaml"), `${JSON.stringify({ journal })}\n`)
    console.log(`${incidents} incidents written to schema ${schema}; project in ${dir}`)
    process.exit(0)
  }
  writeFileSync(join(dir, "ir.config.yaml"), `${JSON.stringify({ journal: { dir: "journal" } })}\n`)
  console.log(`${buildFileJournal(join(dir, "journal"))} events written to ${dir}`)
  process.exit(0)
}
const workDir = mkdtempSync(join(tmpdir(), "ir-journal-scale-"))
const cacheDir = join(workDir, "cache")
let eventCount = incidents * eventsPer
const results = []
const project = (name, journal) => {
  const dir = join(workDir, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, "ir.config.yaml"),
    `${JSON.stringify({ journal, serve: { port: 0, tick: "1s" } })}\n`,
  )
  return dir
}
const figure = (name, measured, goal, unit = "s") =>
  results.push({ name, measured, goal, unit, met: measured <= goal })

/**
 * Each command on the full journal and on an empty one (the CLI's own start-up, which a loaded
 * machine inflates far more than the journal's part), and the difference: what the journal adds.
 */
const timeBoth = (backend, emptyDir, fullDir) => {
  for (const [command, goal] of [
    [["incident", "list"], goals.list],
    [["escalate", "--dry-run"], goals.escalate],
  ]) {
    const name = `${backend}: ir ${command.join(" ")}`
    const empty = timeIr(emptyDir, command)
    const full = timeIr(fullDir, command)
    figure(`${name}, empty journal (reference)`, empty, Number.POSITIVE_INFINITY)
    figure(name, full, goal)
    figure(`${name}: the journal's share (full - empty)`, full - empty, Number.POSITIVE_INFINITY)
  }
  // Without the notes an earlier run kept of the incidents with nothing due: what the first
  // `ir escalate` after a change of the runbook (or of ir) pays, once.
  figure(
    `${backend}: ir escalate --dry-run, no notes from an earlier run`,
    timeIr(fullDir, ["escalate", "--dry-run"], { forget: join(cacheDir, "ir", "quiet") }),
    Number.POSITIVE_INFINITY,
  )
}

try {
  const started = Date.now()
  const backends = (process.env.IR_BENCH_BACKENDS ?? "file,postgres").split(",")
  if (backends.includes("file")) {
    const fileDir = project("file", { dir: "journal" })
    const events = buildFileJournal(join(fileDir, "journal"))
    eventCount = events
    const emptyDir = project("empty", { dir: "journal" })
    mkdirSync(join(emptyDir, "journal", "incidents"), { recursive: true })
    await checkJournal({ backend: "file", dir: join(fileDir, "journal") })
    console.error(
      `file journal: ${incidents} incidents, ${events} events, ${active} active (built in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    )
    timeBoth("file", emptyDir, fileDir)
    // A cold index: what the first command after an upgrade (or a deleted index) pays once.
    const indexFile = join(fileDir, "journal", "index.json")
    if (existsSync(indexFile)) {
      rmSync(indexFile)
      const once = spawnSync(process.execPath, [bin, "incident", "list"], { cwd: fileDir })
      const startedCold = process.hrtime.bigint()
      rmSync(indexFile)
      spawnSync(process.execPath, [bin, "incident", "list"], { cwd: fileDir, stdio: "ignore" })
      const cold = Number(process.hrtime.bigint() - startedCold) / 1e9
      if (once.status !== 0) throw new Error(`cold list failed: ${once.stderr}`)
      figure("file: ir incident list, index deleted (one run)", cold, Number.POSITIVE_INFINITY)
    }
    // Side by side: the two servers see the same machine for the whole minute.
    const [rssEmpty, rssFull] = await Promise.all([serveRss(emptyDir), serveRss(fileDir)])
    for (const [phase, label] of [
      ["responderOnly", "responder + /health"],
      ["withMetrics", "+ /metrics"],
    ])
      for (const [when, what] of [
        ["peak", "peak, first 5 s"],
        ["settled", `settled, after ${SETTLE_S} s`],
      ]) {
        const full = rssFull[phase][when]
        const empty = rssEmpty[phase][when]
        figure(
          `file: ir serve RSS above empty, ${label}, ${what} (${full.toFixed(0)} vs ${empty.toFixed(0)} MB)`,
          full - empty,
          goals.rssMb,
          "MB",
        )
      }
  }

  if (!backends.includes("postgres")) {
    // file only
  } else if (pgUrl === undefined) {
    console.error("PostgreSQL skipped: set IR_TEST_PG_URL or run through scripts/with-services.sh")
  } else {
    const schema = `ir_scale_${randomBytes(4).toString("hex")}`
    const pg = (await import(require.resolve("pg"))).default
    try {
      const startedPg = Date.now()
      await buildPostgresJournal(schema)
      await checkJournal({ backend: "postgres", url: pgUrl, schema })
      console.error(
        `postgres journal built in ${((Date.now() - startedPg) / 1000).toFixed(1)} s (schema ${schema})`,
      )
      const pgDir = project("postgres", { backend: "postgres", url: pgUrl, schema })
      await run((await run(openPostgresJournal({ url: pgUrl, schema: `${schema}_empty` }))).close)
      const pgEmptyDir = project("postgres-empty", {
        backend: "postgres",
        url: pgUrl,
        schema: `${schema}_empty`,
      })
      timeBoth("postgres", pgEmptyDir, pgDir)
    } finally {
      const client = new pg.Client({ connectionString: pgUrl })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await client.query(`DROP SCHEMA IF EXISTS ${schema}_empty CASCADE`)
      await client.end()
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true })
}

console.log(
  `${incidents} incidents, ${eventCount} events (${active} active), Node ${process.version}, ` +
    `${hasHyperfine ? `hyperfine -N, median of ${runs}` : `median of ${runs} spawns`}`,
)
for (const result of results) {
  const value =
    result.unit === "s" ? `${result.measured.toFixed(3)} s` : `${result.measured.toFixed(1)} MB`
  const goal = Number.isFinite(result.goal)
    ? `goal ≤ ${result.goal}${result.unit === "s" ? " s" : " MB"}  ${result.met ? "met" : "NOT MET"}`
    : ""
  console.log(`${result.name.padEnd(62)} ${value.padStart(10)}   ${goal}`)
}
