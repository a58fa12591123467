// `ir action restart` against a real container in the test's Docker Engine: the dry run changes
// nothing, `--yes` restarts it and waits until it runs again, and the incident's journal records
// both. The BUILT `ir` runs as a real process.
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { requireService } from "./requireService.js"
import { docker, type IrResult, irProcess, requireBuiltCli } from "./scenarios.js"

const dockerSocket = requireService("IR_TEST_DOCKER_SOCKET")
const dockerImage = requireService("IR_TEST_DOCKER_IMAGE")
const ready = dockerSocket !== undefined && dockerImage !== undefined

const dir = join(tmpdir(), `ir-cli-action-${process.pid}`)
const container = `ir-cli-action-${process.pid}`

const run = (argv: ReadonlyArray<string>): Promise<IrResult> =>
  irProcess(argv, { cwd: dir, env: { USER: "bob" }, timeoutMs: 90_000 })

const json = <A>(result: IrResult): A => {
  try {
    return JSON.parse(result.stdout) as A
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

const state = async () => {
  const [status, startedAt] = (
    await docker(dockerSocket ?? "", [
      "inspect",
      "--format",
      "{{.State.Status}} {{.State.StartedAt}}",
      container,
    ])
  ).split(" ")
  return { status, startedAt }
}

interface ShownIncident {
  readonly incident: {
    readonly id: string
    readonly actions: ReadonlyArray<{
      readonly action: string
      readonly target: string
      readonly dryRun: boolean
      readonly outcome: string
      readonly by: string
      readonly detail: string
    }>
  }
}

describe.skipIf(!ready)("ir action restart", () => {
  beforeAll(async () => {
    requireBuiltCli()
    mkdirSync(dir, { recursive: true })
    await docker(dockerSocket ?? "", ["rm", "-f", container]).catch(() => "")
    await docker(dockerSocket ?? "", [
      "run",
      "-d",
      "--name",
      container,
      dockerImage ?? "",
      "sh",
      "-c",
      // Stops at once on SIGTERM (a bare `sleep` as PID 1 would make docker wait 10 s to kill it).
      "trap 'exit 0' TERM; while true; do sleep 1; done",
    ])
    writeFileSync(
      join(dir, "ir.config.yaml"),
      stringify({
        targets: {
          docker: { socket: dockerSocket, containers: { app: container } },
          prometheus: false,
          postgres: false,
          files: false,
        },
        journal: { dir: "journal" },
      }),
    )
  }, 60_000)

  afterAll(async () => {
    if (ready) await docker(dockerSocket ?? "", ["rm", "-f", container]).catch(() => "")
    rmSync(dir, { recursive: true, force: true })
  })

  it("needs an incident to record the action on", async () => {
    const result = await run(["action", "restart", "app"])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/no open incident/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it("shows what it would do, restarts only with --yes, and records both", async () => {
    const opened = await run([
      "incident",
      "open",
      "--severity",
      "P1",
      "--title",
      "App not answering",
      "--json",
    ])
    expect(opened.code, opened.stderr).toBe(0)
    const id = json<{ incident: { id: string } }>(opened).incident.id

    const before = await state()
    expect(before.status).toBe("running")

    const dry = await run(["action", "restart", "app"])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/dry run/)
    expect(dry.stdout).toContain(`would restart app (container ${container}, running)`)
    expect(dry.stdout).toContain("--yes")
    expect(await state()).toEqual(before)

    const done = await run(["action", "restart", "app", "--yes", "--timeout", "30s", "--json"])
    expect(done.code, done.stderr).toBe(0)
    const report = json<{ result: { outcome: string; performed: boolean }; incident: string }>(done)
    expect(report.incident).toBe(id)
    expect(report.result).toMatchObject({ outcome: "restarted", performed: true })
    const after = await state()
    expect(after.status).toBe("running")
    expect(after.startedAt).not.toBe(before.startedAt)

    const shown = json<ShownIncident>(await run(["incident", "show", id, "--json"]))
    expect(shown.incident.actions).toMatchObject([
      { action: "docker.restart", target: "app", dryRun: true, outcome: "planned", by: "bob" },
      { action: "docker.restart", target: "app", dryRun: false, outcome: "succeeded", by: "bob" },
    ])
    expect(shown.incident.actions[1]?.detail).toMatch(/^restarted app/)
  }, 120_000)

  it("records a restart that could not be done as failed, and says so", async () => {
    const result = await run(["action", "restart", `${container}-missing`, "--yes"])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/failed/)
    expect(result.stdout).toMatch(/no container/)
    const shown = json<ShownIncident>(await run(["incident", "show", "--json"]))
    expect(shown.incident.actions.at(-1)).toMatchObject({ dryRun: false, outcome: "failed" })
  }, 60_000)
})
