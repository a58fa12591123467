// Runs the CLI in-process with captured streams, a controlled environment and working directory.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { runCli } from "../src/index.js"
import type { Io } from "../src/Output.js"

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface HarnessOptions {
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Pretend stdout and stderr are terminals. */
  readonly tty?: boolean
}

/**
 * The user's cache (`$XDG_CACHE_HOME`) of every in-process run unless its env names another: a
 * folder of this test file, made at its first run, so that no run reads what a run of another
 * test process kept. Removed after the file's tests (vitest runs each file's modules anew).
 */
let testCache: string | undefined
const cacheOfThisFile = (): string => {
  testCache ??= mkdtempSync(join(tmpdir(), "ir-cli-cache-"))
  return testCache
}
afterAll(() => {
  if (testCache !== undefined) rmSync(testCache, { recursive: true, force: true })
})

/** Runs `run` with captured streams, as `ir` sees them. */
export const captured = async (
  run: (io: Io) => Promise<number>,
  options: HarnessOptions = {},
): Promise<CliRun> => {
  let stdout = ""
  let stderr = ""
  const tty = options.tty ?? false
  const code = await run({
    env: { XDG_CACHE_HOME: cacheOfThisFile(), ...options.env },
    cwd: options.cwd ?? process.cwd(),
    stdout: {
      write: (text) => {
        stdout += text
      },
      isTTY: tty,
    },
    stderr: {
      write: (text) => {
        stderr += text
      },
      isTTY: tty,
    },
  })
  return { code, stdout, stderr }
}

export const ir = (argv: ReadonlyArray<string>, options: HarnessOptions = {}): Promise<CliRun> =>
  captured((io) => runCli(argv, { io }), options)

/** A fresh temporary directory, removed by the returned function. */
export const tempDir = (
  prefix = "ir-cli-",
): { readonly path: string; readonly remove: () => void } => {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Parses stdout as JSON, failing with the output when it is not. */
export const json = <A = Record<string, unknown>>(run: CliRun): A => {
  try {
    return JSON.parse(run.stdout) as A
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`)
  }
}
