import { execFileSync } from "node:child_process"
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import ts from "typescript"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type CacheOutcome, defaultCacheDirectory, readSource } from "../src/internal/CodeCache.js"

// Every load runs in a fresh process, as `ir` does: within one process V8 keeps compiled scripts
// in memory and would never consult the cache on disk.
let loader: string
beforeAll(() => {
  loader = join(mkdtempSync(join(tmpdir(), "ir-code-cache-loader-")), "CodeCache.cjs")
  const source = readFileSync(new URL("../src/internal/CodeCache.ts", import.meta.url), "utf8")
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  })
  writeFileSync(loader, outputText)
})
afterAll(() => rmSync(join(loader, ".."), { recursive: true, force: true }))

interface Loaded {
  readonly outcome: CacheOutcome
  readonly saved: CacheOutcome
  readonly exports: { answer: number; sep: string; data: string; here: string; doubled: number }
}

/** Loads `file` in a new Node process, runs it, saves the cache; reports what happened. */
const loadWithCodeCache = (
  file: string,
  directory: string | undefined,
  build = "",
  command = "",
  nodeOptions: ReadonlyArray<string> = [],
): Loaded => {
  const driver = `
    const { loadWithCodeCache } = require(${JSON.stringify(loader)})
    const [file, directory, build, command] = JSON.parse(process.argv[1])
    const loaded = loadWithCodeCache(file, directory ?? undefined, build, command)
    const { double, ...values } = loaded.exports
    const saved = loaded.save()
    process.stdout.write(JSON.stringify({ outcome: loaded.outcome, saved, exports: { ...values, doubled: double(21) } }))
  `
  const output = execFileSync(
    process.execPath,
    [...nodeOptions, "-e", driver, JSON.stringify([file, directory ?? null, build, command])],
    { encoding: "utf8", timeout: 20_000 },
  )
  return JSON.parse(output) as Loaded
}

let dir: string
let bundle: string
let cache: string

const program = (answer: number) => `
const { sep } = require("node:path")
const data = require("./data.json")
exports.answer = ${answer}
exports.sep = sep
exports.data = data.value
exports.here = __dirname
exports.double = (n) => n * 2
`

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ir-code-cache-"))
  bundle = join(dir, "main.cjs")
  cache = join(dir, "cache")
  writeFileSync(bundle, program(42))
  writeFileSync(join(dir, "data.json"), '{ "value": "beside the bundle" }')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const exportsOf = (loaded: Loaded) => loaded.exports

