import { spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either, Option } from "effect"
import pg from "pg"
import { describe, expect, it } from "vitest"
import { type IncidentRecord, type Journal, openPostgresJournal } from "../src/index.js"
import { attempt, downInput, journalContract, run } from "./JournalContract.js"
import { requireService } from "./requireService.js"

const pgUrl = requireService("IR_TEST_PG_URL")
const clusterScript = requireService("IR_TEST_PG_CLUSTER_SCRIPT")

/**
 * Pushes the text of every statement this process's clients send onto `statements` until `stop`:
 * for the tests of how many queries an operation makes.
 */
const watchStatements = (statements: Array<string>) => {
  const query = pg.Client.prototype.query
  pg.Client.prototype.query = function (this: pg.Client, ...args: Array<unknown>) {
    const [config] = args
    statements.push(typeof config === "string" ? config : String((config as pg.QueryConfig)?.text))
    return (query as (...a: Array<unknown>) => unknown).apply(this, args)
  } as typeof query
  return {
    stop: () => {
      pg.Client.prototype.query = query
    },
  }
}

/** A schema of its own for each test: isolated counters and tables, dropped afterwards. */
const freshSchema = () => `ir_journal_test_${randomBytes(6).toString("hex")}`

const dropSchema = async (url: string, schema: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await client.end()
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      )
    })
  })

