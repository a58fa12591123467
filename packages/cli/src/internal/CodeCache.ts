/**
 * Loads the CLI's CommonJS bundle with V8's code cache, so that a command does not spend most of
 * its start-up compiling the same two megabytes of JavaScript again.
 *
 * Node 22.1 and later have this built in (`module.enableCompileCache()`, which also honours
 * `NODE_COMPILE_CACHE` and `NODE_DISABLE_COMPILE_CACHE`); on Node 20 the bundle is compiled
 * through `vm.Script` with the cached data this module keeps in the user's cache directory
 * (`$XDG_CACHE_HOME/ir/code-cache`, else `~/.cache/ir/code-cache`, mode 0700). An entry is keyed
 * by the build (an id the build gives the launcher and the bundle alike), the bundle's size and
 * modification time, the Node version, the architecture and Node's options; an entry V8 rejects
 * is rewritten; anything that goes wrong with the cache only costs the time it would have saved.
 *
 * This module is part of the tiny launcher (`bin.cjs`): it imports nothing but Node built-ins.
 */

import { isAscii } from "node:buffer"
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs"
import Module, { createRequire } from "node:module"
import { homedir } from "node:os"
import { dirname, join } from "node:path"
import vm from "node:vm"

/** What happened to the cache on one load. */
export type CacheOutcome = "used" | "written" | "rejected" | "off" | "builtin"

/** A loaded bundle: its exports, and `save()` to call once the command has run. */
export interface LoadedBundle {
  readonly exports: unknown
  /** Whether the cache was used; `save` reports `written` when it stored a new entry. */
  readonly outcome: CacheOutcome
  /**
   * Stores the code cache when there was none (or V8 rejected it). Called after the command has
   * run, the entry also holds the functions that run compiled, not just the top level.
   */
  readonly save: () => CacheOutcome
}

/** `$XDG_CACHE_HOME/ir`, else `~/.cache/ir`: the user's cache of ir; undefined without a home. */
export const cacheHome = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const xdg = env.XDG_CACHE_HOME
  if (xdg?.startsWith("/")) return join(xdg, "ir")
  try {
    const home = homedir()
    return home === "" ? undefined : join(home, ".cache", "ir")
  } catch {
    return undefined
  }
}

/** `$XDG_CACHE_HOME/ir/code-cache`, else `~/.cache/ir/code-cache`; undefined without a home. */
export const defaultCacheDirectory = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const home = cacheHome(env)
  return home === undefined ? undefined : join(home, "code-cache")
}

/** FNV-1a, 32 bits, as hex: a short stable name for a key (not a security boundary). */
const fnv = (text: string): string => {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, "0")
}

const evaluate = (script: vm.Script, file: string): unknown => {
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void
  const module = { exports: {} }
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file))
  return module.exports
}

/** Entries not written for this long are removed when another is written. */
const STALE_ENTRY_MS = 30 * 24 * 3_600_000
/** An entry in use is marked as written again once it is this old. */
const TOUCH_AFTER_MS = 7 * 24 * 3_600_000
/** At most this many entries are kept (about 1.5 MB each), the most recently written. */
const MAX_ENTRIES = 48

/**
 * Removes, after `keep` was written: the entries of older builds of the same bundle
 * (`prefix-build-`), and those of installations that are gone or no longer run (another path,
 * such as each version `npx` unpacks in a folder of its own, is another prefix): entries not
 * written for 30 days, and the oldest beyond 48.
 */
