// postgres.backup against real PostgreSQL 15 clusters: the shared one (WAL archiving off, as
// initdb leaves it) and one of this test's own with archive_mode on, whose archive_command first
// fails and then works.
import { execFile } from "node:child_process"
import { chown, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import * as Redacted from "effect/Redacted"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DiagnosticsConfig, runProbes } from "../src/index.js"
import { expectVocabulary, only, refusedPort, signalValue } from "./peers.js"
import { requireService } from "./requireService.js"

const pgUrl = requireService("IR_TEST_PG_URL")
const clusterScript = requireService("IR_TEST_PG_CLUSTER_SCRIPT")
const run = promisify(execFile)

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ir-diag-pgbackup-"))
  await mkdir(join(root, "dumps"))
  const dump = join(root, "dumps/anomaly_db.dump")
  await writeFile(dump, "PGDMP…")
  const modified = new Date(Date.now() - 2 * 3600 * 1000)
  await utimes(dump, modified, modified)
})

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

const config = (
  url: string,
  backups: NonNullable<DiagnosticsConfig["postgres"]>["backups"],
): DiagnosticsConfig => ({
  postgres: { url: Redacted.make(url), backups },
  timeouts: { default: "5s" },
})

const query = async <Row extends object>(url: string, sql: string): Promise<Array<Row>> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql)).rows as Array<Row>
  } finally {
    await client.end()
  }
}

