/**
 * The backup probes: `postgres.backup` (the newest backup in the team's PostgreSQL backup
 * directory, and PostgreSQL's own WAL archiving from `pg_stat_archiver`) and `files.backups` (any
 * directory of dated backups). The runbook's `backup_recovery.sh` starts from these questions: is
 * there a recent backup, and is WAL still being archived?
 *
 * A backup is an entry at the top level of its directory: a file (`pg_dump` output, a tarball) or
 * a directory (a base backup, a directory-format dump: its age is that of its newest file, its
 * size their sum). Names starting with a dot are work in progress and left out; `match` (a shell
 * pattern such as `*.dump`) picks the backups out of a directory that holds other files too.
 *
 * @example
 * ```ts
 * import { runProbes } from "@ir/diagnostics"
 * import * as Redacted from "effect/Redacted"
 * const run = await runProbes(
 *   {
 *     postgres: {
 *       url: Redacted.make("postgres://monitor:secret@db:5432/anomaly_db"),
 *       backups: { dir: "/var/backups/postgres", match: "*.dump" },
 *     },
 *     files: { backups: { exports: "/var/backups/exports" } },
 *   },
 *   { probes: ["postgres.backup", "files.backups"] },
 * )
 * ```
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type { BackupDirectory, DiagnosticsConfig } from "./DiagnosticsConfig.js"
import { type BackupListing, listBackups } from "./internal/BackupListing.js"
import { promised } from "./internal/Cancellation.js"
import { failureOf, type ProbeFailure } from "./internal/ProbeFailure.js"
import {
  Findings,
  formatBytes,
  formatSeconds,
  graded,
  levelsOf,
  type ProbeContext,
  type ProbeImplementation,
  precise,
  signal,
} from "./internal/ProbeKit.js"
import { redactUrl } from "./internal/Redaction.js"
import type { ProbeCause } from "./ProbeResult.js"

const errorCode = (error: unknown) => (error as { code?: unknown } | undefined)?.code

/** Whether a listing failed because the directory is not there (as opposed to unreadable). */
const isMissing = (failure: ProbeFailure) =>
  errorCode(failure.cause) === "ENOENT" || errorCode(failure.cause) === "ENOTDIR"

const list = (dir: string, match: string | undefined) =>
  promised(
    (cancellation) => listBackups(dir, { match, cancellation }),
    (error) => failureOf(error, `backup directory ${dir}`, "permission"),
  )

