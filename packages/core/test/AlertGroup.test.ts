import { describe, expect, it } from "vitest"
import { AlertGroup, createPlaybookMapper, defaultRunbook } from "../src/index.js"

const map = createPlaybookMapper(defaultRunbook, { now: () => new Date("2026-11-28T10:00:00Z") })
const firing = (labels: Record<string, string>, annotations: Record<string, string> = {}) => {
  const alert = { labels, annotations, fingerprint: `fp-${labels.alertname ?? "x"}` }
  return { alert, match: map(alert) }
}
const none = { labels: {}, annotations: {} }

describe("AlertGroup.plan", () => {
  it("dates the failure from the earliest firing alert's startsAt, ignoring what does not parse", () => {
    const at = (startsAt: string) => ({
      ...firing({ alertname: `A${startsAt}` }),
      alert: { labels: { alertname: "A" }, annotations: {}, fingerprint: startsAt, startsAt },
    })
    const plan = AlertGroup.plan(
      [at("2026-11-28T09:58:00Z"), at("2026-11-28T09:51:30Z"), at("not a time")],
      none,
      "P2",
    )
    expect(plan.startedAt).toEqual(new Date("2026-11-28T09:51:30Z"))
    expect(AlertGroup.plan([firing({ alertname: "B" })], none, "P2").startedAt).toBeUndefined()
  })

  it("takes the highest severity of the group and the title and summary of its most severe alert", () => {
    const plan = AlertGroup.plan(
      [
        firing({ alertname: "DiskFilling", severity: "p2" }, { summary: "disk at 85%" }),
        firing(
          { alertname: "ServiceDown", playbook: "system-down" },
          { summary: "health failing" },
        ),
      ],
      none,
      "P3",
    )
    expect(plan).toMatchObject({
      severity: "P0",
      playbooks: ["resource-exhaustion", "system-down"],
      title: "System Completely Down",
      summary: "health failing",
      alertnames: ["DiskFilling", "ServiceDown"],
      leading: ["ServiceDown"],
    })
  })

  it("falls back to the default severity and the alert name, and keeps no terminal escapes", () => {
    const plan = AlertGroup.plan(
      [firing({ alertname: "Odd\u001b[31mName" }, { description: `${"x".repeat(3000)}` })],
      none,
      "P2",
    )
    expect(plan.severity).toBe("P2")
    expect(plan.title).toBe("OddName")
    expect(plan.summary).toBe("Firing: Odd\u001b[31mName".replace("\u001b[31m", ""))
    expect(plan.impact).toHaveLength(2000)
    expect(plan.impact?.endsWith("…")).toBe(true)
  })
})
