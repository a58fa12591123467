/**
 * The file probes: the model artifacts (`ls -la saved_models/`, `du -sh saved_models/*`, with an
 * optional sha256 manifest for integrity) and the data directories (`ls -la data/raw/
 * data/processed/`: how many files, how old the newest).
 *
 * @example
 * ```ts
 * import { runProbes } from "@ir/diagnostics"
 * const run = await runProbes(
 *   { files: { models: { dir: "saved_models", manifest: "SHA256SUMS" }, data: { processed: "data/processed" } } },
 *   { probes: ["files.models", "files.data"] },
 * )
 * ```
 */
import { createReadStream, promises as fs } from "node:fs"
import { isAbsolute, join, relative, sep } from "node:path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { promised } from "./internal/Cancellation.js"
import { type FileEntry, walk } from "./internal/DirectoryWalk.js"
import { failureOf, type ProbeFailure } from "./internal/ProbeFailure.js"
import {
  formatBytes,
  formatSeconds,
  graded,
  levelsOf,
  type ProbeImplementation,
  type ProbeReport,
  precise,
  type SignalEntry,
  signal,
} from "./internal/ProbeKit.js"
import { type Measurement, type ProbeStatus, worstStatus } from "./ProbeResult.js"

/**
 * Parses a sha256 manifest: `sha256sum` lines (`<hex>  <file>`, `<hex> *<file>`) or JSON `{ file: hex }`.
 *
 * @example
 * ```ts
 * parseManifest(`${"a".repeat(64)}  model.h5`).get("model.h5") // "aaaa…"
 * ```
 */
