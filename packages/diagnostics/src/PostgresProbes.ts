/**
 * The PostgreSQL probes, over one read-only session per run (pg, `application_name`
 * `ir-diagnostics`, `statement_timeout` the probe timeout): connectivity and round trip,
 * connections against `max_connections` by state, lock waits with waiting and blocking pids,
 * long-running queries, database size. The probes' own session is not counted.
 *
 * Seeing other users' sessions needs a superuser or the `pg_monitor` role.
 *
 * @example
 * ```ts
 * import { runProbes } from "@ir/diagnostics"
 * import * as Redacted from "effect/Redacted"
 * const run = await runProbes(
 *   { postgres: { url: Redacted.make("postgres://monitor:secret@db:5432/anomaly_db") } },
 *   { probes: ["postgres.locks"] },
 * )
 * run.results[0]?.details?.waiting // [{ waitingPid, blockingPids, relation, waitSeconds, … }]
 * ```
 */
import { Duration } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { DiagnosticsConfig } from "./DiagnosticsConfig.js"
import { isTooManyClients, type PostgresSession } from "./internal/PostgresSession.js"
import { ProbeFailure } from "./internal/ProbeFailure.js"
import {
  formatBytes,
  formatRatio,
  formatSeconds,
  graded,
  levelsOf,
  type OptionDoc,
  type ProbeContext,
  type ProbeImplementation,
  type ProbeReport,
  precise,
  signal,
} from "./internal/ProbeKit.js"
import { redactText, redactUrl } from "./internal/Redaction.js"
import { worstStatus } from "./ProbeResult.js"

const target = (config: DiagnosticsConfig) =>
  config.postgres === undefined ? undefined : redactUrl(Redacted.value(config.postgres.url))

const urlOption: OptionDoc = {
  path: "postgres.url",
  description: "libpq URL (password kept redacted).",
  default:
    "`DATABASE_URL`, else built from `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`",
}
const applicationNameOption: OptionDoc = {
  path: "postgres.applicationName",
  description: "`application_name` of the probes' session (excluded from the counts).",
  default: "ir-diagnostics",
}

const unknownOf = (failure: ProbeFailure): ProbeReport => ({
  status: "unknown",
  summary: failure.message,
  cause: { reason: failure.reason, message: failure.message },
})

/** Runs `body` with the run's session; a session that cannot be had makes the probe `unknown`. */
const withSession = (
  context: ProbeContext,
  body: (session: PostgresSession) => Effect.Effect<ProbeReport, ProbeFailure>,
  onConnectFailure: (failure: ProbeFailure) => ProbeReport = unknownOf,
): Effect.Effect<ProbeReport, ProbeFailure> =>
  context.postgres.pipe(
    Effect.either,
    Effect.flatMap((session) =>
      session._tag === "Left"
        ? Effect.succeed(onConnectFailure(session.left))
        : body(session.right),
    ),
  )

/**
 * `postgres.connectivity`: connect, `SELECT 1`, round trip.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["postgres.connectivity"] })
 * ```
 */
