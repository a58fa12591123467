// Generates the reference pages in docs/ from the built packages. Each page is a module in
// scripts/docs/ exporting `file` (the page under docs/) and `generate()` (its content).
// With --check, fails when a checked-in page differs from what the code generates.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

const root = new URL("..", import.meta.url).pathname
const check = process.argv.includes("--check")
const generators = readdirSync(join(root, "scripts/docs"))
  .filter((name) => name.endsWith(".mjs"))
  .sort()

let stale = 0
for (const name of generators) {
  const page = await import(pathToFileURL(join(root, "scripts/docs", name)).href)
  const path = join(root, "docs", page.file)
  const content = await page.generate()
  if (check) {
    const current = existsSync(path) ? readFileSync(path, "utf8") : ""
    if (current !== content) {
      console.error(`docs/${page.file} is stale: run \`npm run docs\` and commit it`)
      stale += 1
    }
  } else {
    writeFileSync(path, content)
    console.error(`wrote docs/${page.file}`)
  }
}
if (check && stale === 0) console.error(`${generators.length} generated pages are current`)
process.exit(stale > 0 ? 1 : 0)
