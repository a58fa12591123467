// Generates the reference pages in docs/ from the built packages. With --check, fails when a
// checked-in page differs from what the code generates.
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const root = new URL("..", import.meta.url).pathname
const check = process.argv.includes("--check")

/** @type {Array<{ file: string, generate: () => Promise<string> }>} */
const pages = []

let stale = 0
for (const page of pages) {
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
process.exit(stale > 0 ? 1 : 0)
