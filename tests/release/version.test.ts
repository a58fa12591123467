// `changeset version` on a clone of the repository: the pending changesets become CHANGELOG
// entries, every package gets a coherent new version, and internal dependency ranges move with
// the versions they point at.
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "../..")
const clone = join(mkdtempSync(join(tmpdir(), "ir-release-")), "repo")
afterAll(() => rmSync(dirname(clone), { recursive: true, force: true }))

const run = (command: string, args: ReadonlyArray<string>, cwd: string) =>
  new Promise<{ status: number; output: string }>((resolve) =>
    execFile(command, [...args], { cwd, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ status: error === null ? 0 : Number(error.code ?? 1), output: stdout + stderr }),
    ),
  )

interface Manifest {
  readonly name: string
  readonly version: string
  readonly dependencies?: Record<string, string>
}
const manifest = (dir: string, name: string): Manifest =>
  JSON.parse(readFileSync(join(dir, "packages", name, "package.json"), "utf8"))

const packages = readdirSync(join(root, "packages")).sort()
const pending = readdirSync(join(root, ".changeset")).filter(
  (file) => file.endsWith(".md") && file !== "README.md",
)

beforeAll(async () => {
  const cloned = await run("git", ["clone", "--quiet", root, clone], root)
  if (cloned.status !== 0) throw new Error(cloned.output)
  symlinkSync(join(root, "node_modules"), join(clone, "node_modules"))
  const versioned = await run(
    "node",
    [join(root, "node_modules/@changesets/cli/bin.js"), "version"],
    clone,
  )
  if (versioned.status !== 0) throw new Error(`changeset version failed:\n${versioned.output}`)
})

describe("changeset version", () => {
  it("has changesets pending for every package", () => {
    const named = new Set(
      pending.flatMap((file) =>
        [
          ...readFileSync(join(root, ".changeset", file), "utf8").matchAll(/"(@ir\/[a-z-]+)"\s*:/g),
        ].map((m) => m[1]),
      ),
    )
    for (const name of packages)
      expect(named, `no changeset names @ir/${name}`).toContain(`@ir/${name}`)
  })

  it("bumps every package and writes its CHANGELOG", () => {
    for (const name of packages) {
      const before = manifest(root, name).version
      const after = manifest(clone, name).version
      expect(after, `@ir/${name}`).not.toBe(before)
      const changelog = join(clone, "packages", name, "CHANGELOG.md")
      expect(existsSync(changelog), `@ir/${name} has no CHANGELOG.md`).toBe(true)
      expect(readFileSync(changelog, "utf8")).toContain(`## ${after}`)
    }
  })

  it("moves internal dependency ranges with the versions they point at", () => {
    for (const name of packages) {
      for (const [dependency, range] of Object.entries(manifest(clone, name).dependencies ?? {})) {
        if (!dependency.startsWith("@ir/")) continue
        const target = manifest(clone, dependency.slice("@ir/".length)).version
        expect(range.replace(/^[\^~]/, ""), `@ir/${name} → ${dependency}`).toBe(target)
      }
    }
  })

  it("consumes the changesets", () => {
    const left = readdirSync(join(clone, ".changeset")).filter(
      (f) => f.endsWith(".md") && f !== "README.md",
    )
    expect(left).toEqual([])
  })
})
