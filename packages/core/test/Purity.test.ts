// @ir/core is pure: it depends on `effect` alone and never touches the clock, the environment,
// the disk, timers or the network. Every other package relies on that (time is an argument, so
// triage and escalation are reproducible). This reads the sources with the TypeScript parser, so
// comments and strings (e.g. `new Date()` in a JSDoc example) do not count.
import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const packageRoot = fileURLToPath(new URL("..", import.meta.url))
const sourceRoot = join(packageRoot, "src")

const sourceFiles = (directory: string): ReadonlyArray<string> =>
  readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith(".ts") ? [path] : []
  })

const allowedImport = (specifier: string): boolean =>
  specifier === "effect" || specifier.startsWith("effect/") || specifier.startsWith(".")

const forbiddenGlobals = new Set([
  "process",
  "fetch",
  "require",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "queueMicrotask",
  "XMLHttpRequest",
  "WebSocket",
  "performance",
])

/** Every impurity in one source text, as "line: what". */
const impurities = (fileName: string, text: string): ReadonlyArray<string> => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true)
  const found: Array<string> = []
  const report = (node: ts.Node, what: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source))
    found.push(`${line + 1}: ${what}`)
  }
  const checkSpecifier = (node: ts.Node, specifier: ts.Expression | undefined) => {
    if (specifier !== undefined && ts.isStringLiteral(specifier) && !allowedImport(specifier.text))
      report(node, `imports "${specifier.text}"`)
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node))
      checkSpecifier(node, node.moduleSpecifier)
    else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    )
      checkSpecifier(node, node.moduleReference.expression)
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      checkSpecifier(node, node.arguments[0])
    else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "Date" &&
      (node.arguments === undefined || node.arguments.length === 0)
    )
      report(node, "reads the clock (new Date())")
    else if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "Date" &&
      node.name.text === "now"
    )
      report(node, "reads the clock (Date.now)")
    else if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "Math" &&
      node.name.text === "random"
    )
      report(node, "is not deterministic (Math.random)")
    else if (ts.isIdentifier(node) && forbiddenGlobals.has(node.text) && isReference(node))
      report(node, `uses ${node.text}`)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** Whether an identifier refers to a binding (not a property name, key or declaration). */
const isReference = (node: ts.Identifier): boolean => {
  const parent = node.parent
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent)) && parent.name === node)
    return false
  if (ts.isMethodDeclaration(parent) && parent.name === node) return false
  if (ts.isPropertyDeclaration(parent) && parent.name === node) return false
  if (ts.isQualifiedName(parent) && parent.right === node) return false
  return true
}

describe("@ir/core is pure", () => {
  it("has no runtime dependency; effect is a peer", () => {
    const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as Record<
      string,
      Record<string, string> | undefined
    >
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([])
    expect(Object.keys(manifest.optionalDependencies ?? {})).toEqual([])
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(["effect"])
  })

  it("imports only effect and its own files, and never reads the clock, environment or disk", () => {
    const files = sourceFiles(sourceRoot)
    expect(files.length).toBeGreaterThan(15)
    const problems = files.flatMap((file) =>
      impurities(file, readFileSync(file, "utf8")).map(
        (problem) => `${relative(packageRoot, file)}:${problem}`,
      ),
    )
    expect(problems).toEqual([])
  })

  it("would notice each kind of impurity", () => {
    const offending = [
      'import { readFileSync } from "node:fs"',
      'import * as fs from "fs"',
      'export { x } from "undici"',
      'const lazy = await import("pg")',
      "const now = Date.now()",
      "const today = new Date()",
      "const started = performance.now()",
      "const home = process.env.HOME",
      "setTimeout(() => {}, 10)",
      'const body = await fetch("http://localhost")',
      "const id = Math.random()",
    ]
    for (const line of offending) expect(impurities("sample.ts", line), line).toHaveLength(1)
  })

  it("does not mistake comments, strings, fixed dates or property names for impurities", () => {
    const fine = [
      "/** Example: `new Date()` and Date.now() in a comment. */",
      'const text = "a process by pid; fetch the logs"',
      'const fixed = new Date("2026-11-28T10:00:00Z")',
      "const copy = new Date(fixed.getTime())",
      "const entry = { process: 1, fetch: 2 }",
      "const value = entry.process",
      'import { Schema } from "effect"',
      'import { Either } from "effect/Either"',
      'import { lookup } from "./Signal.js"',
      "interface Host { readonly process: string }",
    ]
    for (const line of fine) expect(impurities("sample.ts", line), line).toEqual([])
  })
})
