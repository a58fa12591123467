// Installs the packed tarballs of every package into an empty project, as a user would from the
// registry, and uses them: the `ir` binary, an ESM import, and a TypeScript consumer type-checked
// against the published types. Also runs publint and Are the Types Wrong on each tarball.
import { execFile } from "node:child_process"
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "../..")
const packages = readdirSync(join(root, "packages")).sort()
const work = mkdtempSync(join(tmpdir(), "ir-smoke-"))
// The tarballs and the installed app: some 150 MB, removed once the tests are done.
afterAll(() => rmSync(work, { recursive: true, force: true }))
const tarballs = join(work, "tarballs")
const app = join(work, "app")
const bin = (name: string) => join(root, "node_modules/.bin", name)

interface RunResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

// Asynchronous on purpose: a synchronous spawn blocks the test worker, which then misses its own
// RPC deadlines on a loaded machine.
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
        timeout: 240_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: "1", ...env },
      },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ status, stdout, stderr })
      },
    )
  })

beforeAll(async () => {
  mkdirSync(tarballs, { recursive: true })
  mkdirSync(app, { recursive: true })
  for (const name of packages) {
    const pack = await run(
      "npm",
      ["pack", "--pack-destination", tarballs, "--loglevel=error"],
      join(root, "packages", name),
    )
    if (pack.status !== 0) throw new Error(`npm pack of @ir/${name} failed:\n${pack.stderr}`)
  }
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "ir-smoke-app", private: true, type: "module" }, null, 2),
  )
  const files = readdirSync(tarballs).map((file) => join(tarballs, file))
  const install = await run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...files,
      "effect@^3.22.4",
      "typescript@~5.9.3",
      "@types/node@^20.19.0",
    ],
    app,
  )
  if (install.status !== 0)
    throw new Error(`npm install of the tarballs failed:\n${install.stderr}`)
})

describe("packed tarballs", () => {
  it("install the `ir` binary, which prints its version", async () => {
    const result = await run(join(app, "node_modules/.bin/ir"), ["--version"], app)
    expect(result.status).toBe(0)
    const version = JSON.parse(
      readFileSync(join(root, "packages/cli/package.json"), "utf8"),
    ).version
    expect(result.stdout).toContain(version)
  })

  it("keep each command's compiled code in the user's cache and start from it", async () => {
    const cacheHome = mkdtempSync(join(tmpdir(), "ir-smoke-cache-"))
    try {
      const ir = join(app, "node_modules/.bin/ir")
      const env = { XDG_CACHE_HOME: cacheHome }
      const first = await run(ir, ["playbook", "list", "--json"], app, env)
      expect(first.status).toBe(0)
      const cache = join(cacheHome, "ir", "code-cache")
      const entries = readdirSync(cache)
      expect(entries).toEqual([expect.stringMatching(/-playbook\.v8$/)])
      expect(statSync(cache).mode & 0o777).toBe(0o700)
      const written = statSync(join(cache, entries[0] ?? "")).mtimeMs
      const second = await run(ir, ["playbook", "list", "--json"], app, env)
      expect(second.status).toBe(0)
      expect(second.stdout).toBe(first.stdout)
      // The entry was used, not rewritten.
      expect(readdirSync(cache)).toEqual(entries)
      expect(statSync(join(cache, entries[0] ?? "")).mtimeMs).toBe(written)
    } finally {
      rmSync(cacheHome, { recursive: true, force: true })
    }
  })

  it("run `ir triage --json` on the embedded defaults", async () => {
    const result = await run(join(app, "node_modules/.bin/ir"), ["triage", "--json"], app)
    expect([0, 1]).toContain(result.status)
    const report = JSON.parse(result.stdout)
    expect(report).toHaveProperty("assessment")
    expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
  })

  it("open the incident from triage and render the runbook's initial alert for it", async () => {
    const env = { XDG_STATE_HOME: join(work, "state") }
    const ir = join(app, "node_modules/.bin/ir")
    // On the embedded defaults --open refuses without --yes: nothing here is configured.
    const opened = await run(ir, ["triage", "--open", "--yes"], app, env)
    expect(opened.stdout).toMatch(/Opened INC-\d{4}-\d{4}/)
    const alert = await run(ir, ["notify", "initial", "--dry-run"], app, env)
    expect(alert.stdout).toContain("🚨 INCIDENT ALERT - P0")
    expect(alert.stdout).toContain("Summary: Health check endpoint unreachable")
    expect(alert.stdout).toMatch(/Next Update: \d{2}:\d{2}/)
  })

  it("import @ir/core as ESM", async () => {
    const script = `import { defaultRunbook } from "@ir/core"; console.log(defaultRunbook.playbooks.map((p) => p.id).join(","))`
    const result = await run("node", ["--input-type=module", "-e", script], app)
    expect(result.stderr).toBe("")
    expect(result.stdout.trim().split(",")).toContain("system-down")
  })

  it("type-check a TypeScript consumer against the published types", async () => {
    writeFileSync(
      join(app, "consumer.ts"),
      [
        'import { defaultRunbook, triage, Observation, type Assessment, type Runbook } from "@ir/core"',
        "const runbook: Runbook = defaultRunbook",
        'const assessment: Assessment = triage(runbook, Observation.fromRecord({ "http.health.reachable": false }, new Date(0)))',
        "export const severity: string | undefined = assessment.severity",
        "",
      ].join("\n"),
    )
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
        },
        files: ["consumer.ts"],
      }),
    )
    const result = await run(join(app, "node_modules/.bin/tsc"), ["-p", "."], app)
    expect(result.stdout + result.stderr).toBe("")
    expect(result.status).toBe(0)
  })

  for (const name of packages) {
    it(`@ir/${name} passes publint and Are the Types Wrong`, async () => {
      const tarball = readdirSync(tarballs).find((file) => file.startsWith(`ir-${name}-`))!
      const publint = await run(bin("publint"), ["--strict", join(tarballs, tarball)], root)
      expect(publint.status, publint.stdout + publint.stderr).toBe(0)
      const attw = await run(
        bin("attw"),
        [join(tarballs, tarball), "--profile", "esm-only", "--format", "ascii"],
        root,
      )
      expect(attw.status, attw.stdout + attw.stderr).toBe(0)
    })
  }
})
