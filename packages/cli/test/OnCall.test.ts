// `ir oncall` (the BUILT `ir`): who is on call at handoff edges, across a DST change, with an
// override, from the configuration, from an .ics file and from PagerDuty's REST API (a local peer
// that speaks its documented shape); --export-ics reads back the same.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultRunbook } from "@ir/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Peer, pagerDutyOnCall, pagerDutyRestPeer } from "./peers.js"
import { irProcess, requireBuiltCli } from "./scenarios.js"

const dir = mkdtempSync(join(tmpdir(), "ir-oncall-"))
beforeAll(() => {
  requireBuiltCli()
  writeFileSync(
    join(dir, "ir.config.yaml"),
    [
      "runbook:",
      "  onCallSchedule:",
      "    people:",
      '      - { id: ada, name: Ada Lovelace, email: ada@example.com, phone: "+1-555-0111" }',
      "      - { id: grace, name: Grace Hopper, email: grace@example.com, pagerDuty: { userId: PGRC002 } }",
      "      - { id: linus, name: Linus Torvalds }",
      "    rotations:",
      '      - { id: weekly, layer: primary, members: [ada, grace], timeZone: Europe/Berlin, start: 2026-03-02, weekday: monday, handoff: "09:00", length: weekly }',
      '      - { id: backup, layer: secondary, members: [linus], timeZone: Europe/Berlin, start: 2026-03-02, handoff: "09:00", length: weekly }',
      "    overrides:",
      '      - { layer: primary, person: grace, from: "2026-03-04T12:00:00+01:00", until: "2026-03-05T12:00:00+01:00" }',
      // Read only by --pagerduty-schedule: the other answers need neither variable.
      "oncall:",
      "  pagerDuty:",
      `    token: "\${PD_READ_TOKEN}"`,
      `    baseUrl: "\${PD_URL}"`,
      "",
    ].join("\n"),
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const oncall = async (...argv: ReadonlyArray<string>) => {
  const result = await irProcess(["oncall", ...argv], { cwd: dir, timeoutMs: 60_000 })
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as {
    primary: {
      current: { person: { id: string }; until: string } | null
      next: { person: { id: string } } | null
    }
    secondary: { current: { person: { id: string } } | null }
  }
}

describe("ir oncall", () => {
  it("hands off at 09:00 Berlin time, not a second before", async () => {
    const before = await oncall("--json", "--at", "2026-03-09T07:59:59Z")
    expect(before.primary.current?.person.id).toBe("ada")
    expect(before.primary.current?.until).toBe("2026-03-09T08:00:00.000Z")
    expect(before.primary.next?.person.id).toBe("grace")
    const at = await oncall("--json", "--at", "2026-03-09T08:00:00Z")
    expect(at.primary.current?.person.id).toBe("grace")
    expect(at.secondary.current?.person.id).toBe("linus")
  })

  it("keeps the 09:00 handoff across the change to summer time (07:00 UTC from 29 March)", async () => {
    const before = await oncall("--json", "--at", "2026-03-30T06:59:59Z")
    expect(before.primary.current?.until).toBe("2026-03-30T07:00:00.000Z")
    const after = await oncall("--json", "--at", "2026-03-30T07:00:00Z")
    expect(after.primary.current?.person.id).not.toBe(before.primary.current?.person.id)
  })

  it("gives an override's window to its person, then hands back", async () => {
    expect(
      (await oncall("--json", "--at", "2026-03-04T10:59:59Z")).primary.current?.person.id,
    ).toBe("ada")
    const during = await oncall("--json", "--at", "2026-03-04T11:00:00Z")
    expect(during.primary.current).toMatchObject({
      person: { id: "grace" },
      until: "2026-03-05T11:00:00.000Z",
    })
    expect(
      (await oncall("--json", "--at", "2026-03-05T11:00:00Z")).primary.current?.person.id,
    ).toBe("ada")
  })

  it("answers from an .ics file, and --export-ics reads back as the same answers", async () => {
    const exported = await irProcess(
      [
        "oncall",
        "--export-ics",
        "--days",
        "60",
        "--at",
        "2026-03-02T08:00:00Z",
        "-o",
        "export.ics",
      ],
      { cwd: dir, timeoutMs: 60_000 },
    )
    expect(exported.code, exported.stderr).toBe(0)
    expect(readFileSync(join(dir, "export.ics"), "utf8")).toMatch(/^BEGIN:VCALENDAR/)
    for (const at of ["2026-03-04T11:00:00Z", "2026-03-09T07:59:59Z", "2026-03-30T07:00:00Z"]) {
      const fromConfig = await oncall("--json", "--at", at)
      const fromIcs = await oncall("--json", "--ics", "export.ics", "--at", at)
      expect(fromIcs.primary.current?.person.id, at).toBe(fromConfig.primary.current?.person.id)
    }
    // a calendar as PagerDuty exports one: the person from ATTENDEE's CN
    writeFileSync(
      join(dir, "pagerduty.ics"),
      [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//PagerDuty//Schedule//EN",
        "BEGIN:VEVENT",
        "UID:Q1@pagerduty.com",
        "DTSTAMP:20260301T000000Z",
        "DTSTART:20260302T080000Z",
        "DTEND:20260309T080000Z",
        "SUMMARY:On Call - Grace Hopper - Primary",
        "ATTENDEE;CN=Grace Hopper:mailto:grace@example.com",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
      ].join("\r\n"),
    )
    const answer = await oncall("--json", "--ics", "pagerduty.ics", "--at", "2026-03-03T00:00:00Z")
    expect(answer.primary.current?.person.id).toBe("grace")
    const text = await irProcess(
      ["oncall", "--ics", "pagerduty.ics", "--at", "2026-03-03T00:00:00Z"],
      {
        cwd: dir,
        timeoutMs: 60_000,
      },
    )
    expect(text.stdout).toContain(
      "Primary: Grace Hopper (grace@example.com) until 2026-03-09 08:00 UTC",
    )
  })

  it("names a calendar it cannot read, exit 2, no stack trace", async () => {
    const missing = await irProcess(["oncall", "--ics", "missing.ics"], {
      cwd: dir,
      timeoutMs: 60_000,
    })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("--ics missing.ics: cannot read it (ENOENT)")
    expect(missing.stderr).not.toMatch(/\n\s+at /)
  })

  it("names a file that is not a calendar and says what is wrong in it, exit 2", async () => {
    writeFileSync(join(dir, "notes.ics"), "primary: ada\nsecondary: linus\n")
    const result = await irProcess(["oncall", "--ics", "notes.ics"], {
      cwd: dir,
      timeoutMs: 60_000,
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      'ir: notes.ics: not an iCalendar file: expected it to begin with BEGIN:VCALENDAR; its first line is "primary: ada"\n',
    )
    expect(result.stdout).toBe("")
  })

  it("--json: the documented document, contacts and what put each person on call", async () => {
    const result = await irProcess(["oncall", "--json", "--at", "2026-03-04T11:00:00Z"], {
      cwd: dir,
      timeoutMs: 60_000,
    })
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      schemaVersion: 1,
      command: "oncall",
      at: "2026-03-04T11:00:00.000Z",
      source: "runbook",
      primary: {
        current: {
          person: {
            id: "grace",
            name: "Grace Hopper",
            email: "grace@example.com",
            pagerDuty: { userId: "PGRC002" },
          },
          from: "2026-03-04T11:00:00.000Z",
          until: "2026-03-05T11:00:00.000Z",
          via: { kind: "override", index: 0 },
        },
        next: {
          person: {
            id: "ada",
            name: "Ada Lovelace",
            email: "ada@example.com",
            phone: "+1-555-0111",
          },
          from: "2026-03-05T11:00:00.000Z",
          until: "2026-03-09T08:00:00.000Z",
          via: { kind: "rotation", rotation: "weekly", turn: 0 },
        },
      },
      secondary: {
        current: {
          person: { id: "linus", name: "Linus Torvalds" },
          from: "2026-03-02T08:00:00.000Z",
          // the only member: on call until someone else is, and nobody is next
          until: null,
          via: { kind: "rotation", rotation: "backup", turn: 0 },
        },
        next: null,
      },
    })
  })

  it("reads the schedule from a runbook file of the team's own (runbook.file)", async () => {
    const team = mkdtempSync(join(tmpdir(), "ir-oncall-team-"))
    try {
      // JSON is YAML: the default runbook as a file, with the team's schedule in it.
      const onCallSchedule = {
        people: [{ id: "ada", name: "Ada Lovelace" }, { id: "grace" }],
        rotations: [
          {
            id: "daily",
            layer: "primary",
            members: ["ada", "grace"],
            timeZone: "America/New_York",
            start: "2026-03-01",
            handoff: "09:00",
            length: "daily",
          },
        ],
      }
      writeFileSync(
        join(team, "runbook.yaml"),
        JSON.stringify({ ...defaultRunbook, name: "Team runbook", onCallSchedule }),
      )
      writeFileSync(join(team, "ir.config.yaml"), "runbook:\n  file: runbook.yaml\n")
      // 09:00 in New York is 14:00 UTC before 8 March 2026 and 13:00 UTC after it.
      const ask = async (at: string) => {
        const result = await irProcess(["oncall", "--json", "--at", at], {
          cwd: team,
          timeoutMs: 60_000,
        })
        expect(result.code, result.stderr).toBe(0)
        return JSON.parse(result.stdout).primary.current
      }
      expect(await ask("2026-03-08T12:59:59Z")).toMatchObject({
        person: { id: "ada", name: "Ada Lovelace" },
        from: "2026-03-07T14:00:00.000Z",
        until: "2026-03-08T13:00:00.000Z",
      })
      expect(await ask("2026-03-08T13:00:00Z")).toMatchObject({
        person: { id: "grace" },
        from: "2026-03-08T13:00:00.000Z",
        until: "2026-03-09T13:00:00.000Z",
      })
    } finally {
      rmSync(team, { recursive: true, force: true })
    }
  })

  it("without a schedule says how to configure one; --export-ics refuses (exit 2)", async () => {
    const bare = mkdtempSync(join(tmpdir(), "ir-oncall-bare-"))
    try {
      const text = await irProcess(["oncall"], { cwd: bare, timeoutMs: 60_000 })
      expect(text.code, text.stderr).toBe(0)
      expect(text.stdout).toContain("No on-call schedule: add `onCallSchedule`")
      const exported = await irProcess(["oncall", "--export-ics"], {
        cwd: bare,
        timeoutMs: 60_000,
      })
      expect(exported.code).toBe(2)
      expect(exported.stderr).toContain("--export-ics: No on-call schedule")
      expect(exported.stdout).toBe("")
    } finally {
      rmSync(bare, { recursive: true, force: true })
    }
  })
})

describe("ir oncall --pagerduty-schedule", () => {
  const token = "u+PdReadOnly_Key-7Hq2x"
  let peer: Peer | undefined
  afterAll(() => peer?.close())
  const ada = { id: "PADA001", name: "Ada Lovelace", email: "ada@example.com" }
  const grace = { id: "PGRC002", name: "Grace Hopper", email: "grace@example.com" }
  const unknown = { id: "PKAT003", name: "Katherine Johnson", email: "katherine@example.com" }
  const env = (url: string, key: string) => ({ PD_READ_TOKEN: key, PD_URL: url })
  const ask = (url: string, key: string, ...argv: ReadonlyArray<string>) =>
    irProcess(["oncall", ...argv], { cwd: dir, env: env(url, key), timeoutMs: 60_000 })

  it("answers from GET /oncalls, people matched to the configured ones for their contacts", async () => {
    peer = await pagerDutyRestPeer(token, [
      pagerDutyOnCall({
        schedule: "PSCHED1",
        user: ada,
        start: "2026-03-09T08:00:00Z",
        end: "2026-03-16T08:00:00Z",
      }),
      pagerDutyOnCall({
        schedule: "PSCHED1",
        user: grace,
        start: "2026-03-16T08:00:00Z",
        end: "2026-03-23T08:00:00Z",
      }),
      pagerDutyOnCall({
        schedule: "PSCHED2",
        user: unknown,
        start: "2026-03-09T08:00:00Z",
        end: "2026-03-16T08:00:00Z",
      }),
    ])
    const argv = ["--pagerduty-schedule", "PSCHED1", "--pagerduty-secondary", "PSCHED2"]
    const json = await ask(peer.url, token, ...argv, "--json", "--at", "2026-03-10T12:00:00Z")
    expect(json.code, json.stderr).toBe(0)
    const answer = JSON.parse(json.stdout)
    expect(answer.source).toBe("pagerduty")
    expect(answer.primary.current).toMatchObject({
      person: { id: "ada", phone: "+1-555-0111" },
      until: "2026-03-16T08:00:00.000Z",
    })
    expect(answer.primary.next.person.id).toBe("grace")
    expect(answer.secondary.current.person).toMatchObject({
      name: "Katherine Johnson",
      email: "katherine@example.com",
    })
    const request = peer.received[0]
    expect(request?.headers.authorization).toBe(`Token token=${token}`)
    expect(request?.headers.accept).toBe("application/vnd.pagerduty+json;version=2")
    const query = new URL(request?.path ?? "", "http://localhost").searchParams
    expect(query.getAll("schedule_ids[]")).toEqual(["PSCHED1", "PSCHED2"])
    expect(query.getAll("include[]")).toEqual(["users"])

    const text = await ask(peer.url, token, ...argv, "--at", "2026-03-10T12:00:00Z")
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(
      "Primary: Ada Lovelace (+1-555-0111, ada@example.com) until 2026-03-16 08:00 UTC",
    )
    expect(text.stdout).toContain("Secondary: Katherine Johnson (katherine@example.com)")
    for (const output of [json.stdout, json.stderr, text.stdout, text.stderr])
      expect(output).not.toContain(token)
  })

  it("a key PagerDuty refuses: exit 2, the reason, and never the key (not even with -v)", async () => {
    peer ??= await pagerDutyRestPeer(token, [])
    const wrong = "u+WrongKey_9Zz8yy7xx6"
    const refused = await ask(peer.url, wrong, "--pagerduty-schedule", "PSCHED1", "-v")
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(
      /^ir: PagerDuty \(http:\/\/127\.0\.0\.1:\d+\/oncalls\) refused the API key \(HTTP 401 .*Unauthorized.*\); check that it is a REST API key/m,
    )
    expect(refused.stdout + refused.stderr).not.toContain(wrong)
  })

  it("without the key's variable, names it and the setting (exit 2); other answers never needed it", async () => {
    const result = await irProcess(["oncall", "--pagerduty-schedule", "PSCHED1"], {
      cwd: dir,
      env: { PD_URL: "http://127.0.0.1:9" },
      timeoutMs: 60_000,
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      "ir.config.yaml:14:12: oncall.pagerDuty.token: expected the environment variable PD_READ_TOKEN to be set",
    )
  })

  it("takes one source: --ics with --pagerduty-schedule is a usage error", async () => {
    const result = await irProcess(
      ["oncall", "--ics", "export.ics", "--pagerduty-schedule", "PSCHED1"],
      { cwd: dir, timeoutMs: 60_000 },
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("give one source")
  })
})