const pruneCache = (directory: string, keep: string, prefix: string, build: string): void => {
  const now = Date.now()
  const entries: Array<{ readonly path: string; readonly mtimeMs: number }> = []
  for (const name of readdirSync(directory)) {
    if (!name.endsWith(".v8")) continue
    const path = join(directory, name)
    if (path === keep) continue
    if (name.startsWith(`${prefix}-`) && !name.startsWith(`${prefix}-${build}-`)) {
      rmSync(path, { force: true })
      continue
    }
    try {
      entries.push({ path, mtimeMs: statSync(path).mtimeMs })
    } catch {
      // removed meanwhile by another process
    }
  }
  entries.sort((a, b) => b.mtimeMs - a.mtimeMs)
  for (const [index, { path, mtimeMs }] of entries.entries()) {
    if (index >= MAX_ENTRIES - 1 || now - mtimeMs > STALE_ENTRY_MS) rmSync(path, { force: true })
  }
}

/**
 * The text of a bundle. The build keeps the bundles ASCII (tsup.config.ts), and ASCII bytes read
 * as Latin-1 are the same text: Node 20 decodes a megabyte of UTF-8 in 10-15 ms and Latin-1 in
 * under 2 ms. Anything beyond ASCII is decoded as UTF-8.
 */
export const readSource = (file: string): string => {
  const bytes = readFileSync(file)
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8")
}

/**
 * Compiles and runs the CommonJS file `file` with V8 cached data kept in `directory` (the Node 20
 * path; also what the tests exercise on every version).
 */
export const loadWithCodeCache = (
  file: string,
  directory: string | undefined,
  build = "",
  command = "",
): LoadedBundle => {
  const source = readSource(file)
  if (directory === undefined) {
    const script = new vm.Script(Module.wrap(source), { filename: file })
    return { exports: evaluate(script, file), outcome: "off", save: () => "off" }
  }
  // Entries are named location-build-runtime-command. A new build (or a changed file) replaces the
  // entries of the old one; V8 refuses a cache made by another Node or under other flags, so each
  // runtime keeps its own; each command keeps its own, holding the code that command ran, compiled.
  const { size, mtimeMs } = statSync(file)
  const prefix = fnv(file)
  const buildKey = fnv([build, size, mtimeMs, source.length].join("\0"))
  const runtimeKey = fnv([process.version, process.arch, ...process.execArgv].join("\0"))
  const name = command.replace(/[^a-z-]/g, "") || "ir"
  const entry = join(directory, `${prefix}-${buildKey}-${runtimeKey}-${name}.v8`)
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(entry)
  } catch {
    cachedData = undefined
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
    // Any `import()` left in the bundle goes through Node's own loader, resolved from `file`.
    ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER === undefined
      ? {}
      : { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }),
  })
  const outcome: CacheOutcome =
    cachedData === undefined ? "off" : script.cachedDataRejected === true ? "rejected" : "used"
  const values = evaluate(script, file)
  const save = (): CacheOutcome => {
    if (outcome === "used") {
      // An entry in use stays young, so that pruning (by the time each was written) spares it.
      try {
        if (Date.now() - statSync(entry).mtimeMs > TOUCH_AFTER_MS) {
          const now = new Date()
          utimesSync(entry, now, now)
        }
      } catch {
        // gone meanwhile: the next run writes it again
      }
      return "used"
    }
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 })
      const temporary = `${entry}.${process.pid}.tmp`
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600 })
      renameSync(temporary, entry)
      pruneCache(directory, entry, prefix, buildKey)
      return "written"
    } catch {
      return outcome
    }
  }
  return { exports: values, outcome, save }
}

/**
 * Loads the CommonJS bundle `file` the fastest way this Node offers: the built-in compile cache
 * where there is one, else `loadWithCodeCache` (off when `NODE_DISABLE_COMPILE_CACHE` is set).
 */
export const loadBundle = (
  file: string,
  build: string,
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedBundle => {
  const builtin = (Module as { enableCompileCache?: () => unknown }).enableCompileCache
  if (typeof builtin === "function") {
    builtin()
    return { exports: createRequire(file)(file), outcome: "builtin", save: () => "builtin" }
  }
  const disabled = env.NODE_DISABLE_COMPILE_CACHE !== undefined
  return loadWithCodeCache(file, disabled ? undefined : defaultCacheDirectory(env), build, command)
}
