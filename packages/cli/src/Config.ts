/**
 * `ir.config.yaml`: where it is found, how it is read, and what it may contain.
 *
 * The file is found from the working directory upward (`ir.config.yaml`, `ir.config.yml`,
 * `ir.config.json`) unless `--config` or `$IR_CONFIG` names one; without any, the embedded
 * defaults apply. `${VAR}`, `${VAR:-default}` (default when unset or empty) and `${VAR-default}`
 * (default when unset) are replaced from the environment in every string after parsing; `$${`
 * is a literal `${`. An invalid file is a {@link ConfigError} naming the file, the line and
 * column, the path inside the document and what was expected there.
 *
 * Sections:
 * - `runbook:` overrides laid onto the default runbook (thresholds, contacts, channels, extra
 *   playbooks), or `runbook: { file: path }` for a complete runbook of your own (overrides next
 *   to `file` are laid onto it).
 * - `targets:` what the probes look at (see `@ir/diagnostics`), laid onto the embedded defaults.
 * - `notify:` the channels messages go to (`@ir/notify` channels), template overrides, timeouts.
 * - `journal:` where incidents are kept: `{ backend: file, dir }` (the default) or
 *   `{ backend: postgres, url }`.
 * - `serve:` `ir serve`'s host, port and tokens.
 * - `oncall:` where `ir oncall --pagerduty-schedule` reads PagerDuty (its REST API key).
 * - `maintenance:` maintenance windows planned ahead (id, start, end, playbooks and/or
 *   components, reason): an incident they cover is recorded but pages nobody.
 *
 * @example
 * ```ts
 * import { Config } from "@ir/cli"
 * import * as Effect from "effect/Effect"
 * const config = await Effect.runPromise(
 *   Config.load({ cwd: process.cwd(), env: process.env }),
 * )
 * config.source // { kind: "file", file: "/srv/app/ir.config.yaml" } or { kind: "defaults" }
 * ```
 */
import { existsSync, readFileSync, statSync } from "node:fs"
import { dirname, isAbsolute, join, relative, resolve } from "node:path"
import { Redaction } from "@ir/core"
import * as Effect from "effect/Effect"
import { ConfigError } from "./CliError.js"
import { interpolate, type Substitution } from "./internal/Interpolate.js"
import { redactValue } from "./internal/Redact.js"
import { type Position, parseYamlSource } from "./internal/YamlSource.js"

/** File names looked for, in order, in each directory from the working directory upward. */
export const fileNames = ["ir.config.yaml", "ir.config.yml", "ir.config.json"] as const

/** The top-level sections a configuration file may have. */
export const sections = [
  "runbook",
  "targets",
  "notify",
  "journal",
  "serve",
  "oncall",
  "maintenance",
] as const
export type Section = (typeof sections)[number]

/** Where the configuration came from. */
export type Source =
  | { readonly kind: "file"; readonly file: string; readonly via: "option" | "env" | "search" }
  | { readonly kind: "defaults" }

/** A configuration file, read, interpolated and checked for its overall shape. */
export interface Config {
  readonly source: Source
  /** The file's directory (relative paths inside it resolve from here), or the working directory. */
  readonly baseDir: string
  /** The document after `${VAR}` interpolation (secrets included: never print it as is). */
  readonly document: Readonly<Partial<Record<Section, unknown>>>
  /** Dotted paths of values taken from secret-looking environment variables. */
  readonly secretPaths: ReadonlySet<string>
  /**
   * Unset `${VAR}`s of notification channels (`notify.channels.N…`): only the commands that send
   * need a channel's secrets, so a missing one is an error there (`resolveNotify`), not for
   * `ir incident list`.
   */
  readonly unsetChannelVariables?: ReadonlyArray<{
    readonly variable: string
    readonly path: ReadonlyArray<string | number>
  }>
  /**
   * Unset `${VAR}`s of the `oncall:` section: only `ir oncall --pagerduty-schedule` needs the
   * PagerDuty token, so a missing one is an error there (`resolveOnCall`), not everywhere.
   */
  readonly unsetOnCallVariables?: ReadonlyArray<{
    readonly variable: string
    readonly path: ReadonlyArray<string | number>
  }>
  /** Every value that took a variable's content: errors name the variable, never the value. */
  readonly substitutions?: ReadonlyArray<Substitution>
  /** The line and column of a path inside the file. */
  readonly locate: (path: ReadonlyArray<string | number>) => Position | undefined
}

/** What {@link load} needs from the process. */
export interface LoadOptions {
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** `--config`: an explicit file, which must exist. */
  readonly path?: string
}

/** The configuration file a run would use, or `undefined` for the embedded defaults.
 *
 * @example
 * ```ts
 * import { Config } from "@ir/cli"
 * Config.find({ cwd: "/srv/app/deploy", env: {} })
 * // { file: "/srv/app/ir.config.yaml", via: "search" }, or undefined for the embedded defaults
 * ```
 */
