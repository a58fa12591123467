/**
 * Where the probes look: the application's HTTP endpoints, Prometheus, PostgreSQL, Docker, the
 * host and the files. Every section is optional; a probe whose section is missing is skipped as
 * "not configured". Decodable from YAML- or JSON-parsed input.
 *
 * @example
 * ```ts
 * import { DiagnosticsConfig, decodeDiagnosticsConfig } from "@ir/diagnostics"
 * const config = decodeDiagnosticsConfig({
 *   http: { health: { url: "http://localhost:8000/health", timeout: "2s" } },
 *   postgres: { url: "postgres://app:secret@localhost:5432/anomaly_db" },
 *   docker: { containers: { app: "app", worker: { label: "com.example.role=worker" } } },
 * })
 * ```
 */
import { existsSync } from "node:fs"
import { isAbsolute, join } from "node:path"
import { Duration, SchemaIssues } from "@ir/core"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { redactText, secretsOfUrl } from "./internal/Redaction.js"
import { ProbeId } from "./ProbeResult.js"
import { Overrides } from "./ThresholdSetting.js"

const Url = Schema.String.pipe(
  Schema.filter((text) => URL.canParse(text), {
    message: () => "expected an absolute URL such as http://localhost:8000/health",
  }),
)

/**
 * A duration as runbook authors write it, the form of `@ir/core`'s `Duration`: a number and a unit
 * `ms`, `s`, `m`, `h` or `d` (`"200ms"`, `"0.5s"`, `"5s"`, `"2m"`, `"1h"`).
 *
 * @example
 * ```ts
 * import { DurationText } from "@ir/diagnostics"
 * import * as Schema from "effect/Schema"
 * Schema.is(DurationText)("0.5s") // true
 * ```
 */
export const DurationText = Schema.String.pipe(
  Schema.pattern(/^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/, {
    message: () => 'expected a duration such as "0.5s", "5s", "2m", "1h" or "200ms"',
  }),
)
const DurationString = DurationText

/** Request headers; values are secrets (tokens) and stay redacted. */
const Headers = Schema.Record({ key: Schema.String, value: Schema.Redacted(Schema.String) })

/**
 * An HTTP endpoint probe: `http.health`, `http.dataSource`.
 *
 * @example
 * ```ts
 * const health: HttpEndpoint = { url: "http://localhost:8000/health", timeout: "2s" }
 * ```
 */
export const HttpEndpoint = Schema.Struct({
  url: Url,
  /** This endpoint's timeout; overrides `timeouts`. */
  timeout: Schema.optional(DurationString),
  headers: Schema.optional(Headers),
})
export type HttpEndpoint = typeof HttpEndpoint.Type

/**
 * What a prediction must look like to count as working.
 *
 * @example
 * ```ts
 * const expect: PredictExpectation = { status: 200, fields: ["prediction", "is_anomaly"] }
 * ```
 */
export const PredictExpectation = Schema.Struct({
  /** The HTTP status expected (default: any 2xx). */
  status: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(100, 599))),
  /** Top-level fields the JSON response must have (default: any JSON value). */
  fields: Schema.optional(Schema.Array(Schema.String)),
})
export type PredictExpectation = typeof PredictExpectation.Type

/**
 * The model's prediction endpoint and the sample to POST to it.
 *
 * @example
 * ```ts
 * const predict: PredictEndpoint = { url: "http://localhost:8000/predict", sample: seedPredictSample, expect: { fields: ["prediction"] } }
 * ```
 */
export const PredictEndpoint = Schema.Struct({
  url: Url,
  /** The JSON document to POST. */
  sample: Schema.Unknown,
  expect: Schema.optional(PredictExpectation),
  timeout: Schema.optional(DurationString),
  headers: Schema.optional(Headers),
})
export type PredictEndpoint = typeof PredictEndpoint.Type

