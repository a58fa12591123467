import { promises as fs } from "node:fs"
import { join } from "node:path"
import type { Cancellation } from "./Cancellation.js"

/** Directory walks stop here, so a huge tree cannot hold a probe past its timeout. */
const maxEntries = 50_000
const maxDepth = 6

export interface FileEntry {
  /** Relative to the directory walked, with `/` separators. */
  readonly path: string
  readonly size: number
  readonly modifiedMs: number
}

export interface Walk {
  readonly files: ReadonlyArray<FileEntry>
  readonly truncated: boolean
}

/**
 * Every file under `root` (symbolic links to files followed), bounded in entries and depth so that
 * a huge tree cannot hold a probe past its timeout; `truncated` says when a bound was hit.
 */
export const walk = async (root: string, cancellation: Cancellation): Promise<Walk> => {
  const files: Array<FileEntry> = []
  let seen = 0
  let truncated = false
  /** `prefix`: the directory's path relative to the root, with `/` separators (empty for the root). */
  const visit = async (dir: string, prefix: string, depth: number): Promise<void> => {
    if (cancellation.cancelled || truncated) return
    // Only the root must be readable: a subdirectory that vanished or is closed is skipped.
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      if (depth === 0) throw error
      return []
    })
    const subdirectories: Array<{ path: string; prefix: string }> = []
    const candidates: Array<{ path: string; relative: string; link: boolean }> = []
    for (const entry of entries) {
      seen += 1
      if (seen > maxEntries) {
        truncated = true
        break
      }
      const path = join(dir, entry.name)
      const relative = `${prefix}${entry.name}`
      if (entry.isDirectory()) {
        if (depth < maxDepth) subdirectories.push({ path, prefix: `${relative}/` })
        else truncated = true
      } else candidates.push({ path, relative, link: entry.isSymbolicLink() })
    }
    // Symbolic links are followed for files (a model may be a link to a versioned file).
    const stats = await Promise.all(
      candidates.map(({ path, link }) =>
        (link ? fs.stat(path) : fs.lstat(path)).catch(() => undefined),
      ),
    )
    for (let index = 0; index < candidates.length; index += 1) {
      const entry = stats[index]
      if (entry?.isFile())
        files.push({
          path: candidates[index]!.relative,
          size: entry.size,
          modifiedMs: entry.mtimeMs,
        })
    }
    for (const subdirectory of subdirectories)
      await visit(subdirectory.path, subdirectory.prefix, depth + 1)
  }
  await visit(root, "", 0)
  return { files, truncated }
}
