// `ir oncall` (the BUILT `ir`): who is on call at handoff edges, across a DST change, with an
// override, from the configuration and from an .ics file; --export-ics reads back the same.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
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
      "      - { id: grace, name: Grace Hopper, email: grace@example.com }",
      "      - { id: linus, name: Linus Torvalds }",
      "    rotations:",
      '      - { id: weekly, layer: primary, members: [ada, grace], timeZone: Europe/Berlin, start: 2026-03-02, weekday: monday, handoff: "09:00", length: weekly }',
      '      - { id: backup, layer: secondary, members: [linus], timeZone: Europe/Berlin, start: 2026-03-02, handoff: "09:00", length: weekly }',
      "    overrides:",
      '      - { layer: primary, person: grace, from: "2026-03-04T12:00:00+01:00", until: "2026-03-05T12:00:00+01:00" }',
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
})
