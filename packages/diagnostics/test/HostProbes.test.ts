// The host probes read the real host (/proc, statfs, systeminformation): no service needed.
import { type ChildProcess, spawn } from "node:child_process"
import { describe, expect, it } from "vitest"
import { mountKey } from "../src/HostProbes.js"
import { runProbes } from "../src/index.js"
import { expectVocabulary, only, signalValue } from "./peers.js"

describe("host.memory", () => {
  it("reports memory and swap as ratios with the runbook's levels", async () => {
    const result = only(await runProbes({ host: {} }, { probes: ["host.memory"] }))
    expect(result.status).not.toBe("unknown")
    const used = signalValue(result, "host.memory.used_ratio") as number
    const available = signalValue(result, "host.memory.available_ratio") as number
    expect(used).toBeGreaterThan(0)
    expect(used + available).toBeCloseTo(1, 5)
    expect(result.observations.find((o) => o.name === "memory_used_ratio")).toMatchObject({
      warn: 0.85,
      critical: 0.95,
    })
    expect(result.summary).toMatch(/^memory .* used \(.*%\), .* available; swap /)
    expectVocabulary([result])
  })

  it("follows threshold overrides", async () => {
    const result = only(
      await runProbes(
        { host: {}, thresholds: { "host.memory.used_ratio": { warn: "0%", critical: "0.0001%" } } },
        { probes: ["host.memory"] },
      ),
    )
    expect(result.status).toBe("critical")
  })
})

describe("host.disk", () => {
  it("reports every local mount and the fullest", async () => {
    const result = only(await runProbes({ host: {} }, { probes: ["host.disk"] }))
    expect(signalValue(result, "host.disk.root.used_ratio")).toBeTypeOf("number")
    expect(signalValue(result, "host.disk.max_used_ratio")).toBeTypeOf("number")
    expectVocabulary([result])
  })

  it("checks configured mounts, with inodes", async () => {
    const result = only(await runProbes({ host: { mounts: ["/tmp"] } }, { probes: ["host.disk"] }))
    expect(signalValue(result, "host.disk.tmp.used_ratio")).toBeTypeOf("number")
    expect(signalValue(result, "host.disk.tmp.inodes_used_ratio")).toBeTypeOf("number")
  })

  it("names mounts for signal keys", () => {
    expect(mountKey("/")).toBe("root")
    expect(mountKey("/var/lib/postgresql")).toBe("var_lib_postgresql")
  })
})

describe("host.load", () => {
  it("reports load per core", async () => {
    const result = only(await runProbes({ host: {} }, { probes: ["host.load"] }))
    expect(signalValue(result, "host.load.per_core")).toBeTypeOf("number")
    expect(result.details?.cores).toBeGreaterThan(0)
  })
})

describe("host.process", () => {
  it("reports RSS and CPU of a process by pid and by name", async () => {
    const result = only(
      await runProbes(
        { host: { processes: { self: { pid: process.pid }, node: { name: "node" } } } },
        { probes: ["host.process"] },
      ),
    )
    expect(result.status).toBe("ok")
    const rss = signalValue(result, "host.process.self.rss_bytes") as number
    expect(rss).toBeGreaterThan(process.memoryUsage().rss * 0.5)
    expect(signalValue(result, "host.process.self.cpu_ratio")).toBeTypeOf("number")
    expect(signalValue(result, "host.process.node.rss_bytes") as number).toBeGreaterThan(0)
    expect(result.summary).toMatch(/^self: .* resident \(.* MB\), CPU .*% of a core \(pid \d+\)/)
    expectVocabulary([result])
  })

  it.runIf(process.platform === "linux")(
    "tells a busy process from an idle one over a short window",
    async () => {
      // Each child says "ready" once started, so that its start-up is not counted as its work.
      const child = (code: string) =>
        new Promise<ChildProcess>((resolve, reject) => {
          const started = spawn(process.execPath, ["-e", code], {
            stdio: ["ignore", "pipe", "ignore"],
          })
          started.once("error", reject)
          started.stdout.once("data", () => resolve(started))
        })
      const busy = await child('process.stdout.write("ready"); for (;;) {}')
      const idle = await child('process.stdout.write("ready"); setInterval(() => {}, 60_000)')
      try {
        const result = only(
          await runProbes(
            {
              host: { processes: { busy: { pid: busy.pid! }, idle: { pid: idle.pid! } } },
              cpuWindow: "150ms",
            },
            { probes: ["host.process"] },
          ),
        )
        expect(result.details?.cpuWindowMs).toBe(150)
        // One core busy is 1; the machine is shared, so a tenth of a core is asked for.
        expect(signalValue(result, "host.process.busy.cpu_ratio") as number).toBeGreaterThan(0.1)
        expect(signalValue(result, "host.process.idle.cpu_ratio") as number).toBeLessThan(0.05)
      } finally {
        busy.kill("SIGKILL")
        idle.kill("SIGKILL")
      }
    },
  )

  it("reports a process that is not running as critical", async () => {
    const result = only(
      await runProbes(
        { host: { processes: { api: { name: "ir-no-such-process-xyz" } } } },
        { probes: ["host.process"] },
      ),
    )
    expect(result.status).toBe("critical")
    expect(result.summary).toBe('api: no process with name "ir-no-such-process-xyz"')
  })
})
