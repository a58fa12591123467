// The package as npm installs it: the built module finds its template files next to dist/ in
// the packed tarball, outside the monorepo.
import { spawnSync } from "node:child_process"
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const repoModules = join(packageDir, "..", "..", "node_modules")
const built = existsSync(join(packageDir, "dist", "index.js"))
if (!built) {
  const message = "@ir/templates is not built (dist/index.js missing): run `npx tsup` first"
  if (process.env.CI) throw new Error(message)
  console.warn(`SKIPPING the packed-tarball test: ${message}`)
}

describe.runIf(built)("the packed package", () => {
  const work = mkdtempSync(join(tmpdir(), "ir-templates-pack-"))
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it("renders from an installed tarball, templates included", () => {
    const pack = spawnSync("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: packageDir,
      encoding: "utf8",
      timeout: 60_000,
    })
    expect(pack.status, pack.stderr).toBe(0)
    const [{ filename, files }] = JSON.parse(pack.stdout) as [
      { filename: string; files: Array<{ path: string }> },
    ]
    const paths = files.map((file) => file.path)
    expect(paths).toContain("templates/initial.slack.hbs")
    expect(paths).toContain("templates/templates.precompiled.cjs")
    expect(paths).toContain("dist/index.js")
    expect(paths.some((path) => path.startsWith("test/") || path.startsWith("src/"))).toBe(false)

    const installed = join(work, "node_modules", "@ir", "templates")
    mkdirSync(installed, { recursive: true })
    const untar = spawnSync(
      "tar",
      ["-xzf", join(work, filename), "-C", installed, "--strip-components=1"],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    )
    expect(untar.status, untar.stderr).toBe(0)
    for (const dependency of ["@ir/core", "handlebars", "effect"]) {
      mkdirSync(dirname(join(work, "node_modules", dependency)), { recursive: true })
      if (!existsSync(join(work, "node_modules", dependency))) {
        symlinkSync(join(repoModules, dependency), join(work, "node_modules", dependency))
      }
    }
    const script = `
      import { defaultRunbook, foldIncident } from "@ir/core"
      import { messageContext, renderMessage, templatesDirectory } from "@ir/templates"
      import { Either } from "effect"
      const incident = Either.getOrThrow(foldIncident([{ type: "opened", at: new Date("2026-11-28T10:00:00Z"),
        incidentId: "INC-1", title: "Down", severity: "P0", playbooks: [], summary: "Health check unreachable" }]))
      const message = renderMessage(messageContext("initial", { incident, runbook: defaultRunbook, now: new Date("2026-11-28T10:01:00Z") }))
      console.log(JSON.stringify({ dir: templatesDirectory, header: message.slack.blocks[0].text.text, subject: message.email.subject }))
    `
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: work,
      encoding: "utf8",
      timeout: 30_000,
    })
    expect(run.status, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout) as { dir: string; header: string; subject: string }
    expect(result.dir.startsWith(installed)).toBe(true)
    expect(result.header).toBe("🚨 INCIDENT ALERT - P0")
    expect(result.subject).toBe("🚨 INCIDENT ALERT - P0: Down [INC-1]")

    // The installed package renders its built-ins from the specs its build precompiled: with the
    // subject's spec swapped for another template's (its hash kept), the subject is that other
    // template's output. With the hash changed too, the spec no longer counts.
    const precompiledFile = join(installed, "templates", "templates.precompiled.cjs")
    const original = readFileSync(precompiledFile, "utf8")
    writeFileSync(join(work, "original.cjs"), original)
    const subjectWith = (hash: string) => {
      writeFileSync(
        precompiledFile,
        `const built = require(${JSON.stringify(join(work, "original.cjs"))})
module.exports = { ...built, "initial.subject.hbs": {
  hash: ${hash}, spec: built["resolution.subject.hbs"].spec } }\n`,
      )
      const swapped = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        cwd: work,
        encoding: "utf8",
        timeout: 30_000,
      })
      expect(swapped.status, swapped.stderr).toBe(0)
      return (JSON.parse(swapped.stdout) as { subject: string }).subject
    }
    expect(subjectWith('built["initial.subject.hbs"].hash')).toBe(
      "✅ INCIDENT RESOLVED - P0: Down [INC-1]",
    )
    expect(subjectWith(JSON.stringify("0".repeat(64)))).toBe("🚨 INCIDENT ALERT - P0: Down [INC-1]")
    writeFileSync(precompiledFile, original)
  })
})