const age = (context: ProbeContext, modifiedMs: number) =>
  Math.max(0, (context.now().getTime() - modifiedMs) / 1000)

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`

/** What the summary says of a listing's newest backup. */
const describeNewest = (listing: BackupListing, ageSeconds: number) => {
  const newest = listing.backups[0]!
  return `${plural(listing.backups.length, "backup")}, newest ${newest.name} ${formatSeconds(ageSeconds)} old, ${formatBytes(newest.bytes)}`
}

const newestDetails = (listing: BackupListing) => {
  const newest = listing.backups[0]
  return {
    count: listing.backups.length,
    totalBytes: listing.totalBytes,
    ...(listing.ignored > 0 ? { ignored: listing.ignored } : {}),
    ...(listing.truncated ? { truncated: true } : {}),
    ...(newest === undefined
      ? {}
      : {
          newest: {
            name: newest.name,
            kind: newest.kind,
            bytes: newest.bytes,
            modified: new Date(newest.modifiedMs).toISOString(),
          },
        }),
  }
}

interface ArchiverRow {
  readonly archive_mode: string
  readonly in_recovery: boolean
  readonly archived_count: string
  readonly last_archived_wal: string | null
  readonly last_archived_time: Date | null
  readonly last_archived_age: number | null
  readonly failed_count: string
  readonly last_failed_wal: string | null
  readonly last_failed_time: Date | null
  readonly last_failed_age: number | null
  readonly stats_reset: Date | null
}

/** `pg_stat_archiver`, with ages measured on the server's clock (as the times were written). */
const archiverQuery = `SELECT current_setting('archive_mode') AS archive_mode,
        pg_is_in_recovery() AS in_recovery,
        archived_count, last_archived_wal, last_archived_time,
        EXTRACT(EPOCH FROM clock_timestamp() - last_archived_time)::float8 AS last_archived_age,
        failed_count, last_failed_wal, last_failed_time,
        EXTRACT(EPOCH FROM clock_timestamp() - last_failed_time)::float8 AS last_failed_age,
        stats_reset
   FROM pg_stat_archiver`

const iso = (time: Date | null) => (time === null ? null : time.toISOString())

/** The archiver's part of `postgres.backup`, added to `findings`; the cause when it cannot tell. */
const archiving = (
  context: ProbeContext,
  findings: Findings,
  required: boolean,
): Effect.Effect<ProbeCause | undefined> =>
  context.postgres.pipe(
    Effect.flatMap((session) => session.query<ArchiverRow>(archiverQuery)),
    Effect.either,
    Effect.map((rows) => {
      if (Either.isLeft(rows) || rows.right[0] === undefined) {
        const message = Either.isLeft(rows)
          ? rows.left.message
          : "PostgreSQL returned no row from pg_stat_archiver"
        findings.add("unknown", `WAL archiving unknown: ${message}`)
        return { reason: Either.isLeft(rows) ? rows.left.reason : "bad-response", message }
      }
      const row = rows.right[0]
      // archive_mode `on` archives on a primary only; `always` on a standby too.
      const enabled =
        row.archive_mode === "always" || (row.archive_mode === "on" && !row.in_recovery)
      const failedCount = Number(row.failed_count)
      const archivedCount = Number(row.archived_count)
      const failing =
        enabled &&
        row.last_failed_time !== null &&
        (row.last_archived_time === null || row.last_failed_time > row.last_archived_time)
      findings.signals.push(
        signal("postgres.wal_archive.enabled", enabled),
        signal("postgres.wal_archive.failing", failing),
        signal("postgres.wal_archive.failed_count", failedCount),
      )
      findings.observations.push(
        { name: "archived_wal", value: archivedCount, min: 0 },
        { name: "failed_wal", value: failedCount, min: 0 },
      )
      findings.details.walArchiving = {
        archiveMode: row.archive_mode,
        inRecovery: row.in_recovery,
        enabled,
        failing,
        archivedCount,
        lastArchivedWal: row.last_archived_wal,
        lastArchivedTime: iso(row.last_archived_time),
        failedCount,
        lastFailedWal: row.last_failed_wal,
        lastFailedTime: iso(row.last_failed_time),
        statsReset: iso(row.stats_reset),
      }
      if (!enabled) {
        const why =
          row.archive_mode === "on"
            ? "WAL archiving not active on this standby (archive_mode on, not always)"
            : `WAL archiving off (archive_mode ${row.archive_mode})`
        findings.add(required ? "critical" : "ok", required ? `${why}, but required` : why)
        return undefined
      }
      const lastArchived =
        row.last_archived_time === null
          ? "nothing archived yet"
          : `last archived ${row.last_archived_wal} ${formatSeconds(row.last_archived_age ?? 0)} ago`
      if (row.last_archived_age !== null) {
        const measurement = {
          name: "last_archived_age",
          value: precise(Math.max(0, row.last_archived_age), 3),
          unit: "s",
          min: 0,
        }
        findings.signals.push(
          signal("postgres.wal_archive.last_archived_age_seconds", measurement.value),
        )
        // A quiet database switches WAL files rarely: graded only when the runbook sets a limit.
        const levels = levelsOf(context, "postgres.wal_archive.age_seconds")
        if (levels.warn === undefined && levels.critical === undefined) {
          findings.observations.push(measurement)
        } else {
          const grade = graded(context, "postgres.wal_archive.age_seconds", measurement)
          findings.observations.push(grade.measurement)
          if (grade.status !== "ok") {
            findings.add(grade.status, `WAL archiving stalled: ${lastArchived}`)
            return undefined
          }
        }
      }
      if (failing) {
        findings.add(
          "critical",
          `WAL archiving failing: ${row.last_failed_wal} failed ${formatSeconds(row.last_failed_age ?? 0)} ago, ${lastArchived} (${plural(failedCount, "failure")})`,
        )
        return undefined
      }
      findings.add("ok", `WAL archiving on, ${lastArchived}`)
      return undefined
    }),
  )

const postgresTarget = (config: DiagnosticsConfig) => {
  const postgres = config.postgres
  if (postgres?.backups === undefined) return undefined
  const url = redactUrl(Redacted.value(postgres.url))
  return postgres.backups.dir === undefined ? url : `${postgres.backups.dir}, ${url}`
}

/**
 * `postgres.backup`: the newest backup in `postgres.backups.dir` (age, size, count) and WAL
 * archiving from `pg_stat_archiver` (a failure newer than the last success is critical).
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["postgres.backup"] })
 * ```
 */
