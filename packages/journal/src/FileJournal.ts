/**
 * The file journal: the embedded default. A directory with one JSON-lines file per incident
 * (`incidents/INC-2026-0042.jsonl`, one event a line as `@ir/core`'s Schema encodes it, with its
 * sequence). Each append is written with O_APPEND and fsynced before it is acknowledged. Writers
 * in several processes are serialised by a lock file (see `journal.lock`), held across
 * read-check-append so `expectedSequence` holds across processes.
 *
 * A torn last record left by a crash is reported by `read` (`torn`, with the byte offset) and
 * every complete record before it is kept; the next write under the lock copies the torn bytes
 * to `<file>.torn-<offset>` and cuts them off, so a new record never glues onto them.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { openFileJournal } from "@ir/journal"
 * const journal = await Effect.runPromise(openFileJournal({ dir: "/tmp/ir-journal" }))
 * const incidents = await Effect.runPromise(journal.list({ status: "open" }))
 * await Effect.runPromise(journal.close)
 * ```
 */
import { randomUUID } from "node:crypto"
import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  openSync,
  readSync,
  type Stats,
  statSync,
} from "node:fs"
import * as fs from "node:fs/promises"
import { homedir } from "node:os"
import { dirname, isAbsolute, join, resolve } from "node:path"
import type { Incident, IncidentEvent, Maintenance } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import {
  appendDurably,
  closeDescriptor,
  openDescriptor,
  readDescriptor,
  syncDirectory,
  writeDurably,
} from "./internal/Descriptor.js"
import { applyAll, decodeStoredEvent, encodeEvents, newIncident } from "./internal/EventCodec.js"
import { FileLock } from "./internal/FileLock.js"
import {
  eachSettled,
  type FileStamp,
  type IndexEntry,
  indexWriteDue,
  isRangeable,
  isSettled,
  readIndex,
  removeAbandonedIndexTemps,
  type SettledPart,
  sameStamp,
  stampOf,
  trustedFor,
  writeIndex,
  writeSettled,
} from "./internal/IncidentIndex.js"
import { type BackendLease, journalService } from "./internal/JournalService.js"
import { parseChunk } from "./internal/JsonLines.js"
import {
  decodeWindow,
  encodeWindow,
  endedAt,
  foldMaintenance,
  type MaintenanceRecord,
} from "./internal/MaintenanceCodec.js"
import {
  byNewest,
  dedupKeyOf,
  formatHumanId,
  humanIdPattern,
  type IncidentMeta,
  mayMatchResolvedOpenedBefore,
  summaryFilter,
  summaryOf,
  uuidPattern,
} from "./internal/Summary.js"
import type {
  AppendOptions,
  AppendResult,
  IncidentRecord,
  IncidentSummary,
  Journal,
  JournalDamage,
  ListFilter,
  OpenInput,
  OpenResult,
  SettledApart,
  TornRecord,
} from "./Journal.js"
import {
  JournalConflict,
  JournalNotFound,
  JournalUnavailable,
  MaintenanceWindowError,
} from "./JournalError.js"

type Event = IncidentEvent.IncidentEvent
type MaintenanceWindow = Maintenance.MaintenanceWindow

/**
 * Options of the file journal.
 *
 * @example
 * ```ts
 * import type { FileJournalOptions } from "@ir/journal"
 * const options: FileJournalOptions = { dir: "/var/lib/ir/journal", lockTimeoutMs: 5_000 }
 * ```
 */
export interface FileJournalOptions {
  /** The journal directory; default `defaultJournalDir(env)`. Created if missing. */
  readonly dir?: string
  /** Environment for the default directory; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** How long a write waits for another process's lock before failing `busy`; default 10 s. */
  readonly lockTimeoutMs?: number
  /**
   * When a lock held by a process on another host (whose life cannot be checked) counts as
   * abandoned; default 60 s. Locks are held for milliseconds; locks of dead processes on this
   * host are taken over at once.
   */
  readonly staleLockAfterMs?: number
}

/**
 * The default journal directory: `$XDG_STATE_HOME/ir/journal` when `XDG_STATE_HOME` is an
 * absolute path, else `$HOME/.local/state/ir/journal` (the XDG Base Directory default).
 *
 * @example
 * ```ts
 * import { defaultJournalDir } from "@ir/journal"
 * defaultJournalDir({ HOME: "/home/alice" }) // "/home/alice/.local/state/ir/journal"
 * defaultJournalDir({ XDG_STATE_HOME: "/state" }) // "/state/ir/journal"
 * ```
 */
export const defaultJournalDir = (env: Readonly<Record<string, string | undefined>>): string => {
  const stateHome = env.XDG_STATE_HOME
  if (stateHome !== undefined && isAbsolute(stateHome)) return join(stateHome, "ir", "journal")
  const home = env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir()
  return join(home, ".local", "state", "ir", "journal")
}

interface CachedIncident {
  meta: IncidentMeta
  file: string
  /** Bytes of complete records read so far. */
  offset: number
  sequence: number
  state: Incident
  events: Array<Event>
  torn: { offset: number; length: number } | undefined
  /** The file's size, mtime and inode when it was last read or written. */
  stamp: FileStamp
}

/** An `open` waiting for its turn of the lock. */
interface PendingOpen {
  readonly input: OpenInput
  readonly resolve: (result: OpenResult) => void
  readonly reject: (error: unknown) => void
}

/** A `findByDedupKey` waiting for its turn of the lock. */
interface PendingLookup {
  readonly key: string
  readonly resolve: (summary: IncidentSummary | undefined) => void
  readonly reject: (error: unknown) => void
}

/** An `append` waiting for its turn of the lock. */
interface PendingAppend {
  readonly incidentId: string
  readonly events: ReadonlyArray<Event>
  readonly options: AppendOptions
  readonly resolve: (result: AppendResult) => void
  readonly reject: (error: unknown) => void
}

/** What waits for the next turn of the lock, to be done together in it (group commit). */
interface Turn {
  readonly opens: Array<PendingOpen>
  readonly lookups: Array<PendingLookup>
  readonly appends: Array<PendingAppend>
}

/** The records a turn appends to one incident file, and the appends they settle. */
interface FileWrite {
  readonly cached: CachedIncident
  readonly lines: Array<string>
  readonly done: Array<{ readonly waiting: PendingAppend; readonly result: AppendResult }>
  sequence: number
  state: Incident
  readonly events: Array<Event>
}

/** A new incident of a turn of opens, with the opens of its dedup key that joined it. */
interface PlannedOpen {
  readonly waiting: PendingOpen
  readonly joiners: Array<PendingOpen>
  readonly temp: string
  readonly line: Buffer
  readonly cached: CachedIncident
}

const NUMBERED_FILE = /^INC-(\d{4})-(\d{4,})\.jsonl$/
/** The append-only log of maintenance windows started and ended (`ir maintenance`). */
const MAINTENANCE_FILE = "maintenance.jsonl"

/** The keys recorded once (`recordOnce`): reminders sent outside any incident. */
const ONCE_FILE = "once.jsonl"

/** The byte offset of line `index` of a file's complete lines. */
const offsetOfLine = (lines: ReadonlyArray<string>, index: number): number =>
  lines.slice(0, index).reduce((offset, line) => offset + Buffer.byteLength(line) + 1, 0)
const TMP_PREFIX = ".tmp-"

const errnoOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error
    ? String((error as { code: unknown }).code)
    : undefined

const syncDir = syncDirectory

/** Incident files up to this size are read whole with synchronous calls the first time. */
const SYNC_READ_MAX_BYTES = 256 * 1024

/** The whole of a small file with its stats, read synchronously; "large" past the bound. */
const readSmallFile = (
  file: string,
): { readonly bytes: Buffer; readonly stats: Stats } | "missing" | "large" => {
  let fd: number
  try {
    fd = openSync(file, fsConstants.O_RDONLY)
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return "missing"
    throw error
  }
  try {
    const stats = fstatSync(fd)
    if (stats.size > SYNC_READ_MAX_BYTES) return "large"
    const bytes = Buffer.alloc(stats.size)
    let read = 0
    while (read < bytes.length) {
      const count = readSync(fd, bytes, read, bytes.length - read, read)
      if (count === 0) break
      read += count
    }
    return { bytes: bytes.subarray(0, read), stats }
  } finally {
    closeSync(fd)
  }
}

const OPEN_FOR_APPEND = fsConstants.O_RDWR | fsConstants.O_APPEND
/** Incident files kept open between operations (the least recently used is closed first). */
const MAX_OPEN_FILES = 32
/**
 * Incidents kept in memory with all their events (the least recently used is dropped first):
 * a long-running `ir serve` holds what it reads and writes, not the whole journal; the index
 * holds every incident's summary.
 */
const MAX_CACHED_INCIDENTS = 1024
/**
 * Of those, how many resolved incidents: a resolved incident is rarely read twice (`/metrics`
 * reads each once per process), and 10,000 of them kept until 1,024 reads later would each
 * outlive V8's young generation: hundreds of megabytes of old-generation garbage.
 */
const MAX_CACHED_RESOLVED = 64

/** How many files an open's dedup look-up may have read again before it writes the index. */
const REREADS_BEFORE_WRITE = 64
/**
 * Resolved incidents opened longer ago than this go to the settled part of the index: past the
 * 30 days `ir escalate` and `ir serve` keep resolved incidents in view, so that neither reads it.
 */
const SETTLE_AFTER_MS = 45 * 86_400_000

/** While the settled part is not loaded, it is read and written again for this many at once. */
const SETTLE_BATCH = 256

