// What follows an incident, kept in its journal (the BUILT `ir`, real processes, a file journal):
// action items recorded with owner, due date and link, checked off; checklist steps checked off;
// `ir followup list --overdue` across incidents; the post-mortem document shows all of it, and a
// second render still does.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Peer, webhookPeer } from "./peers.js"
import { type IrResult, irProcess, requireBuiltCli } from "./scenarios.js"

const dir = mkdtempSync(join(tmpdir(), "ir-followup-"))
beforeAll(() => {
  requireBuiltCli()
  writeFileSync(join(dir, "ir.config.yaml"), "journal: { dir: journal }\n")
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ir = (...argv: ReadonlyArray<string>) =>
  irProcess(argv, { cwd: dir, env: { USER: "alice" }, timeoutMs: 60_000 })

const ok = (result: IrResult) => {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
  return result
}

describe("ir followup", () => {
  it("records action items and checklist steps, lists what is open, and the post-mortem shows them", async () => {
    ok(
      await ir(
        "incident",
        "open",
        "--severity",
        "P1",
        "--title",
        "API errors",
        "--at",
        "2026-11-28T10:00:00Z",
      ),
    )
    ok(
      await ir(
        "incident",
        "resolve",
        "--resolution",
        "Rolled back",
        "--at",
        "2026-11-28T11:00:00Z",
      ),
    )
    ok(
      await ir(
        "incident",
        "open",
        "--severity",
        "P2",
        "--title",
        "Slow reports",
        "--at",
        "2026-11-29T10:00:00Z",
      ),
    )
    ok(
      await ir(
        "incident",
        "resolve",
        "--resolution",
        "Index added",
        "--at",
        "2026-11-29T11:00:00Z",
      ),
    )

    const added = ok(
      await ir(
        "followup",
        "add",
        "INC-2026-0001",
        "--text",
        "Alert on pool saturation",
        "--owner",
        "bob",
        "--due",
        "2026-12-01T17:00:00Z",
        "--link",
        "https://tracker.example/OPS-1",
        "--at",
        "2026-11-28T12:00:00Z",
      ),
    )
    expect(added.stdout).toContain("action item A1 added")
    ok(
      await ir(
        "followup",
        "add",
        "INC-2026-0002",
        "--text",
        "Load test the reports",
        "--due",
        "2026-12-20T17:00:00Z",
        "--at",
        "2026-11-29T12:00:00Z",
      ),
    )

    // on 2 December the first is overdue, the second is not
    const overdue = await ir(
      "followup",
      "list",
      "--overdue",
      "--json",
      "--at",
      "2026-12-02T00:00:00Z",
    )
    expect(overdue.code).toBe(1)
    const items = JSON.parse(overdue.stdout).items
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({
      incident: "INC-2026-0001",
      id: "A1",
      owner: "bob",
      overdue: true,
    })
    const all = ok(await ir("followup", "list", "--at", "2026-12-02T00:00:00Z"))
    expect(all.stdout).toMatch(/INC-2026-0001\s+A1\s+Alert on pool saturation/)
    expect(all.stdout).toMatch(/INC-2026-0002\s+A1\s+Load test the reports/)

    ok(
      await ir("followup", "done", "INC-2026-0001", "--item", "A1", "--at", "2026-12-02T09:00:00Z"),
    )
    ok(
      await ir(
        "followup",
        "check",
        "INC-2026-0001",
        "--step",
        "immediate:2",
        "--at",
        "2026-12-02T09:00:00Z",
      ),
    )
    const none = await ir("followup", "list", "--overdue", "--at", "2026-12-02T10:00:00Z")
    expect(none.code).toBe(0)
    expect(none.stdout).toContain("No overdue action items.")

    // bad input: named, exit 2, nothing recorded, no stack trace
    const unknown = await ir("followup", "done", "INC-2026-0001", "--item", "A7")
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('--item "A7": INC-2026-0001 has action items A1')
    expect(unknown.stderr).not.toMatch(/\n\s+at /)
    const badStep = await ir("followup", "check", "INC-2026-0001", "--step", "weekly:1")
    expect(badStep.code).toBe(2)
    expect(badStep.stderr).toContain("immediate, short-term, long-term")

    // the post-mortem records an action item given there, once, and shows everything checked
    for (let render = 0; render < 2; render++) {
      const document = ok(
        await ir(
          "postmortem",
          "INC-2026-0001",
          "--action-item",
          "Add the pool check to the runbook",
        ),
      ).stdout
      expect(document).toContain(
        "- [x] A1 Alert on pool saturation (owner bob, due 2026-12-01 17:00 UTC, https://tracker.example/OPS-1) — done 2026-12-02 09:00 UTC by alice",
      )
      expect(document).toContain("- [ ] A2 Add the pool check to the runbook")
      expect(document).not.toContain("A3")
      expect(document).toContain("- [x] Update monitoring if needed")
      expect(document).toContain("- [ ] Ensure system stability")
    }
    const shown = JSON.parse(ok(await ir("incident", "show", "INC-2026-0001", "--json")).stdout)
    expect(shown.incident.actionItems[0]).toMatchObject({
      id: "A1",
      owner: "bob",
      due: "2026-12-01T17:00:00.000Z",
      doneAt: "2026-12-02T09:00:00.000Z",
      doneBy: "alice",
    })
    expect(shown.incident.checklistDone).toEqual([
      { checklist: "immediate", step: 2, at: "2026-12-02T09:00:00.000Z", by: "alice" },
    ])
    const timeline = JSON.parse(
      ok(await ir("incident", "timeline", "INC-2026-0001", "--json")).stdout,
    )
    expect(
      timeline.entries.filter((entry: { type: string }) => entry.type.startsWith("action-item")),
    ).toHaveLength(3)
  }, 120_000)

  it("the responder reminds: the checklist at its deadline, an overdue action item weekly, each once", async () => {
    const hook: Peer = await webhookPeer()
    const project = mkdtempSync(join(tmpdir(), "ir-followup-remind-"))
    try {
      writeFileSync(
        join(project, "ir.config.yaml"),
        [
          "journal: { dir: journal }",
          "notify:",
          "  channels:",
          `    - { id: incidents, kind: webhook, url: "${hook.url}/hook", secret: "\${HOOK_SECRET}" }`,
          "",
        ].join("\n"),
      )
      const run = (...argv: ReadonlyArray<string>) =>
        irProcess(argv, {
          cwd: project,
          env: { USER: "alice", HOOK_SECRET: "hook-secret-0123456789" },
          timeoutMs: 60_000,
        })
      ok(
        await run(
          "incident",
          "open",
          "--severity",
          "P2",
          "--title",
          "Slow reports",
          "--at",
          "2026-11-28T10:00:00Z",
        ),
      )
      ok(
        await run(
          "incident",
          "resolve",
          "--resolution",
          "Index added",
          "--postmortem-at",
          "2026-12-01T14:00:00Z",
          "--at",
          "2026-11-28T11:00:00Z",
        ),
      )
      ok(
        await run(
          "followup",
          "add",
          "--text",
          "Alert on slow queries",
          "--owner",
          "bob",
          "--due",
          "2026-11-30T17:00:00Z",
          "--at",
          "2026-11-28T12:00:00Z",
        ),
      )
      ok(await run("followup", "check", "--step", "immediate:1", "--at", "2026-11-28T12:00:00Z"))
      const followups = () =>
        hook.received
          .map((request) => request.json)
          .filter((body) => body.kind === "followup")
          .map((body) => String(body.text ?? body.summary ?? ""))
      // 29 Nov 11:00: the immediate checklist (within 24 hours) has three steps left
      ok(await run("escalate", "--notify", "--quiet", "--at", "2026-11-29T11:00:00Z"))
      expect(followups()).toHaveLength(1)
      expect(followups()[0]).toContain("Immediate (within 24 hours): 3 step(s) left")
      expect(followups()[0]).toContain("Update monitoring if needed")
      expect(followups()[0]).not.toContain("Ensure system stability")
      ok(await run("escalate", "--notify", "--quiet", "--at", "2026-11-29T12:00:00Z"))
      expect(followups()).toHaveLength(1)
      // 1 Dec 14:00: the item is overdue and the meeting is due
      ok(await run("escalate", "--notify", "--quiet", "--at", "2026-12-01T14:00:00Z"))
      expect(followups()).toHaveLength(3)
      expect(followups().some((text) => text.includes("Action item A1 overdue"))).toBe(true)
      expect(
        followups().some((text) => text.includes("A1 Alert on slow queries (owner bob)")),
      ).toBe(true)
      expect(
        followups().some((text) => text.includes("Conduct post-mortem meeting: it is time")),
      ).toBe(true)
      // a week after it was due, again; and the short-term checklist (within 1 week) is late
      ok(await run("escalate", "--notify", "--quiet", "--at", "2026-12-07T17:00:00Z"))
      expect(followups()).toHaveLength(5)
      expect(followups().filter((text) => text.includes("Action item A1 overdue"))).toHaveLength(2)
      expect(followups().some((text) => text.includes("Short-term (within 1 week)"))).toBe(true)
      // done: never again
      ok(await run("followup", "done", "--item", "A1", "--at", "2026-12-08T09:00:00Z"))
      ok(await run("escalate", "--notify", "--quiet", "--at", "2026-12-14T17:00:00Z"))
      expect(followups().filter((text) => text.includes("Action item A1 overdue"))).toHaveLength(2)
    } finally {
      await hook.close()
      rmSync(project, { recursive: true, force: true })
    }
  }, 120_000)
})
