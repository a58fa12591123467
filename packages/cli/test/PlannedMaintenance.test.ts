// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in configuration text is the subject
// `ir triage --assert planned-maintenance --open --notify`: the incident is recorded and flagged,
// its initial message goes out, and nobody is paged, then or by a later `ir escalate --notify`.
import { writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { ir, json, tempDir } from "./harness.js"
import { type Peer, pagerDutyPeer, slackPeer } from "./peers.js"

const dir = tempDir("ir-maintenance-")
const peers: Array<Peer> = []
afterAll(async () => {
  for (const peer of peers) await peer.close()
  dir.remove()
})

const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0))
    })
  })

describe("planned maintenance", () => {
  it("records the incident, sends its message, and pages nobody", async () => {
    const slack = await slackPeer()
    const pagerduty = await pagerDutyPeer()
    peers.push(slack, pagerduty)
    writeFileSync(
      join(dir.path, "ir.config.yaml"),
      stringify({
        targets: {
          http: {
            health: { url: `http://127.0.0.1:${await closedPort()}/health`, timeout: "1s" },
            predict: false,
          },
          prometheus: false,
          postgres: false,
          docker: false,
          files: false,
          host: false,
        },
        notify: {
          channels: [
            { id: "incidents", kind: "slack", webhookUrl: "${SLACK_WEBHOOK_URL}" },
            {
              id: "on-call",
              kind: "pagerduty",
              routingKey: "R0UT1NGKEY0123456789abcdef012345",
              url: `${pagerduty.url}/v2/enqueue`,
            },
          ],
          retries: 0,
          timeout: "5s",
        },
      }),
    )
    const env = {
      SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/maintenance`,
      XDG_STATE_HOME: join(dir.path, "state"),
      IR_NOW: "2026-12-05T10:00:00Z",
    }
    const run = (argv: ReadonlyArray<string>) => ir(argv, { cwd: dir.path, env })
    const triaged = await run([
      "triage",
      "--assert",
      "planned-maintenance",
      "--open",
      "--notify",
      "--json",
    ])
    const report = json<{
      severity: string
      incident: { id: string; notPaged?: string; flags?: ReadonlyArray<unknown> }
    }>(triaged)
    expect(report.severity).toBe("P0")
    expect(report.incident.notPaged).toMatch(/planned maintenance/)
    expect(slack.received).toHaveLength(1)
    expect(pagerduty.received).toHaveLength(0)
    // nor later, from cron
    const escalated = await run(["escalate", "--notify"])
    expect(escalated.stderr).not.toMatch(/page/i)
    expect(pagerduty.received).toHaveLength(0)
    const shown = await run(["incident", "show", report.incident.id])
    expect(shown.stdout).toMatch(/planned.maintenance/i)
  }, 60_000)
})
