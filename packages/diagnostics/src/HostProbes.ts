/**
 * The host probes: memory and swap (`free -h`, systeminformation), disk space and inodes per
 * mount (`df -h`, statfs), load against cores, and the resident memory and CPU of a process by pid
 * or name (the seed's `psutil.Process().memory_info().rss`).
 *
 * On Linux, mounts and processes are read from /proc and statfs(2) directly, as psutil does:
 * systeminformation would run `df` and `ps` through a shell, and one of its calls blocks the event
 * loop, which would hold up every probe running alongside. Elsewhere systeminformation is used.
 *
 * @example
 * ```ts
 * import { runProbes } from "@ir/diagnostics"
 * const run = await runProbes({ host: { processes: { api: { name: "uvicorn" } } } }, {})
 * run.observations.find((o) => o.signal === "host.memory.used_ratio")?.value
 * ```
 */
import { cpus, loadavg } from "node:os"
import * as Effect from "effect/Effect"
import type { DiagnosticsConfig, ProcessSelector } from "./DiagnosticsConfig.js"
import { cpuWindowMs, defaultCpuWindow } from "./internal/CpuSampling.js"
import {
  findProcesses,
  linuxMounts,
  type MountUsage,
  mountUsage,
  type ProcessSample,
  processById,
  sampleProcesses,
} from "./internal/HostSystem.js"
import { failureOf } from "./internal/ProbeFailure.js"
import {
  Findings,
  forEachConcurrently,
  formatBytes,
  formatRatio,
  graded,
  type ProbeContext,
  type ProbeImplementation,
  type ProbeReport,
  precise,
  type SignalEntry,
  signal,
} from "./internal/ProbeKit.js"
import { type Measurement, type ProbeStatus, worstStatus } from "./ProbeResult.js"

const isLinux = process.platform === "linux"

const hostTarget = (config: DiagnosticsConfig) =>
  config.host === undefined ? undefined : "localhost"

/**
 * `host.memory`: memory and swap in use.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["host.memory"] })
 * ```
 */
export const memoryProbe: ProbeImplementation = {
  id: "host.memory",
  target: hostTarget,
  requires: "host",
  options: [],
  measurements: [
    {
      name: "memory_used",
      unit: "B",
      description: "Total less available (not counting reclaimable cache), with the total as max.",
      threshold: "host.memory.used_ratio",
    },
    {
      name: "memory_used_ratio",
      unit: "ratio",
      description: "The same against the total.",
      threshold: "host.memory.used_ratio",
    },
    {
      name: "swap_used_ratio",
      unit: "ratio",
      description: "Swap in use against swap total (0 without swap).",
      threshold: "host.swap.used_ratio",
    },
  ],
  thresholds: ["host.memory.used_ratio", "host.swap.used_ratio"],
  unknownWhen: "the memory figures cannot be read",
  run: (context) =>
    Effect.gen(function* () {
      const si = yield* context.systemInformation
      const memory = yield* Effect.tryPromise({
        try: () => si.mem(),
        catch: (error) => failureOf(error, "reading memory figures"),
      })
      const used = memory.total - memory.available
      const usedRatio = memory.total > 0 ? used / memory.total : 0
      const swapRatio = memory.swaptotal > 0 ? memory.swapused / memory.swaptotal : 0
      const memoryGrade = graded(context, "host.memory.used_ratio", {
        name: "memory_used_ratio",
        value: precise(usedRatio),
        unit: "ratio",
        min: 0,
        max: 1,
      })
      const swapGrade = graded(context, "host.swap.used_ratio", {
        name: "swap_used_ratio",
        value: precise(swapRatio),
        unit: "ratio",
        min: 0,
        max: 1,
      })
      return {
        status: worstStatus([memoryGrade.status, swapGrade.status]),
        summary: `memory ${formatBytes(used)} of ${formatBytes(memory.total)} used (${formatRatio(usedRatio)}), ${formatBytes(memory.available)} available; swap ${
          memory.swaptotal > 0
            ? `${formatBytes(memory.swapused)} of ${formatBytes(memory.swaptotal)} (${formatRatio(swapRatio)})`
            : "none"
        }`,
        observations: [
          { name: "memory_used", value: used, unit: "B", min: 0, max: memory.total },
          memoryGrade.measurement,
          swapGrade.measurement,
        ],
        signals: [
          signal("host.memory.used_ratio", memoryGrade.measurement.value),
          signal(
            "host.memory.available_ratio",
            precise(memory.total > 0 ? memory.available / memory.total : 0),
          ),
          signal("host.swap.used_ratio", swapGrade.measurement.value),
        ],
        details: {
          totalBytes: memory.total,
          availableBytes: memory.available,
          usedBytes: used,
          buffersCacheBytes: memory.buffcache,
          swapTotalBytes: memory.swaptotal,
          swapUsedBytes: memory.swapused,
        },
      } satisfies ProbeReport
    }),
}