/**
 * Between two full listings of `incidents/` (for the numbers of years not seen yet, temporary
 * files left by a crash, and any file not numbered in turn), new incidents of other processes are
 * found by probing the next number of each year: a listing of 30,000 names on every turn of an
 * alert storm was what it spent most on.
 */
const FULL_LISTING_EVERY_MS = 1_000

/** Names a list goes through in one hold of the lock (see `validEntries`). */
const NAMES_PER_HOLD = 4_096

/** How often a process that lists checks ahead the files whose check is about to run out. */
const CHECK_AHEAD_EVERY_MS = 1_000

/** Files checked ahead in one go; other work runs between two such slices. */
const CHECKS_PER_SLICE = 256

/** A pass of `validEntries` over a listing of `incidents/`, one hold of the lock at a time. */
interface ListingPass {
  readonly needsCheck: (entry: IndexEntry) => boolean
  readonly withSettled: () => boolean
  readonly keep: (entry: IndexEntry) => boolean
  readonly entries: Array<IndexEntry>
  /** The listing, taken in the first hold. */
  humanIds?: ReadonlyArray<string>
  /** `entriesAdded` when the listing was taken. */
  addedBefore?: number
  /** The next name to go through. */
  at: number
  /** The names gone through that have an entry. */
  listed: number
}

const listingPass = (
  needsCheck: ListingPass["needsCheck"],
  withSettled: ListingPass["withSettled"],
  keep: ListingPass["keep"],
): ListingPass => ({ needsCheck, withSettled, keep, entries: [], at: 0, listed: 0 })

class FileJournalImpl {
  private readonly incidentsDir: string
  private readonly cache = new Map<string, CachedIncident>()
  /** The resolved incidents of `cache`, least recently read first (see `MAX_CACHED_RESOLVED`). */
  private readonly cachedResolved = new Set<string>()
  /** Leases held (closed with the journal: a closed journal leads nothing). */
  private readonly leases = new Set<() => Promise<void>>()
  private readonly humanIdByUuid = new Map<string, string>()
  /** Open incident files, least recently used first; only touched under the lock. */
  private readonly handles = new Map<string, number>()
  /**
   * Every incident's summary (or damage) with the stamp of the file it came from, by human id;
   * loaded from `index.json` on first use (see internal/IncidentIndex.ts). Only touched under
   * the lock.
   */
  private index: Map<string, IndexEntry> | undefined
  /** Whether `index` holds anything `index.json` does not. */
  private indexDirty = false
  /** Incident files read again for the index since it was last written. */
  private rereadSinceWrite = 0
  /** The stored index was missing or unusable: the one in memory was rebuilt from the files. */
  private indexRebuilt = false
  /** When this process last wrote the index (performance.now()), if it has. */
  private indexWrittenAt: number | undefined
  /** When this process last wrote an incident (`performance.now()`). */
  private wroteAt = Number.NEGATIVE_INFINITY
  /** The side logs last read (`readSideRecords`), with the stamp of the file they came from. */
  private readonly sideRecords = new Map<
    string,
    {
      readonly stamp: FileStamp
      readonly read: {
        file: string
        lines: ReadonlyArray<string>
        records: ReadonlyArray<unknown>
        complete: number
      }
    }
  >()
  /**
   * The listing of `incidents/` taken in the current hold of the lock (see `openTogether`), with
   * this process's new files added: exact while the hold lasts.
   */
  private heldListing:
    | { readonly holding: number | undefined; readonly lastOfYear: Map<number, number> }
    | undefined
  /** When this process last listed `incidents/` whole (`performance.now()`). */
  private fullListingAt: number | undefined
  /**
   * The last number of each year this process has brought its index up to: an incident of another
   * process numbered above it is new.
   */
  private syncedLastOfYear: Map<number, number> | undefined
  /** What waits for the next turn of the lock (see `joinTurn`), once something does. */
  private nextTurn: Turn | undefined
  /**
   * The human ids of incidents opened with each dedup key, as far as the index knows; a dedup key
   * never changes. Entries of files since removed may linger: each is checked when looked up.
   */
  private readonly idsByKey = new Map<string, string | Set<string>>()
  /** The settled part of the index as `index.json` names it (see internal/IncidentIndex.ts). */
  private settled: SettledPart = { ids: new Set(), openedBefore: Number.NEGATIVE_INFINITY }
  /** Whether the entries of `index-settled.json` are in `index`. */
  private settledLoaded = false
  /** Whether `index-settled.json` holds an entry no longer right, or lacks one it names. */
  private settledDirty = false
  /** The other holds of the lock the checks in `trustedUntil` follow (see `trustChecks`). */
  private checksFollow: number | undefined
  /**
   * Until when (`performance.now()`) the last check of each incident's file against its index
   * entry is trusted (see `trustChecks`).
   */
  private readonly trustedUntil = new Map<string, number>()
  /** The timer of `checkAhead`, from the first list that trusts its checks until `close`. */
  private checkAheadTimer: ReturnType<typeof setInterval> | undefined
  private checkingAhead = false
  /** How many entries `setEntry` added to the index (see `validEntries`). */
  private entriesAdded = 0
  private closed = false
  /** The sets of the names of listings still in use (see `namesAsSet`). */
  private readonly listingSets = new WeakMap<ReadonlyArray<string>, ReadonlySet<string>>()
  /**
   * Counts the changes of the settled part's ids, for its stamp (see `listSettledApart`): every
   * change of `settled` goes through `settledChanged`.
   */
  private settledGeneration = 0
  /** Makes this journal object's stamps its own: another object counts from 0 as well. */
  private readonly settledToken = randomUUID().slice(0, 8)
  /** The last listing of `incidents/`, with the directory's stamp when it was taken. */
  private listing: { readonly stamp: FileStamp; readonly names: ReadonlyArray<string> } | undefined
  /**
   * The names of `incidents/` as the index read from disk gives them, with the directory's stamp
   * it recorded: a listing as good as `readdir` while the directory keeps that stamp.
   */
  private storedListing:
    | { readonly stamp: FileStamp; readonly names: ReadonlyArray<string> }
    | undefined

  constructor(
    readonly dir: string,
    private readonly lock: FileLock,
  ) {
    this.incidentsDir = join(dir, "incidents")
  }

  /** A journal on a read-only file system is read, never written. */
  private refuseReadOnly(): void {
    if (this.lock.readOnly) throw this.readOnlyError()
  }

  private readOnlyError(): JournalUnavailable {
    return new JournalUnavailable({
      reason: "unwritable",
      location: this.dir,
      cause: new Error("the file system is read-only: the journal can be read but not written"),
    })
  }

  /**
   * The next turn of the lock, for work to join: opens, dedup-key lookups and appends that arrive
   * while another holds the lock wait together, and the next turn does all of them (group
   * commit): one listing of `incidents/` and one look at the keys for every open and lookup,
   * every file written and fsynced at once, and one fsync of the directory for the new ones.
   * Each caller's promise resolves only once its own change is durable.
   */
  private joinTurn(): Turn {
    if (this.nextTurn !== undefined) return this.nextTurn
    const turn: Turn = { opens: [], lookups: [], appends: [] }
    this.nextTurn = turn
    let began = false
    this.lock
      .withLock(() => {
        began = true
        if (this.nextTurn === turn) this.nextTurn = undefined
        return this.runTurn(turn)
      })
      .catch((error: unknown) => {
        // The turn never began (the lock could not be taken): none of its work happened.
        if (began) return
        if (this.nextTurn === turn) this.nextTurn = undefined
        for (const waiting of [...turn.opens, ...turn.lookups, ...turn.appends])
          waiting.reject(error)
      })
    return turn
  }

  /** One turn of the lock (see `joinTurn`): appends first, then lookups and opens. */
  private async runTurn(turn: Turn): Promise<void> {
    if (turn.appends.length > 0) await this.appendTogether(turn.appends)
    if (turn.opens.length > 0 || turn.lookups.length > 0)
      await this.openTogether(turn.opens, turn.lookups)
  }

  /**
   * Opens the incident, or finds the active one of its dedup key, in the next turn of the lock
   * (see `joinTurn`). Two opens of one dedup key in the same turn give one incident, as they
   * would one after the other.
   */
  open(input: OpenInput): Promise<OpenResult> {
    return new Promise<OpenResult>((resolve, reject) => {
      this.joinTurn().opens.push({ input, resolve, reject })
    })
  }

