import { spawn, spawnSync } from "node:child_process"
import { once } from "node:events"
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs"
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { defaultJournalDir, openFileJournal } from "../src/index.js"
import { FileLock } from "../src/internal/FileLock.js"
import { attempt, downInput, journalContract, run } from "./JournalContract.js"

const base = mkdtempSync(join(tmpdir(), "ir-journal-test-"))
afterAll(() => rmSync(base, { recursive: true, force: true }))

journalContract("file", async () => {
  const dir = await mkdtemp(join(base, "contract-"))
  return {
    open: () => openFileJournal({ dir }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
})

const freshDir = () => mkdtemp(join(base, "file-"))

describe("a new journal directory", () => {
  it("opens in several processes at once (whichever creates it first)", async () => {
    const dir = join(await mkdtemp(join(base, "race-")), "new", "journal")
    const journals = await Promise.all([1, 2, 3, 4, 5].map(() => run(openFileJournal({ dir }))))
    const { incident } = await run(journals[0]!.open(downInput()))
    expect((await run(journals[4]!.read(incident.humanId))).title).toBe("System completely down")
    for (const journal of journals) await run(journal.close)
  })
})

describe("a damaged incident file", () => {
  it("is reported with its offset, never rewritten, and stops nothing else", async () => {
    const dir = await freshDir()
    const journal = await run(openFileJournal({ dir }))
    const first = (await run(journal.open(downInput()))).incident
    const second = (await run(journal.open({ ...downInput(), dedupKey: "group-2" }))).incident
    await run(journal.close)
    const file = join(dir, "incidents", `${first.humanId}.jsonl`)
    const bytes = readFileSync(file)
    bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41 // one byte of the first line
    writeFileSync(file, bytes)

    const reopened = await run(openFileJournal({ dir }))
    // the others are listed, read and written; new incidents open; dedup still works
    expect((await run(reopened.list())).map((summary) => summary.humanId)).toEqual([second.humanId])
    await run(
      reopened.append(second.humanId, [
        { type: "acknowledged", at: new Date("2026-11-28T10:05:00Z"), by: "alice" },
      ]),
    )
    const third = await run(reopened.open({ ...downInput(), dedupKey: "group-3" }))
    expect(third.created).toBe(true)
    expect(third.incident.humanId).not.toBe(first.humanId)
    const joined = await run(reopened.open({ ...downInput(), dedupKey: "group-2" }))
    expect(joined).toMatchObject({ created: false, incident: { humanId: second.humanId } })
    // the damaged one is named, with its file and byte offset
    const damaged = await run(reopened.damaged)
    expect(damaged).toEqual([
      { incidentId: first.humanId, location: `${file} at byte 0`, problem: expect.any(String) },
    ])
    const read = await attempt(reopened.read(first.humanId))
    expect(Either.isLeft(read) && read.left.message).toContain(`${file} at byte 0`)
    const appended = await attempt(
      reopened.append(first.humanId, [
        { type: "acknowledged", at: new Date("2026-11-28T10:05:00Z"), by: "alice" },
      ]),
    )
    expect(Either.isLeft(appended)).toBe(true)
    // and left as it was
    expect(readFileSync(file).equals(bytes)).toBe(true)
    await run(reopened.close)
  })
})

/** Mounts a tmpfs of `size` at a fresh directory (root only); returns it and how to unmount. */
const tmpfs = async (size: string) => {
  const at = await freshDir()
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", at], {
    encoding: "utf8",
    timeout: 10_000,
  })
  if (mounted.status !== 0)
    throw new Error(`mount -t tmpfs needs root: ${mounted.stderr || mounted.error?.message}`)
  return {
    at,
    remount: (option: string) =>
      spawnSync("mount", ["-o", `remount,${option}`, at], { timeout: 10_000 }).status,
    unmount: () => spawnSync("umount", ["-l", at], { timeout: 10_000 }),
  }
}

