import { isAbsolute, resolve } from "node:path"
import {
  type DiagnosticsConfig,
  decodeDiagnosticsConfigEither,
  defaultDiagnosticsConfig,
  mergeDiagnosticsConfig,
} from "@ir/diagnostics"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { ConfigError } from "../CliError.js"
import { type Config, describeValue, isMapping, problemAt } from "../Config.js"

type Path = ReadonlyArray<string>

/**
 * `false` (or `null`) turns a default target off: `prometheus: false` when there is no
 * Prometheus. Returns the document without those keys and the paths that were turned off.
 */
const splitDisabled = (
  value: Record<string, unknown>,
  path: Path = [],
): { readonly enabled: Record<string, unknown>; readonly disabled: ReadonlyArray<Path> } => {
  const enabled: Record<string, unknown> = {}
  const disabled: Array<Path> = []
  for (const [key, item] of Object.entries(value)) {
    if (item === false || item === null) {
      disabled.push([...path, key])
    } else if (isMapping(item)) {
      const nested = splitDisabled(item, [...path, key])
      enabled[key] = nested.enabled
      disabled.push(...nested.disabled)
    } else {
      enabled[key] = item
    }
  }
  return { enabled, disabled }
}

const without = (value: unknown, path: Path): unknown => {
  const [head, ...rest] = path
  if (head === undefined || !isMapping(value) || !(head in value)) return value
  if (rest.length === 0) {
    const { [head]: _removed, ...others } = value
    return others
  }
  return { ...value, [head]: without(value[head], rest) }
}

/** Relative paths in the file are relative to the file, not to wherever `ir` runs. */
const resolvePaths = (config: DiagnosticsConfig, baseDir: string): DiagnosticsConfig => {
  const at = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path))
  const files = config.files
  const models = files?.models
  const data = files?.data
  const backups = files?.backups
  const postgresBackups = config.postgres?.backups
  const pgRestore = postgresBackups?.restoreCheck?.pgRestore
  return {
    ...config,
    ...(config.postgres === undefined || postgresBackups === undefined
      ? {}
      : {
          postgres: {
            ...config.postgres,
            backups: {
              ...postgresBackups,
              ...(postgresBackups.dir === undefined ? {} : { dir: at(postgresBackups.dir) }),
              ...(pgRestore === undefined || !pgRestore.includes("/")
                ? {}
                : // A bare program name is looked up on PATH; a path is relative to the file.
                  { restoreCheck: { ...postgresBackups.restoreCheck, pgRestore: at(pgRestore) } }),
            },
          },
        }),
    ...(files === undefined
      ? {}
      : {
          files: {
            ...files,
            ...(models === undefined ? {} : { models: { ...models, dir: at(models.dir) } }),
            ...(data === undefined
              ? {}
              : {
                  data: Object.fromEntries(
                    Object.entries(data).map(([name, dir]) => [name, at(dir)]),
                  ),
                }),
            ...(backups === undefined
              ? {}
              : {
                  backups: Object.fromEntries(
                    Object.entries(backups).map(([name, entry]) => [
                      name,
                      typeof entry === "string" ? at(entry) : { ...entry, dir: at(entry.dir) },
                    ]),
                  ),
                }),
          },
        }),
    ...(config.docker?.socket === undefined
      ? {}
      : { docker: { ...config.docker, socket: at(config.docker.socket) } }),
  }
}

/**
 * The probes' targets: the embedded defaults (seed ports, `DATABASE_URL`/`PG*`, `DOCKER_HOST`,
 * `saved_models/` and `data/` next to the configuration file) with the file's `targets:` laid on
 * top. Problems point at the line in the file.
 */
export const resolveTargets = (
  config: Config,
  io: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
): Effect.Effect<DiagnosticsConfig, ConfigError> =>
  Effect.suspend(() => {
    const defaults = defaultDiagnosticsConfig({ env: io.env, cwd: config.baseDir })
    const section = config.document.targets
    if (section === undefined || section === null) return Effect.succeed(defaults)
    if (!isMapping(section)) {
      return Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["targets"], io.cwd),
          expected: `expected a mapping of probe targets (http, prometheus, postgres, docker, host, files, timeouts, thresholds), got ${describeValue(section)}`,
        }),
      )
    }
    const { enabled, disabled } = splitDisabled(section)
    const decoded = decodeDiagnosticsConfigEither(enabled)
    if (Either.isLeft(decoded)) {
      const issues = decoded.left.issues
      const [first] = issues
      const path = first?.path === undefined || first.path === "" ? [] : first.path.split(".")
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more problems)` : ""
      return Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["targets", ...path], io.cwd),
          expected: `${first?.message ?? "invalid targets"}${more}`,
          cause: decoded.left,
        }),
      )
    }
    const merged = mergeDiagnosticsConfig(defaults, resolvePaths(decoded.right, config.baseDir))
    return Effect.succeed(
      disabled.reduce<unknown>(
        (current, path) => without(current, path),
        merged,
      ) as DiagnosticsConfig,
    )
  })
