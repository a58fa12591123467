// The file journal's index: each incident's summary (what `list` returns) or its damage, with
// the size, mtime and inode of the incident file it was read from. It is a cache: the incident
// files stay the only source of truth. An entry counts only while its file still has the size,
// mtime and inode it records; any other entry is read again from its file, and an index that is
// missing, torn or of another version is rebuilt from the files. So a crash mid-write, a writer
// that never updated the index (an older `ir`, or one killed between its append and the index)
// or a deleted index cost a re-read, never a wrong listing.
//
// Two files. `index-settled.json` holds the incidents resolved long ago (opened before a bound,
// `openedBefore`): most of a journal, and final. `index.json` holds every other entry, the human
// ids of the settled ones (as ranges of numbers per year) and the bound. A list of the incidents
// in progress, or of those opened after the bound (what `ir escalate` looks at), reads only
// `index.json`; the settled file is read when a list, a look-up or a UUID needs it. The settled
// file is written first: a crash between the two writes leaves ids in the settled file that
// `index.json` does not name yet (their entries are still in `index.json`), never the reverse.
//
// `index.json` may also hold the stamp of `incidents/` (`listing`) when it names every incident
// file there, no more and no fewer: creating, removing or renaming a file changes the
// directory's mtime, so while the directory keeps that stamp a reader takes the names from the
// index instead of listing 10,000 files. It is written only for a directory unchanged for a
// second (a change in the same clock tick could keep the mtime).
//
// Each is written whole under a temporary name, fsynced, renamed into place and the directory
// fsynced: a reader sees the old file or the new one, never a mix.
import { randomBytes } from "node:crypto"
import type { Stats } from "node:fs"
import * as fs from "node:fs/promises"
import { join } from "node:path"
import { StringDecoder } from "node:string_decoder"
import type { IncidentStatus, SeverityLevel } from "@ir/core"
import type { IncidentSummary, JournalDamage } from "../Journal.js"
import {
  decodeFigures,
  encodeFigures,
  formatHumanId,
  humanIdPattern,
  type StoredFigures,
  timeOf,
} from "./Summary.js"

export const INDEX_FILE = "index.json"
export const SETTLED_FILE = "index-settled.json"
// 2: opened and resolved times as epoch milliseconds (parsing 20,000 ISO strings took 30 ms).
// 3: the incidents resolved long ago in a file of their own.
// 4: each summary's figures (see SummaryFigures).
// 5: the settled file holds one entry per line, so that it can be gone through a line at a time.
const INDEX_VERSION = 5
export const INDEX_TEMP_PREFIX = `${INDEX_FILE}.tmp-`

/** What identifies one state of an incident file: any write changes one of them. */
export interface FileStamp {
  readonly size: number
  readonly mtimeMs: number
  readonly ino: number
}

export interface IndexEntry {
  readonly humanId: string
  readonly stamp: FileStamp
  /** Absent when the file cannot be read: then `damage` says why. */
  readonly summary?: IncidentSummary
  readonly damage?: JournalDamage
}

export const stampOf = (stats: Pick<Stats, "size" | "mtimeMs" | "ino">): FileStamp => ({
  size: stats.size,
  mtimeMs: stats.mtimeMs,
  ino: stats.ino,
})

export const sameStamp = (a: FileStamp, b: FileStamp): boolean =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino

/**
 * Whether the entry's summary can change without its file being read again: a resolved
 * incident's title, status, severity, playbooks and dates are final (core allows only
 * post-resolution events after `resolved`); only its sequence still moves.
 */
export const isSettled = (entry: IndexEntry): boolean => entry.summary?.status === "resolved"

// Each maps a stored value to the program's own string, so that 10,000 entries share one copy.
const statuses: ReadonlyMap<string, IncidentStatus> = new Map(
  (["open", "acknowledged", "mitigated", "resolved"] as const).map((status) => [status, status]),
)
const severities: ReadonlyMap<string, SeverityLevel> = new Map(
  (["P0", "P1", "P2", "P3"] as const).map((severity) => [severity, severity]),
)

// Most incidents carry one of a few lists of playbooks: each distinct list is kept once (up to a
// bound), instead of an array and its strings per entry.
const playbookLists = new Map<string, ReadonlyArray<string>>()
const MAX_PLAYBOOK_LISTS = 1024
const sharedPlaybooks = (list: ReadonlyArray<string>): ReadonlyArray<string> => {
  const key = JSON.stringify(list)
  const known = playbookLists.get(key)
  if (known !== undefined) return known
  if (playbookLists.size < MAX_PLAYBOOK_LISTS) playbookLists.set(key, Object.freeze([...list]))
  return list
}

