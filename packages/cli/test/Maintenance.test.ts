// `ir maintenance` and the `maintenance:` section, in-process: windows from the configuration
// and from the journal, listed together; an incident they cover is opened flagged and says so;
// a wrong window is an error naming the file, line and field.
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { ir, json, tempDir } from "./harness.js"

const dir = tempDir("ir-maintenance-cli-")
afterAll(() => dir.remove())

const env = { XDG_STATE_HOME: join(dir.path, "state"), IR_USER: "alice" }

describe("ir maintenance", () => {
  it("lists configured and started windows, and opens a covered incident flagged, not paged", async () => {
    const cwd = join(dir.path, "ok")
    mkdirSync(cwd, { recursive: true })
    writeFileSync(
      join(cwd, "ir.config.yaml"),
      [
        "maintenance:",
        "  - id: db-upgrade",
        "    start: 2026-12-05T10:00:00Z",
        "    end: 2026-12-05T12:00:00Z",
        "    playbooks: [database-connectivity]",
        "    reason: PostgreSQL 16 upgrade",
        "",
      ].join("\n"),
    )
    const run = (argv: ReadonlyArray<string>) =>
      ir([...argv, "--at", "2026-12-05T10:30:00Z"], { cwd, env })
    const started = await run([
      "maintenance",
      "start",
      "--component",
      "api",
      "--for",
      "30m",
      "--reason",
      "deploy",
    ])
    expect(started.code, started.stderr).toBe(0)
    const listed = json<{ windows: ReadonlyArray<Record<string, unknown>> }>(
      await run(["maintenance", "list", "--json"]),
    )
    expect(listed.windows).toEqual([
      expect.objectContaining({ id: "db-upgrade", source: "config", state: "active" }),
      expect.objectContaining({
        id: "mw-20261205T103000",
        components: ["api"],
        end: "2026-12-05T11:00:00.000Z",
        source: "journal",
        by: "alice",
      }),
    ])
    const opened = await run([
      "incident",
      "open",
      "--severity",
      "P0",
      "--title",
      "Database down",
      "--playbook",
      "database-connectivity",
      "--json",
    ])
    expect(opened.code, opened.stderr).toBe(0)
    expect(json(opened).notPaged).toBe(
      "Under planned maintenance db-upgrade until 2026-12-05 12:00 UTC: not paged",
    )
    const refused = await run(["maintenance", "end", "db-upgrade"])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/window of the configuration/)
  })

  it("names the file, line and field of a wrong window", async () => {
    const cwd = join(dir.path, "bad")
    mkdirSync(cwd, { recursive: true })
    writeFileSync(
      join(cwd, "ir.config.yaml"),
      [
        "maintenance:",
        "  - id: db-upgrade",
        "    start: 2026-12-05T12:00:00Z",
        "    end: 2026-12-05T10:00:00Z",
        "    playbooks: [database-connectivity]",
        "    reason: PostgreSQL 16 upgrade",
        "",
      ].join("\n"),
    )
    const listed = await ir(["maintenance", "list"], { cwd, env })
    expect(listed.code).toBe(2)
    expect(listed.stderr).toMatch(
      /ir\.config\.yaml:4:\d+: maintenance\.0\.end: the window must end after it starts/,
    )
    writeFileSync(
      join(cwd, "ir.config.yaml"),
      "maintenance:\n  - { id: x, start: 2026-12-05T10:00:00Z, end: 2026-12-05T11:00:00Z, playbooks: [no-such], reason: r }\n",
    )
    const unknown = await ir(["maintenance", "list"], { cwd, env })
    expect(unknown.stderr).toMatch(/maintenance\.0\.playbooks\.0: no playbook "no-such"/)
  })
})
