/**
 * The Docker probes, through the Engine API with dockerode: the engine answers (`/_ping`), each
 * configured container's state (`docker-compose ps`), its resources (`docker stats --no-stream`)
 * and its recent logs counted against the runbook's patterns (`docker-compose logs app | grep …`),
 * secrets redacted.
 *
 * A role's container is found by exact name, else by the Compose service label of that name, or
 * by `{ label: "key=value" }`.
 *
 * @example
 * ```ts
 * import { runProbes } from "@ir/diagnostics"
 * const run = await runProbes(
 *   { docker: { socket: "/var/run/docker.sock", containers: { app: "app" } } },
 *   { probes: ["docker.containers", "docker.logs"] },
 * )
 * ```
 */
import { Duration } from "@ir/core"
import type Dockerode from "dockerode"
import * as Effect from "effect/Effect"
import type { ContainerSelector, DiagnosticsConfig } from "./DiagnosticsConfig.js"
import { type MemoryStatsLike, sampleContainerUsage } from "./internal/ContainerUsage.js"
import { cpuWindowMs, defaultCpuWindow } from "./internal/CpuSampling.js"
import {
  type ContainerRef,
  type DockerEngine,
  describeSelector,
  dockerTarget,
} from "./internal/DockerEngine.js"
import type { ProbeFailure } from "./internal/ProbeFailure.js"
import {
  Findings,
  forEachConcurrently,
  formatBytes,
  formatRatio,
  formatSeconds,
  graded,
  type ProbeContext,
  type ProbeImplementation,
  type ProbeReport,
  precise,
  signal,
} from "./internal/ProbeKit.js"
import * as LogPatterns from "./LogPatterns.js"
import { type ProbeStatus, worstStatus } from "./ProbeResult.js"

const engineTarget = (config: DiagnosticsConfig) =>
  config.docker === undefined ? undefined : dockerTarget(config.docker)

const containersTarget = (config: DiagnosticsConfig) =>
  config.docker === undefined || Object.keys(config.docker.containers).length === 0
    ? undefined
    : dockerTarget(config.docker)

/**
 * A role as it may appear inside a signal key.
 *
 * @example
 * ```ts
 * roleKey("api.v2") // "api_v2"
 * ```
 */
export const roleKey = (role: string): string => role.replace(/[^A-Za-z0-9_-]/g, "_")

const engineOf = (context: ProbeContext) => context.docker

/** dockerode takes an `abortSignal` option on every call; its types omit it for these two. */
const withOptions = (client: Dockerode) =>
  client as unknown as {
    ping(options: { abortSignal: AbortSignal }): Promise<unknown>
    version(options: { abortSignal: AbortSignal }): Promise<Dockerode.DockerVersion>
  }

const unknownOf = (failure: ProbeFailure): ProbeReport => ({
  status: "unknown",
  summary: failure.message,
  cause: { reason: failure.reason, message: failure.message },
})

const dockerOptions = [
  {
    path: "docker.socket",
    description: "The engine's Unix socket.",
    default: "/var/run/docker.sock when it exists",
  },
  {
    path: "docker.host",
    description: "`DOCKER_HOST` form: `unix:///…` or `tcp://host:port`.",
    default: "`DOCKER_HOST`",
  },
]
const containersOption = {
  path: "docker.containers",
  description: 'Containers by role: a name (or Compose service), or `{ label: "key=value" }`.',
  default: '{ app: "app", postgres: "postgres" }',
}

/**
 * `docker.engine`: the Engine API answers.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["docker.engine"] })
 * ```
 */
