// With no configuration file, a triage describes the embedded defaults, not the user's system:
// it says so first, and `--open` pages nobody on them unless told to.
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { ir, json, tempDir } from "./harness.js"

const scratch = tempDir("ir-cli-defaults-")
afterAll(() => scratch.remove())
const cwd = scratch.path
// Where a journal would go: under the scratch directory, so nothing escapes the test.
const env = { XDG_STATE_HOME: join(cwd, "state"), USER: "carol" }
const journal = join(cwd, "state", "ir", "journal")
// Only the file probes: they fail here (no saved_models/), whatever listens on this machine.
const files = ["--probe", "files"]

describe("ir triage on the embedded defaults", () => {
  it("says so at the top of the report, naming the directory of its relative paths", async () => {
    const run = await ir(["triage", ...files], { cwd, env })
    expect(run.code).toBe(1)
    const [first] = run.stdout.split("\n")
    expect(first).toMatch(/^! No ir.config.yaml was found from .* upward/)
    expect(first).toContain(`saved_models/, data/raw and data/processed relative to ${cwd}`)
    const quiet = await ir(["triage", ...files, "--quiet"], { cwd, env })
    expect(quiet.stdout.split("\n")[0]).toMatch(/^! No ir.config.yaml was found/)
    const markdown = await ir(["triage", ...files, "--format", "markdown"], { cwd, env })
    expect(markdown.stdout).toMatch(/^# Triage: .*\n\n> No ir.config.yaml was found/)
  })

  it("says so in --json notices", async () => {
    const report = json<{ notices: Array<string>; configFile: string | null }>(
      await ir(["triage", ...files, "--json"], { cwd, env }),
    )
    expect(report.configFile).toBeNull()
    expect(report.notices[0]).toMatch(/embedded default configuration/)
  })

  it("refuses --open --notify without --yes: nothing is recorded or sent, exit 2", async () => {
    const run = await ir(["triage", ...files, "--open", "--notify", "--json"], { cwd, env })
    expect(run.code).toBe(2)
    const report = json<{ incident: { created: boolean; reason: string } }>(run)
    expect(report.incident).toEqual({
      created: false,
      reason: expect.stringMatching(/embedded defaults.*--yes/),
    })
    expect(existsSync(join(journal, "incidents"))).toBe(false)
    const text = await ir(["triage", ...files, "--open"], { cwd, env })
    expect(text.code).toBe(2)
    expect(text.stdout).toMatch(/Not opened: no ir.config.yaml was found/)
    expect(text.stderr).toMatch(/pass --yes to page all the same/)
  })

  it("opens with --yes", async () => {
    const run = await ir(["triage", ...files, "--open", "--yes", "--json"], { cwd, env })
    expect(run.code).toBe(1)
    expect(json<{ incident: { created: boolean } }>(run).incident.created).toBe(true)
    expect(existsSync(join(journal, "incidents"))).toBe(true)
  })

  it("says nothing of the kind with a configuration file, whose directory anchors the paths", async () => {
    const project = join(cwd, "project")
    mkdirSync(join(project, "deploy"), { recursive: true })
    mkdirSync(join(project, "saved_models"), { recursive: true })
    writeFileSync(join(project, "ir.config.yaml"), stringify({ journal: { dir: "journal" } }))
    const report = json<{
      notices: Array<string>
      probes: { failed: Array<{ id: string; summary: string }> }
      results: Array<{ id: string; summary: string }>
    }>(await ir(["triage", ...files, "--json"], { cwd: join(project, "deploy"), env }))
    expect(report.notices.join(" ")).not.toMatch(/embedded default/)
    const models = report.results.find((result) => result.id === "files.models")
    expect(models?.summary).toContain(`${join(project, "saved_models")}:`)
  })
})
