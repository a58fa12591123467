/**
 * The runbook's `docker-compose restart app` as an action: restart a role's container (or a
 * container by name) through the Engine API and wait until it runs again, and is healthy where it
 * has a health check, or the timeout passes. Without `confirm: true` nothing changes: the result
 * says what would be done. Journaling the action is the caller's job (`@ir/journal`).
 *
 * @example
 * ```ts
 * import { restartContainer } from "@ir/diagnostics"
 * const plan = await restartContainer(config, "app", { confirm: false })
 * console.log(plan.summary) // "would restart app (container app, running, healthy) …"
 * const done = await restartContainer(config, "app", { confirm: true, timeout: "60s" })
 * done.outcome // "restarted" | "timeout" | "failed" | …
 * ```
 */
import { Duration } from "@ir/core"
import type Dockerode from "dockerode"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ContainerSelector, DiagnosticsConfig } from "./DiagnosticsConfig.js"
import { configSecrets } from "./DiagnosticsConfig.js"
import { type DockerEngine, describeSelector, makeDockerEngine } from "./internal/DockerEngine.js"
import { ProbeFailure } from "./internal/ProbeFailure.js"
import { formatSeconds } from "./internal/ProbeKit.js"
import { makeScrubber } from "./internal/Redaction.js"
import { ProbeCause } from "./ProbeResult.js"

/**
 * A container's state before or after a restart.
 *
 * @example
 * ```ts
 * const before: ContainerSnapshot = { state: "running", health: "healthy", restartCount: 0 }
 * ```
 */
export const ContainerSnapshot = Schema.Struct({
  state: Schema.String,
  /** `none` without a health check. */
  health: Schema.String,
  startedAt: Schema.optional(Schema.String),
  restartCount: Schema.Number,
})
export type ContainerSnapshot = typeof ContainerSnapshot.Type

/**
 * What happened (or would happen) to one container.
 *
 * @example
 * ```ts
 * for (const entry of result.containers) console.log(entry.name, entry.before.state, "→", entry.after?.state)
 * ```
 */
export const ContainerRestart = Schema.Struct({
  name: Schema.String,
  id: Schema.String,
  before: ContainerSnapshot,
  after: Schema.optional(ContainerSnapshot),
  outcome: Schema.Literal("dry-run", "restarted", "timeout", "failed"),
  message: Schema.optional(Schema.String),
})
export type ContainerRestart = typeof ContainerRestart.Type

/**
 * The result of {@link restartContainer}: a value, never an exception.
 *
 * @example
 * ```ts
 * const result = await restartContainer(config, "app", { confirm: false })
 * result.outcome // "dry-run"
 * ```
 */
export const RestartResult = Schema.Struct({
  action: Schema.Literal("docker.restart"),
  /** The role or container name asked for. */
  subject: Schema.String,
  /** The engine, redacted. */
  target: Schema.optional(Schema.String),
  confirmed: Schema.Boolean,
  /** Whether anything was changed. */
  performed: Schema.Boolean,
  outcome: Schema.Literal("dry-run", "restarted", "timeout", "failed", "not-found", "unknown"),
  summary: Schema.String,
  containers: Schema.Array(ContainerRestart),
  durationMs: Schema.Number,
  cause: Schema.optional(ProbeCause),
})
export type RestartResult = typeof RestartResult.Type

/**
 * How to restart: nothing changes without `confirm: true`.
 *
 * @example
 * ```ts
 * await restartContainer(config, "app", { confirm: true, timeout: "60s", stopTimeoutSeconds: 10 })
 * ```
 */
export interface RestartOptions {
  /** Nothing changes unless this is `true`. */
  readonly confirm: boolean
  /** How long to wait for the container to run (and be healthy) again: a duration or ms. Default `60s`. */
  readonly timeout?: string | number
  /** Seconds Docker gives the process to stop before killing it (`docker restart -t`). Default 10. */
  readonly stopTimeoutSeconds?: number
}

const snapshot = (info: Dockerode.ContainerInspectInfo): ContainerSnapshot => ({
  state: info.State.Status,
  health: info.State.Health?.Status ?? "none",
  ...(info.State.StartedAt && !info.State.StartedAt.startsWith("0001-")
    ? { startedAt: info.State.StartedAt }
    : {}),
  restartCount: info.RestartCount ?? 0,
})