/**
 * An extra PromQL query for the `prometheus.query` probe.
 *
 * @example
 * ```ts
 * const query: NamedPromQuery = { name: "reconstruction error", query: "model_reconstruction_error", signal: "model.reconstruction_error" }
 * ```
 */
export const NamedPromQuery = Schema.Struct({
  name: Schema.String,
  query: Schema.String,
  /** The signal the value feeds (e.g. `model.reconstruction_error`). */
  signal: Schema.optional(Schema.String),
  unit: Schema.optional(Schema.String),
  /** The named threshold to grade the value with (defaults to the signal's name). */
  threshold: Schema.optional(Schema.String),
})
export type NamedPromQuery = typeof NamedPromQuery.Type

/**
 * Metric names the Prometheus probes query (the seed's names by default).
 *
 * @example
 * ```ts
 * const metrics: PrometheusMetrics = { requests: "api_requests_total", duration: "api_request_seconds" }
 * ```
 */
export const PrometheusMetrics = Schema.Struct({
  /** Counter of requests with a `status` label. Default `http_requests_total`. */
  requests: Schema.optional(Schema.String),
  /** Histogram of request durations in seconds. Default `http_request_duration_seconds`. */
  duration: Schema.optional(Schema.String),
  /** Gauge of the application's memory in bytes. Default `memory_usage_bytes`. */
  memory: Schema.optional(Schema.String),
})
export type PrometheusMetrics = typeof PrometheusMetrics.Type

/**
 * The Prometheus server, the application's job and extra matchers, and named queries.
 *
 * @example
 * ```ts
 * const prometheus: PrometheusSection = { url: "http://localhost:9090", job: "app", selector: 'env="prod"' }
 * ```
 */
export const PrometheusSection = Schema.Struct({
  url: Url,
  /** The scrape job of the application: `up{job="…"}` and every query are limited to it. */
  job: Schema.optional(Schema.String),
  /** Extra label matchers for every query, e.g. `env="prod"` (without braces). */
  selector: Schema.optional(Schema.String),
  metrics: Schema.optional(PrometheusMetrics),
  queries: Schema.optional(Schema.Array(NamedPromQuery)),
  headers: Schema.optional(Headers),
})
export type PrometheusSection = typeof PrometheusSection.Type

/**
 * A table the restore check looks at in the restored copy: its row count, and with `newest` the
 * time of its newest row (the restored data's age).
 *
 * @example
 * ```ts
 * const table: RestoreCheckTable = { table: "public.sensor_readings", newest: "recorded_at", minRows: 1 }
 * ```
 */
export const RestoreCheckTable = Schema.Struct({
  /** The table, optionally schema-qualified (`public.sensor_readings`). */
  table: Schema.String.pipe(Schema.minLength(1)),
  /** A timestamp column: the newest value is the time of the newest row restored. */
  newest: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  /** Fewer rows than this after the restore fails the check. Default 0. */
  minRows: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.nonNegative())),
})
export type RestoreCheckTable = typeof RestoreCheckTable.Type

/**
 * How `ir action restore-check` restores the newest custom-format dump and what it checks.
 *
 * @example
 * ```ts
 * const restoreCheck: RestoreCheckSection = {
 *   pgRestore: "/usr/lib/postgresql/15/bin/pg_restore",
 *   timeout: "30m",
 *   tables: [{ table: "sensor_readings", newest: "recorded_at" }],
 * }
 * ```
 */
export const RestoreCheckSection = Schema.Struct({
  /** The `pg_restore` program (its major version at least the dump's). Default `pg_restore` on `PATH`. */
  pgRestore: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  /** How long the restore and the sanity queries may take together. Default `30m`. */
  timeout: Schema.optional(DurationString),
  /** The sanity queries; without them every restored table's rows are counted. */
  tables: Schema.optional(Schema.Array(RestoreCheckTable)),
})
export type RestoreCheckSection = typeof RestoreCheckSection.Type