describe("appends are all or nothing", () => {
  const update = (at: string, progress: string) => ({
    type: "update-posted" as const,
    at: new Date(`2026-11-28T${at}Z`),
    progress,
    status: "investigating",
    nextSteps: "more",
    by: "alice",
  })

  it("does not count the complete records of an append a crash cut short", async () => {
    const dir = await freshDir()
    const journal = await run(openFileJournal({ dir }))
    const { incident } = await run(journal.open(downInput()))
    await run(journal.close)
    const file = join(dir, "incidents", `${incident.humanId}.jsonl`)
    const committed = readFileSync(file).length
    // two of the three records of one append reached the disk, whole lines; the third did not
    const batch = [2, 3].map(
      (seq) =>
        `${JSON.stringify({ seq, to: 4, event: { type: "update-posted", at: "2026-11-28T10:0${seq}:00.000Z", progress: `step ${seq}`, status: "investigating", nextSteps: "more", by: "alice" } })}\n`,
    )
    appendFileSync(file, batch.join(""))
    const reopened = await run(openFileJournal({ dir }))
    const record = await run(reopened.read(incident.humanId))
    expect(record.sequence).toBe(1)
    expect(record.events).toHaveLength(1)
    expect(record.torn).toEqual({ file, offset: committed, length: batch.join("").length })
    // the next append keeps the cut-short bytes aside and goes on from the last committed event
    const appended = await run(reopened.append(incident.humanId, [update("10:09:00", "next")]))
    expect(appended.sequence).toBe(2)
    expect(readFileSync(`${file}.torn-${committed}`, "utf8")).toBe(batch.join(""))
    await run(reopened.close)
  })

  it("refuses a multi-event append that runs out of space, and none of it counts", async () => {
    const disk = await tmpfs("256k")
    try {
      const dir = join(disk.at, "journal")
      const journal = await run(openFileJournal({ dir }))
      const { incident } = await run(journal.open(downInput()))
      // three events of 100 KB: the file system has room for two
      const big = (n: number) => update(`10:0${n}:00`, `${n}`.repeat(100_000))
      const result = await attempt(journal.append(incident.humanId, [big(1), big(2), big(3)]))
      expect(Either.isLeft(result) && result.left.message).toMatch(/ENOSPC|no space/i)
      await run(journal.close)
      const reopened = await run(openFileJournal({ dir }))
      const record = await run(reopened.read(incident.humanId))
      expect(record.sequence).toBe(1)
      expect(record.events.map((event) => event.type)).toEqual(["opened"])
      await run(reopened.close)
    } finally {
      disk.unmount()
    }
  })
})

describe("a read-only file system", () => {
  it("still lets the journal be read, and says why it cannot be written", async () => {
    const disk = await tmpfs("1m")
    try {
      const dir = join(disk.at, "journal")
      const journal = await run(openFileJournal({ dir }))
      const { incident } = await run(journal.open(downInput()))
      await run(journal.close)
      expect(disk.remount("ro")).toBe(0)
      const readOnly = await run(openFileJournal({ dir }))
      expect((await run(readOnly.list())).map((summary) => summary.humanId)).toEqual([
        incident.humanId,
      ])
      expect((await run(readOnly.read(incident.humanId))).sequence).toBe(1)
      const refused = await attempt(readOnly.open(downInput({ dedupKey: "another" })))
      expect(Either.isLeft(refused) && refused.left.message).toContain("read-only")
      await run(readOnly.close)
    } finally {
      disk.remount("rw")
      disk.unmount()
    }
  })
})

describe("the lock", () => {
  it("is never removed by a holder whose lock was taken over meanwhile", async () => {
    const dir = await freshDir()
    const journal = await run(openFileJournal({ dir }))
    const lockPath = join(dir, "journal.lock")
    const otherHolder = JSON.stringify({ pid: 4242, host: "elsewhere", token: "other", since: "" })
    // While this process works under the lock, it is judged stale and another holder takes it.
    await run(
      journal.open({
        ...downInput(),
        get title() {
          rmSync(lockPath)
          writeFileSync(lockPath, otherHolder)
          return "System completely down"
        },
      }),
    )
    expect(readFileSync(lockPath, "utf8")).toBe(otherHolder)
    expect(readdirSync(dir).filter((name) => name.startsWith("journal.lock."))).toEqual([])
    await run(journal.close)
  })
})

