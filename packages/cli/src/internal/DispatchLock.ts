// The lock that makes "nothing is sent twice" hold across processes: `ir escalate --notify` from
// cron, a responder's `ir incident update --notify` and `ir serve` may all want to send what an
// incident has due at the same moment. Whoever holds an incident's dispatch lock reads the
// incident, sends what is due and records it before letting go; the next holder reads the
// recorded keys and has nothing left to send.
//
// - File journal: a lock file per incident, `<journal dir>/dispatch/<incident>.lock`, taken by
//   hard-linking a complete owner file (atomic, never empty), released by unlinking it. A lock
//   whose holder died on this host is taken over; one from another host after `foreignStaleMs`.
// - PostgreSQL journal: a session-level advisory lock on a connection of its own, released when
//   the connection ends, so a crashed holder never blocks anyone.
//
// Within one process a keyed queue comes first (advisory locks are re-entrant per session).
// A crash after sending and before recording can still send a message again on the next run:
// at-least-once at worst, never silently lost.
import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import { hostname } from "node:os"
import { join } from "node:path"
import { setTimeout as delay } from "node:timers/promises"
import type { JournalConfig } from "@ir/journal"

/** Another process held the incident's dispatch lock for longer than the wait allows. */
export class DispatchBusy extends Error {
  readonly _tag = "DispatchBusy"
}

/** Runs work holding an incident's dispatch lock. */
export interface DispatchLock {
  readonly withLock: <A>(incidentId: string, work: () => Promise<A>) => Promise<A>
  readonly close: () => Promise<void>
}

/** Serialises work per key within this process. */
const keyedQueue = () => {
  const tails = new Map<string, Promise<unknown>>()
  return <A>(key: string, work: () => Promise<A>): Promise<A> => {
    const previous = tails.get(key) ?? Promise.resolve()
    const run = previous.then(work, work)
    const tail = run.catch(() => undefined)
    tails.set(key, tail)
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key)
    })
    return run
  }
}

const errnoOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error
    ? String((error as { code: unknown }).code)
    : undefined

const isAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    return errnoOf(error) === "EPERM"
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3)
    return state !== "Z" && state !== "X"
  } catch {
    return true
  }
}

const safeName = (incidentId: string) => incidentId.replace(/[^A-Za-z0-9._-]/g, "_")

/** The file journal's dispatch lock. */
export const fileDispatchLock = (
  journalDir: string,
  options: { readonly waitMs: number; readonly foreignStaleMs?: number },
): DispatchLock => {
  const dir = join(journalDir, "dispatch")
  const queue = keyedQueue()
  const foreignStaleMs = options.foreignStaleMs ?? 10 * 60_000
  const acquire = async (path: string): Promise<() => Promise<void>> => {
    await fs.mkdir(dir, { recursive: true })
    const token = randomBytes(8).toString("hex")
    const owner = join(dir, `.owner.${process.pid}.${token}`)
    await fs.writeFile(
      owner,
      `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`,
      { flag: "wx" },
    )
    const { ino } = await fs.stat(owner)
    const deadline = Date.now() + options.waitMs
    let waitMs = 5
    try {
      for (;;) {
        try {
          await fs.link(owner, path)
          break
        } catch (error) {
          if (errnoOf(error) !== "EEXIST") throw error
        }
        const stat = await fs.stat(path).catch(() => undefined)
        if (stat !== undefined) {
          let holder: { pid?: number; host?: string } = {}
          try {
            holder = JSON.parse(await fs.readFile(path, "utf8")) as typeof holder
          } catch {
            // unreadable: judged by age
          }
          const stale =
            holder.host === hostname()
              ? !isAlive(holder.pid ?? -1)
              : Date.now() - stat.ctimeMs > foreignStaleMs
          if (stale) {
            const again = await fs.stat(path).catch(() => undefined)
            if (again?.ino === stat.ino) await fs.unlink(path).catch(() => undefined)
            continue
          }
        }
        if (Date.now() >= deadline) {
          throw new DispatchBusy(
            `another ir process is sending this incident's messages (${path} held for more than ${Math.round(options.waitMs / 1000)} s)`,
          )
        }
        await delay(waitMs * (0.5 + Math.random()))
        waitMs = Math.min(waitMs * 2, 100)
      }
    } finally {
      await fs.unlink(owner).catch(() => undefined)
    }
    return async () => {
      const current = await fs.stat(path).catch(() => undefined)
      if (current?.ino === ino) await fs.unlink(path).catch(() => undefined)
    }
  }
  return {
    withLock: (incidentId, work) =>
      queue(incidentId, async () => {
        const release = await acquire(join(dir, `${safeName(incidentId)}.lock`))
        try {
          return await work()
        } finally {
          await release()
        }
      }),
    close: async () => {},
  }
}

interface PgClient {
  connect: () => Promise<unknown>
  query: (text: string, values?: ReadonlyArray<unknown>) => Promise<unknown>
  end: () => Promise<void>
  on: (event: "error", listener: (error: Error) => void) => unknown
}

/** The PostgreSQL journal's dispatch lock: an advisory lock per incident. */
export const postgresDispatchLock = (
  url: string,
  schema: string,
  options: { readonly waitMs: number; readonly connectTimeoutMs?: number },
): DispatchLock => {
  const queue = keyedQueue()
  let connecting: Promise<PgClient> | undefined
  const client = () => {
    connecting ??= (async () => {
      const pg = (await import("pg")).default
      const created = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
        application_name: "ir dispatch lock",
      }) as unknown as PgClient
      // A dropped connection releases the locks; the next use reconnects.
      created.on("error", () => {
        connecting = undefined
      })
      await created.connect()
      await created.query(`SET statement_timeout = ${Math.max(1, Math.round(options.waitMs))}`)
      return created
    })()
    connecting.catch(() => {
      connecting = undefined
    })
    return connecting
  }
  const key = (incidentId: string) => `ir-dispatch:${schema}:${incidentId}`
  return {
    withLock: (incidentId, work) =>
      queue(incidentId, async () => {
        const connection = await client()
        try {
          await connection.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [
            key(incidentId),
          ])
        } catch (error) {
          if (errnoOf(error) === "57014") {
            throw new DispatchBusy(
              `another ir process is sending this incident's messages (its lock was held for more than ${Math.round(options.waitMs / 1000)} s)`,
            )
          }
          throw error
        }
        try {
          return await work()
        } finally {
          await connection
            .query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key(incidentId)])
            .catch(() => undefined)
        }
      }),
    close: async () => {
      const pending = connecting
      connecting = undefined
      if (pending !== undefined)
        await (await pending.catch(() => undefined))?.end().catch(() => undefined)
    },
  }
}

/** The dispatch lock of a journal. */
export const dispatchLockFor = (config: JournalConfig, waitMs = 60_000): DispatchLock =>
  config.backend === "postgres"
    ? postgresDispatchLock(config.url, config.schema ?? "ir_journal", { waitMs })
    : fileDispatchLock(config.dir ?? ".", { waitMs })