/**
 * A mount as it appears inside a signal key: `/` is `root`, `/var/lib` is `var_lib`.
 *
 * @example
 * ```ts
 * mountKey("/var/lib/postgresql") // "var_lib_postgresql"
 * ```
 */
export const mountKey = (mount: string): string =>
  mount === "/" ? "root" : mount.replace(/^\/+|\/+$/g, "").replace(/[^A-Za-z0-9_-]/g, "_")

const mountsOf = (context: ProbeContext) =>
  Effect.gen(function* () {
    const configured = context.config.host?.mounts
    if (configured !== undefined && configured.length > 0)
      return yield* Effect.tryPromise({
        try: () => Promise.all(configured.map((mount) => mountUsage(mount))),
        catch: (error) => failureOf(error, "statfs of the configured mounts", "permission"),
      })
    if (isLinux)
      return yield* Effect.tryPromise({
        try: () => linuxMounts(),
        catch: (error) => failureOf(error, "reading /proc/mounts", "permission"),
      })
    const si = yield* context.systemInformation
    const sizes = yield* Effect.tryPromise({
      try: () => si.fsSize(),
      catch: (error) => failureOf(error, "listing file systems"),
    })
    return sizes.map(
      (entry): MountUsage => ({
        mount: entry.mount,
        device: entry.fs,
        type: entry.type,
        sizeBytes: entry.size,
        usedBytes: entry.used,
        availableBytes: entry.available,
        usedRatio:
          entry.used + entry.available > 0 ? entry.used / (entry.used + entry.available) : 0,
      }),
    )
  })

/**
 * `host.disk`: space and inodes used per mount.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["host.disk"] })
 * ```
 */
