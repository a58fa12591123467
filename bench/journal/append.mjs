// Appends per second of @ir/journal, each backend against its bare baseline measured in the same
// run: the file journal against an append + fsync loop on one open file, the PostgreSQL journal
// against a loop of single-row INSERTs (each its own transaction, so each commit is flushed, as
// the journal's are).
//
//   npm run build -w @ir/journal   # or: cd packages/journal && npx tsup
//   node bench/journal/append.mjs [appends] [rounds]          # file backend only
//   bash scripts/with-services.sh node bench/journal/append.mjs   # + PostgreSQL (IR_TEST_PG_URL)
//
// IR_TEST_PG_URL names the database; a schema of its own is dropped after.
import { randomBytes } from "node:crypto"
import { mkdtemp, open, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"

const require = createRequire(new URL("../../packages/journal/package.json", import.meta.url))
const { Effect } = await import(require.resolve("effect"))
const pg = (await import(require.resolve("pg"))).default
const { openFileJournal, openPostgresJournal } = await import(
  new URL("../../packages/journal/dist/index.js", import.meta.url).href
)

const appends = Number(process.argv[2] ?? 300)
const rounds = Number(process.argv[3] ?? 5)
const pgUrl = process.env.IR_TEST_PG_URL
const run = (effect) => Effect.runPromise(effect)

/** Calls per second of `count` sequential calls of `body`. */
const perSecond = async (count, offset, body) => {
  const started = process.hrtime.bigint()
  for (let index = 0; index < count; index += 1) await body(offset + index)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return count / seconds
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/**
 * fsync latency on a shared machine swings with everyone else's I/O, so the baseline and the
 * journal take turns: `rounds` rounds, each timing both on `appends / rounds` appends; the
 * medians are compared.
 */
const compare = async (baselineStep, journalStep) => {
  const perRound = Math.max(1, Math.floor(appends / rounds))
  const baseline = []
  const journal = []
  for (let round = 0; round < rounds; round += 1) {
    baseline.push(await perSecond(perRound, round * perRound, baselineStep))
    journal.push(await perSecond(perRound, round * perRound, journalStep))
  }
  return {
    baselineRate: median(baseline),
    rate: median(journal),
    baselines: baseline,
    rates: journal,
  }
}

const event = (index) => ({
  type: "update-posted",
  at: new Date(),
  progress: `step ${index}`,
  status: "investigating",
  nextSteps: "keep watching the error rate",
})

const opened = {
  at: new Date(Date.now() - 60_000),
  title: "Benchmark incident",
  severity: "P2",
  playbooks: ["high-error-rate"],
  summary: "appends per second",
}

const line = (index) =>
  `${JSON.stringify({ seq: index + 2, event: { ...event(index), at: new Date().toISOString() } })}\n`

const results = []

// ---------------------------------------------------------------------- file
{
  const dir = await mkdtemp(join(tmpdir(), "ir-journal-bench-"))
  try {
    const handle = await open(join(dir, "baseline.jsonl"), "a")
    const journal = await run(openFileJournal({ dir: join(dir, "journal") }))
    const { incident } = await run(journal.open(opened))
    const measured = await compare(
      async (index) => {
        await handle.appendFile(line(index))
        await handle.sync()
      },
      (index) => run(journal.append(incident.id, [event(index)])),
    )
    await handle.close()
    await run(journal.close)
    results.push({ backend: "file", baseline: "appendFile + fsync", ...measured })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// ------------------------------------------------------------------ postgres
if (pgUrl === undefined) {
  console.error("PostgreSQL skipped: set IR_TEST_PG_URL or run through scripts/with-services.sh")
} else {
  const schema = `ir_journal_bench_${randomBytes(4).toString("hex")}`
  const client = new pg.Client({ connectionString: pgUrl, statement_timeout: 10_000 })
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA ${schema}`)
    await client.query(
      `CREATE TABLE ${schema}.baseline (incident_id uuid, seq integer, body jsonb, PRIMARY KEY (incident_id, seq))`,
    )
    const id = "00000000-0000-4000-8000-000000000000"
    const journal = await run(openPostgresJournal({ url: pgUrl, schema }))
    const { incident } = await run(journal.open(opened))
    const measured = await compare(
      (index) =>
        client.query(`INSERT INTO ${schema}.baseline VALUES ($1, $2, $3)`, [
          id,
          index + 1,
          JSON.stringify(event(index)),
        ]),
      (index) => run(journal.append(incident.id, [event(index)])),
    )
    await run(journal.close)
    results.push({ backend: "postgres", baseline: "bare INSERT", ...measured })
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
  }
}

console.log(
  `${appends} appends of one event each per side, one writer, ${rounds} alternating rounds (medians), Node ${process.version}`,
)
/** Issue 18, goal 3: the file journal appends at 0.7 or more of the bare loop's rate. */
const goals = { file: 0.7 }
for (const result of results) {
  const perRound = result.rates.map((rate, round) => (rate / result.baselines[round]).toFixed(2))
  const ratio = result.rate / result.baselineRate
  const goal = goals[result.backend]
  const verdict =
    goal === undefined
      ? "(reference, no goal)"
      : `(goal >= ${goal}: ${ratio >= goal ? "met" : "NOT met"})`
  console.log(
    `${result.backend.padEnd(9)} ${result.rate.toFixed(0).padStart(6)} appends/s   ` +
      `${result.baseline}: ${result.baselineRate.toFixed(0).padStart(6)}/s   ` +
      `ratio ${ratio.toFixed(2)} ${verdict}   (per round: ${perRound.join(" ")})`,
  )
}
