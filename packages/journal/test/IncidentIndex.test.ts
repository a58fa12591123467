// The file journal's index (index.json): a cache of every incident's summary, checked against
// each incident file's size, mtime and inode and rebuilt from the files when it is missing,
// stale, torn or killed mid-write. Whatever state it is in, the journal lists what the files hold.
import { spawn } from "node:child_process"
import { once } from "node:events"
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Option } from "effect"
import { afterAll, describe, expect, it, vi } from "vitest"
import {
  type IncidentRecord,
  type IncidentSummary,
  type Journal,
  openFileJournal,
} from "../src/index.js"
import {
  INDEX_QUIET_MS,
  INDEX_WRITE_INTERVAL_MS,
  INDEX_WRITE_LONGEST_MS,
  indexWriteDue,
  TRUST_CHECKS_MS,
  trustedFor,
} from "../src/internal/IncidentIndex.js"
import { formatHumanId } from "../src/internal/Summary.js"
import { downInput, run } from "./JournalContract.js"

const base = mkdtempSync(join(tmpdir(), "ir-journal-index-"))
afterAll(() => rmSync(base, { recursive: true, force: true }))

const fixture = join(import.meta.dirname, "fixtures", "index-writer.mjs")
const active = ["open", "acknowledged", "mitigated"] as const

/**
 * Dates every incident file and the directory an hour back: the index leaves out files changed within the last
 * second (their stamp could still move within one clock tick), and these tests are about the
 * entries it keeps.
 */
const settle = (dir: string): void => {
  const past = new Date(Date.now() - 3_600_000)
  for (const name of readdirSync(join(dir, "incidents")))
    utimesSync(join(dir, "incidents", name), past, past)
  // and the directory: its listing is kept while its mtime stays
  utimesSync(join(dir, "incidents"), past, past)
}

/** What the files hold: the listing of a journal with no index (a copy, the index deleted). */
const fromFilesAlone = async (dir: string): Promise<ReadonlyArray<IncidentSummary>> => {
  const copy = mkdtempSync(join(base, "copy-"))
  // The files alone: not the index, and not the lock another journal of this process may hold.
  cpSync(dir, copy, {
    recursive: true,
    filter: (source) => !/(^|\/)(index\.json|index-settled\.json|journal\.lock)$/.test(source),
  })
  const journal = await run(openFileJournal({ dir: copy }))
  try {
    return await run(journal.list())
  } finally {
    await run(journal.close)
    rmSync(copy, { recursive: true, force: true })
  }
}

const listOnce = async (dir: string, filter = {}): Promise<ReadonlyArray<IncidentSummary>> => {
  const journal = await run(openFileJournal({ dir }))
  try {
    return await run(journal.list(filter))
  } finally {
    await run(journal.close)
  }
}

/** A journal with three incidents (one resolved) and an index written for all of them. */
const journalWithIndex = async () => {
  const dir = mkdtempSync(join(base, "journal-"))
  const journal = await run(openFileJournal({ dir }))
  const at = new Date("2026-11-28T10:00:00Z")
  const ids: Array<string> = []
  for (const [index, severity] of (["P0", "P1", "P2"] as const).entries()) {
    const { incident } = await run(
      journal.open({ ...downInput(), at, severity, dedupKey: `group-${index}` }),
    )
    ids.push(incident.humanId)
  }
  await run(
    journal.append(ids[2] as string, [
      { type: "mitigated", at, summary: "rolled back" },
      { type: "resolved", at, resolution: "rolled back" },
    ]),
  )
  await run(journal.close)
  settle(dir)
  await listOnce(dir)
  expect(existsSync(join(dir, "index.json"))).toBe(true)
  return { dir, ids: ids as [string, string, string], at }
}

/** Resolves an incident a minute after it was opened. */
const resolvedAMinuteIn = (
  journal: { readonly append: Journal["append"] },
  incident: { readonly humanId: string; readonly openedAt: Date },
) =>
  run(
    journal.append(incident.humanId, [
      { type: "resolved", at: new Date(incident.openedAt.getTime() + 60_000), resolution: "ok" },
    ]),
  )

/** One record appended straight to an incident file, as a writer that knows no index does. */
const appendRaw = (dir: string, humanId: string, sequence: number, event: object): void =>
  appendFileSync(
    join(dir, "incidents", `${humanId}.jsonl`),
    `${JSON.stringify({ seq: sequence, event })}\n`,
  )

