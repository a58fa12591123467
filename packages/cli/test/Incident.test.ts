// The incident commands in process, on a file journal in a temporary directory and a Slack peer
// on loopback: configuration errors, the rehearsal clock, choosing the incident, what is printed
// and recorded, and that no secret is ever shown.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { openJournal } from "@ir/journal"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type CliRun, ir, json, tempDir } from "./harness.js"
import { type Peer, slackPeer, texts } from "./peers.js"

const secretPath = "T0SECRET9/B0SECRET9/xoxSECRETUNIT77"
let slack: Peer
const dirs: Array<{ remove: () => void }> = []

beforeAll(async () => {
  slack = await slackPeer()
})
afterAll(async () => {
  await slack.close()
  for (const dir of dirs) dir.remove()
})

/** A project with a journal, a Slack channel and `config` laid over that. */
const project = (config: Record<string, unknown> = {}) => {
  const dir = tempDir("ir-cli-incident-")
  dirs.push(dir)
  writeFileSync(
    join(dir.path, "ir.config.yaml"),
    stringify({
      journal: { dir: "journal" },
      notify: {
        channels: [{ id: "incidents", kind: "slack", webhookUrl: `\${SLACK_WEBHOOK_URL}` }],
        retries: 0,
      },
      ...config,
    }),
  )
  const env = { SLACK_WEBHOOK_URL: `${slack.url}/services/${secretPath}`, USER: "carol" }
  const outputs: Array<string> = []
  const run = async (argv: ReadonlyArray<string>, extraEnv: Record<string, string> = {}) => {
    const result = await ir(argv, { cwd: dir.path, env: { ...env, ...extraEnv } })
    outputs.push(result.stdout, result.stderr)
    return result
  }
  return { dir: dir.path, run, outputs }
}

const expectCode = (run: CliRun, code: number) =>
  expect(run.code, `exit ${run.code}\n${run.stdout}\n${run.stderr}`).toBe(code)

const open = (
  run: ReturnType<typeof project>["run"],
  severity: string,
  title: string,
  ...extra: Array<string>
) => run(["incident", "open", "--severity", severity, "--title", title, "--json", ...extra])

