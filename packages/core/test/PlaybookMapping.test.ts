import { describe, expect, it } from "vitest"
import { AlertRules, createPlaybookMapper, defaultRunbook, playbookForAlert } from "../src/index.js"

const map = createPlaybookMapper(defaultRunbook, { now: () => new Date("2026-11-28T10:00:00Z") })

describe("playbook mapping", () => {
  it("takes the playbook label first", () => {
    const match = map({
      labels: { alertname: "HighApiErrorRate_ErrorRate", playbook: "system-down" },
      annotations: {},
    })
    expect(match?.playbook.id).toBe("system-down")
    expect(match?.matchedBy).toBe("playbook-label")
    expect(match?.severity).toBe("P0")
  })

  it("recognises every rule ir generates by its alertname alone", () => {
    const { groups } = AlertRules.alertRules(defaultRunbook, { runbookUrl: "https://x" })
    for (const rule of groups.flatMap((group) => group.rules)) {
      const match = map({ labels: { alertname: rule.alert }, annotations: {} })
      expect(match?.playbook.id, rule.alert).toBe(rule.labels.playbook)
      expect(match?.matchedBy).toBe("alert-rule")
    }
  })

  it("maps a symptom label to the playbook with that symptom", () => {
    const match = map({ labels: { alertname: "Custom", symptom: "disk-full" }, annotations: {} })
    expect(match?.playbook.id).toBe("resource-exhaustion")
    expect(match?.matchedBy).toBe("symptom-label")
  })

  it("triages a signal label with its value, severity rules included", () => {
    const match = map({
      labels: { alertname: "ApiErrors", signal: "api.error_ratio" },
      annotations: { value: "0.3" },
    })
    expect(match?.playbook.id).toBe("high-api-error-rate")
    expect(match?.matchedBy).toBe("signal")
    expect(match?.reason).toContain("api.error_ratio = 0.3")
    const down = map({
      labels: { alertname: "Probe", signal: "http.health.reachable", value: "false" },
      annotations: {},
    })
    expect(down?.playbook.id).toBe("system-down")
    expect(down?.severity).toBe("P0")
  })

  it("ignores a signal value of the wrong type and falls back to words", () => {
    const match = map({
      labels: { alertname: "DatabaseConnectionTimeouts", signal: "postgres.reachable" },
      annotations: { value: "maybe" },
    })
    expect(match?.matchedBy).toBe("words")
    expect(match?.playbook.id).toBe("database-connectivity")
  })

  it("falls back to shared words, weighted by rarity", () => {
    const match = map({
      labels: { alertname: "ModelLoadingFailed" },
      annotations: { summary: "the anomaly model failed to load" },
    })
    expect(match?.playbook.id).toBe("model-inference-failures")
    expect(match?.matchedBy).toBe("words")
    expect(match?.reason).toContain("model")
  })

  it("gives no playbook when nothing points to one", () => {
    expect(map({ labels: { alertname: "Watchdog" }, annotations: {} })).toBeUndefined()
    expect(
      playbookForAlert(
        defaultRunbook,
        { labels: { playbook: "no-such-playbook" }, annotations: {} },
        new Date("2026-11-28T10:00:00Z"),
      ),
    ).toBeUndefined()
  })
})