interface StoredEntry {
  readonly humanId: string
  readonly file: FileStamp
  readonly id?: string
  readonly dedupKey?: string
  readonly title?: string
  readonly status?: string
  readonly severity?: string
  readonly playbooks?: ReadonlyArray<string>
  readonly openedAt?: number
  readonly resolvedAt?: number
  readonly sequence?: number
  readonly figures?: StoredFigures
  readonly damage?: { readonly location: string; readonly problem: string }
}

const encodeEntry = (entry: IndexEntry): StoredEntry => {
  const { summary, damage } = entry
  if (summary === undefined)
    return {
      humanId: entry.humanId,
      file: entry.stamp,
      damage: { location: damage?.location ?? "", problem: damage?.problem ?? "" },
    }
  return {
    humanId: entry.humanId,
    file: entry.stamp,
    id: summary.id,
    ...(summary.dedupKey === undefined ? {} : { dedupKey: summary.dedupKey }),
    title: summary.title,
    status: summary.status,
    severity: summary.severity,
    playbooks: summary.playbooks,
    openedAt: summary.openedAt.getTime(),
    ...(summary.resolvedAt === undefined ? {} : { resolvedAt: summary.resolvedAt.getTime() }),
    sequence: summary.sequence,
    ...(summary.figures === undefined ? {} : { figures: encodeFigures(summary.figures) }),
  }
}

const isNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value)
const isString = (value: unknown): value is string => typeof value === "string"

/** An entry as stored, or undefined when any part of it is not what this version writes. */
const decodeEntry = (value: unknown): IndexEntry | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const stored = value as Record<string, unknown>
  const file = stored.file as Record<string, unknown> | null | undefined
  if (!isString(stored.humanId) || typeof file !== "object" || file === null) return undefined
  if (!isNumber(file.size) || !isNumber(file.mtimeMs) || !isNumber(file.ino)) return undefined
  const stamp: FileStamp = { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino }
  const humanId = stored.humanId
  if (stored.damage !== undefined) {
    const damage = stored.damage as Record<string, unknown> | null
    if (damage === null || !isString(damage.location) || !isString(damage.problem)) return undefined
    return {
      humanId,
      stamp,
      damage: { incidentId: humanId, location: damage.location, problem: damage.problem },
    }
  }
  const openedAt = timeOf(stored.openedAt)
  const resolvedAt = stored.resolvedAt === undefined ? undefined : timeOf(stored.resolvedAt)
  const figures = decodeFigures(stored.figures)
  if (
    figures === undefined ||
    !isString(stored.id) ||
    (stored.dedupKey !== undefined && !isString(stored.dedupKey)) ||
    !isString(stored.title) ||
    !isString(stored.status) ||
    !statuses.has(stored.status) ||
    !isString(stored.severity) ||
    !severities.has(stored.severity) ||
    !Array.isArray(stored.playbooks) ||
    !stored.playbooks.every(isString) ||
    openedAt === undefined ||
    (stored.resolvedAt !== undefined && resolvedAt === undefined) ||
    !Number.isInteger(stored.sequence) ||
    (stored.sequence as number) < 1
  )
    return undefined
  return {
    humanId,
    stamp,
    summary: {
      id: stored.id,
      humanId,
      ...(stored.dedupKey === undefined ? {} : { dedupKey: stored.dedupKey }),
      title: stored.title,
      status: statuses.get(stored.status) as IncidentStatus,
      severity: severities.get(stored.severity) as SeverityLevel,
      playbooks: sharedPlaybooks(stored.playbooks as ReadonlyArray<string>),
      openedAt,
      ...(resolvedAt === undefined ? {} : { resolvedAt }),
      sequence: stored.sequence as number,
      figures,
    },
  }
}

/** The settled part as `index.json` names it. */
export interface SettledPart {
  /** The human ids whose entries are in the settled file. */
  readonly ids: Set<string>
  /** Every settled incident was opened before this time (epoch ms); -Infinity when none is. */
  readonly openedBefore: number
}

