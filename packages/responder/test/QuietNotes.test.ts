import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { defaultRunbook } from "@ir/core"
import { afterEach, describe, expect, it } from "vitest"
import { loadQuietNotes, runbookFingerprint } from "../src/index.js"
import { headlines, p0, run, runbookWith, type World, watchingReads, world } from "./fixtures.js"

const t0 = new Date("2026-11-28T10:00:00Z")
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const temps: Array<string> = []
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "ir-quiet-"))
  temps.push(dir)
  return dir
}
let current: World | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe("quiet notes kept in a file", () => {
  it("let the next process skip what the last found quiet, until it changes or falls due", async () => {
    let now = t0
    const w = await world()
    current = w
    const file = join(temp(), "cache", "quiet", "journal.json")
    const fingerprint = runbookFingerprint(w.runbook, "1.0.0")
    const first = await loadQuietNotes({ file, fingerprint })
    const responder = await w.responder({ now: () => now, quiet: first })
    const { incident } = await run(responder.open(p0(t0)))
    const id = incident.humanId
    now = minutes(5)
    await run(responder.tick())
    await first.save()
    expect(statSync(file).mode & 0o777).toBe(0o600)

    // Another process, one pass each (as `ir escalate` from cron): it reads nothing at 10:10…
    const pass = async (minute: number, notesFingerprint = fingerprint) => {
      const notes = await loadQuietNotes({ file, fingerprint: notesFingerprint })
      const reads: Array<string> = []
      now = minutes(minute)
      const next = await w.responder({
        now: () => now,
        quiet: notes,
        wrapJournal: watchingReads(reads),
      })
      const report = await run(next.tick())
      await notes.save()
      return { reads, report }
    }
    const idle = await pass(10)
    expect(idle.reads).toEqual([])
    expect(idle.report.dispatched).toEqual([])
    // …reads it under another runbook (or another version of the code),
    const other = await pass(11, runbookFingerprint(w.runbook, "1.0.1"))
    expect(other.reads).toContain(id)
    // …and at 10:30, the moment nextDueAt named, reads it and sends the escalation.
    const due = await pass(30)
    expect(due.reads).toContain(id)
    expect(due.report.dispatched.map((entry) => entry.incidentId)).toEqual([id])
    expect(headlines(w.slack)).toEqual(
      expect.arrayContaining([expect.stringContaining("INCIDENT ESCALATION - P0")]),
    )
  })

  it("are written only when they changed, and a file that is not notes is left aside", async () => {
    const dir = temp()
    const file = join(dir, "notes.json")
    const empty = await loadQuietNotes({ file, fingerprint: "a" })
    await empty.save()
    expect(existsSync(file)).toBe(false)
    empty.set("INC-2026-0001", { sequence: 3, checkedAt: 10, until: Number.POSITIVE_INFINITY })
    empty.set("INC-2026-0002", { sequence: 1, checkedAt: 10, until: 99 })
    await empty.save()
    const again = await loadQuietNotes({ file, fingerprint: "a" })
    expect(again.get("INC-2026-0001")).toEqual({
      sequence: 3,
      checkedAt: 10,
      until: Number.POSITIVE_INFINITY,
    })
    expect(again.get("INC-2026-0002")).toEqual({ sequence: 1, checkedAt: 10, until: 99 })
    expect((await loadQuietNotes({ file, fingerprint: "b" })).get("INC-2026-0001")).toBeUndefined()

    const written = readFileSync(file, "utf8")
    for (const broken of [
      "{",
      written.replace('"version":1', '"version":2'),
      written.replace("[3,10,null]", "[0,10,null]"),
      written.replace("[3,10,null]", '[3,"10",null]'),
      written.replace("[3,10,null]", "[3,10]"),
    ]) {
      writeFileSync(file, broken)
      expect((await loadQuietNotes({ file, fingerprint: "a" })).get("INC-2026-0002"), broken).toBe(
        undefined,
      )
    }
    // Writing removes the notes of journals not written for 30 days, and only those.
    const stale = join(dir, "stale-journal.json")
    const recent = join(dir, "recent-journal.json")
    writeFileSync(stale, "{}")
    writeFileSync(recent, "{}")
    utimesSync(
      stale,
      new Date(Date.now() - 31 * 86_400_000),
      new Date(Date.now() - 31 * 86_400_000),
    )
    utimesSync(
      recent,
      new Date(Date.now() - 29 * 86_400_000),
      new Date(Date.now() - 29 * 86_400_000),
    )
    again.set("INC-2026-0003", { sequence: 1, checkedAt: 10, until: 20 })
    await again.save()
    expect(existsSync(stale)).toBe(false)
    expect(existsSync(recent)).toBe(true)
    expect(existsSync(file)).toBe(true)
    // A cache that cannot be written costs only the reads it would have saved.
    writeFileSync(join(dir, "a-file"), "")
    const unwritable = await loadQuietNotes({
      file: join(dir, "a-file", "notes.json"),
      fingerprint: "a",
    })
    unwritable.set("INC-2026-0001", { sequence: 1, checkedAt: 1, until: 2 })
    await expect(unwritable.save()).resolves.toBeUndefined()
  })

  it("keep tens of thousands, and a note set while they are written is saved next time", async () => {
    const file = join(temp(), "notes.json")
    const notes = await loadQuietNotes({ file, fingerprint: "a" })
    const id = (n: number) => `INC-2026-${String(n).padStart(5, "0")}`
    for (let n = 1; n <= 30_000; n += 1)
      notes.set(id(n), { sequence: n, checkedAt: 10, until: n % 2 === 0 ? 99 : Infinity })
    const saving = notes.save()
    // Set while the file is being written (the write is in slices): not lost.
    notes.set("INC-2027-0001", { sequence: 7, checkedAt: 20, until: 30 })
    notes.delete(id(2))
    await saving
    await notes.save()
    const again = await loadQuietNotes({ file, fingerprint: "a" })
    expect(again.get(id(1))).toEqual({ sequence: 1, checkedAt: 10, until: Infinity })
    expect(again.get(id(2))).toBeUndefined()
    expect(again.get(id(30_000))).toEqual({ sequence: 30_000, checkedAt: 10, until: 99 })
    expect(again.get("INC-2027-0001")).toEqual({ sequence: 7, checkedAt: 20, until: 30 })
    expect([...again.keys()]).toHaveLength(30_000)
    // Nothing is left under a temporary name.
    expect(readdirSync(dirname(file))).toEqual(["notes.json"])
  })

  it("are taken under a fingerprint of the runbook and the code's version", () => {
    const base = runbookFingerprint(defaultRunbook, "1.0.0")
    expect(runbookFingerprint(defaultRunbook, "1.0.0")).toBe(base)
    expect(runbookFingerprint(defaultRunbook, "1.0.1")).not.toBe(base)
    expect(runbookFingerprint(runbookWith("45 minutes"), "1.0.0")).not.toBe(base)
  })
})
