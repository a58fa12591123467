import Docker from "dockerode"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type ContainerSelector,
  type DiagnosticsConfig,
  type ProbeResult,
  restartContainer,
  runProbes,
} from "../src/index.js"
import { sampleViaEngine } from "../src/internal/ContainerUsage.js"
import { makeDockerEngine } from "../src/internal/DockerEngine.js"
import { expectVocabulary, only, type Peer, signalValue, startBlackhole } from "./peers.js"
import { requireService } from "./requireService.js"

const socket = requireService("IR_TEST_DOCKER_SOCKET")
const image = requireService("IR_TEST_DOCKER_IMAGE")
const prefix = `ir-diag-${process.pid}`

const docker = socket === undefined ? undefined : new Docker({ socketPath: socket })

const create = async (
  role: string,
  cmd: Array<string>,
  extra: Docker.ContainerCreateOptions = {},
) => {
  const container = await docker!.createContainer({
    name: `${prefix}-${role}`,
    Image: image!,
    Cmd: cmd,
    Labels: { "ir.test": prefix, "ir.role": role },
    ...extra,
    HostConfig: { NetworkMode: "none", ...extra.HostConfig },
  })
  await container.start()
  return container
}

/** Polls `check` until it holds (bounded): Docker changes state asynchronously. */
const eventually = async <A>(
  read: () => Promise<A>,
  check: (value: A) => boolean,
  ms = 10_000,
): Promise<A> => {
  const until = Date.now() + ms
  let value = await read()
  while (!check(value)) {
    if (Date.now() > until)
      throw new Error(`condition not met within ${ms} ms: ${JSON.stringify(value).slice(0, 300)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    value = await read()
  }
  return value
}

const containers = {
  app: `${prefix}-app`,
  healthy: `${prefix}-healthy`,
  unhealthy: `${prefix}-unhealthy`,
  stopped: `${prefix}-stopped`,
  restarting: `${prefix}-restarting`,
  exited: `${prefix}-exited`,
  worker: { label: `ir.role=worker-${prefix}` },
  missing: `${prefix}-missing`,
}

const config = (
  selected: Readonly<Record<string, ContainerSelector>> = containers,
  extra: Partial<DiagnosticsConfig> = {},
): DiagnosticsConfig => ({
  docker: { socket: socket!, containers: selected },
  timeouts: { default: "4s" },
  ...extra,
})

beforeAll(async () => {
  if (docker === undefined) return
  const health = (test: Array<string>) => ({
    Test: test,
    Interval: 100_000_000,
    Timeout: 1_000_000_000,
    Retries: 1,
    StartPeriod: 0,
  })
  await Promise.all([
    create(
      "app",
      [
        "sh",
        "-c",
        'echo "INFO starting"; echo "ERROR database connection refused password=hunter2"; echo "WARN memory usage high" >&2; echo "ERROR failed to load model saved_models/model.h5"; exec sleep 1000',
      ],
      { HostConfig: { Memory: 64 * 1024 * 1024 } },
    ),
    create("healthy", ["sleep", "1000"], { Healthcheck: health(["CMD", "true"]) }),
    create("unhealthy", ["sleep", "1000"], { Healthcheck: health(["CMD", "false"]) }),
    create("stopped", ["sleep", "1000"]).then((container) => container.stop({ t: 0 })),
    create("restarting", ["sh", "-c", "echo ERROR crashed; exit 1"], {
      HostConfig: { RestartPolicy: { Name: "always" } },
    }),
    create("exited", ["sh", "-c", "exit 3"]),
    docker
      .createContainer({
        name: `${prefix}-worker-1`,
        Image: image!,
        Cmd: ["sleep", "1000"],
        Labels: { "ir.role": `worker-${prefix}` },
        HostConfig: { NetworkMode: "none" },
      })
      .then((container) => container.start()),
  ])
  const inspect = (name: string) => () => docker.getContainer(name).inspect()
  await Promise.all([
    eventually(inspect(containers.restarting), (info) => info.RestartCount >= 3),
    eventually(inspect(containers.exited), (info) => info.State.Status === "exited"),
    eventually(inspect(containers.healthy), (info) => info.State.Health?.Status === "healthy"),
    eventually(inspect(containers.unhealthy), (info) => info.State.Health?.Status === "unhealthy"),
  ])
}, 30_000)

afterAll(async () => {
  if (docker === undefined) return
  const list = await docker.listContainers({ all: true, filters: { name: [prefix] } })
  await Promise.all(
    list.map((entry) =>
      docker
        .getContainer(entry.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  )
}, 30_000)

describe.skipIf(socket === undefined)("against a real Docker Engine", () => {
  it("reaches the engine", async () => {
    const result = only(await runProbes(config(), { probes: ["docker.engine"] }))
    expect(result.status).toBe("ok")
    expect(signalValue(result, "docker.reachable")).toBe(true)
    expect(result.details?.apiVersion).toMatch(/^1\.\d+/)
  })

  it("reports each container's state, health, restarts and exit code", async () => {
    const result = only(await runProbes(config(), { probes: ["docker.containers"] }))
    const value = (role: string, key: string) =>
      signalValue(result, `docker.container.${role}.${key}`)
    expect(value("app", "running")).toBe(true)
    expect(value("app", "health")).toBe("none")
    expect(value("app", "uptime_seconds") as number).toBeGreaterThan(0)
    expect(value("healthy", "health")).toBe("healthy")
    expect(value("unhealthy", "health")).toBe("unhealthy")
    expect(value("stopped", "state")).toBe("exited")
    expect(value("stopped", "running")).toBe(false)
    expect(value("stopped", "exit_code")).toBe(137)
    expect(value("restarting", "restart_count") as number).toBeGreaterThanOrEqual(3)
    expect(value("exited", "state")).toBe("exited")
    expect(value("exited", "exit_code")).toBe(3)
    expect(value("exited", "oom_killed")).toBe(false)
    expect(value("worker", "running")).toBe(true)
    expect(value("missing", "exists")).toBe(false)
    expect(result.status).toBe("critical")
    expect(result.summary).toContain(`exited: ${prefix}-exited exited (exited with code 3)`)
    expect(result.summary).toContain("missing: no container with name")
    expect(result.summary).toMatch(/restarting: .*restarts/)
    expectVocabulary([result])
  })

  it("grades a healthy running container ok, an unhealthy one critical", async () => {
    const healthy = only(
      await runProbes(config({ healthy: containers.healthy }), { probes: ["docker.containers"] }),
    )
    expect(healthy.status).toBe("ok")
    const unhealthy = only(
      await runProbes(config({ unhealthy: containers.unhealthy }), {
        probes: ["docker.containers"],
      }),
    )
    expect(unhealthy.status).toBe("critical")
    expect(unhealthy.summary).toContain("unhealthy")
  })

  it("counts the seed's log patterns, with the last lines redacted", async () => {
    const result = only(
      await runProbes(config({ app: containers.app, restarting: containers.restarting }), {
        probes: ["docker.logs"],
      }),
    )
    expect(signalValue(result, "logs.app.error_lines")).toBe(2)
    expect(signalValue(result, "logs.app.connection_lines")).toBe(1)
    expect(signalValue(result, "logs.app.memory_lines")).toBe(1)
    expect(signalValue(result, "logs.app.model_lines")).toBe(1)
    expect(signalValue(result, "logs.restarting.error_lines") as number).toBeGreaterThanOrEqual(3)
    expect(result.status).toBe("warn") // ERROR lines: warn from 1, critical from 10
    const app = result.details?.app as { last: { errors: Array<string> }; tail: Array<string> }
    expect(app.last.errors).toEqual([
      "ERROR database connection refused password=***",
      "ERROR failed to load model saved_models/model.h5",
    ])
    expect(app.tail).toContain("WARN memory usage high")
    expect(JSON.stringify(result)).not.toContain("hunter2")
    expectVocabulary([result])
  })

  it("reports memory against the container's limit", async () => {
    const result = only(
      await runProbes(config({ app: containers.app, stopped: containers.stopped }), {
        probes: ["docker.stats"],
      }),
    )
    const used = signalValue(result, "docker.container.app.memory.used_bytes") as number
    expect(used).toBeGreaterThan(0)
    expect(signalValue(result, "docker.container.app.memory.used_ratio")).toBeCloseTo(
      used / (64 * 1024 * 1024),
      5,
    )
    expect(result.observations.find((entry) => entry.name === "app.memory")).toMatchObject({
      max: 64 * 1024 * 1024,
    })
    expect(result.summary).toContain("stopped: not running")
    expectVocabulary([result])
  })

  describe("CPU over a short window", () => {
    // A busy loop keeps one core busy; `sleep` uses none. They exist only for these tests, so that
    // the busy loop does not take a core from every other test.
    const cpuRoles = { busy: `${prefix}-busy`, idle: `${prefix}-idle` }
    beforeAll(async () => {
      if (docker === undefined) return
      const [, idle] = await Promise.all([
        create("busy", ["sh", "-c", "while :; do :; done"]),
        create("idle", ["sleep", "1000"]),
      ])
      // A container's start (runc, the exec of `sleep`) is counted in its cgroup: wait until the
      // idle one has stopped spending CPU, so that a short window measures it at rest.
      const usage = async () =>
        (
          (await idle.stats({ stream: false, "one-shot": true } as { stream: false })) as {
            cpu_stats: { cpu_usage: { total_usage: number } }
          }
        ).cpu_stats.cpu_usage.total_usage
      await eventually(
        async () => {
          const before = await usage()
          await new Promise((resolve) => setTimeout(resolve, 300))
          return (await usage()) - before
        },
        (spent) => spent < 1_000_000, // under a millisecond of CPU in 300 ms
        20_000,
      )
    }, 30_000)
    afterAll(async () => {
      if (docker === undefined) return
      await Promise.all(
        Object.values(cpuRoles).map((name) =>
          docker
            .getContainer(name)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      )
    }, 30_000)

    const containerOf = (result: ProbeResult, role: string) => {
      const measured = result.details?.[role] as
        | ReadonlyArray<{ cpuPercent?: number; countersFrom: string }>
        | undefined
      expect(measured).toHaveLength(1)
      return measured![0]!
    }

    it("tells a busy container from an idle one from two samples of its cgroup", async () => {
      const result = only(
        await runProbes(config(cpuRoles, { cpuWindow: "150ms" }), { probes: ["docker.stats"] }),
      )
      expect(result.status).toBe("ok")
      expect(result.details?.cpuWindowMs).toBe(150)
      const busy = containerOf(result, "busy")
      const idle = containerOf(result, "idle")
      // The engine runs on this host: its containers' cgroups are read directly.
      expect(busy.countersFrom).toBe("cgroup")
      // One core busy is 100 %. The machine is shared (a load of 8 on 2 cores has been seen, which
      // leaves the loop a quarter of a core), so only a tenth of a core is asked for; idle is 0.
      expect(busy.cpuPercent).toBeGreaterThan(10)
      expect(idle.cpuPercent).toBeLessThan(2)
      const cores = (await docker!.info()).NCPU as number
      expect(signalValue(result, "docker.container.busy.cpu.ratio")).toBeCloseTo(
        busy.cpuPercent! / 100 / cores,
        4,
      )
      expectVocabulary([result])
    })

    it("tells them apart from two one-shot samples of the engine as well", async () => {
      const engine = await Effect.runPromise(
        makeDockerEngine({ socket: socket!, containers: {} }, 4000),
      )
      const [busy, idle] = await Promise.all(
        [cpuRoles.busy, cpuRoles.idle].map(async (name) => {
          const id = (await docker!.getContainer(name).inspect()).Id
          return Effect.runPromise(sampleViaEngine(engine, { id, name }, 150))
        }),
      )
      expect(busy?.source).toBe("engine")
      expect(busy?.memory?.usage).toBeGreaterThan(0)
      expect(busy?.cpu?.percent).toBeGreaterThan(10)
      expect(idle?.cpu?.percent).toBeLessThan(2)
    })
  })

  it("restarts only when confirmed, and waits until the container is healthy again", async () => {
    const target = config({ healthy: containers.healthy })
    const before = await docker!.getContainer(containers.healthy).inspect()
    const dryRun = await restartContainer(target, "healthy", { confirm: false })
    expect(dryRun).toMatchObject({ performed: false, outcome: "dry-run" })
    expect(dryRun.summary).toMatch(/^would restart healthy .* and be healthy; confirm to do it$/)
    expect((await docker!.getContainer(containers.healthy).inspect()).State.StartedAt).toBe(
      before.State.StartedAt,
    )

    const done = await restartContainer(target, "healthy", {
      confirm: true,
      timeout: "20s",
      stopTimeoutSeconds: 0,
    })
    expect(done.outcome).toBe("restarted")
    expect(done.performed).toBe(true)
    const after = await docker!.getContainer(containers.healthy).inspect()
    expect(after.State.StartedAt).not.toBe(before.State.StartedAt)
    expect(after.State.Health?.Status).toBe("healthy")
    expect(done.containers[0]?.after).toMatchObject({ state: "running", health: "healthy" })
  })

  it("gives up on a container that never becomes healthy, by its timeout", async () => {
    const started = performance.now()
    const result = await restartContainer(
      config({ unhealthy: containers.unhealthy }),
      "unhealthy",
      {
        confirm: true,
        timeout: "2s",
        stopTimeoutSeconds: 0,
      },
    )
    // Without its 2 s timeout the restart would wait for a health that never comes.
    expect(performance.now() - started).toBeLessThan(2000 * 3)
    expect(result.outcome).toBe("timeout")
    expect(result.summary).toMatch(/did not complete in time/)
  })

  it("finds nothing to restart for an unknown container", async () => {
    const result = await restartContainer(config(), "missing", { confirm: true })
    expect(result).toMatchObject({ outcome: "not-found", performed: false })
  })
})

describe("a Docker Engine that is not there", () => {
  let blackhole: Peer
  beforeAll(async () => {
    blackhole = await startBlackhole()
  })
  afterAll(async () => {
    await blackhole.close()
  })

  it("reports a missing socket as unreachable", async () => {
    const result = only(
      await runProbes(
        { docker: { socket: "/tmp/ir-no-such-docker.sock", containers: {} } },
        { probes: ["docker.engine"] },
      ),
    )
    expect(result.status).toBe("critical")
    expect(result.cause?.reason).toBe("connection-refused")
    expect(signalValue(result, "docker.reachable")).toBe(false)
  })

  it("reports a blackholed engine as unknown within the timeout", async () => {
    const result = await runProbes(
      {
        docker: { host: `tcp://127.0.0.1:${blackhole.port}`, containers: { app: "app" } },
        timeouts: { default: "0.5s" },
      },
      { probes: ["docker.engine", "docker.containers", "docker.stats", "docker.logs"] },
    )
    for (const entry of result.results) expect(entry.durationMs).toBeLessThan(500 + 400)
    expect(
      result.results.every(
        (entry) => entry.status === "unknown" && entry.cause?.reason === "timeout",
      ),
    ).toBe(true)
  })
})
