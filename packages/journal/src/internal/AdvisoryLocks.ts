// Dispatch locks of many incidents, held on one database session. Under an alert storm every new
// incident's dispatch takes its lock and lets it go: a statement for each, on a connection of its
// own, was most of what the PostgreSQL journal sent. Here the locks wanted while a statement is in
// flight are tried together in the next one, and the locks let go meanwhile are released together.
//
// A session that holds an advisory lock gets it again when it asks (PostgreSQL counts them), so
// holders in this process take turns per key before they ask the database: the database keeps
// other processes out, the turns keep this process's holders apart.
//
// The session is one connection: if it breaks (or a statement on it fails), it is dropped, and
// PostgreSQL frees every lock it held, as it frees a dead holder's. Its holders are told nothing:
// they finish their work, as a holder whose own connection dropped always did.
import { setTimeout as delay } from "node:timers/promises"
import type * as Pg from "pg"
import { prepared } from "./Prepared.js"

interface Session {
  readonly client: Pg.PoolClient
  /** Locks held on it. */
  held: number
  /** Dropped: its locks went with it. */
  broken: boolean
}

interface Trying {
  readonly key: string
  readonly resolve: (session: Session | undefined) => void
  readonly reject: (error: unknown) => void
}

interface LettingGo {
  readonly key: string
  readonly session: Session
  readonly resolve: () => void
}

/** Resolves to whether `promise` settled before `deadline` (epoch milliseconds). */
const settlesBy = async (promise: Promise<void>, deadline: number): Promise<boolean> => {
  const controller = new AbortController()
  try {
    return await Promise.race([
      promise.then(() => true),
      delay(Math.max(0, deadline - Date.now()), false, { signal: controller.signal }),
    ])
  } finally {
    controller.abort()
  }
}

export class AdvisoryLocks {
  private session: Session | undefined
  private trying: Array<Trying> = []
  private lettingGo: Array<LettingGo> = []
  private running = false
  /** Per key, what this process's next holder waits for: every holder before it letting go. */
  private readonly turns = new Map<string, Promise<void>>()

  constructor(
    /** A connection for the session (from a pool kept for sessions that hold locks). */
    private readonly connect: () => Promise<Pg.PoolClient>,
    /** Keys in one statement at most. */
    private readonly maxBatch = 500,
  ) {}

  /**
   * Takes the lock of `key`, tried again after a pause while another process holds it, until
   * `deadline` (epoch milliseconds). Resolves to what lets it go, or to `undefined` when the
   * deadline came first.
   */
  async hold(key: string, deadline: number): Promise<(() => Promise<void>) | undefined> {
    const before = this.turns.get(key)
    let done: () => void = () => undefined
    const mine = new Promise<void>((resolve) => {
      done = resolve
    })
    const turn = before === undefined ? mine : before.then(() => mine)
    this.turns.set(key, turn)
    // Forgotten once every holder in line has let go (one that gave up waiting still has those
    // before it in line).
    void turn.then(() => {
      if (this.turns.get(key) === turn) this.turns.delete(key)
    })
    const finish = done
    try {
      if (before !== undefined && !(await settlesBy(before, deadline))) {
        finish()
        return undefined
      }
      for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
        const session = await this.ask(key)
        if (session !== undefined)
          return async () => {
            try {
              await this.letGo(key, session)
            } finally {
              finish()
            }
          }
        if (Date.now() >= deadline) {
          finish()
          return undefined
        }
        await delay(pause * (0.5 + Math.random()))
      }
    } catch (error) {
      finish()
      throw error
    }
  }

  private ask(key: string): Promise<Session | undefined> {
    return new Promise((resolve, reject) => {
      this.trying.push({ key, resolve, reject })
      this.run()
    })
  }

  private letGo(key: string, session: Session): Promise<void> {
    if (session.broken) return Promise.resolve()
    return new Promise((resolve) => {
      this.lettingGo.push({ key, session, resolve })
      this.run()
    })
  }

  private run(): void {
    if (this.running) return
    this.running = true
    void this.drain()
  }

  private async drain(): Promise<void> {
    try {
      while (this.lettingGo.length > 0 || this.trying.length > 0) {
        // Letting go first: those locks may be what the next tries wait for.
        if (this.lettingGo.length > 0) await this.unlock(this.lettingGo.splice(0, this.maxBatch))
        if (this.trying.length > 0) await this.lock(this.trying.splice(0, this.maxBatch))
      }
    } finally {
      this.running = false
      const session = this.session
      if (session !== undefined && session.held === 0 && !session.broken) {
        // Nothing held: the connection goes back to the pool (idle there, it closes after a while).
        this.session = undefined
        session.client.release()
      }
    }
  }

  private async lock(batch: ReadonlyArray<Trying>): Promise<void> {
    let session: Session
    try {
      session = this.session ?? (await this.newSession())
    } catch (error) {
      for (const trying of batch) trying.reject(error)
      return
    }
    try {
      const { rows } = await session.client.query<{ key: string; locked: boolean }>(
        prepared(
          `SELECT key, pg_try_advisory_lock(hashtextextended(key, 0)) AS locked
           FROM unnest($1::text[]) AS key`,
          [batch.map((trying) => trying.key)],
        ),
      )
      const locked = new Set(rows.filter((row) => row.locked).map((row) => row.key))
      for (const trying of batch) {
        if (!locked.has(trying.key)) {
          trying.resolve(undefined)
          continue
        }
        session.held += 1
        trying.resolve(session)
      }
    } catch (error) {
      // Which locks it took is unknown: dropping the session frees them all.
      this.drop(session, error)
      for (const trying of batch) trying.reject(error)
    }
  }

  private async unlock(batch: ReadonlyArray<LettingGo>): Promise<void> {
    const current = batch.filter(({ session }) => !session.broken)
    const session = current[0]?.session
    try {
      if (session !== undefined)
        await session.client.query(
          prepared(
            `SELECT pg_advisory_unlock(hashtextextended(key, 0)) FROM unnest($1::text[]) AS key`,
            [current.map((letting) => letting.key)],
          ),
        )
    } catch (error) {
      // Dropped, the session takes its locks with it.
      if (session !== undefined) this.drop(session, error)
    } finally {
      if (session !== undefined) session.held -= current.length
      for (const letting of batch) letting.resolve()
    }
  }

  private async newSession(): Promise<Session> {
    const session: Session = { client: await this.connect(), held: 0, broken: false }
    this.session = session
    return session
  }

  private drop(session: Session, error: unknown): void {
    if (session.broken) return
    session.broken = true
    if (this.session === session) this.session = undefined
    session.client.release(error instanceof Error ? error : true)
  }
}