describe("a list of many incidents", () => {
  it("lets an open waiting for the lock go before it has gone through every file", async () => {
    const dir = await freshDir()
    const journal = await run(openFileJournal({ dir }))
    try {
      // More incidents than a list goes through in one hold of the lock (4,096).
      const opened = await Promise.all(
        Array.from({ length: 4_200 }, (_, n) =>
          run(journal.open({ ...downInput(), dedupKey: `group-${n}` })),
        ),
      )
      expect(new Set(opened.map((result) => result.incident.humanId)).size).toBe(4_200)
      const done: Array<string> = []
      const listing = run(journal.list({})).then((all) => {
        done.push("list")
        return all
      })
      const opening = run(journal.open({ ...downInput(), dedupKey: "group-new" })).then(
        (result) => {
          done.push("open")
          return result
        },
      )
      const [all, late] = await Promise.all([listing, opening])
      expect(done).toEqual(["open", "list"])
      // The list holds every incident listed before the open, each once; the one opened
      // meanwhile comes with the next list.
      expect(all).toHaveLength(4_200)
      expect(all.map((summary) => summary.humanId)).not.toContain(late.incident.humanId)
      expect(await run(journal.list({}))).toHaveLength(4_201)
    } finally {
      await run(journal.close)
    }
  })
})

