/**
 * The runbook's `backup_recovery.sh`, made safe to rehearse: restore the newest `pg_dump`
 * custom-format backup of `postgres.backups.dir` into a scratch database, run the sanity queries
 * (row counts, the newest row per table), report how long the restore took and how old the
 * restored data is, and drop the scratch database, whatever happened. Without `confirm: true`
 * nothing is created: the result says what would be restored, where, with which `pg_restore`.
 * Journaling the action is the caller's job (`@ir/journal`).
 *
 * The restore runs the `pg_restore` program: no maintained JavaScript library reads the custom
 * format (a compressed, TOC-driven archive whose restore order, dependencies and COPY streams are
 * defined by `pg_restore` itself). It runs with an argument array and no shell, under a timeout;
 * the password goes to it in `PGPASSWORD`, never on its command line, and everything it prints is
 * scrubbed of the configuration's secrets before it is shown.
 *
 * @example
 * ```ts
 * import { restoreCheck } from "@ir/diagnostics"
 * const plan = await restoreCheck(config, { confirm: false })
 * console.log(plan.summary) // "would restore anomaly_db-2026-11-28.dump (…) into a scratch database …"
 * const done = await restoreCheck(config, { confirm: true })
 * done.outcome // "restored" | "failed" | "no-backup"
 * ```
 */
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { promises as fs } from "node:fs"
import { Duration } from "@ir/core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Pg from "pg"
import type { DiagnosticsConfig, RestoreCheckTable } from "./DiagnosticsConfig.js"
import { configSecrets } from "./DiagnosticsConfig.js"
import { type Backup, listBackups } from "./internal/BackupListing.js"
import { Cancellation } from "./internal/Cancellation.js"
import { loadPg } from "./internal/PostgresSession.js"
import { failureOf, messageOf, ProbeFailure } from "./internal/ProbeFailure.js"
import { formatBytes, formatSeconds } from "./internal/ProbeKit.js"
import { makeScrubber, redactText, redactUrl } from "./internal/Redaction.js"
import { ProbeCause } from "./ProbeResult.js"

/**
 * The backup a restore check picked.
 *
 * @example
 * ```ts
 * result.backup?.name // "anomaly_db-2026-11-28.dump"
 * ```
 */
export const RestoredBackup = Schema.Struct({
  name: Schema.String,
  path: Schema.String,
  bytes: Schema.Number,
  /** Its modification time, ISO 8601. */
  modified: Schema.String,
  ageSeconds: Schema.Number,
})
export type RestoredBackup = typeof RestoredBackup.Type

/**
 * One sanity query on the restored copy: a table's rows and, where asked, its newest row.
 *
 * @example
 * ```ts
 * const table: TableCheck = { table: "sensor_readings", rows: 1440, newest: "2026-11-28T02:00:00.000Z", newestAgeSeconds: 10800, ok: true }
 * ```
 */
export const TableCheck = Schema.Struct({
  table: Schema.String,
  rows: Schema.optional(Schema.Number),
  /** The newest value of the configured timestamp column, ISO 8601 (`null` when the table is empty). */
  newest: Schema.optional(Schema.NullOr(Schema.String)),
  newestAgeSeconds: Schema.optional(Schema.Number),
  ok: Schema.Boolean,
  /** Why the table fails the check: missing, fewer rows than `minRows`, a query error. */
  problem: Schema.optional(Schema.String),
})
export type TableCheck = typeof TableCheck.Type

/**
 * The result of {@link restoreCheck}: a value, never an exception.
 *
 * @example
 * ```ts
 * const result = await restoreCheck(config, { confirm: true })
 * result.restoreSeconds // 2.4
 * result.dataAgeSeconds // 10800: the newest restored row is 3 hours old
 * result.dropped // true
 * ```
 */
export const RestoreCheckResult = Schema.Struct({
  action: Schema.Literal("postgres.restore-check"),
  /** The server restored into, redacted. */
  target: Schema.optional(Schema.String),
  confirmed: Schema.Boolean,
  /** Whether a scratch database was created. */
  performed: Schema.Boolean,
  outcome: Schema.Literal("dry-run", "restored", "failed", "no-backup"),
  summary: Schema.String,
  backup: Schema.optional(RestoredBackup),
  /** The `pg_restore` program and its version line. */
  pgRestore: Schema.optional(Schema.Struct({ program: Schema.String, version: Schema.String })),
  scratchDatabase: Schema.optional(Schema.String),
  /** Seconds `pg_restore` took. */
  restoreSeconds: Schema.optional(Schema.Number),
  /** `pg_restore`'s error lines (scrubbed), when it reported any. */
  restoreErrors: Schema.optional(Schema.Array(Schema.String)),
  tables: Schema.Array(TableCheck),
  /** Age of the newest row over the tables with a `newest` column: how much data a restore loses. */
  dataAgeSeconds: Schema.optional(Schema.Number),
  /** Whether the scratch database was dropped again (only when one was created). */
  dropped: Schema.optional(Schema.Boolean),
  durationMs: Schema.Number,
  cause: Schema.optional(ProbeCause),
})
export type RestoreCheckResult = typeof RestoreCheckResult.Type