describe.skipIf(pgUrl === undefined)("PostgreSQL journal", () => {
  const url = pgUrl as string

  /**
   * Runs `body` with two journals on a fresh schema (this process's and another's) and `watch`,
   * which records on `statements` every statement this process sends until the stop it returns
   * is called (or `body` ends); then closes both and drops the schema.
   */
  const withJournals = async (
    body: (setting: {
      readonly schema: string
      readonly journal: Journal
      readonly other: Journal
      readonly statements: Array<string>
      readonly watch: () => () => void
    }) => Promise<void>,
  ) => {
    const schema = freshSchema()
    const journal = await run(openPostgresJournal({ url, schema }))
    const other = await run(openPostgresJournal({ url, schema }))
    const statements: Array<string> = []
    let watching: ReturnType<typeof watchStatements> | undefined
    try {
      await body({
        schema,
        journal,
        other,
        statements,
        watch: () => {
          watching = watchStatements(statements)
          return watching.stop
        },
      })
    } finally {
      watching?.stop()
      await run(other.close)
      await run(journal.close)
      await dropSchema(url, schema)
    }
  }

  /** Runs `use` with a journal of its own on `schema` (nothing held yet), then closes it. */
  const withFreshReader = async <A>(
    schema: string,
    use: (journal: Journal) => Promise<A>,
  ): Promise<A> => {
    const reader = await run(openPostgresJournal({ url, schema }))
    try {
      return await use(reader)
    } finally {
      await run(reader.close)
    }
  }

  journalContract("postgres", async () => {
    const schema = freshSchema()
    return {
      open: () => openPostgresJournal({ url, schema, poolSize: 3 }),
      cleanup: () => dropSchema(url, schema),
    }
  })

  it("applies its migrations once, even when replicas start together", async () => {
    const schema = freshSchema()
    try {
      const journals = await run(
        Effect.all(
          Array.from({ length: 4 }, () => openPostgresJournal({ url, schema, poolSize: 1 })),
          { concurrency: "unbounded" },
        ),
      )
      for (const journal of journals) await run(journal.close)
      // A schema at the latest version is opened with one statement: no lock, no DDL.
      const statements: Array<string> = []
      const watch = watchStatements(statements)
      const again = await run(openPostgresJournal({ url, schema })).finally(watch.stop)
      await run(again.close)
      expect(statements).toHaveLength(1)
      expect(statements[0]).toMatch(/^SELECT count\(\*\)/)
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      const { rows } = await client.query(`SELECT version FROM ${schema}.schema_migrations`)
      const { rows: indexes } = await client.query(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'incidents_in_progress'",
        [schema],
      )
      await client.end()
      expect(rows).toEqual([1, 2, 3, 4, 5, 6].map((version) => ({ version })))
      expect(indexes[0]?.indexdef).toMatch(
        /\(opened_at DESC\) WHERE \(status <> 'resolved'::text\)/,
      )
    } finally {
      await dropSchema(url, schema)
    }
  })

  it("migrates a schema an older version left behind, and only what it lacks", async () => {
    const schema = freshSchema()
    try {
      const journal = await run(openPostgresJournal({ url, schema }))
      await run(journal.close)
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      // As version 4 of the schema left it.
      await client.query(`DROP INDEX ${schema}.incidents_in_progress`)
      await client.query(`DELETE FROM ${schema}.schema_migrations WHERE version = 5`)
      const again = await run(openPostgresJournal({ url, schema }))
      await run(again.close)
      const { rows } = await client.query(
        `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
      )
      const { rows: indexes } = await client.query(
        "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname = 'incidents_in_progress'",
        [schema],
      )
      await client.end()
      expect(rows).toEqual([1, 2, 3, 4, 5, 6].map((version) => ({ version })))
      expect(indexes).toHaveLength(1)
    } finally {
      await dropSchema(url, schema)
    }
  })

  it("joins a repeat of a held incident with one query, and reads it again when another process moved it", async () => {
    await withJournals(async ({ journal, other, statements, watch }) => {
      const input = { ...downInput(), dedupKey: "group-1" }
      const first = await run(journal.open(input))
      // Every statement any client of this process sends, from here on.
      const stop = watch()
      const repeat = await run(journal.open(input))
      expect(repeat).toMatchObject({
        created: false,
        incident: { sequence: first.incident.sequence },
      })
      expect(statements).toHaveLength(1)
      stop()
      await run(
        other.append(first.incident.id, [{ type: "acknowledged", at: new Date(), by: "bob" }]),
      )
      const moved = await run(journal.open(input))
      expect(moved.created).toBe(false)
      expect(moved.incident.sequence).toBe(first.incident.sequence + 1)
      expect(moved.incident.state.acknowledgedBy).toBe("bob")
    })
  })

  it("answers a read that a held copy satisfies from memory, and asks the database for a later one", async () => {
    await withJournals(async ({ journal, other, statements, watch }) => {
      const opened = await run(journal.open(downInput()))
      const appended = await run(
        other.append(opened.incident.id, [{ type: "acknowledged", at: new Date(), by: "bob" }]),
      )
      watch()
      // Held at 1: enough for "at least 1", by its human id or its UUID, without a query.
      const held = await run(journal.read(opened.incident.humanId, { atLeast: 1 }))
      expect(held.sequence).toBe(1)
      expect((await run(journal.read(opened.incident.id, { atLeast: 1 }))).sequence).toBe(1)
      expect(statements).toEqual([])
      // Another process's append: "at least 2" is read from the database.
      const later = await run(journal.read(opened.incident.humanId, { atLeast: appended.sequence }))
      expect(later.sequence).toBe(2)
      expect(later.state.acknowledgedBy).toBe("bob")
      expect(statements.length).toBeGreaterThan(0)
    })
  })

  it("answers look-ups and reads made at once with a few queries, each as a query of its own would", async () => {
    await withJournals(async ({ journal, other, statements, watch }) => {
      const keys = Array.from({ length: 20 }, (_, index) => `group-${index}`)
      for (const dedupKey of keys.slice(0, 15)) await run(other.open({ ...downInput(), dedupKey }))
      // group-0's incident resolved and opened again: the one in progress is the answer.
      const first = await run(other.findByDedupKey("group-0"))
      if (Option.isNone(first)) throw new Error("group-0 not found")
      await run(
        other.append(first.value.id, [{ type: "resolved", at: new Date(), resolution: "ok" }]),
      )
      const again = await run(other.open({ ...downInput(), dedupKey: "group-0" }))
      const stop = watch()
      const found = await Promise.all(keys.map((key) => run(journal.findByDedupKey(key))))
      const windows = await Promise.all(
        Array.from({ length: 10 }, () => run(journal.maintenanceWindows)),
      )
      // Reads at once, by human id and by UUID (any case): one row query for the first, one for
      // the rest; then the events of each, as this process holds none.
      const present = found.flatMap((summary) => (Option.isSome(summary) ? [summary.value] : []))
      const records = await Promise.all(
        present.map((summary, index) =>
          run(journal.read(index % 2 === 0 ? summary.humanId : summary.id.toUpperCase())),
        ),
      )
      stop()
      expect(statements.filter((text) => text.includes("OR human_id = ANY"))).toHaveLength(2)
      for (const [index, record] of records.entries()) {
        const fresh = await run(other.read(present[index]?.humanId ?? ""))
        expect(record.sequence).toBe(fresh.sequence)
        expect(record.state).toEqual(fresh.state)
      }
      await expect(run(journal.read("INC-2026-9999"))).rejects.toThrow("INC-2026-9999")
      expect(found.map((summary) => Option.getOrUndefined(summary)?.dedupKey)).toEqual([
        ...keys.slice(0, 15),
        ...Array.from({ length: 5 }, () => undefined),
      ])
      expect(Option.getOrUndefined(found[0] ?? Option.none())?.id).toBe(again.incident.id)
      expect(windows.every((each) => each.length === 0)).toBe(true)
      // One query for the first look-up, one for the others that waited; so for the windows.
      expect(statements.filter((text) => text.includes("dedup_key = ANY"))).toHaveLength(2)
      expect(statements.filter((text) => text.includes("maintenance_windows"))).toHaveLength(2)
      // Each answer is a fresh process's.
      for (const key of keys)
        expect(Option.getOrUndefined(await run(other.findByDedupKey(key)))?.id).toBe(
          Option.getOrUndefined(found[keys.indexOf(key)] ?? Option.none())?.id,
        )
    })
  })

  it("looks keys and rows up through the indexes however many incidents came after its first look-ups", async () => {
    const schema = freshSchema()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      // One connection: the look-ups below all run where the first ones ran.
      const journal = await run(openPostgresJournal({ url, schema, poolSize: 1 }))
      try {
        const opened: Array<string> = []
        for (const key of ["group-a", "group-b", "group-c"]) {
          const { incident } = await run(journal.open(downInput({ dedupKey: key })))
          opened.push(incident.humanId, incident.id)
        }
        // Rows read together, by human id and by UUID, as a storm's dispatches read them.
        const readAll = async () => {
          const records = await Promise.all(opened.map((id) => run(journal.read(id))))
          expect(new Set(records.map((record) => record.humanId)).size).toBe(3)
        }
        // Enough look-ups on a nearly empty table for a prepared statement to settle on a plan.
        for (let round = 0; round < 8; round += 1) {
          await run(journal.findByDedupKey(round % 2 === 0 ? "group-a" : "group-b"))
          await readAll()
        }
        // 5,000 incidents more, written behind the journal's back (no analysis runs meanwhile).
        await client.query(
          `INSERT INTO ${schema}.incidents
             (id, human_id, dedup_key, title, status, severity, playbooks, opened_at, sequence)
           SELECT gen_random_uuid(), 'INC-2025-' || lpad(n::text, 5, '0'), 'bulk-' || n, 'bulk',
             'open', 'P3', '{}', now() - interval '1 day', 1
           FROM generate_series(1, 5000) AS n`,
        )
        for (let round = 0; round < 20; round += 1) {
          const found = await run(journal.findByDedupKey(`bulk-${round * 200 + 1}`))
          expect(Option.getOrUndefined(found)?.humanId).toBe(
            `INC-2025-${String(round * 200 + 1).padStart(5, "0")}`,
          )
          // the rows of incidents it holds, read to check they are still the latest
          await readAll()
        }
      } finally {
        // Its sessions end: their statistics reach the server.
        await run(journal.close)
      }
      // Once the journal's sessions are counted (each of the 56 look-ups scanned the table or its
      // indexes): scanning the table for each of the last 40 would have read some 200,000 rows.
      let counted = { scans: 0, read: 0 }
      for (let attempt = 0; attempt < 150 && counted.scans < 56; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100))
        const { rows } = await client.query<{ scans: string; read: string }>(
          `SELECT (seq_scan + coalesce(idx_scan, 0))::text AS scans, seq_tup_read::text AS read
           FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'incidents'`,
          [schema],
        )
        counted = { scans: Number(rows[0]?.scans ?? 0), read: Number(rows[0]?.read ?? 0) }
      }
      expect(counted.scans).toBeGreaterThanOrEqual(56)
      const read = counted.read
      expect(read).toBeLessThan(5000)
    } finally {
      await client.end()
      await dropSchema(url, schema)
    }
  })

  it("keeps the events of its incidents in progress and of 64 resolved ones, and every summary", async () => {
    await withJournals(async ({ journal, statements, watch }) => {
      const opened = (
        await Promise.all(
          Array.from({ length: 100 }, (_, index) =>
            run(journal.open({ ...downInput(), dedupKey: `group-${index}` })),
          ),
        )
      ).map((result) => result.incident)
      // The first 80 resolved, in order: the 16 resolved first let their events go.
      for (const incident of opened.slice(0, 80))
        await run(
          journal.append(incident.id, [{ type: "resolved", at: new Date(), resolution: "ok" }]),
        )
      watch()
      // Every summary from memory: one query each, for the sequences.
      expect(await run(journal.list())).toHaveLength(100)
      expect(await run(journal.damaged)).toEqual([])
      expect(statements.filter((text) => !text.includes("SELECT id, sequence"))).toEqual([])
      const eventsRead = () => statements.filter((text) => text.includes("incident_events")).length
      for (const kept of [opened[99], opened[79], opened[16]] as Array<IncidentRecord>)
        await run(journal.read(kept.humanId))
      expect(eventsRead()).toBe(0)
      const letGo = opened[15] as IncidentRecord
      const again = await run(journal.read(letGo.humanId))
      expect(eventsRead()).toBe(1)
      expect(again.state.status).toBe("resolved")
      expect(again.events).toHaveLength(2)
    })
  })

  it("lists a row's figures only when they were taken at its sequence", async () => {
    const schema = freshSchema()
    const journal = await run(openPostgresJournal({ url, schema }))
    try {
      const opened = (await run(journal.open(downInput()))).incident
      const others = await Promise.all(
        ["group-2", "group-3"].map(
          async (dedupKey) => (await run(journal.open({ ...downInput(), dedupKey }))).incident,
        ),
      )
      await run(journal.append(opened.id, [{ type: "acknowledged", at: new Date(), by: "a" }]))
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      // As a version of ir that keeps no figures leaves its rows: an append moved the sequence on
      // past the figures (or the row predates them).
      await client.query(
        `UPDATE ${schema}.incidents
         SET figures = jsonb_set(figures, '{sequence}', to_jsonb(sequence - 1)) WHERE id = $1`,
        [others[0]?.id],
      )
      await client.query(`UPDATE ${schema}.incidents SET figures = NULL WHERE id = $1`, [
        others[1]?.id,
      ])
      await client.end()
      const other = await run(openPostgresJournal({ url, schema }))
      try {
        const figures = Object.fromEntries(
          (await run(other.list())).map((summary) => [summary.humanId, summary.figures]),
        )
        expect(figures).toEqual({
          [opened.humanId]: {
            acknowledgedAt: expect.any(Date),
            escalations: [],
            openActionItems: [],
          },
          [others[0]?.humanId ?? ""]: undefined,
          [others[1]?.humanId ?? ""]: undefined,
        })
      } finally {
        await run(other.close)
      }
    } finally {
      await run(journal.close)
      await dropSchema(url, schema)
    }
  })

  it("isolates an incident whose event row does not decode, and names it", async () => {
    const schema = freshSchema()
    const journal = await run(openPostgresJournal({ url, schema }))
    try {
      const first = (await run(journal.open(downInput()))).incident
      const second = (await run(journal.open({ ...downInput(), dedupKey: "group-2" }))).incident
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      await client.query(
        `UPDATE ${schema}.incident_events SET body = '{"type":"opened","severity":"P9"}'
         WHERE incident_id = $1`,
        [first.id],
      )
      await client.end()
      // a second process, which has cached nothing
      const other = await run(openPostgresJournal({ url, schema }))
      try {
        expect((await run(other.list())).map((summary) => summary.humanId).sort()).toEqual(
          [first.humanId, second.humanId].sort(),
        )
        expect((await run(other.read(second.humanId))).humanId).toBe(second.humanId)
        const read = await attempt(other.read(first.humanId))
        expect(Either.isLeft(read) && read.left.message).toContain(`${first.humanId}, event 1`)
        expect(await run(other.damaged)).toEqual([
          {
            incidentId: first.humanId,
            location: expect.stringContaining(`(${first.humanId}, event 1)`),
            problem: expect.any(String),
          },
        ])
        const third = await run(other.open({ ...downInput(), dedupKey: "group-3" }))
        expect(third.created).toBe(true)
      } finally {
        await run(other.close)
      }
    } finally {
      await run(journal.close)
      await dropSchema(url, schema)
    }
  })

  it("lists from memory what it holds at the database's sequence, and the rest from the database", async () => {
    const schema = freshSchema()
    const writer = await run(openPostgresJournal({ url, schema }))
    const reader = await run(openPostgresJournal({ url, schema }))
    const fresh = <A>(use: (journal: Journal) => Promise<A>) => withFreshReader(schema, use)
    try {
      const at = new Date("2026-11-28T10:00:00Z")
      const opened = []
      for (const index of [0, 1, 2, 3])
        opened.push(
          (
            await run(
              writer.open({
                ...downInput(),
                at: new Date(at.getTime() + index * 60_000),
                dedupKey: `group-${index}`,
              }),
            )
          ).incident,
        )
      const [kept, moved, resolved, unread] = opened as [
        IncidentRecord,
        IncidentRecord,
        IncidentRecord,
        IncidentRecord,
      ]
      // The reader holds three of them; then the writer moves two of those on.
      for (const incident of [kept, moved, resolved]) await run(reader.read(incident.humanId))
      const later = new Date(at.getTime() + 600_000)
      await run(
        writer.append(moved.humanId, [{ type: "acknowledged", at: later, by: "bob" }], {
          expectedSequence: 1,
        }),
      )
      await run(
        writer.append(resolved.humanId, [
          { type: "mitigated", at: later, summary: "rolled back" },
          { type: "resolved", at: later, resolution: "rolled back" },
        ]),
      )
      const added = (await run(writer.open({ ...downInput(), dedupKey: "group-new" }))).incident
      for (const filter of [
        {},
        { status: ["open", "acknowledged", "mitigated"] as const },
        { status: "open" as const },
        { limit: 2 },
      ]) {
        const listed = await run(reader.list(filter))
        expect(listed).toEqual(await fresh((other) => run(other.list(filter))))
      }
      const active = await run(reader.list({ status: ["open", "acknowledged", "mitigated"] }))
      expect(active.map((summary) => summary.humanId).sort()).toEqual(
        [added.humanId, unread.humanId, moved.humanId, kept.humanId].sort(),
      )
      expect(active.find((summary) => summary.humanId === moved.humanId)).toMatchObject({
        status: "acknowledged",
        sequence: 2,
      })
      // A damaged row of an incident in progress the reader does not hold up to date is found.
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      await client.query(
        `UPDATE ${schema}.incident_events SET body = '{"type":"opened","severity":"P9"}'
         WHERE incident_id = $1`,
        [unread.id],
      )
      await client.end()
      expect((await run(reader.damaged)).map((damage) => damage.incidentId)).toEqual([
        unread.humanId,
      ])
      expect(await run(reader.damaged)).toEqual(await fresh((other) => run(other.damaged)))
    } finally {
      await run(writer.close)
      await run(reader.close)
      await dropSchema(url, schema)
    }
  })

  it("keeps what it lists in view with the rows written since its last look, a transaction in flight then included", async () =>
    withJournals(async ({ schema, journal, other, statements, watch }) => {
      const active = { status: ["open", "acknowledged", "mitigated"] as const }
      const recent = { status: "resolved" as const, openedAfter: new Date(Date.now() - 86_400_000) }
      const fresh = <A>(use: (reader: Journal) => Promise<A>) => withFreshReader(schema, use)
      const openedAt = (minutes: number) => new Date(Date.now() - 3_600_000 + minutes * 60_000)
      const [a, b, c] = (await Promise.all(
        [0, 1, 2].map(
          async (index) =>
            (
              await run(
                journal.open({ ...downInput(), at: openedAt(index), dedupKey: `view-${index}` }),
              )
            ).incident,
        ),
      )) as [IncidentRecord, IncidentRecord, IncidentRecord]
      await run(other.append(a.humanId, [{ type: "acknowledged", at: openedAt(5), by: "bob" }]))
      // The first list of a process that holds incidents builds its view.
      const first = await run(journal.list(active))
      expect(first.map((summary) => [summary.humanId, summary.status])).toEqual([
        [c.humanId, "open"],
        [b.humanId, "open"],
        [a.humanId, "acknowledged"],
      ])
      // Another session acknowledges b by hand (a's event, copied) and has not committed when a
      // later transaction, another process's open, commits.
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query("BEGIN")
        await client.query(
          `INSERT INTO ${schema}.incident_events (incident_id, seq, type, at, body)
           SELECT $1, 2, type, at, body FROM ${schema}.incident_events
           WHERE incident_id = $2 AND seq = 2`,
          [b.id, a.id],
        )
        await client.query(
          `UPDATE ${schema}.incidents SET sequence = 2, status = 'acknowledged' WHERE id = $1`,
          [b.id],
        )
        const d = (await run(other.open({ ...downInput(), at: openedAt(10), dedupKey: "view-3" })))
          .incident
        const second = await run(journal.list(active))
        expect(second.map((summary) => [summary.humanId, summary.status])).toEqual([
          [d.humanId, "open"],
          [c.humanId, "open"],
          [b.humanId, "open"],
          [a.humanId, "acknowledged"],
        ])
        await client.query("COMMIT")
      } finally {
        await client.end()
      }
      // The acknowledgement committed after the open it started before: the next list has it.
      // It asks for the ids and sequences of the rows written since, then for the one row it
      // does not hold at its sequence.
      const stop = watch()
      const third = await run(journal.list(active))
      stop()
      expect(statements).toHaveLength(2)
      expect(statements[0]).toMatch(/SELECT id, sequence FROM .* WHERE changed >= \$1::xid8/)
      expect(statements[1]).toMatch(/WHERE id = ANY/)
      expect(third.find((summary) => summary.humanId === b.humanId)).toMatchObject({
        status: "acknowledged",
        sequence: 2,
      })
      statements.length = 0
      const again = watch()
      expect(await run(journal.list(active))).toEqual(third)
      again()
      expect(statements).toHaveLength(1)
      await run(
        other.append(c.humanId, [
          { type: "mitigated", at: openedAt(20), summary: "rolled back" },
          { type: "resolved", at: openedAt(21), resolution: "rolled back" },
        ]),
      )
      for (const filter of [active, recent, { ...active, limit: 2 }, { status: "open" as const }]) {
        const listed = await run(journal.list(filter))
        expect(listed).toEqual(await fresh((reader) => run(reader.list(filter))))
      }
      expect((await run(journal.list(recent))).map((summary) => summary.humanId)).toEqual([
        c.humanId,
      ])
      expect((await run(journal.list(active))).map((summary) => summary.humanId)).not.toContain(
        c.humanId,
      )
    }))

  it("checks the incidents in progress for damage; a resolved one's shows when it is read", async () => {
    const schema = freshSchema()
    const journal = await run(openPostgresJournal({ url, schema }))
    try {
      const at = new Date("2026-11-28T10:00:00Z")
      const done = (await run(journal.open({ ...downInput(), at }))).incident
      await run(
        journal.append(done.humanId, [
          { type: "mitigated", at, summary: "rolled back" },
          { type: "resolved", at, resolution: "rolled back" },
        ]),
      )
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      await client.query(
        `UPDATE ${schema}.incident_events SET body = '{"type":"mitigated"}'
         WHERE incident_id = $1 AND seq = 2`,
        [done.id],
      )
      await client.end()
      const other = await run(openPostgresJournal({ url, schema }))
      try {
        expect(await run(other.damaged)).toEqual([])
        const read = await attempt(other.read(done.humanId))
        expect(Either.isLeft(read) && read.left.message).toContain(`${done.humanId}, event 2`)
      } finally {
        await run(other.close)
      }
    } finally {
      await run(journal.close)
      await dropSchema(url, schema)
    }
  })

  it("serves more dispatches at once than the pool has connections, each reading inside its lock", async () => {
    // Each dispatch lock keeps a session; the work inside it needs connections too. Holders
    // taking every connection of one pool would wait on each other until the connect timeout.
    const schema = freshSchema()
    const journal = await run(
      openPostgresJournal({ url, schema, poolSize: 2, connectTimeoutMs: 3_000 }),
    )
    try {
      const incidents = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          run(journal.open({ ...downInput(), dedupKey: `group-${index}` })),
        ),
      )
      const read = await Promise.all(
        incidents.map(({ incident }) =>
          run(
            journal.withDispatchLock(
              incident.humanId,
              Effect.map(journal.read(incident.humanId), (record) => record.humanId),
            ),
          ),
        ),
      )
      expect(read).toEqual(incidents.map(({ incident }) => incident.humanId))
    } finally {
      await run(journal.close)
      await dropSchema(url, schema)
    }
  })

  it("takes the dispatch locks wanted at once in one statement and lets them go together, keeping another process out meanwhile", async () =>
    withJournals(async ({ journal, other, statements, watch }) => {
      const incidents = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          run(journal.open({ ...downInput(), dedupKey: `group-${index}` })),
        ),
      )
      let held = 0
      let letGo: () => void = () => undefined
      const released = new Promise<void>((resolve) => {
        letGo = resolve
      })
      const stop = watch()
      const holders = incidents.map(({ incident }) =>
        run(
          journal.withDispatchLock(
            incident.humanId,
            Effect.promise(async () => {
              held += 1
              await released
            }),
          ),
        ),
      )
      while (held < incidents.length) await new Promise((resolve) => setImmediate(resolve))
      const tries = statements.filter((text) => text.includes("pg_try_advisory_lock")).length
      // held: another process waits for each of them
      const busy = await Effect.runPromise(
        Effect.either(
          other.withDispatchLock(incidents[7]!.incident.humanId, Effect.succeed("never"), {
            waitMs: 150,
          }),
        ),
      )
      expect(Either.isLeft(busy) && busy.left).toMatchObject({ reason: "busy" })
      const beforeRelease = statements.length
      letGo()
      await Promise.all(holders)
      stop()
      const unlocks = statements
        .slice(beforeRelease)
        .filter((text) => text.includes("pg_advisory_unlock")).length
      // twenty locks, not twenty statements each way
      expect(tries).toBeLessThanOrEqual(2)
      expect(unlocks).toBeGreaterThanOrEqual(1)
      expect(unlocks).toBeLessThanOrEqual(2)
      // and let go: the other process takes them at once
      for (const { incident } of incidents.slice(0, 3))
        expect(
          await run(
            other.withDispatchLock(incident.humanId, Effect.succeed("free"), { waitMs: 0 }),
          ),
        ).toBe("free")
    }))

  it("frees the dispatch locks of a lock session that drops, and takes new ones on another", async () =>
    withJournals(async ({ journal, other }) => {
      const first = await run(journal.open({ ...downInput(), dedupKey: "dropped-a" }))
      const second = await run(journal.open({ ...downInput(), dedupKey: "dropped-b" }))
      let holding = false
      let letGo: () => void = () => undefined
      const released = new Promise<void>((resolve) => {
        letGo = resolve
      })
      const holder = run(
        journal.withDispatchLock(
          first.incident.humanId,
          Effect.promise(async () => {
            holding = true
            await released
            return "finished"
          }),
        ),
      )
      while (!holding) await new Promise((resolve) => setImmediate(resolve))
      // the server drops the session that holds it (a network fault, an administrator)
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      try {
        const { rows } = await admin.query(
          `SELECT pg_terminate_backend(pid) AS ended FROM pg_locks JOIN pg_stat_activity USING (pid)
           WHERE locktype = 'advisory' AND application_name = 'ir-journal-locks'`,
        )
        expect(rows).toEqual([{ ended: true }])
      } finally {
        await admin.end()
      }
      // freed with the session: another process takes it
      expect(
        await run(
          other.withDispatchLock(first.incident.humanId, Effect.succeed("taken"), {
            waitMs: 5_000,
          }),
        ),
      ).toBe("taken")
      // the holder finishes its work; letting go of a lock already gone is no error
      letGo()
      expect(await holder).toBe("finished")
      // and the journal takes locks again, on a new session
      expect(
        await run(journal.withDispatchLock(second.incident.humanId, Effect.succeed("again"))),
      ).toBe("again")
    }))

  it("creates a batch of incidents in one statement: numbered per year past 9999, each opened event naming its number", async () =>
    withJournals(async ({ schema, journal, other, statements, watch }) => {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        // The schema exists once the journal is open: start 2026's counter near the fifth digit.
        await client.query(
          `INSERT INTO ${schema}.incident_counters (year, last) VALUES (2026, 9998)`,
        )
        const stop = watch()
        // Opened together, they wait for one batch: two of 2026, one of 2027, one of 2026.
        const opens = [
          downInput({ title: "a", dedupKey: "a" }),
          downInput({ title: "b", dedupKey: "b", at: new Date("2027-01-01T00:00:05Z") }),
          downInput({ title: "c", dedupKey: "c" }),
          downInput({ title: "d", dedupKey: "d" }),
        ].map((input) => run(journal.open(input)))
        const results = await Promise.all(opens)
        stop()
        expect(results.map((result) => [result.incident.title, result.incident.humanId])).toEqual([
          ["a", "INC-2026-9999"],
          ["b", "INC-2027-0001"],
          ["c", "INC-2026-10000"],
          ["d", "INC-2026-10001"],
        ])
        // The first open goes alone; the three that waited for it go in one statement.
        const creates = statements.filter(
          (text) => text.includes("INSERT INTO") && text.includes("incident_counters"),
        )
        expect(creates).toHaveLength(2)
        expect(statements.filter((text) => /^\s*(BEGIN|COMMIT)/.test(text))).toEqual([])
        for (const result of results) {
          // What another process reads is what the opener holds, the stored body included.
          const read = await run(other.read(result.incident.humanId))
          expect(read.id).toBe(result.incident.id)
          expect(read.events).toEqual(result.incident.events)
          expect(read.state).toEqual(result.incident.state)
          const { rows } = await client.query(
            `SELECT body FROM ${schema}.incident_events WHERE incident_id = $1 AND seq = 1`,
            [result.incident.id],
          )
          expect(rows[0]?.body).toMatchObject({
            type: "opened",
            incidentId: result.incident.humanId,
          })
        }
        const { rows: counters } = await client.query(
          `SELECT year, last FROM ${schema}.incident_counters ORDER BY year`,
        )
        expect(counters).toEqual([
          { year: 2026, last: 10001 },
          { year: 2027, last: 1 },
        ])
      } finally {
        await client.end()
      }
    }))

  it("stores each event keyed by (incident, sequence) with its type, time and JSON body", async () => {
    const schema = freshSchema()
    const journal = await run(openPostgresJournal({ url, schema }))
    try {
      const { incident } = await run(journal.open(downInput()))
      await run(
        journal.append(incident.humanId, [
          { type: "acknowledged", at: new Date("2026-11-28T10:04:00Z"), by: "alice" },
        ]),
      )
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      const { rows } = await client.query(
        `SELECT seq, type, at, body FROM ${schema}.incident_events WHERE incident_id = $1 ORDER BY seq`,
        [incident.id],
      )
      await client.end()
      expect(rows).toMatchObject([
        { seq: 1, type: "opened", body: { incidentId: "INC-2026-0001", severity: "P0" } },
        {
          seq: 2,
          type: "acknowledged",
          at: new Date("2026-11-28T10:04:00Z"),
          body: { type: "acknowledged", at: "2026-11-28T10:04:00.000Z", by: "alice" },
        },
      ])
    } finally {
      await run(journal.close)
      await dropSchema(url, schema)
    }
  })

  it.skipIf(clusterScript === undefined)(
    "fails appends with a clear error when the database goes down mid-session",
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "ir-journal-pg-"))
      const port = await freePort()
      const cluster = (...args: Array<string>) => {
        const result = spawnSync("bash", [clusterScript as string, ...args], {
          encoding: "utf8",
          timeout: 60_000,
        })
        if (result.status !== 0) throw new Error(`pg-cluster.sh ${args[0]}: ${result.stderr}`)
        return result.stdout.trim()
      }
      try {
        const ownUrl = cluster("start", join(dataDir, "data"), String(port))
        const withPassword = ownUrl.replace("postgres://postgres@", "postgres://postgres:pw-123@")
        const journal = await run(
          openPostgresJournal({
            url: withPassword,
            connectTimeoutMs: 2_000,
            statementTimeoutMs: 3_000,
          }),
        )
        const { incident } = await run(journal.open(downInput()))
        cluster("stop", join(dataDir, "data"), "immediate")
        const result = await attempt(
          journal.append(incident.humanId, [
            { type: "acknowledged", at: new Date("2026-11-28T10:04:00Z"), by: "alice" },
          ]),
        )
        expect(Either.isLeft(result) && result.left).toMatchObject({
          _tag: "JournalUnavailable",
          reason: "unreachable",
          location: `postgres://postgres:***@127.0.0.1:${port}/postgres`,
        })
        expect(Either.isLeft(result) && result.left.message).not.toContain("pw-123")
        await run(journal.close)
      } finally {
        spawnSync("bash", [clusterScript as string, "stop", join(dataDir, "data"), "immediate"], {
          timeout: 60_000,
        })
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
    90_000,
  )
})

it("names the database without its password when nothing listens there", async () => {
  const port = await freePort()
  const down = `postgres://ir:s3cret-pw@127.0.0.1:${port}/ir`
  const result = await attempt(openPostgresJournal({ url: down, connectTimeoutMs: 2_000 }))
  expect(Either.isLeft(result) && result.left).toMatchObject({
    _tag: "JournalUnavailable",
    reason: "unreachable",
    location: `postgres://ir:***@127.0.0.1:${port}/ir`,
  })
  const message = Either.isLeft(result) ? result.left.message : ""
  expect(message).toContain(`postgres://ir:***@127.0.0.1:${port}/ir`)
  expect(message).toContain("ECONNREFUSED")
  expect(message).not.toContain("s3cret-pw")
  expect(message).not.toMatch(/\n\s+at /)
})

it("gives up on a server that accepts but never answers, within the connect timeout", async () => {
  const sockets: Array<Socket> = []
  const silent = createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
  const address = silent.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  try {
    const started = Date.now()
    const result = await attempt(
      openPostgresJournal({ url: `postgres://ir:pw@127.0.0.1:${port}/ir`, connectTimeoutMs: 500 }),
    )
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(Either.isLeft(result) && result.left).toMatchObject({
      _tag: "JournalUnavailable",
      reason: "unreachable",
      location: `postgres://ir:***@127.0.0.1:${port}/ir`,
    })
    expect(Either.isLeft(result) && result.left.message).toMatch(/timeout/i)
  } finally {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => silent.close(resolve))
  }
})