describe("loadWithCodeCache", () => {
  it("runs the bundle as CommonJS: exports, require beside it, __dirname", () => {
    const loaded = loadWithCodeCache(bundle, cache, "build-1", "check")
    const exports = exportsOf(loaded)
    expect(exports.answer).toBe(42)
    expect(exports.sep).toBe("/")
    expect(exports.data).toBe("beside the bundle")
    expect(exports.here).toBe(dir)
    expect(exports.doubled).toBe(42)
  })

  it("writes an entry after the first run (private to the user) and uses it on the next", () => {
    const first = loadWithCodeCache(bundle, cache, "build-1", "check")
    expect(first.outcome).toBe("off")
    expect(first.saved).toBe("written")
    const entries = readdirSync(cache)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatch(/-check\.v8$/)
    expect(statSync(cache).mode & 0o777).toBe(0o700)
    expect(statSync(join(cache, entries[0] ?? "")).mode & 0o777).toBe(0o600)

    const second = loadWithCodeCache(bundle, cache, "build-1", "check")
    expect(second.outcome).toBe("used")
    expect(exportsOf(second).answer).toBe(42)
    expect(second.saved).toBe("used")
    expect(readdirSync(cache)).toEqual(entries)
  })

  it("keeps one entry per command", () => {
    loadWithCodeCache(bundle, cache, "build-1", "check")
    loadWithCodeCache(bundle, cache, "build-1", "playbook")
    loadWithCodeCache(bundle, cache, "build-1", "--version")
    expect(readdirSync(cache).sort()).toEqual([
      expect.stringMatching(/---version\.v8$/),
      expect.stringMatching(/-check\.v8$/),
      expect.stringMatching(/-playbook\.v8$/),
    ])
  })

  it("keeps apart the entries of Node processes started with other options", () => {
    const flags = ["--max-semi-space-size=16"]
    expect(loadWithCodeCache(bundle, cache, "build-1", "check").saved).toBe("written")
    expect(loadWithCodeCache(bundle, cache, "build-1", "check", flags).saved).toBe("written")
    expect(readdirSync(cache)).toHaveLength(2)
    expect(loadWithCodeCache(bundle, cache, "build-1", "check").outcome).toBe("used")
    expect(loadWithCodeCache(bundle, cache, "build-1", "check", flags).outcome).toBe("used")
  })

  it("never runs code cached for another build of the bundle, and drops the old entries", () => {
    loadWithCodeCache(bundle, cache, "build-1", "check")
    loadWithCodeCache(bundle, cache, "build-1", "playbook")
    // The same length, so only the key (not V8's own check) tells the two apart.
    writeFileSync(bundle, program(43))
    const rebuilt = loadWithCodeCache(bundle, cache, "build-2", "check")
    expect(rebuilt.outcome).toBe("off")
    expect(exportsOf(rebuilt).answer).toBe(43)
    expect(rebuilt.saved).toBe("written")
    expect(readdirSync(cache)).toHaveLength(1)
  })

  it("prunes the entries of other installations: those not written for 30 days, and the oldest beyond 48", () => {
    mkdirSync(cache, { recursive: true, mode: 0o700 })
    const day = 24 * 3_600_000
    const entryAt = (name: string, ageMs: number) => {
      const path = join(cache, name)
      writeFileSync(path, "old")
      const when = new Date(Date.now() - ageMs)
      utimesSync(path, when, when)
    }
    entryAt("aaaaaaaa-00000000-00000000-triage.v8", 40 * day) // an installation long gone
    for (let index = 0; index < 60; index += 1)
      entryAt(`b${String(index).padStart(7, "0")}-00000000-00000000-check.v8`, index * 60_000)
    expect(loadWithCodeCache(bundle, cache, "build-1", "check").saved).toBe("written")
    const left = readdirSync(cache)
    expect(left).toHaveLength(48)
    expect(left).not.toContain("aaaaaaaa-00000000-00000000-triage.v8")
    // the newest are kept, the one just written among them
    expect(left).toContain("b0000000-00000000-00000000-check.v8")
    expect(left).not.toContain("b0000059-00000000-00000000-check.v8")
    expect(loadWithCodeCache(bundle, cache, "build-1", "check").outcome).toBe("used")
  })

  it("keeps an entry in use young, so that pruning spares it", () => {
    loadWithCodeCache(bundle, cache, "build-1", "check")
    const [name] = readdirSync(cache)
    const path = join(cache, name ?? "")
    const old = new Date(Date.now() - 20 * 24 * 3_600_000)
    utimesSync(path, old, old)
    expect(loadWithCodeCache(bundle, cache, "build-1", "check").outcome).toBe("used")
    expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(24 * 3_600_000)
  })

  it("treats a changed file as a new build even under the same build id", () => {
    loadWithCodeCache(bundle, cache, "build-1", "check")
    writeFileSync(bundle, program(44))
    const later = new Date(statSync(bundle).mtimeMs + 5_000)
    utimesSync(bundle, later, later)
    const changed = loadWithCodeCache(bundle, cache, "build-1", "check")
    expect(changed.outcome).toBe("off")
    expect(exportsOf(changed).answer).toBe(44)
  })

  it("runs correctly from a damaged entry and replaces it", () => {
    loadWithCodeCache(bundle, cache, "build-1", "check")
    const [entry] = readdirSync(cache)
    writeFileSync(join(cache, entry ?? ""), "not a code cache")
    const damaged = loadWithCodeCache(bundle, cache, "build-1", "check")
    expect(damaged.outcome).toBe("rejected")
    expect(exportsOf(damaged).answer).toBe(42)
    expect(damaged.saved).toBe("written")
    expect(loadWithCodeCache(bundle, cache, "build-1", "check").outcome).toBe("used")
  })

  it("works without a cache directory, and when the cache cannot be written", () => {
    const off = loadWithCodeCache(bundle, undefined)
    expect(off.outcome).toBe("off")
    expect(exportsOf(off).answer).toBe(42)
    expect(off.saved).toBe("off")

    writeFileSync(cache, "a file where the directory should be")
    const blocked = loadWithCodeCache(bundle, cache, "build-1", "check")
    expect(exportsOf(blocked).answer).toBe(42)
    expect(blocked.saved).toBe("off")
  })
})

