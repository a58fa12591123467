// The built-in templates precompiled when the package is built: `templates/templates.precompiled.cjs`
// holds each one's Handlebars template spec with the SHA-256 of the source it was compiled from.
// A process that renders a built-in takes its spec instead of parsing and compiling the source
// (about 3 ms a template, 20 of them for a message in every format). The `.hbs` files stay the
// only source: a spec counts only while its hash is the hash of the file read beside it, and a
// missing, unreadable or foreign file (another Handlebars) means compiling from source, as before.
import { createHash } from "node:crypto"
import { createRequire } from "node:module"
import type { TemplatePart } from "../MessageKind.js"
import { compileOptions, environment } from "./environment.js"

export const PRECOMPILED_FILE = "templates.precompiled.cjs"

export interface Precompiled {
  readonly hash: string
  readonly spec: unknown
}

const sourceHash = (source: string): string => createHash("sha256").update(source).digest("hex")

/** The module the build writes: each template's spec by file name, with its source's hash. */
export const precompiledModule = (
  templates: ReadonlyArray<{
    readonly name: string
    readonly part: TemplatePart
    readonly source: string
  }>,
): string => {
  const entries = templates.map(
    ({ name, part, source }) =>
      `  ${JSON.stringify(name)}: {\n    hash: ${JSON.stringify(sourceHash(source))},\n    spec: ${String(environment.precompile(source, compileOptions(part)))},\n  },`,
  )
  return `"use strict"\n// Generated from the .hbs files beside it when @ir/templates is built: do not edit.\nmodule.exports = {\n${entries.join("\n")}\n}\n`
}

/** The specs in `file` by template file name; empty when it is missing or cannot be loaded. */
export const loadPrecompiled = (file: string): ReadonlyMap<string, Precompiled> => {
  try {
    const loaded = createRequire(file)(file) as unknown
    if (typeof loaded !== "object" || loaded === null) return new Map()
    return new Map(
      Object.entries(loaded as Record<string, Precompiled>).filter(
        ([, entry]) => typeof entry?.hash === "string" && typeof entry.spec === "object",
      ),
    )
  } catch {
    return new Map()
  }
}

/**
 * The template of `entry` when it was precompiled from exactly `source` by a Handlebars this
 * environment can run; undefined otherwise (the caller compiles the source).
 */
export const precompiledTemplate = (
  entry: Precompiled | undefined,
  source: string,
): Handlebars.TemplateDelegate | undefined => {
  if (entry === undefined || entry.hash !== sourceHash(source)) return undefined
  try {
    return environment.template(entry.spec as TemplateSpecification)
  } catch {
    return undefined
  }
}
