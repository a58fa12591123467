// The README's Quickstart, run literally in a fresh clone of the repository: no `dist/`, no
// `node_modules/`, nothing built. `npm ci` must link the `ir` command before anything is built
// (npm links a workspace's bin only when its target exists; without the link `npx ir` would ask
// the registry for a package named `ir`), and the first command line must print a triage report.
import { execFile } from "node:child_process"
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "../..")
const work = mkdtempSync(join(tmpdir(), "ir-fresh-clone-"))
const clone = join(work, "ir")

interface RunResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string): Promise<RunResult> =>
  new Promise((resolve) => {
    execFile(
      command,
      [...args],
      {
        cwd,
        encoding: "utf8",
        timeout: 540_000,
        maxBuffer: 64 * 1024 * 1024,
        // The npm cache of this machine may serve the packages; the commands stay the README's.
        env: { ...process.env, NO_COLOR: "1", npm_config_prefer_offline: "true", CI: "" },
      },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ status, stdout, stderr })
      },
    )
  })

/** The first command line of the README's Quickstart block, split at `&&` into argument lists. */
const quickstart = (): ReadonlyArray<ReadonlyArray<string>> => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf("## Quickstart"))
  const block = /```sh\n([^\n]*)\n/.exec(section)
  if (block === null) throw new Error("README.md: no ```sh block under ## Quickstart")
  const line = (block[1] ?? "").replace(/#.*$/, "").trim()
  return line.split("&&").map((command) => command.trim().split(/\s+/))
}

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe("a fresh clone", () => {
  it("has neither dist/ nor node_modules/", async () => {
    const cloned = await run("git", ["clone", "--quiet", root, clone], work)
    expect(cloned.stderr).toBe("")
    expect(cloned.status).toBe(0)
    expect(existsSync(join(clone, "node_modules"))).toBe(false)
    expect(existsSync(join(clone, "packages/cli/dist"))).toBe(false)
  })

  it("runs the README's Quickstart literally and prints a triage report", async () => {
    const commands = quickstart()
    expect(commands.map((argv) => argv.join(" "))).toEqual([
      "npm ci",
      "npm run build",
      "npx ir triage",
    ])
    const [install, build, triage] = commands as [string[], string[], string[]]

    const installed = await run(install[0] as string, install.slice(1), clone)
    expect(installed.status, installed.stderr).toBe(0)
    // Linked before anything is built, so `npx ir` never reaches the registry.
    expect(lstatSync(join(clone, "node_modules/.bin/ir")).isSymbolicLink()).toBe(true)

    const built = await run(build[0] as string, build.slice(1), clone)
    expect(built.status, built.stdout + built.stderr).toBe(0)

    const report = await run(triage[0] as string, triage.slice(1), clone)
    // 0: no playbook matched, 1: a playbook matched; 2 would be a usage or configuration error.
    expect([0, 1], report.stderr).toContain(report.status)
    expect(report.stderr).not.toMatch(/npm error|404/)
    expect(report.stdout).toMatch(/^Probes: \d+ of \d+ OK/m)
  })
})
