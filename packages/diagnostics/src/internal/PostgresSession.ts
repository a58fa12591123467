import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Pg from "pg"
import { failureOf, ProbeFailure } from "./ProbeFailure.js"
import { redactUrl } from "./Redaction.js"

type PgModule = typeof Pg

let pgModule: Promise<PgModule> | undefined
let pgLoaded: PgModule | undefined
/** pg, loaded on first use. */
export const loadPg = (): Promise<PgModule> => {
  pgModule ??= import("pg").then((module) => {
    pgLoaded =
      (module as unknown as { default?: PgModule }).default ?? (module as unknown as PgModule)
    return pgLoaded
  })
  return pgModule
}

/** Whether pg is loaded already (the runner then need not wait for it). */
export const isPgLoaded = (): boolean => pgLoaded !== undefined

/** The default `application_name` of the probes' session. */
export const defaultApplicationName = "ir-diagnostics"

export interface PostgresSession {
  /** Runs a read-only query; rows come back as plain objects. */
  readonly query: <Row extends object>(
    sql: string,
    params?: ReadonlyArray<unknown>,
  ) => Effect.Effect<ReadonlyArray<Row>, ProbeFailure>
  /** Milliseconds the connection (TCP, TLS, startup, authentication) took. */
  readonly connectMs: number
  readonly applicationName: string
  /** Where, as shown (`postgres://user:***@host:5432/db`). */
  readonly target: string
}

/** SQLSTATE class 28 (invalid authorization) and the server's "too many clients". */
const sqlReason = (error: unknown): ProbeFailure["reason"] | undefined => {
  const code = (error as { code?: unknown } | undefined)?.code
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return undefined
  if (code.startsWith("28")) return "auth"
  if (code === "57014") return "timeout"
  if (code === "53300") return "connection-refused"
  return "query-failed"
}

const toFailure = (error: unknown, what: string): ProbeFailure => {
  const reason = sqlReason(error)
  // A server's error (a wrong password, a failed query) is said in its own words.
  const failure = failureOf(error, what, reason ?? "protocol")
  return reason === undefined
    ? failure
    : new ProbeFailure({ reason, message: failure.message, cause: error })
}

/** Whether a failure is the server refusing a new connection because every slot is taken. */
export const isTooManyClients = (failure: ProbeFailure): boolean =>
  (failure.cause as { code?: unknown } | undefined)?.code === "53300"

/**
 * One read-only session for a run's PostgreSQL probes: `application_name` set,
 * `default_transaction_read_only` on, `statement_timeout` the probe timeout. Closed (or, if it
 * hangs, destroyed) when the run's scope closes.
 */
export const acquirePostgresSession = (options: {
  readonly url: string
  readonly applicationName: string
  readonly timeoutMs: number
}): Effect.Effect<PostgresSession, ProbeFailure, Scope.Scope> =>
  Effect.gen(function* () {
    const target = redactUrl(options.url)
    const what = `PostgreSQL at ${target}`
    const pg = yield* Effect.tryPromise({
      try: () => loadPg(),
      catch: (error) => failureOf(error, "loading pg"),
    })
    let connected = false
    const client = yield* Effect.acquireRelease(
      Effect.try({
        try: () =>
          new pg.Client({
            connectionString: options.url,
            application_name: options.applicationName,
            statement_timeout: options.timeoutMs,
            query_timeout: options.timeoutMs + 250,
            connectionTimeoutMillis: options.timeoutMs,
            options: "-c default_transaction_read_only=on",
          }),
        catch: (error) => failureOf(error, what, "unsupported"),
      }),
      (client) => closeClient(client, () => connected),
    )
    // An error event after connecting (server shutdown) must not crash the process.
    client.on("error", () => undefined)
    const started = performance.now()
    yield* Effect.tryPromise({
      try: () => client.connect(),
      catch: (error) => toFailure(error, what),
    })
    const connectMs = performance.now() - started
    connected = true
    // One query at a time on the shared session (pg deprecates queueing on a busy client).
    const lock = yield* Effect.makeSemaphore(1)
    const query = <Row extends object>(sql: string, params?: ReadonlyArray<unknown>) =>
      lock.withPermits(1)(
        Effect.tryPromise({
          try: async () =>
            (await client.query(sql, params === undefined ? [] : [...params])).rows as Array<Row>,
          catch: (error) => toFailure(error, what),
        }),
      )
    return { query, connectMs, applicationName: options.applicationName, target }
  })

/**
 * A goodbye for a working session, as psql says it: the Terminate message, without waiting for
 * the server to close its end (the backend's exit, about 8 ms of every `ir check postgres.*`).
 * The socket no longer keeps a process alive; one the server never closes is destroyed after
 * 500 ms. A socket that never connected is destroyed at once.
 */
const closeClient = (client: Pg.Client, connected: () => boolean): Effect.Effect<void> => {
  const stream = () =>
    (
      client as unknown as {
        connection?: { stream?: { destroy?: () => void; unref?: () => void } }
      }
    ).connection?.stream
  const destroy = () => stream()?.destroy?.()
  if (!connected()) return Effect.sync(destroy)
  return Effect.sync(() => {
    const timer = setTimeout(destroy, 500)
    timer.unref()
    client
      .end()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer)
        destroy()
      })
    stream()?.unref?.()
  })
}