describe("ir incident", () => {
  it("opens, acknowledges, updates, flags and resolves an incident, with its clock", async () => {
    const { run } = project()
    const opened = await open(
      run,
      "P1",
      "High API error rate",
      "--playbook",
      "high-api-error-rate",
      "--at",
      "2026-11-28T10:00:00Z",
    )
    expectCode(opened, 0)
    const incident = json<{
      incident: { id: string; deadlines: Record<string, string>; due: Array<{ kind: string }> }
    }>(opened).incident
    expect(incident.id).toBe("INC-2026-0001")
    expect(incident.deadlines).toMatchObject({
      respondBy: "2026-11-28T11:00:00.000Z",
      nextUpdateDue: "2026-11-28T11:00:00.000Z",
      escalateAt: "2026-11-28T12:00:00.000Z",
    })
    expect(incident.due.map((action) => action.kind)).toEqual(["notify-initial"])

    expectCode(await run(["incident", "ack", "--at", "2026-11-28T10:10:00Z"]), 0)
    const updated = await run([
      "incident",
      "update",
      "--progress",
      "Rolled back",
      "--status",
      "Monitoring",
      "--next",
      "Watch the error rate",
      "--at",
      "2026-11-28T10:40:00Z",
    ])
    expectCode(updated, 0)
    expect(updated.stdout).toContain("update 1 posted; the next one is due 11:40 UTC")
    const flagged = await run([
      "incident",
      "flag",
      "customer-impact-increasing",
      "--at",
      "2026-11-28T10:45:00Z",
      "--json",
    ])
    expectCode(flagged, 0)
    expect(
      json<{ incident: { due: Array<{ kind: string; contact?: { role: string } }> } }>(flagged)
        .incident.due,
    ).toContainEqual(
      expect.objectContaining({
        kind: "escalate",
        contact: expect.objectContaining({ role: "Technical Lead" }),
      }),
    )

    const resolved = await run([
      "incident",
      "resolve",
      "--resolution",
      "Rolled back 1.4.2",
      "--root-cause",
      "A bad deploy",
      "--postmortem-at",
      "2026-12-01T14:00:00Z",
      "--at",
      "2026-11-28T11:10:00Z",
      "--json",
    ])
    expectCode(resolved, 0)
    const report = json<{
      duration: string
      postmortemScheduledFor: string
      notice: { text: string }
      incident: { status: string; acknowledgedBy: string }
    }>(resolved)
    expect(report.duration).toBe("1h 10m")
    expect(report.postmortemScheduledFor).toBe("2026-12-01T14:00:00.000Z")
    expect(report.notice.text).toContain("Duration: 1h 10m")
    expect(report.incident).toMatchObject({ status: "resolved", acknowledgedBy: "carol" })

    const timeline = await run(["incident", "timeline", "INC-2026-0001", "--format", "markdown"])
    expectCode(timeline, 0)
    expect(timeline.stdout).toContain("# INC-2026-0001: High API error rate")
    expect(timeline.stdout).toContain("Flag raised: customer impact increasing")
    expect(timeline.stdout).toContain("Post-mortem scheduled for 2026-12-01T14:00:00.000Z")

    // Impossible changes are one clear line.
    const again = await run([
      "incident",
      "resolve",
      "INC-2026-0001",
      "--resolution",
      "again",
      "--at",
      "2026-11-28T11:20:00Z",
    ])
    expectCode(again, 2)
    expect(again.stderr).toMatch(/INC-2026-0001 is resolved/)
    expect(again.stderr).not.toMatch(/\n\s+at /)
  })

  it("takes the only open incident when none is named, and refuses to guess among several", async () => {
    const { run } = project()
    const none = await run(["incident", "ack"])
    expectCode(none, 2)
    expect(none.stderr).toMatch(/no open incident/)
    expectCode(await open(run, "P2", "Disk filling up"), 0)
    expectCode(await run(["incident", "ack"]), 0)
    expectCode(await open(run, "P3", "Typo in the docs"), 0)
    const ambiguous = await run(["incident", "ack"])
    expectCode(ambiguous, 2)
    expect(ambiguous.stderr).toMatch(
      /2 incidents are open \(INC-\d{4}-0002 P3 Typo in the docs; INC-\d{4}-0001 P2 Disk filling up\): name one/,
    )
    const unknown = await run(["incident", "show", "INC-2026-0999"])
    expectCode(unknown, 2)
    expect(unknown.stderr).toMatch(/no incident INC-2026-0999/)
    const list = await run(["incident", "list", "--json"])
    expect(json<{ incidents: Array<{ id: string }> }>(list).incidents).toHaveLength(2)
  })

  it("honours $IR_NOW and rejects a time without a zone", async () => {
    const { run } = project()
    const opened = await open(run, "P2", "Slow batch", "--quiet")
    expectCode(opened, 0)
    const rehearsed = await run(["incident", "show", "--json"], { IR_NOW: "2026-11-28T15:00:00Z" })
    expect(json<{ at: string }>(rehearsed).at).toBe("2026-11-28T15:00:00.000Z")
    expect(rehearsed.stderr).toContain("rehearsal clock: 2026-11-28T15:00:00.000Z (from $IR_NOW)")
    const bad = await run(["incident", "show", "--at", "2026-11-28 15:00"])
    expectCode(bad, 2)
    expect(bad.stderr).toMatch(/--at "2026-11-28 15:00": expected an ISO 8601 time with a zone/)
  })

  it("rejects an unknown flag or playbook with the usage exit code", async () => {
    const { run } = project()
    expectCode(await run(["incident", "flag", "aliens"]), 2)
    const playbook = await open(run, "P1", "x", "--playbook", "no-such-playbook")
    expectCode(playbook, 2)
    expect(playbook.stderr).toMatch(/--playbook "no-such-playbook": no such playbook/)
  })
})

describe("the journal, notify and serve sections", () => {
  it("names the file, line and setting of a mistake, never a secret", async () => {
    const cases: Array<[Record<string, unknown>, RegExp, Array<string>?]> = [
      [
        { journal: { backend: "sqlite" } },
        /ir\.config\.yaml:\d+:\d+: journal\.backend: expected file or postgres/,
      ],
      [
        { journal: { backend: "postgres", url: "mysql://x" } },
        /journal\.url: expected a postgres:\/\/ connection URL/,
      ],
      [{ journal: { dir: "j", colour: "blue" } }, /journal\.colour: unknown setting "colour"/],
      [
        { journal: { url: "postgres://ir@127.0.0.1:1/ir", poolSize: 0 } },
        /journal\.poolSize: expected a number of connections from 1 to 100, got number 0/,
      ],
      [
        { journal: { dir: "j", poolSize: 4 } },
        /journal\.poolSize: a file journal has no connection pool/,
      ],
      [
        {
          notify: {
            channels: [{ id: "incidents", kind: "slack", webhookUrl: "not a url xoxSECRETUNIT77" }],
          },
        },
        /notify\.channels\.0\.webhookUrl: expected an http\(s\) URL/,
      ],
      [{ notify: { retries: 99 } }, /notify\.retries: expected a whole number from 0 to 10/],
      [
        { serve: { token: "short" } },
        /serve\.token: expected a token of at least 16 characters/,
        ["alerts", "route"],
      ],
    ]
    for (const [config, message, argv] of cases) {
      const { run } = project(config)
      const result = await run(argv ?? ["incident", "list"])
      expectCode(result, 2)
      expect(result.stderr).toMatch(message)
      expect(result.stderr).not.toContain("xoxSECRETUNIT77")
    }
  })
})

