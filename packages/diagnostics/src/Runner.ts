/**
 * Running probes: concurrently, each under its own timeout (default 5 s) and all under an optional
 * deadline, so a run takes as long as its slowest probe, never the sum. A probe that hangs or fails
 * becomes an `unknown` result with its cause; results come back in the catalogue's order with
 * every signal merged into one observation set for `triage`. Passwords and tokens of the
 * configuration are scrubbed from every string of every result.
 *
 * @example
 * ```ts
 * import { defaultRunbook, triage } from "@ir/core"
 * import { defaultDiagnosticsConfig, runProbes } from "@ir/diagnostics"
 * const config = defaultDiagnosticsConfig({ env: process.env, cwd: process.cwd() })
 * const run = await runProbes(config, { runbook: defaultRunbook, deadline: "10s" })
 * for (const result of run.results) console.log(result.id, result.status, result.summary)
 * ```
 */
import { Duration, defaultRunbook, type Observation, Probe, type Runbook } from "@ir/core"
import { Effect, Option, Redacted } from "effect"
import { configSecrets, type DiagnosticsConfig } from "./DiagnosticsConfig.js"
import { loadDockerode, makeDockerEngine } from "./internal/DockerEngine.js"
import { acquireHttpClient, loadUndici } from "./internal/HttpClient.js"
import { implementations } from "./internal/Implementations.js"
import {
  acquirePostgresSession,
  defaultApplicationName,
  loadPg,
} from "./internal/PostgresSession.js"
import { failureOf, messageOf, ProbeFailure } from "./internal/ProbeFailure.js"
import type {
  ProbeContext,
  ProbeReport,
  SignalEntry,
  SystemInformation,
} from "./internal/ProbeKit.js"
import { shared } from "./internal/SharedResource.js"
import type { ProbeResult, ProbeRun } from "./ProbeResult.js"
import { deepMapStrings, makeScrubber } from "./Redaction.js"

/**
 * The default timeout of every probe.
 *
 * @example
 * ```ts
 * probeTimeoutMs({}, "host.disk") // 5000, from defaultTimeout
 * ```
 */
export const defaultTimeout = "5s"

/**
 * What happens during a run, for progress output: a probe starts, or finishes with its result.
 *
 * @example
 * ```ts
 * await runProbes(config, {
 *   onProgress: (event) => {
 *     if (event.type === "finished") console.error(event.result.id, event.result.status)
 *   },
 * })
 * ```
 */
export type ProgressEvent =
  | {
      readonly type: "started"
      readonly id: Probe.ProbeId
      readonly target?: string
      readonly timeoutMs: number
    }
  | { readonly type: "finished"; readonly result: ProbeResult }

/**
 * How to run probes: the runbook whose thresholds grade them, which probes, a deadline, progress and a clock.
 *
 * @example
 * ```ts
 * await runProbes(config, { runbook: defaultRunbook, probes: ["postgres.locks"], deadline: "10s" })
 * ```
 */
export interface RunOptions {
  /** Where the default thresholds come from (default: the seed runbook). */
  readonly runbook?: Runbook
  /** Which probes (default: every configured probe). A probe asked for but not configured is `unknown`. */
  readonly probes?: ReadonlyArray<Probe.ProbeId>
  /**
   * When the whole run must be over: a `Date`, a number of milliseconds from now, or a duration
   * (`"10s"`). A probe still running then is `unknown` with the cause `deadline`.
   */
  readonly deadline?: Date | number | string
  readonly onProgress?: (event: ProgressEvent) => void
  /** The clock for timestamps (tests pass their own). */
  readonly now?: () => Date
}

/**
 * Which probes a configuration can run, and why the others are skipped.
 *
 * @example
 * ```ts
 * const { configured, skipped } = probesFor(config)
 * ```
 */
export interface ProbeSelection {
  readonly configured: ReadonlyArray<{ readonly id: Probe.ProbeId; readonly target: string }>
  readonly skipped: ReadonlyArray<{ readonly id: Probe.ProbeId; readonly reason: string }>
}

/**
 * Which probes are configured (with their redacted targets) and which are skipped and why, in the
 * catalogue's order.
 *
 * @example
 * ```ts
 * import { probesFor } from "@ir/diagnostics"
 * const { configured, skipped } = probesFor({ prometheus: { url: "http://localhost:9090" } })
 * configured.map((probe) => probe.id) // ["prometheus.scrape-health", "prometheus.error-rate", …]
 * skipped[0] // { id: "http.health", reason: "not configured (needs http.health.url)" }
 * ```
 */
export const probesFor = (config: DiagnosticsConfig): ProbeSelection => {
  const configured: Array<{ id: Probe.ProbeId; target: string }> = []
  const skipped: Array<{ id: Probe.ProbeId; reason: string }> = []
  for (const { id } of Probe.catalogue) {
    const implementation = implementations[id]
    const target = implementation.target(config)
    if (target === undefined)
      skipped.push({ id, reason: `not configured (needs ${implementation.requires})` })
    else configured.push({ id, target })
  }
  return { configured, skipped }
}

