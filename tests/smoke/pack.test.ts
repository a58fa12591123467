// Installs the packed tarballs of every package into an empty project, as a user would from the
// registry, and uses them: the `ir` binary, an ESM import, and a TypeScript consumer type-checked
// against the published types. Also runs publint and Are the Types Wrong on each tarball.
import { execFileSync, spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "../..")
const packages = readdirSync(join(root, "packages")).sort()
const work = mkdtempSync(join(tmpdir(), "ir-smoke-"))
const tarballs = join(work, "tarballs")
const app = join(work, "app")
const bin = (name: string) => join(root, "node_modules/.bin", name)

const run = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1" },
  })

beforeAll(() => {
  mkdirSync(tarballs, { recursive: true })
  mkdirSync(app, { recursive: true })
  for (const name of packages) {
    execFileSync("npm", ["pack", "--pack-destination", tarballs, "--loglevel=error"], {
      cwd: join(root, "packages", name),
      stdio: ["ignore", "ignore", "inherit"],
    })
  }
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "ir-smoke-app", private: true, type: "module" }, null, 2),
  )
  const files = readdirSync(tarballs).map((file) => join(tarballs, file))
  const install = run(
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
  it("install the `ir` binary, which prints its version", () => {
    const result = run(join(app, "node_modules/.bin/ir"), ["--version"], app)
    expect(result.status).toBe(0)
    const version = JSON.parse(
      readFileSync(join(root, "packages/cli/package.json"), "utf8"),
    ).version
    expect(result.stdout).toContain(version)
  })

  it("run `ir triage --json` on the embedded defaults", () => {
    const result = run(join(app, "node_modules/.bin/ir"), ["triage", "--json"], app)
    expect([0, 1]).toContain(result.status)
    const report = JSON.parse(result.stdout)
    expect(report).toHaveProperty("assessment")
    expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
  })

  it("import @ir/core as ESM", () => {
    const script = `import { defaultRunbook } from "@ir/core"; console.log(defaultRunbook.playbooks.map((p) => p.id).join(","))`
    const result = run("node", ["--input-type=module", "-e", script], app)
    expect(result.stderr).toBe("")
    expect(result.stdout.trim().split(",")).toContain("system-down")
  })

  it("type-check a TypeScript consumer against the published types", () => {
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
    const result = run(join(app, "node_modules/.bin/tsc"), ["-p", "."], app)
    expect(result.stdout + result.stderr).toBe("")
    expect(result.status).toBe(0)
  })

  for (const name of packages) {
    it(`@ir/${name} passes publint and Are the Types Wrong`, () => {
      const tarball = readdirSync(tarballs).find((file) => file.startsWith(`ir-${name}-`))!
      const publint = run(bin("publint"), ["--strict", join(tarballs, tarball)], root)
      expect(publint.status, publint.stdout + publint.stderr).toBe(0)
      const attw = run(
        bin("attw"),
        [join(tarballs, tarball), "--profile", "esm-only", "--format", "ascii"],
        root,
      )
      expect(attw.status, attw.stdout + attw.stderr).toBe(0)
    })
  }
})
