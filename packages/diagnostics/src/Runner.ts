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
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { configSecrets, type DiagnosticsConfig } from "./DiagnosticsConfig.js"
import { isDockerodeLoaded, loadDockerode, makeDockerEngine } from "./internal/DockerEngine.js"
import { httpClient, isUndiciLoaded, loadUndici } from "./internal/HttpClient.js"
import { implementations } from "./internal/Implementations.js"
import {
  acquirePostgresSession,
  defaultApplicationName,
  isPgLoaded,
  loadPg,
} from "./internal/PostgresSession.js"
import { failureOf, messageOf, ProbeFailure } from "./internal/ProbeFailure.js"
import type { ProbeReport, SignalEntry, SystemInformation } from "./internal/ProbeKit.js"
import { deepMapStrings, makeScrubber } from "./internal/Redaction.js"
import { shared } from "./internal/SharedResource.js"
import type { ProbeResult, ProbeRun } from "./ProbeResult.js"

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
let systemInformationLoaded: SystemInformation | undefined
const loadSystemInformation = () => {
  systemInformationModule ??= import("systeminformation").then((module) => {
    systemInformationLoaded = ((module as { default?: SystemInformation }).default ??
      module) as SystemInformation
    return systemInformationLoaded
  })
  return systemInformationModule
}

const systemInformation = (): Effect.Effect<SystemInformation, ProbeFailure> =>
  systemInformationLoaded !== undefined
    ? Effect.succeed(systemInformationLoaded)
    : Effect.tryPromise({
        try: () => loadSystemInformation(),
        catch: (error) => failureOf(error, "loading systeminformation"),
      })

/**
 * Loads the client libraries the selected probes use, all at once, before any probe's clock
 * starts: a library's first import blocks the event loop (dockerode pulls in gRPC), and that time
 * must not be charged to a probe's timeout. Failures surface later, in the probe that needs it.
 * `undefined` when every library needed is loaded already.
 */
const preload = (ids: ReadonlyArray<Probe.ProbeId>): Promise<unknown> | undefined => {
  const families = new Set(ids.map((id) => id.slice(0, id.indexOf("."))))
  const loads: Array<Promise<unknown>> = []
  if ((families.has("http") || families.has("prometheus")) && !isUndiciLoaded())
    loads.push(loadUndici())
  if (families.has("postgres") && !isPgLoaded()) loads.push(loadPg())
  if (families.has("docker") && !isDockerodeLoaded()) loads.push(loadDockerode())
  if (
    (ids.includes("host.memory") || (families.has("host") && process.platform !== "linux")) &&
    systemInformationLoaded === undefined
  )
    loads.push(loadSystemInformation())
  return loads.length === 0 ? undefined : Promise.allSettled(loads)
}

/** One object for "no overrides", so that levels resolved in one run serve the next. */
const noOverrides: NonNullable<DiagnosticsConfig["thresholds"]> = {}

const notConfigured = (what: string) =>
  new ProbeFailure({ reason: "not-configured", message: `${what} is not configured` })

const notSelected = Effect.fail(
  new ProbeFailure({ reason: "internal", message: "no probe of this run uses this client" }),
)

const reportOfFailure = (failure: ProbeFailure): ProbeReport => ({
  status: "unknown",
  summary: failure.message,
  ...(failure.signals === undefined ? {} : { signals: failure.signals }),
  cause: { reason: failure.reason, message: failure.message },
})

const reportOfDefect = (id: Probe.ProbeId, defect: unknown): ProbeReport => ({
  status: "unknown",
  summary: `${id} failed unexpectedly: ${messageOf(defect)}`,
  cause: { reason: "internal", message: messageOf(defect) },
})

/**
 * Runs probes as an Effect that never fails: see {@link runProbes}.
 *
 * Each probe runs in one fiber of its own, and a plain timer interrupts that fiber when its time
 * is up (rather than `Effect.timeout`, which races two more fibers per probe): the machinery
 * around a probe must cost little next to a query of a millisecond.
 *
 * @example
 * ```ts
 * import { runProbesEffect } from "@ir/diagnostics"
 * import * as Effect from "effect/Effect"
 * const run = await Effect.runPromise(runProbesEffect({ host: {} }, { probes: ["host.memory"] }))
 * ```
 */