  /**
   * The opens and lookups of one turn; settles every promise, never throws. New incident files
   * are written whole under a temporary name, fsynced, linked into place, and the directory
   * fsynced once for all of them.
   */
  private async openTogether(
    opens: ReadonlyArray<PendingOpen>,
    lookups: ReadonlyArray<PendingLookup>,
  ): Promise<void> {
    const planned: Array<PlannedOpen> = []
    const settled = new Set<PendingOpen>()
    const settle = (waiting: PendingOpen, outcome: Either.Either<OpenResult, unknown>) => {
      if (settled.has(waiting)) return
      settled.add(waiting)
      if (Either.isRight(outcome)) waiting.resolve(outcome.right)
      else waiting.reject(outcome.left)
    }
    const fail = (plan: PlannedOpen, error: unknown) => {
      for (const waiting of [plan.waiting, ...plan.joiners]) settle(waiting, Either.left(error))
    }
    let batch = opens
    if (batch.length > 0 && this.lock.readOnly) {
      const refused = this.readOnlyError()
      for (const waiting of batch) settle(waiting, Either.left(refused))
      batch = []
    }
    try {
      // The listing of `incidents/` (the last number of each year, temporary files left behind,
      // other processes' new incidents) is taken once per hold of the lock: while the hold lasts
      // no other process can add a file, and this one adds its own to it.
      const holding = this.lock.holding
      const years = batch.map((waiting) => waiting.input.at.getUTCFullYear())
      const held = this.heldListing
      // A year the listing has not seen (a backdated open) is looked for in a full listing.
      let listing =
        holding !== undefined &&
        held?.holding === holding &&
        years.every((year) => held.lastOfYear.has(year))
          ? held
          : undefined
      if (listing === undefined) {
        const synced = this.syncedLastOfYear
        let lastOfYear: Map<number, number>
        let unsynced: ReadonlyArray<string>
        if (
          synced === undefined ||
          this.fullListingAt === undefined ||
          performance.now() - this.fullListingAt >= FULL_LISTING_EVERY_MS ||
          years.some((year) => !synced.has(year))
        ) {
          const scan = scanListing(await fs.readdir(this.incidentsDir))
          if (!this.lock.readOnly)
            for (const name of scan.temps)
              await fs.unlink(join(this.incidentsDir, name)).catch(() => undefined)
          this.fullListingAt = performance.now()
          lastOfYear = scan.lastOfYear
          unsynced = synced === undefined ? scan.names : numbersAbove(synced, lastOfYear)
        } else {
          // Between full listings, another process's new incidents are found by their numbers:
          // each is the last of its year plus one.
          lastOfYear = new Map(synced)
          for (const [year, last] of lastOfYear) {
            let number = last
            while (
              statSync(this.fileOf(formatHumanId(year, number + 1)), { throwIfNoEntry: false })
            )
              number += 1
            lastOfYear.set(year, number)
          }
          unsynced = numbersAbove(synced, lastOfYear)
        }
        listing = { holding, lastOfYear }
        // The same map: this process's own opens in the hold move it on.
        this.syncedLastOfYear = lastOfYear
        // Files of other processes the index does not know yet: read before any key is looked up.
        const index = await this.loadIndex()
        for (const humanId of unsynced)
          if (!index.has(humanId) && !this.isUnloadedSettled(humanId))
            await this.checkedEntry(humanId, undefined)
      }
      this.heldListing = listing
      const keyOf = new Map(batch.map((waiting) => [waiting, dedupKeyOf(waiting.input)]))
      const keys = new Set([...keyOf.values(), ...lookups.map((lookup) => lookup.key)])
      keys.delete(undefined)
      const found = await this.incidentsOfKeys(
        keys as Set<string>,
        new Set(lookups.map((lookup) => lookup.key)),
      )
      for (const lookup of lookups) {
        const matching = found.get(lookup.key)
        lookup.resolve(matching?.active ?? matching?.newest)
      }
      const byKey = new Map<string, PlannedOpen>()
      const lastOfYear = listing?.lastOfYear ?? new Map<number, number>()
      for (const waiting of batch) {
        try {
          const dedupKey = keyOf.get(waiting)
          if (dedupKey !== undefined) {
            const sibling = byKey.get(dedupKey)
            if (sibling !== undefined) {
              sibling.joiners.push(waiting)
              continue
            }
            const active = found.get(dedupKey)?.active
            if (active !== undefined) {
              const incident = this.record(await this.resolve(active.humanId))
              settle(waiting, Either.right({ incident, created: false }))
              continue
            }
          }
          const year = waiting.input.at.getUTCFullYear()
          const last = (lastOfYear.get(year) ?? 0) + 1
          const plan = this.planOpen(waiting, formatHumanId(year, last), dedupKey)
          lastOfYear.set(year, last)
          planned.push(plan)
          if (dedupKey !== undefined) byKey.set(dedupKey, plan)
        } catch (error) {
          settle(waiting, Either.left(error))
        }
      }
      // Opens write the index only after many reads: each open is one more file to read next.
      if (this.rereadSinceWrite > REREADS_BEFORE_WRITE && this.indexWriteDue())
        await this.persistIndex()
      // link(2) never replaces a file, and an incident file always starts with its complete
      // opened record.
      const written = await Promise.allSettled(
        planned.map((plan) => appendDurably(plan.temp, plan.line, "wx")),
      )
      const linked: Array<PlannedOpen> = []
      for (const [index, plan] of planned.entries()) {
        const outcome = written[index]
        try {
          if (outcome?.status === "rejected") throw outcome.reason
          await fs.link(plan.temp, plan.cached.file)
          linked.push(plan)
        } catch (error) {
          fail(plan, error)
        }
      }
      if (linked.length > 0) {
        try {
          await syncDir(this.incidentsDir)
        } catch (error) {
          for (const plan of linked.splice(0)) fail(plan, error)
        }
      }
      // A temporary file left here is removed by the next open.
      await Promise.all(planned.map((plan) => fs.unlink(plan.temp).catch(() => undefined)))
      // After any failure the numbers are taken again from a full listing.
      if (linked.length !== planned.length) this.forgetListing()
      if (linked.length > 0) this.wroteAt = performance.now()
      for (const plan of linked) {
        plan.cached.stamp = stampOf(statSync(plan.cached.file))
        this.remember(plan.cached)
        const incident = this.record(plan.cached)
        settle(plan.waiting, Either.right({ incident, created: true }))
        for (const joiner of plan.joiners)
          settle(joiner, Either.right({ incident, created: false }))
      }
    } catch (error) {
      this.forgetListing()
      // The turn itself failed (the listing, say): every open and lookup not yet settled.
      for (const waiting of batch) settle(waiting, Either.left(error))
      for (const lookup of lookups) lookup.reject(error)
    }
  }

  /** Makes the next turn take a full listing, and check every name of it against the index. */
  private forgetListing(): void {
    this.heldListing = undefined
    this.syncedLastOfYear = undefined
    this.fullListingAt = undefined
  }

  /**
   * The incidents opened with each of `keys`: the newest one in progress, and for `lookups`, the
   * newest of all, from the index (brought up to date with the listing first, see
   * `openTogether`). Every one opened with one of the keys is checked against its file (a
   * `stat`; read again if it moved); the settled part of the index is read only for a look-up
   * with nothing in progress and nothing opened since the settled incidents were.
   */
  private async incidentsOfKeys(
    keys: ReadonlySet<string>,
    lookups: ReadonlySet<string>,
  ): Promise<Map<string, { active?: IncidentSummary; newest?: IncidentSummary }>> {
    const found = new Map<string, { active?: IncidentSummary; newest?: IncidentSummary }>()
    if (keys.size === 0) return found
    const index = await this.loadIndex()
    const scan = async (key: string) => {
      found.delete(key)
      const ids = this.idsByKey.get(key)
      if (ids === undefined) return
      for (const humanId of typeof ids === "string" ? [ids] : [...ids]) {
        const summary = (await this.checkedEntry(humanId, index.get(humanId)))?.summary
        if (summary?.dedupKey !== key) {
          if (typeof ids !== "string") ids.delete(humanId)
          else if (this.idsByKey.get(key) === ids) this.idsByKey.delete(key)
          continue
        }
        const known = found.get(key) ?? {}
        if (known.newest === undefined || byNewest(summary, known.newest) < 0)
          known.newest = summary
        if (
          summary.status !== "resolved" &&
          (known.active === undefined || byNewest(summary, known.active) < 0)
        )
          known.active = summary
        found.set(key, known)
      }
    }
    for (const key of keys) await scan(key)
    // Every settled incident was opened before `settled.openedBefore`: one found since is newer
    // than any of them, and the settled part has nothing to add.
    const unanswered = [...lookups].filter((key) => {
      const known = found.get(key)
      return (
        known?.active === undefined &&
        !(
          known?.newest !== undefined &&
          known.newest.openedAt.getTime() >= this.settled.openedBefore
        )
      )
    })
    if (unanswered.length > 0 && !this.settledLoaded && this.settled.ids.size > 0) {
      await this.loadSettled()
      for (const key of unanswered) await scan(key)
    }
    return found
  }

  /** The opened record (and initial events) of a new incident, encoded and folded. */
  private planOpen(
    waiting: PendingOpen,
    humanId: string,
    dedupKey: string | undefined,
  ): PlannedOpen {
    const { dedupKey: _, initialEvents = [], ...fields } = waiting.input
    const {
      meta,
      stored,
      events: canonical,
      state,
    } = newIncident(fields, initialEvents, humanId, dedupKey)
    // Several records carry `to`, their last sequence, as an append of several events does.
    const to = stored.length
    const line = Buffer.from(
      stored
        .map(
          (event, index) =>
            `${JSON.stringify({ seq: index + 1, ...(index === 0 ? { incident: meta } : {}), ...(to > 1 ? { to } : {}), event })}\n`,
        )
        .join(""),
    )
    return {
      waiting,
      joiners: [],
      temp: join(this.incidentsDir, `${TMP_PREFIX}${meta.id}`),
      line,
      cached: {
        meta,
        file: this.fileOf(humanId),
        offset: line.length,
        sequence: canonical.length,
        state,
        events: canonical,
        torn: undefined,
        stamp: { size: 0, mtimeMs: 0, ino: 0 },
      },
    }
  }