/**
 * Where the team keeps PostgreSQL's backups, for `postgres.backup` (which also reads WAL
 * archiving from `pg_stat_archiver`) and `ir action restore-check`.
 *
 * @example
 * ```ts
 * const backups: PostgresBackups = { dir: "/var/backups/postgres", match: "*.dump", walArchiving: true }
 * ```
 */
export const PostgresBackups = Schema.Struct({
  /** The directory of `pg_dump` files or base backups (one file or directory each). */
  dir: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  /** Only entries whose names match this shell pattern are backups (`*.dump`). Default: all. */
  match: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  /** Whether WAL archiving must be on: when it is off, `postgres.backup` is critical. Default false. */
  walArchiving: Schema.optional(Schema.Boolean),
  restoreCheck: Schema.optional(RestoreCheckSection),
})
export type PostgresBackups = typeof PostgresBackups.Type

/**
 * The PostgreSQL the probes read (read-only), by URL; its password stays redacted.
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * const postgres: PostgresSection = { url: Redacted.make("postgres://monitor:secret@db:5432/anomaly_db") }
 * ```
 */
export const PostgresSection = Schema.Struct({
  /** A libpq connection URL; its password is kept redacted. */
  url: Schema.Redacted(Schema.String),
  /** `application_name` of the probe's session. Default `ir-diagnostics`. */
  applicationName: Schema.optional(Schema.String),
  /** Queries running at least this long are listed by `postgres.long-queries`. Default `5s`. */
  longQueryMin: Schema.optional(DurationString),
  /** Backups and WAL archiving: `postgres.backup` runs when this is given. */
  backups: Schema.optional(PostgresBackups),
})
export type PostgresSection = typeof PostgresSection.Type

/**
 * A container by exact name (falling back to the Compose service of that name) or by label.
 *
 * @example
 * ```ts
 * const byName: ContainerSelector = "app"
 * const byLabel: ContainerSelector = { label: "com.example.role=worker" }
 * ```
 */
export const ContainerSelector = Schema.Union(
  Schema.String,
  Schema.Struct({ label: Schema.String }),
)
export type ContainerSelector = typeof ContainerSelector.Type

/**
 * What `docker.logs` reads: how far back, how many lines, which roles.
 *
 * @example
 * ```ts
 * const logs: DockerLogsOptions = { since: "30m", tail: 1000, roles: ["app"] }
 * ```
 */
export const DockerLogsOptions = Schema.Struct({
  /** How far back to read (`docker logs --since`). Default `30m`. */
  since: Schema.optional(DurationString),
  /** At most this many lines per container (`--tail`). Default 1000. */
  tail: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.positive())),
  /** Which roles to read. Default: every configured container. */
  roles: Schema.optional(Schema.Array(Schema.String)),
})
export type DockerLogsOptions = typeof DockerLogsOptions.Type

/**
 * The Docker Engine and the containers to watch, by role.
 *
 * @example
 * ```ts
 * const docker: DockerSection = { socket: "/var/run/docker.sock", containers: { app: "app", postgres: "postgres" } }
 * ```
 */
export const DockerSection = Schema.Struct({
  /** The engine's Unix socket (default `/var/run/docker.sock`). */
  socket: Schema.optional(Schema.String),
  /** `DOCKER_HOST` form: `unix:///path` or `tcp://host:port`. */
  host: Schema.optional(Schema.String),
  /** Containers by role (`app`, `postgres`): a name or `{ label: "key=value" }`. */
  containers: Schema.optionalWith(Schema.Record({ key: Schema.String, value: ContainerSelector }), {
    default: () => ({}),
  }),
  logs: Schema.optional(DockerLogsOptions),
})
export type DockerSection = typeof DockerSection.Type

/**
 * A process by pid or by name (every process whose name or program is the name, else whose command contains it).
 *
 * @example
 * ```ts
 * const byPid: ProcessSelector = { pid: 1234 }
 * const byName: ProcessSelector = { name: "uvicorn" }
 * ```
 */
