// The multi-process tests and the crash test run the BUILT package in child processes: build it
// when dist/ is missing or older than the sources.
import { spawnSync } from "node:child_process"
import { readdirSync, statSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..")

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return Math.max(latest, newest(path))
    return Math.max(latest, statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0)
  }, 0)

export default function setup(): void {
  let built = 0
  try {
    built = statSync(join(root, "dist", "index.js")).mtimeMs
  } catch {
    built = 0
  }
  if (built >= newest(join(root, "src"))) return
  const result = spawnSync("npx", ["tsup"], { cwd: root, stdio: "inherit", timeout: 180_000 })
  if (result.status !== 0) throw new Error("building @ir/journal (npx tsup) failed")
}
