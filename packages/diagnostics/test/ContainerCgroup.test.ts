import { describe, expect, it } from "vitest"
import {
  hostCpuOfProcStat,
  parseContainerCgroup,
  parseFlatKeyed,
} from "../src/internal/ContainerCgroup.js"

const id = "7e6e8732e72355aec7a8777d43764a9b9992c1fd7ec4f8c017ae2c52e2df2eca"

describe("parseContainerCgroup", () => {
  it("finds the cpuacct and memory hierarchies of cgroup v1", () => {
    const text = [
      `9:name=systemd:/docker/${id}`,
      `4:memory:/docker/${id}`,
      `2:cpu,cpuacct:/docker/${id}`,
      `0::/docker/${id}`,
    ].join("\n")
    expect(parseContainerCgroup(text, id)).toEqual({
      version: 1,
      cpuacct: `/sys/fs/cgroup/cpu,cpuacct/docker/${id}`,
      memory: `/sys/fs/cgroup/memory/docker/${id}`,
    })
  })

  it("finds the unified hierarchy of cgroup v2 (systemd driver)", () => {
    expect(parseContainerCgroup(`0::/system.slice/docker-${id}.scope\n`, id)).toEqual({
      version: 2,
      dir: `/sys/fs/cgroup/system.slice/docker-${id}.scope`,
    })
  })

  it("does not take another process's cgroup for the container's", () => {
    expect(parseContainerCgroup("0::/user.slice/session-1.scope\n", id)).toBeUndefined()
  })
})

describe("hostCpuOfProcStat", () => {
  it("sums user to softirq in ns, as the engine's system_cpu_usage, and counts the cores", () => {
    const procStat = [
      "cpu  100 2 30 800 5 1 2 7 0 0",
      "cpu0 50 1 15 400 2 1 1 3 0 0",
      "cpu1 50 1 15 400 3 0 1 4 0 0",
      "intr 12345",
    ].join("\n")
    // 100+2+30+800+5+1+2 = 940 ticks of 10 ms; steal (7) is left out as the engine does.
    expect(hostCpuOfProcStat(procStat)).toEqual({ systemUsage: 9_400_000_000, onlineCpus: 2 })
  })
})

describe("parseFlatKeyed", () => {
  it("reads memory.stat and cpu.stat", () => {
    expect(parseFlatKeyed("usage_usec 1500\nuser_usec 1000\n")).toEqual({
      usage_usec: 1500,
      user_usec: 1000,
    })
  })
})
