// `ir action restore-check` against a real PostgreSQL 15 with a real dump the test makes with
// `pg_dump -Fc`: the dry run creates nothing, `--yes` restores, checks and drops, and the
// incident's journal records each as an action.
import { execFile } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type CliRun, ir, json, tempDir } from "./harness.js"
import { requireService } from "./requireService.js"

const pgUrl = requireService("IR_TEST_PG_URL")
const pgBin = requireService("IR_TEST_PG_BIN")
const ready = pgUrl !== undefined && pgBin !== undefined
const run = promisify(execFile)
const database = `ir_cli_restore_${process.pid}`
const password = "cli-restore-pw-9"

const sql = async (on: string, text: string) => {
  const target = new URL(pgUrl!)
  target.pathname = `/${on}`
  const client = new pg.Client({ connectionString: target.toString() })
  await client.connect()
  try {
    return (await client.query(text)).rows as Array<Record<string, unknown>>
  } finally {
    await client.end()
  }
}

interface ShownIncident {
  readonly incident: {
    readonly actions: ReadonlyArray<{
      readonly action: string
      readonly target?: string
      readonly dryRun: boolean
      readonly outcome: string
      readonly by: string
      readonly detail: string
    }>
  }
}

describe.skipIf(!ready)("ir action restore-check", () => {
  const dir = tempDir("ir-cli-restore-")
  const cli = (argv: ReadonlyArray<string>): Promise<CliRun> =>
    ir(argv, { cwd: dir.path, env: { USER: "dana" } })
  const configure = (tables: ReadonlyArray<Record<string, unknown>>) =>
    writeFileSync(
      join(dir.path, "ir.config.yaml"),
      stringify({
        targets: {
          postgres: {
            url: pgUrl!.replace("postgres://postgres@", `postgres://postgres:${password}@`),
            backups: {
              dir: "backups",
              restoreCheck: { pgRestore: join(pgBin!, "pg_restore"), tables },
            },
          },
          prometheus: false,
          files: false,
          docker: false,
        },
        journal: { dir: "journal" },
      }),
    )

  beforeAll(async () => {
    mkdirSync(join(dir.path, "backups"))
    await sql("postgres", `DROP DATABASE IF EXISTS ${database}`)
    await sql("postgres", `CREATE DATABASE ${database}`)
    await sql(
      database,
      `CREATE TABLE predictions (id serial PRIMARY KEY, created_at timestamptz NOT NULL);
       INSERT INTO predictions (created_at)
         SELECT now() - interval '90 minutes' - g * interval '1 second' FROM generate_series(1, 500) AS g;`,
    )
    await run(join(pgBin!, "pg_dump"), [
      "-Fc",
      "-f",
      join(dir.path, "backups", "anomaly_db.dump"),
      `${pgUrl!.replace(/\/[^/]*$/, "")}/${database}`,
    ])
    configure([{ table: "predictions", newest: "created_at", minRows: 100 }])
  }, 60_000)

  afterAll(async () => {
    if (ready) await sql("postgres", `DROP DATABASE IF EXISTS ${database}`).catch(() => undefined)
    dir.remove()
  })

  it("plans, then restores with --yes, and records both on the incident", async () => {
    const opened = await cli(["incident", "open", "--severity", "P2", "--title", "Backups stale"])
    expect(opened.code, opened.stderr).toBe(0)

    const dry = await cli(["action", "restore-check"])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/dry run\s+would restore anomaly_db\.dump/)
    expect(dry.stdout).toContain("run it again with --yes")

    const done = await cli(["action", "restore-check", "--yes", "--json"])
    expect(done.code, done.stderr).toBe(0)
    const report = json<{
      incident: string
      recorded: { action: string; outcome: string; dryRun: boolean }
      result: {
        outcome: string
        dropped: boolean
        restoreSeconds: number
        dataAgeSeconds: number
        tables: ReadonlyArray<{ table: string; rows: number; ok: boolean }>
      }
    }>(done)
    expect(report.incident).toBe("INC-2026-0001")
    expect(report.recorded).toMatchObject({
      action: "postgres.restore-check",
      outcome: "succeeded",
      dryRun: false,
    })
    expect(report.result).toMatchObject({
      outcome: "restored",
      dropped: true,
      tables: [{ table: "predictions", rows: 500, ok: true }],
    })
    expect(report.result.restoreSeconds).toBeGreaterThan(0)
    expect(report.result.dataAgeSeconds).toBeGreaterThan(90 * 60 - 60)
    expect(report.result.dataAgeSeconds).toBeLessThan(90 * 60 + 120)
    expect(done.stdout).not.toContain(password)

    const shown = json<ShownIncident>(await cli(["incident", "show", "--json"]))
    expect(shown.incident.actions).toMatchObject([
      {
        action: "postgres.restore-check",
        target: "anomaly_db.dump",
        dryRun: true,
        outcome: "planned",
        by: "dana",
      },
      {
        action: "postgres.restore-check",
        target: "anomaly_db.dump",
        dryRun: false,
        outcome: "succeeded",
        by: "dana",
      },
    ])
    expect(shown.incident.actions[1]?.detail).toMatch(
      /^restored anomaly_db\.dump .*; predictions 500 rows, newest 1h 3\dm old; data 1h 3\dm old; scratch database dropped$/,
    )
    const left = await sql(
      "postgres",
      "SELECT datname FROM pg_database WHERE datname LIKE 'ir_restore_check_%'",
    )
    expect(left).toEqual([])
  }, 60_000)

  it("records a failed sanity check as failed and exits 1", async () => {
    configure([{ table: "predictions", minRows: 100_000 }])
    const failed = await cli(["action", "restore-check", "--yes"])
    expect(failed.code).toBe(1)
    expect(failed.stdout).toMatch(/failed\s+restored, but the sanity checks failed/)
    expect(failed.stdout).toContain("500 rows, fewer than 100000")
    expect(failed.stdout).toMatch(/Recorded on INC-2026-0001 as failed/)
    const shown = json<ShownIncident>(await cli(["incident", "show", "--json"]))
    expect(shown.incident.actions.at(-1)).toMatchObject({ dryRun: false, outcome: "failed" })
  }, 60_000)
})
