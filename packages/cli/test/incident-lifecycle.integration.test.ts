// One P0 from triage to post-mortem, as a responder and cron live it, on a virtual clock
// (`--at`): the BUILT `ir` as real processes, a Slack-compatible and a PagerDuty-compatible peer
// on loopback recording what they receive, and the journal on disk or in a real PostgreSQL,
// with two `ir` processes acting at once at every step where cron and a responder could collide.
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type Peer, pagerDutyPeer, slackPeer, texts } from "./peers.js"
import { requireService } from "./requireService.js"
import { freePort, type IrResult, irProcess, requireBuiltCli } from "./scenarios.js"

const pgUrl = requireService("IR_TEST_PG_URL")

const root = join(tmpdir(), `ir-cli-lifecycle-${process.pid}`)
const slackSecret = "T0SECRET1/B0SECRET2/xoxSECRETTOKEN123"
const routingKey = "R0UT1NGKEYSECRET0000000000000042"
const T0 = Date.parse("2026-11-28T10:00:00Z")
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString()

let closedPort: number
const peers: Array<Peer> = []

beforeAll(async () => {
  requireBuiltCli()
  mkdirSync(root, { recursive: true })
  closedPort = await freePort()
})

afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()))
  rmSync(root, { recursive: true, force: true })
})

/** `${NAME}` in ir.config.yaml: the secret stays in the environment. */
const variable = (name: string) => `\${${name}}`

/** A project directory with its own Slack and PagerDuty peers, and a runner of `ir` in it. */
const workspace = async (name: string, journal: Record<string, unknown>) => {
  const slack = await slackPeer()
  const pagerduty = await pagerDutyPeer()
  peers.push(slack, pagerduty)
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, "ir.config.yaml"),
    stringify({
      // The service is down: its health endpoint refuses connections. Nothing else is probed.
      targets: {
        http: {
          health: { url: `http://127.0.0.1:${closedPort}/health`, timeout: "1s" },
          predict: false,
        },
        prometheus: false,
        postgres: false,
        docker: false,
        files: false,
        host: false,
      },
      journal,
      notify: {
        channels: [
          { id: "incidents", kind: "slack", webhookUrl: variable("SLACK_WEBHOOK_URL") },
          {
            id: "on-call",
            kind: "pagerduty",
            routingKey: variable("PAGERDUTY_ROUTING_KEY"),
            url: `${pagerduty.url}/v2/enqueue`,
          },
        ],
        retries: 1,
        timeout: "5s",
      },
    }),
  )
  const env = {
    SLACK_WEBHOOK_URL: `${slack.url}/services/${slackSecret}`,
    PAGERDUTY_ROUTING_KEY: routingKey,
    USER: "alice",
  }
  // Every output of every run, to check that no secret ever appears.
  const outputs: Array<string> = []
  const run = async (argv: ReadonlyArray<string>): Promise<IrResult> => {
    const result = await irProcess(argv, { cwd: dir, env, timeoutMs: 60_000 })
    outputs.push(result.stdout, result.stderr)
    return result
  }
  return { run, slack, pagerduty, outputs }
}

