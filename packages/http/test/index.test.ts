// What importing @ir/http loads: the package is bundled the way tsup bundles it (esbuild, ESM,
// code splitting, dependencies external), and the static imports of the entry and of every chunk
// it imports statically are followed. The status page, the board and the Alertmanager workflow
// load only when they are created, so a /health-only service does not carry their libraries.
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import type { Metafile } from "esbuild"
import { describe, expect, it } from "vitest"

// The esbuild that tsup builds dist/ with, found through tsup (a root development dependency).
const require = createRequire(import.meta.url)
const { build }: typeof import("esbuild") = createRequire(require.resolve("tsup"))("esbuild")

const entries = {
  index: fileURLToPath(new URL("../src/index.ts", import.meta.url)),
  node: fileURLToPath(new URL("../src/node.ts", import.meta.url)),
}

/** The external modules an entry loads before any of its code runs. */
const loadedOnImport = async (entry: keyof typeof entries): Promise<ReadonlySet<string>> => {
  const { metafile } = await build({
    entryPoints: entries,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    write: false,
    metafile: true,
    outdir: "out",
    logLevel: "silent",
  })
  const outputs: Metafile["outputs"] = metafile.outputs
  const external = new Set<string>()
  const seen = new Set<string>()
  const visit = (output: string) => {
    if (seen.has(output)) return
    seen.add(output)
    for (const imported of outputs[output]?.imports ?? []) {
      if (imported.kind !== "import-statement") continue
      if (imported.external === true) external.add(imported.path)
      else visit(imported.path)
    }
  }
  visit(`out/${entry}.js`)
  return external
}

const heavy = ["@ir/notify", "@ir/responder", "@ir/templates", "@ir/journal", "feed", "badge-maker"]

describe("importing @ir/http", () => {
  it("loads what /health, /metrics and config validation need, not the status page, board or receiver's libraries", async () => {
    const loaded = await loadedOnImport("index")
    for (const name of heavy) expect(loaded.has(name), `${name} loads on import`).toBe(false)
    // What it does load: the probes (to validate health.config at once) and prom-client.
    expect(loaded.has("@ir/diagnostics")).toBe(true)
    expect(loaded.has("prom-client")).toBe(true)
  })

  it("loads nothing but node built-ins from @ir/http/node", async () => {
    const loaded = await loadedOnImport("node")
    expect(
      [...loaded].filter((name) => !name.startsWith("node:") && !/^[a-z_]+$/.test(name)),
    ).toEqual([])
  })
})
