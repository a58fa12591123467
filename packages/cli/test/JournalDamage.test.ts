// One damaged incident file: the commands name it (file, byte offset) and go on with the others.
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { ir, json, tempDir } from "./harness.js"

const dir = tempDir("ir-damage-")
afterAll(() => dir.remove())
const env = { XDG_STATE_HOME: join(dir.path, "state"), IR_NOW: "2026-12-05T10:00:00Z" }
const run = (argv: ReadonlyArray<string>) => ir(argv, { cwd: dir.path, env })
const journalDir = join(dir.path, "state", "ir", "journal", "incidents")

describe("a damaged incident file", () => {
  it("is named by incident list and escalate, which go on with the other incidents", async () => {
    for (const title of ["API down", "Disk full"]) {
      const opened = await run(["incident", "open", "--severity", "P0", "--title", title])
      expect(opened.code, opened.stderr).toBe(0)
    }
    const [damagedName] = readdirSync(journalDir)
      .filter((name) => name.endsWith(".jsonl"))
      .sort()
    const file = join(journalDir, damagedName as string)
    const bytes = readFileSync(file)
    bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41
    writeFileSync(file, bytes)
    const damagedId = (damagedName as string).replace(".jsonl", "")

    const listed = await run(["incident", "list", "--json"])
    expect(listed.code, listed.stderr).toBe(0)
    const body = json<{
      incidents: Array<{ id: string }>
      damaged: Array<{ incidentId: string; location: string }>
    }>(listed)
    expect(body.incidents.map((incident) => incident.id)).not.toContain(damagedId)
    expect(body.incidents).toHaveLength(1)
    expect(body.damaged).toEqual([
      expect.objectContaining({ incidentId: damagedId, location: `${file} at byte 0` }),
    ])
    expect(listed.stderr).toContain(`warning: ${damagedId} cannot be read`)

    // cron: the healthy incident is still escalated, the damaged one named even with --quiet
    const escalated = await run(["escalate", "--dry-run", "--quiet"])
    expect(escalated.code).toBe(1)
    expect(escalated.stderr).toContain(`${file} at byte 0`)
    const report = await run(["escalate", "--json"])
    const due = json<{ incidents: Array<{ id: string }>; damaged: Array<{ incidentId: string }> }>(
      report,
    )
    expect(due.incidents).toHaveLength(1)
    expect(due.damaged.map((entry) => entry.incidentId)).toEqual([damagedId])

    // new incidents still open; the damaged file is left as it was
    const third = await run(["incident", "open", "--severity", "P2", "--title", "Slow"])
    expect(third.code, third.stderr).toBe(0)
    expect(readFileSync(file).equals(bytes)).toBe(true)
  })
})

describe("ir escalate and ir escalate --dry-run", () => {
  it("exit alike for the same due list: 1 while something is due, 0 when nothing is", async () => {
    const scratch = tempDir("ir-escalate-exit-")
    try {
      const env = { XDG_STATE_HOME: join(scratch.path, "state"), IR_NOW: "2026-12-05T10:00:00Z" }
      const run = (argv: ReadonlyArray<string>) => ir(argv, { cwd: scratch.path, env })
      expect((await run(["escalate"])).code).toBe(0)
      expect((await run(["escalate", "--dry-run"])).code).toBe(0)
      expect(
        (await run(["incident", "open", "--severity", "P1", "--title", "API errors"])).code,
      ).toBe(0)
      const report = await run(["escalate"])
      const dryRun = await run(["escalate", "--dry-run"])
      expect(report.code).toBe(1)
      expect(dryRun.code).toBe(report.code)
    } finally {
      scratch.remove()
    }
  })
})
