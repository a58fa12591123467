// The backup probes against real directories in a temporary folder; `postgres.backup`'s archiver
// half against a port nothing listens on (the integration test has the real PostgreSQL).
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Redacted from "effect/Redacted"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DiagnosticsConfig, probesFor, runProbes } from "../src/index.js"
import { globPattern } from "../src/internal/BackupListing.js"
import { expectVocabulary, only, refusedPort, signalValue } from "./peers.js"

let root: string
const hours = (count: number) => new Date(Date.now() - count * 3600 * 1000)

const write = async (path: string, content: string, modified: Date) => {
  await mkdir(join(path, ".."), { recursive: true })
  await writeFile(path, content)
  await utimes(path, modified, modified)
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ir-diag-backups-"))
  // A nightly dump directory: three dated dumps, a log next to them, a dump in progress.
  await write(join(root, "nightly/anomaly_db-2026-11-26.dump"), "PGDMP old", hours(50))
  await write(join(root, "nightly/anomaly_db-2026-11-27.dump"), "PGDMP older", hours(27))
  await write(join(root, "nightly/anomaly_db-2026-11-28.dump"), "PGDMP newest!", hours(3))
  await write(join(root, "nightly/backup.log"), "done", hours(1))
  await write(join(root, "nightly/.anomaly_db-2026-11-29.dump.partial"), "PGD", hours(0))
  // Base backups: one directory each, its age that of its newest file.
  await write(join(root, "base/2026-11-25/base.tar.gz"), "x".repeat(100), hours(80))
  await write(join(root, "base/2026-11-25/backup_manifest"), "{}", hours(79))
  await write(join(root, "base/2026-11-27/base.tar.gz"), "y".repeat(300), hours(30))
  await write(join(root, "base/2026-11-27/pg_wal.tar.gz"), "w".repeat(20), hours(29))
  await mkdir(join(root, "empty"), { recursive: true })
  await write(join(root, "zero/exports-2026-11-28.csv.gz"), "", hours(2))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const backups = (entries: NonNullable<NonNullable<DiagnosticsConfig["files"]>["backups"]>) =>
  ({ files: { backups: entries } }) satisfies DiagnosticsConfig

describe("files.backups", () => {
  it("is not run unless a backup directory is configured", () => {
    expect(probesFor({ files: { data: { raw: root } } }).skipped).toContainEqual({
      id: "files.backups",
      reason: "not configured (needs files.backups (at least one directory))",
    })
    expect(probesFor(backups({ nightly: join(root, "nightly") })).configured).toContainEqual({
      id: "files.backups",
      target: join(root, "nightly"),
    })
  })

  it("grades the newest dump by age, and picks the dumps out with a pattern", async () => {
    const result = only(
      await runProbes(backups({ nightly: { dir: join(root, "nightly"), match: "*.dump" } }), {
        probes: ["files.backups"],
      }),
    )
    expect(result.status).toBe("ok")
    expect(signalValue(result, "backups.nightly.count")).toBe(3)
    expect(signalValue(result, "backups.nightly.newest_bytes")).toBe("PGDMP newest!".length)
    const age = signalValue(result, "backups.nightly.newest_age_seconds") as number
    expect(age).toBeGreaterThan(3 * 3600 - 60)
    expect(age).toBeLessThan(3 * 3600 + 60)
    expect(signalValue(result, "backups.stale_count")).toBe(0)
    expect(result.observations.find((o) => o.name === "nightly.newest_age")).toMatchObject({
      warn: 93600,
      critical: 180000,
    })
    expect(result.summary).toBe(
      "nightly: 3 backups, newest anomaly_db-2026-11-28.dump 3h 0m old, 13 B",
    )
    expect(result.details?.nightly).toMatchObject({ count: 3, ignored: 2 })
    expectVocabulary([result])
  })

  it("takes every entry but dotfiles without a pattern", async () => {
    const result = only(
      await runProbes(backups({ nightly: join(root, "nightly") }), { probes: ["files.backups"] }),
    )
    expect(signalValue(result, "backups.nightly.count")).toBe(4)
    expect(result.summary).toContain("newest backup.log 1h 0m old")
  })

  it("counts a base-backup directory as one backup, as old as its newest file", async () => {
    const result = only(
      await runProbes(backups({ base: join(root, "base") }), { probes: ["files.backups"] }),
    )
    expect(result.status).toBe("warn") // 29 h: past the 26 h warning, short of 50 h
    expect(signalValue(result, "backups.base.count")).toBe(2)
    expect(signalValue(result, "backups.base.newest_bytes")).toBe(320)
    expect(signalValue(result, "backups.base.newest_age_seconds") as number).toBeGreaterThan(
      29 * 3600 - 60,
    )
    expect(signalValue(result, "backups.stale_count")).toBe(1)
    expect(result.details?.base).toMatchObject({
      count: 2,
      totalBytes: 422,
      newest: { name: "2026-11-27", kind: "directory", bytes: 320 },
    })
  })

  it("reports a missing, an empty and a zero-byte directory clearly, each critical", async () => {
    const result = only(
      await runProbes(
        backups({
          nightly: join(root, "nightly"),
          gone: join(root, "no-such-dir"),
          empty: join(root, "empty"),
          zero: join(root, "zero"),
        }),
        { probes: ["files.backups"] },
      ),
    )
    expect(result.status).toBe("critical")
    expect(result.cause).toBeUndefined()
    expect(signalValue(result, "backups.gone.exists")).toBe(false)
    expect(signalValue(result, "backups.empty.exists")).toBe(true)
    expect(signalValue(result, "backups.empty.count")).toBe(0)
    expect(signalValue(result, "backups.empty.newest_age_seconds")).toBeUndefined()
    expect(signalValue(result, "backups.zero.newest_bytes")).toBe(0)
    expect(signalValue(result, "backups.stale_count")).toBe(3)
    expect(result.summary).toContain(`gone (${join(root, "no-such-dir")}) does not exist`)
    expect(result.summary).toContain(`empty: no backups in ${join(root, "empty")}`)
    expect(result.summary).toContain("zero: 1 backup, newest exports-2026-11-28.csv.gz")
    expect(result.summary).toContain("(empty)")
    expectVocabulary([result])
  })

  it("grades a directory by its own threshold when one is set", async () => {
    const result = only(
      await runProbes(
        {
          ...backups({ nightly: { dir: join(root, "nightly"), match: "*.dump" } }),
          thresholds: { "backups.nightly.age_seconds": { warn: 3600, critical: 2 * 3600 } },
        },
        { probes: ["files.backups"] },
      ),
    )
    expect(result.status).toBe("critical")
    expect(signalValue(result, "backups.stale_count")).toBe(1)
  })
})

describe("postgres.backup without a PostgreSQL to ask", () => {
  it("still reports the backup directory, and says it cannot tell about WAL archiving", async () => {
    const port = await refusedPort()
    const result = only(
      await runProbes(
        {
          postgres: {
            url: Redacted.make(`postgres://backup:pw-not-shown@127.0.0.1:${port}/anomaly_db`),
            backups: { dir: join(root, "nightly"), match: "*.dump" },
          },
          timeouts: { default: "2s" },
        },
        { probes: ["postgres.backup"] },
      ),
    )
    expect(result.status).toBe("unknown")
    expect(signalValue(result, "postgres.backup.count")).toBe(3)
    expect(signalValue(result, "postgres.backup.newest_bytes")).toBe(13)
    expect(signalValue(result, "postgres.wal_archive.enabled")).toBeUndefined()
    expect(result.cause?.reason).toBe("connection-refused")
    expect(result.summary).toContain("3 backups, newest anomaly_db-2026-11-28.dump 3h 0m old")
    expect(result.summary).toContain("WAL archiving unknown")
    expect(result.target).toBe(
      `${join(root, "nightly")}, postgres://backup:***@127.0.0.1:${port}/anomaly_db`,
    )
    expect(JSON.stringify(result)).not.toContain("pw-not-shown")
  })

  it("is critical for a missing backup directory", async () => {
    const port = await refusedPort()
    const result = only(
      await runProbes(
        {
          postgres: {
            url: Redacted.make(`postgres://backup@127.0.0.1:${port}/anomaly_db`),
            backups: { dir: join(root, "no-such-dir") },
          },
          timeouts: { default: "2s" },
        },
        { probes: ["postgres.backup"] },
      ),
    )
    expect(result.status).toBe("critical")
    expect(signalValue(result, "postgres.backup.count")).toBe(0)
    expect(result.summary).toContain("does not exist")
  })

  it("is not run without postgres.backups", () => {
    const selection = probesFor({ postgres: { url: Redacted.make("postgres://u@db/x") } })
    expect(selection.configured.map((probe) => probe.id)).not.toContain("postgres.backup")
  })
})

describe("globPattern", () => {
  it("matches whole names with * and ? and nothing else special", () => {
    expect(globPattern("*.dump").test("a.dump")).toBe(true)
    expect(globPattern("*.dump").test("a.dump.partial")).toBe(false)
    expect(globPattern("base-????").test("base-2026")).toBe(true)
    expect(globPattern("a+b(1).sql").test("a+b(1).sql")).toBe(true)
    expect(globPattern("a+b(1).sql").test("aab1xsql")).toBe(false)
  })
})