export const ProcessSelector = Schema.Union(
  Schema.Struct({ pid: Schema.Number.pipe(Schema.int(), Schema.positive()) }),
  Schema.Struct({ name: Schema.String }),
)
export type ProcessSelector = typeof ProcessSelector.Type

/**
 * The local host: processes to watch and mounts to check.
 *
 * @example
 * ```ts
 * const host: HostSection = { processes: { api: { name: "uvicorn" } }, mounts: ["/"] }
 * ```
 */
export const HostSection = Schema.Struct({
  processes: Schema.optional(Schema.Record({ key: Schema.String, value: ProcessSelector })),
  /** Mount points for `host.disk` (default: every local file system). */
  mounts: Schema.optional(Schema.Array(Schema.String)),
})
export type HostSection = typeof HostSection.Type

/**
 * The model artifacts: a directory and an optional sha256 manifest.
 *
 * @example
 * ```ts
 * const models: ModelFiles = { dir: "saved_models", manifest: "SHA256SUMS" }
 * ```
 */
export const ModelFiles = Schema.Struct({
  dir: Schema.String,
  /**
   * A sha256 manifest: `sha256sum` output (`<hex>  <file>` lines) or JSON `{ "file": "<hex>" }`,
   * relative to `dir` unless absolute.
   */
  manifest: Schema.optional(Schema.String),
})
export type ModelFiles = typeof ModelFiles.Type

/**
 * A directory of dated backups, by path or with a shell pattern that picks the backups out of it.
 *
 * @example
 * ```ts
 * const nightly: BackupDirectory = "/var/backups/exports"
 * const models: BackupDirectory = { dir: "/var/backups/models", match: "models-*.tar.gz" }
 * ```
 */
export const BackupDirectory = Schema.Union(
  Schema.String.pipe(Schema.minLength(1)),
  Schema.Struct({
    dir: Schema.String.pipe(Schema.minLength(1)),
    /** Only entries whose names match this shell pattern are backups. Default: all. */
    match: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  }),
)
export type BackupDirectory = typeof BackupDirectory.Type

/**
 * The model directory, the data directories and the backup directories.
 *
 * @example
 * ```ts
 * const files: FilesSection = { models: { dir: "saved_models" }, data: { raw: "data/raw", processed: "data/processed" } }
 * ```
 */
export const FilesSection = Schema.Struct({
  models: Schema.optional(ModelFiles),
  /** Data directories by name (`raw`, `processed`, …). */
  data: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  /** Backup directories by name (`exports`, `models`); `files.backups` runs when one is given. */
  backups: Schema.optional(Schema.Record({ key: Schema.String, value: BackupDirectory })),
})
export type FilesSection = typeof FilesSection.Type

/**
 * The window between the two samples that CPU figures are computed from (`docker.stats`,
 * `host.process`): from 20 ms to 10 s.
 *
 * @example
 * ```ts
 * import { CpuWindow } from "@ir/diagnostics"
 * import * as Schema from "effect/Schema"
 * Schema.is(CpuWindow)("500ms") // true
 * ```
 */
export const CpuWindow = DurationString.pipe(
  Schema.filter(
    (window) => {
      const ms = Duration.toMillis(window)
      return (ms >= 20 && ms <= 10_000) || `expected a window from 20ms to 10s, got "${window}"`
    },
    { identifier: "CpuWindow" },
  ),
)

const ProbeTimeouts = Schema.Record({ key: Schema.String, value: DurationString }).pipe(
  Schema.filter(
    (timeouts) => {
      const unknown = Object.keys(timeouts).filter((id) => !Schema.is(ProbeId)(id))
      return unknown.length === 0
        ? true
        : `unknown probe id ${unknown.map((id) => `"${id}"`).join(", ")}; expected one of ${ProbeId.literals.join(", ")}`
    },
    { identifier: "ProbeTimeouts" },
  ),
)