const describeSnapshot = (state: ContainerSnapshot) =>
  `${state.state}${state.health === "none" ? "" : `, ${state.health}`}`

const pollIntervalMs = 100

/** Restarts one container and waits until it is back (bounded by `deadline`, ms from performance.now()). */
const restartOne = (
  engine: DockerEngine,
  ref: { readonly id: string; readonly name: string },
  before: ContainerSnapshot,
  options: { readonly stopTimeoutSeconds: number; readonly deadline: number },
): Effect.Effect<ContainerRestart> =>
  Effect.gen(function* () {
    const container = engine.client.getContainer(ref.id)
    const remaining = () => Math.max(0, options.deadline - performance.now())
    const restarted = yield* engine
      .call(`restart ${ref.name}`, (abortSignal) =>
        container.restart({ t: options.stopTimeoutSeconds, abortSignal } as object),
      )
      .pipe(Effect.timeoutOption(remaining()), Effect.either)
    if (restarted._tag === "Left")
      return {
        name: ref.name,
        id: ref.id.slice(0, 12),
        before,
        outcome: "failed" as const,
        message: restarted.left.message,
      }
    const inspect = engine.call(`inspect ${ref.name}`, (abortSignal) =>
      container.inspect({ abortSignal }),
    )
    // Back means: a new start, running, and healthy when a health check exists.
    const isBack = (state: ContainerSnapshot) =>
      state.state === "running" &&
      state.startedAt !== before.startedAt &&
      (state.health === "none" || state.health === "healthy")
    let last: ContainerSnapshot | undefined
    const waited = yield* Effect.gen(function* () {
      while (true) {
        const info = yield* inspect
        last = snapshot(info)
        if (isBack(last)) return last
        yield* Effect.sleep(pollIntervalMs)
      }
    }).pipe(Effect.timeoutOption(Option.isNone(restarted.right) ? 0 : remaining()), Effect.either)
    if (waited._tag === "Left")
      return {
        name: ref.name,
        id: ref.id.slice(0, 12),
        before,
        ...(last === undefined ? {} : { after: last }),
        outcome: "failed" as const,
        message: waited.left.message,
      }
    if (Option.isNone(waited.right))
      return {
        name: ref.name,
        id: ref.id.slice(0, 12),
        before,
        ...(last === undefined ? {} : { after: last }),
        outcome: "timeout" as const,
        message:
          last === undefined
            ? "the restart did not finish in time"
            : `not back in time: ${describeSnapshot(last)}${last.state === "running" && last.health !== "healthy" ? " (waiting for its health check)" : ""}`,
      }
    return {
      name: ref.name,
      id: ref.id.slice(0, 12),
      before,
      after: waited.right.value,
      outcome: "restarted" as const,
    }
  })

/**
 * Restarts a role's container as an Effect that never fails: see {@link restartContainer}.
 *
 * @example
 * ```ts
 * import { restartContainerEffect } from "@ir/diagnostics"
 * import * as Effect from "effect/Effect"
 * const result = await Effect.runPromise(restartContainerEffect(config, "app", { confirm: false }))
 * ```
 */
