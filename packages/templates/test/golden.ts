// Golden files: expected renderings checked in under test/golden/ (named *.golden so that no
// formatter rewrites them). `UPDATE_GOLDEN=1 npx vitest
// run` rewrites them; review the diff before committing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "golden")
const update = process.env.UPDATE_GOLDEN === "1"

export const expectGolden = (name: string, actual: string): void => {
  const path = join(root, `${name}.golden`)
  if (update) {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, actual)
    return
  }
  if (!existsSync(path)) {
    throw new Error(
      `missing golden file test/golden/${name}.golden: run UPDATE_GOLDEN=1 npx vitest run`,
    )
  }
  expect(actual, `test/golden/${name}.golden (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(path, "utf8"),
  )
}
