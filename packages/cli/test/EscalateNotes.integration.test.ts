// `ir escalate` keeps its notes per journal: two journals in two schemas of one PostgreSQL
// database, whose first incidents share a human id, keep two sets of notes, never one.
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { ir, json, tempDir } from "./harness.js"
import { type Peer, slackPeer } from "./peers.js"
import { requireService } from "./requireService.js"

const pgUrl = requireService("IR_TEST_PG_URL")
const schemas = [`ir_notes_a_${process.pid}`, `ir_notes_b_${process.pid}`]
const dirs: Array<{ remove: () => void }> = []
let slack: Peer

beforeAll(async () => {
  slack = await slackPeer()
})

afterAll(async () => {
  await slack.close()
  for (const dir of dirs) dir.remove()
  if (pgUrl === undefined) return
  const client = new pg.Client({ connectionString: pgUrl })
  await client.connect()
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await client.end()
})

describe.skipIf(pgUrl === undefined)("ir escalate's notes on PostgreSQL", () => {
  it("keeps the notes of each schema apart", async () => {
    const cache = tempDir("ir-cli-notes-cache-")
    dirs.push(cache)
    const t0 = Date.parse("2026-11-28T10:00:00Z")
    const ids: Array<string> = []
    for (const schema of schemas) {
      const project = tempDir("ir-cli-notes-pg-")
      dirs.push(project)
      writeFileSync(
        join(project.path, "ir.config.yaml"),
        stringify({
          journal: { backend: "postgres", url: pgUrl, schema },
          notify: {
            channels: [
              { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T/B/x` },
            ],
            retries: 0,
          },
        }),
      )
      const run = (argv: ReadonlyArray<string>) =>
        ir(argv, { cwd: project.path, env: { USER: "carol", XDG_CACHE_HOME: cache.path } })
      const opened = await run([
        ...["incident", "open", "--severity", "P2", "--title", `Disk filling up in ${schema}`],
        ...["--notify", "--json", "--at", new Date(t0).toISOString()],
      ])
      expect(opened.code, opened.stderr).toBe(0)
      const id = json<{ incident: { id: string } }>(opened).incident.id
      const escalated = await run([
        "escalate",
        "--verbose",
        "--at",
        new Date(t0 + 60_000).toISOString(),
      ])
      expect(escalated.stderr).toContain(`(schema ${schema})`)
      ids.push(id)
    }
    // The same human id in both journals…
    expect(new Set(ids).size).toBe(1)
    // …and a file of notes for each.
    const files = readdirSync(join(cache.path, "ir", "quiet"))
    expect(files).toHaveLength(2)
    for (const file of files) {
      const stored = JSON.parse(readFileSync(join(cache.path, "ir", "quiet", file), "utf8")) as {
        notes: Record<string, unknown>
      }
      expect(Object.keys(stored.notes)).toEqual([ids[0]])
    }
  })
})
