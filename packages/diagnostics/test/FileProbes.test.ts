// The file probes against real directories in a temporary folder.
import { createHash } from "node:crypto"
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseManifest } from "../src/FileProbes.js"
import { runProbes } from "../src/index.js"
import { expectVocabulary, only, signalValue } from "./peers.js"

let root: string
const sha = (text: string) => createHash("sha256").update(text).digest("hex")

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ir-diag-files-"))
  await mkdir(join(root, "models/encoder"), { recursive: true })
  await writeFile(join(root, "models/model.h5"), "weights")
  await writeFile(join(root, "models/encoder/scaler.pkl"), "scaler")
  await writeFile(
    join(root, "models/SHA256SUMS"),
    `${sha("weights")}  model.h5\n${sha("scaler")} *encoder/scaler.pkl\n`,
  )
  await writeFile(
    join(root, "models/bad.json"),
    JSON.stringify({ "model.h5": sha("other weights") }),
  )
  await writeFile(
    join(root, "models/more.json"),
    JSON.stringify({ "model.h5": sha("weights"), "thresholds.json": sha("x") }),
  )
  await mkdir(join(root, "empty-models"))
  await writeFile(join(root, "empty-models/model.h5"), "")
  await mkdir(join(root, "data/raw"), { recursive: true })
  await mkdir(join(root, "data/processed/2024"), { recursive: true })
  await mkdir(join(root, "data/empty"), { recursive: true })
  await writeFile(join(root, "data/raw/today.csv"), "t,p\n")
  await writeFile(join(root, "data/processed/2024/old.parquet"), "x")
  const threeHoursAgo = new Date(Date.now() - 3 * 3600 * 1000)
  await utimes(join(root, "data/processed/2024/old.parquet"), threeHoursAgo, threeHoursAgo)
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const models = (dir: string, manifest?: string) => ({
  files: { models: { dir: join(root, dir), ...(manifest === undefined ? {} : { manifest }) } },
})

describe("files.models", () => {
  it("verifies the files against a sha256sum manifest", async () => {
    const result = only(
      await runProbes(models("models", "SHA256SUMS"), { probes: ["files.models"] }),
    )
    expect(result.status).toBe("ok")
    expect(result.summary).toMatch(/: 4 files, .*, sha256 verified$/)
    expect(signalValue(result, "model.files.corrupt")).toBe(0)
    expect(signalValue(result, "model.files.missing")).toBe(0)
    expectVocabulary([result])
  })

  it("reports a file whose hash differs as corrupt", async () => {
    const result = only(await runProbes(models("models", "bad.json"), { probes: ["files.models"] }))
    expect(result.status).toBe("critical")
    expect(signalValue(result, "model.files.corrupt")).toBe(1)
    expect(result.details?.corrupt).toEqual([expect.objectContaining({ file: "model.h5" })])
  })

  it("reports a model file the manifest lists but the directory lacks", async () => {
    const result = only(
      await runProbes(models("models", "more.json"), { probes: ["files.models"] }),
    )
    expect(result.status).toBe("critical")
    expect(signalValue(result, "model.files.missing")).toBe(1)
    expect(result.summary).toContain("1 missing or empty: thresholds.json")
  })

  it("reports an empty model file as missing, without a manifest", async () => {
    const result = only(await runProbes(models("empty-models"), { probes: ["files.models"] }))
    expect(result.status).toBe("critical")
    expect(signalValue(result, "model.files.missing")).toBe(1)
  })

  it("reports a missing model directory", async () => {
    const result = only(await runProbes(models("no-such-dir"), { probes: ["files.models"] }))
    expect(result.status).toBe("critical")
    expect(signalValue(result, "model.dir.exists")).toBe(false)
  })

  it("reports an unreadable manifest as unknown, with what it could still see", async () => {
    const result = only(await runProbes(models("models", "NOPE"), { probes: ["files.models"] }))
    expect(result.status).toBe("unknown")
    expect(signalValue(result, "model.files.count")).toBe(5)
    expect(signalValue(result, "model.files.corrupt")).toBeUndefined()
  })
})

describe("files.data", () => {
  it("reports a stale processed directory as critical and a fresh raw one as ok", async () => {
    const result = only(
      await runProbes(
        {
          files: {
            data: {
              raw: join(root, "data/raw"),
              processed: join(root, "data/processed"),
              empty: join(root, "data/empty"),
              gone: join(root, "data/gone"),
            },
          },
        },
        { probes: ["files.data"] },
      ),
    )
    expect(result.status).toBe("critical")
    expect(signalValue(result, "data.raw.file_count")).toBe(1)
    expect(signalValue(result, "data.raw.newest_age_seconds") as number).toBeLessThan(60)
    expect(signalValue(result, "data.processed.newest_age_seconds") as number).toBeGreaterThan(
      3 * 3600 - 60,
    )
    expect(result.observations.find((o) => o.name === "processed.newest_age")).toMatchObject({
      warn: 1800,
      critical: 7200,
    })
    expect(signalValue(result, "data.empty.file_count")).toBe(0)
    expect(signalValue(result, "data.empty.newest_age_seconds")).toBeUndefined()
    expect(signalValue(result, "data.gone.exists")).toBe(false)
    expect(result.summary).toContain("processed: 1 file, newest 3h 0m old")
    expect(result.summary).toContain("empty: empty")
    expectVocabulary([result])
  })
})

describe("parseManifest", () => {
  it("reads sha256sum output and JSON", () => {
    const hash = "a".repeat(64)
    expect([
      ...parseManifest(`${hash}  ./model.h5\n${hash.toUpperCase()} *b.bin\n# comment`),
    ]).toEqual([
      ["model.h5", hash],
      ["b.bin", hash],
    ])
    expect([...parseManifest(JSON.stringify({ "x.pt": hash }))]).toEqual([["x.pt", hash]])
  })
})