export const postgresBackupProbe: ProbeImplementation = {
  id: "postgres.backup",
  target: postgresTarget,
  requires: "postgres.backups (with postgres.url)",
  options: [
    {
      path: "postgres.backups.dir",
      description:
        "The directory of `pg_dump` files or base backups (each top-level file or directory is one backup). Without it only WAL archiving is checked.",
    },
    {
      path: "postgres.backups.match",
      description: "A shell pattern (`*.dump`) that picks the backups out of the directory.",
      default: "every entry not starting with a dot",
    },
    {
      path: "postgres.backups.walArchiving",
      description: "WAL archiving must be on: when `archive_mode` is off the probe is critical.",
      default: "false (archiving off is reported, not graded)",
    },
  ],
  measurements: [
    {
      name: "newest_backup_age",
      unit: "s",
      description:
        "Age of the newest backup (modification time; of its newest file for a directory).",
      threshold: "postgres.backup.age_seconds",
    },
    {
      name: "newest_backup_size",
      unit: "B",
      description: "Size of the newest backup; an empty one is critical.",
    },
    { name: "backups", description: "Backups in the directory; none is critical." },
    {
      name: "archived_wal",
      description: "`pg_stat_archiver.archived_count`: WAL files archived since the last reset.",
    },
    {
      name: "failed_wal",
      description:
        "`pg_stat_archiver.failed_count`; a failure newer than the last success is critical.",
    },
    {
      name: "last_archived_age",
      unit: "s",
      description: "Time since the last WAL file was archived.",
      threshold: "postgres.wal_archive.age_seconds (if the runbook defines it)",
    },
  ],
  thresholds: ["postgres.backup.age_seconds", "postgres.wal_archive.age_seconds"],
  unknownWhen:
    "the backup directory cannot be read (permission) or PostgreSQL does not answer (the other half is still reported)",
  run: (context) =>
    Effect.gen(function* () {
      const backups = context.config.postgres!.backups!
      const findings = new Findings()
      let cause: ProbeCause | undefined
      const dir = backups.dir
      const listing = dir === undefined ? undefined : yield* Effect.either(list(dir, backups.match))
      // The directory and the archiver are independent: a failure of one leaves the other.
      const archiver = archiving(context, findings, backups.walArchiving === true)
      if (dir !== undefined && listing !== undefined) {
        if (Either.isLeft(listing)) {
          if (isMissing(listing.left)) {
            findings.add("critical", `backup directory ${dir} does not exist`)
            findings.signals.push(signal("postgres.backup.count", 0))
            findings.details.backups = { dir, exists: false }
          } else {
            findings.add("unknown", listing.left.message)
            cause = { reason: listing.left.reason, message: listing.left.message }
          }
        } else {
          const found = listing.right
          findings.details.backups = { dir, exists: true, ...newestDetails(found) }
          findings.signals.push(signal("postgres.backup.count", found.backups.length))
          findings.observations.push({ name: "backups", value: found.backups.length, min: 0 })
          const newest = found.backups[0]
          if (newest === undefined) {
            findings.add("critical", `no backups in ${dir}`)
          } else {
            const ageSeconds = age(context, newest.modifiedMs)
            const grade = graded(context, "postgres.backup.age_seconds", {
              name: "newest_backup_age",
              value: precise(ageSeconds, 3),
              unit: "s",
              min: 0,
            })
            findings.observations.push(grade.measurement, {
              name: "newest_backup_size",
              value: newest.bytes,
              unit: "B",
              min: 0,
            })
            findings.signals.push(
              signal("postgres.backup.newest_age_seconds", grade.measurement.value),
              signal("postgres.backup.newest_bytes", newest.bytes),
            )
            const status = newest.bytes === 0 ? "critical" : grade.status
            findings.add(
              status,
              `${dir}: ${describeNewest(found, ageSeconds)}${newest.bytes === 0 ? " (empty)" : ""}`,
            )
          }
        }
      }
      cause ??= yield* archiver
      return { ...findings.report(), ...(cause === undefined ? {} : { cause }) }
    }),
}

const directoryOf = (entry: BackupDirectory) =>
  typeof entry === "string" ? { dir: entry, match: undefined } : entry

