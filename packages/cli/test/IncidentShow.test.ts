// `ir incident show` agrees with itself and with the messages: an escalation due now is the next
// escalation, a deadline on another day keeps its date, and the next update is the time the
// status messages promise.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type CliRun, ir, tempDir } from "./harness.js"

const dirs: Array<{ remove: () => void }> = []
afterAll(() => {
  for (const dir of dirs) dir.remove()
})

const project = () => {
  const dir = tempDir("ir-cli-show-")
  dirs.push(dir)
  writeFileSync(join(dir.path, "ir.config.yaml"), stringify({ journal: { dir: "journal" } }))
  return (argv: ReadonlyArray<string>, now: string) =>
    ir(argv, { cwd: dir.path, env: { USER: "carol", IR_NOW: now } })
}
const ok = (run: CliRun) => {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0)
  return run.stdout
}
const line = (text: string, label: string) =>
  text.split("\n").find((candidate) => candidate.trimStart().startsWith(label)) ?? ""

describe("ir incident show", () => {
  it("shows an escalation due now on its Escalation line, as Due now lists it", async () => {
    const run = project()
    const at = "2026-11-28T10:00:00Z"
    ok(await run(["incident", "open", "--severity", "P1", "--title", "Errors"], at))
    ok(await run(["incident", "flag", "data-loss"], "2026-11-28T10:05:00Z"))
    const show = ok(await run(["incident", "show"], "2026-11-28T10:06:00Z"))
    expect(line(show, "Escalation")).toMatch(/^ {2}Escalation\s+due now {2}Data loss confirmed/)
    expect(show).toMatch(/Due now\n(.*\n)*\s+escalate\s+Data loss confirmed/)
  })

  it("dates a respond-by on another day (a P3 opened on a Friday)", async () => {
    const run = project()
    const friday = "2026-11-27T16:00:00Z"
    ok(await run(["incident", "open", "--severity", "P3", "--title", "Typo"], friday))
    const show = ok(await run(["incident", "show"], friday))
    expect(line(show, "Respond by")).toMatch(/Respond by\s+2026-11-30 16:00 UTC \(in 3d\)/)
  })

  it("shows the next update the status messages promise, rounded the same way", async () => {
    const run = project()
    ok(
      await run(
        ["incident", "open", "--severity", "P1", "--title", "Slow"],
        "2026-11-28T10:00:30Z",
      ),
    )
    const now = "2026-11-28T10:10:00Z"
    const show = ok(await run(["incident", "show"], now))
    const message = await run(["notify", "initial", "--dry-run"], now)
    expect(message.stdout).toContain("Next Update: 11:01 UTC")
    expect(line(show, "Next update")).toMatch(/Next update\s+11:01 UTC/)
    const update = await run(
      ["incident", "update", "--progress", "p", "--status", "s", "--next", "n"],
      "2026-11-28T10:20:30Z",
    )
    expect(update.stdout).toContain("the next one is due 11:21 UTC")
    expect(
      line(ok(await run(["incident", "show"], "2026-11-28T10:21:00Z")), "Next update"),
    ).toMatch(/Next update\s+11:21 UTC/)
  })
})