describe("the incident index", () => {
  it("holds every incident's summary after a list, and lists the same as the files", async () => {
    const { dir, ids } = await journalWithIndex()
    const stored = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as {
      incidents: ReadonlyArray<{ humanId: string; status: string }>
    }
    expect(stored.incidents.map((entry) => entry.humanId).sort()).toEqual([...ids].sort())
    expect(await listOnce(dir)).toEqual(await fromFilesAlone(dir))
    expect((await listOnce(dir, { status: [...active] })).map((s) => s.humanId)).toEqual(
      [ids[0], ids[1]].sort().reverse(),
    )
  })

  it("is not rewritten by every list of a process that keeps appending, and others still see the files", async () => {
    const { dir, ids, at } = await journalWithIndex()
    const serving = await run(openFileJournal({ dir }))
    try {
      const update = (minute: number) =>
        run(
          serving.append(ids[0], [
            {
              type: "update-posted",
              at: new Date(at.getTime() + minute * 60_000),
              progress: "p",
              status: "s",
              nextSteps: "n",
            },
          ]),
        )
      // The process's first list after a change writes the index…
      await update(1)
      await run(serving.list({}))
      const written = readFileSync(join(dir, "index.json"), "utf8")
      for (let minute = 2; minute <= 4; minute += 1) {
        await update(minute)
        await run(serving.list({}))
      }
      // …then, within the write interval, the index on disk stays as it was…
      expect(readFileSync(join(dir, "index.json"), "utf8")).toBe(written)
      // …and another process still lists what the files hold, the appends included.
      expect(await listOnce(dir)).toEqual(await fromFilesAlone(dir))
      expect((await listOnce(dir)).find((summary) => summary.humanId === ids[0])?.sequence).toBe(5)
    } finally {
      await run(serving.close)
    }
  })

  it("is written by a process at first, then at most every interval, waiting for a quiet moment up to a bound", () => {
    const second = 1_000
    // the first time, whatever the process just wrote
    expect(indexWriteDue({ now: 5 * second, writtenAt: undefined, wroteAt: 5 * second })).toBe(true)
    // within the interval: not again
    const writtenAt = 100 * second
    const within = writtenAt + INDEX_WRITE_INTERVAL_MS - 1
    expect(indexWriteDue({ now: within, writtenAt, wroteAt: 0 })).toBe(false)
    // past it, and no incident written for a while: now
    const past = writtenAt + INDEX_WRITE_INTERVAL_MS
    expect(indexWriteDue({ now: past, writtenAt, wroteAt: past - INDEX_QUIET_MS })).toBe(true)
    // past it, but incidents being written (an alert storm): later
    expect(indexWriteDue({ now: past, writtenAt, wroteAt: past - 10 })).toBe(false)
    // however busy, never older than the bound
    const old = writtenAt + INDEX_WRITE_LONGEST_MS
    expect(indexWriteDue({ now: old, writtenAt, wroteAt: old - 10 })).toBe(true)
  })

  it("trusts a check of an incident's file for half to all of a minute, the same each time, spread over incidents", () => {
    const ids = Array.from({ length: 10_000 }, (_, index) =>
      formatHumanId(2026 + (index % 3), index + 1),
    )
    const spans = ids.map(trustedFor)
    expect(Math.min(...spans)).toBeGreaterThanOrEqual(TRUST_CHECKS_MS / 2)
    expect(Math.max(...spans)).toBeLessThan(TRUST_CHECKS_MS)
    expect(ids.map(trustedFor)).toEqual(spans)
    // files checked together (a first list) come due again a few at a time, not all at once
    const tenths = Array.from({ length: 10 }, () => 0)
    for (const span of spans) tenths[Math.floor((span / TRUST_CHECKS_MS - 0.5) * 2 * 10)] += 1
    for (const count of tenths) expect(count).toBeGreaterThan(700)
  })

  it("is rebuilt from the files when deleted", async () => {
    const { dir } = await journalWithIndex()
    const before = await listOnce(dir)
    rmSync(join(dir, "index.json"))
    expect(await listOnce(dir)).toEqual(before)
    expect(existsSync(join(dir, "index.json"))).toBe(true)
  })

  it.each([
    ["torn in half", (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ["empty", () => ""],
    ["not JSON", () => "\u0000\u0000garbage"],
    ["of another version", (text: string) => text.replace('"version":1', '"version":99')],
    [
      "with an entry that does not decode",
      (text: string) => text.replace(/"status":"[a-z]+"/, '"status":"exploded"'),
    ],
  ])("is rebuilt from the files when %s", async (_, damage) => {
    const { dir } = await journalWithIndex()
    const before = await listOnce(dir)
    const file = join(dir, "index.json")
    writeFileSync(file, damage(readFileSync(file, "utf8")))
    expect(await listOnce(dir)).toEqual(before)
    expect(await listOnce(dir, { status: [...active] })).toEqual(
      before.filter((summary) => summary.status !== "resolved"),
    )
  })

  it("is stale when another writer appended without it, and the journal sees the files", async () => {
    const { dir, ids, at } = await journalWithIndex()
    // A process that keeps its index in memory across the other writer's appends, too.
    const longLived = await run(openFileJournal({ dir }))
    await run(longLived.list())
    appendRaw(dir, ids[0], 2, { type: "acknowledged", at: at.toISOString(), by: "bob" })
    appendRaw(dir, ids[1], 2, {
      type: "mitigated",
      at: at.toISOString(),
      summary: "failed over",
    })
    appendRaw(dir, ids[1], 3, {
      type: "resolved",
      at: at.toISOString(),
      resolution: "failed over",
    })
    // A resolved incident still takes events (its post-mortem): only its sequence moves.
    appendRaw(dir, ids[2], 4, {
      type: "postmortem-scheduled",
      at: at.toISOString(),
      scheduledFor: "2026-12-01T10:00:00.000Z",
    })
    const expected = await fromFilesAlone(dir)
    expect(expected.find((s) => s.humanId === ids[0])).toMatchObject({
      status: "acknowledged",
      sequence: 2,
    })
    expect(expected.find((s) => s.humanId === ids[2])).toMatchObject({ sequence: 4 })
    expect(await listOnce(dir)).toEqual(expected)
    expect(await run(longLived.list())).toEqual(expected)
    expect(await run(longLived.list({ status: [...active] }))).toEqual(
      expected.filter((summary) => summary.status !== "resolved"),
    )
    // An append through the journal checks the other writer's events too.
    expect((await run(longLived.read(ids[0]))).sequence).toBe(2)
    await run(longLived.close)
  })

  it("checks ahead, outside the lock, the files that have not moved: a hand edit is still seen", async () => {
    // Time moves by the fake clock: the checks run out and are checked ahead second by second.
    vi.useFakeTimers({ toFake: ["performance", "setInterval", "clearInterval"] })
    try {
      const { dir, ids, at } = await journalWithIndex()
      const journal = await run(openFileJournal({ dir }))
      try {
        const statuses = async () =>
          Object.fromEntries(
            (await run(journal.list({ status: [...active] }))).map((s) => [s.humanId, s.status]),
          )
        const checkedAt = performance.now()
        expect(await statuses()).toEqual({ [ids[0]]: "open", [ids[1]]: "open" })
        // Just before ids[1]'s check runs out, the unmoved file's check has been renewed ahead:
        // a hand edit made now is not seen by a list made just after the first check ran out…
        const runsOut = checkedAt + trustedFor(ids[1])
        while (performance.now() < runsOut - 500) await vi.advanceTimersByTimeAsync(1000)
        appendRaw(dir, ids[1], 2, { type: "acknowledged", at: at.toISOString(), by: "ann" })
        await vi.advanceTimersByTimeAsync(1000)
        expect(performance.now()).toBeGreaterThan(runsOut)
        expect((await statuses())[ids[1]]).toBe("open")
        // …while a file that moved is never renewed: both edits are seen once their checks run
        // out, within two rounds.
        appendRaw(dir, ids[0], 2, { type: "acknowledged", at: at.toISOString(), by: "bob" })
        for (let second = 0; second < (2 * TRUST_CHECKS_MS) / 1000; second += 1)
          await vi.advanceTimersByTimeAsync(1000)
        expect(await statuses()).toEqual({ [ids[0]]: "acknowledged", [ids[1]]: "acknowledged" })
      } finally {
        await run(journal.close)
      }
      // closed, the journal leaves no timer behind
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it("sees incidents opened, deleted or replaced behind its back", async () => {
    const { dir, ids } = await journalWithIndex()
    const longLived = await run(openFileJournal({ dir }))
    await run(longLived.list())
    const other = await run(openFileJournal({ dir }))
    const { incident } = await run(other.open({ ...downInput(), dedupKey: "group-new" }))
    await run(other.close)
    rmSync(join(dir, "incidents", `${ids[1]}.jsonl`))
    // replaced by a copy of another incident's file under its name (a restore from a backup)
    const replaced = join(dir, "incidents", `${ids[0]}.jsonl`)
    const restored = readFileSync(join(dir, "incidents", `${ids[2]}.jsonl`), "utf8").replace(
      ids[2],
      ids[0],
    )
    rmSync(replaced)
    writeFileSync(replaced, restored)
    const expected = await fromFilesAlone(dir)
    expect(expected.map((summary) => summary.humanId).sort()).toEqual(
      [ids[0], ids[2], incident.humanId].sort(),
    )
    expect(await run(longLived.list())).toEqual(expected)
    expect(await listOnce(dir)).toEqual(expected)
    await run(longLived.close)
  })

  it("checks the incidents in progress for damage, and a resolved one when it is read or listed", async () => {
    const { dir, ids } = await journalWithIndex()
    const resolvedFile = join(dir, "incidents", `${ids[2]}.jsonl`)
    appendFileSync(resolvedFile, "not a record\n")
    appendRaw(dir, ids[2], 4, { type: "action-item-added", at: new Date().toISOString() })
    const journal = await run(openFileJournal({ dir }))
    try {
      // a resolved incident is final: \`damaged\` does not look at its file
      expect(await run(journal.damaged)).toEqual([])
      // reading it names the damage, and a list that returns resolved incidents finds it too
      await expect(run(journal.read(ids[2]))).rejects.toThrow(`${resolvedFile} at byte`)
      expect((await run(journal.list())).map((summary) => summary.humanId)).not.toContain(ids[2])
      expect((await run(journal.damaged)).map((damage) => damage.incidentId)).toEqual([ids[2]])
    } finally {
      await run(journal.close)
    }
  })

  it("records a damaged file, and forgets the damage once the file is mended", async () => {
    const { dir, ids } = await journalWithIndex()
    const file = join(dir, "incidents", `${ids[0]}.jsonl`)
    const sound = readFileSync(file)
    appendFileSync(file, "not a record\n")
    appendRaw(dir, ids[0], 2, { type: "acknowledged", at: new Date().toISOString(), by: "x" })
    const first = await run(openFileJournal({ dir }))
    expect((await run(first.damaged)).map((damage) => damage.incidentId)).toEqual([ids[0]])
    await run(first.close)
    settle(dir)
    const second = await run(openFileJournal({ dir }))
    await run(second.list()) // writes the index with the damage in it
    await run(second.close)
    const third = await run(openFileJournal({ dir }))
    expect((await run(third.damaged)).map((damage) => damage.incidentId)).toEqual([ids[0]])
    expect((await run(third.list())).map((summary) => summary.humanId)).not.toContain(ids[0])
    writeFileSync(file, sound)
    expect(await run(third.damaged)).toEqual([])
    expect((await run(third.list())).map((summary) => summary.humanId)).toContain(ids[0])
    await run(third.close)
  })

  it("finds incidents by UUID and by dedup key through the index", async () => {
    const { dir, ids } = await journalWithIndex()
    const journal = await run(openFileJournal({ dir }))
    const listed = await run(journal.list())
    const first = listed.find((summary) => summary.humanId === ids[0]) as IncidentSummary
    const fresh = await run(openFileJournal({ dir }))
    expect((await run(fresh.read(first.id))).humanId).toBe(ids[0])
    const found = await run(fresh.findByDedupKey("group-0"))
    expect(found._tag === "Some" && found.value.humanId).toBe(ids[0])
    // an open with a known key returns the incident the index names, read from its file
    appendRaw(dir, ids[0], 2, { type: "acknowledged", at: new Date().toISOString(), by: "x" })
    const again = await run(fresh.open({ ...downInput(), dedupKey: "group-0" }))
    expect(again).toMatchObject({ created: false, incident: { humanId: ids[0], sequence: 2 } })
    await run(journal.close)
    await run(fresh.close)
  })

  it("lists exactly what the files hold after a writer is killed mid-update", async () => {
    const dir = mkdtempSync(join(base, "killed-"))
    for (const [round, delayMs] of [150, 400, 700, 1000, 1300].entries()) {
      const child = spawn(
        process.execPath,
        [fixture, JSON.stringify({ dir, label: `w${round}` })],
        { stdio: ["ignore", "pipe", "pipe"] },
      )
      let stderr = ""
      let steps = 0
      child.stderr.on("data", (chunk) => {
        stderr += chunk
      })
      child.stdout.on("data", (chunk: Buffer) => {
        steps += chunk
          .toString()
          .split("\n")
          .filter((line) => line.startsWith("step")).length
      })
      const exited = once(child, "exit")
      // Kill once it has written for a while: wherever it is (an append, an index write).
      while (steps < 2 && child.exitCode === null) await new Promise((r) => setTimeout(r, 10))
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      child.kill("SIGKILL")
      const [code, signal] = await exited
      expect({ code, signal, stderr }).toEqual({ code: null, signal: "SIGKILL", stderr: "" })
      // Half the rounds, the index was written long ago: every entry's stamp is checked.
      if (round % 2 === 1) settle(dir)
      const expected = await fromFilesAlone(dir)
      expect(expected.length).toBeGreaterThan(0)
      expect(await listOnce(dir)).toEqual(expected)
      expect(await listOnce(dir, { status: [...active] })).toEqual(
        expected.filter((summary) => summary.status !== "resolved"),
      )
      const journal = await run(openFileJournal({ dir }))
      expect(await run(journal.damaged)).toEqual([])
      await run(journal.close)
    }
    // A killed index write leaves at most its temporary file, removed by the next write.
    expect(readdirSync(dir).filter((name) => name.startsWith("index.json.tmp-"))).toEqual([])
    expect(statSync(join(dir, "index.json")).size).toBeGreaterThan(0)
  }, 60_000)

  it("mends the index after a torn incident record is cut off", async () => {
    const { dir, ids, at } = await journalWithIndex()
    const file = join(dir, "incidents", `${ids[0]}.jsonl`)
    appendFileSync(file, '{"seq":2,"event":{"type":"ackno')
    expect(await listOnce(dir)).toEqual(await fromFilesAlone(dir))
    const journal = await run(openFileJournal({ dir }))
    await run(journal.list())
    await run(journal.append(ids[0], [{ type: "acknowledged", at, by: "alice" }]))
    truncateSync(join(dir, "index.json"), 10)
    expect(await listOnce(dir)).toEqual(await fromFilesAlone(dir))
    expect(await run(journal.list({ status: "acknowledged" }))).toHaveLength(1)
    await run(journal.close)
  })
})

const day = 86_400_000
/**
 * 300 incidents resolved long ago (opened 60 to 360 days back, some sharing a dedup key), two
 * resolved last week and three in progress; the index written by a fresh process's list.
 */
const journalWithHistory = async () => {
  const dir = mkdtempSync(join(base, "history-"))
  const journal = await run(openFileJournal({ dir }))
  const now = Date.now()
  // Twice 150 keys: each key's first incident resolved before its second is opened.
  const old: Array<IncidentRecord> = []
  for (const first of [210, 60]) {
    const batch = await Promise.all(
      Array.from({ length: 150 }, (_, index) =>
        run(
          journal.open({
            ...downInput(),
            at: new Date(now - (first + index) * day),
            dedupKey: `old-${index}`,
          }),
        ),
      ),
    )
    await Promise.all(
      batch.map(({ incident }) =>
        run(
          journal.append(incident.humanId, [
            {
              type: "resolved",
              at: new Date(incident.openedAt.getTime() + 3_600_000),
              resolution: "ok",
            },
          ]),
        ),
      ),
    )
    old.push(...batch.map(({ incident }) => incident))
  }
  for (const index of [0, 1]) {
    const { incident } = await run(
      journal.open({
        ...downInput(),
        at: new Date(now - (5 + index) * day),
        dedupKey: `recent-${index}`,
      }),
    )
    await run(
      journal.append(incident.humanId, [
        { type: "resolved", at: new Date(now - 4 * day), resolution: "ok" },
      ]),
    )
  }
  for (const index of [0, 1, 2])
    await run(
      journal.open({
        ...downInput(),
        at: new Date(now - index * 3_600_000),
        dedupKey: `live-${index}`,
      }),
    )
  await run(journal.close)
  settle(dir)
  await listOnce(dir)
  return { dir, now, old }
}

describe("the settled part of the index", () => {
  it("holds the incidents resolved long ago, and index.json only names them", async () => {
    const { dir, old } = await journalWithHistory()
    const settledFile = JSON.parse(readFileSync(join(dir, "index-settled.json"), "utf8")) as {
      incidents: ReadonlyArray<{ humanId: string; status: string }>
    }
    expect(settledFile.incidents.map((entry) => entry.humanId).sort()).toEqual(
      old.map((incident) => incident.humanId).sort(),
    )
    const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as {
      incidents: ReadonlyArray<{ humanId: string }>
      settled: { ids: Record<string, Array<[number, number]>> }
    }
    expect(index.incidents).toHaveLength(5)
    const named = Object.values(index.settled.ids)
      .flat()
      .reduce((count, [from, to]) => count + to - from + 1, 0)
    expect(named).toBe(300)
    expect(await listOnce(dir)).toEqual(await fromFilesAlone(dir))
  })

  it("is not read for the incidents in progress, nor for those opened in the last 30 days", async () => {
    const { dir, now, old } = await journalWithHistory()
    const expected = await fromFilesAlone(dir)
    // A probe: a settled entry that claims to be open. A list that read the settled file would
    // return it (its stamp matches its file).
    const settledPath = join(dir, "index-settled.json")
    const real = readFileSync(settledPath, "utf8")
    const lyingId = old[0]?.humanId as string
    const doctored = real.split("\n").map((line) => {
      const comma = line.startsWith(",") ? "," : ""
      if (!line.includes(`"humanId":"${lyingId}"`)) return line
      const entry = JSON.parse(line.slice(comma.length)) as { status: string; resolvedAt?: number }
      entry.status = "open"
      delete entry.resolvedAt
      return `${comma}${JSON.stringify(entry)}`
    })
    expect(doctored.join("\n")).not.toBe(real)
    writeFileSync(settledPath, doctored.join("\n"))
    expect(await listOnce(dir, { status: [...active] })).toEqual(
      expected.filter((summary) => summary.status !== "resolved"),
    )
    const lastMonth = new Date(now - 30 * day)
    expect(await listOnce(dir, { status: "resolved", openedAfter: lastMonth })).toEqual(
      expected.filter((summary) => summary.status === "resolved" && summary.openedAt >= lastMonth),
    )
    // A list that may return settled incidents reads it (and so shows the probe).
    const all = await listOnce(dir)
    expect(all.find((summary) => summary.humanId === lyingId)?.status).toBe("open")
    writeFileSync(settledPath, real)
    expect(await listOnce(dir)).toEqual(expected)
  })

  it("is rebuilt from the files when it is missing, torn or older than index.json", async () => {
    const { dir } = await journalWithHistory()
    const expected = await fromFilesAlone(dir)
    const settledPath = join(dir, "index-settled.json")
    const real = readFileSync(settledPath, "utf8")
    rmSync(settledPath)
    expect(await listOnce(dir)).toEqual(expected)
    expect(existsSync(settledPath)).toBe(true) // written again from the files
    writeFileSync(settledPath, real.slice(0, real.length / 2))
    expect(await listOnce(dir)).toEqual(expected)
    // index.json rebuilt (gone) while the settled file stays: the files decide
    rmSync(join(dir, "index.json"))
    expect(await listOnce(dir, { status: [...active] })).toEqual(
      expected.filter((summary) => summary.status !== "resolved"),
    )
    expect(await listOnce(dir)).toEqual(expected)
  })

  it("answers a look-up by key and a read by UUID of an incident resolved long ago", async () => {
    const { dir, old } = await journalWithHistory()
    const journal = await run(openFileJournal({ dir }))
    // old-7 was opened twice, 217 and 67 days ago: the newer one is the answer
    const found = Option.getOrThrow(await run(journal.findByDedupKey("old-7")))
    expect(found.humanId).toBe(old[157]?.humanId)
    const byUuid = await run(journal.read(old[200]?.id as string))
    expect(byUuid.humanId).toBe(old[200]?.humanId)
    // and a new alert on an old key opens a new incident, the old ones being resolved
    const again = await run(journal.open({ ...downInput(), dedupKey: "old-7" }))
    expect(again.created).toBe(true)
    await run(journal.close)
  })
})

describe("the settled part, listed apart", () => {
  const byId = (summaries: ReadonlyArray<IncidentSummary>) =>
    [...summaries].sort((a, b) => a.humanId.localeCompare(b.humanId))

  /** Changes an incident's title in the settled file by hand; gives back the file as it was. */
  const doctorTitle = (dir: string, humanId: string, title: string): (() => void) => {
    const settledPath = join(dir, "index-settled.json")
    const real = readFileSync(settledPath, "utf8")
    const doctored = real.replace(
      new RegExp(`("humanId":"${humanId}"[^\\n]*"title":")[^"]*`),
      `$1${title}`,
    )
    expect(doctored).not.toBe(real)
    writeFileSync(settledPath, doctored)
    return () => writeFileSync(settledPath, real)
  }
  /** The title `listSettledApart` gives an incident of the settled part, gone through anew. */
  const settledTitle = async (journal: Journal, humanId: string) => {
    let title: string | undefined
    await run(
      journal.listSettledApart({
        visit: (summary) => {
          if (summary.humanId === humanId) title = summary.title
        },
      }),
    )
    return title
  }

  it("gives every summary once: the settled ones to visit, only when their stamp changed, from the file", async () => {
    const { dir, old } = await journalWithHistory()
    const expected = await fromFilesAlone(dir)
    const journal = await run(openFileJournal({ dir }))
    try {
      const visited: Array<IncidentSummary> = []
      const visit = (summary: IncidentSummary) => visited.push(summary)
      const first = await run(journal.listSettledApart({ visit }))
      expect(first.visited).toBe(true)
      expect(byId(visited).map((summary) => summary.humanId)).toEqual(
        old.map((incident) => incident.humanId).sort(),
      )
      expect(first.summaries).toHaveLength(expected.length - old.length)
      expect(byId([...first.summaries, ...visited])).toEqual(byId(expected))
      // The newest first, as list() gives them.
      expect(first.summaries).toEqual(
        expected.filter((summary) => first.summaries.some((s) => s.humanId === summary.humanId)),
      )

      // Nothing changed: nothing visited, the same stamp and the same rest.
      visited.length = 0
      const again = await run(journal.listSettledApart({ known: first.settled, visit }))
      expect(again).toEqual({ ...first, visited: true })
      expect(visited).toEqual([])

      // None kept: a title changed by hand in the settled file shows at the next visit.
      const settledPath = join(dir, "index-settled.json")
      const probe = old[3]?.humanId as string
      const real = readFileSync(settledPath, "utf8")
      writeFileSync(
        settledPath,
        real.replace(new RegExp(`("humanId":"${probe}"[^\n]*"title":")[^"]*`), "$1probe title"),
      )
      await run(journal.listSettledApart({ visit }))
      expect(visited.find((summary) => summary.humanId === probe)?.title).toBe("probe title")
      writeFileSync(settledPath, real)

      // An incident of the part written anew leaves it: listed with the rest, the stamp changed.
      const touched = old[10] as IncidentRecord
      await run(
        journal.append(touched.humanId, [
          { type: "action-item-added", at: new Date(), item: "A1", text: "alert earlier" },
        ]),
      )
      visited.length = 0
      const after = await run(journal.listSettledApart({ known: first.settled, visit }))
      expect(after.settled).not.toBe(first.settled)
      expect(after.visited).toBe(true)
      expect(visited.map((summary) => summary.humanId)).not.toContain(touched.humanId)
      expect(visited).toHaveLength(old.length - 1)
      expect(after.summaries.find((summary) => summary.humanId === touched.humanId)?.sequence).toBe(
        3,
      )
      expect(byId([...after.summaries, ...visited])).toEqual(byId(await fromFilesAlone(dir)))
      // and lists of the incidents in progress still leave the settled file unread
      expect(await run(journal.list({ status: [...active] }))).toEqual(
        expected.filter((summary) => summary.status !== "resolved"),
      )
    } finally {
      await run(journal.close)
    }
  })

  it("puts an incident that joins the part as the index is written in the part only", async () => {
    const { dir } = await journalWithHistory()
    // A batch of incidents resolved long ago that no index knows yet: the first write of the
    // index, at the end of the listing, moves them into the settled part.
    const writer = await run(openFileJournal({ dir }))
    const now = Date.now()
    await Promise.all(
      Array.from({ length: 260 }, async (_, index) => {
        const { incident } = await run(
          writer.open({ ...downInput(), at: new Date(now - (100 + index) * day) }),
        )
        await resolvedAMinuteIn(writer, incident)
      }),
    )
    await run(writer.close)
    settle(dir)
    const expected = await fromFilesAlone(dir)
    const journal = await run(openFileJournal({ dir }))
    try {
      const visited: Array<IncidentSummary> = []
      const answer = await run(
        journal.listSettledApart({ visit: (summary) => visited.push(summary) }),
      )
      expect(visited.length).toBeGreaterThanOrEqual(300 + 260)
      expect(byId([...answer.summaries, ...visited])).toEqual(byId(expected))
      // Loaded for that rewrite alone, the part was let go: the next visit reads the file.
      const probe = visited[0]?.humanId as string
      const restore = doctorTitle(dir, probe, "read from the file")
      expect(await settledTitle(journal, probe)).toBe("read from the file")
      restore()
    } finally {
      await run(journal.close)
    }
  })

  it("is not loaded by a look-up whose key has an incident opened since the settled ones, and is by one with none", async () => {
    const { dir, old } = await journalWithHistory()
    const journal = await run(openFileJournal({ dir }))
    try {
      // old-7 again, opened and resolved now: the newest of its key, found in index.json.
      const { incident } = await run(journal.open({ ...downInput(), dedupKey: "old-7" }))
      await run(
        journal.append(incident.humanId, [
          { type: "resolved", at: new Date(Date.now() + 1000), resolution: "ok" },
        ]),
      )
      const probe = old[20]?.humanId as string
      let restore = doctorTitle(dir, probe, "read from the file")
      const found = Option.getOrThrow(await run(journal.findByDedupKey("old-7")))
      expect(found.humanId).toBe(incident.humanId)
      expect(await settledTitle(journal, probe)).toBe("read from the file")
      restore()
      // old-8 has only settled incidents: the part is loaded to answer, and kept.
      const settled = Option.getOrThrow(await run(journal.findByDedupKey("old-8")))
      expect(settled.humanId).toBe(old[158]?.humanId)
      restore = doctorTitle(dir, probe, "read from the file")
      expect(await settledTitle(journal, probe)).not.toBe("read from the file")
      restore()
    } finally {
      await run(journal.close)
    }
  })

  it("reads the incidents of a torn or short settled file from their files, and says the visit is void", async () => {
    const { dir, old } = await journalWithHistory()
    const expected = await fromFilesAlone(dir)
    const settledPath = join(dir, "index-settled.json")
    const real = readFileSync(settledPath, "utf8")

    // Torn halfway: every settled incident is read from its file, in this very answer.
    writeFileSync(settledPath, real.slice(0, real.length / 2))
    let journal = await run(openFileJournal({ dir }))
    const visited: Array<IncidentSummary> = []
    const torn = await run(journal.listSettledApart({ visit: (summary) => visited.push(summary) }))
    expect(torn.visited).toBe(false)
    expect(visited.length).toBeGreaterThan(0) // what was read before the tear: to be forgotten
    expect(byId(torn.summaries)).toEqual(byId(expected))
    await run(journal.close)

    // Short by one entry (a crash between the writes of the two index files): that one is read
    // from its file, the others visited.
    settle(dir)
    await listOnce(dir)
    const missing = old[5]?.humanId as string
    const whole = readFileSync(settledPath, "utf8")
    writeFileSync(
      settledPath,
      whole
        .split("\n")
        .filter((line) => !line.includes(`"humanId":"${missing}"`))
        .join("\n"),
    )
    journal = await run(openFileJournal({ dir }))
    visited.length = 0
    const short = await run(journal.listSettledApart({ visit: (summary) => visited.push(summary) }))
    expect(short.visited).toBe(true)
    expect(visited.map((summary) => summary.humanId)).not.toContain(missing)
    expect(short.summaries.map((summary) => summary.humanId)).toContain(missing)
    expect(byId([...short.summaries, ...visited])).toEqual(byId(expected))
    await run(journal.close)
  })
})

describe("the listing the index keeps", () => {
  const indexListing = (dir: string) =>
    (JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { listing?: object }).listing
  const dirStamp = (dir: string) => {
    const stats = statSync(join(dir, "incidents"))
    return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino }
  }

  it("is the stamp of incidents/ when the index names every file there, settled ones too", async () => {
    const { dir } = await journalWithIndex()
    expect(indexListing(dir)).toEqual(dirStamp(dir))
    const history = await journalWithHistory()
    expect(indexListing(history.dir)).toEqual(dirStamp(history.dir))
    expect(await listOnce(history.dir)).toEqual(await fromFilesAlone(history.dir))
  })

  it("stands for a listing of the directory while the directory keeps that stamp", async () => {
    const { dir, ids } = await journalWithIndex()
    // A file slipped in with the directory's stamp put back is not listed: the names came from
    // the index, not from reading the directory.
    const stamp = statSync(join(dir, "incidents"))
    const stowaway = join(dir, "incidents", "INC-2026-9999.jsonl")
    writeFileSync(
      stowaway,
      readFileSync(join(dir, "incidents", `${ids[0]}.jsonl`), "utf8").replace(
        ids[0],
        "INC-2026-9999",
      ),
    )
    utimesSync(join(dir, "incidents"), stamp.atime, stamp.mtime)
    expect(dirStamp(dir)).toEqual(indexListing(dir))
    expect((await listOnce(dir)).map((summary) => summary.humanId)).not.toContain("INC-2026-9999")
    // Any change of the directory (here its mtime) and the directory is listed again.
    utimesSync(join(dir, "incidents"), stamp.atime, new Date(stamp.mtimeMs - 60_000))
    expect((await listOnce(dir)).map((summary) => summary.humanId)).toContain("INC-2026-9999")
    expect(await listOnce(dir)).toEqual(await fromFilesAlone(dir))
  })

  it("is not kept for a directory changed within the last second, nor with a file the index leaves out", async () => {
    const { dir, ids } = await journalWithIndex()
    // a file changed within the last second is left out of the index (its stamp may still move)
    const now = new Date()
    utimesSync(join(dir, "incidents", `${ids[1]}.jsonl`), now, now)
    const journal = await run(openFileJournal({ dir }))
    await run(journal.open({ ...downInput(), dedupKey: "new" }))
    await run(journal.close)
    rmSync(join(dir, "index.json"))
    await listOnce(dir)
    expect(indexListing(dir)).toBeUndefined()
    const past = new Date(Date.now() - 3_600_000)
    utimesSync(join(dir, "incidents"), past, past)
    await listOnce(dir)
    expect(indexListing(dir)).toBeUndefined()
    settle(dir)
    await listOnce(dir)
    expect(indexListing(dir)).toEqual(dirStamp(dir))
    expect(await listOnce(dir)).toEqual(await fromFilesAlone(dir))
  })
})

describe("the settled file, read a line at a time", () => {
  it("holds one entry per line, and a list over a torn, short or one-line file lists what the files hold", async () => {
    const { dir } = await journalWithHistory()
    const expected = await fromFilesAlone(dir)
    const settledPath = join(dir, "index-settled.json")
    const real = readFileSync(settledPath, "utf8")
    const lines = real.split("\n")
    // The header, 300 entries and the end, each on a line of its own; still one JSON document.
    expect(lines).toHaveLength(300 + 3)
    expect(lines[0]).toBe('{"version":5,"incidents":[')
    expect(lines.at(-2)).toBe("]}")
    expect((JSON.parse(real) as { incidents: Array<unknown> }).incidents).toHaveLength(300)
    for (const damaged of [
      real.slice(0, Math.floor(real.length / 2)), // torn mid-way, after some entries
      real.slice(0, real.length - 4), // the end missing
      [...lines.slice(0, 40), ...lines.slice(41)].join("\n"), // one entry left out
      JSON.stringify(JSON.parse(real)), // the whole document on one line
      real.replace('{"version":5,', '{"version":4,'), // another version
    ]) {
      writeFileSync(settledPath, damaged)
      expect(await listOnce(dir)).toEqual(expected)
      writeFileSync(settledPath, real)
    }
  })

  it("reads a settled file larger than one read, with titles beyond ASCII", async () => {
    // Titles mostly of three-byte characters: the reads of 64 KB end inside one of them.
    const dir = mkdtempSync(join(base, "wide-"))
    const journal = await run(openFileJournal({ dir }))
    const now = Date.now()
    const opened = await Promise.all(
      Array.from({ length: 400 }, (_, index) =>
        run(
          journal.open({
            ...downInput(),
            at: new Date(now - (100 + index) * day),
            title: `Base de données indisponible ${"€".repeat(300 + (index % 7))} №${index}`,
          }),
        ),
      ),
    )
    await Promise.all(opened.map(({ incident }) => resolvedAMinuteIn(journal, incident)))
    await run(journal.close)
    settle(dir)
    await listOnce(dir)
    expect(statSync(join(dir, "index-settled.json")).size).toBeGreaterThan(384 * 1024)
    // Read from the settled file, not from the files: a doctored title shows.
    const settledPath = join(dir, "index-settled.json")
    const real = readFileSync(settledPath, "utf8")
    const target = opened[123]?.incident.humanId as string
    writeFileSync(
      settledPath,
      real
        .split("\n")
        .map((line) =>
          line.includes(`"${target}"`)
            ? line.replace(/"title":"[^"]*"/, '"title":"Doctored"')
            : line,
        )
        .join("\n"),
    )
    const listed = await listOnce(dir)
    expect(listed.find((summary) => summary.humanId === target)?.title).toBe("Doctored")
    writeFileSync(settledPath, real)
    expect(await listOnce(dir)).toEqual(await fromFilesAlone(dir))
  })
})
