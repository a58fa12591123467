// Every TypeScript snippet in the docs and the package READMEs compiles against the built
// packages, so the documentation cannot drift from the API. Each block is its own module, so it
// must import and declare everything it uses. A block whose info string has the word `fragment`
// (```ts fragment) is a partial example and is skipped.
import { execFile } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "../..")
const out = join(import.meta.dirname, ".snippets")

const markdownFiles = (): Array<string> => {
  const docs = (dir: string): Array<string> =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? docs(join(dir, entry.name))
        : entry.name.endsWith(".md")
          ? [join(dir, entry.name)]
          : [],
    )
  const readmes = readdirSync(join(root, "packages")).map((name) =>
    join("packages", name, "README.md"),
  )
  return [...docs("docs"), ...readmes, "README.md"]
}

interface Snippet {
  readonly file: string
  readonly line: number
  readonly code: string
  readonly fragment: boolean
}

const snippets: Array<Snippet> = markdownFiles().flatMap((file) => {
  let text: string
  try {
    text = readFileSync(join(root, file), "utf8")
  } catch {
    return []
  }
  const found: Array<Snippet> = []
  // A fence may be indented (inside a list item); its closing fence has the same indentation.
  const fence = /^([ \t]*)```(?:ts|typescript)(?=\s)([^\n]*)\n([\s\S]*?)^\1```[ \t]*$/gm
  for (const match of text.matchAll(fence)) {
    const indent = match[1] ?? ""
    const line = text.slice(0, match.index).split("\n").length
    const code = (match[3] ?? "")
      .split("\n")
      .map((codeLine) => (codeLine.startsWith(indent) ? codeLine.slice(indent.length) : codeLine))
      .join("\n")
    const info = (match[2] ?? "").trim().split(/\s+/)
    found.push({ file, line, code, fragment: info.includes("fragment") })
  }
  return found
})

const compiled = snippets.filter((snippet) => !snippet.fragment)

describe("documentation snippets", () => {
  it("finds the TypeScript examples of the docs and READMEs", () => {
    expect(compiled.length).toBeGreaterThan(5)
  })

  it("compile against the built packages", async () => {
    rmSync(out, { recursive: true, force: true })
    mkdirSync(out, { recursive: true })
    // The snippets are the docs' code, not ours: Biome leaves the folder alone while it exists.
    writeFileSync(
      join(out, "biome.json"),
      `${JSON.stringify({
        root: false,
        formatter: { enabled: false },
        linter: { enabled: false },
        assist: { enabled: false },
      })}\n`,
    )
    const names = compiled.map((snippet, index) => {
      const name = `snippet-${String(index).padStart(3, "0")}.ts`
      writeFileSync(
        join(out, name),
        `// ${snippet.file}:${snippet.line}\n${snippet.code}\nexport {}\n`,
      )
      return name
    })
    writeFileSync(
      join(out, "tsconfig.json"),
      JSON.stringify({
        // What `tsc --init` (TypeScript 5.9) gives a new project, on Node: no DOM library, so
        // an undeclared `alert`, `name` or `status` is an error rather than a browser global.
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          moduleDetection: "force",
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          noUnusedLocals: false,
        },
        files: names,
      }),
    )
    const tsc = join(root, "node_modules/typescript/bin/tsc")
    const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>(
      (resolve) =>
        execFile(
          process.execPath,
          [tsc, "-p", out],
          { cwd: out, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
          (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
            resolve({
              exitCode: code,
              output: `${stdout}${stderr}${error !== null && stdout + stderr === "" ? error.message : ""}`,
            })
          },
        ),
    )
    // Point each error at the Markdown file and line the snippet came from.
    const located = output.replace(/snippet-(\d{3})\.ts\((\d+),(\d+)\)/g, (_all, index, line) => {
      const snippet = compiled[Number(index)]!
      return `${snippet.file}:${snippet.line + Number(line) - 1}`
    })
    expect(located, `snippets in ${relative(root, out)} do not compile`).toBe("")
    expect(exitCode, "tsc failed without reporting an error").toBe(0)
    // Kept for reading when something fails; removed once everything compiles.
    rmSync(out, { recursive: true, force: true })
  })
})
