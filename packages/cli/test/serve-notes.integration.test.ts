// `ir serve` keeps the responder's notes of incidents with nothing due in the user's cache, as
// `ir escalate` does: written back on shutdown (and at most once a minute while it runs), so that
// a restart, or a cron `ir escalate`, reads only the incidents that changed or fell due.
import type { ChildProcess } from "node:child_process"
import { once } from "node:events"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { tempDir } from "./harness.js"
import { irProcess, requireBuiltCli, serveIr, waitFor } from "./scenarios.js"

const dirs: Array<{ remove: () => void }> = []
const started: Array<ChildProcess> = []
const token = "notes-token-0123456789abcdef"
afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL")
  for (const dir of dirs) dir.remove()
})

const notesIn = (cache: string): Record<string, unknown> => {
  const folder = join(cache, "ir", "quiet")
  const files = readdirSync(folder).filter((name) => name.endsWith(".json"))
  expect(files).toHaveLength(1)
  return JSON.parse(readFileSync(join(folder, files[0] as string), "utf8")).notes
}

describe("ir serve's notes", () => {
  it("writes its notes of quiet incidents to the user's cache on shutdown, and a restart keeps them", async () => {
    requireBuiltCli()
    const project = tempDir("ir-cli-serve-notes-")
    const cache = tempDir("ir-cli-serve-notes-cache-")
    dirs.push(project, cache)
    writeFileSync(
      join(project.path, "ir.config.yaml"),
      stringify({ journal: { dir: "journal" }, serve: { port: 0, tick: "1s" } }),
    )
    const env = { XDG_CACHE_HOME: cache.path }
    const opened = await irProcess(
      ["incident", "open", "--severity", "P3", "--title", "Disk filling up", "--json"],
      { cwd: project.path, env },
    )
    expect(opened.code).toBe(0)
    const humanId = JSON.parse(opened.stdout).incident.id as string

    const serveUntilQuiet = async () => {
      const served = await serveIr(project.path, token, started, env)
      try {
        await waitFor(
          "the responder clock to run",
          async () => (/this process runs it/.test(served.output()) ? true : undefined),
          30_000,
          50,
        )
        // A tick or two after taking the lead, the incident has been looked at.
        await new Promise((resolve) => setTimeout(resolve, 2_500))
      } finally {
        const exited = once(served.process, "exit")
        served.process.kill("SIGTERM")
        await exited
      }
    }

    await serveUntilQuiet()
    const first = notesIn(cache.path)
    // [journal sequence, checked at, quiet until]: no channel is configured, so nothing can fall
    // due on it (null: never) until it changes
    expect(first[humanId]).toEqual([1, expect.any(Number), null])

    await serveUntilQuiet()
    const second = notesIn(cache.path)
    // Nothing changed: the restarted server found the note still good and kept it as it was.
    expect(second[humanId]).toEqual(first[humanId])
  })
})
