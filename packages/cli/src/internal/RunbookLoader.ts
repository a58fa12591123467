import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { decodeRunbook, defaultRunbook, mergeRunbook, type Runbook } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { ConfigError } from "../CliError.js"
import { type Config, describeValue, displayPath, problemAt } from "../Config.js"
import { parseYamlSource, type YamlSource } from "./YamlSource.js"

/** Where the effective runbook came from. */
export type RunbookOrigin =
  | { readonly kind: "default" }
  | { readonly kind: "overrides"; readonly file: string }
  | { readonly kind: "file"; readonly file: string; readonly overridden: boolean }

/** The runbook a command works with, and where it came from. */
export interface EffectiveRunbook {
  readonly runbook: Runbook
  readonly origin: RunbookOrigin
}

/**
 * Turns a path as `@ir/core` reports it (`playbooks[2].symptoms[0].when.op`, or
 * `thresholds["api.error_ratio"].critical`) into segments.
 */
export const parseIssuePath = (path: string): ReadonlyArray<string | number> => {
  if (path === "(document)" || path === "") return []
  const segments: Array<string | number> = []
  const pattern = /([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(match[1])
    else if (match[2] !== undefined) segments.push(Number(match[2]))
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string)
  }
  return segments
}

/** One problem of a runbook document, located. */
export interface RunbookProblem {
  readonly file: string
  readonly path: string
  readonly line?: number
  readonly column?: number
  readonly message: string
  /** Names the variables of values that came from the environment (see `Config.problemAt`). */
  readonly conceal?: (text: string) => string
}

/** A readable runbook file, parsed with positions. */
export const readRunbookSource = (
  file: string,
  display: string,
): Either.Either<YamlSource, ConfigError> => {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    return Either.left(
      new ConfigError({
        reason: code === "ENOENT" ? "not-found" : "unreadable",
        file: display,
        expected:
          code === "ENOENT" ? "no such file" : `cannot be read: ${(cause as Error).message}`,
        cause,
      }),
    )
  }
  const parsed = parseYamlSource(text)
  if (!parsed.ok) {
    return Either.left(
      new ConfigError({
        reason: "syntax",
        file: display,
        ...(parsed.error.position ?? {}),
        expected: `not valid YAML or JSON: ${parsed.error.message}`,
      }),
    )
  }
  return Either.right(parsed.source)
}

/** Every problem of a runbook document, with the line each is on. */
export const validateRunbookDocument = (
  source: YamlSource,
  display: string,
): Either.Either<Runbook, ReadonlyArray<RunbookProblem>> =>
  Either.mapLeft(decodeRunbook(source.value, { file: display }), (error) =>
    error.issues.map((issue) => {
      const position = source.locate(parseIssuePath(issue.path))
      return {
        file: display,
        path: issue.path,
        ...(position === undefined ? {} : { line: position.line, column: position.column }),
        message: issue.message,
      }
    }),
  )

const firstProblem = (
  problems: ReadonlyArray<RunbookProblem>,
  reason: ConfigError["reason"],
): ConfigError => {
  const [first] = problems
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ""
  return new ConfigError({
    reason,
    file: first?.file ?? "",
    path: first?.path ?? "",
    ...(first?.line === undefined ? {} : { line: first.line }),
    ...(first?.column === undefined ? {} : { column: first.column }),
    ...(first?.conceal === undefined ? {} : { conceal: first.conceal }),
    expected: `${first?.message ?? "invalid runbook"}${more}`,
  })
}

/**
 * The effective runbook: the default one, the default with the configuration's overrides, or the
 * file `runbook.file` names (with any overrides next to `file` laid on top). Every problem is a
 * {@link ConfigError} pointing into the file that has it.
 */
export const resolveRunbook = (
  config: Config,
  cwd: string,
): Effect.Effect<EffectiveRunbook, ConfigError> =>
  Effect.suspend(() => {
    const section = config.document.runbook
    if (section === undefined || section === null) {
      return Effect.succeed({ runbook: defaultRunbook, origin: { kind: "default" as const } })
    }
    if (typeof section !== "object" || Array.isArray(section)) {
      return Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["runbook"], cwd),
          expected: `expected a mapping (overrides of the default runbook, or { file: path }), got ${describeValue(section)}`,
        }),
      )
    }
    const configFile = problemAt(config, [], cwd).file
    const { file, ...overrides } = section as Record<string, unknown>
    const overridesOnto = (
      base: Runbook,
      origin: RunbookOrigin,
    ): Effect.Effect<EffectiveRunbook, ConfigError> => {
      if (Object.keys(overrides).length === 0) return Effect.succeed({ runbook: base, origin })
      const merged = mergeRunbook(base, overrides, { file: configFile })
      if (Either.isRight(merged)) return Effect.succeed({ runbook: merged.right, origin })
      const problems = merged.left.issues.map((issue) => {
        const path = ["runbook", ...parseIssuePath(issue.path)]
        const at = problemAt(config, path, cwd)
        return { ...at, message: issue.message }
      })
      return Effect.fail(firstProblem(problems, "invalid"))
    }
    if (file === undefined) {
      return overridesOnto(defaultRunbook, { kind: "overrides", file: configFile })
    }
    if (typeof file !== "string" || file === "") {
      return Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["runbook", "file"], cwd),
          expected: `expected the path of a runbook file (YAML or JSON), got ${describeValue(file)}`,
        }),
      )
    }
    const path = resolve(config.baseDir, file)
    const display = displayPath(path, cwd)
    const source = readRunbookSource(path, display)
    if (Either.isLeft(source)) {
      const error = source.left
      return Effect.fail(
        error.reason === "not-found"
          ? new ConfigError({
              reason: "runbook-file",
              ...problemAt(config, ["runbook", "file"], cwd),
              expected: `the runbook file ${display} does not exist`,
            })
          : error,
      )
    }
    const decoded = validateRunbookDocument(source.right, display)
    if (Either.isLeft(decoded)) return Effect.fail(firstProblem(decoded.left, "runbook-file"))
    return overridesOnto(decoded.right, {
      kind: "file",
      file: display,
      overridden: Object.keys(overrides).length > 0,
    })
  })
