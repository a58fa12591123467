// The README's Quickstart, run literally on a clean clone of HEAD: no dist/, no node_modules/.
// npm links a package's bin only when its file exists, so this is the one place that proves
// `npx ir` works before anything was built into the clone (every other suite runs in a tree that
// is already built). Downloads come from the npm cache when it has them (prefer-offline), and
// `npx` runs offline: if `ir` were not linked, it must fail rather than fetch a package of that
// name from the registry.
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "../..")
const work = mkdtempSync(join(tmpdir(), "ir-fresh-clone-"))
const clone = join(work, "ir")
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface RunResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

// What the test runner adds to the environment is not what a user's shell has.
const userEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^(VITEST|NODE_ENV$|TEST$|IR_)/.test(name) && !name.startsWith("npm_"),
  ),
)

// Asynchronous: a synchronous spawn blocks the test worker past its own RPC deadlines.
const run = (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
  env: Record<string, string> = {},
): Promise<RunResult> =>
  new Promise((resolve) => {
    execFile(
      command,
      [...args],
      {
        cwd,
        encoding: "utf8",
        timeout: 600_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...userEnv,
          NO_COLOR: "1",
          XDG_CACHE_HOME: join(work, "cache"),
          npm_config_prefer_offline: "true",
          npm_config_audit: "false",
          npm_config_fund: "false",
          npm_config_update_notifier: "false",
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ status, stdout, stderr })
      },
    )
  })

const shown = (result: RunResult) =>
  `exit ${result.status}\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-4000)}`

/** The first command of the README's Quickstart, split into its `&&`-joined commands. */
const quickstart = (): ReadonlyArray<ReadonlyArray<string>> => {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf("## Quickstart"))
  const block = /```sh\n([^\n]*)\n/.exec(section)
  if (block?.[1] === undefined) throw new Error("README.md: no ```sh block under ## Quickstart")
  const line = block[1].replace(/#.*$/, "").trim()
  return line.split("&&").map((command) => command.trim().split(/\s+/))
}

describe("the README's Quickstart on a fresh clone", () => {
  const commands = quickstart()

  it("is `npm ci`, `npm run build`, `npx ir triage`", () => {
    expect(commands.map((command) => command.join(" "))).toEqual([
      "npm ci",
      "npm run build",
      "npx ir triage",
    ])
  })

  it("starts from a clone of HEAD without dist/ or node_modules/", async () => {
    const head = await run("git", ["rev-parse", "HEAD"], root)
    expect(head.status, shown(head)).toBe(0)
    const cloned = await run("git", ["clone", "--quiet", "--no-checkout", root, clone], work)
    expect(cloned.status, shown(cloned)).toBe(0)
    const checkout = await run("git", ["checkout", "--quiet", head.stdout.trim()], clone)
    expect(checkout.status, shown(checkout)).toBe(0)
    expect(existsSync(join(clone, "package-lock.json"))).toBe(true)
    expect(existsSync(join(clone, "node_modules"))).toBe(false)
    expect(existsSync(join(clone, "packages", "cli", "dist"))).toBe(false)
  })

  it("`npm ci` links the `ir` executable before anything is built", async () => {
    const [command, ...args] = commands[0]!
    const install = await run(command!, args, clone)
    expect(install.status, shown(install)).toBe(0)
    const linked = join(clone, "node_modules", ".bin", "ir")
    expect(existsSync(linked), "node_modules/.bin/ir after npm ci").toBe(true)
    expect(realpathSync(linked)).toBe(realpathSync(join(clone, "packages/cli/bin/ir.cjs")))
    // Before the build it says what to do, and exits as a configuration error.
    const early = await run("npx", ["ir", "triage"], clone, { npm_config_offline: "true" })
    expect(early.status, shown(early)).toBe(2)
    expect(early.stderr).toContain("@ir/cli is not built")
    expect(early.stderr).toContain("npm run build")
    expect(early.stdout).toBe("")
  })

  it("`npm run build` builds every package", async () => {
    const [command, ...args] = commands[1]!
    const build = await run(command!, args, clone)
    expect(build.status, shown(build)).toBe(0)
    expect(existsSync(join(clone, "packages/cli/dist/bin.cjs"))).toBe(true)
  })

  it("`npx ir triage` prints a triage report of this machine", async () => {
    const [command, ...args] = commands[2]!
    const triage = await run(command!, args, clone, { npm_config_offline: "true" })
    // 0: no playbook matched, 1: a playbook matched (what a machine running nothing gets).
    expect([0, 1], shown(triage)).toContain(triage.status)
    expect(triage.stdout).toMatch(/^Probes: \d+ of \d+ OK/m)
    if (triage.status === 1) expect(triage.stdout).toMatch(/^P\d \w+: .+\nRespond within /m)
    expect(triage.stderr).not.toContain("npm error")
  })
})
