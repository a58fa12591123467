// A lock file shared by every process that writes one journal directory.
//
// Each lock holder first writes an owner file (`.owner.<pid>.<token>`, JSON with pid, host and
// token) once, and takes the lock by hard-linking it to `journal.lock`: link(2) fails with EEXIST
// when the lock exists, so taking it is atomic, and the lock's content is complete from the first
// instant (no empty lock file for a crash to leave behind). Releasing renames the lock aside,
// checks that it was ours, and unlinks it.
//
// A lock whose holder is dead (same host, pid gone or a zombie, or our own pid with a token no
// journal in this process holds) is stale and broken. Breaking goes through a second lock,
// `journal.lock.break` (created with O_EXCL, held for microseconds, considered abandoned after
// 5 s), and only removes the lock if it is still the same file that was judged stale (device,
// inode, change time and content), so two processes breaking the same stale lock cannot remove a
// lock a live process just took. On a read-only file system there is no lock: nothing can write.
// A holder on another host (a container whose hostname changed after a crash, say) cannot be
// asked whether it lives; its lock is taken as stale once it is older than `foreignStaleMs`, far
// longer than any operation holds the lock (milliseconds). Until then we wait, and past the
// timeout say who holds it.
//
// Within one process, a mutex queues callers first, so they don't poll the file lock.
//
// With `trackHolders`, each taking of the lock also reads `journal.holder`, the random token
// of the lock that last held it, and writes its own there when it differs, before anything is
// written under the hold. `interruptions` counts the holds another lock (another process, another
// journal) had since this one's previous hold: while it stays the same, nothing but this lock's
// holder wrote the journal, and what it checked of the files still holds. A holder file that
// cannot be read counts as an interruption; one that cannot be written refuses the lock.
//
// Taking and releasing the lock (link, stat, unlink) are synchronous calls: microseconds of
// metadata work on a local disk, where a trip through libuv's thread pool would cost more than the
// call itself on a busy machine. The slow calls, write and fsync, stay asynchronous.
import { randomBytes } from "node:crypto"
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import { hostname } from "node:os"
import { join } from "node:path"
import { setTimeout as delay } from "node:timers/promises"
import { JournalUnavailable } from "../JournalError.js"

interface Holder {
  readonly pid: number
  readonly host: string
  readonly token: string
  readonly since: string
}

/** Tokens of the locks this process's journals hold or may hold: never stale while listed. */
const liveTokens = new Set<string>()

/** When this process last swept each directory for dead owner files (`performance.now()`). */
const ownerSweeps = new Map<string, number>()
const OWNER_SWEEP_INTERVAL_MS = 60_000

const LOCK_FILE = "journal.lock"
/** The longest `withLock` keeps the lock across work that keeps coming (see `releaseSoon`). */
const LINGER_MS = 20

/** Locks `withLock` holds, or keeps for the next turn: released if the process exits first. */
const heldLocks = new Set<FileLock>()
process.on("exit", () => {
  for (const lock of heldLocks) lock.releaseNow()
})
const BREAKER_ABANDONED_MS = 5_000

const errnoOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error
    ? String((error as { code: unknown }).code)
    : undefined

/** Whether a process with this pid runs on this host (zombies count as dead). */
export const isProcessAlive = (pid: number): boolean => {
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
    return true // no /proc (not Linux): kill(0) said it exists
  }
}

const parseHolder = (text: string): Holder | undefined => {
  try {
    const value = JSON.parse(text) as Partial<Holder>
    if (typeof value.pid === "number" && typeof value.host === "string")
      return {
        pid: value.pid,
        host: value.host,
        token: String(value.token ?? ""),
        since: String(value.since ?? ""),
      }
  } catch {
    // unreadable: judged by age below
  }
  return undefined
}

/** `heldForMs`: how long the lock has existed (its inode's change time: when it was linked). */
const isStale = (holder: Holder, heldForMs: number, foreignStaleMs: number): boolean =>
  holder.host === hostname()
    ? !isProcessAlive(holder.pid) || (holder.pid === process.pid && !liveTokens.has(holder.token))
    : heldForMs > foreignStaleMs

/** What makes a lock file the one that was judged stale. */
interface LockIdentity {
  readonly dev: number
  readonly ino: number
  readonly ctimeMs: number
  readonly text: string
}

export interface FileLockOptions {
  readonly dir: string
  /** The lock file's name in `dir` (default `journal.lock`). */
  readonly lockName?: string
  readonly timeoutMs: number
  readonly foreignStaleMs: number
  /**
   * One owner file for every lock of `dir` this process holds with this option, kept while one
   * of them is open: for many short locks (one per incident), where writing and removing an owner
   * file for each would cost more than the lock itself.
   */
  readonly sharedOwner?: boolean
  /** Keep `<lock name>.holder` and count `interruptions` (see the module's documentation). */
  readonly trackHolders?: boolean
}