export const diskProbe: ProbeImplementation = {
  id: "host.disk",
  target: hostTarget,
  requires: "host",
  options: [
    {
      path: "host.mounts",
      description: "Mount points (or any path on them) to check.",
      default: "every local file system",
    },
  ],
  measurements: [
    {
      name: "<mount>",
      unit: "B",
      description: "Space used, with the size as max.",
      threshold: "host.disk.used_ratio",
    },
    {
      name: "<mount>.used_ratio",
      unit: "ratio",
      description: "Used against used + available (`df`'s Use%).",
      threshold: "host.disk.used_ratio",
    },
    {
      name: "<mount>.inodes_used_ratio",
      unit: "ratio",
      description: "Inodes used.",
      threshold: "host.disk.used_ratio",
    },
  ],
  thresholds: ["host.disk.used_ratio"],
  unknownWhen: "the mounts cannot be listed or a configured mount cannot be read",
  run: (context) =>
    Effect.gen(function* () {
      const mounts = yield* mountsOf(context)
      const statuses: Array<ProbeStatus> = []
      const observations: Array<Measurement> = []
      const signals: Array<SignalEntry> = []
      let fullest: MountUsage | undefined
      for (const usage of mounts) {
        const key = mountKey(usage.mount)
        const space = graded(context, "host.disk.used_ratio", {
          name: `${usage.mount}.used_ratio`,
          value: precise(usage.usedRatio),
          unit: "ratio",
          min: 0,
          max: 1,
        })
        statuses.push(space.status)
        observations.push(
          { name: usage.mount, value: usage.usedBytes, unit: "B", min: 0, max: usage.sizeBytes },
          space.measurement,
        )
        signals.push(signal(`host.disk.${key}.used_ratio`, space.measurement.value))
        if (usage.inodesUsedRatio !== undefined) {
          const inodes = graded(context, "host.disk.used_ratio", {
            name: `${usage.mount}.inodes_used_ratio`,
            value: precise(usage.inodesUsedRatio),
            unit: "ratio",
            min: 0,
            max: 1,
          })
          statuses.push(inodes.status)
          observations.push(inodes.measurement)
          signals.push(signal(`host.disk.${key}.inodes_used_ratio`, inodes.measurement.value))
        }
        if (fullest === undefined || usage.usedRatio > fullest.usedRatio) fullest = usage
      }
      if (fullest !== undefined)
        signals.push(signal("host.disk.max_used_ratio", precise(fullest.usedRatio)))
      return {
        status: worstStatus(statuses),
        summary:
          fullest === undefined
            ? "no local file systems found"
            : `${mounts.length} mount${mounts.length === 1 ? "" : "s"}; fullest ${fullest.mount} at ${formatRatio(fullest.usedRatio)} (${formatBytes(fullest.availableBytes)} free)`,
        observations,
        signals,
        details: {
          mounts: mounts.map((usage) => ({
            ...usage,
            usedRatio: precise(usage.usedRatio),
            ...(usage.inodesUsedRatio === undefined
              ? {}
              : { inodesUsedRatio: precise(usage.inodesUsedRatio) }),
          })),
        },
      } satisfies ProbeReport
    }),
}

/**
 * `host.load`: one-minute load average per core.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["host.load"] })
 * ```
 */
export const loadProbe: ProbeImplementation = {
  id: "host.load",
  target: hostTarget,
  requires: "host",
  options: [],
  measurements: [
    {
      name: "load_per_core",
      description: "One-minute load average divided by the number of cores.",
      threshold: "host.load.per_core",
    },
    { name: "load1", description: "One-minute load average." },
  ],
  thresholds: ["host.load.per_core"],
  unknownWhen: "never (the load average is always readable)",
  run: (context) =>
    Effect.sync(() => {
      const [one = 0, five = 0, fifteen = 0] = loadavg()
      const cores = Math.max(1, cpus().length)
      const grade = graded(context, "host.load.per_core", {
        name: "load_per_core",
        value: precise(one / cores, 3),
        min: 0,
      })
      return {
        status: grade.status,
        summary: `load ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} on ${cores} cores (${grade.measurement.value} per core)`,
        observations: [grade.measurement, { name: "load1", value: precise(one, 3), min: 0 }],
        signals: [signal("host.load.per_core", grade.measurement.value)],
        details: { load1: one, load5: five, load15: fifteen, cores },
      } satisfies ProbeReport
    }),
}

const describe = (selector: ProcessSelector) =>
  "pid" in selector ? `pid ${selector.pid}` : `name "${selector.name}"`