/** The parsed content of one index file, or undefined when it cannot be used as a whole. */
const readEntries = async (
  file: string,
): Promise<{ entries: Map<string, IndexEntry>; parsed: Record<string, unknown> } | undefined> => {
  let text: string
  try {
    text = await fs.readFile(file, "utf8")
  } catch {
    return undefined
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== "object" || parsed === null) return undefined
  const { version, incidents } = parsed as { version?: unknown; incidents?: unknown }
  if (version !== INDEX_VERSION || !Array.isArray(incidents)) return undefined
  const entries = new Map<string, IndexEntry>()
  for (const stored of incidents) {
    const entry = decodeEntry(stored)
    if (entry === undefined) return undefined
    entries.set(entry.humanId, entry)
  }
  return { entries, parsed: parsed as Record<string, unknown> }
}

/** `{ "2025": [[1, 4999], [5001, 9000]] }`: ranges of numbers per year, as `formatHumanId` names. */
const idsOfRanges = (value: unknown): Set<string> | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const ids = new Set<string>()
  for (const [year, ranges] of Object.entries(value)) {
    if (!/^\d{4}$/.test(year) || !Array.isArray(ranges)) return undefined
    for (const range of ranges) {
      if (!Array.isArray(range) || range.length !== 2) return undefined
      const [from, to] = range as [unknown, unknown]
      if (!Number.isInteger(from) || !Number.isInteger(to)) return undefined
      if ((from as number) < 1 || (to as number) < (from as number)) return undefined
      for (let number = from as number; number <= (to as number); number += 1)
        ids.add(formatHumanId(Number(year), number))
    }
  }
  return ids
}

const rangesOfIds = (ids: Iterable<string>): Record<string, Array<[number, number]>> => {
  const byYear = new Map<number, Array<number>>()
  for (const id of ids) {
    const match = humanIdPattern.exec(id)
    if (match === null) continue
    const year = Number(match[1])
    const numbers = byYear.get(year) ?? []
    numbers.push(Number(match[2]))
    byYear.set(year, numbers)
  }
  const ranges: Record<string, Array<[number, number]>> = {}
  for (const [year, numbers] of [...byYear].sort(([a], [b]) => a - b)) {
    numbers.sort((a, b) => a - b)
    const list: Array<[number, number]> = []
    for (const number of numbers) {
      const last = list[list.length - 1]
      if (last !== undefined && number === last[1] + 1) last[1] = number
      else list.push([number, number])
    }
    ranges[String(year)] = list
  }
  return ranges
}

/** Whether an id can be named by a range (it is exactly what `formatHumanId` writes). */
export const isRangeable = (humanId: string): boolean => {
  const match = humanIdPattern.exec(humanId)
  return match !== null && formatHumanId(Number(match[1]), Number(match[2])) === humanId
}

/**
 * `dir/index.json`: its entries by human id and the settled part it names, or undefined when
 * there is none or it cannot be used as a whole (torn, not JSON, another version, any entry
 * malformed): then it is rebuilt.
 */
export const readIndex = async (
  dir: string,
): Promise<
  | {
      entries: Map<string, IndexEntry>
      settled: SettledPart
      /** The stamp of `incidents/` when the index named every file in it (see above). */
      listing?: FileStamp
    }
  | undefined
> => {
  const read = await readEntries(join(dir, INDEX_FILE))
  if (read === undefined) return undefined
  const settled = read.parsed.settled as { ids?: unknown; openedBefore?: unknown } | undefined
  if (typeof settled !== "object" || settled === null) return undefined
  const ids = idsOfRanges(settled.ids)
  const openedBefore =
    settled.openedBefore === null ? Number.NEGATIVE_INFINITY : settled.openedBefore
  if (ids === undefined || typeof openedBefore !== "number" || Number.isNaN(openedBefore))
    return undefined
  const listing = read.parsed.listing as Record<string, unknown> | null | undefined
  const stamp =
    typeof listing === "object" &&
    listing !== null &&
    isNumber(listing.size) &&
    isNumber(listing.mtimeMs) &&
    isNumber(listing.ino)
      ? { size: listing.size, mtimeMs: listing.mtimeMs, ino: listing.ino }
      : undefined
  return {
    entries: read.entries,
    settled: { ids, openedBefore },
    ...(stamp === undefined ? {} : { listing: stamp }),
  }
}

/**
 * Files changed this recently are left out of the index written (their next reader reads them
 * again): a change within the file system's clock tick that kept the size could otherwise keep
 * its old stamp (git's "racily clean" files).
 */
const RACY_MS = 1_000