/** An owner file: its path, inode and token. */
interface Owner {
  readonly path: string
  readonly ino: number
  readonly token: string
}

/** The shared owner file of each directory (`sharedOwner`), with the locks open that use it. */
const sharedOwners = new Map<string, { readonly owner: Promise<Owner>; users: number }>()

/** Writes an owner file of this process in `dir`, its token live from before it exists. */
const writeOwner = async (dir: string): Promise<Owner> => {
  const token = randomBytes(8).toString("hex")
  const path = join(dir, `.owner.${process.pid}.${token}`)
  const holder: Holder = {
    pid: process.pid,
    host: hostname(),
    token,
    since: new Date().toISOString(),
  }
  // Listed before the file exists: a sweep in this process never takes it for a leftover.
  liveTokens.add(token)
  try {
    await fs.writeFile(path, `${JSON.stringify(holder)}\n`, { flag: "wx", mode: 0o644 })
    return { path, ino: (await fs.stat(path)).ino, token }
  } catch (error) {
    liveTokens.delete(token)
    throw error
  }
}

/** Removes an owner file: its token is no longer live, so a lock it left behind is stale. */
const removeOwner = async (owner: Owner): Promise<void> => {
  liveTokens.delete(owner.token)
  await fs.unlink(owner.path).catch(() => undefined)
}

export class FileLock {
  readonly path: string
  private readonly breakerPath: string
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false
  /** Set while `withLock` keeps the lock until the next turn of the event loop. */
  private lingering: NodeJS.Immediate | undefined
  /** When `withLock` last took the lock (`performance.now()`). */
  private heldSince = 0
  /** How many times `withLock` took the lock file: one number for one uninterrupted hold. */
  private takings = 0

  private readonly ownerPath: string
  private readonly ownerIno: number
  private readonly token: string
  /** `journal.holder` beside `journal.lock`, with `trackHolders`. */
  private readonly holderPath: string | undefined
  /** This lock's token in the holder file: its own, whatever owner file it shares. */
  private readonly holderToken = randomBytes(12).toString("hex")
  private interrupted = 0

  private constructor(
    private readonly options: FileLockOptions,
    private readonly owner: Owner,
    /** On a read-only file system: no lock file, no writes. */
    readonly readOnly = false,
  ) {
    this.ownerPath = owner.path
    this.ownerIno = owner.ino
    this.token = owner.token
    this.path = join(options.dir, options.lockName ?? LOCK_FILE)
    this.breakerPath = `${this.path}.break`
    this.holderPath =
      options.trackHolders === true ? `${this.path.replace(/\.lock$/, "")}.holder` : undefined
  }

  /**
   * How many times another lock held this one's file between two of its holds, with
   * `trackHolders` (undefined without, and on a read-only file system). The same number across
   * two holds means that nothing else wrote in between.
   */
  get interruptions(): number | undefined {
    return this.holderPath === undefined || this.readOnly ? undefined : this.interrupted
  }

  /** Just after taking the lock: records this lock as the holder, counting another before it. */
  private noteHolder(holderPath: string): void {
    let last: string | undefined
    try {
      last = readFileSync(holderPath, "utf8")
    } catch {
      last = undefined
    }
    if (last === this.holderToken) return
    this.interrupted += 1
    try {
      writeFileSync(holderPath, this.holderToken)
    } catch (error) {
      // Not one write under this hold may go unannounced: give the lock back, refuse the write.
      try {
        unlinkSync(this.path)
      } catch {
        // the lock is ours: nothing else removes it
      }
      throw new JournalUnavailable({ reason: "unwritable", location: holderPath, cause: error })
    }
  }

  /**
   * Writes this holder's owner file; fails when the directory cannot be written, except on a
   * read-only file system, where nothing can write the journal and so reads need no lock: the
   * lock is then read-only (`readOnly`), and the journal refuses to write with a clear error.
   */
  static async create(options: FileLockOptions): Promise<FileLock> {
    try {
      return await FileLock.createWritable(options)
    } catch (error) {
      if (errnoOf(error) !== "EROFS") throw error
      return new FileLock(options, { path: "", ino: -1, token: "" }, true)
    }
  }

