// What a dry run does, as the help and the docs say: `ir notify --dry-run` renders and exits 0
// whether or not a channel would take the message; `ir action restart` records what it asked the
// Docker Engine, and records nothing when no engine is configured.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type CliRun, ir, json, tempDir } from "./harness.js"

const dirs: Array<{ remove: () => void }> = []
afterAll(() => {
  for (const dir of dirs) dir.remove()
})

const project = async (config: Record<string, unknown>) => {
  const dir = tempDir("ir-cli-dry-run-")
  dirs.push(dir)
  writeFileSync(
    join(dir.path, "ir.config.yaml"),
    stringify({ journal: { dir: "journal" }, ...config }),
  )
  const run = (argv: ReadonlyArray<string>) =>
    ir(argv, { cwd: dir.path, env: { USER: "carol", IR_NOW: "2026-11-28T10:00:00Z" } })
  const opened = await run(["incident", "open", "--severity", "P1", "--title", "Model failing"])
  expect(opened.code, opened.stderr).toBe(0)
  return run
}

const events = async (run: (argv: ReadonlyArray<string>) => Promise<CliRun>) =>
  json<{ entries: Array<{ type: string; description: string }> }>(
    await run(["incident", "timeline", "--json"]),
  ).entries

describe("ir notify --dry-run", () => {
  it("renders the message and exits 0 with no channel configured", async () => {
    const run = await project({})
    const dry = await run(["notify", "initial", "--dry-run"])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain("INCIDENT ALERT - P1")
    expect(dry.stdout).toMatch(
      /no channel incidents, status-page, support-tickets in notify.channels/,
    )
    const report = json<{ rendered: { text: string } }>(
      await run(["notify", "initial", "--dry-run", "--json"]),
    )
    expect(report.rendered.text).toContain("Summary: Model failing")
    // Sending for real still says it was not sent.
    expect((await run(["notify", "initial"])).code).toBe(1)
  })
})

describe("ir action restart", () => {
  it("says its help's truth: with no Docker Engine configured nothing is recorded, exit 2", async () => {
    const help = await ir(["action", "restart", "--help"])
    expect(help.stdout).toMatch(/With no Docker Engine configured, nothing is done or recorded/)
    expect(help.stdout).not.toContain("either way")
    const run = await project({})
    const restart = await run(["action", "restart", "app"])
    expect(restart.code).toBe(2)
    expect(restart.stderr).toMatch(/no Docker Engine is configured/)
    expect((await events(run)).map((event) => event.type)).not.toContain("action-taken")
  })

  it("records a dry run the Docker Engine did not answer as failed", async () => {
    const run = await project({ targets: { docker: { socket: "/nonexistent/docker.sock" } } })
    const restart = await run(["action", "restart", "app"])
    expect(restart.code).toBe(1)
    expect(restart.stdout).toMatch(/Recorded on INC-2026-0001 as failed/)
    const recorded = (await events(run)).filter((event) => event.type === "action-taken")
    expect(recorded).toHaveLength(1)
    expect(recorded[0]?.description).toMatch(/^Action docker.restart on app \(dry run\) failed/)
  })
})

describe("ir action restore-check", () => {
  it("with no backup directory configured does nothing, records nothing, exit 2", async () => {
    const help = await ir(["action", "restore-check", "--help"])
    expect(help.stdout).toMatch(/With no backup directory configured, nothing is done or recorded/)
    const run = await project({
      targets: { postgres: { url: "postgres://app:pw-x@127.0.0.1:1/anomaly_db" } },
    })
    const check = await run(["action", "restore-check", "--yes"])
    expect(check.code).toBe(2)
    expect(check.stderr).toMatch(
      /no backup directory is configured: set targets.postgres.backups.dir/,
    )
    expect((await events(run)).map((event) => event.type)).not.toContain("action-taken")
  })

  it("records a dry run PostgreSQL did not answer as failed, without the password", async () => {
    const backups = tempDir("ir-cli-dry-run-backups-")
    dirs.push(backups)
    writeFileSync(join(backups.path, "anomaly_db.dump"), "PGDMP")
    const run = await project({
      targets: {
        postgres: {
          url: "postgres://app:pw-not-shown@127.0.0.1:1/anomaly_db",
          // `true` stands in for pg_restore: only its --version is asked in a dry run.
          backups: { dir: backups.path, restoreCheck: { pgRestore: "true" } },
        },
      },
    })
    const check = await run(["action", "restore-check"])
    expect(check.code).toBe(1)
    expect(check.stdout).toMatch(/Recorded on INC-2026-0001 as failed/)
    expect(check.stdout).toMatch(
      /PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/anomaly_db: connection refused/,
    )
    expect(check.stdout).not.toContain("pw-not-shown")
    const recorded = (await events(run)).filter((event) => event.type === "action-taken")
    expect(recorded).toHaveLength(1)
    expect(recorded[0]?.description).toMatch(/postgres.restore-check \(dry run\) failed/)
  })
})