export const engineProbe: ProbeImplementation = {
  id: "docker.engine",
  target: engineTarget,
  requires: "docker (a socket or host)",
  noAnswer: () => [signal("docker.reachable", false)],
  options: dockerOptions,
  measurements: [{ name: "latency", unit: "s", description: "Round trip of `GET /_ping`." }],
  thresholds: [],
  unknownWhen:
    "no answer within the timeout (reported unreachable too) or permission denied on the socket",
  run: (context) =>
    Effect.gen(function* () {
      const engine = yield* engineOf(context)
      const started = performance.now()
      const outcome = yield* Effect.all(
        [
          engine.call("ping", (abortSignal) => withOptions(engine.client).ping({ abortSignal })),
          engine.call("version", (abortSignal) =>
            withOptions(engine.client).version({ abortSignal }),
          ),
        ],
        { concurrency: "unbounded" },
      ).pipe(Effect.either)
      const latency = (performance.now() - started) / 1000
      if (outcome._tag === "Left") {
        const failure = outcome.left
        if (failure.reason === "permission" || failure.reason === "unsupported")
          return unknownOf(failure)
        return {
          status: "critical",
          summary: `Docker Engine unreachable: ${failure.message}`,
          signals: [signal("docker.reachable", false)],
          cause: { reason: failure.reason, message: failure.message },
        } satisfies ProbeReport
      }
      const version = outcome.right[1] as {
        Version?: string
        ApiVersion?: string
        Os?: string
        Arch?: string
      }
      return {
        status: "ok",
        summary: `Docker Engine ${version.Version ?? "?"} (API ${version.ApiVersion ?? "?"}) answers in ${formatSeconds(latency)}`,
        observations: [{ name: "latency", value: precise(latency), unit: "s", min: 0 }],
        signals: [signal("docker.reachable", true)],
        details: {
          version: version.Version,
          apiVersion: version.ApiVersion,
          os: version.Os,
          arch: version.Arch,
        },
      } satisfies ProbeReport
    }),
}

interface ContainerState {
  readonly name: string
  readonly id: string
  readonly image: string
  readonly state: string
  readonly health: string
  readonly restartCount: number
  readonly oomKilled: boolean
  readonly exitCode: number
  readonly startedAt?: string
  readonly finishedAt?: string
  readonly uptimeSeconds?: number
  readonly error?: string
}

const dockerStates = new Set([
  "created",
  "running",
  "paused",
  "restarting",
  "removing",
  "exited",
  "dead",
])