  private static async createWritable(options: FileLockOptions): Promise<FileLock> {
    let owner: Owner
    if (options.sharedOwner === true) {
      let shared = sharedOwners.get(options.dir)
      if (shared === undefined) {
        const created = { owner: writeOwner(options.dir), users: 0 }
        sharedOwners.set(options.dir, created)
        created.owner.catch(() => {
          if (sharedOwners.get(options.dir) === created) sharedOwners.delete(options.dir)
        })
        shared = created
      }
      shared.users += 1
      owner = await shared.owner
    } else {
      owner = await writeOwner(options.dir)
    }
    const lock = new FileLock(options, owner)
    try {
      await lock.removeDeadOwnerFiles()
    } catch (error) {
      await lock.close()
      throw error
    }
    return lock
  }

  /**
   * Takes the file lock (waiting up to `timeoutMs`) and returns what releases it: for a lock held
   * across work that is not a promise of this module (a dispatch, an Effect).
   */
  async hold(): Promise<() => Promise<void>> {
    if (this.readOnly)
      throw new JournalUnavailable({
        reason: "unwritable",
        location: this.options.dir,
        cause: new Error("the file system is read-only: no lock can be taken"),
      })
    await this.acquire()
    return async () => this.release()
  }

  /**
   * Takes the file lock if it is free (or its holder is dead) right now, without waiting: for a
   * lease held as long as this process lives (the responder's clock). False when a live process
   * holds it.
   */
  async tryHold(): Promise<(() => Promise<void>) | undefined> {
    if (this.readOnly) return undefined
    try {
      await this.acquire(0)
    } catch (error) {
      if (error instanceof JournalUnavailable && error.reason === "busy") return undefined
      throw error
    }
    return async () => this.release()
  }

  /**
   * Which hold of `withLock` this is, while one lasts: the same number means that the lock was
   * held throughout, so no other process wrote the journal in between. Undefined outside
   * `withLock`, and on a read-only file system.
   */
  get holding(): number | undefined {
    return heldLocks.has(this) ? this.takings : undefined
  }

  /** Whether the lock file is still this holder's (a hard link of its owner file). */
  holds(): boolean {
    if (this.readOnly) return false
    const stat = statSync(this.path, { throwIfNoEntry: false })
    return stat !== undefined && stat.ino === this.ownerIno
  }

