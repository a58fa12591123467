// The restore check against a real PostgreSQL 15, with a real dump: the test fills a database,
// dumps it with `pg_dump -Fc`, and restores it into scratch databases that must be gone after.
import { execFile } from "node:child_process"
import { chmod, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import * as Redacted from "effect/Redacted"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DiagnosticsConfig, restoreCheck } from "../src/index.js"
import { requireService } from "./requireService.js"

const pgUrl = requireService("IR_TEST_PG_URL")
const pgBin = requireService("IR_TEST_PG_BIN")
const run = promisify(execFile)

const source = `ir_restore_src_${process.pid}`
let root: string
let dumps: string
/** The shared cluster's URL with a password trust authentication ignores, so it must never show. */
let url: string
const password = "s3cret-restore-pw"

const sql = async <Row extends object>(database: string, text: string) => {
  const target = new URL(pgUrl!)
  target.pathname = `/${database}`
  const client = new pg.Client({ connectionString: target.toString() })
  await client.connect()
  try {
    return (await client.query(text)).rows as Array<Row>
  } finally {
    await client.end()
  }
}

const scratchDatabases = async () =>
  (
    await sql<{ datname: string }>(
      "postgres",
      "SELECT datname FROM pg_database WHERE datname LIKE 'ir_restore_check_%'",
    )
  ).map((row) => row.datname)

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600 * 1000)

beforeAll(async () => {
  if (pgUrl === undefined || pgBin === undefined) return
  root = await mkdtemp(join(tmpdir(), "ir-restore-check-"))
  dumps = join(root, "dumps")
  await mkdir(dumps)
  url = pgUrl.replace("postgres://postgres@", `postgres://postgres:${password}@`)
  await sql("postgres", `DROP DATABASE IF EXISTS ${source}`)
  await sql("postgres", `CREATE DATABASE ${source}`)
  await sql(
    source,
    `CREATE TABLE sensor_readings (id serial PRIMARY KEY, recorded_at timestamptz NOT NULL, temperature float8);
     INSERT INTO sensor_readings (recorded_at, temperature)
       SELECT now() - interval '3 hours' - g * interval '1 minute', 20 + g % 7 FROM generate_series(0, 1439) AS g;
     CREATE SCHEMA ml;
     CREATE TABLE ml.anomalies (id int PRIMARY KEY, detected_at timestamp);
     INSERT INTO ml.anomalies VALUES (1, now() - interval '5 hours'), (2, now() - interval '4 hours');
     CREATE TABLE empty_table (id int);`,
  )
  const dump = join(dumps, "anomaly_db-2026-11-28.dump")
  await run(join(pgBin, "pg_dump"), [
    "-Fc",
    "-f",
    dump,
    `${pgUrl.replace(/\/[^/]*$/, "")}/${source}`,
  ])
  await utimes(dump, hoursAgo(2), hoursAgo(2))
  // Older dumps and files that are not custom-format dumps are passed over.
  await writeFile(join(dumps, "anomaly_db-2026-11-27.dump"), "PGDMP but older")
  await utimes(join(dumps, "anomaly_db-2026-11-27.dump"), hoursAgo(26), hoursAgo(26))
  await writeFile(join(dumps, "notes.sql"), "-- plain SQL, not for pg_restore\n")
}, 60_000)

afterAll(async () => {
  if (pgUrl === undefined) return
  await sql("postgres", `DROP DATABASE IF EXISTS ${source}`).catch(() => undefined)
  if (root !== undefined) await rm(root, { recursive: true, force: true })
})

const config = (
  restoreCheckSettings: NonNullable<
    NonNullable<NonNullable<DiagnosticsConfig["postgres"]>["backups"]>["restoreCheck"]
  > = {},
  dir = dumps,
): DiagnosticsConfig => ({
  postgres: {
    url: Redacted.make(url),
    backups: {
      dir,
      restoreCheck: { pgRestore: join(pgBin!, "pg_restore"), ...restoreCheckSettings },
    },
  },
})

/** A pg_restore stand-in that records its arguments and PGPASSWORD, then runs the real one. */
const recordingPgRestore = async (then: string) => {
  const script = join(root, `pg_restore-${Math.random().toString(36).slice(2)}.sh`)
  await writeFile(
    script,
    `#!/bin/sh\nprintf '%s\\n' "$@" >> "${script}.args"\nprintf '%s' "$PGPASSWORD" > "${script}.pw"\n${then}\n`,
  )
  await chmod(script, 0o755)
  return script
}