describe("ir notify and ir escalate", () => {
  it("renders on a dry run, sends once, and says what was already sent", async () => {
    const { run, outputs } = project()
    expectCode(await open(run, "P1", "Model inference failing"), 0)
    const before = slack.received.length
    const dry = await run(["notify", "initial", "--dry-run"])
    expectCode(dry, 0)
    expect(dry.stdout).toContain("INCIDENT ALERT - P1")
    expect(dry.stdout).toMatch(/would send initial .* → incidents/)
    expect(slack.received.length).toBe(before)

    const noUpdate = await run(["notify", "update"])
    expectCode(noUpdate, 2)
    expect(noUpdate.stderr).toMatch(/has no status update yet/)
    expectCode(await run(["notify", "resolved"]), 2)

    const due = await run(["escalate"])
    expectCode(due, 1)
    expect(due.stdout).toMatch(/initial alert\s+Initial Response/)

    const sent = await run(["notify", "initial", "--verbose"])
    expectCode(sent, 0)
    expect(slack.received.length).toBe(before + 1)
    expect(texts(slack).at(-1)).toContain("INCIDENT ALERT - P1")
    const twice = await run(["notify", "initial"])
    expectCode(twice, 2)
    expect(twice.stderr).toMatch(/already sent at .* to incidents: --force sends it again/)
    expectCode(await run(["notify", "initial", "--channel", "nope"]), 2)

    // Recorded under escalate's key: nothing is due any more.
    const nothing = await run(["escalate", "--notify"])
    expectCode(nothing, 0)
    expect(nothing.stderr).toMatch(/Nothing is due/)
    expect(slack.received.length).toBe(before + 1)
    for (const output of outputs) expect(output).not.toContain("xoxSECRETUNIT77")
  })

  it("prints nothing from cron (--quiet) when everything due was sent", async () => {
    const { run } = project()
    expectCode(await open(run, "P2", "Warning thresholds exceeded"), 0)
    const before = slack.received.length
    const cron = await run(["escalate", "--notify", "--quiet"])
    expectCode(cron, 0)
    expect(cron.stdout).toBe("")
    expect(cron.stderr).toBe("")
    expect(slack.received.length).toBe(before + 1)
  })

  it("reports a message it could not send, and tries again on the next run", async () => {
    const { run } = project({
      notify: {
        channels: [
          { id: "incidents", kind: "slack", webhookUrl: "http://127.0.0.1:9/services/T/B/gone" },
        ],
        retries: 0,
        timeout: "2s",
      },
    })
    expectCode(await open(run, "P2", "Warning thresholds exceeded"), 0)
    const failed = await run(["escalate", "--notify", "--json"])
    expectCode(failed, 1)
    const report = json<{
      incidents: Array<{
        notifications: Array<{ outcome: string; failures: Array<{ message: string }> }>
      }>
    }>(failed)
    expect(report.incidents[0]?.notifications[0]?.outcome).toBe("failed")
    expect(report.incidents[0]?.notifications[0]?.failures[0]?.message).toMatch(
      /could not be reached/,
    )
    // Not recorded: still due, and cron (--quiet) says so.
    expectCode(await run(["escalate"]), 1)
    const cron = await run(["escalate", "--notify", "--quiet"])
    expectCode(cron, 1)
    expect(cron.stdout).toMatch(/failed\s+initial .*could not be reached/)
  })
})

