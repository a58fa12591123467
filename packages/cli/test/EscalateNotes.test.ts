// `ir escalate` keeps the responder's notes of incidents with nothing due between runs (in the
// user's cache), and reads again every incident whose note no longer holds: one that changed,
// one whose next deadline came, one under another runbook; `ir escalate ID` reads its incident.
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type CliRun, ir, json, tempDir } from "./harness.js"
import { type Peer, slackPeer } from "./peers.js"

let slack: Peer
const dirs: Array<{ remove: () => void }> = []
beforeAll(async () => {
  slack = await slackPeer()
})
afterAll(async () => {
  await slack.close()
  for (const dir of dirs) dir.remove()
})

const expectCode = (run: CliRun, code: number) =>
  expect(run.code, `exit ${run.code}\n${run.stdout}\n${run.stderr}`).toBe(code)

interface Notes {
  version: number
  fingerprint: string
  notes: Record<string, [number, number, number | null]>
}

describe("ir escalate's notes between runs", () => {
  it("skips an incident only while its note holds, and never hides what falls due", async () => {
    const project = tempDir("ir-cli-notes-")
    const cache = tempDir("ir-cli-notes-cache-")
    dirs.push(project, cache)
    const config = (title: string) =>
      writeFileSync(
        join(project.path, "ir.config.yaml"),
        stringify({
          journal: { dir: "journal" },
          notify: {
            channels: [
              { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T/B/x` },
            ],
            retries: 0,
          },
          runbook: { name: title },
        }),
      )
    config("Ops")
    const run = (argv: ReadonlyArray<string>) =>
      ir(argv, { cwd: project.path, env: { USER: "carol", XDG_CACHE_HOME: cache.path } })
    const t0 = Date.parse("2026-11-28T10:00:00Z")
    const iso = (ms: number) => new Date(ms).toISOString()
    const opened = await run([
      "incident",
      "open",
      "--severity",
      "P1",
      "--title",
      "Disk filling up",
      "--notify",
      "--json",
      "--at",
      iso(t0),
    ])
    expectCode(opened, 0)
    const id = json<{ incident: { id: string } }>(opened).incident.id

    // Nothing due right after the initial alert went out: the run notes the incident quiet.
    const quiet = await run(["escalate", "--at", iso(t0 + 60_000)])
    expectCode(quiet, 0)
    expect(quiet.stderr).toMatch(/Nothing is due/)
    const notesDir = join(cache.path, "ir", "quiet")
    const [file] = readdirSync(notesDir)
    const notesFile = join(notesDir, file!)
    const stored = JSON.parse(readFileSync(notesFile, "utf8")) as Notes
    const [sequence, checkedAt, until] = stored.notes[id]!
    expect(checkedAt).toBe(t0 + 60_000)
    expect(until).toBeGreaterThan(t0 + 60_000)

    // At the moment the note names, the incident is read again and what fell due is reported.
    const due = await run(["escalate", "--at", iso(until!), "--json"])
    expectCode(due, 1)
    const dueIds = json<{ incidents: Array<{ id: string }> }>(due).incidents.map((i) => i.id)
    expect(dueIds).toEqual([id])

    // A note that says "quiet until much later" is what keeps a run from reading the incident…
    const forged = (note: [number, number, number | null], fingerprint = stored.fingerprint) =>
      writeFileSync(
        notesFile,
        JSON.stringify({ ...stored, fingerprint, notes: { [id]: note } } satisfies Notes),
      )
    forged([sequence, t0 + 60_000, null])
    const hidden = await run(["escalate", "--at", iso(until!)])
    expectCode(hidden, 0)
    expect(hidden.stderr).toMatch(/Nothing is due .* \(1 incident checked\)/)
    // …but only for the journal sequence it was taken at,
    forged([sequence - 1, t0 + 60_000, null])
    expectCode(await run(["escalate", "--at", iso(until!)]), 1)
    // only from the moment it was taken (a rehearsal clock may go back),
    forged([sequence, until! + 1, null])
    expectCode(await run(["escalate", "--at", iso(until!)]), 1)
    // only under the runbook it was taken with,
    forged([sequence, t0 + 60_000, null])
    config("Ops, renamed")
    expectCode(await run(["escalate", "--at", iso(until!)]), 1)
    config("Ops")
    // and never for one incident named on the command line.
    forged([sequence, t0 + 60_000, null])
    expectCode(await run(["escalate", id, "--at", iso(until!)]), 1)
    // A file that is not notes is left aside.
    writeFileSync(notesFile, "{ not json")
    expectCode(await run(["escalate", "--at", iso(until!)]), 1)
  })
})
