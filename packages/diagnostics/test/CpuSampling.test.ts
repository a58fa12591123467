import { describe, expect, it } from "vitest"
import {
  countersOfDockerStats,
  cpuBetween,
  cpuWindowMs,
  type DockerCpuStats,
} from "../src/internal/CpuSampling.js"

// The sample response of GET /containers/{id}/stats in the Docker Engine API reference.
const documented: { cpu_stats: DockerCpuStats; precpu_stats: DockerCpuStats } = {
  cpu_stats: {
    cpu_usage: { percpu_usage: [8646879, 24472255, 36438778, 30657443], total_usage: 100215355 },
    system_cpu_usage: 739306590000000,
    online_cpus: 4,
  },
  precpu_stats: {
    cpu_usage: { percpu_usage: [8646879, 24350896, 36438778, 30657443], total_usage: 100093996 },
    system_cpu_usage: 9492140000000,
    online_cpus: 4,
  },
}

describe("cpuBetween", () => {
  it("computes docker stats' CPU % from the documented sample pair", () => {
    const previous = countersOfDockerStats(documented.precpu_stats)!
    const current = countersOfDockerStats(documented.cpu_stats)!
    const use = cpuBetween(previous, current)!
    // (100215355 − 100093996) / (739306590000000 − 9492140000000) × 4 × 100
    expect(use.percent).toBeCloseTo((121359 / 729814450000000) * 4 * 100, 20)
    expect(use.hostRatio).toBeCloseTo(121359 / 729814450000000, 24)
  })

  it("reads one and a half busy cores of four over a 200 ms window as 150 %", () => {
    // 200 ms on 4 cores is 800 ms of host CPU time; the container used 300 ms of it.
    const previous = { totalUsage: 5_000_000_000, systemUsage: 1_000_000_000_000, onlineCpus: 4 }
    const current = { totalUsage: 5_300_000_000, systemUsage: 1_000_800_000_000, onlineCpus: 4 }
    expect(cpuBetween(previous, current)).toEqual({ percent: 150, hostRatio: 0.375 })
  })

  it("has no answer when the host's counter did not move or the container's went back", () => {
    const sample = { totalUsage: 10, systemUsage: 1000, onlineCpus: 2 }
    expect(cpuBetween(sample, sample)).toBeUndefined()
    expect(cpuBetween(sample, { ...sample, totalUsage: 5, systemUsage: 2000 })).toBeUndefined()
  })

  it("counts the cores from percpu_usage when online_cpus is missing (API < 1.27)", () => {
    const { online_cpus: _, ...older } = documented.cpu_stats
    expect(countersOfDockerStats(older)?.onlineCpus).toBe(4)
  })

  it("finds no counters in a one-shot answer's empty precpu_stats", () => {
    expect(countersOfDockerStats({ cpu_usage: { total_usage: 0 } })).toBeUndefined()
    expect(countersOfDockerStats(undefined)).toBeUndefined()
  })
})

describe("cpuWindowMs", () => {
  it("is 200 ms unless configured, and at most half the probe's timeout", () => {
    expect(cpuWindowMs({}, 5000)).toBe(200)
    expect(cpuWindowMs({ cpuWindow: "0.5s" }, 5000)).toBe(500)
    expect(cpuWindowMs({ cpuWindow: "3s" }, 5000)).toBe(2500)
  })
})