/** Replaces `dir/<name>` atomically (temporary file, fsync, rename, fsync of the directory). */
const replaceFile = async (
  dir: string,
  name: string,
  text: string,
  syncDir: (dir: string) => Promise<void>,
): Promise<void> => {
  const bytes = Buffer.from(text)
  const temp = join(dir, `${INDEX_TEMP_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}`)
  const handle = await fs.open(temp, "wx", 0o644)
  try {
    let written = 0
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written)
      written += bytesWritten
    }
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => undefined)
    await fs.unlink(temp).catch(() => undefined)
    throw error
  }
  await handle.close()
  try {
    await fs.rename(temp, join(dir, name))
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined)
    throw error
  }
  await syncDir(dir)
}

/**
 * How often a process that keeps listing a changing journal (ir serve: the responder's clock, the
 * board, the status page) rewrites the index at most: the index is megabytes at 10,000 incidents,
 * and between writes the next reader only reads the few files changed since.
 */
export const INDEX_WRITE_INTERVAL_MS = 10_000
/**
 * How long a process that has written the index before waits, past the interval, for a moment
 * with no incident written: writing the index holds the journal for tens of milliseconds at
 * tens of thousands of incidents, which under an alert storm every open would wait for.
 */
export const INDEX_QUIET_MS = 2_000
/** The longest a process that keeps writing incidents leaves the index unwritten. */
export const INDEX_WRITE_LONGEST_MS = 300_000

/**
 * Whether a process should write the index now (times in milliseconds on one clock): always the
 * first time; then at most every `INDEX_WRITE_INTERVAL_MS`, when no incident was written for
 * `INDEX_QUIET_MS` or the index is `INDEX_WRITE_LONGEST_MS` old. An index written late only
 * costs the next reader a `stat` and a read of each file changed since (see above).
 */
export const indexWriteDue = (times: {
  readonly now: number
  /** When this process last wrote the index; undefined if it never has. */
  readonly writtenAt: number | undefined
  /** When this process last wrote an incident. */
  readonly wroteAt: number
}): boolean => {
  if (times.writtenAt === undefined) return true
  const age = times.now - times.writtenAt
  if (age < INDEX_WRITE_INTERVAL_MS) return false
  return times.now - times.wroteAt >= INDEX_QUIET_MS || age >= INDEX_WRITE_LONGEST_MS
}

/**
 * How long the checks of incident files against the index are trusted at most while no other
 * lock held the journal: the bound for a writer that does not announce itself in
 * `journal.holder` (an older ir, a hand edit).
 */
export const TRUST_CHECKS_MS = 60_000

/**
 * How long the check of an incident's file is trusted: between half and all of `TRUST_CHECKS_MS`,
 * the same for an incident every time, spread evenly over incidents. The files checked together
 * (all of them, at a process's first list) are then checked again a few at a time, at the lists
 * of the next half minute, not all in one list: 30,000 `stat`s at once held `ir serve` for a
 * fifth of a second under an alert storm.
 */
export const trustedFor = (humanId: string): number => {
  // FNV-1a of the human id, as a fraction of 2^32
  let hash = 0x811c9dc5
  for (let at = 0; at < humanId.length; at += 1) {
    hash ^= humanId.charCodeAt(at)
    hash = Math.imul(hash, 0x01000193)
  }
  return TRUST_CHECKS_MS * (0.5 + (hash >>> 0) / 2 ** 33)
}

/** An entry as written: one whose file changed too recently is stamped to be read again. */
const storedOf = (entry: IndexEntry, now: number): StoredEntry =>
  encodeEntry(
    entry.stamp.mtimeMs < now - RACY_MS
      ? entry
      : { ...entry, stamp: { size: -1, mtimeMs: entry.stamp.mtimeMs, ino: entry.stamp.ino } },
  )

/**
 * Replaces `dir/index.json`: the entries not settled, and the settled part it names. With
 * `listing` (the names in `incidents/` and the directory's stamp when they were listed), the
 * stamp is kept too when the index written names exactly those files and the directory has not
 * changed for a second.
 */
export const writeIndex = async (
  dir: string,
  entries: Iterable<IndexEntry>,
  settled: SettledPart,
  syncDir: (dir: string) => Promise<void>,
  now: number = Date.now(),
  listing?: { readonly stamp: FileStamp; readonly names: ReadonlyArray<string> },
): Promise<void> => {
  const kept = [...entries].filter((entry) => entry.stamp.mtimeMs < now - RACY_MS)
  const complete =
    listing !== undefined &&
    listing.stamp.mtimeMs < now - RACY_MS &&
    namesExactly(listing.names, kept, settled.ids)
  await replaceFile(
    dir,
    INDEX_FILE,
    `${JSON.stringify({
      version: INDEX_VERSION,
      settled: {
        ids: rangesOfIds(settled.ids),
        openedBefore: Number.isFinite(settled.openedBefore) ? settled.openedBefore : null,
      },
      ...(complete ? { listing: listing.stamp } : {}),
      incidents: kept.map(encodeEntry),
    })}\n`,
    syncDir,
  )
}