describe("readSource", () => {
  it("reads an ASCII bundle as the same text, and one beyond ASCII as UTF-8", () => {
    const ascii = 'exports.s = "plain \\u00e4 text"\n'
    writeFileSync(bundle, ascii)
    const read = readSource(bundle)
    expect(read).toBe(ascii)
    expect(read.length).toBe(Buffer.byteLength(ascii))
    const beyond = 'exports.s = "Jimmy W\u00e4rting \u2013 \u{1F6A8}"\n'
    writeFileSync(bundle, beyond)
    expect(readSource(bundle)).toBe(beyond)
  })

  it("gives the program the strings its source spells, beyond ASCII too", () => {
    writeFileSync(bundle, `${program(42)}exports.dash = "\u2013 \u00e4"\nexports.raw = "– ä"\n`)
    const loaded = loadWithCodeCache(bundle, cache, "build-1", "check") as unknown as {
      exports: { dash: string; raw: string }
    }
    expect(loaded.exports.dash).toBe("– ä")
    expect(loaded.exports.raw).toBe("– ä")
  })
})

describe("loadBundle", () => {
  const viaLoadBundle = (env: Record<string, string>) => {
    const driver = `
      const { loadBundle } = require(${JSON.stringify(loader)})
      const loaded = loadBundle(process.argv[1], "build-1", "check")
      const saved = loaded.save()
      process.stdout.write(JSON.stringify({ outcome: loaded.outcome, saved, answer: loaded.exports.answer }))
    `
    const output = execFileSync(process.execPath, ["-e", driver, bundle], {
      encoding: "utf8",
      timeout: 20_000,
      env: { PATH: process.env.PATH ?? "", XDG_CACHE_HOME: join(dir, "xdg"), ...env },
    })
    return JSON.parse(output) as { outcome: CacheOutcome; saved: CacheOutcome; answer: number }
  }

  it("uses Node's own compile cache where Node has one, else its own in XDG_CACHE_HOME", () => {
    const builtin =
      Number(process.versions.node.split(".")[0]) >= 23 || process.versions.node.startsWith("22.") // 22.1 and later
    const first = viaLoadBundle({ NODE_COMPILE_CACHE: join(dir, "node-cache") })
    expect(first.answer).toBe(42)
    if (builtin) {
      expect(first.outcome).toBe("builtin")
    } else {
      expect(first.saved).toBe("written")
      expect(readdirSync(join(dir, "xdg", "ir", "code-cache"))).toHaveLength(1)
      expect(viaLoadBundle({}).outcome).toBe("used")
    }
  })

  it("is off with NODE_DISABLE_COMPILE_CACHE", () => {
    const off = viaLoadBundle({ NODE_DISABLE_COMPILE_CACHE: "1" })
    expect(off.answer).toBe(42)
    expect(["off", "builtin"]).toContain(off.outcome)
    expect(() => readdirSync(join(dir, "xdg", "ir", "code-cache"))).toThrow()
  })
})

describe("defaultCacheDirectory", () => {
  it("follows XDG_CACHE_HOME, else ~/.cache", () => {
    expect(defaultCacheDirectory({ XDG_CACHE_HOME: "/var/cache/me" })).toBe(
      "/var/cache/me/ir/code-cache",
    )
    expect(defaultCacheDirectory({ XDG_CACHE_HOME: "relative/ignored" })).toMatch(
      /\/\.cache\/ir\/code-cache$/,
    )
    expect(defaultCacheDirectory({})).toMatch(/\/\.cache\/ir\/code-cache$/)
  })
})