export const runProbesEffect = (
  config: DiagnosticsConfig,
  options: RunOptions = {},
): Effect.Effect<ProbeRun> =>
  Effect.suspend(() => {
    const now = options.now ?? (() => new Date())
    const startedAt = now()
    const started = performance.now()
    const runbook = options.runbook ?? defaultRunbook
    const requested = options.probes === undefined ? undefined : new Set(options.probes)
    // Targets only of the probes that may run: each is a redacted URL to build.
    const targets = new Map<Probe.ProbeId, string | undefined>()
    const selection: Array<Probe.ProbeId> = []
    for (const { id } of Probe.catalogue) {
      if (requested !== undefined && !requested.has(id)) continue
      const target = implementations[id].target(config)
      targets.set(id, target)
      if (requested !== undefined || target !== undefined) selection.push(id)
    }
    const configured = selection.filter((id) => targets.get(id) !== undefined)
    const timeouts = new Map(selection.map((id) => [id, probeTimeoutMs(config, id)] as const))
    const budgetMs = deadlineMs(options.deadline, startedAt)
    const scrub = makeScrubber(configSecrets(config))
    const onProgress = options.onProgress
    const emit = (event: ProgressEvent) => {
      try {
        onProgress?.(event)
      } catch {
        // A progress callback must not break the run.
      }
    }
    const maxOf = (family: string) =>
      Math.max(
        1,
        ...selection.filter((id) => id.startsWith(family)).map((id) => timeouts.get(id) ?? 0),
      )
    const uses = (family: string) => configured.some((id) => id.startsWith(family))

    const probes = Effect.gen(function* () {
      // Clients without I/O to set up are plain values; only the PostgreSQL session connects,
      // once, on first use, and closes with the run's scope.
      const postgres = !uses("postgres.")
        ? notSelected
        : config.postgres === undefined
          ? Effect.fail(notConfigured("postgres"))
          : yield* shared(
              acquirePostgresSession({
                url: Redacted.value(config.postgres.url),
                applicationName: config.postgres.applicationName ?? defaultApplicationName,
                timeoutMs: maxOf("postgres."),
              }),
            )
      const docker = !uses("docker.")
        ? notSelected
        : config.docker === undefined
          ? Effect.fail(notConfigured("docker"))
          : makeDockerEngine(config.docker, maxOf("docker."))
      const context = {
        config,
        thresholds: runbook.thresholds,
        overrides: config.thresholds ?? noOverrides,
        now,
        http: uses("http.") || uses("prometheus.") ? httpClient() : notSelected,
        postgres,
        docker,
        systemInformation: uses("host.") ? systemInformation() : notSelected,
      }

      /**
       * A probe's report as a result: every string scrubbed of the configuration's secrets. Done
       * after the probe's clock stopped (`durationMs` is the probe's work, not this shaping).
       */
      const resultOf = (
        id: Probe.ProbeId,
        target: string | undefined,
        report: ProbeReport,
        durationMs: number,
      ): ProbeResult => {
        const at = now()
        const toObservation = (entry: SignalEntry): Observation.Observation => ({
          signal: entry.signal,
          value: typeof entry.value === "string" ? scrub(entry.value) : entry.value,
          at,
          source: id,
          ...(entry.over === undefined ? {} : { over: entry.over }),
        })
        return {
          id,
          ...(target === undefined ? {} : { target: scrub(target) }),
          status: report.status,
          summary: scrub(report.summary),
          // The report is the probe's own, made for this run: a measurement whose name holds no
          // secret is kept as it is.
          observations: (report.observations ?? []).map((measurement) => {
            const name = scrub(measurement.name)
            return name === measurement.name ? measurement : { ...measurement, name }
          }),
          signals: (report.signals ?? []).map(toObservation),
          durationMs: Math.round(durationMs * 1000) / 1000,
          ...(report.cause === undefined
            ? {}
            : { cause: { reason: report.cause.reason, message: scrub(report.cause.message) } }),
          ...(report.details === undefined
            ? {}
            : { details: deepMapStrings({ ...report.details }, scrub) }),
        }
      }

      const finished = new Map<Probe.ProbeId, ProbeResult>()
      /**
       * One configured probe, in its own fiber; its timer interrupts it when its time is up. The
       * fiber records its result as it finishes (also when interrupted by its timer), so that
       * progress shows each probe as soon as it is done.
       */
      const runOne = (id: Probe.ProbeId, target: string) => {
        const implementation = implementations[id]
        const timeoutMs = timeouts.get(id) ?? Duration.toMillis(defaultTimeout)
        const probeStarted = performance.now()
        if (onProgress !== undefined)
          emit({ type: "started", id, target: scrub(target), timeoutMs })
        const remaining = budgetMs === undefined ? undefined : budgetMs - (probeStarted - started)
        const cutByDeadline = remaining !== undefined && remaining < timeoutMs
        const limitMs = Math.max(0, cutByDeadline ? remaining : timeoutMs)
        let timedOut = false
        // The probe's clock: from when its fiber starts the probe's work until the work's report
        // is in (or its time is up); scheduling the fiber and shaping the result are not in it.
        let workStarted = probeStarted
        let timedOutAt = 0
        const noAnswer = (): ProbeReport => {
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
        }
        const work = Effect.suspend(() => {
          workStarted = performance.now()
          return implementation.run({ ...context, timeoutMs })
        })
        const body = Effect.uninterruptibleMask((restore) =>
          Effect.map(Effect.exit(restore(work)), (exit) => {
            const workEnded = timedOut ? timedOutAt : performance.now()
            let report: ProbeReport
            if (Exit.isSuccess(exit)) report = exit.value
            else if (timedOut) report = noAnswer()
            else {
              const failure = Cause.failureOption(exit.cause)
              if (Option.isSome(failure)) report = reportOfFailure(failure.value)
              // Interrupted by the run itself (its caller gave up): nothing to report.
              else if (Cause.isInterruptedOnly(exit.cause)) return
              else report = reportOfDefect(id, Cause.squash(exit.cause))
            }
            const result = resultOf(id, target, report, workEnded - workStarted)
            finished.set(id, result)
            if (onProgress !== undefined) emit({ type: "finished", result })
          }),
        )
        return Effect.map(Effect.fork(body), (fiber) => {
          const timer = setTimeout(() => {
            timedOut = true
            timedOutAt = performance.now()
            fiber.unsafeInterruptAsFork(FiberId.none)
          }, limitMs)
          fiber.addObserver(() => clearTimeout(timer))
          return fiber
        })
      }

      const running = new Map<Probe.ProbeId, Fiber.RuntimeFiber<void>>()
      for (const id of configured) running.set(id, yield* runOne(id, targets.get(id)!))
      // Should the run itself be interrupted, its probes stop before its scope closes.
      yield* Effect.onInterrupt(Fiber.awaitAll(running.values()), () =>
        Fiber.interruptAll(running.values()),
      )
      return selection.map((id) => {
        const target = targets.get(id)
        const reportOf = (): ProbeReport =>
          target === undefined
            ? reportOfFailure(
                new ProbeFailure({
                  reason: "not-configured",
                  message: `${id} is not configured (needs ${implementations[id].requires})`,
                }),
              )
            : reportOfDefect(id, "the probe ended without a result")
        return finished.get(id) ?? resultOf(id, target, reportOf(), 0)
      })
    })

    const loading = preload(configured)
    const run = Effect.scoped(probes)
    return Effect.map(
      loading === undefined
        ? run
        : Effect.zipRight(
            Effect.promise(() => loading),
            run,
          ),
      (results) =>
        ({
          results,
          observations: results.flatMap((result) => result.signals),
          startedAt,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        }) satisfies ProbeRun,
    )
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