/** Whether the entries and the settled ids name `names`, each once, and nothing else. */
const namesExactly = (
  names: ReadonlyArray<string>,
  entries: ReadonlyArray<IndexEntry>,
  settled: ReadonlySet<string>,
): boolean => {
  if (names.length !== entries.length + settled.size) return false
  const listed = new Set(names)
  if (listed.size !== names.length) return false
  for (const entry of entries)
    if (!listed.has(entry.humanId) || settled.has(entry.humanId)) return false
  for (const humanId of settled) if (!listed.has(humanId)) return false
  return true
}

// The settled file is one JSON document, `{"version":5,"incidents":[...]}`, written with the
// header, each entry and the end on lines of their own (an entry after the first begins with
// its comma), so that `eachSettled` can read it a line at a time.
const SETTLED_HEADER = `{"version":${INDEX_VERSION},"incidents":[`
const SETTLED_END = "]}"
const SETTLED_CHUNK_BYTES = 64 * 1024

/**
 * Replaces `dir/index-settled.json` with `entries`, every one of them kept (one whose file
 * changed too recently is stamped to be read again, not left out: `index.json` names it).
 */
export const writeSettled = async (
  dir: string,
  entries: Iterable<IndexEntry>,
  syncDir: (dir: string) => Promise<void>,
  now: number = Date.now(),
): Promise<void> => {
  const lines = [SETTLED_HEADER]
  let first = true
  for (const entry of entries) {
    lines.push(`${first ? "" : ","}${JSON.stringify(storedOf(entry, now))}`)
    first = false
  }
  lines.push(SETTLED_END, "")
  await replaceFile(dir, SETTLED_FILE, lines.join("\n"), syncDir)
}

/**
 * Gives each entry of `dir/index-settled.json` to `visit`, a line at a time: the file is never
 * held whole, nor parsed in one piece (4 MB at 10,000 incidents, and several times that in memory
 * while `JSON.parse` built all of it at once). Resolves true when the file was gone through to
 * its end; false when it is missing, of another version or damaged, possibly after some entries
 * were visited (the caller then takes none of them).
 */
export const eachSettled = async (
  dir: string,
  visit: (entry: IndexEntry) => void,
): Promise<boolean> => {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(join(dir, SETTLED_FILE), "r")
  } catch {
    return false
  }
  try {
    const chunk = Buffer.allocUnsafe(SETTLED_CHUNK_BYTES)
    const decoder = new StringDecoder("utf8")
    let pending = ""
    let state = "header" as "header" | "entries" | "ended"
    const take = (line: string): boolean => {
      if (state === "header") {
        state = "entries"
        return line === SETTLED_HEADER
      }
      if (state === "ended") return line === ""
      if (line === SETTLED_END) {
        state = "ended"
        return true
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(line.startsWith(",") ? line.slice(1) : line)
      } catch {
        return false
      }
      const entry = decodeEntry(parsed)
      if (entry === undefined) return false
      visit(entry)
      return true
    }
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null)
      if (bytesRead === 0) break
      const text = pending + decoder.write(chunk.subarray(0, bytesRead))
      // Another layout (an older version's one line of 4 MB) is known from its first bytes.
      if (
        state === "header" &&
        text.length > SETTLED_HEADER.length &&
        !text.startsWith(`${SETTLED_HEADER}\n`)
      )
        return false
      let start = 0
      for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
        if (!take(text.slice(start, end))) return false
        start = end + 1
      }
      pending = text.slice(start)
    }
    return state === "ended" && pending + decoder.end() === ""
  } finally {
    await handle.close().catch(() => undefined)
  }
}

/** Temporary index files a killed writer left behind (only ever removed under the lock). */
export const removeAbandonedIndexTemps = async (dir: string): Promise<void> => {
  const names = await fs.readdir(dir).catch(() => [] as Array<string>)
  for (const name of names)
    if (name.startsWith(INDEX_TEMP_PREFIX)) await fs.unlink(join(dir, name)).catch(() => undefined)
}