const stateOf = (info: Dockerode.ContainerInspectInfo, now: Date): ContainerState => {
  const state = info.State
  const started =
    state.StartedAt && !state.StartedAt.startsWith("0001-") ? state.StartedAt : undefined
  const finished =
    state.FinishedAt && !state.FinishedAt.startsWith("0001-") ? state.FinishedAt : undefined
  const status = dockerStates.has(state.Status)
    ? state.Status
    : state.Running
      ? "running"
      : "exited"
  const uptime =
    status === "running" && started !== undefined
      ? (now.getTime() - Date.parse(started)) / 1000
      : undefined
  return {
    name: info.Name.replace(/^\//, ""),
    id: info.Id.slice(0, 12),
    image: info.Config?.Image ?? "",
    state: status,
    health: state.Health?.Status ?? "none",
    restartCount: info.RestartCount ?? 0,
    oomKilled: state.OOMKilled === true,
    exitCode: state.ExitCode ?? 0,
    ...(started === undefined ? {} : { startedAt: started }),
    ...(finished === undefined ? {} : { finishedAt: finished }),
    ...(uptime === undefined ? {} : { uptimeSeconds: precise(Math.max(0, uptime), 3) }),
    ...(state.Error ? { error: state.Error } : {}),
  }
}

const containerStatus = (context: ProbeContext, container: ContainerState) => {
  const restarts = graded(context, "container.restarts", {
    name: "restarts",
    value: container.restartCount,
    min: 0,
  })
  const statuses: Array<ProbeStatus> = [restarts.status]
  const problems: Array<string> = []
  const flag = (status: ProbeStatus, problem: string) => {
    statuses.push(status)
    problems.push(problem)
  }
  if (container.state === "running") {
    if (container.health === "unhealthy") flag("critical", "unhealthy")
    if (container.health === "starting") flag("warn", "health starting")
  } else if (container.state === "paused" || container.state === "created") {
    statuses.push("warn")
    problems.push(container.state)
  } else {
    statuses.push("critical")
    problems.push(
      container.state === "exited" || container.state === "dead"
        ? `${container.state} with code ${container.exitCode}`
        : container.state,
    )
  }
  if (container.oomKilled) flag("critical", "OOM-killed")
  if (restarts.status !== "ok") problems.push(`${container.restartCount} restarts`)
  return { status: worstStatus(statuses), problems, restarts: restarts.measurement }
}

/** The worst container of a role stands for it in the signals. */
const statusRank: Record<ProbeStatus, number> = { ok: 0, unknown: 1, warn: 2, critical: 3 }

/** A role's containers and what was measured of each. */
interface RoleSample<A> {
  readonly role: string
  /** The role as it appears in signal keys. */
  readonly key: string
  readonly selector: ContainerSelector
  readonly containers: ReadonlyArray<ContainerRef>
  readonly measured: ReadonlyArray<A>
}

/**
 * The shape of every per-container probe: find each role's containers, measure each container
 * through the engine (all at once), then describe role by role. An engine that does not answer
 * makes the probe `unknown`.
 */
const perContainer = <A>(
  context: ProbeContext,
  roles: ReadonlyArray<readonly [string, ContainerSelector]>,
  measure: (engine: DockerEngine, container: ContainerRef) => Effect.Effect<A, ProbeFailure>,
  describe: (findings: Findings, sample: RoleSample<A>) => void,
  details?: Record<string, unknown>,
): Effect.Effect<ProbeReport, ProbeFailure> =>
  Effect.gen(function* () {
    const engine = yield* context.docker
    const perRole = yield* forEachConcurrently(roles, ([role, selector]) =>
      engine.find(selector).pipe(
        Effect.flatMap((containers) =>
          forEachConcurrently(containers, (container) => measure(engine, container)).pipe(
            Effect.map(
              (measured): RoleSample<A> => ({
                role,
                key: roleKey(role),
                selector,
                containers,
                measured,
              }),
            ),
          ),
        ),
      ),
    ).pipe(Effect.either)
    if (perRole._tag === "Left") return unknownOf(perRole.left)
    const findings = new Findings(details)
    for (const sample of perRole.right) describe(findings, sample)
    return findings.report()
  })

/**
 * `docker.containers`: each role's state, health, restarts, OOM kill, exit code, uptime.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["docker.containers"] })
 * ```
 */
export const containersProbe: ProbeImplementation = {
  id: "docker.containers",
  target: containersTarget,
  requires: "docker.containers (at least one role)",
  options: [...dockerOptions, containersOption],
  measurements: [
    {
      name: "<role>.restarts",
      description: "Restart count of the role's container.",
      threshold: "container.restarts",
    },
    {
      name: "<role>.uptime",
      unit: "s",
      description: "Time since the container started (running containers).",
    },
  ],
  thresholds: ["container.restarts"],
  unknownWhen: "the engine does not answer",
  run: (context) => {
    const now = context.now()
    return perContainer(
      context,
      Object.entries(context.config.docker!.containers),
      (engine, ref) =>
        engine
          .call(`inspect ${ref.name}`, (abortSignal) =>
            engine.client.getContainer(ref.id).inspect({ abortSignal }),
          )
          .pipe(Effect.map((info) => stateOf(info, now))),
      (findings, { role, key, selector, measured: containers }) => {
        const prefix = `docker.container.${key}`
        findings.details[role] = containers
        if (containers.length === 0) {
          findings.signals.push(
            signal(`${prefix}.exists`, false),
            signal(`${prefix}.running`, false),
          )
          findings.add("critical", `${role}: no container with ${describeSelector(selector)}`)
          return
        }
        const graded = containers.map((container) => ({
          container,
          ...containerStatus(context, container),
        }))
        graded.sort((a, b) => statusRank[b.status] - statusRank[a.status])
        const worst = graded[0]!
        const container = worst.container
        findings.signals.push(
          signal(`${prefix}.exists`, true),
          signal(`${prefix}.running`, container.state === "running"),
          signal(`${prefix}.state`, container.state),
          signal(`${prefix}.health`, container.health),
          signal(`${prefix}.restart_count`, container.restartCount),
          signal(`${prefix}.oom_killed`, container.oomKilled),
          signal(`${prefix}.exit_code`, container.exitCode),
        )
        if (container.uptimeSeconds !== undefined)
          findings.signals.push(signal(`${prefix}.uptime_seconds`, container.uptimeSeconds))
        findings.observations.push({ ...worst.restarts, name: `${key}.restarts` })
        if (container.uptimeSeconds !== undefined)
          findings.observations.push({
            name: `${key}.uptime`,
            value: container.uptimeSeconds,
            unit: "s",
            min: 0,
          })
        const many = containers.length > 1 ? ` (${containers.length} containers, worst shown)` : ""
        findings.add(
          worst.status,
          `${role}: ${container.name} ${container.state}${container.health === "none" ? "" : `/${container.health}`}${
            container.uptimeSeconds === undefined
              ? ""
              : ` for ${formatSeconds(container.uptimeSeconds)}`
          }${worst.problems.length > 0 ? ` (${worst.problems.join(", ")})` : ""}${many}`,
        )
      },
    )
  },
}

/** Memory as `docker stats` shows it: usage less the inactive page cache. */
const memoryUsed = (memory: MemoryStatsLike): number | undefined => {
  if (memory.usage === undefined) return undefined
  const stats = memory.stats ?? {}
  const cache = stats.total_inactive_file ?? stats.inactive_file ?? 0
  return Math.max(0, memory.usage - (cache < memory.usage ? cache : 0))
}

const cpuWindowOption = {
  path: "cpuWindow",
  description:
    "The window between the two samples CPU is computed from (at most half the probe's timeout).",
  default: defaultCpuWindow,
}

/**
 * `docker.stats`: memory against the limit, and CPU, of each role's running containers.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["docker.stats"] })
 * ```
 */
export const statsProbe: ProbeImplementation = {
  id: "docker.stats",
  target: containersTarget,
  requires: "docker.containers (at least one role)",
  options: [...dockerOptions, containersOption, cpuWindowOption],
  measurements: [
    {
      name: "<role>.memory",
      unit: "B",
      description: "Memory used (less inactive page cache), with the limit as max.",
      threshold: "container.memory.used_ratio",
    },
    {
      name: "<role>.memory_ratio",
      unit: "ratio",
      description: "Memory used against the limit (the host's memory when unlimited).",
      threshold: "container.memory.used_ratio",
    },
    {
      name: "<role>.cpu",
      unit: "ratio",
      description:
        "CPU as a share of the host's cores, between two samples `cpuWindow` apart (`docker stats`' CPU % divided by the cores, in details as `cpuPercent`).",
    },
  ],
  thresholds: ["container.memory.used_ratio"],
  unknownWhen:
    "the engine does not answer; roles without a running container are listed but not graded",
  run: (context) => {
    const windowMs = cpuWindowMs(context.config, context.timeoutMs)
    return perContainer(
      context,
      Object.entries(context.config.docker!.containers),
      (engine, ref) =>
        sampleContainerUsage(engine, ref, windowMs).pipe(Effect.map((usage) => ({ ref, usage }))),
      (findings, { role, key, selector, measured: samples }) => {
        const measured = samples.flatMap(({ ref, usage }) => {
          const used = usage.memory === undefined ? undefined : memoryUsed(usage.memory)
          const limit = usage.memory?.limit
          // A stopped container has no memory usage.
          if (used === undefined || !limit) return []
          return [
            {
              name: ref.name,
              used,
              limit,
              ratio: used / limit,
              cpu: usage.cpu?.hostRatio,
              cpuPercent: usage.cpu?.percent,
              source: usage.source,
            },
          ]
        })
        findings.details[role] = measured.map((entry) => ({
          name: entry.name,
          memoryBytes: entry.used,
          limitBytes: entry.limit,
          memoryRatio: precise(entry.ratio),
          ...(entry.cpu === undefined ? {} : { cpuRatio: precise(entry.cpu) }),
          ...(entry.cpuPercent === undefined ? {} : { cpuPercent: precise(entry.cpuPercent, 2) }),
          countersFrom: entry.source,
        }))
        if (measured.length === 0) {
          findings.add(
            "unknown",
            samples.length === 0
              ? `${role}: no container with ${describeSelector(selector)}`
              : `${role}: not running`,
          )
          return
        }
        const worst = measured.reduce((a, b) => (b.ratio > a.ratio ? b : a))
        const grade = graded(context, "container.memory.used_ratio", {
          name: `${key}.memory_ratio`,
          value: precise(worst.ratio),
          unit: "ratio",
          min: 0,
          max: 1,
        })
        findings.observations.push(
          { name: `${key}.memory`, value: worst.used, unit: "B", min: 0, max: worst.limit },
          grade.measurement,
        )
        findings.signals.push(
          signal(`docker.container.${key}.memory.used_ratio`, grade.measurement.value),
          signal(`docker.container.${key}.memory.used_bytes`, worst.used),
        )
        if (worst.cpu !== undefined) {
          findings.observations.push({
            name: `${key}.cpu`,
            value: precise(worst.cpu),
            unit: "ratio",
            min: 0,
            max: 1,
          })
          findings.signals.push(signal(`docker.container.${key}.cpu.ratio`, precise(worst.cpu)))
        }
        findings.add(
          grade.status,
          `${role}: ${formatBytes(worst.used)} of ${formatBytes(worst.limit)} (${formatRatio(worst.ratio)})${
            worst.cpu === undefined ? "" : `, CPU ${formatRatio(worst.cpu)} of the host`
          }`,
        )
      },
      { cpuWindowMs: windowMs },
    )
  },
}

/**
 * `docker.logs`: recent log lines counted against the runbook's patterns.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["docker.logs"] })
 * ```
 */
export const logsProbe: ProbeImplementation = {
  id: "docker.logs",
  target: containersTarget,
  requires: "docker.containers (at least one role)",
  options: [
    ...dockerOptions,
    containersOption,
    { path: "docker.logs.since", description: "How far back to read (`--since`).", default: "30m" },
    {
      path: "docker.logs.tail",
      description: "At most this many lines per container (`--tail`).",
      default: "1000",
    },
    {
      path: "docker.logs.roles",
      description: "Which roles to read.",
      default: "every configured role",
    },
  ],
  measurements: [
    {
      name: "<role>.error_lines",
      description: "Lines matching `ERROR`.",
      threshold: "logs.error_lines",
    },
    {
      name: "<role>.<pattern>_lines",
      description: "Lines matching `connection|database`, `memory|oom`, model and data failures.",
    },
  ],
  thresholds: ["logs.error_lines"],
  unknownWhen: "the engine does not answer",
  run: (context) => {
    const docker = context.config.docker!
    const options = docker.logs ?? {}
    const window = options.since ?? "30m"
    const tail = options.tail ?? 1000
    const since = Math.floor(context.now().getTime() / 1000 - Duration.toSeconds(window))
    const roles = Object.entries(docker.containers).filter(
      ([role]) => options.roles === undefined || options.roles.includes(role),
    )
    return perContainer(
      context,
      roles,
      (engine, ref) =>
        engine.call(
          `logs ${ref.name}`,
          (abortSignal) =>
            engine.client.getContainer(ref.id).logs({
              stdout: true,
              stderr: true,
              follow: false,
              since,
              tail,
              abortSignal,
            }) as Promise<unknown>,
        ),
      (findings, { role, key, selector, containers, measured: bodies }) => {
        if (containers.length === 0) {
          findings.add("unknown", `${role}: no container with ${describeSelector(selector)}`)
          return
        }
        const lines = bodies.flatMap((body) =>
          LogPatterns.dockerLogLines(
            Buffer.isBuffer(body)
              ? body
              : Buffer.from(typeof body === "string" ? body : JSON.stringify(body ?? "")),
          ),
        )
        const count = LogPatterns.count(lines, 10)
        for (const name of LogPatterns.names) {
          const signalName = name === "errors" ? "error" : name
          findings.signals.push(signal(`logs.${key}.${signalName}_lines`, count.counts[name]))
        }
        const errors = graded(context, "logs.error_lines", {
          name: `${key}.error_lines`,
          value: count.counts.errors,
          min: 0,
        })
        findings.observations.push(
          errors.measurement,
          ...LogPatterns.names
            .filter((name) => name !== "errors")
            .map((name) => ({ name: `${key}.${name}_lines`, value: count.counts[name], min: 0 })),
        )
        findings.details[role] = {
          containers: containers.map((container) => container.name),
          lines: count.lines,
          counts: count.counts,
          last: count.last,
          tail: count.tail,
        }
        const { errors: errorLines, connection, memory, model, data } = count.counts
        findings.add(
          errors.status,
          `${role}: ${errorLines} ERROR, ${connection} connection/database, ${memory} memory/oom, ${model} model, ${data} data of ${count.lines} lines in ${window}`,
        )
      },
      { since: window, tail },
    )
  },
}
