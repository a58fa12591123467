// Several processes on one journal: real `node` children running the built package
// (test/fixtures/append-burst.mjs), against the file backend always and PostgreSQL when the test
// environment provides it.
import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { once } from "node:events"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { IncidentEvent } from "@ir/core"
import pg from "pg"
import { afterAll, describe, expect, it } from "vitest"
import { type JournalConfig, openJournal } from "../src/index.js"
import { downInput, run } from "./JournalContract.js"
import { requireService } from "./requireService.js"

const fixture = join(import.meta.dirname, "fixtures", "append-burst.mjs")
const base = mkdtempSync(join(tmpdir(), "ir-journal-procs-"))
const pgUrl = requireService("IR_TEST_PG_URL")
const schemas: Array<string> = []

afterAll(async () => {
  rmSync(base, { recursive: true, force: true })
  if (pgUrl === undefined || schemas.length === 0) return
  const client = new pg.Client({ connectionString: pgUrl })
  await client.connect()
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await client.end()
})

interface Ack {
  readonly seq: number
  readonly label: string
  readonly index: number
}

interface Writer {
  readonly child: ChildProcess
  readonly acks: Array<Ack>
  readonly stderr: Array<string>
  /** Resolves with the exit code (or signal) when the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals>
  /** Resolves once `count` appends have been acknowledged. */
  readonly acknowledged: (count: number) => Promise<void>
}

const startWriter = (
  config: JournalConfig,
  incident: string,
  label: string,
  count: number,
  optimistic = false,
): Writer => {
  const child = spawn(
    process.execPath,
    [fixture, JSON.stringify({ ...config, incident, label, count, optimistic })],
    { stdio: ["ignore", "pipe", "pipe"] },
  )
  const acks: Array<Ack> = []
  const stderr: Array<string> = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  let pending = ""
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk
    const lines = pending.split("\n")
    pending = lines.pop() ?? ""
    for (const line of lines) {
      const [word, seq, ackLabel, index] = line.split(" ")
      if (word === "done") console.info(`writer ${line}`)
      if (word === "ack")
        acks.push({ seq: Number(seq), label: String(ackLabel), index: Number(index) })
    }
    for (const waiter of waiters.filter((w) => acks.length >= w.count)) waiter.resolve()
  })
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk))
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number)
  const acknowledged = (wanted: number) =>
    new Promise<void>((resolve, reject) => {
      if (acks.length >= wanted) return resolve()
      waiters.push({ count: wanted, resolve })
      exited.then(() =>
        reject(new Error(`writer ${label} exited after ${acks.length} acks: ${stderr.join("")}`)),
      )
    })
  return { child, acks, stderr, exited, acknowledged }
}

const backends: Array<{ name: string; config: () => JournalConfig }> = [
  { name: "file", config: () => ({ backend: "file", dir: mkdtempSync(join(base, "j-")) }) },
  ...(pgUrl === undefined
    ? []
    : [
        {
          name: "postgres",
          config: (): JournalConfig => {
            const schema = `ir_journal_procs_${randomBytes(6).toString("hex")}`
            schemas.push(schema)
            return { backend: "postgres", url: pgUrl, schema, poolSize: 2 }
          },
        },
      ]),
]

const progressOf = (event: IncidentEvent.IncidentEvent): string | undefined =>
  event.type === "update-posted" ? event.progress : undefined