/**
 * The timeout of a probe in milliseconds: `timeouts.probes[id]`, else the endpoint's own
 * `timeout` (HTTP probes), else `timeouts.default`, else 5 s.
 *
 * @example
 * ```ts
 * import { probeTimeoutMs } from "@ir/diagnostics"
 * probeTimeoutMs({ timeouts: { default: "2s" } }, "postgres.locks") // 2000
 * ```
 */
export const probeTimeoutMs = (config: DiagnosticsConfig, id: Probe.ProbeId): number => {
  const endpoint =
    id === "http.health"
      ? config.http?.health?.timeout
      : id === "http.predict"
        ? config.http?.predict?.timeout
        : id === "http.data-source"
          ? config.http?.dataSource?.timeout
          : undefined
  const duration =
    config.timeouts?.probes?.[id] ?? endpoint ?? config.timeouts?.default ?? defaultTimeout
  return Duration.toMillis(duration)
}

const deadlineMs = (deadline: RunOptions["deadline"], start: Date): number | undefined => {
  if (deadline === undefined) return undefined
  if (deadline instanceof Date) return Math.max(0, deadline.getTime() - start.getTime())
  if (typeof deadline === "number") return Math.max(0, deadline)
  return Duration.toMillis(deadline)
}

let systemInformationModule: Promise<SystemInformation> | undefined
const loadSystemInformation = () => {
  systemInformationModule ??= import("systeminformation").then(
    (module) =>
      ((module as { default?: SystemInformation }).default ?? module) as SystemInformation,
  )
  return systemInformationModule
}

/**
 * Loads the client libraries the selected probes use, all at once, before any probe's clock
 * starts: a library's first import blocks the event loop (dockerode pulls in gRPC), and that time
 * must not be charged to a probe's timeout. Failures surface later, in the probe that needs it.
 */
const preload = (ids: ReadonlyArray<Probe.ProbeId>): Promise<unknown> => {
  const families = new Set(ids.map((id) => id.split(".")[0]))
  const loads: Array<Promise<unknown>> = []
  if (families.has("http") || families.has("prometheus")) loads.push(loadUndici())
  if (families.has("postgres")) loads.push(loadPg())
  if (families.has("docker")) loads.push(loadDockerode())
  if (ids.includes("host.memory") || (families.has("host") && process.platform !== "linux"))
    loads.push(loadSystemInformation())
  return Promise.allSettled(loads)
}

const notConfigured = (what: string) =>
  new ProbeFailure({ reason: "not-configured", message: `${what} is not configured` })

const reportOfFailure = (failure: ProbeFailure): ProbeReport => ({
  status: "unknown",
  summary: failure.message,
  ...(failure.signals === undefined ? {} : { signals: failure.signals }),
  cause: { reason: failure.reason, message: failure.message },
})

/**
 * Runs probes as an Effect that never fails: see {@link runProbes}.
 *
 * @example
 * ```ts
 * import { runProbesEffect } from "@ir/diagnostics"
 * import { Effect } from "effect"
 * const run = await Effect.runPromise(runProbesEffect({ host: {} }, { probes: ["host.memory"] }))
 * ```
 */