export const restartContainerEffect = (
  config: DiagnosticsConfig,
  subject: string,
  options: RestartOptions,
): Effect.Effect<RestartResult> => {
  const started = performance.now()
  const scrub = makeScrubber(configSecrets(config))
  const timeoutMs =
    typeof options.timeout === "number"
      ? options.timeout
      : Duration.toMillis(options.timeout ?? "60s")
  const base = { action: "docker.restart" as const, subject, confirmed: options.confirm }
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000
  return Effect.gen(function* () {
    if (config.docker === undefined)
      return yield* Effect.fail(
        new ProbeFailure({ reason: "not-configured", message: "docker is not configured" }),
      )
    const selector: ContainerSelector = config.docker.containers[subject] ?? subject
    const engine = yield* makeDockerEngine(config.docker, timeoutMs)
    const refs = yield* engine.find(selector).pipe(
      Effect.timeoutFail({
        duration: timeoutMs,
        onTimeout: () =>
          new ProbeFailure({
            reason: "timeout",
            message: `Docker Engine at ${engine.target} did not answer within ${timeoutMs} ms`,
          }),
      }),
    )
    if (refs.length === 0)
      return {
        ...base,
        target: engine.target,
        performed: false,
        outcome: "not-found" as const,
        summary: `no container for ${subject} (${describeSelector(selector)}): nothing to restart`,
        containers: [],
        durationMs: elapsed(),
      }
    const befores = yield* Effect.forEach(
      refs,
      (ref) =>
        engine
          .call(`inspect ${ref.name}`, (abortSignal) =>
            engine.client.getContainer(ref.id).inspect({ abortSignal }),
          )
          .pipe(Effect.map((info) => ({ ref, before: snapshot(info) }))),
      { concurrency: "unbounded" },
    )
    const names = refs.map((ref) => ref.name).join(", ")
    if (!options.confirm)
      return {
        ...base,
        target: engine.target,
        performed: false,
        outcome: "dry-run" as const,
        summary: `would restart ${subject} (container ${befores
          .map(({ ref, before }) => `${ref.name}, ${describeSnapshot(before)}`)
          .join("; ")}) and wait up to ${formatSeconds(timeoutMs / 1000)} for it to run${
          befores.some(({ before }) => before.health !== "none") ? " and be healthy" : ""
        }; confirm to do it`,
        containers: befores.map(({ ref, before }) => ({
          name: ref.name,
          id: ref.id.slice(0, 12),
          before,
          outcome: "dry-run" as const,
        })),
        durationMs: elapsed(),
      }
    const deadline = started + timeoutMs
    const containers = yield* Effect.forEach(
      befores,
      ({ ref, before }) =>
        restartOne(engine, ref, before, {
          stopTimeoutSeconds: options.stopTimeoutSeconds ?? 10,
          deadline,
        }),
      { concurrency: "unbounded" },
    )
    const outcome = containers.every((entry) => entry.outcome === "restarted")
      ? ("restarted" as const)
      : containers.some((entry) => entry.outcome === "failed")
        ? ("failed" as const)
        : ("timeout" as const)
    const summary =
      outcome === "restarted"
        ? `restarted ${subject} (${names}) in ${formatSeconds(elapsed() / 1000)}: ${containers
            .map((entry) => describeSnapshot(entry.after ?? entry.before))
            .join("; ")}`
        : `restart of ${subject} (${names}) ${outcome === "timeout" ? "did not complete in time" : "failed"}: ${containers
            .filter((entry) => entry.outcome !== "restarted")
            .map((entry) => `${entry.name}: ${entry.message ?? entry.outcome}`)
            .join("; ")}`
    return {
      ...base,
      target: engine.target,
      performed: true,
      outcome,
      summary: scrub(summary),
      containers: containers.map((entry) =>
        entry.message === undefined ? entry : { ...entry, message: scrub(entry.message) },
      ),
      durationMs: elapsed(),
    }
  }).pipe(
    Effect.catchAll((failure) =>
      Effect.succeed<RestartResult>({
        ...base,
        performed: false,
        outcome: "unknown",
        summary: scrub(`could not restart ${subject}: ${failure.message}`),
        containers: [],
        durationMs: elapsed(),
        cause: { reason: failure.reason, message: scrub(failure.message) },
      }),
    ),
  )
}

/**
 * Restarts a role's container (a role of `docker.containers`, else a container name) and waits
 * until it runs again, and is healthy where it has a health check, or `timeout` passes. Acts only
 * with `confirm: true`; otherwise reports what it would do. Never rejects.
 *
 * @example
 * ```ts
 * import { restartContainer } from "@ir/diagnostics"
 * const result = await restartContainer(config, "app", { confirm: true, timeout: "30s" })
 * if (result.outcome !== "restarted") console.error(result.summary)
 * ```
 */
export const restartContainer = (
  config: DiagnosticsConfig,
  subject: string,
  options: RestartOptions,
): Promise<RestartResult> => Effect.runPromise(restartContainerEffect(config, subject, options))