  /** Appends in the next turn of the lock (see `joinTurn`). */
  append(
    incidentId: string,
    events: ReadonlyArray<Event>,
    options: AppendOptions,
  ): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.joinTurn().appends.push({ incidentId, events, options, resolve, reject })
    })
  }

  /**
   * The appends of one turn, in the order they arrived; settles every promise, never throws.
   * Each is checked and folded onto what the appends before it in the turn left; then each
   * incident's new records are written at once, and all files fsynced at the same time.
   */
  private async appendTogether(appends: ReadonlyArray<PendingAppend>): Promise<void> {
    const writes = new Map<CachedIncident, FileWrite>()
    for (const waiting of appends) {
      try {
        this.refuseReadOnly()
        const cached = await this.resolve(waiting.incidentId)
        const pending = writes.get(cached)
        const sequence = pending?.sequence ?? cached.sequence
        const expected = waiting.options.expectedSequence
        if (expected !== undefined && expected !== sequence)
          throw new JournalConflict({
            reason: "sequence-conflict",
            incidentId: cached.meta.humanId,
            expectedSequence: expected,
            actualSequence: sequence,
          })
        const encoded = encodeEvents(waiting.events)
        if (Either.isLeft(encoded)) throw encoded.left
        const canonical = encoded.right.map((stored) =>
          Either.getOrThrow(decodeStoredEvent(stored)),
        )
        const state = applyAll(pending?.state ?? cached.state, canonical)
        if (Either.isLeft(state)) throw state.left
        // Only a write cuts torn bytes off (after keeping them): a refused append changes nothing.
        const repaired =
          cached.torn === undefined || canonical.length === 0
            ? undefined
            : await this.repairTorn(cached)
        const result: AppendResult = {
          id: cached.meta.id,
          humanId: cached.meta.humanId,
          sequence: sequence + canonical.length,
          state: state.right,
          ...(repaired === undefined ? {} : { repaired }),
        }
        if (canonical.length === 0) {
          waiting.resolve(result)
          continue
        }
        // Several events carry `to`, their last sequence: all of them count, or none (JsonLines).
        const to = sequence + encoded.right.length
        const write = pending ?? {
          cached,
          lines: [],
          done: [],
          sequence,
          state: cached.state,
          events: [],
        }
        for (const [index, event] of encoded.right.entries())
          write.lines.push(
            `${JSON.stringify({ seq: sequence + index + 1, ...(encoded.right.length > 1 ? { to } : {}), event })}\n`,
          )
        write.sequence = to
        write.state = state.right
        write.events.push(...canonical)
        write.done.push({ waiting, result })
        writes.set(cached, write)
      } catch (error) {
        waiting.reject(error)
      }
    }
    // In groups that fit among the handles kept open: a handle is never closed while written.
    const all = [...writes.values()]
    for (let start = 0; start < all.length; start += MAX_OPEN_FILES / 2)
      await Promise.all(
        all.slice(start, start + MAX_OPEN_FILES / 2).map((write) => this.write(write)),
      )
  }

  /** Writes and fsyncs the records of one incident's appends of a turn, and settles them. */
  private async write(write: FileWrite): Promise<void> {
    const { cached } = write
    const bytes = Buffer.from(write.lines.join(""))
    try {
      const fd = await this.handleFor(cached.file)
      if (fd === undefined) throw new Error(`${cached.file} disappeared`)
      await writeDurably(fd, bytes)
      cached.stamp = stampOf(fstatSync(fd))
    } catch (error) {
      this.forget(cached) // what reached the disk is read back next time
      await this.dropHandle(cached.file)
      for (const { waiting } of write.done) waiting.reject(error)
      return
    }
    cached.offset += bytes.length
    cached.sequence = write.sequence
    cached.state = write.state
    cached.events.push(...write.events)
    this.wroteAt = performance.now()
    this.noteInIndex(cached)
    for (const { waiting, result } of write.done) waiting.resolve(result)
  }

  read(incidentId: string): Promise<IncidentRecord> {
    return this.lock.withLock(async () => this.record(await this.resolve(incidentId)))
  }

  async list(filter: ListFilter): Promise<ReadonlyArray<IncidentSummary>> {
    const matches = summaryFilter(filter)
    const entries = await this.validEntries(
      // A resolved incident the filter leaves out stays left out whatever is appended to it.
      (entry) => !isSettled(entry) || matches(entry.summary as IncidentSummary),
      () => this.needsSettled(filter),
      (entry) => entry.summary !== undefined && matches(entry.summary),
    )
    const summaries = entries.map((entry) => entry.summary as IncidentSummary)
    summaries.sort(byNewest)
    return filter.limit === undefined ? summaries : summaries.slice(0, filter.limit)
  }

  /**
   * Every summary but those of the settled part, which go to `visit` when the part's stamp is
   * not `known` (see `Journal.listSettledApart`): the settled file is gone through a line at a
   * time and never loaded, so a caller that keeps a tally of the part (the figures of `/metrics`)
   * holds neither 10,000 summaries nor the young generation V8 grows for them. The part and the
   * rest are taken in the same hold of the lock, the last of the listing: an incident that
   * joined the part as the index was written in that hold is in the part only.
   */
  async listSettledApart(
    known: string | undefined,
    visit: (summary: IncidentSummary) => void,
  ): Promise<SettledApart> {
    let answer: SettledApart | undefined
    await this.validEntries(
      () => true,
      () => false,
      (entry) => entry.summary !== undefined && !this.settled.ids.has(entry.humanId),
      async (entries) => {
        let visited = true
        const left: Array<string> = []
        if (this.settledStamp() !== known) {
          const visiting = await this.visitSettled(visit)
          visited = visiting.complete
          left.push(...visiting.left)
        }
        const summaries: Array<IncidentSummary> = []
        for (const entry of entries)
          if (!this.settled.ids.has(entry.humanId)) summaries.push(entry.summary as IncidentSummary)
        // Incidents that left the part as it was gone through are read from their files.
        for (const humanId of left) {
          const checked = this.checkedEntry(humanId, undefined)
          const entry = checked instanceof Promise ? await checked : checked
          if (entry?.summary !== undefined) summaries.push(entry.summary)
        }
        summaries.sort(byNewest)
        answer = { summaries, settled: this.settledStamp(), visited }
      },
    )
    return answer as SettledApart
  }

  /** The incident in progress of the key, else its newest; in the next turn (see `joinTurn`). */
  findByDedupKey(key: string): Promise<IncidentSummary | undefined> {
    return new Promise<IncidentSummary | undefined>((resolve, reject) => {
      this.joinTurn().lookups.push({ key, resolve, reject })
    })
  }

  recordOnce(key: string, at: Date): Promise<boolean> {
    return this.lock.withLock(async () => {
      this.refuseReadOnly()
      const { keys, complete } = await this.readOnce()
      if (keys.has(key)) return false
      await this.appendSideRecord(ONCE_FILE, complete, { key, at: at.toISOString() })
      return true
    })
  }

  isRecorded(key: string): Promise<boolean> {
    return this.lock.withLock(async () => (await this.readOnce()).keys.has(key))
  }

  /** The keys of `once.jsonl`. */
  private async readOnce(): Promise<{ keys: ReadonlySet<string>; complete: number }> {
    const { file, lines, records, complete } = await this.readSideRecords(ONCE_FILE)
    const keys = new Set<string>()
    records.forEach((record, index) => {
      const key = (record as { key?: unknown } | null)?.key
      if (typeof key !== "string")
        throw this.corrupt(file, offsetOfLine(lines, index), "a record without its key")
      keys.add(key)
    })
    return { keys, complete }
  }

  /**
   * Read without the lock (every alert that may open an incident asks, and would otherwise wait
   * for the opens and appends ahead of it): `maintenance.jsonl` only ever grows by whole lines,
   * after a torn last line is cut off, and a read keeps only the lines that end in a newline, so
   * it sees the windows as they were before or after any write in progress, never half of one.
   */
  async maintenanceWindows(): Promise<ReadonlyArray<MaintenanceWindow>> {
    return (await this.readMaintenance()).windows
  }

  startMaintenance(window: MaintenanceWindow): Promise<MaintenanceWindow> {
    return this.lock.withLock(async () => {
      this.refuseReadOnly()
      const { windows, complete } = await this.readMaintenance()
      if (windows.some((known) => known.id === window.id))
        throw new MaintenanceWindowError({
          reason: "duplicate-id",
          windowId: window.id,
          location: this.dir,
        })
      const stored = encodeWindow(window)
      await this.appendSideRecord(MAINTENANCE_FILE, complete, {
        maintenance: "started",
        window: stored,
      } satisfies MaintenanceRecord)
      return Either.getOrThrow(decodeWindow(stored))
    })
  }

  endMaintenance(windowId: string, at: Date, by: string | undefined): Promise<MaintenanceWindow> {
    return this.lock.withLock(async () => {
      this.refuseReadOnly()
      const { windows, complete } = await this.readMaintenance()
      const window = windows.find((known) => known.id === windowId)
      if (window === undefined)
        throw new MaintenanceWindowError({
          reason: "no-such-window",
          windowId,
          location: this.dir,
        })
      if (window.end.getTime() <= at.getTime()) return window
      await this.appendSideRecord(MAINTENANCE_FILE, complete, {
        maintenance: "ended",
        id: windowId,
        at: at.toISOString(),
        ...(by === undefined ? {} : { by }),
      } satisfies MaintenanceRecord)
      return endedAt(window, at)
    })
  }

  /**
   * The windows of `maintenance.jsonl`, and the length of its complete records: a last line
   * without its newline is a write a crash cut short, never an acknowledged window.
   */
  private async readMaintenance(): Promise<{
    windows: ReadonlyArray<MaintenanceWindow>
    complete: number
  }> {
    const { file, lines, records, complete } = await this.readSideRecords(MAINTENANCE_FILE)
    const folded = foldMaintenance(records)
    if (Either.isLeft(folded))
      throw this.corrupt(file, offsetOfLine(lines, folded.left.index), folded.left.problem)
    return { windows: folded.right, complete }
  }

  /**
   * The records of a side log (`maintenance.jsonl`, `once.jsonl`) and the length of its complete
   * records: a last line without its newline is a write a crash cut short, never acknowledged.
   */
  private async readSideRecords(name: string): Promise<{
    file: string
    lines: ReadonlyArray<string>
    records: ReadonlyArray<unknown>
    complete: number
  }> {
    const file = join(this.dir, name)
    // The side logs change rarely (a maintenance window, a reminder) and are read on every alert:
    // kept while the file keeps its stamp, unless it changed within the last second (a change in
    // the same clock tick could keep it).
    const stats = statSync(file, { throwIfNoEntry: false })
    // Not written yet.
    if (stats === undefined) return { file, lines: [], records: [], complete: 0 }
    const kept = this.sideRecords.get(name)
    if (kept !== undefined && sameStamp(kept.stamp, stampOf(stats))) return kept.read
    const bytes = await fs.readFile(file).catch((error) => {
      if (errnoOf(error) === "ENOENT") return Buffer.alloc(0)
      throw error
    })
    const complete = bytes.lastIndexOf(0x0a) + 1
    const lines = bytes.toString("utf8", 0, complete).split("\n").slice(0, -1)
    const records = lines.map((line, index) => {
      try {
        return JSON.parse(line) as unknown
      } catch {
        throw this.corrupt(file, offsetOfLine(lines, index), "a record that is not valid JSON")
      }
    })
    const read = { file, lines, records, complete }
    if (stats.mtimeMs < Date.now() - 1_000 && stats.size === bytes.length)
      this.sideRecords.set(name, { stamp: stampOf(stats), read })
    else this.sideRecords.delete(name)
    return read
  }

  /** Appends one record to a side log, fsynced, after cutting off a torn last line. */
  private async appendSideRecord(name: string, complete: number, record: unknown): Promise<void> {
    const file = join(this.dir, name)
    const created = !(await fs.stat(file).then(
      () => true,
      () => false,
    ))
    const handle = await fs.open(file, "a", 0o644)
    try {
      const { size } = await handle.stat()
      if (size > complete) {
        await handle.truncate(complete)
        await handle.sync()
      }
      await writeDurably(handle.fd, Buffer.from(`${JSON.stringify(record)}\n`))
    } finally {
      await handle.close()
    }
    if (created) await syncDir(this.dir)
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.checkAheadTimer)
    for (const giveUp of [...this.leases]) await giveUp()
    await this.lock.close()
    for (const file of [...this.handles.keys()]) await this.dropHandle(file)
  }

  /**
   * The descriptor kept open for an incident file, opened when it is not. Only called under the
   * lock, and never closed while a read or write of it is in flight (see `appendTogether`): a
   * descriptor number closed under a pending write could be reused by another file.
   */
  private async handleFor(file: string): Promise<number | undefined> {
    const open = this.handles.get(file)
    if (open !== undefined) {
      this.handles.delete(file)
      this.handles.set(file, open)
      return open
    }
    let fd: number
    try {
      fd = await openDescriptor(file, this.lock.readOnly ? fsConstants.O_RDONLY : OPEN_FOR_APPEND)
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return undefined
      throw error
    }
    this.handles.set(file, fd)
    if (this.handles.size > MAX_OPEN_FILES) {
      const [oldest] = this.handles.keys()
      if (oldest !== undefined) await this.dropHandle(oldest)
    }
    return fd
  }

  private async dropHandle(file: string): Promise<void> {
    const fd = this.handles.get(file)
    this.handles.delete(file)
    if (fd !== undefined) await closeDescriptor(fd).catch(() => undefined)
  }

  private summary(cached: CachedIncident): IncidentSummary {
    return summaryOf(cached.meta, cached.state, cached.sequence)
  }

  private record(cached: CachedIncident): IncidentRecord {
    const torn: TornRecord | undefined =
      cached.torn === undefined ? undefined : { file: cached.file, ...cached.torn }
    return {
      ...this.summary(cached),
      events: [...cached.events],
      state: cached.state,
      ...(torn === undefined ? {} : { torn }),
    }
  }

  private remember(cached: CachedIncident): void {
    const humanId = cached.meta.humanId
    this.cache.delete(humanId)
    this.cache.set(humanId, cached)
    this.cachedResolved.delete(humanId)
    if (cached.state.status === "resolved") {
      this.cachedResolved.add(humanId)
      if (this.cachedResolved.size > MAX_CACHED_RESOLVED) {
        const [oldest] = this.cachedResolved
        if (oldest !== undefined) {
          this.cachedResolved.delete(oldest)
          if (this.cache.get(oldest)?.state.status === "resolved") this.cache.delete(oldest)
        }
      }
    }
    if (this.cache.size > MAX_CACHED_INCIDENTS) {
      const [oldest] = this.cache.keys()
      if (oldest !== undefined) {
        this.cache.delete(oldest)
        this.cachedResolved.delete(oldest)
      }
    }
    this.humanIdByUuid.set(cached.meta.id.toLowerCase(), cached.meta.humanId)
    this.noteInIndex(cached)
  }

  /**
   * Records what was just read or written of an incident in the index, when it is loaded: with
   * the stamp its file has now, which is as good as a check of the file (see `trustChecks`), so
   * the next list does not `stat` the incidents this process just opened (thousands, between two
   * ticks of an alert storm).
   */
  private noteInIndex(cached: CachedIncident): void {
    if (this.index === undefined) return
    const humanId = cached.meta.humanId
    if (this.checksFollow !== undefined)
      this.trustedUntil.set(humanId, performance.now() + trustedFor(humanId))
    const previous = this.index.get(humanId)
    if (
      previous?.summary !== undefined &&
      sameStamp(previous.stamp, cached.stamp) &&
      previous.summary.sequence === cached.sequence
    )
      return
    this.setEntry({ humanId, stamp: cached.stamp, summary: this.summary(cached) })
  }

  /** Sets an entry of the loaded index (the settled file then needs writing too, if it has it). */
  private setEntry(entry: IndexEntry): void {
    if (this.index !== undefined && !this.index.has(entry.humanId)) this.entriesAdded += 1
    this.index?.set(entry.humanId, entry)
    this.noteEntry(entry)
    this.indexDirty = true
    // A settled incident read or written anew leaves the part (the next rewrite of the settled
    // file takes it back if it still belongs there): the part's stamp names unchanged incidents.
    if (this.settled.ids.delete(entry.humanId)) {
      this.settledDirty = true
      this.settledChanged()
    }
  }

  /**
   * The index entries of the incidents in `incidents/`, each checked against its file where
   * `needsCheck` says so: one `stat`, and a read of the file only when its size, mtime or inode
   * moved (an incident not in the index is read too). Entries of files gone are dropped. A
   * damaged file gets an entry naming the damage: one bad file must not stop the others from
   * being listed, escalated or deduplicated against. Only the entries `keep` accepts are returned
   * (a list of the incidents in progress need not gather 10,000 entries to drop most of them).
   *
   * The names are gone through `NAMES_PER_HOLD` at a time, each slice in a hold of the lock of
   * its own: what waits for the lock meanwhile (the opens of an alert storm) goes between two
   * slices instead of after 30,000 names. Each entry is as it was when its slice ran; an incident
   * created after the listing is not in it, as if the list had run first.
   */
  private async validEntries(
    needsCheck: (entry: IndexEntry) => boolean,
    withSettled: () => boolean,
    keep: (entry: IndexEntry) => boolean,
    atEnd?: (entries: ReadonlyArray<IndexEntry>) => Promise<void>,
  ): Promise<Array<IndexEntry>> {
    const pass = listingPass(needsCheck, withSettled, keep)
    const done = () => pass.humanIds !== undefined && pass.at >= pass.humanIds.length
    do
      await this.lock.withLock(async () => {
        await this.passOn(pass, NAMES_PER_HOLD)
        // In the last hold, with what it wrote of the index.
        if (atEnd !== undefined && done()) await atEnd(pass.entries)
      })
    while (!done())
    return pass.entries
  }

  /** The next `names` names of a pass of `validEntries`, under the lock. */
  private async passOn(pass: ListingPass, names: number): Promise<void> {
    const index = await this.loadIndex()
    if (pass.humanIds === undefined) {
      if (pass.withSettled()) await this.loadSettled()
      pass.humanIds = await this.incidentNames()
      pass.addedBefore = this.entriesAdded
    }
    const humanIds = pass.humanIds
    const { needsCheck, keep, entries } = pass
    const trusted = this.trustChecks()
    if (trusted) this.startCheckingAhead()
    const now = performance.now()
    // No iterators in these loops over every name: the responder's clock runs them each tick,
    // and an iterator's result objects were most of what an idle `ir serve` still allocated.
    const end = Math.min(humanIds.length, pass.at + names)
    let at = pass.at
    for (; at < end; at += 1) {
      const humanId = humanIds[at] as string
      let entry = index.get(humanId)
      if (entry === undefined && this.isUnloadedSettled(humanId)) continue
      if (
        entry === undefined ||
        (needsCheck(entry) &&
          (!trusted ||
            entry.damage !== undefined ||
            !((this.trustedUntil.get(humanId) ?? 0) > now)))
      ) {
        const checked = this.checkedEntry(humanId, entry)
        entry = checked instanceof Promise ? await checked : checked
        if (trusted) this.trustedUntil.set(humanId, now + trustedFor(humanId))
      }
      if (entry === undefined) continue
      pass.listed += 1
      if (keep(entry)) entries.push(entry)
    }
    pass.at = at
    if (at < humanIds.length) return
    // Every name listed has its own entry, and so has every incident added to the index since
    // the listing: an index with more entries than these names files gone. Only then is the
    // listing made a set to find them (a set of 30,000 names on each list under an alert storm,
    // where files only come, was a third of the list's time); an entry whose file is there after
    // all (created since the listing) stays.
    if (index.size > pass.listed + (this.entriesAdded - (pass.addedBefore ?? 0))) {
      const present = this.namesAsSet(humanIds)
      index.forEach((_entry, humanId) => {
        if (
          !present.has(humanId) &&
          statSync(this.fileOf(humanId), { throwIfNoEntry: false }) === undefined
        )
          this.dropEntry(humanId)
      })
    }
    await this.persistIndexIfWorthIt()
  }

  private startCheckingAhead(): void {
    if (this.checkAheadTimer !== undefined || this.closed) return
    this.checkAheadTimer = setInterval(() => void this.checkAhead(), CHECK_AHEAD_EVERY_MS)
    this.checkAheadTimer.unref()
  }

  /**
   * Renews the check of each incident in progress whose check runs out within the next two
   * seconds and whose file has not moved: one `stat` each, a slice at a time, outside the lock.
   * Under an alert storm the responder's clock otherwise found some 10,000 checks run out at
   * each tick, and made their `stat`s with the lock held while new incidents waited for it. A
   * file that moved is left to the next list, which reads it under the lock. A check renewed
   * while another process held the lock is forgotten at the next list, with every other
   * (`trustChecks`). Resolved incidents are final, and left to the lists that ask for them.
   */
  private async checkAhead(): Promise<void> {
    if (this.checkingAhead || this.index === undefined) return
    this.checkingAhead = true
    try {
      const horizon = performance.now() + 2 * CHECK_AHEAD_EVERY_MS
      const due: Array<string> = []
      this.trustedUntil.forEach((until, humanId) => {
        if (until < horizon) due.push(humanId)
      })
      for (let at = 0; at < due.length && !this.closed; at += 1) {
        if (at > 0 && at % CHECKS_PER_SLICE === 0)
          await new Promise<void>((resolve) => setImmediate(resolve))
        const humanId = due[at] as string
        const entry = this.index.get(humanId)
        if (entry === undefined || entry.damage !== undefined || isSettled(entry)) continue
        const stats = statSync(this.fileOf(humanId), { throwIfNoEntry: false })
        // Only a check still held is renewed: one forgotten meanwhile stays forgotten.
        if (
          stats !== undefined &&
          sameStamp(entry.stamp, stampOf(stats)) &&
          this.trustedUntil.has(humanId)
        )
          this.trustedUntil.set(humanId, performance.now() + trustedFor(humanId))
      }
    } finally {
      this.checkingAhead = false
    }
  }

  /**
   * The names of a listing as a set, made once per listing: a listing is the same array while
   * the directory keeps its stamp, and the responder's clock checks it several times a second
   * (a set of 10,000 names each time was most of what an idle `ir serve` allocated).
   */
  private namesAsSet(names: ReadonlyArray<string>): ReadonlySet<string> {
    let set = this.listingSets.get(names)
    if (set === undefined) {
      set = new Set(names)
      this.listingSets.set(names, set)
    }
    return set
  }

  /**
   * Whether the checks of the files (`validEntries`) may be trusted, under the lock: an entry
   * checked is then taken as it is, without a `stat`, until its trust runs out (`trustedFor`),
   * unless it names damage (a file mended by hand is seen at once). Every check is forgotten when
   * another lock held the journal since this process's last hold (`FileLock.interruptions`: it
   * may have written). False on a read-only file system: every entry is checked.
   */
  private trustChecks(): boolean {
    const interruptions = this.lock.interruptions
    if (interruptions === undefined) return false
    if (this.checksFollow !== interruptions) {
      this.checksFollow = interruptions
      this.trustedUntil.clear()
    }
    return true
  }

  /** The index, loaded from `index.json` on first use (rebuilt from the files when unusable). */
  private async loadIndex(): Promise<Map<string, IndexEntry>> {
    if (this.index !== undefined) return this.index
    const stored = await readIndex(this.dir)
    // A temporary index file is only ever written under the lock we hold: any left is a killed
    // writer's.
    if (!this.lock.readOnly) await removeAbandonedIndexTemps(this.dir)
    const index = stored?.entries ?? new Map<string, IndexEntry>()
    this.index = index
    this.indexDirty = stored === undefined
    this.indexRebuilt = stored === undefined
    // Rebuilt from the files, nothing is settled yet: the settled file is written anew.
    this.settled = stored?.settled ?? { ids: new Set(), openedBefore: Number.NEGATIVE_INFINITY }
    this.settledChanged()
    this.settledLoaded = stored === undefined
    for (const entry of index.values()) {
      // An id both settled and with an entry of its own keeps the entry (see IncidentIndex.ts).
      if (this.settled.ids.delete(entry.humanId)) this.settledDirty = true
      this.noteEntry(entry)
    }
    this.storedListing =
      stored?.listing === undefined || this.settledDirty
        ? undefined
        : { stamp: stored.listing, names: [...index.keys(), ...this.settled.ids] }
    return index
  }

  /**
   * Adds the entries of `index-settled.json` to the index, once. An id `index.json` names as
   * settled but the settled file does not hold (a crash between the two writes, a deleted file)
   * is read again from its incident file.
   */
  private async loadSettled(): Promise<void> {
    const index = await this.loadIndex()
    if (this.settledLoaded) return
    this.settledLoaded = true
    // A line at a time, keeping only the entries still to be loaded: the file is 4 MB at 10,000
    // incidents, and parsed whole it took several times that at once.
    const stored = new Map<string, IndexEntry>()
    const complete = await eachSettled(this.dir, (entry) => {
      if (this.settled.ids.has(entry.humanId) && !index.has(entry.humanId))
        stored.set(entry.humanId, entry)
    })
    if (!complete) stored.clear()
    for (const humanId of [...this.settled.ids]) {
      // Read or written by this process since: fresher than the settled file.
      if (index.has(humanId)) continue
      const entry = stored.get(humanId)
      if (entry === undefined) {
        this.leaveSettled(humanId)
        continue
      }
      index.set(humanId, entry)
      this.noteEntry(entry)
    }
  }

  /** Whether `humanId` is in the settled part of the index, which is not loaded. */
  private isUnloadedSettled(humanId: string): boolean {
    return !this.settledLoaded && this.settled.ids.has(humanId)
  }

  /** Whether a list with `filter` may return settled incidents: those resolved long ago. */
  private needsSettled(filter: ListFilter): boolean {
    if (this.settledLoaded || this.settled.ids.size === 0) return false
    // Every settled incident is resolved and was opened before `settled.openedBefore`.
    return mayMatchResolvedOpenedBefore(filter, this.settled.openedBefore)
  }

  /** The settled part's stamp (see `listSettledApart`). */
  private settledStamp(): string {
    return `${this.settledToken}.${this.settledGeneration}`
  }

  private settledChanged(): void {
    this.settledGeneration += 1
  }

  /**
   * Takes an id out of the settled part whose entry the settled file lacks: its incident's file
   * is read instead, and the index is written again without it.
   */
  private leaveSettled(humanId: string): void {
    if (!this.settled.ids.delete(humanId)) return
    this.settledDirty = true
    this.indexDirty = true
    this.settledChanged()
  }

  /**
   * Gives the summary of each incident of the settled part to `visit` (see `listSettledApart`):
   * from the index when the part is loaded, else from `index-settled.json` a line at a time,
   * keeping none of them. The ids the file lacks leave the part and are returned in `left`; so
   * are all of them when the file cannot be gone through to its end, and `complete` is then
   * false (what `visit` was given is not the part). Under the lock.
   */
  private async visitSettled(
    visit: (summary: IncidentSummary) => void,
  ): Promise<{ readonly complete: boolean; readonly left: ReadonlyArray<string> }> {
    const index = await this.loadIndex()
    const ids = this.settled.ids
    if (ids.size === 0) return { complete: true, left: [] }
    if (this.settledLoaded) {
      const left: Array<string> = []
      for (const humanId of ids) {
        const summary = index.get(humanId)?.summary
        if (summary === undefined) left.push(humanId)
        else visit(summary)
      }
      for (const humanId of left) this.leaveSettled(humanId)
      return { complete: true, left }
    }
    let seen = 0
    const complete = await eachSettled(this.dir, (entry) => {
      if (entry.summary === undefined || !ids.has(entry.humanId) || index.has(entry.humanId)) return
      seen += 1
      visit(entry.summary)
    })
    if (!complete) {
      const left = [...ids]
      for (const humanId of left) this.leaveSettled(humanId)
      return { complete: false, left }
    }
    if (seen === ids.size) return { complete: true, left: [] }
    // Fewer entries than ids (a crash between the writes of the two index files): which ones.
    const found = new Set<string>()
    await eachSettled(this.dir, (entry) => {
      if (entry.summary !== undefined) found.add(entry.humanId)
    })
    const left = [...ids].filter((humanId) => !found.has(humanId))
    for (const humanId of left) this.leaveSettled(humanId)
    return { complete: true, left }
  }

  /** Drops the entry of an incident whose file is gone. */
  private dropEntry(humanId: string): void {
    if (this.index?.delete(humanId) === true) this.indexDirty = true
    if (this.settled.ids.delete(humanId)) {
      this.settledDirty = true
      this.settledChanged()
    }
    this.trustedUntil.delete(humanId)
  }

  /** Keeps the entry's dedup key and UUID known (see `idsByKey` and `humanIdByUuid`). */
  private noteEntry(entry: IndexEntry): void {
    this.noteKey(entry)
    if (entry.summary !== undefined)
      this.humanIdByUuid.set(entry.summary.id.toLowerCase(), entry.humanId)
  }

  /**
   * `entry` (the index's entry of `humanId`, if any) checked against the incident's file: one
   * `stat` (a few microseconds, where a promise per file costs far more), and a read of the file
   * only when its size, mtime or inode moved. Undefined, and dropped, when the file is gone.
   * Without a read the answer comes at once, not as a promise: a list under an alert storm checks
   * thousands of files.
   */
  private checkedEntry(
    humanId: string,
    entry: IndexEntry | undefined,
  ): IndexEntry | undefined | Promise<IndexEntry | undefined> {
    const stats = statSync(this.fileOf(humanId), { throwIfNoEntry: false })
    if (stats === undefined) {
      this.dropEntry(humanId)
      return undefined
    }
    if (entry !== undefined && sameStamp(entry.stamp, stampOf(stats))) return entry
    return this.reindex(humanId, stats.ino)
  }

  /** Keeps the entry's human id under its dedup key (see `idsByKey`). */
  private noteKey(entry: IndexEntry): void {
    const key = entry.summary?.dedupKey
    if (key === undefined) return
    const ids = this.idsByKey.get(key)
    // Most keys name one incident: a Set each would cost some 300 bytes per incident.
    if (ids === undefined || ids === entry.humanId) this.idsByKey.set(key, entry.humanId)
    else if (typeof ids === "string") this.idsByKey.set(key, new Set([ids, entry.humanId]))
    else ids.add(entry.humanId)
  }

  /** Reads an incident's file again for its index entry (its summary or its damage). */
  private async reindex(humanId: string, ino: number): Promise<IndexEntry | undefined> {
    const index = this.index as Map<string, IndexEntry>
    this.rereadSinceWrite += 1
    try {
      let cached = await this.refresh(humanId)
      if (cached !== undefined && cached.stamp.ino !== ino) {
        // The file was replaced under a handle kept open: read the new one from its start.
        this.cache.delete(humanId)
        await this.dropHandle(cached.file)
        cached = await this.refresh(humanId)
      }
      if (cached === undefined) {
        this.dropEntry(humanId)
        return undefined
      }
      this.noteInIndex(cached)
      return index.get(humanId)
    } catch (error) {
      if (!(error instanceof JournalUnavailable) || error.reason !== "corrupt") throw error
      const stats = statSync(this.fileOf(humanId), { throwIfNoEntry: false })
      if (stats === undefined) {
        this.dropEntry(humanId)
        return undefined
      }
      const entry: IndexEntry = {
        humanId,
        stamp: stampOf(stats),
        damage: {
          incidentId: humanId,
          location: error.location,
          problem: causeMessage(error.cause),
        },
      }
      this.setEntry(entry)
      return entry
    }
  }

  /**
   * A read's write of the index: after a rebuild, and otherwise at most once per
   * `INDEX_WRITE_INTERVAL_MS`, so that a long-running process that keeps appending and listing
   * (an alert storm on `ir serve`) does not rewrite the whole index, megabytes at tens of
   * thousands of incidents, after every few changes.
   */
  private async persistIndexIfWorthIt(): Promise<void> {
    if (this.indexRebuilt || this.indexWriteDue()) await this.persistIndex()
  }

  /** Whether the index is worth writing now (see `indexWriteDue` of IncidentIndex.ts). */
  private indexWriteDue(): boolean {
    return indexWriteDue({
      now: performance.now(),
      writtenAt: this.indexWrittenAt,
      wroteAt: this.wroteAt,
    })
  }

  /** Writes the index when it holds news; a failure only costs the next reader some reads. */
  private async persistIndex(): Promise<void> {
    const index = this.index
    if (!this.indexDirty || index === undefined || this.lock.readOnly) return
    try {
      await removeAbandonedIndexTemps(this.dir)
      const now = Date.now()
      // Resolved incidents opened long enough ago join the settled file: in batches while it is
      // not loaded (it is read whole to be written), with every write once it is.
      const movable = [...index.values()].filter(
        (entry) =>
          entry.summary?.status === "resolved" &&
          entry.summary.openedAt.getTime() < now - SETTLE_AFTER_MS &&
          entry.stamp.mtimeMs < now - 1_000 &&
          !this.settled.ids.has(entry.humanId) &&
          isRangeable(entry.humanId),
      )
      const rewrite = this.settledLoaded
        ? movable.length > 0 || this.settledDirty
        : movable.length >= SETTLE_BATCH
      if (rewrite) {
        // Loaded for the rewrite alone, the part is let go again once written: its file then
        // holds every entry of it.
        const unload = !this.settledLoaded
        await this.loadSettled()
        const ids = new Set([...this.settled.ids, ...movable.map((entry) => entry.humanId)])
        const entries = [...ids].flatMap((humanId) => index.get(humanId) ?? [])
        await writeSettled(this.dir, entries, syncDir, now)
        this.settledChanged()
        this.settled = {
          ids: new Set(entries.map((entry) => entry.humanId)),
          openedBefore: entries.reduce(
            (bound, entry) => Math.max(bound, (entry.summary?.openedAt.getTime() ?? 0) + 1),
            Number.NEGATIVE_INFINITY,
          ),
        }
        this.settledDirty = false
        if (unload) {
          for (const humanId of this.settled.ids) index.delete(humanId)
          this.settledLoaded = false
        }
      }
      const settled = this.settled
      // The listing of this hold of the lock, if the directory still has its stamp.
      const listing =
        this.listing !== undefined &&
        sameStamp(this.listing.stamp, stampOf(statSync(this.incidentsDir)))
          ? this.listing
          : undefined
      await writeIndex(
        this.dir,
        [...index.values()].filter((entry) => !settled.ids.has(entry.humanId)),
        settled,
        syncDir,
        now,
        listing,
      )
      this.storedListing = undefined
      this.indexDirty = false
      this.indexRebuilt = false
      this.indexWrittenAt = performance.now()
      this.rereadSinceWrite = 0
    } catch {
      // The index is a cache of the incident files: listing goes on from the files.
    }
  }

  private fileOf(humanId: string): string {
    return join(this.incidentsDir, `${humanId}.jsonl`)
  }

  private forget(cached: CachedIncident): void {
    this.cache.delete(cached.meta.humanId)
  }

  /**
   * The human ids of `incidents/`. The listing is kept while the directory keeps its stamp (an
   * entry created, removed or renamed changes its mtime), unless the directory changed within
   * the last second: a change in the same clock tick could keep the mtime.
   */
  private async incidentNames(): Promise<ReadonlyArray<string>> {
    await this.loadIndex()
    const stats = statSync(this.incidentsDir)
    const stamp = stampOf(stats)
    if (this.listing !== undefined && sameStamp(this.listing.stamp, stamp))
      return this.listing.names
    // The index names every file of the directory as it still is (see IncidentIndex.ts).
    if (this.storedListing !== undefined && sameStamp(this.storedListing.stamp, stamp)) {
      this.listing = this.storedListing
      return this.listing.names
    }
    const { names } = scanListing(await fs.readdir(this.incidentsDir))
    this.listing = stats.mtimeMs < Date.now() - 1_000 ? { stamp, names } : undefined
    // An index on disk that does not know this listing is written with it (once: see
    // `persistIndexIfWorthIt`), so that the next process need not list the directory.
    if (this.listing !== undefined && this.index !== undefined) this.indexDirty = true
    return names
  }

  /**
   * Takes the lease of `role` when free: `leases/<role>.lock`, the journal's own lock file (a dead
   * holder's lock is broken; a holder on another host is taken as gone after 10 minutes).
   */
  async tryLease(role: string): Promise<BackendLease | undefined> {
    const dir = join(this.dir, "leases")
    await fs.mkdir(dir, { recursive: true })
    const lock = await FileLock.create({
      dir,
      lockName: `${role.replace(/[^A-Za-z0-9._-]/g, "_")}.lock`,
      timeoutMs: 0,
      foreignStaleMs: 10 * 60_000,
    })
    const release = await lock.tryHold().catch(async (error) => {
      await lock.close()
      throw error
    })
    if (release === undefined) {
      await lock.close()
      return undefined
    }
    const giveUp = async () => {
      if (!this.leases.delete(giveUp)) return
      await release()
      await lock.close()
    }
    this.leases.add(giveUp)
    return { held: async () => this.leases.has(giveUp) && lock.holds(), release: giveUp }
  }

  /**
   * Takes the incident's dispatch lock: `dispatch/<id>.lock`, the journal's own lock file
   * implementation (owner files, stale holders broken), one lock per incident so that sending
   * for one never waits for another. Resolves to what releases it. The dispatches this process
   * has in flight share one owner file, removed when the last of them ends.
   */
  async holdDispatch(incidentId: string, waitMs: number): Promise<() => Promise<void>> {
    const dir = join(this.dir, "dispatch")
    const create = () =>
      FileLock.create({
        dir,
        lockName: `${incidentId.replace(/[^A-Za-z0-9._-]/g, "_")}.lock`,
        timeoutMs: waitMs,
        // A send may take long (retries with backoff); a foreign holder is stale much later.
        foreignStaleMs: 10 * 60_000,
        // Dispatches in flight at once share one owner file instead of writing one each.
        sharedOwner: true,
      })
    // `dispatch/` is made by the first dispatch (or again, if it was removed), not before each.
    const lock = await create().catch(async (error: unknown) => {
      if (errnoOf(error) !== "ENOENT") throw error
      await fs.mkdir(dir, { recursive: true })
      return create()
    })
    try {
      const release = await lock.hold()
      return async () => {
        await release()
        await lock.close()
      }
    } catch (error) {
      await lock.close()
      throw error
    }
  }

  async damaged(): Promise<ReadonlyArray<JournalDamage>> {
    // Resolved incidents are final (see Journal.damaged): their files are not even stat'ed.
    const entries = await this.validEntries(
      (entry) => !isSettled(entry),
      () => false,
      (entry) => entry.damage !== undefined,
    )
    return entries.map((entry) => entry.damage as JournalDamage)
  }

  private async resolve(incidentId: string): Promise<CachedIncident> {
    let humanId: string | undefined = incidentId
    if (uuidPattern.test(incidentId)) {
      humanId = this.humanIdByUuid.get(incidentId.toLowerCase())
      if (humanId === undefined) {
        // Loads the index and reads the incidents it does not know yet, every name at once:
        // this runs under the lock its caller holds.
        const everything = listingPass(
          () => false,
          () => true,
          () => false,
        )
        await this.passOn(everything, Number.POSITIVE_INFINITY)
        humanId = this.humanIdByUuid.get(incidentId.toLowerCase())
      }
    } else if (!humanIdPattern.test(incidentId)) {
      humanId = undefined
    }
    const cached = humanId === undefined ? undefined : await this.refresh(humanId)
    if (cached === undefined)
      throw new JournalNotFound({ reason: "no-such-incident", incidentId, location: this.dir })
    return cached
  }

  /** Reads what was appended to an incident's file since it was last read. */
  private async refresh(humanId: string): Promise<CachedIncident | undefined> {
    const file = this.fileOf(humanId)
    const known = this.cache.get(humanId)
    if (!this.handles.has(file)) {
      if (known !== undefined) {
        // Nothing appended since (same file, same size): no file handle to open (and no other to
        // close), which a storm of new incidents, each read right after it is written, would do.
        const stats = statSync(file, { throwIfNoEntry: false })
        if (stats !== undefined && stats.ino === known.stamp.ino && stats.size === known.offset) {
          known.torn = undefined
          known.stamp = stampOf(stats)
          this.remember(known)
          return known
        }
      } else {
        // Read for the first time in this process: a small file is read whole with synchronous
        // calls (tens of microseconds) instead of four trips through libuv's thread pool, and no
        // handle is kept (an append opens one). `ir escalate` reads hundreds of incidents this way.
        const whole = readSmallFile(file)
        if (whole === "missing") return undefined
        if (whole !== "large")
          return this.applyRecords(humanId, file, whole.stats, undefined, 0, whole.bytes)
      }
    }
    const fd = await this.handleFor(file)
    if (fd === undefined) return undefined
    try {
      return await this.readNewRecords(humanId, file, fd)
    } catch (error) {
      this.cache.delete(humanId) // read again from the start next time
      await this.dropHandle(file)
      throw error
    }
  }

  private async readNewRecords(humanId: string, file: string, fd: number): Promise<CachedIncident> {
    const stats = fstatSync(fd) // microseconds; see internal/FileLock.ts
    const { size } = stats
    let cached = this.cache.get(humanId)
    if (cached !== undefined && size < cached.offset) cached = undefined // replaced: read again
    const start = cached?.offset ?? 0
    if (cached !== undefined && size === start) {
      cached.torn = undefined
      cached.stamp = stampOf(stats)
      this.remember(cached)
      return cached
    }
    const bytes = Buffer.alloc(size - start)
    let read = 0
    while (read < bytes.length) {
      const count = await readDescriptor(fd, bytes, read, bytes.length - read, start + read)
      if (count === 0) break
      read += count
    }
    return this.applyRecords(humanId, file, stats, cached, start, bytes.subarray(0, read))
  }

  /**
   * Folds the records of `bytes` (the file's content from byte `start`) onto `cached`, or onto
   * nothing when `start` is 0, and keeps the result.
   */
  private applyRecords(
    humanId: string,
    file: string,
    stats: Stats,
    cached: CachedIncident | undefined,
    start: number,
    bytes: Buffer,
  ): CachedIncident {
    const outcome = parseChunk(bytes, start)
    if (outcome._tag === "corrupt") throw this.corrupt(file, outcome.offset, outcome.problem)
    const { chunk } = outcome
    let next = cached
    for (const record of chunk.records) {
      const expected = (next?.sequence ?? 0) + 1
      if (record.seq !== expected)
        throw this.corrupt(
          file,
          record.offset,
          `record has sequence ${record.seq}, expected ${expected}`,
        )
      const event = decodeStoredEvent(record.event)
      if (Either.isLeft(event)) throw this.corrupt(file, record.offset, event.left)
      const state = applyAll(next?.state, [event.right])
      if (Either.isLeft(state)) throw this.corrupt(file, record.offset, state.left.message)
      if (next === undefined) {
        const meta = record.incident as Partial<IncidentMeta> | undefined
        if (typeof meta?.id !== "string")
          throw this.corrupt(file, record.offset, "the first record does not name its incident")
        next = {
          meta: {
            id: meta.id,
            humanId,
            ...(typeof meta.dedupKey === "string" ? { dedupKey: meta.dedupKey } : {}),
          },
          file,
          offset: 0,
          sequence: 0,
          state: state.right,
          events: [],
          torn: undefined,
          stamp: stampOf(stats),
        }
      }
      next.sequence = record.seq
      next.state = state.right
      next.events.push(event.right)
    }
    if (next === undefined) throw this.corrupt(file, 0, "the file holds no complete opened record")
    next.offset = chunk.end
    next.torn = chunk.torn
    next.stamp = stampOf(stats)
    this.remember(next)
    return next
  }

  /** Keeps the torn bytes beside the file, then cuts them off; only ever called under the lock. */
  private async repairTorn(cached: CachedIncident): Promise<TornRecord> {
    const torn = cached.torn as { offset: number; length: number }
    const preservedAs = `${cached.file}.torn-${torn.offset}`
    const handle = await fs.open(cached.file, "r+")
    try {
      const bytes = Buffer.alloc(torn.length)
      await handle.read(bytes, 0, torn.length, torn.offset)
      await appendDurably(preservedAs, bytes, "a")
      await handle.truncate(torn.offset)
      await handle.sync()
    } finally {
      await handle.close()
    }
    cached.torn = undefined
    return { file: cached.file, offset: torn.offset, length: torn.length, preservedAs }
  }

  private corrupt(file: string, offset: number, problem: string): JournalUnavailable {
    return new JournalUnavailable({
      reason: "corrupt",
      location: `${file} at byte ${offset}`,
      cause: new Error(problem),
    })
  }
}

