import { promises as fs } from "node:fs"
import { totalmem } from "node:os"
import type { CpuCounters } from "./CpuSampling.js"

/**
 * A container's counters read straight from its cgroup, as the Docker Engine itself reads them.
 *
 * Why not the engine: its stats endpoint hands out samples of one collector that takes a sample of
 * every watched container, then sleeps a second. A one-shot request that arrives while that
 * collector sleeps (a second run within a second of the first, another container asked a moment
 * later, any `docker stats` running elsewhere) waits for its next round: two samples from the
 * engine are a second apart however short the window asked for. The cgroup files answer at once.
 * They are readable when the engine runs on this host and its containers' processes are visible
 * in this /proc; anywhere else the probe asks the engine.
 */

/** Where a container's cgroup files are, by cgroup version. */
export type ContainerCgroup =
  | { readonly version: 1; readonly cpuacct: string; readonly memory: string }
  | { readonly version: 2; readonly dir: string }

/** A sample of a container's counters, in the Engine API's terms. */
export interface CgroupSample {
  readonly cpu: CpuCounters
  readonly memory: {
    readonly usage: number
    readonly limit: number
    readonly stats: Readonly<Record<string, number>>
  }
}

const root = "/sys/fs/cgroup"

/** The kernel's USER_HZ: /proc/stat counts in these ticks (100 on every Linux the engine runs on). */
const ticksPerSecond = 100

/**
 * The cgroup of the process `pid`, when it is the container `containerId`'s (its path names the
 * id, as every cgroup driver of the engine does): a pid of another PID namespace, or one reused
 * since, is not taken for the container.
 */
export const parseContainerCgroup = (
  procCgroup: string,
  containerId: string,
): ContainerCgroup | undefined => {
  let cpuacct: string | undefined
  let memory: string | undefined
  let unified: string | undefined
  for (const line of procCgroup.split("\n")) {
    const first = line.indexOf(":")
    const second = line.indexOf(":", first + 1)
    if (first < 0 || second < 0) continue
    const controllers = line.slice(first + 1, second)
    const path = line.slice(second + 1)
    if (!path.includes(containerId)) continue
    if (controllers === "") unified = `${root}${path}`
    for (const controller of controllers.split(",")) {
      if (controller === "cpuacct") cpuacct = `${root}/${controllers}${path}`
      if (controller === "memory") memory = `${root}/${controllers}${path}`
    }
  }
  if (cpuacct !== undefined && memory !== undefined) return { version: 1, cpuacct, memory }
  if (unified !== undefined) return { version: 2, dir: unified }
  return undefined
}

/** The cgroup of a running container's main process, or `undefined` when it cannot be seen here. */
export const locateContainerCgroup = async (
  pid: number,
  containerId: string,
): Promise<ContainerCgroup | undefined> => {
  if (process.platform !== "linux" || !(pid > 0)) return undefined
  const text = await fs.readFile(`/proc/${pid}/cgroup`, "utf8").catch(() => undefined)
  return text === undefined ? undefined : parseContainerCgroup(text, containerId)
}

/** `key value` lines (memory.stat, cpu.stat). */
export const parseFlatKeyed = (text: string): Record<string, number> => {
  const values: Record<string, number> = {}
  for (const line of text.split("\n")) {
    const space = line.indexOf(" ")
    if (space > 0) values[line.slice(0, space)] = Number(line.slice(space + 1))
  }
  return values
}

/**
 * The host's CPU time over all cores in ns from /proc/stat, as the engine computes
 * `system_cpu_usage` (the first seven fields of the `cpu` line, user to softirq), and the cores
 * online (one `cpuN` line each).
 */
export const hostCpuOfProcStat = (
  procStat: string,
): { readonly systemUsage: number; readonly onlineCpus: number } | undefined => {
  const lines = procStat.split("\n")
  const fields = lines
    .find((entry) => entry.startsWith("cpu "))
    ?.trim()
    .split(/\s+/)
    .slice(1, 8)
    .map(Number)
  if (fields === undefined || fields.length < 7 || fields.some((value) => !Number.isFinite(value)))
    return undefined
  return {
    systemUsage: (fields.reduce((sum, value) => sum + value, 0) * 1e9) / ticksPerSecond,
    onlineCpus: lines.filter((entry) => /^cpu\d/.test(entry)).length,
  }
}

const read = (path: string) => fs.readFile(path, "utf8")

/**
 * The engine reports the host's memory as the limit of a container without one (the cgroup's
 * "no limit" is 2^63 rounded down to a page, or `max`).
 */
const limitOf = (text: string): number => {
  const limit = text.trim() === "max" ? Number.POSITIVE_INFINITY : Number(text)
  const host = totalmem()
  return Number.isFinite(limit) && limit > 0 && limit < host ? limit : host
}

/** One sample of a container's CPU and memory counters; rejects when a file cannot be read. */
export const readCgroupSample = async (cgroup: ContainerCgroup): Promise<CgroupSample> => {
  const procStat = read("/proc/stat")
  const files =
    cgroup.version === 1
      ? [
          read(`${cgroup.cpuacct}/cpuacct.usage`),
          read(`${cgroup.memory}/memory.usage_in_bytes`),
          read(`${cgroup.memory}/memory.limit_in_bytes`),
          read(`${cgroup.memory}/memory.stat`),
        ]
      : [
          read(`${cgroup.dir}/cpu.stat`),
          read(`${cgroup.dir}/memory.current`),
          read(`${cgroup.dir}/memory.max`),
          read(`${cgroup.dir}/memory.stat`),
        ]
  const [stat, cpu, usage, limit, memoryStat] = await Promise.all([procStat, ...files])
  const host = hostCpuOfProcStat(stat!)
  // cgroup v1 counts the container's CPU in ns; v2's cpu.stat in µs.
  const totalUsage =
    cgroup.version === 1
      ? Number(cpu!.trim())
      : (parseFlatKeyed(cpu!).usage_usec ?? Number.NaN) * 1000
  if (host === undefined || !Number.isFinite(totalUsage)) throw new Error("unreadable CPU counters")
  return {
    cpu: { totalUsage, ...host },
    memory: {
      usage: Number(usage!.trim()),
      limit: limitOf(limit!),
      stats: parseFlatKeyed(memoryStat!),
    },
  }
}
