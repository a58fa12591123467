import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { MessageKind, messageContext, templatesDirectory } from "../src/index.js"
import { compileOptions, environment } from "../src/internal/environment.js"
import {
  loadPrecompiled,
  PRECOMPILED_FILE,
  precompiledModule,
  precompiledTemplate,
} from "../src/internal/precompiled.js"
import { hostile, incidentAfter, lifecycle, runbook } from "./fixtures.js"

const builtIns = readdirSync(templatesDirectory)
  .filter((name) => name.endsWith(".hbs"))
  .map((name) => ({
    name,
    part: MessageKind.parseFileName(name)!.part,
    source: readFileSync(join(templatesDirectory, name), "utf8"),
  }))

/** The folders these tests write, removed after them. */
const scratch = mkdtempSync(join(tmpdir(), "ir-precompiled-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const written = (content: string): string => {
  const file = join(mkdtempSync(join(scratch, "module-")), PRECOMPILED_FILE)
  writeFileSync(file, content)
  return file
}

const specs = loadPrecompiled(written(precompiledModule(builtIns)))

describe("precompiled built-in templates", () => {
  it("render exactly what compiling their source renders, for every template", () => {
    expect(specs.size).toBe(35)
    for (const events of [lifecycle, hostile]) {
      for (const { name, part, source } of builtIns) {
        const kind = MessageKind.parseFileName(name)!.kind
        const context = messageContext(kind, {
          incident: incidentAfter(events.length, events),
          runbook,
          now: new Date("2026-11-28T12:00:00Z"),
          ...(kind === "notice" ? { notice: { phase: "update", reference: "ir-0123" } } : {}),
          ...(kind === "reminder" ? { reminder: { reason: "Short-term", items: ["Meet"] } } : {}),
          ...(kind === "postmortem" ? { actionItems: ["Alert on memory"] } : {}),
        })
        const format = part === "subject" ? "text" : part
        const options = { data: { format } }
        const template = precompiledTemplate(specs.get(name), source)
        expect(template, name).toBeDefined()
        expect(template!(context, options), name).toBe(
          environment.compile(source, compileOptions(part))(context, options),
        )
      }
    }
  })

  it("keep strict rendering: a missing variable names its line", () => {
    const { source } = builtIns.find(({ name }) => name === "initial.slack.hbs")!
    const template = precompiledTemplate(specs.get("initial.slack.hbs"), source)!
    expect(() => template({ incident: {} }, { data: { format: "slack" } })).toThrow(
      expect.objectContaining({ lineNumber: expect.any(Number) }),
    )
  })

  it("count only for the source they were compiled from", () => {
    const entry = specs.get("initial.text.hbs")
    expect(precompiledTemplate(entry, "{{incident.title}}")).toBeUndefined()
    expect(precompiledTemplate(undefined, "x")).toBeUndefined()
  })

  it("are left aside when another Handlebars compiled them, or the file is missing or broken", () => {
    const { source } = builtIns.find(({ name }) => name === "initial.text.hbs")!
    const entry = specs.get("initial.text.hbs")!
    const foreign = { ...entry, spec: { ...(entry.spec as object), compiler: [99, ">= 99.0.0"] } }
    expect(precompiledTemplate(foreign, source)).toBeUndefined()
    expect(loadPrecompiled(join(tmpdir(), "ir-no-such-dir", PRECOMPILED_FILE)).size).toBe(0)
    expect(loadPrecompiled(written("module.exports = {")).size).toBe(0)
    expect(loadPrecompiled(written('module.exports = { "a.text.hbs": { hash: 1 } }')).size).toBe(0)
  })
})