export const parseManifest = (text: string): ReadonlyMap<string, string> => {
  const entries = new Map<string, string>()
  const trimmed = text.trim()
  if (trimmed.startsWith("{")) {
    const json = JSON.parse(trimmed) as Record<string, unknown>
    for (const [file, hash] of Object.entries(json))
      if (typeof hash === "string") entries.set(file.replace(/^\.\//, ""), hash.toLowerCase())
    return entries
  }
  for (const line of trimmed.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line.trim())
    if (match !== null) entries.set(match[2]!.replace(/^\.\//, ""), match[1]!.toLowerCase())
  }
  return entries
}

/**
 * node:crypto and node:stream/promises load when a checksum is first computed: together about
 * 8 ms of the start-up of every `ir check` that computes none.
 */
const sha256 = async (path: string, signal: AbortSignal): Promise<string> => {
  const [{ createHash }, { pipeline }] = await Promise.all([
    import("node:crypto"),
    import("node:stream/promises"),
  ])
  const hash = createHash("sha256")
  await pipeline(createReadStream(path), hash, { signal })
  return hash.digest("hex")
}

const unknownOf = (failure: ProbeFailure): ProbeReport => ({
  status: "unknown",
  summary: failure.message,
  cause: { reason: failure.reason, message: failure.message },
})

const errorCode = (error: unknown) => (error as { code?: unknown } | undefined)?.code

/**
 * `files.models`: the model directory, its files, and their integrity.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["files.models"] })
 * ```
 */
export const modelsProbe: ProbeImplementation = {
  id: "files.models",
  target: (config) => config.files?.models?.dir,
  requires: "files.models.dir",
  options: [
    {
      path: "files.models.dir",
      description: "The model directory.",
      default: "saved_models/ under the working directory",
    },
    {
      path: "files.models.manifest",
      description:
        "A sha256 manifest (`sha256sum` output or JSON `{ file: hex }`), relative to the directory unless absolute: every listed file must exist, be non-empty and match.",
    },
  ],
  measurements: [
    { name: "files", description: "Model files (recursively)." },
    { name: "total_size", unit: "B", description: "Their total size." },
    {
      name: "missing",
      description: "Listed files missing or empty (without a manifest: empty files).",
    },
    { name: "corrupt", description: "Files whose sha256 differs from the manifest." },
  ],
  thresholds: [],
  unknownWhen: "the directory cannot be read (permission) or the manifest cannot be read or parsed",
  run: (context) =>
    Effect.gen(function* () {
      const models = context.config.files!.models!
      const dir = models.dir
      const dirStats = yield* Effect.tryPromise({
        try: () => fs.stat(dir),
        catch: (error) => failureOf(error, `model directory ${dir}`, "permission"),
      }).pipe(Effect.either)
      if (dirStats._tag === "Left" || !dirStats.right.isDirectory()) {
        if (dirStats._tag === "Left" && errorCode(dirStats.left.cause) !== "ENOENT")
          return unknownOf(dirStats.left)
        return {
          status: "critical",
          summary: `model directory ${dir} does not exist${dirStats._tag === "Right" ? " (not a directory)" : ""}`,
          signals: [
            signal("model.dir.exists", false),
            signal("model.files.count", 0),
            signal("model.files.missing", 0),
            signal("model.files.corrupt", 0),
            signal("model.files.total_bytes", 0),
          ],
        } satisfies ProbeReport
      }
      const listing = yield* promised(
        (cancellation) => walk(dir, cancellation),
        (error) => failureOf(error, `reading model directory ${dir}`, "permission"),
      )
      const manifestPath =
        models.manifest === undefined
          ? undefined
          : isAbsolute(models.manifest)
            ? models.manifest
            : join(dir, models.manifest)
      const manifestRelative =
        manifestPath === undefined ? undefined : relative(dir, manifestPath).split(sep).join("/")
      const files = listing.files.filter((file) => file.path !== manifestRelative)
      const totalBytes = files.reduce((sum, file) => sum + file.size, 0)
      const byPath = new Map(files.map((file) => [file.path, file]))
      const empty = files.filter((file) => file.size === 0).map((file) => file.path)
      let missing: Array<string> = empty
      const corrupt: Array<{ file: string; expected: string; actual: string }> = []
      let manifestProblem: ProbeFailure | undefined
      if (manifestPath !== undefined) {
        const manifest = yield* Effect.tryPromise({
          try: async () => parseManifest(await fs.readFile(manifestPath, "utf8")),
          catch: (error) => failureOf(error, `manifest ${manifestPath}`, "bad-response"),
        }).pipe(Effect.either)
        if (manifest._tag === "Left") manifestProblem = manifest.left
        else {
          missing = [...manifest.right.keys()].filter((file) => (byPath.get(file)?.size ?? 0) === 0)
          const toCheck = [...manifest.right.entries()].filter(
            ([file]) => (byPath.get(file)?.size ?? 0) > 0,
          )
          const hashes = yield* Effect.forEach(
            toCheck,
            ([file, expected]) =>
              Effect.tryPromise({
                try: (abort) => sha256(join(dir, file), abort),
                catch: (error) => failureOf(error, `hashing ${file}`, "permission"),
              }).pipe(Effect.map((actual) => ({ file, expected, actual }))),
            { concurrency: 2 },
          )
          for (const hash of hashes) if (hash.actual !== hash.expected) corrupt.push(hash)
        }
      }
      const signals: Array<SignalEntry> = [
        signal("model.dir.exists", true),
        signal("model.files.count", files.length),
        signal("model.files.missing", missing.length),
        signal("model.files.total_bytes", totalBytes),
      ]
      if (manifestPath === undefined || manifestProblem === undefined)
        signals.push(signal("model.files.corrupt", corrupt.length))
      const statuses: Array<ProbeStatus> = []
      const problems: Array<string> = []
      const flag = (status: ProbeStatus, problem: string) => {
        statuses.push(status)
        problems.push(problem)
      }
      if (files.length === 0) flag("critical", "no model files")
      if (missing.length > 0)
        flag("critical", `${missing.length} missing or empty: ${missing.slice(0, 5).join(", ")}`)
      if (corrupt.length > 0)
        flag(
          "critical",
          `${corrupt.length} fail sha256: ${corrupt
            .slice(0, 5)
            .map((entry) => entry.file)
            .join(", ")}`,
        )
      if (manifestProblem !== undefined) flag("unknown", manifestProblem.message)
      const verified =
        manifestPath !== undefined && manifestProblem === undefined ? ", sha256 verified" : ""
      return {
        status: worstStatus(statuses),
        summary: `${dir}: ${files.length} file${files.length === 1 ? "" : "s"}, ${formatBytes(totalBytes)}${
          problems.length > 0 ? `; ${problems.join("; ")}` : verified
        }`,
        observations: [
          { name: "files", value: files.length, min: 0 },
          { name: "total_size", value: totalBytes, unit: "B", min: 0 },
          { name: "missing", value: missing.length, min: 0 },
          { name: "corrupt", value: corrupt.length, min: 0 },
        ],
        signals,
        ...(manifestProblem === undefined
          ? {}
          : { cause: { reason: manifestProblem.reason, message: manifestProblem.message } }),
        details: {
          dir,
          files: files.slice(0, 200).map((file) => ({
            path: file.path,
            size: file.size,
            modified: new Date(file.modifiedMs).toISOString(),
          })),
          ...(listing.truncated || files.length > 200 ? { truncated: true } : {}),
          ...(missing.length > 0 ? { missing } : {}),
          ...(corrupt.length > 0 ? { corrupt } : {}),
        },
      } satisfies ProbeReport
    }),
}

/** A data directory's name as it appears inside a signal key. */
const dirKey = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, "_")

/**
 * `files.data`: each data directory's file count and the age of its newest file.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["files.data"] })
 * ```
 */
export const dataProbe: ProbeImplementation = {
  id: "files.data",
  target: (config) => {
    const dirs = Object.values(config.files?.data ?? {})
    return dirs.length === 0 ? undefined : dirs.join(", ")
  },
  requires: "files.data (at least one directory)",
  options: [
    {
      path: "files.data",
      description:
        "Data directories by name; the name is the `<dir>` of the signals and of the threshold `data.<dir>.age_seconds`.",
      default: "{ raw: data/raw, processed: data/processed } under the working directory",
    },
  ],
  measurements: [
    { name: "<dir>.files", description: "Files in the directory (recursively)." },
    {
      name: "<dir>.newest_age",
      unit: "s",
      description: "Age of the newest file.",
      threshold: "data.<dir>.age_seconds (data.processed.age_seconds by default)",
    },
  ],
  thresholds: ["data.processed.age_seconds"],
  unknownWhen: "a directory cannot be read (permission)",
  run: (context) =>
    Effect.gen(function* () {
      const dirs = Object.entries(context.config.files?.data ?? {})
      const now = context.now().getTime()
      // Every directory at once in one promise: a fiber per directory costs more than listing a
      // small one.
      const results = yield* promised(
        (cancellation) =>
          Promise.all(
            dirs.map(([name, path]) =>
              walk(path, cancellation).then(
                (listing) => ({ name, path, listing: Either.right(listing) }),
                (error: unknown) => ({
                  name,
                  path,
                  listing: Either.left(failureOf(error, `data directory ${path}`, "permission")),
                }),
              ),
            ),
          ),
        (error) => failureOf(error, "data directories"),
      )
      const statuses: Array<ProbeStatus> = []
      const observations: Array<Measurement> = []
      const signals: Array<SignalEntry> = []
      const parts: Array<string> = []
      const details: Record<string, unknown> = {}
      let cause: ProbeReport["cause"]
      for (const { name, path, listing } of results) {
        const key = dirKey(name)
        if (listing._tag === "Left") {
          const missing =
            errorCode(listing.left.cause) === "ENOENT" ||
            errorCode(listing.left.cause) === "ENOTDIR"
          signals.push(signal(`data.${key}.exists`, false))
          statuses.push(missing ? "critical" : "unknown")
          parts.push(missing ? `${name} (${path}) does not exist` : listing.left.message)
          if (!missing) cause ??= { reason: listing.left.reason, message: listing.left.message }
          details[name] = { path, exists: false }
          continue
        }
        const files = listing.right.files
        const newest = files.reduce<FileEntry | undefined>(
          (best, file) => (best === undefined || file.modifiedMs > best.modifiedMs ? file : best),
          undefined,
        )
        signals.push(
          signal(`data.${key}.exists`, true),
          signal(`data.${key}.file_count`, files.length),
        )
        observations.push({ name: `${key}.files`, value: files.length, min: 0 })
        details[name] = {
          path,
          exists: true,
          files: files.length,
          ...(listing.right.truncated ? { truncated: true } : {}),
          ...(newest === undefined
            ? {}
            : { newest: newest.path, newestModified: new Date(newest.modifiedMs).toISOString() }),
        }
        if (newest === undefined) {
          // No file is no data, which is not "fresh": it cannot be graded by age.
          statuses.push("warn")
          parts.push(`${name}: empty`)
          continue
        }
        const age = Math.max(0, (now - newest.modifiedMs) / 1000)
        const thresholdName = `data.${key}.age_seconds`
        const levels = levelsOf(context, thresholdName)
        const measurement = { name: `${key}.newest_age`, value: precise(age, 3), unit: "s", min: 0 }
        const grade =
          levels.warn === undefined && levels.critical === undefined
            ? { status: "ok" as const, measurement }
            : graded(context, thresholdName, measurement)
        statuses.push(grade.status)
        observations.push(grade.measurement)
        signals.push(signal(`data.${key}.newest_age_seconds`, grade.measurement.value))
        parts.push(
          `${name}: ${files.length} file${files.length === 1 ? "" : "s"}, newest ${formatSeconds(age)} old`,
        )
      }
      return {
        status: worstStatus(statuses),
        summary: parts.join("; "),
        observations,
        signals,
        ...(cause === undefined ? {} : { cause }),
        details,
      } satisfies ProbeReport
    }),
}