/**
 * Timeouts: every probe's default, and per probe id.
 *
 * @example
 * ```ts
 * const timeouts: TimeoutsSection = { default: "5s", probes: { "docker.stats": "8s" } }
 * ```
 */
export const TimeoutsSection = Schema.Struct({
  /** Every probe's timeout unless set otherwise. Default `5s`. */
  default: Schema.optional(DurationString),
  /** Timeouts by probe id. */
  probes: Schema.optional(ProbeTimeouts),
})
export type TimeoutsSection = typeof TimeoutsSection.Type

/**
 * The whole configuration: every section optional; a probe whose section is missing is skipped.
 *
 * @example
 * ```ts
 * import { DiagnosticsConfig } from "@ir/diagnostics"
 * import * as Schema from "effect/Schema"
 * const config = Schema.decodeUnknownSync(DiagnosticsConfig)({ prometheus: { url: "http://localhost:9090" } })
 * ```
 */
export const DiagnosticsConfig = Schema.Struct({
  http: Schema.optional(
    Schema.Struct({
      health: Schema.optional(HttpEndpoint),
      predict: Schema.optional(PredictEndpoint),
      dataSource: Schema.optional(HttpEndpoint),
    }),
  ),
  prometheus: Schema.optional(PrometheusSection),
  postgres: Schema.optional(PostgresSection),
  docker: Schema.optional(DockerSection),
  host: Schema.optional(HostSection),
  files: Schema.optional(FilesSection),
  timeouts: Schema.optional(TimeoutsSection),
  /**
   * The window between the two samples CPU figures come from (`docker.stats`, `host.process`):
   * longer is steadier, shorter answers sooner. Default `200ms`; at most half the probe's timeout.
   */
  cpuWindow: Schema.optional(CpuWindow),
  /** Threshold overrides by name, check_postgres style (see `ThresholdSetting`). */
  thresholds: Schema.optional(Overrides),
}).annotations({ identifier: "DiagnosticsConfig" })
export type DiagnosticsConfig = typeof DiagnosticsConfig.Type

/**
 * A configuration that does not decode: names the path inside it and what was expected (values echoed back are redacted).
 *
 * @example
 * ```ts
 * try {
 *   decodeDiagnosticsConfig({ timeouts: { default: "5 seconds" } })
 * } catch (error) {
 *   if (error instanceof DiagnosticsConfigError) console.error(error.issues[0]?.path) // "timeouts.default"
 * }
 * ```
 */
export class DiagnosticsConfigError extends Data.TaggedError("DiagnosticsConfigError")<{
  readonly reason: "invalid"
  /** Each problem: where (a path such as `docker.containers.app`) and what was expected. */
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>
  readonly cause: unknown
}> {
  override get message(): string {
    return `invalid diagnostics configuration: ${this.issues
      .map((issue) => `${issue.path === "" ? "(top level)" : issue.path}: ${issue.message}`)
      .join("; ")}`
  }
}

/**
 * Decodes parsed YAML or JSON into a configuration, or fails with the path and the expectation
 * of every problem.
 *
 * @example
 * ```ts
 * import { decodeDiagnosticsConfigEither } from "@ir/diagnostics"
 * import * as Either from "effect/Either"
 * const result = decodeDiagnosticsConfigEither({ postgres: { url: 42 } })
 * if (Either.isLeft(result)) console.error(result.left.message) // names "postgres.url"
 * ```
 */
export const decodeDiagnosticsConfigEither = (
  input: unknown,
): Either.Either<DiagnosticsConfig, DiagnosticsConfigError> =>
  Schema.decodeUnknownEither(DiagnosticsConfig, { errors: "all", onExcessProperty: "error" })(
    input,
  ).pipe(
    Either.mapLeft(
      (error) =>
        new DiagnosticsConfigError({
          reason: "invalid",
          issues: SchemaIssues.flatten(error).map((issue) => ({
            path: issue.path.map(String).join("."),
            // A value echoed back may be a secret put in the wrong place.
            message: redactText(issue.message),
          })),
          cause: error,
        }),
    ),
  )

