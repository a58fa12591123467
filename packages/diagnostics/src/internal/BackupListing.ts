import { promises as fs } from "node:fs"
import { join } from "node:path"
import type { Cancellation } from "./Cancellation.js"
import { walk } from "./DirectoryWalk.js"

/** A directory holds at most this many backups that are looked at, newest kept. */
const maxBackups = 10_000

/**
 * One backup: a file (`pg_dump` output, a tarball) or a directory (a base backup, a
 * directory-format dump) whose age is that of its newest file and whose size is their sum.
 */
export interface Backup {
  readonly name: string
  readonly path: string
  readonly kind: "file" | "directory"
  readonly bytes: number
  readonly modifiedMs: number
}

export interface BackupListing {
  /** Newest first. */
  readonly backups: ReadonlyArray<Backup>
  readonly totalBytes: number
  /** Entries left out by `match`, or because their names start with a dot. */
  readonly ignored: number
  readonly truncated: boolean
}

/**
 * A shell-style pattern (`*.dump`, `base-????-??-??`) as a regular expression over a whole name.
 *
 * @example
 * ```ts
 * globPattern("*.dump").test("anomaly_db-2026-11-28.dump") // true
 * ```
 */
export const globPattern = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .split("")
      .map((char) =>
        char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
      )
      .join("")}$`,
  )

/**
 * The backups in `dir`: each entry at its top level that `match` accepts (every one without it),
 * except names starting with a dot (work in progress, as `rsync` and many backup tools write them).
 * Rejects with the file system's error (ENOENT for a missing directory) when `dir` cannot be read.
 */
export const listBackups = async (
  dir: string,
  options: { readonly match?: string | undefined; readonly cancellation: Cancellation },
): Promise<BackupListing> => {
  const pattern = options.match === undefined ? undefined : globPattern(options.match)
  const entries = await fs.readdir(dir, { withFileTypes: true })
  let ignored = 0
  const candidates: Array<string> = []
  for (const entry of entries) {
    if (entry.name.startsWith(".") || (pattern !== undefined && !pattern.test(entry.name))) {
      ignored += 1
      continue
    }
    candidates.push(entry.name)
  }
  const truncated = candidates.length > maxBackups
  const stats = await Promise.all(
    candidates.slice(0, maxBackups).map((name) =>
      // Links are followed: a `latest.dump` link to the newest dump is common.
      fs.stat(join(dir, name)).then(
        (stats) => ({ name, stats }),
        () => undefined,
      ),
    ),
  )
  const backups: Array<Backup> = []
  for (const found of stats) {
    if (found === undefined || options.cancellation.cancelled) continue
    const path = join(dir, found.name)
    if (found.stats.isFile())
      backups.push({
        name: found.name,
        path,
        kind: "file",
        bytes: found.stats.size,
        modifiedMs: found.stats.mtimeMs,
      })
    else if (found.stats.isDirectory()) {
      const inside = await walk(path, options.cancellation).catch(() => undefined)
      if (inside === undefined) continue
      backups.push({
        name: found.name,
        path,
        kind: "directory",
        bytes: inside.files.reduce((sum, file) => sum + file.size, 0),
        // Its contents' time: the directory's own changes whenever an entry is added or removed.
        modifiedMs:
          inside.files.length === 0
            ? found.stats.mtimeMs
            : inside.files.reduce((newest, file) => Math.max(newest, file.modifiedMs), 0),
      })
    }
  }
  backups.sort((left, right) => right.modifiedMs - left.modifiedMs)
  return {
    backups,
    totalBytes: backups.reduce((sum, backup) => sum + backup.bytes, 0),
    ignored,
    truncated,
  }
}
