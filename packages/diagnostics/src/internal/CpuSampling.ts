import { Duration } from "@ir/core"
import type { DiagnosticsConfig } from "../DiagnosticsConfig.js"

/**
 * CPU use from two samples of cumulative counters taken a short window apart, the way
 * `docker stats` computes its CPU % from `cpu_stats` and `precpu_stats` — except that both samples
 * are our own, so the window is ours to choose instead of the engine's one second.
 */

/** The window between the two samples when `cpuWindow` is not set. */
export const defaultCpuWindow = "200ms"

/**
 * The window in milliseconds: `cpuWindow`, else 200 ms, and never more than half the probe's
 * timeout, so that both samples and the calls around them still fit in it.
 */
export const cpuWindowMs = (config: DiagnosticsConfig, timeoutMs: number): number =>
  Math.max(
    1,
    Math.min(Duration.toMillis(config.cpuWindow ?? defaultCpuWindow), Math.floor(timeoutMs / 2)),
  )

/** One sample of the counters, in Docker's `cpu_stats` terms. */
export interface CpuCounters {
  /** CPU time the container (or process) has used, in ns (`cpu_usage.total_usage`). */
  readonly totalUsage: number
  /** CPU time of the whole host over all its cores, in ns (`system_cpu_usage`). */
  readonly systemUsage: number
  /** Cores online (`online_cpus`). */
  readonly onlineCpus: number
}

/** CPU use between two samples. */
export interface CpuUse {
  /** `docker stats`' CPU %: 100 is one core busy, 400 four. */
  readonly percent: number
  /** The share of all the host's cores, 0..1 (the `cpu.ratio` signal). */
  readonly hostRatio: number
}

/** The part of the Engine API's stats these counters come from. */
export interface DockerCpuStats {
  readonly cpu_usage?: {
    readonly total_usage?: number
    readonly percpu_usage?: ReadonlyArray<number>
  }
  readonly system_cpu_usage?: number
  readonly online_cpus?: number
}

/**
 * The counters of a `cpu_stats` (or `precpu_stats`) object, or `undefined` when it has none (a
 * stopped container, or the empty `precpu_stats` of a one-shot answer).
 */
export const countersOfDockerStats = (
  stats: DockerCpuStats | undefined,
): CpuCounters | undefined => {
  const totalUsage = stats?.cpu_usage?.total_usage
  const systemUsage = stats?.system_cpu_usage
  if (totalUsage === undefined || !systemUsage) return undefined
  // Engines before API 1.27 give no online_cpus: count the per-core usage instead, as docker does.
  const onlineCpus = stats?.online_cpus || stats?.cpu_usage?.percpu_usage?.length || 0
  return { totalUsage, systemUsage, onlineCpus }
}

/**
 * CPU use between two samples: (Δcontainer / Δsystem) × online CPUs × 100, the formula of
 * `docker stats`; `undefined` when the system counter did not move (samples too close together)
 * or the container's went backwards (it restarted in between).
 */
export const cpuBetween = (previous: CpuCounters, current: CpuCounters): CpuUse | undefined => {
  const containerDelta = current.totalUsage - previous.totalUsage
  const systemDelta = current.systemUsage - previous.systemUsage
  if (systemDelta <= 0 || containerDelta < 0) return undefined
  const share = containerDelta / systemDelta
  const onlineCpus = current.onlineCpus > 0 ? current.onlineCpus : previous.onlineCpus
  return { percent: share * onlineCpus * 100, hostRatio: Math.min(1, share) }
}