/** Processes of a selector with RSS and CPU over `windowMs`, on Linux from /proc. */
const linuxProcesses = (selector: ProcessSelector, windowMs: number) =>
  Effect.tryPromise({
    try: async () => {
      const found =
        "pid" in selector
          ? [await processById(selector.pid)].filter((entry) => entry !== undefined)
          : await findProcesses(selector.name)
      return sampleProcesses(
        found,
        windowMs,
        Math.max(1, cpus().length),
        (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      )
    },
    catch: (error) => failureOf(error, `reading /proc for ${describe(selector)}`, "permission"),
  })

/** Elsewhere: systeminformation (CPU is its share of the host since its previous call). */
const siProcesses = (context: ProbeContext, selector: ProcessSelector) =>
  Effect.gen(function* () {
    const si = yield* context.systemInformation
    const list = yield* Effect.tryPromise({
      try: () => si.processes(),
      catch: (error) => failureOf(error, "listing processes"),
    })
    const cores = Math.max(1, cpus().length)
    const matches = list.list.filter((entry) =>
      "pid" in selector
        ? entry.pid === selector.pid
        : entry.name === selector.name || entry.command.includes(selector.name),
    )
    return matches.map(
      (entry): ProcessSample => ({
        pid: entry.pid,
        name: entry.name,
        command: entry.command,
        rssBytes: entry.memRss * 1024,
        cpuCores: (entry.cpu / 100) * cores,
      }),
    )
  })

/**
 * `host.process`: resident memory and CPU of configured processes.
 *
 * @example
 * ```ts
 * runProbes(config, { probes: ["host.process"] })
 * ```
 */
export const processProbe: ProbeImplementation = {
  id: "host.process",
  target: (config) =>
    Object.keys(config.host?.processes ?? {}).length === 0 ? undefined : "localhost",
  requires: "host.processes (at least one)",
  options: [
    {
      path: "host.processes",
      description:
        "Processes by name: `{ pid }` or `{ name }` (every process whose name or program is the name, else whose command line contains it; their RSS and CPU are summed).",
    },
    {
      path: "cpuWindow",
      description:
        "The window between the two /proc samples CPU is computed from (at most half the probe's timeout).",
      default: defaultCpuWindow,
    },
  ],
  measurements: [
    {
      name: "<name>.rss",
      unit: "B",
      description: "Resident memory.",
      threshold: "host.process.rss_bytes (if the runbook defines it)",
    },
    {
      name: "<name>.cpu",
      unit: "cores",
      description:
        "CPU between two samples `cpuWindow` apart, in cores (1 = one core busy; elsewhere than Linux, since systeminformation's previous call).",
    },
  ],
  thresholds: ["host.process.rss_bytes"],
  unknownWhen: "/proc (or the process list) cannot be read",
  run: (context) =>
    Effect.gen(function* () {
      const entries = Object.entries(context.config.host?.processes ?? {})
      const windowMs = cpuWindowMs(context.config, context.timeoutMs)
      const sampled = yield* forEachConcurrently(entries, ([name, selector]) =>
        (isLinux ? linuxProcesses(selector, windowMs) : siProcesses(context, selector)).pipe(
          Effect.map((samples) => ({ name, selector, samples })),
        ),
      )
      const findings = new Findings(isLinux ? { cpuWindowMs: windowMs } : {})
      for (const { name, selector, samples } of sampled) {
        const key = name.replace(/[^A-Za-z0-9_-]/g, "_")
        findings.details[name] = samples.map((sample) => ({
          pid: sample.pid,
          name: sample.name,
          rssBytes: sample.rssBytes,
          cpuCores: precise(sample.cpuCores, 3),
        }))
        if (samples.length === 0) {
          findings.add("critical", `${name}: no process with ${describe(selector)}`)
          continue
        }
        const rss = samples.reduce((sum, sample) => sum + sample.rssBytes, 0)
        const cpu = samples.reduce((sum, sample) => sum + sample.cpuCores, 0)
        const grade = graded(context, "host.process.rss_bytes", {
          name: `${key}.rss`,
          value: rss,
          unit: "B",
          min: 0,
        })
        findings.observations.push(grade.measurement, {
          name: `${key}.cpu`,
          value: precise(cpu, 3),
          unit: "cores",
          min: 0,
        })
        findings.signals.push(
          signal(`host.process.${key}.rss_bytes`, rss),
          // The vocabulary's ratio is a share of one core; a multi-threaded process can exceed it.
          signal(`host.process.${key}.cpu_ratio`, precise(Math.min(1, cpu), 3)),
        )
        findings.add(
          grade.status,
          `${name}: ${formatBytes(rss)} resident (${(rss / 1024 / 1024).toFixed(2)} MB), CPU ${(cpu * 100).toFixed(1)}% of a core${
            samples.length > 1 ? ` over ${samples.length} processes` : ` (pid ${samples[0]!.pid})`
          }`,
        )
      }
      return findings.report()
    }),
}
