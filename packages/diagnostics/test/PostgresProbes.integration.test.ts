import { execFile } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { Effect, Redacted } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DiagnosticsConfig, runProbes } from "../src/index.js"
import { acquirePostgresSession } from "../src/internal/PostgresSession.js"
import {
  expectVocabulary,
  only,
  type Peer,
  refusedPort,
  signalValue,
  startBlackhole,
  startGarbagePeer,
} from "./peers.js"
import { requireService } from "./requireService.js"

const pgUrl = requireService("IR_TEST_PG_URL")
const clusterScript = requireService("IR_TEST_PG_CLUSTER_SCRIPT")
const run = promisify(execFile)

const config = (url: string, extra: Partial<DiagnosticsConfig> = {}): DiagnosticsConfig => ({
  postgres: { url: Redacted.make(url) },
  timeouts: { default: "3s" },
  ...extra,
})

/** Sockets that keep the event loop alive (ref'd handles), as `process` reports them. */
const activeSockets = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === "TCPSocketWrap").length

const connect = async (url: string) => {
  const client = new pg.Client({ connectionString: url, application_name: "ir-test-load" })
  client.on("error", () => undefined)
  await client.connect()
  return client
}

describe.skipIf(pgUrl === undefined)("against a real PostgreSQL 15", () => {
  const url = pgUrl!

  it("connects, answers SELECT 1 and reports the round trip", async () => {
    const result = only(await runProbes(config(url), { probes: ["postgres.connectivity"] }))
    expect(result.status).toBe("ok")
    expect(signalValue(result, "postgres.reachable")).toBe(true)
    expect(signalValue(result, "postgres.latency_seconds") as number).toBeGreaterThan(0)
    expect(result.details?.version).toMatch(/^15\./)
    expect(result.target).toBe(url)
    expectVocabulary([result])
  })

  it("uses a read-only session with application_name and statement_timeout", async () => {
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const session = yield* acquirePostgresSession({
            url,
            applicationName: "ir-diagnostics",
            timeoutMs: 1500,
          })
          const [settings] = yield* session.query<{
            application_name: string
            statement_timeout: string
            ro: string
          }>(
            "SELECT current_setting('application_name') AS application_name, current_setting('statement_timeout') AS statement_timeout, current_setting('default_transaction_read_only') AS ro",
          )
          const write = yield* session
            .query("CREATE TABLE ir_should_not_exist (id int)")
            .pipe(Effect.flip)
          return { settings, write }
        }),
      ),
    )
    expect(outcome.settings).toEqual({
      application_name: "ir-diagnostics",
      statement_timeout: "1500ms",
      ro: "on",
    })
    expect(outcome.write.message).toContain("read-only transaction")
  })

  it("says goodbye: the backend ends on the Terminate, and the socket keeps no process alive", async () => {
    const applicationName = `ir-goodbye-${process.pid}`
    const backends = async () => {
      const client = await connect(url)
      const { rows } = await client.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
        [applicationName],
      )
      await client.end()
      return rows.map((row) => row.pid)
    }
    let pid = 0
    let handles = 0
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const session = yield* acquirePostgresSession({ url, applicationName, timeoutMs: 1500 })
          const [row] = yield* session.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")
          pid = row?.pid ?? 0
          handles = activeSockets()
        }),
      ),
    )
    // Closed: the socket is no longer one that keeps the event loop alive…
    expect(activeSockets()).toBe(handles - 1)
    // …and the server ends the backend on the client's Terminate (no wait for a timeout).
    const deadline = Date.now() + 2000
    while ((await backends()).includes(pid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(await backends()).not.toContain(pid)
  })

  it("never shows the password of the URL", async () => {
    // trust authentication ignores the password, so the connection works
    const withPassword = url.replace("postgres://postgres@", "postgres://postgres:sekret99@")
    const result = await runProbes(config(withPassword), {})
    expect(result.results.map((entry) => entry.status)).not.toContain("unknown")
    expect(result.results[0]?.target).toContain("postgres:***@")
    expect(JSON.stringify(result)).not.toContain("sekret99")
  })

  it("reports a lock wait between two real transactions with the blocker's pid and the wait", async () => {
    const table = `ir_lock_${process.pid}`
    const blocker = await connect(url)
    const waiter = await connect(url)
    try {
      await blocker.query(`CREATE TABLE ${table} (id int primary key, n int)`)
      await blocker.query(`INSERT INTO ${table} VALUES (1, 0)`)
      const blockerPid = (await blocker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid"))
        .rows[0]!.pid
      const waiterPid = (await waiter.query<{ pid: number }>("SELECT pg_backend_pid() AS pid"))
        .rows[0]!.pid
      await blocker.query("BEGIN")
      await blocker.query(`UPDATE ${table} SET n = n + 1 WHERE id = 1`)
      const waiting = waiter.query(`UPDATE ${table} SET n = n + 1 WHERE id = 1`)
      // bounded wait until the second UPDATE really waits on the first
      const until = Date.now() + 5000
      const observer = await connect(url)
      while (Date.now() < until) {
        const { rows } = await observer.query(
          "SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND pid = $1",
          [waiterPid],
        )
        if (rows[0]?.n > 0) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      await observer.end()
      await new Promise((resolve) => setTimeout(resolve, 300)) // let the wait grow measurably
      const result = only(await runProbes(config(url), { probes: ["postgres.locks"] }))
      expect(result.status).toBe("warn") // one waiting lock: warn at 1, critical at 5
      expect(signalValue(result, "postgres.locks.waiting")).toBe(1)
      expect(
        signalValue(result, "postgres.locks.longest_wait_seconds") as number,
      ).toBeGreaterThanOrEqual(0.3)
      const [wait] = (result.details?.waiting ?? []) as Array<Record<string, unknown>>
      expect(wait).toMatchObject({
        waitingPid: waiterPid,
        blockingPids: [blockerPid],
        lockType: "transactionid",
        mode: "ShareLock",
      })
      expect(result.details?.blockers).toEqual([
        expect.objectContaining({ pid: blockerPid, state: "idle in transaction" }),
      ])
      expect(result.summary).toContain(`blocked by pid ${blockerPid}`)
      expectVocabulary([result])
      await blocker.query("ROLLBACK")
      await waiting
    } finally {
      await blocker.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined)
      await Promise.all([blocker.end(), waiter.end()])
    }
  })

  it("lists long-running queries and grades the longest", async () => {
    const sleeper = await connect(url)
    const sleeping = sleeper.query("SELECT pg_sleep(3)").catch(() => undefined)
    try {
      await new Promise((resolve) => setTimeout(resolve, 400))
      const result = only(
        await runProbes(
          config(url, {
            postgres: { url: Redacted.make(url), longQueryMin: "0.2s" },
            thresholds: { "postgres.queries.seconds": { warn: 0.2, critical: 60 } },
          }),
          { probes: ["postgres.long-queries"] },
        ),
      )
      expect(result.status).toBe("warn")
      expect(
        signalValue(result, "postgres.queries.longest_seconds") as number,
      ).toBeGreaterThanOrEqual(0.3)
      expect(result.details?.queries).toEqual([
        expect.objectContaining({ query: "SELECT pg_sleep(3)", applicationName: "ir-test-load" }),
      ])
    } finally {
      const pid = (sleeper as unknown as { processID: number }).processID
      const killer = await connect(url)
      await killer.query("SELECT pg_cancel_backend($1)", [pid])
      await killer.end()
      await sleeping
      await sleeper.end()
    }
  })

  it("reports the database size", async () => {
    const result = only(await runProbes(config(url), { probes: ["postgres.size"] }))
    expect(result.status).toBe("ok")
    expect(signalValue(result, "postgres.database.size_bytes") as number).toBeGreaterThan(1_000_000)
  })

  it("reports a database that does not exist as unreachable, with PostgreSQL's reason", async () => {
    const result = only(
      await runProbes(config(url.replace(/\/postgres$/, "/ir_no_such_db")), {
        probes: ["postgres.connectivity"],
      }),
    )
    expect(result.status).toBe("critical")
    expect(result.cause?.message).toContain('database "ir_no_such_db" does not exist')
  })
})