/**
 * Creates the journal directory and its `incidents/` (like `mkdir -p`) and fsyncs each new
 * directory's parent, so that a journal acknowledged once is still there after a power cut. On a
 * read-only file system an existing journal is opened for reading.
 */
const createDurably = async (dir: string): Promise<void> => {
  const missing: Array<string> = []
  for (let path = join(dir, "incidents"); ; path = dirname(path)) {
    const exists = await fs.stat(path).then(
      () => true,
      () => false,
    )
    if (exists || dirname(path) === path) break
    missing.unshift(path)
  }
  for (const path of missing) {
    try {
      await fs.mkdir(path)
    } catch (error) {
      // another process opening the same new journal made it first: it syncs its parent too
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
      continue
    }
    await syncDir(dirname(path))
  }
}

/** The human ids numbered above `from` and up to `to`, year by year. */
const numbersAbove = (
  from: ReadonlyMap<number, number>,
  to: ReadonlyMap<number, number>,
): Array<string> => {
  const names: Array<string> = []
  for (const [year, last] of to)
    for (let number = (from.get(year) ?? 0) + 1; number <= last; number += 1)
      names.push(formatHumanId(year, number))
  return names
}

/**
 * One pass over a listing of `incidents/`: the human ids of its incident files, the temporary
 * files a writer left behind, and the last number of each year.
 */