  /** Runs `body` holding the lock: first this process's queue, then the file lock. */
  withLock<A>(body: () => Promise<A>): Promise<A> {
    const run = this.queue.then(async () => {
      if (this.closed)
        throw new JournalUnavailable({
          reason: "unwritable",
          location: this.options.dir,
          cause: new Error("this journal was closed; open it again to use it"),
        })
      if (this.readOnly) return body()
      if (this.lingering === undefined) {
        await this.acquire()
        heldLocks.add(this)
        this.takings += 1
        this.heldSince = performance.now()
      } else {
        clearImmediate(this.lingering)
        this.lingering = undefined
      }
      try {
        return await body()
      } finally {
        this.releaseSoon()
      }
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  /**
   * Keeps the lock until the event loop's next turn, unless it has been held for `LINGER_MS`:
   * work queued meanwhile (a writer appending one event after another, each awaited) runs under
   * the same hold. Taking and releasing the lock file are metadata changes of the journal's
   * directory that the next fsync would have to commit too; a writer with nothing more to do
   * lets go a turn later.
   */
  private releaseSoon(): void {
    if (performance.now() - this.heldSince >= LINGER_MS) {
      this.releaseNow()
      return
    }
    this.lingering = setImmediate(() => {
      this.lingering = undefined
      this.releaseNow()
    })
  }

  /** Releases a lock held by `withLock` now (also when the process exits while it holds it). */
  releaseNow(): void {
    if (this.lingering !== undefined) clearImmediate(this.lingering)
    this.lingering = undefined
    heldLocks.delete(this)
    this.release()
  }

  /**
   * Removes the lock if it is still ours. It is first renamed aside (atomic), then judged by the
   * inode it had: a stat-then-unlink could remove a lock that another process took in between
   * (after judging ours stale). One that turns out not to be ours is linked back.
   */
  private release(): void {
    const aside = `${this.path}.release.${this.token}`
    try {
      renameSync(this.path, aside)
    } catch {
      return // already gone
    }
    const moved = statSync(aside, { throwIfNoEntry: false })
    if (moved !== undefined && moved.ino !== this.ownerIno) {
      try {
        linkSync(aside, this.path)
      } catch {
        // a new holder took the free lock meanwhile: the other one was broken as stale anyway
      }
    }
    try {
      unlinkSync(aside)
    } catch {
      // gone
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.queue
    this.closed = true
    if (this.lingering !== undefined) this.releaseNow()
    if (this.readOnly) return
    if (this.options.sharedOwner !== true) return removeOwner(this.owner)
    const shared = sharedOwners.get(this.options.dir)
    if (shared === undefined) return
    shared.users -= 1
    if (shared.users > 0) return
    sharedOwners.delete(this.options.dir)
    await removeOwner(this.owner)
  }

  private async acquire(timeoutMs = this.options.timeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let waitMs = 1
    let holder: Holder | undefined
    for (;;) {
      let taken = false
      try {
        linkSync(this.ownerPath, this.path)
        taken = true
      } catch (error) {
        if (errnoOf(error) !== "EEXIST") throw error
      }
      if (taken) {
        if (this.holderPath !== undefined) this.noteHolder(this.holderPath)
        return
      }
      const current = await this.inspect()
      if (current === "gone") continue
      holder = current
      if (Date.now() >= deadline) break
      await delay(waitMs * (0.5 + Math.random()))
      waitMs = Math.min(waitMs * 2, 50)
    }
    const who =
      holder === undefined
        ? "a holder that left no readable owner"
        : `pid ${holder.pid} on ${holder.host} (its journal opened at ${holder.since})`
    throw new JournalUnavailable({
      reason: "busy",
      location: this.path,
      detail: `held by ${who}`,
      cause: new Error(
        `still locked after ${timeoutMs} ms; if that process is gone, delete ${this.path}`,
      ),
    })
  }

  /** The current holder, "gone" when the lock vanished or was broken as stale. */
  private async inspect(): Promise<Holder | "gone" | undefined> {
    let identity: LockIdentity
    let text: string
    let ctimeMs: number
    try {
      const stat = await fs.stat(this.path)
      ctimeMs = stat.ctimeMs
      text = await fs.readFile(this.path, "utf8")
      identity = { dev: stat.dev, ino: stat.ino, ctimeMs: stat.ctimeMs, text }
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return "gone"
      throw error
    }
    const holder = parseHolder(text)
    const stale =
      holder === undefined
        ? Date.now() - ctimeMs > BREAKER_ABANDONED_MS
        : isStale(holder, Date.now() - ctimeMs, this.options.foreignStaleMs)
    if (!stale) return holder
    return (await this.breakStale(identity)) ? "gone" : holder
  }

  /**
   * Removes the lock if it is still the one judged stale: the same device, inode, change time and
   * content (an inode number alone can be reused by a new holder's owner file once the stale one
   * is freed). False if another breaker is at it.
   */
  private async breakStale(stale: LockIdentity): Promise<boolean> {
    try {
      await fs.writeFile(this.breakerPath, String(process.pid), { flag: "wx" })
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw error
      const stat = await fs.stat(this.breakerPath).catch(() => undefined)
      if (stat !== undefined && Date.now() - stat.mtimeMs > BREAKER_ABANDONED_MS)
        await fs.unlink(this.breakerPath).catch(() => undefined)
      return false
    }
    try {
      const stat = await fs.stat(this.path).catch(() => undefined)
      const text = await fs.readFile(this.path, "utf8").catch(() => undefined)
      if (
        stat !== undefined &&
        stat.dev === stale.dev &&
        stat.ino === stale.ino &&
        stat.ctimeMs === stale.ctimeMs &&
        text === stale.text
      )
        await fs.unlink(this.path)
      return true
    } finally {
      await fs.unlink(this.breakerPath).catch(() => undefined)
    }
  }

  /**
   * Owner files of dead processes on this host (left by a crash) are removed, at most once a
   * minute per directory and process: `dispatch/` holds an owner file for every dispatch in
   * flight, and a storm of them must not read each other's files over and over. The file name
   * carries the pid, so only the files of a pid that is gone (or of this process, with a token no
   * lock here holds) are read, for the host that wrote them.
   */
  private async removeDeadOwnerFiles(): Promise<void> {
    const now = performance.now()
    const last = ownerSweeps.get(this.options.dir)
    if (last !== undefined && now - last < OWNER_SWEEP_INTERVAL_MS) return
    ownerSweeps.set(this.options.dir, now)
    const names = await fs.readdir(this.options.dir)
    for (const name of names) {
      const match = /^\.owner\.(\d+)\.([0-9a-f]+)$/.exec(name)
      if (match === null || match[2] === this.token) continue
      const pid = Number(match[1])
      const candidate =
        pid === process.pid ? !liveTokens.has(match[2] as string) : !isProcessAlive(pid)
      if (!candidate) continue
      const path = join(this.options.dir, name)
      const holder = parseHolder(await fs.readFile(path, "utf8").catch(() => ""))
      // Owner files of other hosts are left alone: their age says nothing about their lock.
      if (holder !== undefined && holder.host === hostname() && isStale(holder, 0, 0))
        await fs.unlink(path).catch(() => undefined)
    }
  }
}