export const runProbesEffect = (
  config: DiagnosticsConfig,
  options: RunOptions = {},
): Effect.Effect<ProbeRun> =>
  Effect.gen(function* () {
    const now = options.now ?? (() => new Date())
    const startedAt = now()
    const started = performance.now()
    const runbook = options.runbook ?? defaultRunbook
    const requested = options.probes === undefined ? undefined : new Set(options.probes)
    const targets = new Map(
      Probe.catalogue.map(({ id }) => [id, implementations[id].target(config)] as const),
    )
    const selection = Probe.catalogue
      .map((definition) => definition.id)
      .filter((id) => (requested === undefined ? targets.get(id) !== undefined : requested.has(id)))
    const timeouts = new Map(selection.map((id) => [id, probeTimeoutMs(config, id)] as const))
    const budgetMs = deadlineMs(options.deadline, startedAt)
    const scrub = makeScrubber(configSecrets(config))
    const emit = (event: ProgressEvent) => {
      try {
        options.onProgress?.(event)
      } catch {
        // A progress callback must not break the run.
      }
    }
    const maxOf = (ids: ReadonlyArray<Probe.ProbeId>) =>
      Math.max(1, ...ids.map((id) => timeouts.get(id) ?? 0))

    yield* Effect.promise(() => preload(selection.filter((id) => targets.get(id) !== undefined)))
    const results = yield* Effect.scoped(
      Effect.gen(function* () {
        const http = yield* shared(acquireHttpClient())
        const postgresIds = selection.filter((id) => id.startsWith("postgres."))
        const postgres = yield* shared(
          config.postgres === undefined
            ? Effect.failSync(() => notConfigured("postgres"))
            : acquirePostgresSession({
                url: Redacted.value(config.postgres.url),
                applicationName: config.postgres.applicationName ?? defaultApplicationName,
                timeoutMs: maxOf(postgresIds),
              }),
        )
        const docker = yield* shared(
          config.docker === undefined
            ? Effect.failSync(() => notConfigured("docker"))
            : makeDockerEngine(
                config.docker,
                maxOf(selection.filter((id) => id.startsWith("docker."))),
              ),
        )
        const systemInformation = yield* shared(
          Effect.tryPromise({
            try: () => loadSystemInformation(),
            catch: (error) => failureOf(error, "loading systeminformation"),
          }),
        )
        const runOne = (id: Probe.ProbeId) =>
          Effect.gen(function* () {
            const implementation = implementations[id]
            const target = targets.get(id)
            const timeoutMs = timeouts.get(id) ?? Duration.toMillis(defaultTimeout)
            const probeStarted = performance.now()
            let report: ProbeReport
            if (target === undefined) {
              report = reportOfFailure(
                new ProbeFailure({
                  reason: "not-configured",
                  message: `${id} is not configured (needs ${implementation.requires})`,
                }),
              )
            } else {
              emit({ type: "started", id, target: scrub(target), timeoutMs })
              const remaining =
                budgetMs === undefined ? undefined : budgetMs - (performance.now() - started)
              const cutByDeadline = remaining !== undefined && remaining < timeoutMs
              const limitMs = Math.max(0, cutByDeadline ? remaining : timeoutMs)
              const context: ProbeContext = {
                config,
                thresholds: runbook.thresholds,
                overrides: config.thresholds ?? {},
                timeoutMs,
                now,
                http,
                postgres,
                docker,
                systemInformation,
              }
              const outcome = yield* implementation.run(context).pipe(
                Effect.catchAll((failure) => Effect.succeed(reportOfFailure(failure))),
                Effect.catchAllDefect((defect) =>
                  Effect.succeed<ProbeReport>({
                    status: "unknown",
                    summary: `${id} failed unexpectedly: ${messageOf(defect)}`,
                    cause: { reason: "internal", message: messageOf(defect) },
                  }),
                ),
                Effect.timeoutOption(limitMs),
              )
              report = Option.getOrElse(outcome, (): ProbeReport => {
                const reason = cutByDeadline ? "deadline" : "timeout"
                const message = cutByDeadline
                  ? `the run's deadline passed before ${id} finished (${Math.round(limitMs)} ms left of its ${timeoutMs} ms)`
                  : `${target} did not answer within ${timeoutMs} ms`
                return {
                  status: "unknown",
                  summary: `no answer: ${message}`,
                  signals: implementation.noAnswer?.(config) ?? [],
                  cause: { reason, message },
                }
              })
            }
            const at = now()
            const toObservation = (entry: SignalEntry): Observation.Observation => ({
              signal: entry.signal,
              value: typeof entry.value === "string" ? scrub(entry.value) : entry.value,
              at,
              source: id,
              ...(entry.over === undefined ? {} : { over: entry.over }),
            })
            const result: ProbeResult = {
              id,
              ...(target === undefined ? {} : { target: scrub(target) }),
              status: report.status,
              summary: scrub(report.summary),
              observations: (report.observations ?? []).map((measurement) => ({
                ...measurement,
                name: scrub(measurement.name),
              })),
              signals: (report.signals ?? []).map(toObservation),
              durationMs: Math.round((performance.now() - probeStarted) * 1000) / 1000,
              ...(report.cause === undefined
                ? {}
                : { cause: { reason: report.cause.reason, message: scrub(report.cause.message) } }),
              ...(report.details === undefined
                ? {}
                : { details: deepMapStrings({ ...report.details }, scrub) }),
            }
            if (target !== undefined) emit({ type: "finished", result })
            return result
          })
        return yield* Effect.forEach(selection, runOne, { concurrency: "unbounded" })
      }),
    )
    return {
      results,
      observations: results.flatMap((result) => result.signals),
      startedAt,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    } satisfies ProbeRun
  })

/**
 * Runs the configured probes (or `options.probes`) concurrently and resolves with every result in
 * the catalogue's order and their signals merged for `triage`. Never rejects: a probe that fails,
 * hangs or is not configured is an `unknown` result with its cause.
 *
 * @example
 * ```ts
 * import { defaultRunbook, triage } from "@ir/core"
 * import { runProbes } from "@ir/diagnostics"
 * const run = await runProbes(
 *   { http: { health: { url: "http://localhost:8000/health" } }, timeouts: { default: "2s" } },
 *   { runbook: defaultRunbook, onProgress: (event) => console.error(event.type) },
 * )
 * run.observations // Observation[] for triage
 * ```
 */
export const runProbes = (config: DiagnosticsConfig, options: RunOptions = {}): Promise<ProbeRun> =>
  Effect.runPromise(runProbesEffect(config, options))