const scanListing = (
  listing: ReadonlyArray<string>,
): { names: Array<string>; temps: Array<string>; lastOfYear: Map<number, number> } => {
  const names: Array<string> = []
  const temps: Array<string> = []
  const lastOfYear = new Map<number, number>()
  for (const name of listing) {
    const match = NUMBERED_FILE.exec(name)
    if (match === null) {
      if (name.startsWith(TMP_PREFIX)) temps.push(name)
      continue
    }
    names.push(name.slice(0, -".jsonl".length))
    const year = Number(match[1])
    const number = Number(match[2])
    if (number > (lastOfYear.get(year) ?? 0)) lastOfYear.set(year, number)
  }
  return { names, temps, lastOfYear }
}

const causeMessage = (cause: unknown): string =>
  cause instanceof Error ? cause.message : String(cause)

/**
 * Opens (creating it if needed) the file journal in `dir`. Fails with `JournalUnavailable`
 * (`unwritable`, naming the directory) when it cannot be created or written.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { openFileJournal } from "@ir/journal"
 * const program = Effect.gen(function* () {
 *   const journal = yield* openFileJournal({ dir: "/tmp/ir-journal" })
 *   const { incident } = yield* journal.open({
 *     at: new Date(), title: "Disk almost full", severity: "P2",
 *     playbooks: ["resource-exhaustion"], summary: "/ at 92%",
 *   })
 *   yield* journal.close
 *   return incident.humanId
 * })
 * ```
 */
export const openFileJournal = (
  options: FileJournalOptions = {},
): Effect.Effect<Journal, JournalUnavailable> => {
  const dir = resolve(options.dir ?? defaultJournalDir(options.env ?? process.env))
  return Effect.tryPromise({
    try: async () => {
      await createDurably(dir)
      const lock = await FileLock.create({
        dir,
        timeoutMs: options.lockTimeoutMs ?? 10_000,
        foreignStaleMs: options.staleLockAfterMs ?? 60_000,
        trackHolders: true,
      })
      return new FileJournalImpl(dir, lock)
    },
    catch: (error) => new JournalUnavailable({ reason: "unwritable", location: dir, cause: error }),
  }).pipe(
    Effect.map((impl) =>
      journalService(
        "file",
        dir,
        impl,
        (error) => new JournalUnavailable({ reason: "unwritable", location: dir, cause: error }),
      ),
    ),
  )
}