describe("text from outside on the terminal", () => {
  const ESC = "\u001b"
  // As a record another tool (or an older receiver) wrote: escapes that clear the screen, set the
  // title, write the clipboard, link elsewhere, hide text, and reorder it with bidi overrides.
  const title = `Disk${ESC}]0;owned${ESC}\\ full${ESC}[8m hidden${ESC}[2J\u202e4202\u202c`
  const summary = `${ESC}]52;c;ZXZpbA==\u0007All clear\rfake line ${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\\u009b2J`

  const withHostileIncident = async () => {
    const context = project()
    const journal = await Effect.runPromise(
      openJournal({ backend: "file", dir: join(context.dir, "journal") }),
    )
    await Effect.runPromise(
      journal.open({
        at: new Date("2026-11-28T10:00:00Z"),
        title,
        severity: "P2",
        playbooks: [],
        summary,
        by: `mallory${ESC}[31m`,
      }),
    )
    await Effect.runPromise(journal.close)
    return context
  }

  // Everything a terminal would act on rather than show, but the CLI's own colour styles.
  const unsafe = new RegExp(
    `${ESC}(?!\\[(?:\\d+;)*\\d*m)|[\\u0000-\\u0008\\u000b-\\u001a\\u001c-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]`,
  )

  it("ir incident list and show print it without escapes, control or bidi characters", async () => {
    const { run } = await withHostileIncident()
    for (const argv of [
      ["incident", "list"],
      ["incident", "show", "INC-2026-0001"],
      ["incident", "timeline", "INC-2026-0001"],
    ]) {
      const result = await run(argv)
      expectCode(result, 0)
      expect(result.stdout).toContain("Disk full hidden4202")
      expect(result.stdout).not.toMatch(unsafe)
      expect(result.stdout).not.toContain(ESC)
      expect(result.stderr).not.toContain(ESC)
    }
    const shown = await run(["incident", "show", "INC-2026-0001"])
    expect(shown.stdout).toContain("All clearfake line link")
  })

  it("keeps the CLI's colours on a terminal, and nothing else", async () => {
    const { dir } = await withHostileIncident()
    const result = await ir(["incident", "show", "INC-2026-0001"], {
      cwd: dir,
      env: { SLACK_WEBHOOK_URL: "http://127.0.0.1:9/x", TERM: "xterm" },
      tty: true,
    })
    expectCode(result, 0)
    expect(result.stdout).toContain(`${ESC}[`)
    expect(result.stdout).not.toMatch(unsafe)
    expect(result.stdout).not.toMatch(new RegExp(`${ESC}\\[[\\d;]*[^\\d;m]`))
    expect(result.stdout).not.toContain(`${ESC}[8m`)
  })

  it("--json prints nothing a terminal acts on, and stays JSON", async () => {
    const { run } = await withHostileIncident()
    const result = await run(["incident", "show", "INC-2026-0001", "--json"])
    expectCode(result, 0)
    expect(result.stdout).not.toMatch(unsafe)
    const shown = json<{ incident: { title: string } }>(result).incident
    expect(shown.title).toContain("Disk")
  })
})

describe("ir postmortem", () => {
  it("needs the incident resolved", async () => {
    const { run } = project()
    expectCode(await open(run, "P2", "Stale data"), 0)
    const early = await run(["postmortem", "INC-2026-0001"])
    expectCode(early, 2)
    expect(early.stderr).toMatch(/not resolved yet/)
  })
})

describe("ir alerts route", () => {
  it("points Alertmanager at ir serve with a bearer token file and resolved notifications", async () => {
    const { run } = project({ serve: { host: "0.0.0.0", port: 9200 } })
    const route = await run(["alerts", "route", "--json"])
    expectCode(route, 0)
    const config = json<{
      route: { routes: Array<{ matchers: Array<string>; receiver: string; continue: boolean }> }
      receivers: Array<{ name: string; webhook_configs: Array<Record<string, unknown>> }>
    }>(route)
    expect(config.route.routes[0]).toMatchObject({
      matchers: ['playbook=~".+"'],
      receiver: "ir",
      continue: true,
    })
    expect(config.receivers[0]?.webhook_configs[0]).toEqual({
      url: "http://localhost:9200/alerts/alertmanager",
      send_resolved: true,
      max_alerts: 200,
      http_config: {
        authorization: { type: "Bearer", credentials_file: "/etc/alertmanager/ir-alerts-token" },
      },
    })
    const open = project({ serve: { allowUnauthenticated: true } })
    const text = await open.run(["alerts", "route"])
    expect(text.stdout).toContain("url: http://127.0.0.1:9111/alerts/alertmanager")
    expect(text.stdout).not.toContain("http_config")
    expectCode(await run(["alerts", "route", "--url", "http://user:pw@host/x"]), 2)
  })
})