export const find = (
  options: LoadOptions,
): { readonly file: string; readonly via: "option" | "env" | "search" } | undefined => {
  if (options.path !== undefined) return { file: resolve(options.cwd, options.path), via: "option" }
  const fromEnv = options.env.IR_CONFIG
  if (fromEnv !== undefined && fromEnv !== "") {
    return { file: resolve(options.cwd, fromEnv), via: "env" }
  }
  let directory = resolve(options.cwd)
  for (;;) {
    for (const name of fileNames) {
      const candidate = join(directory, name)
      if (existsSync(candidate) && statSync(candidate).isFile()) {
        return { file: candidate, via: "search" }
      }
    }
    const parent = dirname(directory)
    if (parent === directory) return undefined
    directory = parent
  }
}

/** A file name as the user would recognise it: relative to the working directory when inside it.
 *
 * @example
 * ```ts
 * import { Config } from "@ir/cli"
 * Config.displayPath("/srv/app/ir.config.yaml", "/srv/app") // "ir.config.yaml"
 * ```
 */
export const displayPath = (file: string, cwd: string): string => {
  const relativePath = relative(cwd, file)
  return relativePath !== "" && !relativePath.startsWith("..") && !isAbsolute(relativePath)
    ? relativePath
    : file
}

const describe = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "a list"
      : typeof value === "object"
        ? "a mapping"
        : typeof value === "string"
          ? `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
          : `${typeof value} ${String(value)}`

/** Describes an unexpected value for error messages: `got a list`, `got the string "x"`.
 *
 * @example
 * ```ts
 * import { Config } from "@ir/cli"
 * Config.describeValue([1, 2]) // "a list"
 * ```
 */
export const describeValue = describe

/**
 * Whether a configuration value is a mapping (a YAML object, not a list or a scalar): the check
 * every section reader starts with.
 *
 * @example
 * ```ts
 * import { Config } from "@ir/cli"
 * Config.isMapping({ port: 9111 }) // true
 * ```
 */
export const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/**
 * Reads and checks a configuration file. A syntax error, an unknown section or a `${VAR}` that is
 * not set (and has no default) is a {@link ConfigError}; the sections' contents are checked by
 * the commands that use them (`runbook` by every command, `targets` by the probing commands).
 *
 * @example
 * ```ts
 * import { Config } from "@ir/cli"
 * import * as Effect from "effect/Effect"
 * const config = await Effect.runPromise(
 *   Config.parse("targets:\n  prometheus: false\n", {
 *     file: "/srv/app/ir.config.yaml", displayName: "ir.config.yaml", env: process.env, via: "option",
 *   }),
 * )
 * ```
 */
export const parse = (
  text: string,
  options: {
    readonly file: string
    readonly displayName: string
    readonly env: Readonly<Record<string, string | undefined>>
    readonly via: "option" | "env" | "search"
  },
): Effect.Effect<Config, ConfigError> =>
  Effect.suspend(() => {
    const parsed = parseYamlSource(text)
    if (!parsed.ok) {
      return Effect.fail(
        new ConfigError({
          reason: "syntax",
          file: options.displayName,
          ...(parsed.error.position ?? {}),
          expected: `not valid YAML or JSON: ${parsed.error.message}`,
        }),
      )
    }
    const { source } = parsed
    const at = (path: ReadonlyArray<string | number>) => {
      const position = source.locate(path)
      return {
        file: options.displayName,
        path: path.join("."),
        ...(position === undefined ? {} : { line: position.line, column: position.column }),
      }
    }
    const raw = source.value ?? {}
    if (typeof raw !== "object" || Array.isArray(raw)) {
      return Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...at([]),
          expected: `expected a mapping with the sections ${sections.join(", ")}, got ${describe(raw)}`,
        }),
      )
    }
    for (const key of Object.keys(raw)) {
      if (!(sections as ReadonlyArray<string>).includes(key)) {
        return Effect.fail(
          new ConfigError({
            reason: "invalid",
            ...at([key]),
            expected: `unknown section "${key}": expected one of ${sections.join(", ")}`,
          }),
        )
      }
    }
    const interpolated = interpolate(raw, options.env)
    const inChannel = (path: ReadonlyArray<string | number>) =>
      path[0] === "notify" && path[1] === "channels" && typeof path[2] === "number"
    const inOnCall = (path: ReadonlyArray<string | number>) => path[0] === "oncall"
    const missing = interpolated.missing.find(
      (entry) => !inChannel(entry.path) && !inOnCall(entry.path),
    )
    const unsetChannelVariables = interpolated.missing.filter((entry) => inChannel(entry.path))
    const unsetOnCallVariables = interpolated.missing.filter((entry) => inOnCall(entry.path))
    if (missing !== undefined) {
      return Effect.fail(
        new ConfigError({
          reason: "missing-variable",
          ...at(missing.path),
          expected: `the environment variable ${missing.variable} is not set (write \${${missing.variable}:-default} to give a default)`,
        }),
      )
    }
    return Effect.succeed({
      source: { kind: "file" as const, file: options.file, via: options.via },
      baseDir: dirname(options.file),
      document: interpolated.value as Config["document"],
      secretPaths: interpolated.secretPaths,
      ...(interpolated.substitutions.length === 0
        ? {}
        : { substitutions: interpolated.substitutions }),
      ...(unsetChannelVariables.length === 0 ? {} : { unsetChannelVariables }),
      ...(unsetOnCallVariables.length === 0 ? {} : { unsetOnCallVariables }),
      locate: source.locate,
    })
  })

/**
 * Finds and reads the configuration. Without a file anywhere, the embedded defaults apply (an
 * empty document); an explicit `--config` or `$IR_CONFIG` that does not exist is an error.
 *
 * @example
 * ```ts
 * import { Config } from "@ir/cli"
 * import * as Effect from "effect/Effect"
 * const config = await Effect.runPromise(
 *   Config.load({ cwd: process.cwd(), env: process.env, path: "ops/ir.config.yaml" }),
 * )
 * ```
 */
export const load = (options: LoadOptions): Effect.Effect<Config, ConfigError> =>
  Effect.suspend(() => {
    const found = find(options)
    if (found === undefined) {
      return Effect.succeed<Config>({
        source: { kind: "defaults" },
        baseDir: options.cwd,
        document: {},
        secretPaths: new Set(),
        locate: () => undefined,
      })
    }
    const displayName = displayPath(found.file, options.cwd)
    let text: string
    try {
      text = readFileSync(found.file, "utf8")
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code
      const named = found.via === "env" ? " (from $IR_CONFIG)" : ""
      return Effect.fail(
        new ConfigError({
          reason: code === "ENOENT" ? "not-found" : "unreadable",
          file: displayName,
          expected:
            code === "ENOENT"
              ? `no such file${named}; run \`ir config init\` to write one`
              : code === "EISDIR"
                ? `is a directory${named}; expected a YAML or JSON file`
                : `cannot be read${named}: ${(cause as Error).message}`,
          cause,
        }),
      )
    }
    return parse(text, { file: found.file, displayName, env: options.env, via: found.via })
  })

