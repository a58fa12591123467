// Severity follows the facts (the BUILT `ir` as real processes, local Slack, PagerDuty and webhook
// peers): flagging data loss on a P3 makes it a P0 with the rule as the recorded reason, and the
// P0's page goes out; flagging a suspected security incident reaches the security contact's own
// channel, which gets nothing else.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type Peer, pagerDutyPeer, slackPeer, webhookPeer } from "./peers.js"
import { type IrResult, irProcess, requireBuiltCli } from "./scenarios.js"

const root = mkdtempSync(join(tmpdir(), "ir-incident-flag-"))
const routingKey = "0123456789abcdef0123456789abcdef"
const peers: Array<Peer> = []
/** `${NAME}` in ir.config.yaml: the secret stays in the environment. */
const variable = (name: string) => `\${${name}}`

beforeAll(() => requireBuiltCli())
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()))
  rmSync(root, { recursive: true, force: true })
})

const workspace = async (name: string) => {
  const slack = await slackPeer()
  const pagerduty = await pagerDutyPeer()
  const security = await webhookPeer()
  peers.push(slack, pagerduty, security)
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, "ir.config.yaml"),
    stringify({
      journal: { dir: "journal" },
      notify: {
        channels: [
          { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T0/B0/x` },
          {
            id: "on-call",
            kind: "pagerduty",
            routingKey: variable("PAGERDUTY_ROUTING_KEY"),
            url: `${pagerduty.url}/v2/enqueue`,
          },
          // the runbook's `security` channel (the Security Team), here their intake webhook
          {
            id: "security",
            kind: "webhook",
            url: `${security.url}/security-intake`,
            secret: variable("SECURITY_WEBHOOK_SECRET"),
          },
        ],
        retries: 0,
        timeout: "5s",
      },
    }),
  )
  const run = (argv: ReadonlyArray<string>) =>
    irProcess(argv, {
      cwd: dir,
      env: {
        PAGERDUTY_ROUTING_KEY: routingKey,
        SECURITY_WEBHOOK_SECRET: "security-signing-secret-0123456789",
        USER: "alice",
      },
      timeoutMs: 60_000,
    })
  return { run, slack, pagerduty, security }
}

// biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, read field by field
const json = (result: IrResult): Record<string, any> => {
  expect(result.stderr).not.toMatch(/\n\s+at /)
  try {
    return JSON.parse(result.stdout)
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

describe("ir incident flag: severity follows the facts", () => {
  it("data loss on a P3 makes it a P0, with the reason recorded, and pages", async () => {
    const { run, slack, pagerduty, security } = await workspace("data-loss")
    const opened = json(
      await run([
        "incident",
        "open",
        "--severity",
        "P3",
        "--title",
        "Nightly export rows missing",
        "--notify",
        "--json",
      ]),
    )
    expect(opened.incident.severity).toBe("P3")
    expect(pagerduty.received).toHaveLength(0)
    const slackBefore = slack.received.length

    const flagged = await run(["incident", "flag", "data-loss", "--notify", "--json"])
    expect(flagged.code, flagged.stderr).toBe(0)
    const result = json(flagged)
    expect(result.incident.severity).toBe("P0")
    expect(result.recorded).toEqual(["flag-raised", "severity-changed"])

    const timeline = json(await run(["incident", "timeline", "--json"]))
    const change = (timeline.entries as Array<Record<string, unknown>>).find(
      (entry) => entry.type === "severity-changed",
    )
    expect(change).toMatchObject({
      description: "Severity changed to P0: Data loss confirmed (flag data-loss)",
      by: "alice",
    })

    // the P0's page, once, with the incident as PagerDuty's dedup key
    const triggers = pagerduty.received.filter((request) => request.json.event_action === "trigger")
    expect(triggers).toHaveLength(1)
    expect(triggers[0]?.json.dedup_key).toBe(opened.incident.id)
    expect(String(JSON.stringify(triggers[0]?.json.payload))).toContain("P0")
    // and the data-loss escalation in #incidents; the security team hears nothing of it
    expect(slack.received.length).toBeGreaterThan(slackBefore)
    expect(security.received).toHaveLength(0)

    // flagging again changes nothing and pages nobody again
    await run(["escalate", "--notify", "--quiet"])
    expect(pagerduty.received.filter((r) => r.json.event_action === "trigger")).toHaveLength(1)
  })

  it("a suspected security incident reaches the security contact, and only that", async () => {
    const { run, security } = await workspace("security")
    json(
      await run([
        "incident",
        "open",
        "--severity",
        "P2",
        "--title",
        "Odd admin logins",
        "--notify",
        "--json",
      ]),
    )
    // the initial message of a P2 does not reach the security team's channel
    expect(security.received).toHaveLength(0)
    const flagged = json(
      await run(["incident", "flag", "security-suspected", "--notify", "--json"]),
    )
    expect(flagged.incident.severity).toBe("P0")
    expect(security.received).toHaveLength(1)
    const body = security.received[0]!.json
    expect(JSON.stringify(body)).toContain("Security incident suspected")
  })
})