const json = <A = Record<string, unknown>>(result: IrResult): A => {
  try {
    return JSON.parse(result.stdout) as A
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
}

const expectCode = (result: IrResult, code: number) =>
  expect(result.code, `exit ${result.code}\n${result.stdout}\n${result.stderr}`).toBe(code)

interface IncidentJson {
  readonly id: string
  readonly severity: string
  readonly status: string
  readonly created?: boolean
  readonly notifications: ReadonlyArray<{
    readonly key: string
    readonly channels: ReadonlyArray<string>
  }>
  readonly escalations: ReadonlyArray<{ readonly level: number; readonly to: string }>
}

/**
 * The walk. `concurrently` runs the steps where two processes may collide (two responders
 * triaging, cron and a responder escalating) as two processes at once.
 */
const walk = async (space: Awaited<ReturnType<typeof workspace>>, concurrently: boolean) => {
  const { run, slack, pagerduty, outputs } = space
  const twice = async (argv: ReadonlyArray<string>) =>
    concurrently ? Promise.all([run(argv), run(argv)]) : [await run(argv)]
  const slackSince = () => texts(slack)
  const pagesSince = () => pagerduty.received.map((request) => request.json)

  // 10:00 Triage finds the outage, opens the incident, pages and sends the initial alert.
  const triaged = await twice(["triage", "--open", "--notify", "--json", "--at", at(0)])
  for (const result of triaged) expectCode(result, 1)
  const incidents = triaged.map((result) => json<{ incident: IncidentJson }>(result).incident)
  const id = incidents[0]?.id ?? ""
  expect(id).toMatch(/^INC-2026-\d{4}$/)
  expect(incidents.every((incident) => incident.id === id)).toBe(true)
  expect(incidents.filter((incident) => incident.created)).toHaveLength(1)
  expect(incidents[0]?.severity).toBe("P0")
  expect(slackSince()).toHaveLength(1)
  expect(slackSince()[0]).toContain("INCIDENT ALERT - P0")
  expect(slackSince()[0]).toContain("System Completely Down")
  expect(slackSince()[0]).toContain("Health check endpoint unreachable")
  expect(pagesSince()).toMatchObject([{ event_action: "trigger", dedup_key: id }])

  // 10:04 The on-call engineer acknowledges: PagerDuty stops escalating the page; nothing else
  // is due, so nothing else is sent.
  const acked = await run(["incident", "ack", id, "--by", "alice", "--notify", "--at", at(4)])
  expectCode(acked, 0)
  expect(acked.stdout).toMatch(
    /sent +acknowledgement \(INC-2026-\d{4}:page-acknowledge\) → on-call/,
  )
  expect(pagesSince()).toMatchObject([
    { event_action: "trigger", dedup_key: id },
    { event_action: "acknowledge", dedup_key: id },
  ])
  expect(slackSince()).toHaveLength(1)

  // 10:30 Cron: the status update is due and the P0 is not restored: escalate. Twice at once.
  const escalated = await twice(["escalate", "--notify", "--json", "--at", at(30)])
  for (const result of escalated) expectCode(result, 0)
  expect(slackSince()).toHaveLength(3)
  const [escalation, update] = slackSince().slice(1)
  expect(escalation).toContain("INCIDENT ESCALATION - P0")
  expect(escalation).toContain("Technical Lead")
  expect(escalation).toContain("Unable to restore service within 30 minutes")
  expect(update).toContain("INCIDENT UPDATE - P0")

  // 10:31 and 10:45: nothing is sent twice, and nothing new is due yet.
  expectCode(await run(["escalate", "--notify", "--at", at(31)]), 0)
  const quiet = await run(["escalate", "--json", "--at", at(45)])
  expectCode(quiet, 0)
  expect(json<{ incidents: Array<unknown> }>(quiet).incidents).toEqual([])
  expect(slackSince()).toHaveLength(3)

  // The journal has it all: the page, the messages and the escalation, each once.
  const shown = json<{ incident: IncidentJson }>(
    await run(["incident", "show", id, "--json", "--at", at(45)]),
  )
  expect(shown.incident.status).toBe("acknowledged")
  expect(shown.incident.notifications.map((sent) => sent.key)).toEqual([
    `${id}:page:P0`,
    `${id}:notify-initial`,
    // recorded, so that no later run acknowledges again
    `${id}:page-acknowledge`,
    `${id}:escalate:p0-not-restored:0`,
    `${id}:post-update:1:1`,
  ])
  expect(shown.incident.escalations).toMatchObject([{ level: 0, to: "Technical Lead" }])

  // 11:25 Resolved: the resolution notice, with the total downtime, to Slack and PagerDuty.
  const resolved = await run([
    "incident",
    "resolve",
    id,
    "--resolution",
    "Restarted the database and the app",
    "--root-cause",
    "Connection pool exhausted",
    "--notify",
    "--at",
    at(85),
  ])
  expectCode(resolved, 0)
  expect(resolved.stdout).toContain("resolved after 1h 25m")
  expect(resolved.stdout).toContain("Duration: 1h 25m")
  expect(slackSince()).toHaveLength(4)
  expect(slackSince()[3]).toContain("INCIDENT RESOLVED - P0")
  expect(slackSince()[3]).toContain("*Duration:* 1h 25m")
  expect(slackSince()[3]).toContain("Connection pool exhausted")
  expect(pagesSince()).toMatchObject([
    { event_action: "trigger" },
    { event_action: "acknowledge" },
    { event_action: "resolve", dedup_key: id },
  ])
  const after = await twice(["escalate", "--notify", "--at", at(86)])
  for (const result of after) expectCode(result, 0)
  expect(slackSince()).toHaveLength(4)

  // The post-mortem renders the timeline from the journal.
  const postmortem = await run(["postmortem", id, "--at", at(24 * 60)])
  expectCode(postmortem, 0)
  const document = postmortem.stdout
  expect(document).toContain(`POST-MORTEM - ${id}: System Completely Down`)
  expect(document).toContain("**Duration:** 1h 25m")
  expect(document).toContain("Connection pool exhausted")
  const timeline = document.slice(
    document.indexOf("## Timeline"),
    document.indexOf("## Root cause"),
  )
  for (const entry of ["10:00", "10:04", "10:30", "11:25"]) expect(timeline).toContain(entry)
  expect(timeline).toMatch(/[Ee]scalat\w+ to Technical Lead/)
  expect(timeline).toMatch(/Resolved/)

  // Not one output showed the webhook URL's secret path or the routing key.
  for (const output of outputs) {
    expect(output).not.toContain("xoxSECRETTOKEN123")
    expect(output).not.toContain("T0SECRET1")
    expect(output).not.toContain(routingKey)
  }
}

// The two walks run side by side: each has its own journal and peers.
describe.concurrent("a P0 from triage to post-mortem", () => {
  it("walks through on the file journal, two processes at once", async () => {
    await walk(await workspace("file", { backend: "file", dir: "journal" }), true)
  }, 180_000)

  it.skipIf(pgUrl === undefined)(
    "walks through on the PostgreSQL journal, two processes at once",
    async () => {
      const schema = `ir_lifecycle_${process.pid}`
      try {
        await walk(
          await workspace("postgres", { backend: "postgres", url: pgUrl, schema, poolSize: 3 }),
          true,
        )
      } finally {
        const client = new pg.Client({ connectionString: pgUrl })
        await client.connect()
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await client.end()
      }
    },
    180_000,
  )
})