describe.each(backends)("$name journal with several processes", ({ config: makeConfig }) => {
  it("keeps all 1000 events of two processes appending 500 each, in a valid order", async () => {
    const config = makeConfig()
    const journal = await run(openJournal(config))
    const { incident } = await run(
      journal.open(downInput({ at: new Date(Date.now() - 60_000), by: "test" })),
    )
    const writers = [
      startWriter(config, incident.humanId, "a", 500),
      startWriter(config, incident.humanId, "b", 500),
    ]
    const codes = await Promise.all(writers.map((writer) => writer.exited))
    expect(codes, writers.flatMap((writer) => writer.stderr).join("")).toEqual([0, 0])

    const record = await run(journal.read(incident.id))
    await run(journal.close)
    expect(record.sequence).toBe(1001)
    expect(record.torn).toBeUndefined()
    // Every acknowledged append is where its writer was told it is.
    const acks = writers.flatMap((writer) => writer.acks)
    expect(acks).toHaveLength(1000)
    for (const ack of acks)
      expect(progressOf(record.events[ack.seq - 1] as IncidentEvent.IncidentEvent)).toBe(
        `${ack.label} ${ack.index}`,
      )
    // Each writer's events appear once each, in the order it wrote them, interleaved whole.
    for (const label of ["a", "b"]) {
      const indices = record.events.flatMap((event) => {
        const [eventLabel, index] = progressOf(event)?.split(" ") ?? []
        return eventLabel === label ? [Number(index)] : []
      })
      expect(indices).toEqual(Array.from({ length: 500 }, (_, index) => index))
    }
    // Time never runs backwards (the fold would refuse it; read already folded them).
    const times = record.events.map((event) => event.at.getTime())
    expect(times).toEqual([...times].sort((a, b) => a - b))
  }, 180_000)

  it("holds expected sequences across processes: each append lands where its writer read", async () => {
    const config = makeConfig()
    const journal = await run(openJournal(config))
    const { incident } = await run(journal.open(downInput({ at: new Date(Date.now() - 60_000) })))
    // Each writer reads, then appends stating the sequence it read, retrying on conflict.
    const writers = [
      startWriter(config, incident.id, "x", 100, true),
      startWriter(config, incident.id, "y", 100, true),
    ]
    const codes = await Promise.all(writers.map((writer) => writer.exited))
    expect(codes, writers.flatMap((writer) => writer.stderr).join("")).toEqual([0, 0])
    const record = await run(journal.read(incident.id))
    await run(journal.close)
    expect(record.sequence).toBe(201)
    const acks = writers.flatMap((writer) => writer.acks)
    expect(new Set(acks.map((ack) => ack.seq)).size).toBe(200)
    for (const ack of acks)
      expect(progressOf(record.events[ack.seq - 1] as IncidentEvent.IncidentEvent)).toBe(
        `${ack.label} ${ack.index}`,
      )
  }, 120_000)

  it("reads back every acknowledged event after a writer is killed mid-burst", async () => {
    const config = makeConfig()
    const setup = await run(openJournal(config))
    const { incident } = await run(setup.open(downInput({ at: new Date(Date.now() - 60_000) })))
    await run(setup.close)

    const writer = startWriter(config, incident.humanId, "k", 1_000_000)
    await writer.acknowledged(150)
    writer.child.kill("SIGKILL")
    expect(await writer.exited).toBe("SIGKILL")

    // Reopening breaks the dead writer's lock (file) or finds its transaction rolled back (pg).
    const journal = await run(openJournal(config))
    const record = await run(journal.read(incident.humanId))
    expect(writer.acks.length).toBeGreaterThanOrEqual(150)
    expect(record.sequence).toBeGreaterThanOrEqual(Math.max(...writer.acks.map((ack) => ack.seq)))
    for (const ack of writer.acks)
      expect(progressOf(record.events[ack.seq - 1] as IncidentEvent.IncidentEvent)).toBe(
        `k ${ack.index}`,
      )
    if (record.torn !== undefined) {
      // Reported with where it is; everything before it was read.
      console.info(`torn record reported after SIGKILL: ${JSON.stringify(record.torn)}`)
      expect(record.torn.file).toContain(incident.humanId)
      expect(record.torn.offset).toBeGreaterThan(0)
    }
    const next = await run(
      journal.append(incident.humanId, [{ type: "acknowledged", at: new Date(), by: "survivor" }], {
        expectedSequence: record.sequence,
      }),
    )
    expect(next.sequence).toBe(record.sequence + 1)
    expect((await run(journal.read(incident.humanId))).torn).toBeUndefined()
    await run(journal.close)
  }, 120_000)
})

describe("the file journal's lock between one writer's appends", () => {
  const distIndex = join(import.meta.dirname, "..", "dist", "index.js")

  it("is kept for the next append, let go a turn later, and never left behind by an exit", async () => {
    const dir = join(mkdtempSync(join(base, "linger-")), "journal")
    const journal = await run(openJournal({ backend: "file", dir }))
    const { incident } = await run(journal.open(downInput({ at: new Date(Date.now() - 1000) })))
    const lock = join(dir, "journal.lock")
    // Right after an append the lock is still held, ready for the writer's next one ...
    await run(
      journal.append(incident.humanId, [{ type: "acknowledged", at: new Date(), by: "alice" }]),
    )
    expect(existsSync(lock)).toBe(true)
    // ... and free once the event loop has turned (its turn ends after the caller's), for others.
    let turns = 0
    while (existsSync(lock) && turns < 10) {
      await new Promise((resolve) => setImmediate(resolve))
      turns += 1
    }
    expect(existsSync(lock)).toBe(false)
    expect(turns).toBeLessThanOrEqual(2)
    await run(journal.close)

    // A process that exits right after an append (process.exit, no close) leaves no lock.
    const script = `
      import { Effect } from "effect"
      import { openJournal } from ${JSON.stringify(distIndex)}
      const journal = await Effect.runPromise(openJournal({ backend: "file", dir: ${JSON.stringify(dir)} }))
      await Effect.runPromise(journal.append(${JSON.stringify(incident.humanId)}, [
        { type: "update-posted", at: new Date(), progress: "exiting", status: "investigating", nextSteps: "none" },
      ]))
      process.exit(0)
    `
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: join(import.meta.dirname, ".."),
      stdio: ["ignore", "ignore", "pipe"],
    })
    const stderr: Array<string> = []
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()))
    const [code] = await once(child, "exit")
    expect(stderr.join("")).toBe("")
    expect(code).toBe(0)
    expect(existsSync(lock)).toBe(false)
    const reader = await run(openJournal({ backend: "file", dir, lockTimeoutMs: 1_000 }))
    expect((await run(reader.read(incident.humanId))).sequence).toBe(3)
    await run(reader.close)
  })
})
