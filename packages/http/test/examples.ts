import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import type { IrHandler } from "../src/Handler.js"

/** What every example's `start()` resolves with. */
export interface RunningExample {
  readonly url: string
  readonly handler: IrHandler
  readonly close: () => Promise<void>
}

interface ExampleModule {
  readonly start: (env: Record<string, string | undefined>) => Promise<RunningExample>
}

export const examplesDir = resolve(import.meta.dirname, "../../../examples")

/** The example server of a framework: `examples/http-<name>/server.mjs`. */
export const exampleServer = (name: string): string =>
  join(examplesDir, `http-${name}`, "server.mjs")

/** Starts an example in this process with its own journal directory. */
export const startExample = async (
  name: string,
  env: Record<string, string | undefined>,
): Promise<RunningExample & { readonly journalDir: string }> => {
  const journalDir = await mkdtemp(join(tmpdir(), `ir-http-${name}-`))
  const module = (await import(pathToFileURL(exampleServer(name)).href)) as ExampleModule
  const running = await module.start({ PORT: "0", IR_JOURNAL_DIR: journalDir, ...env })
  return {
    ...running,
    journalDir,
    close: async () => {
      await running.close()
      await rm(journalDir, { recursive: true, force: true })
    },
  }
}