describe.skipIf(pgUrl === undefined || pgBin === undefined)(
  "restore check against a real PostgreSQL 15",
  () => {
    it("plans without creating anything", async () => {
      const result = await restoreCheck(config(), { confirm: false })
      expect(result.outcome).toBe("dry-run")
      expect(result.performed).toBe(false)
      expect(result.backup?.name).toBe("anomaly_db-2026-11-28.dump")
      expect(result.pgRestore?.version).toMatch(/^pg_restore \(PostgreSQL\) 15\./)
      expect(result.summary).toMatch(
        /^would restore anomaly_db-2026-11-28\.dump \(.* KiB, 2h 0m old\) into a scratch database on postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres with pg_restore \(PostgreSQL\) 15\.\d+.*, count the rows of every restored table, and drop it; confirm to do it$/,
      )
      expect(result.scratchDatabase).toBeUndefined()
      expect(await scratchDatabases()).toEqual([])
    })

    it("restores the newest dump, runs the sanity queries, reports ages and drops the copy", async () => {
      const pgRestore = await recordingPgRestore(`exec "${join(pgBin!, "pg_restore")}" "$@"`)
      const result = await restoreCheck(
        config({
          pgRestore,
          tables: [
            { table: "sensor_readings", newest: "recorded_at", minRows: 1000 },
            { table: "ml.anomalies", newest: "detected_at" },
            { table: "empty_table" },
          ],
        }),
        { confirm: true },
      )
      expect(result.outcome).toBe("restored")
      expect(result.performed).toBe(true)
      expect(result.dropped).toBe(true)
      expect(result.scratchDatabase).toMatch(/^ir_restore_check_\d{14}_[0-9a-f]{6}$/)
      expect(result.restoreSeconds).toBeGreaterThan(0)
      expect(result.tables).toEqual([
        expect.objectContaining({ table: "sensor_readings", rows: 1440, ok: true }),
        expect.objectContaining({ table: "ml.anomalies", rows: 2, ok: true }),
        { table: "empty_table", rows: 0, ok: true },
      ])
      const readings = result.tables[0]!
      expect(readings.newestAgeSeconds).toBeGreaterThan(3 * 3600 - 120)
      expect(readings.newestAgeSeconds).toBeLessThan(3 * 3600 + 120)
      // The data's age is that of the newest row anywhere: the readings, 3 hours.
      expect(result.dataAgeSeconds).toBe(readings.newestAgeSeconds)
      expect(result.summary).toMatch(
        /^restored anomaly_db-2026-11-28\.dump \(.*, 2h 0m old\) in .*; sensor_readings 1440 rows, newest 3h 0m old; ml\.anomalies 2 rows, newest 4h 0m old; empty_table 0 rows; data 3h 0m old; scratch database dropped$/,
      )
      expect(await scratchDatabases()).toEqual([])
      // The password went by the environment, never on pg_restore's command line or in the result.
      const args = await readFile(`${pgRestore}.args`, "utf8")
      expect(args).toContain(`--dbname=postgres://postgres@127.0.0.1:`)
      expect(args).toContain(result.scratchDatabase!)
      expect(args).not.toContain(password)
      expect(await readFile(`${pgRestore}.pw`, "utf8")).toBe(password)
      expect(JSON.stringify(result)).not.toContain(password)
    }, 60_000)

    it("counts every restored table, by schema, when no sanity queries are configured", async () => {
      const result = await restoreCheck(config(), { confirm: true })
      expect(result.outcome).toBe("restored")
      expect(result.tables.map((table) => [table.table, table.rows])).toEqual([
        ["ml.anomalies", 2],
        ["empty_table", 0],
        ["sensor_readings", 1440],
      ])
      expect(result.dataAgeSeconds).toBeUndefined()
      expect(await scratchDatabases()).toEqual([])
    }, 60_000)

    it("fails a sanity check on a missing table or too few rows, and still drops the copy", async () => {
      const result = await restoreCheck(
        config({
          tables: [{ table: "sensor_readings", minRows: 5000 }, { table: "no_such_table" }],
        }),
        { confirm: true },
      )
      expect(result.outcome).toBe("failed")
      expect(result.tables).toEqual([
        { table: "sensor_readings", rows: 1440, ok: false, problem: "1440 rows, fewer than 5000" },
        expect.objectContaining({ table: "no_such_table", ok: false }),
      ])
      expect(result.tables[1]?.problem).toContain('relation "no_such_table" does not exist')
      expect(result.dropped).toBe(true)
      expect(result.summary).toMatch(/^restored, but the sanity checks failed:/)
      expect(await scratchDatabases()).toEqual([])
    }, 60_000)

    it("reports pg_restore's error for a damaged dump and drops the half-restored copy", async () => {
      const damaged = join(root, "damaged")
      await mkdir(damaged)
      const good = await readFile(join(dumps, "anomaly_db-2026-11-28.dump"))
      await writeFile(
        join(damaged, "anomaly_db.dump"),
        good.subarray(0, Math.floor(good.length / 2)),
      )
      const result = await restoreCheck(config({}, damaged), { confirm: true })
      expect(result.outcome).toBe("failed")
      expect(result.performed).toBe(true)
      expect(result.dropped).toBe(true)
      expect(result.restoreErrors?.length).toBeGreaterThan(0)
      expect(result.summary).toMatch(
        /^restore of anomaly_db\.dump .* failed after .*: pg_restore: error: /,
      )
      expect(await scratchDatabases()).toEqual([])
    }, 60_000)

    it("stops pg_restore at the timeout and drops the scratch database", async () => {
      const hanging = await recordingPgRestore(
        `case "$1" in --version) exec "${join(pgBin!, "pg_restore")}" --version;; esac\nexec sleep 30`,
      )
      const started = Date.now()
      const result = await restoreCheck(config({ pgRestore: hanging, timeout: "2s" }), {
        confirm: true,
      })
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(result.outcome).toBe("failed")
      expect(result.cause?.reason).toBe("timeout")
      expect(result.summary).toContain("did not finish within 2 s")
      expect(result.dropped).toBe(true)
      expect(await scratchDatabases()).toEqual([])
    }, 30_000)

    it("works for a role with CREATEDB only, and refuses (in the dry run) a role without it", async () => {
      const role = `ir_restorer_${process.pid}`
      const plain = `ir_reader_${process.pid}`
      await sql("postgres", `CREATE ROLE ${role} LOGIN CREATEDB PASSWORD 'restorer-pw'`)
      await sql("postgres", `CREATE ROLE ${plain} LOGIN PASSWORD 'reader-pw'`)
      const as = (name: string, secret: string): DiagnosticsConfig => {
        const base = config({ tables: [{ table: "sensor_readings", newest: "recorded_at" }] })
        return {
          ...base,
          postgres: {
            ...base.postgres!,
            url: Redacted.make(
              pgUrl!.replace("postgres://postgres@", `postgres://${name}:${secret}@`),
            ),
          },
        }
      }
      try {
        const restored = await restoreCheck(as(role, "restorer-pw"), { confirm: true })
        expect(restored.outcome, restored.summary).toBe("restored")
        expect(restored.tables[0]).toMatchObject({ table: "sensor_readings", rows: 1440, ok: true })
        expect(restored.dropped).toBe(true)
        const refused = await restoreCheck(as(plain, "reader-pw"), { confirm: false })
        expect(refused.outcome).toBe("failed")
        expect(refused.summary).toContain("the role may not create databases (it needs CREATEDB)")
        expect(await scratchDatabases()).toEqual([])
      } finally {
        await sql("postgres", `DROP ROLE IF EXISTS ${role}`)
        await sql("postgres", `DROP ROLE IF EXISTS ${plain}`)
      }
    }, 60_000)

    it("says so when pg_restore is not there, or there is no custom-format dump", async () => {
      const missing = await restoreCheck(config({ pgRestore: join(root, "no-pg_restore") }), {
        confirm: true,
      })
      expect(missing.outcome).toBe("failed")
      expect(missing.performed).toBe(false)
      expect(missing.summary).toContain("no-pg_restore not found")
      const plain = join(root, "plain")
      await mkdir(plain)
      await writeFile(join(plain, "dump.sql"), "-- plain\n")
      const none = await restoreCheck(config({}, plain), { confirm: true })
      expect(none.outcome).toBe("no-backup")
      expect(none.summary).toBe(
        `no pg_dump custom-format backup in ${plain} (1 other entry): nothing to restore`,
      )
      expect(await scratchDatabases()).toEqual([])
    })
  },
)