/** A directory's name as it appears inside a signal key. */
const nameKey = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, "_")

/**
 * `files.backups`: each backup directory's count, newest backup's age and size. A missing or
 * empty directory is critical; so is a newest backup of zero bytes.
 *
 * @example
 * ```ts
 * runProbes({ files: { backups: { exports: "/var/backups/exports" } } }, { probes: ["files.backups"] })
 * ```
 */
export const backupDirectoriesProbe: ProbeImplementation = {
  id: "files.backups",
  target: (config) => {
    const dirs = Object.values(config.files?.backups ?? {})
    return dirs.length === 0 ? undefined : dirs.map((entry) => directoryOf(entry).dir).join(", ")
  },
  requires: "files.backups (at least one directory)",
  options: [
    {
      path: "files.backups",
      description:
        "Backup directories by name: a path, or `{ dir, match }` with a shell pattern (`*.tar.gz`) that picks the backups out. The name is the `<name>` of the signals and of the threshold `backups.<name>.age_seconds`.",
    },
  ],
  measurements: [
    { name: "<name>.backups", description: "Backups in the directory (top-level entries)." },
    {
      name: "<name>.newest_age",
      unit: "s",
      description: "Age of the newest backup.",
      threshold: "backups.<name>.age_seconds when set, else backups.age_seconds",
    },
    { name: "<name>.newest_size", unit: "B", description: "Size of the newest backup." },
  ],
  thresholds: ["backups.age_seconds"],
  unknownWhen: "a directory cannot be read (permission)",
  run: (context) =>
    Effect.gen(function* () {
      const dirs = Object.entries(context.config.files?.backups ?? {}).map(
        ([name, entry]) => [name, directoryOf(entry)] as const,
      )
      const listings = yield* Effect.forEach(
        dirs,
        ([name, { dir, match }]) =>
          Effect.map(Effect.either(list(dir, match)), (listing) => ({ name, dir, listing })),
        { concurrency: "unbounded" },
      )
      const findings = new Findings()
      let stale = 0
      let cause: ProbeCause | undefined
      for (const { name, dir, listing } of listings) {
        const key = nameKey(name)
        if (Either.isLeft(listing)) {
          const missing = isMissing(listing.left)
          findings.signals.push(signal(`backups.${key}.exists`, false))
          findings.details[name] = { dir, exists: false }
          if (missing) {
            stale += 1
            findings.add("critical", `${name} (${dir}) does not exist`)
          } else {
            findings.add("unknown", listing.left.message)
            cause ??= { reason: listing.left.reason, message: listing.left.message }
          }
          continue
        }
        const found = listing.right
        findings.signals.push(
          signal(`backups.${key}.exists`, true),
          signal(`backups.${key}.count`, found.backups.length),
        )
        findings.observations.push({ name: `${key}.backups`, value: found.backups.length, min: 0 })
        findings.details[name] = { dir, exists: true, ...newestDetails(found) }
        const newest = found.backups[0]
        if (newest === undefined) {
          stale += 1
          findings.add("critical", `${name}: no backups in ${dir}`)
          continue
        }
        const ageSeconds = age(context, newest.modifiedMs)
        // A directory's own threshold when the runbook or the configuration sets one.
        const own = `backups.${key}.age_seconds`
        const ownLevels = levelsOf(context, own)
        const threshold =
          ownLevels.warn === undefined && ownLevels.critical === undefined
            ? "backups.age_seconds"
            : own
        const grade = graded(context, threshold, {
          name: `${key}.newest_age`,
          value: precise(ageSeconds, 3),
          unit: "s",
          min: 0,
        })
        findings.observations.push(grade.measurement, {
          name: `${key}.newest_size`,
          value: newest.bytes,
          unit: "B",
          min: 0,
        })
        findings.signals.push(
          signal(`backups.${key}.newest_age_seconds`, grade.measurement.value),
          signal(`backups.${key}.newest_bytes`, newest.bytes),
        )
        const status = newest.bytes === 0 ? "critical" : grade.status
        if (status !== "ok") stale += 1
        findings.add(
          status,
          `${name}: ${describeNewest(found, ageSeconds)}${newest.bytes === 0 ? " (empty)" : ""}`,
        )
      }
      // Directories the probe could not read are neither fresh nor stale.
      findings.signals.push(signal("backups.stale_count", stale))
      return { ...findings.report(), ...(cause === undefined ? {} : { cause }) }
    }),
}