describe("file journal on disk", () => {
  it("defaults to the XDG state directory", () => {
    expect(defaultJournalDir({ XDG_STATE_HOME: "/state" })).toBe("/state/ir/journal")
    expect(defaultJournalDir({ HOME: "/home/alice" })).toBe("/home/alice/.local/state/ir/journal")
    // A relative XDG_STATE_HOME is invalid per the XDG spec and ignored.
    expect(defaultJournalDir({ XDG_STATE_HOME: "state", HOME: "/home/bob" })).toBe(
      "/home/bob/.local/state/ir/journal",
    )
  })

  it("creates the default directory from the environment it is given", async () => {
    const home = await freshDir()
    const journal = await run(openFileJournal({ env: { HOME: home } }))
    expect(journal.location).toBe(join(home, ".local/state/ir/journal"))
    const { incident } = await run(journal.open(downInput()))
    await run(journal.close)
    const lines = readFileSync(
      join(home, ".local/state/ir/journal/incidents", `${incident.humanId}.jsonl`),
      "utf8",
    )
    // One JSON line per event, the event as core's Schema encodes it (ISO dates), plus its seq.
    const [first] = lines
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
    expect(first).toMatchObject({
      seq: 1,
      incident: { id: incident.id, humanId: "INC-2026-0001" },
      event: { type: "opened", at: "2026-11-28T10:00:00.000Z", incidentId: "INC-2026-0001" },
    })
  })

  it("reports a torn last record, keeps what came before, and never glues onto it", async () => {
    const dir = await freshDir()
    const journal = await run(openFileJournal({ dir }))
    const { incident } = await run(journal.open(downInput()))
    await run(
      journal.append(incident.id, [
        { type: "acknowledged", at: new Date("2026-11-28T10:04:00Z"), by: "alice" },
      ]),
    )
    const file = join(dir, "incidents", `${incident.humanId}.jsonl`)
    const complete = readFileSync(file).length
    const tornBytes = '{"seq":3,"event":{"type":"mitigated","at":"2026-11-28T10:'
    appendFileSync(file, tornBytes) // what a writer killed mid-write leaves

    const reopened = await run(openFileJournal({ dir }))
    const record = await run(reopened.read(incident.humanId))
    expect(record.sequence).toBe(2)
    expect(record.events.map((event) => event.type)).toEqual(["opened", "acknowledged"])
    expect(record.torn).toEqual({ file, offset: complete, length: tornBytes.length })
    expect((await run(reopened.read(incident.humanId))).torn).toBeDefined() // reads don't repair
    const refused = await attempt(
      reopened.append(
        incident.humanId,
        [{ type: "mitigated", at: new Date("2026-11-28T10:20:00Z"), summary: "failover" }],
        { expectedSequence: 1 },
      ),
    )
    expect(Either.isLeft(refused) && refused.left._tag).toBe("JournalConflict")
    expect(readFileSync(file).length).toBe(complete + tornBytes.length) // nor do refused appends

    const appended = await run(
      reopened.append(
        incident.humanId,
        [{ type: "mitigated", at: new Date("2026-11-28T10:20:00Z"), summary: "failover" }],
        { expectedSequence: 2 },
      ),
    )
    expect(appended.sequence).toBe(3)
    expect(appended.repaired).toEqual({
      file,
      offset: complete,
      length: tornBytes.length,
      preservedAs: `${file}.torn-${complete}`,
    })
    expect(readFileSync(`${file}.torn-${complete}`, "utf8")).toBe(tornBytes)
    for (const line of readFileSync(file, "utf8").trimEnd().split("\n")) JSON.parse(line)
    const after = await run(journal.read(incident.id)) // the first writer catches up too
    expect(after.sequence).toBe(3)
    expect(after.torn).toBeUndefined()
    await run(journal.close)
    await run(reopened.close)
  })

  it("treats an unparseable last line as torn, and one in the middle as corruption", async () => {
    const dir = await freshDir()
    const journal = await run(openFileJournal({ dir }))
    const { incident } = await run(journal.open(downInput()))
    const file = join(dir, "incidents", `${incident.humanId}.jsonl`)
    const good = readFileSync(file, "utf8")
    appendFileSync(file, '{"seq":2,"ev\n')
    const torn = await run(openFileJournal({ dir }))
    expect((await run(torn.read(incident.humanId))).torn?.offset).toBe(good.length)
    await run(torn.close)

    writeFileSync(
      file,
      `${good}{"seq":2,"ev\n{"seq":3,"event":{"type":"acknowledged","at":"2026-11-28T10:05:00.000Z","by":"x"}}\n`,
    )
    const corrupt = await run(openFileJournal({ dir }))
    const result = await attempt(corrupt.read(incident.humanId))
    expect(Either.isLeft(result) && result.left).toMatchObject({
      _tag: "JournalUnavailable",
      reason: "corrupt",
      location: `${file} at byte ${good.length}`,
    })
    await run(corrupt.close)
    await run(journal.close)
  })

  it("takes over a lock left by a dead process", async () => {
    const dir = await freshDir()
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" })
    await once(child, "exit")
    const holder = { pid: child.pid, host: hostname(), token: "dead", since: "" }
    writeFileSync(join(dir, "journal.lock"), JSON.stringify(holder))
    writeFileSync(join(dir, `.owner.${child.pid}.dead`), JSON.stringify(holder))
    const journal = await run(openFileJournal({ dir, lockTimeoutMs: 2_000 }))
    const { incident } = await run(journal.open(downInput()))
    expect(incident.humanId).toBe("INC-2026-0001")
    expect(await readdir(dir)).not.toContain(`.owner.${child.pid}.dead`) // the crash's litter
    await run(journal.close)
  })

  it("sees another writer's new incidents between its own turns, by number and in a year it has not seen", async () => {
    const dir = await freshDir()
    const a = await run(openFileJournal({ dir }))
    const b = await run(openFileJournal({ dir }))
    const at = new Date()
    const first = await run(a.open({ ...downInput(), at, dedupKey: "first" }))
    const other = await run(b.open({ ...downInput(), at, dedupKey: "shared" }))
    // a's next turn, well within a second of its full listing: b's incident is found all the same
    const again = await run(a.open({ ...downInput(), at, dedupKey: "shared" }))
    expect(again).toMatchObject({ created: false, incident: { id: other.incident.id } })
    const next = await run(a.open({ ...downInput(), at, dedupKey: "next" }))
    expect(next.incident.humanId).toBe(
      `INC-${at.getUTCFullYear()}-${String(Number(first.incident.humanId.slice(9)) + 2).padStart(4, "0")}`,
    )
    // an incident in a year a has never listed
    const old = new Date("2019-05-01T10:00:00Z")
    const backdated = await run(b.open({ ...downInput(), at: old, dedupKey: "backdated" }))
    expect(backdated.incident.humanId).toBe("INC-2019-0001")
    // a takes the lock for an open of this year, and the backdated one comes while it holds it
    const thisYear = run(a.open({ ...downInput(), at, dedupKey: "this-year" }))
    await new Promise((resolve) => setImmediate(resolve))
    const same = await run(a.open({ ...downInput(), at: old, dedupKey: "backdated" }))
    await thisYear
    expect(same).toMatchObject({ created: false, incident: { id: backdated.incident.id } })
    const later = await run(a.open({ ...downInput(), at: old, dedupKey: "later" }))
    expect(later.incident.humanId).toBe("INC-2019-0002")
    await run(a.close)
    await run(b.close)
  })

  it("holds many dispatch locks at once, and sweeps a dead process's owner file from dispatch/", async () => {
    const dir = await freshDir()
    const journal = await run(openFileJournal({ dir }))
    const incidents = []
    for (let index = 0; index < 20; index += 1)
      incidents.push((await run(journal.open({ ...downInput(), dedupKey: `g-${index}` }))).incident)
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" })
    await once(child, "exit")
    const litter = `.owner.${child.pid}.dead`
    const dispatchDir = join(dir, "dispatch")
    await mkdir(dispatchDir, { recursive: true })
    writeFileSync(
      join(dispatchDir, litter),
      JSON.stringify({ pid: child.pid, host: hostname(), token: "dead", since: "" }),
    )
    // the locks held at once share one owner file of this process, which stays while one is held
    let releaseAll = () => {}
    const releasing = new Promise<void>((resolve) => {
      releaseAll = resolve
    })
    const holding = Promise.all(
      incidents.map((incident) =>
        run(
          journal.withDispatchLock(
            incident.humanId,
            Effect.flatMap(
              Effect.promise(() => releasing),
              () => Effect.map(journal.read(incident.humanId), (record) => record.humanId),
            ),
          ),
        ),
      ),
    )
    const lockFiles = incidents.map((incident) => `${incident.humanId}.lock`)
    for (let tries = 0; tries < 100; tries += 1) {
      const names = await readdir(dispatchDir)
      if (lockFiles.every((name) => names.includes(name))) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const held = await readdir(dispatchDir)
    expect(held.filter((name) => lockFiles.includes(name))).toHaveLength(incidents.length)
    expect(held.filter((name) => name.startsWith(`.owner.${process.pid}.`))).toHaveLength(1)
    // another journal of the same process still waits for a held incident, and is told it is busy
    const other = await run(openFileJournal({ dir }))
    const busy = await attempt(
      other.withDispatchLock(incidents[0]!.humanId, Effect.succeed("taken"), { waitMs: 100 }),
    )
    expect(Either.isLeft(busy) && busy.left).toMatchObject({ reason: "busy" })
    releaseAll()
    const read = await holding
    expect(read).toEqual(incidents.map((incident) => incident.humanId))
    await run(other.close)
    const left = await readdir(dispatchDir)
    expect(left).not.toContain(litter)
    expect(left.filter((name) => name.startsWith(".owner."))).toEqual([])
    await run(journal.close)
  })

  it("waits for a live holder, then names the lock and its holder", async () => {
    const dir = await freshDir()
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], {
      stdio: "ignore",
    })
    try {
      const holder = { pid: child.pid, host: hostname(), token: "live", since: "" }
      writeFileSync(join(dir, "journal.lock"), JSON.stringify(holder))
      const journal = await run(openFileJournal({ dir, lockTimeoutMs: 300 }))
      const started = Date.now()
      const result = await attempt(journal.list())
      expect(Date.now() - started).toBeGreaterThanOrEqual(300)
      expect(Either.isLeft(result) && result.left).toMatchObject({
        _tag: "JournalUnavailable",
        reason: "busy",
        location: join(dir, "journal.lock"),
      })
      expect(Either.isLeft(result) && result.left.message).toContain(`pid ${child.pid}`)
      child.kill("SIGKILL")
      await once(child, "exit")
      expect(await run(journal.list())).toEqual([]) // holder gone: the stale lock is broken
      await run(journal.close)
    } finally {
      child.kill("SIGKILL")
    }
  })

  it("takes over a lock from another host once it is older than any operation", async () => {
    const dir = await freshDir()
    const holder = { pid: 4242, host: "responder-laptop-2", token: "t", since: "" }
    writeFileSync(join(dir, "journal.lock"), JSON.stringify(holder))
    const patient = await run(openFileJournal({ dir, lockTimeoutMs: 200 }))
    const busy = await attempt(patient.list())
    expect(Either.isLeft(busy) && busy.left.message).toContain("pid 4242 on responder-laptop-2")
    const journal = await run(openFileJournal({ dir, staleLockAfterMs: 100, lockTimeoutMs: 2_000 }))
    expect(await run(journal.list())).toEqual([])
    await run(journal.close)
    await run(patient.close)
  })

  it("names the directory when it cannot be written, without a stack trace", async () => {
    // Tests run as root, where permission bits don't stop writes: a directory under a regular
    // file fails for everyone (ENOTDIR).
    const file = join(await freshDir(), "not-a-directory")
    writeFileSync(file, "")
    const dir = join(file, "journal")
    const result = await attempt(openFileJournal({ dir }))
    expect(Either.isLeft(result) && result.left).toMatchObject({
      _tag: "JournalUnavailable",
      reason: "unwritable",
      location: dir,
    })
    const message = Either.isLeft(result) ? result.left.message : ""
    expect(message).toContain(dir)
    expect(message).toContain("ENOTDIR")
    expect(message).not.toMatch(/\n\s+at /)
  })
})