/** Polls `pg_stat_archiver` until `done` holds (bounded): the archiver works in the background. */
const archiverUntil = async (
  url: string,
  done: (row: { archived_count: string; failed_count: string; caught_up: boolean }) => boolean,
) => {
  const until = Date.now() + 30_000
  for (;;) {
    const [row] = await query<{ archived_count: string; failed_count: string; caught_up: boolean }>(
      url,
      `SELECT archived_count, failed_count,
              coalesce(last_archived_time > coalesce(last_failed_time, '-infinity'), false) AS caught_up
         FROM pg_stat_archiver`,
    )
    if (row !== undefined && done(row)) return row
    if (Date.now() > until)
      throw new Error(`pg_stat_archiver never got there: ${JSON.stringify(row)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe.skipIf(pgUrl === undefined)(
  "postgres.backup on a cluster that does not archive WAL",
  () => {
    it("reports the newest dump and that WAL archiving is off, which is fine unless required", async () => {
      const result = only(
        await runProbes(config(pgUrl!, { dir: join(root, "dumps") }), {
          probes: ["postgres.backup"],
        }),
      )
      expect(result.status).toBe("ok")
      expect(signalValue(result, "postgres.backup.count")).toBe(1)
      expect(signalValue(result, "postgres.wal_archive.enabled")).toBe(false)
      expect(signalValue(result, "postgres.wal_archive.failing")).toBe(false)
      expect(signalValue(result, "postgres.wal_archive.failed_count")).toBe(0)
      expect(signalValue(result, "postgres.wal_archive.last_archived_age_seconds")).toBeUndefined()
      expect(result.summary).toContain("1 backup, newest anomaly_db.dump 2h 0m old")
      expect(result.summary).toContain("WAL archiving off (archive_mode off)")
      expect(result.details?.walArchiving).toMatchObject({
        archiveMode: "off",
        enabled: false,
        archivedCount: 0,
        lastArchivedWal: null,
      })
      expectVocabulary([result])

      const required = only(
        await runProbes(config(pgUrl!, { walArchiving: true }), { probes: ["postgres.backup"] }),
      )
      expect(required.status).toBe("critical")
      expect(required.summary).toBe("WAL archiving off (archive_mode off), but required")
      expect(signalValue(required, "postgres.backup.count")).toBeUndefined()
    })
  },
)

describe.skipIf(pgUrl === undefined || clusterScript === undefined)(
  "postgres.backup on a cluster with archive_mode on",
  () => {
    let dir: string
    let url: string
    let archive: string

    beforeAll(async () => {
      dir = join(root, "cluster")
      archive = join(root, "wal-archive")
      const port = await refusedPort()
      const start = async () =>
        (
          await run(clusterScript!, ["start", join(dir, "data"), String(port)], {
            timeout: 60_000,
          })
        ).stdout.trim()
      url = await start()
      // archive_mode takes a restart; the command fails until the test makes it work.
      await query(url, "ALTER SYSTEM SET archive_mode = on")
      await query(url, "ALTER SYSTEM SET archive_command = 'false'")
      await run(clusterScript!, ["stop", join(dir, "data")], { timeout: 30_000 })
      url = await start()
      await mkdir(archive)
      const { stdout } = await run("id", ["-u", "postgres"])
      const { stdout: group } = await run("id", ["-g", "postgres"])
      await chown(archive, Number(stdout.trim()), Number(group.trim()))
    }, 120_000)

    afterAll(async () => {
      if (dir !== undefined)
        await run(clusterScript!, ["stop", join(dir, "data"), "immediate"], {
          timeout: 30_000,
        }).catch(() => undefined)
    }, 40_000)

    it("is critical while archive_command fails, and ok once it archives again", async () => {
      await query(url, "CREATE TABLE readings (id int); INSERT INTO readings VALUES (1)")
      await query(url, "SELECT pg_switch_wal()")
      await archiverUntil(url, (row) => Number(row.failed_count) > 0)

      const failing = only(
        await runProbes(config(url, { dir: join(root, "dumps") }), {
          probes: ["postgres.backup"],
        }),
      )
      expect(failing.status).toBe("critical")
      expect(signalValue(failing, "postgres.wal_archive.enabled")).toBe(true)
      expect(signalValue(failing, "postgres.wal_archive.failing")).toBe(true)
      expect(signalValue(failing, "postgres.wal_archive.failed_count") as number).toBeGreaterThan(0)
      expect(failing.summary).toMatch(
        /WAL archiving failing: [0-9A-F]{24} failed .* ago, nothing archived yet \(\d+ failures?\)/,
      )
      expect(failing.details?.walArchiving).toMatchObject({
        archiveMode: "on",
        enabled: true,
        failing: true,
        lastArchivedTime: null,
      })
      expectVocabulary([failing])

      await query(url, `ALTER SYSTEM SET archive_command = 'cp %p ${archive}/%f'`)
      await query(url, "SELECT pg_reload_conf()")
      await query(url, "INSERT INTO readings VALUES (2)")
      await query(url, "SELECT pg_switch_wal()")
      await archiverUntil(url, (row) => row.caught_up)

      const working = only(
        await runProbes(config(url, { dir: join(root, "dumps") }), {
          probes: ["postgres.backup"],
        }),
      )
      expect(working.status).toBe("ok")
      expect(signalValue(working, "postgres.wal_archive.failing")).toBe(false)
      // The earlier failures stay counted; what matters is that a success came after them.
      expect(signalValue(working, "postgres.wal_archive.failed_count") as number).toBeGreaterThan(0)
      const age = signalValue(working, "postgres.wal_archive.last_archived_age_seconds") as number
      expect(age).toBeGreaterThanOrEqual(0)
      expect(age).toBeLessThan(60)
      expect(working.summary).toMatch(/WAL archiving on, last archived [0-9A-F]{24} .* ago/)
      const archived = await readdir(archive)
      expect(archived.length).toBeGreaterThan(0)
      const walArchiving = working.details?.walArchiving as { lastArchivedWal: string } | undefined
      expect(walArchiving?.lastArchivedWal).toBe(archived.sort().at(-1))

      // A limit on the archiver's silence grades it when the configuration sets one.
      const strict = only(
        await runProbes(
          {
            ...config(url, {}),
            thresholds: { "postgres.wal_archive.age_seconds": { warn: 0, critical: 3600 } },
          },
          { probes: ["postgres.backup"] },
        ),
      )
      expect(strict.status).toBe("warn")
      expect(strict.summary).toContain("WAL archiving stalled")
    }, 90_000)
  },
)