/**
 * Decodes parsed YAML or JSON into a configuration; throws {@link DiagnosticsConfigError}.
 *
 * @example
 * ```ts
 * import { decodeDiagnosticsConfig } from "@ir/diagnostics"
 * const config = decodeDiagnosticsConfig({ prometheus: { url: "http://localhost:9090", job: "app" } })
 * ```
 */
export const decodeDiagnosticsConfig = (input: unknown): DiagnosticsConfig =>
  Either.getOrThrowWith(decodeDiagnosticsConfigEither(input), (error) => error)

/**
 * The seed runbook's prediction sample.
 *
 * @example
 * ```ts
 * seedPredictSample.pressure // 1013.25
 * ```
 */
export const seedPredictSample = {
  temperature: 25.0,
  pressure: 1013.25,
  humidity: 60.0,
  vibration: 0.1,
} as const

/**
 * A PostgreSQL URL from `DATABASE_URL`, else from the libpq variables (`PGHOST`, `PGPORT`,
 * `PGUSER`, `PGPASSWORD`, `PGDATABASE`) when any is set, else `undefined`.
 *
 * @example
 * ```ts
 * import { postgresUrlFromEnv } from "@ir/diagnostics"
 * postgresUrlFromEnv({ PGHOST: "db", PGUSER: "app", PGDATABASE: "anomaly_db" })
 * // "postgres://app@db:5432/anomaly_db"
 * ```
 */
export const postgresUrlFromEnv = (
  env: Readonly<Record<string, string | undefined>>,
): string | undefined => {
  const databaseUrl = env.DATABASE_URL?.trim()
  if (databaseUrl) return databaseUrl
  const { PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE } = env
  if (![PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE].some((value) => value)) return undefined
  const user = PGUSER ?? env.USER ?? "postgres"
  const auth = `${encodeURIComponent(user)}${PGPASSWORD ? `:${encodeURIComponent(PGPASSWORD)}` : ""}@`
  const database = encodeURIComponent(PGDATABASE ?? user)
  const port = PGPORT ?? "5432"
  const host = PGHOST ?? "localhost"
  // A host starting with "/" is a Unix socket directory.
  return host.startsWith("/")
    ? `postgres://${auth}localhost:${port}/${database}?host=${encodeURIComponent(host)}`
    : `postgres://${auth}${host}:${port}/${database}`
}

/**
 * Where the defaults are computed: the environment and working directory, passed in (not read globally) so that they can be tested.
 *
 * @example
 * ```ts
 * defaultDiagnosticsConfig({ env: { DATABASE_URL: "postgres://app@db/x" }, cwd: "/srv/app", exists: () => false })
 * ```
 */
export interface DefaultsInput {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /** Whether a path exists (default: `fs.existsSync`); tests pass their own. */
  readonly exists?: (path: string) => boolean
}

/**
 * The seed runbook's defaults: health and predict on `http://localhost:8000`, Prometheus on
 * `:9090`, PostgreSQL from `DATABASE_URL` or `PG*`, Docker from `DOCKER_HOST` or
 * `/var/run/docker.sock` when it exists (containers `app` and `postgres`), the local host, and
 * `saved_models/`, `data/raw`, `data/processed` under `cwd`.
 *
 * @example
 * ```ts
 * import { defaultDiagnosticsConfig } from "@ir/diagnostics"
 * const config = defaultDiagnosticsConfig({ env: process.env, cwd: process.cwd() })
 * config.http?.health?.url // "http://localhost:8000/health"
 * ```
 */