describe("what a process keeps between reads", () => {
  const hourAgo = () => new Date(Date.now() - 3_600_000)

  it("reads the maintenance windows again once another process has changed them", async () => {
    const dir = await freshDir()
    const one = await run(openFileJournal({ dir }))
    const other = await run(openFileJournal({ dir }))
    const window = {
      id: "db-upgrade",
      start: new Date("2026-11-28T10:00:00Z"),
      end: new Date("2026-11-28T12:00:00Z"),
      playbooks: ["database-issues"],
      reason: "PostgreSQL 16 upgrade",
    }
    await run(other.startMaintenance(window))
    // old enough to be kept: the next reads of `one` come from memory
    utimesSync(join(dir, "maintenance.jsonl"), hourAgo(), hourAgo())
    expect((await run(one.maintenanceWindows)).map((each) => each.id)).toEqual(["db-upgrade"])
    expect((await run(one.maintenanceWindows)).map((each) => each.id)).toEqual(["db-upgrade"])
    await run(other.endMaintenance("db-upgrade", new Date("2026-11-28T10:30:00Z")))
    utimesSync(join(dir, "maintenance.jsonl"), hourAgo(), hourAgo())
    const [ended] = await run(one.maintenanceWindows)
    expect(ended?.end).toEqual(new Date("2026-11-28T10:30:00Z"))
    await run(one.close)
    await run(other.close)
  })

  it("reads the maintenance windows without waiting for the lock, never half of a window being written", async () => {
    const dir = await freshDir()
    const reader = await run(openFileJournal({ dir }))
    const writer = await run(openFileJournal({ dir }))
    const windowOf = (index: number) => ({
      id: `window-${index}`,
      start: new Date("2026-11-28T10:00:00Z"),
      end: new Date("2026-11-28T12:00:00Z"),
      playbooks: ["database-issues"],
      reason: `maintenance ${index} ${"x".repeat(2000)}`,
    })
    await run(writer.startMaintenance(windowOf(0)))
    // Another process holds the lock: a read still answers.
    const holder = await FileLock.create({ dir, timeoutMs: 5000, foreignStaleMs: 60_000 })
    let release = () => {}
    const held = holder.withLock(() => new Promise<void>((resolve) => (release = resolve)))
    await new Promise((resolve) => setTimeout(resolve, 50))
    try {
      const during = await Promise.race([
        run(reader.maintenanceWindows).then((windows) => windows.map((each) => each.id)),
        new Promise((resolve) => setTimeout(() => resolve("waited for the lock"), 2000)),
      ])
      expect(during).toEqual(["window-0"])
    } finally {
      release()
      await held
      await holder.close()
    }
    // Reads while windows are being written see a whole prefix of them, in order.
    const seen: Array<number> = []
    let writing = true
    const reading = (async () => {
      while (writing) {
        const ids = (await run(reader.maintenanceWindows)).map((each) => each.id)
        expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => `window-${index}`))
        seen.push(ids.length)
      }
    })()
    for (let index = 1; index <= 40; index += 1) await run(writer.startMaintenance(windowOf(index)))
    writing = false
    await reading
    expect(seen.length).toBeGreaterThan(1)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    expect((await run(reader.maintenanceWindows)).length).toBe(41)
    await run(reader.close)
    await run(writer.close)
  })

  it("lists from the files it checked until another journal holds the lock, then checks them again", async () => {
    const dir = await freshDir()
    const one = await run(openFileJournal({ dir }))
    const other = await run(openFileJournal({ dir }))
    const { incident } = await run(one.open(downInput()))
    const sequenceListed = async () =>
      (await run(one.list())).find((each) => each.humanId === incident.humanId)?.sequence
    expect(await sequenceListed()).toBe(1)
    const holderFile = join(dir, "journal.holder")
    const oneHeldLast = readFileSync(holderFile, "utf8")
    const postUpdate = (minute: number) =>
      run(
        other.append(incident.humanId, [
          {
            type: "update-posted",
            at: new Date(Date.UTC(2026, 10, 28, 10, minute)),
            progress: `Minute ${minute}`,
            status: "Investigating",
            nextSteps: "Keep looking",
          },
        ]),
      )
    // A writer that does not announce itself (as an older ir would not): `one` still lists what
    // it checked, without a stat of the file, while a read of the incident is exact.
    await postUpdate(5)
    writeFileSync(holderFile, oneHeldLast)
    expect(await sequenceListed()).toBe(1)
    expect((await run(one.read(incident.humanId))).sequence).toBe(2)
    // One that takes part: the next list of `one` checks the files again.
    await postUpdate(6)
    expect(readFileSync(holderFile, "utf8")).not.toBe(oneHeldLast)
    expect(await sequenceListed()).toBe(3)
    await run(one.close)
    await run(other.close)
  })

  it("sees another process's append to an incident it opened itself", async () => {
    const dir = await freshDir()
    const one = await run(openFileJournal({ dir }))
    const other = await run(openFileJournal({ dir }))
    const { incident } = await run(one.open(downInput()))
    // `one` holds the incident in memory with no file handle: a read is a stat of the file
    expect((await run(one.read(incident.humanId))).sequence).toBe(1)
    await run(
      other.append(incident.humanId, [
        { type: "acknowledged", at: new Date("2026-11-28T10:05:00Z"), by: "alice" },
      ]),
    )
    const read = await run(one.read(incident.humanId))
    expect(read.sequence).toBe(2)
    expect(read.state.status).toBe("acknowledged")
    await run(one.close)
    await run(other.close)
  })
})
