/**
 * What a responder remembers of the incidents it found with nothing due: for each, the journal
 * sequence it read, when, and the moment something may next fall due (core's `nextDueAt`). Until
 * the sequence moves or that moment comes, the incident is not read again (see `createResponder`).
 *
 * A responder keeps its notes in memory by default (`ir serve` runs one for as long as it runs).
 * A process that starts for one pass, like `ir escalate` from cron, loses them when it exits;
 * `loadQuietNotes` keeps them in a file between such processes. The notes are a cache and only
 * ever save a read: a note counts only for the sequence it names, from the moment it was taken to
 * the one it names, and only under the runbook it was taken with (the `fingerprint`, which
 * `runbookFingerprint` computes); a file that is missing, unreadable, of another version or of
 * another runbook means reading every incident again, as without notes.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * import { loadQuietNotes, runbookFingerprint } from "@ir/responder"
 * const notes = await loadQuietNotes({
 *   file: "/home/me/.cache/ir/quiet/journal.json",
 *   fingerprint: runbookFingerprint(defaultRunbook, "1.0.0"),
 * })
 * // createResponder({ journal, runbook, messenger, quiet: notes }); after the pass:
 * await notes.save()
 * ```
 */
import { createHash, randomBytes } from "node:crypto"
import * as fs from "node:fs/promises"
import { dirname, join } from "node:path"
import type { Runbook } from "@ir/core"

/** One incident found with nothing due. Epoch milliseconds; `until` is Infinity for "never". */
export interface QuietNote {
  readonly sequence: number
  readonly checkedAt: number
  readonly until: number
}

/** Where a responder keeps its notes; a `Map` is one. */
export interface QuietNotes {
  readonly get: (humanId: string) => QuietNote | undefined
  readonly set: (humanId: string, note: QuietNote) => unknown
  readonly delete: (humanId: string) => unknown
  readonly keys: () => Iterable<string>
}

/** Notes kept in a file: `save` writes them back when any was set or deleted. */
export interface QuietNotesFile extends QuietNotes {
  readonly save: () => Promise<void>
}

const VERSION = 1

/** Files of the folder not written for this long are removed when one is written. */
const STALE_AFTER_MS = 30 * 86_400_000

/**
 * What the notes depend on besides the incident: the runbook (its escalation rules, deadlines,
 * follow-ups, calendar and channels) and the version of the code that reads it.
 */
export const runbookFingerprint = (runbook: Runbook, version: string): string =>
  createHash("sha256").update(version).update("\0").update(JSON.stringify(runbook)).digest("hex")

const decodeNotes = (value: unknown, fingerprint: string): Map<string, QuietNote> | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const stored = value as { version?: unknown; fingerprint?: unknown; notes?: unknown }
  if (stored.version !== VERSION || stored.fingerprint !== fingerprint) return undefined
  if (typeof stored.notes !== "object" || stored.notes === null) return undefined
  const notes = new Map<string, QuietNote>()
  for (const [humanId, note] of Object.entries(stored.notes)) {
    if (!Array.isArray(note) || note.length !== 3) return undefined
    const [sequence, checkedAt, until] = note as [unknown, unknown, unknown]
    if (!Number.isInteger(sequence) || (sequence as number) < 1) return undefined
    if (typeof checkedAt !== "number" || !Number.isFinite(checkedAt)) return undefined
    if (until !== null && (typeof until !== "number" || !Number.isFinite(until))) return undefined
    notes.set(humanId, {
      sequence: sequence as number,
      checkedAt,
      until: until === null ? Number.POSITIVE_INFINITY : until,
    })
  }
  return notes
}

/** Removes the notes of journals not used for 30 days (a journal of a test, one moved away). */
const removeStale = async (dir: string, now: number): Promise<void> => {
  const names = await fs.readdir(dir).catch(() => [] as Array<string>)
  for (const name of names) {
    if (!name.endsWith(".json")) continue
    const path = join(dir, name)
    const stats = await fs.stat(path).catch(() => undefined)
    if (stats !== undefined && stats.mtimeMs < now - STALE_AFTER_MS)
      await fs.unlink(path).catch(() => undefined)
  }
}

/** Notes encoded per slice of the file: `ir serve` under an alert storm keeps tens of thousands. */
const NOTES_PER_SLICE = 2_000

/**
 * Writes `notes` to a new file `path` (private to the user) a slice at a time, letting other work
 * run between slices: encoding 30,000 notes in one go held a server's event loop for a tenth of a
 * second. Notes set or deleted meanwhile may or may not be in the file (`save` writes them next).
 */
const writeNotes = async (
  path: string,
  fingerprint: string,
  notes: ReadonlyMap<string, QuietNote>,
): Promise<void> => {
  const handle = await fs.open(path, "wx", 0o600)
  try {
    let text = `{"version":${VERSION},"fingerprint":${JSON.stringify(fingerprint)},"notes":{`
    let inSlice = 0
    let first = true
    for (const [humanId, note] of notes) {
      const until = Number.isFinite(note.until) ? note.until : null
      text += `${first ? "" : ","}${JSON.stringify(humanId)}:[${note.sequence},${note.checkedAt},${until}]`
      first = false
      inSlice += 1
      if (inSlice === NOTES_PER_SLICE) {
        await handle.write(text)
        text = ""
        inSlice = 0
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }
    await handle.write(`${text}}}\n`)
  } finally {
    await handle.close()
  }
}

/**
 * The notes in `file` taken under `fingerprint`; empty when there are none usable. `save` writes
 * them whole under a temporary name and renames it into place (the folder is created private to
 * the user), and removes the folder's files not written for 30 days; a failure to save only
 * costs the reads the notes would have saved.
 */
export const loadQuietNotes = async (options: {
  readonly file: string
  readonly fingerprint: string
}): Promise<QuietNotesFile> => {
  const { file, fingerprint } = options
  let notes: Map<string, QuietNote> | undefined
  try {
    notes = decodeNotes(JSON.parse(await fs.readFile(file, "utf8")), fingerprint)
  } catch {
    notes = undefined
  }
  const map = notes ?? new Map<string, QuietNote>()
  let changed = false
  return {
    get: (humanId) => map.get(humanId),
    set: (humanId, note) => {
      changed = true
      map.set(humanId, note)
    },
    delete: (humanId) => {
      if (map.delete(humanId)) changed = true
    },
    keys: () => map.keys(),
    save: async () => {
      if (!changed) return
      // A note set while the file is written counts as a change for the next save.
      changed = false
      const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`
      try {
        await fs.mkdir(dirname(file), { recursive: true, mode: 0o700 })
        await writeNotes(temp, fingerprint, map)
        await fs.rename(temp, file)
      } catch {
        changed = true
        await fs.unlink(temp).catch(() => undefined)
        return
      }
      await removeStale(dirname(file), Date.now())
    },
  }
}