describe.skipIf(pgUrl === undefined || clusterScript === undefined)(
  "connections toward max_connections",
  () => {
    let dir: string
    let url: string
    const clients: Array<pg.Client> = []

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "ir-diag-pg-"))
      const port = await refusedPort()
      // The cluster script starts PostgreSQL 15 with max_connections=40 (3 reserved for superusers).
      const { stdout } = await run(clusterScript!, ["start", join(dir, "data"), String(port)], {
        timeout: 60_000,
      })
      url = stdout.trim()
    }, 70_000)

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)))
      if (dir !== undefined) {
        await run(clusterScript!, ["stop", join(dir, "data"), "immediate"], {
          timeout: 30_000,
        }).catch(() => undefined)
        await rm(dir, { recursive: true, force: true })
      }
    }, 40_000)

    const open = async (count: number) => {
      const opened = await Promise.all(Array.from({ length: count }, () => connect(url)))
      clients.push(...opened)
    }

    it("goes from ok to warn to critical, then to refused with too many clients", async () => {
      const probes = ["postgres.connectivity", "postgres.connections"] as const
      const first = (await runProbes(config(url), { probes: [...probes] })).results[1]!
      expect(first.status).toBe("ok")
      expect(first.details).toMatchObject({
        maxConnections: 40,
        superuserReserved: 3,
        available: 37,
      })

      await open(30) // 30/37 = 81%: warn at 80%
      const warn = (await runProbes(config(url), { probes: [...probes] })).results[1]!
      expect(warn.status).toBe("warn")
      expect(signalValue(warn, "postgres.connections.used")).toBe(30)
      expect(signalValue(warn, "postgres.connections.used_ratio")).toBeCloseTo(30 / 37, 4)
      expect(warn.observations[0]).toMatchObject({ name: "connections", value: 30, max: 37 })
      expect(warn.observations[0]?.warn).toBeCloseTo(29.6, 4)

      await open(6) // 36/37 = 97%: critical at 95%
      const critical = (await runProbes(config(url), { probes: [...probes] })).results[1]!
      expect(critical.status).toBe("critical")
      expect(signalValue(critical, "postgres.connections.idle_in_transaction")).toBe(0)

      await open(4) // all 40 slots taken, superuser ones too
      const full = await runProbes(config(url), { probes: [...probes] })
      const [connectivity, connections] = full.results
      expect(connectivity?.status).toBe("critical")
      expect(signalValue(full, "postgres.reachable")).toBe(false)
      expect(connections?.status).toBe("critical")
      expect(signalValue(full, "postgres.connections.used_ratio")).toBe(1)
      expect(connections?.cause?.message).toContain("too many clients")
      expectVocabulary(full.results)
    }, 60_000)
  },
)