export const defaultDiagnosticsConfig = (input: DefaultsInput): DiagnosticsConfig => {
  const exists = input.exists ?? existsSync
  const resolve = (path: string) => (isAbsolute(path) ? path : join(input.cwd, path))
  const postgresUrl = postgresUrlFromEnv(input.env)
  const dockerHost = input.env.DOCKER_HOST?.trim()
  const docker: DockerSection | undefined = dockerHost
    ? { host: dockerHost, containers: { app: "app", postgres: "postgres" } }
    : exists("/var/run/docker.sock")
      ? { socket: "/var/run/docker.sock", containers: { app: "app", postgres: "postgres" } }
      : undefined
  return {
    http: {
      health: { url: "http://localhost:8000/health" },
      predict: { url: "http://localhost:8000/predict", sample: { ...seedPredictSample } },
    },
    prometheus: { url: "http://localhost:9090" },
    ...(postgresUrl === undefined ? {} : { postgres: { url: Redacted.make(postgresUrl) } }),
    ...(docker === undefined ? {} : { docker }),
    host: {},
    files: {
      models: { dir: resolve("saved_models") },
      data: { raw: resolve("data/raw"), processed: resolve("data/processed") },
    },
    timeouts: { default: "5s" },
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null &&
  typeof value === "object" &&
  !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)

/**
 * Lays a configuration over a base: objects merge key by key, anything else (strings, arrays,
 * redacted values) replaces. A user's file over `defaultDiagnosticsConfig` is the usual case.
 *
 * @example
 * ```ts
 * import { defaultDiagnosticsConfig, mergeDiagnosticsConfig } from "@ir/diagnostics"
 * const config = mergeDiagnosticsConfig(
 *   defaultDiagnosticsConfig({ env: {}, cwd: "/srv/app" }),
 *   { prometheus: { url: "http://prometheus:9090", job: "app" } },
 * )
 * ```
 */
export const mergeDiagnosticsConfig = (
  base: DiagnosticsConfig,
  override: DiagnosticsConfig,
): DiagnosticsConfig => {
  const merge = (left: unknown, right: unknown): unknown => {
    if (right === undefined) return left
    if (!isPlainObject(left) || !isPlainObject(right)) return right
    const result: Record<string, unknown> = { ...left }
    for (const [key, value] of Object.entries(right)) result[key] = merge(left[key], value)
    return result
  }
  return merge(base, override) as DiagnosticsConfig
}

/**
 * The literal secrets a configuration holds (URL passwords, token query values, header values),
 * so that they can be scrubbed from anything shown.
 *
 * @example
 * ```ts
 * import { configSecrets, decodeDiagnosticsConfig } from "@ir/diagnostics"
 * configSecrets(decodeDiagnosticsConfig({ postgres: { url: "postgres://u:pw1234@h/db" } })) // ["pw1234"]
 * ```
 */
export const configSecrets = (config: DiagnosticsConfig): ReadonlyArray<string> => {
  const secrets: Array<string> = []
  const fromUrl = (url: string | undefined) => {
    if (url !== undefined) secrets.push(...secretsOfUrl(url))
  }
  const fromHeaders = (
    headers: Readonly<Record<string, Redacted.Redacted<string>>> | undefined,
  ) => {
    for (const value of Object.values(headers ?? {})) {
      const text = Redacted.value(value)
      secrets.push(text, ...text.split(/\s+/).filter((part) => part.length >= 8))
    }
  }
  fromUrl(config.http?.health?.url)
  fromUrl(config.http?.predict?.url)
  fromUrl(config.http?.dataSource?.url)
  fromUrl(config.prometheus?.url)
  fromUrl(config.docker?.host)
  if (config.postgres !== undefined) fromUrl(Redacted.value(config.postgres.url))
  fromHeaders(config.http?.health?.headers)
  fromHeaders(config.http?.predict?.headers)
  fromHeaders(config.http?.dataSource?.headers)
  fromHeaders(config.prometheus?.headers)
  return secrets
}
