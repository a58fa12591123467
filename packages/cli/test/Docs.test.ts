// Every command output the docs show is what the command prints. A console block preceded by
// `<!-- checked: EXTRA ARGS -->` is run here, in order, in one scratch directory per page (with
// the EXTRA ARGS, e.g. the rehearsal clock `--at …`, added to the command line shown), and its
// output must match the block; a line `…` stands for any number of lines. The configuration is
// the YAML block after `<!-- checked-config -->`, or the JSON in `<!-- checked-config: {…} -->`.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { ir, tempDir } from "./harness.js"

const docs = join(import.meta.dirname, "..", "..", "..", "docs")
const pages = ["incidents.md", "guides/your-own-playbook.md"]

/** Words of a command line, with "double" and 'single' quotes. */
const words = (line: string): Array<string> =>
  [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? "",
  )

interface Example {
  readonly line: number
  readonly argv: ReadonlyArray<string>
  readonly expected: ReadonlyArray<string>
}

const parse = (text: string) => {
  const lines = text.split("\n")
  let config: string | undefined
  const examples: Array<Example> = []
  const fence = (from: number) => {
    const start = lines.findIndex((line, index) => index > from && line.startsWith("```"))
    const end = lines.findIndex((line, index) => index > start && line.startsWith("```"))
    return { start, body: lines.slice(start + 1, end) }
  }
  lines.forEach((line, index) => {
    const inline = /^<!-- checked-config: (.*) -->$/.exec(line)
    if (inline !== null) config = stringify(JSON.parse(inline[1] ?? "{}"))
    if (line === "<!-- checked-config -->") config = `${fence(index).body.join("\n")}\n`
    const checked = /^<!-- checked:(.*)-->$/.exec(line)
    if (checked === null) return
    const { start, body } = fence(index)
    let command = ""
    let rest = 0
    for (const [offset, text] of body.entries()) {
      command += ` ${text.replace(/^\$ /, "").replace(/\\$/, "")}`
      rest = offset + 1
      if (!text.endsWith("\\")) break
    }
    const [program, ...args] = words(command.trim())
    expect(program, `${index + 1}: a checked block starts with "$ ir …"`).toBe("ir")
    examples.push({
      line: start + 1,
      argv: [...args, ...words(checked[1] ?? "")],
      expected: body.slice(rest),
    })
  })
  return { config, examples }
}

const matches = (actual: ReadonlyArray<string>, expected: ReadonlyArray<string>): boolean => {
  const pattern = expected
    .map((line) =>
      line === "…" ? "(?:.*\\n)*?" : `${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`,
    )
    .join("")
  return new RegExp(`^${pattern}$`).test(`${actual.join("\n")}\n`)
}

const dirs: Array<{ remove: () => void }> = []
afterAll(() => {
  for (const dir of dirs) dir.remove()
})

describe.each(pages)("the command output in docs/%s", (page) => {
  const { config, examples } = parse(readFileSync(join(docs, page), "utf8"))

  it("is what the commands print", async () => {
    expect(examples.length).toBeGreaterThan(0)
    const dir = tempDir("ir-docs-")
    dirs.push(dir)
    writeFileSync(join(dir.path, "ir.config.yaml"), config ?? "{}\n")
    for (const example of examples) {
      const run = await ir(example.argv, { cwd: dir.path, env: { USER: "alice" } })
      const actual = run.stdout.trimEnd().split("\n")
      const expected = [...example.expected]
      while (expected.at(-1) === "") expected.pop()
      if (!matches(actual, expected)) {
        expect(
          actual.join("\n"),
          `docs/${page}:${example.line}: ir ${example.argv.join(" ")} (exit ${run.code})\n${run.stderr}`,
        ).toBe(expected.join("\n"))
      }
    }
  })
})
