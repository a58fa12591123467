// `ir check` and `ir triage` on backup directories: real directories in a temporary folder,
// configured with paths relative to ir.config.yaml.
import { mkdirSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { ir, json, tempDir } from "./harness.js"

const project = tempDir("ir-cli-backups-")
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600 * 1000)

beforeAll(() => {
  mkdirSync(join(project.path, "backups/exports"), { recursive: true })
  mkdirSync(join(project.path, "backups/models"), { recursive: true })
  const exported = join(project.path, "backups/exports/readings-2026-11-28.csv.gz")
  writeFileSync(exported, "x".repeat(2048))
  utimesSync(exported, hoursAgo(4), hoursAgo(4))
  const model = join(project.path, "backups/models/models-2026-11-25.tar.gz")
  writeFileSync(model, "m".repeat(4096))
  utimesSync(model, hoursAgo(60), hoursAgo(60))
  writeFileSync(
    join(project.path, "ir.config.yaml"),
    stringify({
      targets: {
        http: false,
        prometheus: false,
        postgres: false,
        docker: false,
        host: false,
        files: {
          models: false,
          data: false,
          backups: {
            exports: "backups/exports",
            models: { dir: "backups/models", match: "models-*.tar.gz" },
            nightly: "backups/not-there",
          },
        },
      },
    }),
  )
})

afterAll(() => project.remove())

describe("backup directories from the command line", () => {
  it("ir check files.backups: critical for the stale and the missing directory, with perfdata", async () => {
    const run = await ir(["check", "files.backups"], { cwd: project.path })
    expect(run.code, run.stderr).toBe(2)
    expect(run.stdout).toContain(
      "exports: 1 backup, newest readings-2026-11-28.csv.gz 4h 0m old, 2 KiB",
    )
    expect(run.stdout).toContain(
      "models: 1 backup, newest models-2026-11-25.tar.gz 2d 12h old, 4 KiB",
    )
    expect(run.stdout).toContain(
      `nightly (${join(project.path, "backups/not-there")}) does not exist`,
    )
    expect(run.stdout).toMatch(/'models\.newest_age'=\d+(\.\d+)?s;93600;180000;0/)
  })

  it("ir triage: a stale backup alone opens the data-pipeline playbook at P2", async () => {
    const run = await ir(["triage", "--json"], { cwd: project.path })
    expect(run.code, run.stderr).toBe(1)
    const report = json<{
      severity: string
      playbooks: ReadonlyArray<{
        id: string
        severity: string
        symptoms: ReadonlyArray<{ id: string; outcome: string }>
      }>
    }>(run)
    expect(report.playbooks.map((playbook) => playbook.id)).toEqual(["data-pipeline-failures"])
    expect(report.severity).toBe("P2")
    expect(report.playbooks[0]?.symptoms).toContainEqual(
      expect.objectContaining({ id: "backup-stale", outcome: "matched" }),
    )
  })
})