/** The configuration's document with every secret replaced by `***`.
 *
 * @example
 * ```ts
 * import { Config } from "@ir/cli"
 * import * as Effect from "effect/Effect"
 * const config = await Effect.runPromise(Config.load({ cwd: process.cwd(), env: process.env }))
 * console.log(JSON.stringify(Config.redacted(config))) // passwords and tokens as "***"
 * ```
 */
export const redacted = (config: Config): unknown =>
  redactValue(config.document, config.secretPaths)

/**
 * What an error about `path` may say of the values that came from variables: a value at the path
 * (or inside it) is named by its variable (`actual (the value of ${SMTP_PASSWORD})`, or the
 * variable added after a message that does not show the value), and every
 * other variable's content is masked wherever it appears, so that no error repeats what the
 * environment holds (a secret put into the wrong field, a digits-only password).
 */
const concealerFor = (
  config: Config,
  path: ReadonlyArray<string | number>,
): ((text: string) => string) | undefined => {
  const substitutions = config.substitutions ?? []
  if (substitutions.length === 0) return undefined
  const prefix = path.join(".")
  const inside = substitutions.filter((substitution) => {
    const at = substitution.path.join(".")
    return prefix === "" || at === prefix || at.startsWith(`${prefix}.`)
  })
  const literals = substitutions.flatMap(({ value }) => {
    const text = String(value)
    const quoted = JSON.stringify(text).slice(1, -1)
    // `describeValue` shows a long string's first 40 characters.
    return [text, quoted, ...(text.length > 40 ? [text.slice(0, 40)] : [])]
  })
  const scrub = Redaction.makeScrubber(literals)
  return (text) => {
    let result = text
    for (const substitution of inside) {
      const { value, variables } = substitution
      const named = `the value of ${variables.map((name) => `\${${name}}`).join(" and ")}`
      for (const shown of [describe(value), JSON.stringify(value), String(value)]) {
        result = result
          .split(`got ${shown}`)
          .join(`got ${named}`)
          .split(`actual ${shown}`)
          .join(`actual (${named})`)
      }
      // Said of this very value: which variable to look at, even where nothing was repeated.
      if (substitution.path.join(".") === prefix && !result.includes(named))
        result = `${result} (${named})`
    }
    return scrub(result)
  }
}

/** The location fields of a {@link ConfigError} for a path inside the configuration.
 *
 * @example
 * ```ts
 * import { Config, ConfigError } from "@ir/cli"
 * import * as Effect from "effect/Effect"
 * const config = await Effect.runPromise(Config.load({ cwd: process.cwd(), env: process.env }))
 * new ConfigError({ reason: "invalid", ...Config.problemAt(config, ["targets", "postgres"], process.cwd()), expected: "a mapping" })
 * ```
 */
export const problemAt = (
  config: Config,
  path: ReadonlyArray<string | number>,
  cwd: string,
): {
  readonly file: string
  readonly path: string
  readonly line?: number
  readonly column?: number
  readonly conceal?: (text: string) => string
} => {
  const position = config.locate(path)
  const file =
    config.source.kind === "file" ? displayPath(config.source.file, cwd) : "(embedded defaults)"
  const conceal = concealerFor(config, path)
  return {
    file,
    path: path.join("."),
    ...(position === undefined ? {} : { line: position.line, column: position.column }),
    ...(conceal === undefined ? {} : { conceal }),
  }
}