export const connectivityProbe: ProbeImplementation = {
  id: "postgres.connectivity",
  target,
  requires: "postgres.url",
  noAnswer: () => [signal("postgres.reachable", false)],
  options: [urlOption, applicationNameOption],
  measurements: [
    {
      name: "latency",
      unit: "s",
      description:
        "Round trip of `SELECT 1` (with the server's version and recovery state) on the open session.",
      threshold: "postgres.latency_seconds",
    },
    { name: "connect_time", unit: "s", description: "Time to connect and authenticate." },
  ],
  thresholds: ["postgres.latency_seconds"],
  unknownWhen:
    "no answer within the timeout (reported unreachable too) or authentication fails; refused, reset, DNS, TLS and too-many-clients are critical",
  run: (context) =>
    withSession(
      context,
      (session) =>
        Effect.gen(function* () {
          // One round trip: `SELECT 1` and what the summary names of the server.
          const started = performance.now()
          const [row] = yield* session.query<{
            one: number
            version: string
            database: string
            in_recovery: boolean
          }>(
            "SELECT 1 AS one, current_setting('server_version') AS version, current_database() AS database, pg_is_in_recovery() AS in_recovery",
          )
          const latencySeconds = (performance.now() - started) / 1000
          const info =
            row === undefined
              ? undefined
              : { version: row.version, database: row.database, in_recovery: row.in_recovery }
          const latency = graded(context, "postgres.latency_seconds", {
            name: "latency",
            value: precise(latencySeconds),
            unit: "s",
            min: 0,
          })
          return {
            status: latency.status,
            summary: `PostgreSQL ${info?.version ?? ""} answers SELECT 1 in ${formatSeconds(latencySeconds)} (connect ${formatSeconds(session.connectMs / 1000)})${info?.in_recovery ? ", standby" : ""}`,
            observations: [
              latency.measurement,
              { name: "connect_time", value: precise(session.connectMs / 1000), unit: "s", min: 0 },
            ],
            signals: [
              signal("postgres.reachable", true),
              signal("postgres.latency_seconds", latency.measurement.value),
            ],
            details: { ...info },
          } satisfies ProbeReport
        }),
      (failure) =>
        failure.reason === "auth" || failure.reason === "unsupported"
          ? unknownOf(failure)
          : {
              status: "critical",
              summary: `PostgreSQL unreachable: ${failure.message}`,
              signals: [signal("postgres.reachable", false)],
              cause: { reason: failure.reason, message: failure.message },
            },
    ),
}

interface ConnectionsRow {
  readonly max_connections: number
  readonly reserved: number
  readonly used: number
  readonly ours: number
  readonly active: number
  readonly idle: number
  readonly idle_in_transaction: number
  readonly other: number
  readonly longest_idle_in_transaction: number | null
}

/**
 * `postgres.connections`: client backends against `max_connections`, by state.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["postgres.connections"] })
 * ```
 */
export const connectionsProbe: ProbeImplementation = {
  id: "postgres.connections",
  target,
  requires: "postgres.url",
  options: [urlOption, applicationNameOption],
  measurements: [
    {
      name: "connections",
      description:
        "Client backends (not counting the probes' own), against `max_connections` − `superuser_reserved_connections`.",
      threshold: "postgres.connections.used_ratio",
    },
    { name: "active", description: "Backends running a query." },
    { name: "idle", description: "Idle backends." },
    { name: "idle_in_transaction", description: "Backends idle inside a transaction." },
  ],
  thresholds: ["postgres.connections.used_ratio"],
  unknownWhen:
    "PostgreSQL does not answer; when it refuses with too many clients the probe is critical at ratio 1",
  run: (context) =>
    withSession(
      context,
      (session) =>
        Effect.gen(function* () {
          const [row] = yield* session.query<ConnectionsRow>(
            `SELECT current_setting('max_connections')::int AS max_connections,
                    current_setting('superuser_reserved_connections')::int AS reserved,
                    count(*) FILTER (WHERE mine IS NOT TRUE)::int AS used,
                    count(*) FILTER (WHERE mine)::int AS ours,
                    count(*) FILTER (WHERE mine IS NOT TRUE AND state = 'active')::int AS active,
                    count(*) FILTER (WHERE mine IS NOT TRUE AND state = 'idle')::int AS idle,
                    count(*) FILTER (WHERE mine IS NOT TRUE AND state LIKE 'idle in transaction%')::int AS idle_in_transaction,
                    count(*) FILTER (WHERE mine IS NOT TRUE AND state IS DISTINCT FROM 'active' AND state IS DISTINCT FROM 'idle' AND state NOT LIKE 'idle in transaction%')::int AS other,
                    max(EXTRACT(EPOCH FROM clock_timestamp() - state_change)) FILTER (WHERE mine IS NOT TRUE AND state LIKE 'idle in transaction%')::float8 AS longest_idle_in_transaction
               FROM (SELECT state, state_change, application_name = $1 AS mine
                       FROM pg_stat_activity WHERE backend_type = 'client backend') AS backends`,
            [session.applicationName],
          )
          if (row === undefined) return unknownOf(noRows("pg_stat_activity"))
          const available = Math.max(1, row.max_connections - row.reserved)
          const ratio = precise(Math.min(1, row.used / available))
          const grade = graded(
            context,
            "postgres.connections.used_ratio",
            { name: "connections", value: row.used, min: 0, max: available },
            available,
          )
          return {
            status: grade.status,
            summary: `${row.used}/${available} connections used (${formatRatio(ratio)}; max_connections ${row.max_connections}, ${row.reserved} reserved): ${row.active} active, ${row.idle} idle, ${row.idle_in_transaction} idle in transaction`,
            observations: [
              grade.measurement,
              { name: "active", value: row.active, min: 0 },
              { name: "idle", value: row.idle, min: 0 },
              { name: "idle_in_transaction", value: row.idle_in_transaction, min: 0 },
            ],
            signals: [
              signal("postgres.connections.used", row.used),
              signal("postgres.connections.used_ratio", ratio),
              signal("postgres.connections.idle_in_transaction", row.idle_in_transaction),
            ],
            details: {
              maxConnections: row.max_connections,
              superuserReserved: row.reserved,
              available,
              byState: {
                active: row.active,
                idle: row.idle,
                idleInTransaction: row.idle_in_transaction,
                other: row.other,
              },
              probeSessions: row.ours,
              ...(row.longest_idle_in_transaction === null
                ? {}
                : { longestIdleInTransactionSeconds: precise(row.longest_idle_in_transaction, 3) }),
            },
          } satisfies ProbeReport
        }),
      (failure) =>
        isTooManyClients(failure)
          ? {
              status: "critical",
              summary: `PostgreSQL refuses new connections: every slot is taken (${failure.message})`,
              observations: [],
              signals: [signal("postgres.connections.used_ratio", 1)],
              cause: { reason: failure.reason, message: failure.message },
            }
          : unknownOf(failure),
    ),
}

