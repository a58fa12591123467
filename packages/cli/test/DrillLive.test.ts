// `ir drill --live`: a dry run sends nothing; --yes sends one marked test through each channel
// and exits 1 naming the channel that did not deliver.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { pagerDutyPeer, slackPeer, webhookPeer } from "../../../scripts/test-support/peers.js"
import { ir, json, tempDir } from "./harness.js"

const scratch = tempDir()
afterAll(() => scratch.remove())

describe("ir drill --live", () => {
  it("shows the plan without --yes, then tests every channel and names the one that failed", async () => {
    const slack = await slackPeer()
    const pagerduty = await pagerDutyPeer()
    const dead = await webhookPeer()
    await dead.close()
    try {
      writeFileSync(
        join(scratch.path, "ir.config.yaml"),
        stringify({
          notify: {
            channels: [
              { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T0/B0/X` },
              {
                id: "on-call",
                kind: "pagerduty",
                routingKey: "0123456789abcdef0123456789abcdef",
                url: `${pagerduty.url}/v2/enqueue`,
              },
              {
                id: "gone",
                kind: "webhook",
                url: `${dead.url}/ir`,
                secret: "webhook-secret-0123456789",
              },
            ],
            retries: 0,
            timeout: "2s",
          },
        }),
      )
      const plan = await ir(["drill", "--live"], { cwd: scratch.path })
      expect(plan.code, plan.stderr).toBe(0)
      expect(plan.stdout).toContain("on-call (pagerduty")
      expect(plan.stdout).toContain("a test trigger (severity info), resolved at once")
      expect(plan.stdout).toContain("Nothing was sent. Add --yes")
      expect(slack.received).toEqual([])
      expect(pagerduty.received).toEqual([])

      const sent = await ir(["drill", "--live", "--yes", "--json"], { cwd: scratch.path })
      expect(sent.code, sent.stderr).toBe(1)
      const report = json<{ results: Array<{ channel: string; status: string }> }>(sent)
      expect(report.results.map((result) => [result.channel, result.status])).toEqual([
        ["incidents", "delivered"],
        ["on-call", "delivered"],
        ["gone", "failed"],
      ])
      expect(String(slack.received[0]?.json.text)).toContain("TEST ONLY: ir drill --live")
      expect(pagerduty.received.map((request) => request.json.event_action)).toEqual([
        "trigger",
        "resolve",
      ])
      expect(sent.stdout).not.toContain("0123456789abcdef0123456789abcdef")
    } finally {
      await slack.close()
      await pagerduty.close()
    }
  })
})
