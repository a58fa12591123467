import type Dockerode from "dockerode"
import * as Effect from "effect/Effect"
import { locateContainerCgroup, readCgroupSample } from "./ContainerCgroup.js"
import { type CpuUse, countersOfDockerStats, cpuBetween } from "./CpuSampling.js"
import type { ContainerRef, DockerEngine } from "./DockerEngine.js"
import type { ProbeFailure } from "./ProbeFailure.js"

/** Memory as the Engine API reports it. */
export interface MemoryStatsLike {
  readonly usage?: number
  readonly limit?: number
  readonly stats?: Readonly<Record<string, number>>
}

/** What `docker.stats` measured of one container. */
export interface ContainerUsage {
  /** Absent when the container is not running. */
  readonly memory?: MemoryStatsLike
  /** Absent when not running, or when the two samples could not be compared. */
  readonly cpu?: CpuUse
  /** Where the counters came from: the container's cgroup files, or the engine's stats API. */
  readonly source: "cgroup" | "engine"
}

const notRunning: ContainerUsage = { source: "engine" }

/** `GET /containers/{id}/stats?stream=false&one-shot=true`: one sample, no wait for a second. */
const oneShot = (engine: DockerEngine, ref: ContainerRef) =>
  engine.call(`stats ${ref.name}`, (abortSignal) =>
    engine.client
      .getContainer(ref.id)
      // dockerode puts every option but abortSignal in the query string.
      .stats({ stream: false, "one-shot": true, abortSignal } as { stream: false }),
  )

/**
 * Both samples from the engine's one-shot stats (API 1.41). The engine hands out samples of a
 * collector that sleeps a second between rounds, so the second answer may wait for its next round.
 * An engine older than 1.41 ignores `one-shot` and answers with its own two samples a second
 * apart: those are used as they are.
 */
export const sampleViaEngine = (
  engine: DockerEngine,
  ref: ContainerRef,
  windowMs: number,
): Effect.Effect<ContainerUsage, ProbeFailure> =>
  Effect.gen(function* () {
    const first = yield* oneShot(engine, ref)
    // A stopped container's stats carry no memory usage and no counters.
    if (first.memory_stats?.usage === undefined) return notRunning
    const before = countersOfDockerStats(first.cpu_stats)
    const enginesOwn = countersOfDockerStats(first.precpu_stats)
    if (enginesOwn !== undefined && before !== undefined) {
      const cpu = cpuBetween(enginesOwn, before)
      return { memory: first.memory_stats, source: "engine", ...(cpu === undefined ? {} : { cpu }) }
    }
    yield* Effect.sleep(windowMs)
    const second = yield* oneShot(engine, ref)
    const after = countersOfDockerStats(second.cpu_stats)
    const cpu = before === undefined || after === undefined ? undefined : cpuBetween(before, after)
    return {
      memory: second.memory_stats?.usage === undefined ? first.memory_stats : second.memory_stats,
      source: "engine",
      ...(cpu === undefined ? {} : { cpu }),
    }
  })

/**
 * Both samples from the container's cgroup files, or `undefined` when they cannot be read here (the
 * engine runs elsewhere, or its containers' processes are not in this /proc).
 */
const sampleViaCgroup = (
  pid: number,
  containerId: string,
  windowMs: number,
): Effect.Effect<ContainerUsage | undefined> =>
  Effect.gen(function* () {
    const cgroup = yield* Effect.promise(() => locateContainerCgroup(pid, containerId))
    if (cgroup === undefined) return undefined
    const read = Effect.promise(() => readCgroupSample(cgroup).catch(() => undefined))
    const first = yield* read
    if (first === undefined) return undefined
    yield* Effect.sleep(windowMs)
    const second = yield* read
    if (second === undefined) return undefined
    const cpu = cpuBetween(first.cpu, second.cpu)
    return { memory: second.memory, source: "cgroup", ...(cpu === undefined ? {} : { cpu }) }
  })

/**
 * A container's memory and its CPU over `windowMs`, from two samples of its counters. On the
 * engine's own host (a Unix socket) the counters are the container's cgroup files, found by its
 * main process; otherwise, or when those cannot be read, the engine's one-shot stats.
 */
export const sampleContainerUsage = (
  engine: DockerEngine,
  ref: ContainerRef,
  windowMs: number,
): Effect.Effect<ContainerUsage, ProbeFailure> =>
  !engine.target.startsWith("unix://") || process.platform !== "linux"
    ? sampleViaEngine(engine, ref, windowMs)
    : Effect.gen(function* () {
        const info = yield* engine.call(`inspect ${ref.name}`, (abortSignal) =>
          engine.client.getContainer(ref.id).inspect({ abortSignal }),
        )
        const state = (info as Dockerode.ContainerInspectInfo).State
        if (!state.Running || state.Restarting) return notRunning
        const local = yield* sampleViaCgroup(state.Pid, info.Id, windowMs)
        return local ?? (yield* sampleViaEngine(engine, ref, windowMs))
      })