const noRows = (what: string) =>
  new ProbeFailure({ reason: "bad-response", message: `PostgreSQL returned no row from ${what}` })

interface LockWait {
  readonly waiting_pid: number
  readonly blocking_pids: ReadonlyArray<number>
  readonly locktype: string
  readonly mode: string
  readonly relation: string | null
  readonly database: string | null
  readonly user: string | null
  readonly application_name: string | null
  readonly wait_seconds: number
  readonly query: string | null
}

interface Blocker {
  readonly pid: number
  readonly state: string | null
  readonly user: string | null
  readonly application_name: string | null
  readonly transaction_seconds: number | null
  readonly query: string | null
}

/**
 * `postgres.locks`: ungranted locks with who waits, who blocks, on what, and for how long.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["postgres.locks"] })
 * ```
 */
export const locksProbe: ProbeImplementation = {
  id: "postgres.locks",
  target,
  requires: "postgres.url",
  options: [urlOption],
  measurements: [
    { name: "waiting", description: "Ungranted locks.", threshold: "postgres.locks.waiting" },
    {
      name: "longest_wait",
      unit: "s",
      description:
        "Longest wait (from `pg_locks.waitstart` on PostgreSQL 14+, else the query's start).",
      threshold: "postgres.locks.wait_seconds",
    },
  ],
  thresholds: ["postgres.locks.waiting", "postgres.locks.wait_seconds"],
  unknownWhen: "PostgreSQL does not answer or the query fails",
  run: (context) =>
    withSession(context, (session) =>
      Effect.gen(function* () {
        // Most of the time nothing waits: a cheap look first. The query that names the waits
        // and the sessions blocking them (about 15 ms of planning in a new session) runs only
        // when something does; a wait that ended between the two is simply not there.
        const [ungranted] = yield* session.query<{ count: number }>(
          "SELECT count(*)::int AS count FROM pg_locks WHERE NOT granted",
        )
        // `waitstart` exists from PostgreSQL 14; to_jsonb reads it without failing on older
        // servers.
        const [row] =
          (ungranted?.count ?? 0) === 0
            ? []
            : yield* session.query<{
                result: { waiting: Array<LockWait>; blockers: Array<Blocker> }
              }>(
                `WITH waiting AS (
             SELECT l.pid AS waiting_pid,
                    pg_blocking_pids(l.pid) AS blocking_pids,
                    l.locktype, l.mode,
                    CASE WHEN l.relation IS NULL THEN NULL
                         WHEN l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                           THEN l.relation::regclass::text
                         ELSE l.relation::text END AS relation,
                    a.datname AS database, a.usename AS "user", a.application_name,
                    EXTRACT(EPOCH FROM clock_timestamp()
                      - COALESCE((to_jsonb(l) ->> 'waitstart')::timestamptz, a.query_start))::float8 AS wait_seconds,
                    left(a.query, 300) AS query
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE NOT l.granted
           ), blocking AS (
             SELECT DISTINCT unnest(blocking_pids) AS pid FROM waiting
           )
           SELECT json_build_object(
             'waiting', (SELECT coalesce(json_agg(w ORDER BY w.wait_seconds DESC), '[]'::json) FROM waiting w),
             'blockers', (SELECT coalesce(json_agg(b), '[]'::json) FROM (
                SELECT a.pid, a.state, a.usename AS "user", a.application_name,
                       EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start)::float8 AS transaction_seconds,
                       left(a.query, 300) AS query
                  FROM pg_stat_activity a JOIN blocking USING (pid)) b)
           ) AS result`,
              )
        const waiting = row?.result.waiting ?? []
        const blockers = row?.result.blockers ?? []
        const longest = waiting.reduce((max, wait) => Math.max(max, wait.wait_seconds ?? 0), 0)
        const count = graded(context, "postgres.locks.waiting", {
          name: "waiting",
          value: waiting.length,
          min: 0,
        })
        const wait = graded(context, "postgres.locks.wait_seconds", {
          name: "longest_wait",
          value: precise(longest, 3),
          unit: "s",
          min: 0,
        })
        const first = waiting[0]
        const summary =
          first === undefined
            ? "no lock waits"
            : `${waiting.length} ungranted lock${waiting.length === 1 ? "" : "s"}; longest: pid ${first.waiting_pid} waiting ${formatSeconds(first.wait_seconds)} for ${first.mode} on ${first.relation ?? first.locktype}, blocked by pid ${first.blocking_pids.join(", ") || "?"}`
        return {
          status: worstStatus([count.status, wait.status]),
          summary,
          observations: [count.measurement, wait.measurement],
          signals: [
            signal("postgres.locks.waiting", waiting.length),
            signal("postgres.locks.longest_wait_seconds", wait.measurement.value),
          ],
          details: {
            waiting: waiting.map((entry) => ({
              waitingPid: entry.waiting_pid,
              blockingPids: entry.blocking_pids,
              lockType: entry.locktype,
              mode: entry.mode,
              relation: entry.relation,
              database: entry.database,
              user: entry.user,
              applicationName: entry.application_name,
              waitSeconds: precise(entry.wait_seconds, 3),
              query: entry.query === null ? null : redactText(entry.query),
            })),
            blockers: blockers.map((entry) => ({
              pid: entry.pid,
              state: entry.state,
              user: entry.user,
              applicationName: entry.application_name,
              transactionSeconds:
                entry.transaction_seconds === null ? null : precise(entry.transaction_seconds, 3),
              query: entry.query === null ? null : redactText(entry.query),
            })),
          },
        } satisfies ProbeReport
      }),
    ),
}

