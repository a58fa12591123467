// What the file journal asks of the disk, watched with strace: a new journal's directories are
// fsynced into their parents (a journal acknowledged once survives a power cut). And the lock is
// broken only when it is still the very file judged stale.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { FileLock } from "../src/internal/FileLock.js"

const base = mkdtempSync(join(tmpdir(), "ir-journal-durability-"))
afterAll(() => rmSync(base, { recursive: true, force: true }))

const dist = join(import.meta.dirname, "../dist/index.js")

describe("a new file journal", () => {
  it("fsyncs each directory it creates into its parent", () => {
    const dir = join(base, "state", "ir", "journal")
    const log = join(base, "strace.log")
    const script = `
      import { openFileJournal } from ${JSON.stringify(dist)}
      import * as Effect from "effect/Effect"
      const journal = await Effect.runPromise(openFileJournal({ dir: ${JSON.stringify(dir)} }))
      await Effect.runPromise(journal.close)
    `
    const traced = spawnSync(
      "strace",
      [
        "-f",
        "-e",
        "trace=openat,fsync",
        "-o",
        log,
        process.execPath,
        "--input-type=module",
        "-e",
        script,
      ],
      { encoding: "utf8", timeout: 60_000, cwd: join(import.meta.dirname, "..") },
    )
    expect(traced.status, traced.stderr).toBe(0)
    const lines = readFileSync(log, "utf8").split("\n")
    // every directory opened and then fsynced: `openat(…, "/path", O_RDONLY…) = 21` … `fsync(21)`
    const synced = new Set<string>()
    const openFds = new Map<string, string>()
    for (const line of lines) {
      const opened = /openat\([^,]+, "([^"]+)", O_RDONLY[^)]*\) = (\d+)/.exec(line)
      if (opened !== null) openFds.set(opened[2] as string, opened[1] as string)
      const fsync = /fsync\((\d+)\)\s+= 0/.exec(line)
      const path = fsync === null ? undefined : openFds.get(fsync[1] as string)
      if (path !== undefined) synced.add(path)
    }
    for (const created of [join(base, "state"), dirname(dir), dir]) {
      expect(statSync(created).isDirectory()).toBe(true)
      expect(synced, `${dirname(created)} fsynced after creating ${created}`).toContain(
        dirname(created),
      )
    }
    expect(synced).toContain(dir) // incidents/ inside it
  })
})

describe("breaking a stale lock", () => {
  it("leaves a lock that is no longer the file judged stale, even on the same inode", async () => {
    const dir = mkdtempSync(join(base, "lock-"))
    const lockPath = join(dir, "journal.lock")
    const dead = JSON.stringify({ pid: 999_999_999, host: "elsewhere", token: "dead", since: "" })
    writeFileSync(lockPath, dead)
    const judged = statSync(lockPath)
    const identity = { dev: judged.dev, ino: judged.ino, ctimeMs: judged.ctimeMs, text: dead }
    // Meanwhile the lock was freed and taken by a live holder whose file got the same inode:
    // written in place here, the same inode number with another holder in it.
    const live = JSON.stringify({ pid: process.pid, host: "here", token: "live", since: "" })
    writeFileSync(lockPath, live)
    expect(statSync(lockPath).ino).toBe(judged.ino)
    const lock = await FileLock.create({ dir, timeoutMs: 100, foreignStaleMs: 60_000 })
    const broke = await (
      lock as unknown as { breakStale: (stale: typeof identity) => Promise<boolean> }
    ).breakStale(identity)
    expect(broke).toBe(true) // it looked: the lock is simply no longer the stale one
    expect(readFileSync(lockPath, "utf8")).toBe(live)
    await lock.close()
  })
})