/**
 * How to run a restore check: nothing is created without `confirm: true`.
 *
 * @example
 * ```ts
 * await restoreCheck(config, { confirm: true, now: () => new Date() })
 * ```
 */
export interface RestoreCheckOptions {
  /** Nothing is created unless this is `true`. */
  readonly confirm: boolean
  /** The clock for ages (tests pass their own). */
  readonly now?: () => Date
}

/** The custom format's magic: every `pg_dump -Fc` file starts with it. */
const customFormatMagic = "PGDMP"

const isCustomFormat = async (path: string): Promise<boolean> => {
  const handle = await fs.open(path, "r").catch(() => undefined)
  if (handle === undefined) return false
  try {
    const buffer = Buffer.alloc(customFormatMagic.length)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return bytesRead === buffer.length && buffer.toString("latin1") === customFormatMagic
  } finally {
    await handle.close()
  }
}

/** `"public.readings"` → `"public"."readings"`; a name without a schema stays unqualified. */
const quoteTable = (table: string): string =>
  table
    .split(".")
    .slice(0, 2)
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join(".")

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`

/** The URL with another database (for pg, inside this process). */
const onDatabase = (url: string, database: string): string => {
  const parsed = new URL(url)
  parsed.pathname = `/${encodeURIComponent(database)}`
  return parsed.toString()
}

/**
 * The URL with another database and without its password, for `pg_restore`'s command line; the
 * password goes by `PGPASSWORD`, which other users cannot read as they can read a command line.
 */
const forPgRestore = (url: string, database: string): { url: string; password?: string } => {
  const parsed = new URL(onDatabase(url, database))
  const password = parsed.password === "" ? undefined : decodeURIComponent(parsed.password)
  parsed.password = ""
  return password === undefined ? { url: parsed.toString() } : { url: parsed.toString(), password }
}

/** A scratch database's name: recognisably ours, dated, and unique. */
const scratchName = (now: Date) =>
  `ir_restore_check_${now
    .toISOString()
    .replace(/[-:T]/g, "")
    .slice(0, 14)}_${randomBytes(3).toString("hex")}`

/** Output kept of a child process: enough for its errors, bounded. */
const maxOutput = 64 * 1024

interface ProgramRun {
  readonly exitCode: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs a program with an argument array (no shell), its environment given, killed when the
 * effect is interrupted (its timeout). Fails only when the program cannot be started.
 */
const runProgram = (
  program: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>,
): Effect.Effect<ProgramRun, ProbeFailure> =>
  Effect.async<ProgramRun, ProbeFailure>((resume) => {
    const child = spawn(program, [...args], {
      shell: false,
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < maxOutput) stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < maxOutput) stderr += chunk
    })
    child.on("error", (error) =>
      resume(
        Effect.fail(
          new ProbeFailure({
            reason: (error as { code?: unknown }).code === "ENOENT" ? "not-configured" : "internal",
            message:
              (error as { code?: unknown }).code === "ENOENT"
                ? `${program} not found: install the PostgreSQL client, or set postgres.backups.restoreCheck.pgRestore`
                : `${program} could not be started: ${error.message}`,
            cause: error,
          }),
        ),
      ),
    )
    child.on("close", (exitCode, signal) =>
      resume(Effect.succeed({ exitCode, signal, stdout, stderr })),
    )
    return Effect.sync(() => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM")
        // pg_restore stops at SIGTERM; a program that does not is killed.
        setTimeout(() => child.kill("SIGKILL"), 2000).unref()
      }
    })
  })

/** A client on `url`, ended when the scope closes. */
const client = (url: string, timeoutMs: number, what: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const pg = await loadPg()
        const connection = new pg.Client({
          connectionString: url,
          application_name: "ir-restore-check",
          connectionTimeoutMillis: Math.min(timeoutMs, 15_000),
        })
        connection.on("error", () => undefined)
        await connection.connect()
        return connection
      },
      catch: (error) => failureOf(error, what, "protocol"),
    }),
    (connection) =>
      Effect.promise(() => connection.end().catch(() => undefined)).pipe(
        Effect.timeout("2 seconds"),
        Effect.ignore,
      ),
  )

const query = <Row extends object>(
  connection: Pg.Client,
  sql: string,
  what: string,
  params: ReadonlyArray<unknown> = [],
) =>
  Effect.tryPromise({
    try: async () => (await connection.query(sql, [...params])).rows as Array<Row>,
    catch: (error) => failureOf(error, what, "query-failed"),
  })

/** Drops the scratch database, closing whatever pg_restore left connected to it. */
const dropDatabase = (connection: Pg.Client, name: string, what: string) =>
  query(connection, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`, what).pipe(
    // WITH (FORCE) is PostgreSQL 13+; older servers drop once nobody is connected.
    Effect.catchAll((failure) =>
      (failure.cause as { code?: unknown } | undefined)?.code === "42601"
        ? query(connection, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`, what)
        : Effect.fail(failure),
    ),
    Effect.timeout("30 seconds"),
    Effect.as(true),
    Effect.catchAll(() => Effect.succeed(false)),
  )

const userTables = `SELECT schemaname, tablename FROM pg_catalog.pg_tables
   WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2 LIMIT 50`

/** The sanity queries on the restored copy. */
const sanityChecks = (
  connection: Pg.Client,
  configured: ReadonlyArray<RestoreCheckTable> | undefined,
  now: Date,
  what: string,
): Effect.Effect<ReadonlyArray<TableCheck>, ProbeFailure> =>
  Effect.gen(function* () {
    const tables: ReadonlyArray<RestoreCheckTable> =
      configured ??
      (yield* query<{ schemaname: string; tablename: string }>(connection, userTables, what)).map(
        (row) => ({
          table: row.schemaname === "public" ? row.tablename : `${row.schemaname}.${row.tablename}`,
        }),
      )
    return yield* Effect.forEach(tables, (table) =>
      query<{ rows: number; newest?: Date | null }>(
        connection,
        `SELECT count(*)::float8 AS rows${
          table.newest === undefined
            ? ""
            : `, max(${quoteIdentifier(table.newest)})::timestamptz AS newest`
        } FROM ${quoteTable(table.table)}`,
        what,
      ).pipe(
        Effect.map(([row]): TableCheck => {
          const rows = row?.rows ?? 0
          const newest = row?.newest ?? null
          const tooFew = table.minRows !== undefined && rows < table.minRows
          return {
            table: table.table,
            rows,
            ...(table.newest === undefined
              ? {}
              : {
                  newest: newest === null ? null : newest.toISOString(),
                  ...(newest === null
                    ? {}
                    : {
                        newestAgeSeconds: Math.round(
                          Math.max(0, now.getTime() - newest.getTime()) / 1000,
                        ),
                      }),
                }),
            ok: !tooFew,
            ...(tooFew ? { problem: `${rows} rows, fewer than ${table.minRows}` } : {}),
          }
        }),
        Effect.catchAll((failure) =>
          Effect.succeed<TableCheck>({
            table: table.table,
            ok: false,
            problem: failure.message.replace(`${what}: `, ""),
          }),
        ),
      ),
    )
  })

const describeTable = (table: TableCheck) =>
  table.ok === false
    ? `${table.table}: ${table.problem ?? "failed"}`
    : `${table.table} ${table.rows} row${table.rows === 1 ? "" : "s"}${
        table.newestAgeSeconds === undefined
          ? table.newest === null
            ? ", no newest row"
            : ""
          : `, newest ${formatSeconds(table.newestAgeSeconds)} old`
      }`

/** pg_restore's own error lines, the first few. */
const errorLines = (stderr: string): ReadonlyArray<string> =>
  stderr
    .split(/\r?\n/)
    .filter((line) => /error|fatal|could not|unsupported|invalid/i.test(line))
    .slice(0, 10)

/**
 * Runs a restore check as an Effect that never fails: see {@link restoreCheck}.
 *
 * @example
 * ```ts
 * import { restoreCheckEffect } from "@ir/diagnostics"
 * import * as Effect from "effect/Effect"
 * const result = await Effect.runPromise(restoreCheckEffect(config, { confirm: false }))
 * ```
 */
export const restoreCheckEffect = (
  config: DiagnosticsConfig,
  options: RestoreCheckOptions,
): Effect.Effect<RestoreCheckResult> => {
  const started = performance.now()
  const now = options.now ?? (() => new Date())
  const scrub = (text: string) => redactText(makeScrubber(configSecrets(config))(text))
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000
  const base = { action: "postgres.restore-check" as const, confirmed: options.confirm }
  const postgres = config.postgres
  const backups = postgres?.backups
  const settings = backups?.restoreCheck
  const timeoutMs = Duration.toMillis(settings?.timeout ?? "30m")
  const program = settings?.pgRestore ?? "pg_restore"
  let scratchDatabase: string | undefined
  let dropped: boolean | undefined
  let performed = false

  const check = Effect.gen(function* () {
    if (postgres === undefined || backups?.dir === undefined)
      return yield* Effect.fail(
        new ProbeFailure({
          reason: "not-configured",
          message: "no backup directory is configured: set postgres.url and postgres.backups.dir",
        }),
      )
    const url = Redacted.value(postgres.url)
    const target = redactUrl(url)
    const what = `PostgreSQL at ${target}`
    const dir = backups.dir
    const listing = yield* Effect.tryPromise({
      try: () => listBackups(dir, { match: backups.match, cancellation: new Cancellation() }),
      catch: (error) => failureOf(error, `backup directory ${dir}`, "permission"),
    })
    // The newest custom-format dump: base backups, plain SQL and other files are not pg_restore's.
    let chosen: Backup | undefined
    for (const backup of listing.backups) {
      const custom =
        backup.kind === "file" &&
        (yield* Effect.promise(() => isCustomFormat(backup.path).catch(() => false)))
      if (custom) {
        chosen = backup
        break
      }
    }
    if (chosen === undefined)
      return {
        ...base,
        target,
        performed: false,
        outcome: "no-backup" as const,
        summary: `no pg_dump custom-format backup in ${dir} (${listing.backups.length} other entr${listing.backups.length === 1 ? "y" : "ies"}): nothing to restore`,
        tables: [],
        durationMs: elapsed(),
      }
    const backup: RestoredBackup = {
      name: chosen.name,
      path: chosen.path,
      bytes: chosen.bytes,
      modified: new Date(chosen.modifiedMs).toISOString(),
      ageSeconds: Math.round(Math.max(0, now().getTime() - chosen.modifiedMs) / 1000),
    }
    const described = `${backup.name} (${formatBytes(backup.bytes)}, ${formatSeconds(backup.ageSeconds)} old)`
    const versionRun = yield* runProgram(program, ["--version"], process.env).pipe(
      Effect.timeout("10 seconds"),
      Effect.mapError((failure) =>
        failure instanceof ProbeFailure
          ? failure
          : new ProbeFailure({ reason: "timeout", message: `${program} --version did not answer` }),
      ),
    )
    const pgRestore = { program, version: versionRun.stdout.trim().split("\n")[0] ?? "" }
    const admin = yield* client(url, timeoutMs, what)
    const [role] = yield* query<{ can_create: boolean }>(
      admin,
      "SELECT rolcreatedb OR rolsuper AS can_create FROM pg_catalog.pg_roles WHERE rolname = current_user",
      what,
    )
    if (role?.can_create !== true)
      return yield* Effect.fail(
        new ProbeFailure({
          reason: "auth",
          message: `${what}: the role may not create databases (it needs CREATEDB) for the scratch database`,
        }),
      )
    const queries = settings?.tables?.length ?? 0
    if (!options.confirm)
      return {
        ...base,
        target,
        performed: false,
        outcome: "dry-run" as const,
        summary: `would restore ${described} into a scratch database on ${target} with ${pgRestore.version || program}, ${
          queries === 0
            ? "count the rows of every restored table"
            : `run ${queries} sanity quer${queries === 1 ? "y" : "ies"}`
        }, and drop it; confirm to do it`,
        backup,
        pgRestore,
        tables: [],
        durationMs: elapsed(),
      }

    const name = scratchName(now())
    // The scratch database goes, whatever happens after it was created (failure, timeout).
    yield* Effect.acquireRelease(
      query(admin, `CREATE DATABASE ${quoteIdentifier(name)}`, what).pipe(
        Effect.tap(() =>
          Effect.sync(() => {
            scratchDatabase = name
            performed = true
          }),
        ),
      ),
      () =>
        dropDatabase(admin, name, what).pipe(
          Effect.tap((done) => Effect.sync(() => (dropped = done))),
        ),
    )
    const scratch = forPgRestore(url, name)
    const restoreStarted = performance.now()
    const restore = yield* runProgram(
      program,
      [`--dbname=${scratch.url}`, "--no-owner", "--no-privileges", "--exit-on-error", chosen.path],
      {
        ...process.env,
        PGAPPNAME: "ir-restore-check",
        PGCONNECT_TIMEOUT: "15",
        ...(scratch.password === undefined ? {} : { PGPASSWORD: scratch.password }),
      },
    )
    const restoreSeconds = Math.round((performance.now() - restoreStarted) / 10) / 100
    if (restore.exitCode !== 0) {
      const errors = errorLines(scrub(restore.stderr))
      return {
        ...base,
        target,
        performed: true,
        outcome: "failed" as const,
        summary: `restore of ${described} failed after ${formatSeconds(restoreSeconds)}: ${
          errors[0] ??
          (restore.signal === null
            ? `exit code ${restore.exitCode}`
            : `killed by ${restore.signal}`)
        }`,
        backup,
        pgRestore,
        scratchDatabase: name,
        restoreSeconds,
        restoreErrors: errors,
        tables: [],
        durationMs: elapsed(),
      }
    }
    const tables = yield* Effect.scoped(
      Effect.flatMap(client(onDatabase(url, name), timeoutMs, what), (restored) =>
        sanityChecks(restored, settings?.tables, now(), what),
      ),
    )
    const ages = tables.flatMap((table) =>
      table.newestAgeSeconds === undefined ? [] : [table.newestAgeSeconds],
    )
    const dataAgeSeconds = ages.length === 0 ? undefined : Math.min(...ages)
    const failing = tables.filter((table) => !table.ok)
    const noTables = tables.length === 0
    return {
      ...base,
      target,
      performed: true,
      outcome: failing.length === 0 && !noTables ? ("restored" as const) : ("failed" as const),
      summary: `${failing.length === 0 && !noTables ? "restored" : "restored, but the sanity checks failed:"} ${described} in ${formatSeconds(restoreSeconds)}; ${
        noTables ? "no tables restored" : tables.map(describeTable).join("; ")
      }${dataAgeSeconds === undefined ? "" : `; data ${formatSeconds(dataAgeSeconds)} old`}`,
      backup,
      pgRestore,
      scratchDatabase: name,
      restoreSeconds,
      tables,
      ...(dataAgeSeconds === undefined ? {} : { dataAgeSeconds }),
      durationMs: elapsed(),
    }
  })

  return Effect.scoped(check).pipe(
    Effect.timeoutFail({
      duration: timeoutMs,
      onTimeout: () =>
        new ProbeFailure({
          reason: "timeout",
          message: `the restore check did not finish within ${formatSeconds(timeoutMs / 1000)} (postgres.backups.restoreCheck.timeout)`,
        }),
    }),
    Effect.exit,
    Effect.map((exit): RestoreCheckResult => {
      const withDrop = <R extends RestoreCheckResult>(result: R): RestoreCheckResult => {
        if (scratchDatabase === undefined) return result
        const leftBehind = dropped !== true
        return {
          ...result,
          scratchDatabase,
          dropped: !leftBehind,
          ...(leftBehind
            ? {
                outcome: "failed" as const,
                summary: `${result.summary}; the scratch database ${scratchDatabase} could not be dropped: drop it by hand`,
              }
            : { summary: `${result.summary}; scratch database dropped` }),
        }
      }
      if (Exit.isSuccess(exit))
        return withDrop({
          ...exit.value,
          summary: scrub(exit.value.summary),
          durationMs: elapsed(),
        })
      const failure = Option.getOrUndefined(Cause.failureOption(exit.cause))
      const message = scrub(
        failure?.message ??
          `the restore check failed unexpectedly: ${messageOf(Cause.squash(exit.cause))}`,
      )
      return withDrop({
        ...base,
        ...(postgres === undefined ? {} : { target: redactUrl(Redacted.value(postgres.url)) }),
        performed,
        outcome: "failed",
        summary: `restore check failed: ${message}`,
        tables: [],
        durationMs: elapsed(),
        cause: { reason: failure?.reason ?? "internal", message },
      })
    }),
  )
}

/**
 * Restores the newest custom-format dump of `postgres.backups.dir` into a scratch database, runs
 * the sanity queries of `postgres.backups.restoreCheck.tables` (without them, counts every
 * restored table's rows), reports the restore's duration and the data's age, and drops the scratch
 * database, on failure and timeout too. Acts only with `confirm: true`. Never rejects.
 *
 * @example
 * ```ts
 * import { restoreCheck } from "@ir/diagnostics"
 * const result = await restoreCheck(config, { confirm: true })
 * if (result.outcome !== "restored") console.error(result.summary)
 * ```
 */
export const restoreCheck = (
  config: DiagnosticsConfig,
  options: RestoreCheckOptions,
): Promise<RestoreCheckResult> => Effect.runPromise(restoreCheckEffect(config, options))