interface LongQuery {
  readonly pid: number
  readonly user: string | null
  readonly database: string | null
  readonly application_name: string | null
  readonly seconds: number
  readonly wait_event_type: string | null
  readonly wait_event: string | null
  readonly query: string | null
}

/**
 * `postgres.long-queries`: the longest-running active queries.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["postgres.long-queries"] })
 * ```
 */
export const longQueriesProbe: ProbeImplementation = {
  id: "postgres.long-queries",
  target,
  requires: "postgres.url",
  options: [
    urlOption,
    {
      path: "postgres.longQueryMin",
      description: "List queries running at least this long.",
      default: "5s",
    },
  ],
  measurements: [
    {
      name: "longest_query",
      unit: "s",
      description: "Age of the longest-running active query (0 when none runs).",
      threshold: "postgres.queries.seconds",
    },
    {
      name: "long_queries",
      description: "Active queries running at least `postgres.longQueryMin`.",
    },
  ],
  thresholds: ["postgres.queries.seconds"],
  unknownWhen: "PostgreSQL does not answer or the query fails",
  run: (context) =>
    withSession(context, (session) =>
      Effect.gen(function* () {
        const minimum = Duration.toSeconds(context.config.postgres?.longQueryMin ?? "5s")
        const rows = yield* session.query<LongQuery>(
          `SELECT pid, usename AS "user", datname AS database, application_name,
                  EXTRACT(EPOCH FROM clock_timestamp() - query_start)::float8 AS seconds,
                  wait_event_type, wait_event, left(query, 300) AS query
             FROM pg_stat_activity
            WHERE state = 'active' AND backend_type = 'client backend'
              AND pid <> pg_backend_pid() AND application_name IS DISTINCT FROM $1
            ORDER BY query_start ASC
            LIMIT 20`,
          [session.applicationName],
        )
        const longest = rows[0]?.seconds ?? 0
        const long = rows.filter((row) => row.seconds >= minimum)
        const grade = graded(context, "postgres.queries.seconds", {
          name: "longest_query",
          value: precise(longest, 3),
          unit: "s",
          min: 0,
        })
        const levels = levelsOf(context, "postgres.queries.seconds")
        return {
          status: grade.status,
          summary:
            rows.length === 0
              ? "no active queries"
              : `${rows.length} active quer${rows.length === 1 ? "y" : "ies"}, longest ${formatSeconds(longest)} (pid ${rows[0]!.pid}); ${long.length} running ≥ ${formatSeconds(minimum)}`,
          observations: [grade.measurement, { name: "long_queries", value: long.length, min: 0 }],
          signals: [signal("postgres.queries.longest_seconds", grade.measurement.value)],
          details: {
            minimumSeconds: minimum,
            threshold: levels.name,
            queries: long.map((row) => ({
              pid: row.pid,
              user: row.user,
              database: row.database,
              applicationName: row.application_name,
              seconds: precise(row.seconds, 3),
              waitEvent:
                row.wait_event === null ? null : `${row.wait_event_type}:${row.wait_event}`,
              query: row.query === null ? null : redactText(row.query),
            })),
          },
        } satisfies ProbeReport
      }),
    ),
}