describe("a PostgreSQL that is not there", () => {
  let blackhole: Peer
  let garbage: Peer
  beforeAll(async () => {
    blackhole = await startBlackhole()
    garbage = await startGarbagePeer()
  })
  afterAll(async () => {
    await Promise.all([blackhole.close(), garbage.close()])
  })

  it("reports connection refused as unreachable (critical) and the others as unknown", async () => {
    const port = await refusedPort()
    const result = await runProbes(config(`postgres://app:pw12345@127.0.0.1:${port}/db`), {})
    expect(result.results.map((entry) => [entry.id, entry.status])).toEqual([
      ["postgres.connectivity", "critical"],
      ["postgres.connections", "unknown"],
      ["postgres.locks", "unknown"],
      ["postgres.long-queries", "unknown"],
      ["postgres.size", "unknown"],
    ])
    expect(result.results.every((entry) => entry.cause?.reason === "connection-refused")).toBe(true)
    expect(signalValue(result, "postgres.reachable")).toBe(false)
    expect(JSON.stringify(result)).not.toContain("pw12345")
  })

  it("reports a blackhole as unknown within the timeout", async () => {
    const result = await runProbes(
      {
        postgres: { url: Redacted.make(`postgres://app@127.0.0.1:${blackhole.port}/db`) },
        timeouts: { default: "0.5s" },
      },
      {},
    )
    for (const entry of result.results) expect(entry.durationMs).toBeLessThan(500 + 400)
    expect(result.results.every((entry) => entry.status === "unknown")).toBe(true)
    expect(result.results[0]?.cause?.reason).toBe("timeout")
    expect(signalValue(result, "postgres.reachable")).toBe(false)
  })

  it("reports a peer that does not speak PostgreSQL", async () => {
    const result = only(
      await runProbes(config(`postgres://app@127.0.0.1:${garbage.port}/db`), {
        probes: ["postgres.connectivity"],
      }),
    )
    expect(result.status).toBe("critical")
    expect(result.cause?.reason).toMatch(/protocol|connection-reset/)
  })
})