/**
 * `postgres.size`: the current database's size.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["postgres.size"] })
 * ```
 */
export const sizeProbe: ProbeImplementation = {
  id: "postgres.size",
  target,
  requires: "postgres.url",
  options: [urlOption],
  measurements: [
    {
      name: "database_size",
      unit: "B",
      description: "`pg_database_size(current_database())`.",
      threshold: "postgres.database.size_bytes (if the runbook defines it)",
    },
  ],
  thresholds: ["postgres.database.size_bytes"],
  unknownWhen: "PostgreSQL does not answer or the query fails",
  run: (context) =>
    withSession(context, (session) =>
      Effect.gen(function* () {
        const [row] = yield* session.query<{ database: string; bytes: number }>(
          "SELECT current_database() AS database, pg_database_size(current_database())::float8 AS bytes",
        )
        if (row === undefined) return unknownOf(noRows("pg_database_size"))
        const grade = graded(context, "postgres.database.size_bytes", {
          name: "database_size",
          value: row.bytes,
          unit: "B",
          min: 0,
        })
        return {
          status: grade.status,
          summary: `database ${row.database} is ${formatBytes(row.bytes)}`,
          observations: [grade.measurement],
          signals: [signal("postgres.database.size_bytes", row.bytes)],
          details: { database: row.database, bytes: row.bytes },
        } satisfies ProbeReport
      }),
    ),
}
