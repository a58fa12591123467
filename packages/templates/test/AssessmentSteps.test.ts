// The initial alert of an incident opened by triage carries the next steps with their sub-items
// ("If restart fails, check for:" what), in every format.
import { Observation, triage } from "@ir/core"
import { describe, expect, it } from "vitest"
import { defaultTemplates, messageContext } from "../src/index.js"
import { incidentAfter, runbook } from "./fixtures.js"

const now = new Date("2026-11-28T10:05:00Z")
// The system-down playbook matches: its resolution has "If restart fails, check for:" and three
// sub-items.
const assessment = triage(
  runbook,
  Observation.fromRecord(
    { "http.health.reachable": false, "docker.container.app.running": false },
    now,
    "test",
  ),
)

describe("the initial alert's next steps", () => {
  const context = messageContext("initial", {
    incident: incidentAfter(1),
    runbook,
    now,
    assessment,
  })
  const render = (format: "text" | "markdown" | "slack" | "html") => {
    const rendered = defaultTemplates().render("initial", format, context)
    return "html" in rendered ? rendered.html : rendered.text
  }

  it("keeps a step's sub-items under it in text and Slack", () => {
    for (const format of ["text", "slack"] as const) {
      expect(render(format), format).toMatch(
        /\d+\. If restart fails, check for:\n {3}- Database connectivity\n {3}- Missing environment variables\n {3}- Resource exhaustion/,
      )
    }
  })

  it("keeps them in Markdown, one a line (hard breaks, the dashes escaped as all text is)", () => {
    expect(render("markdown")).toMatch(
      /\d+\. If restart fails, check for:\\\n {3}\\- Database connectivity\\\n {3}\\- Missing environment variables\\\n {3}\\- Resource exhaustion\n/,
    )
  })

  it("keeps them, one a line, in HTML", () => {
    expect(render("html")).toContain(
      "If restart fails, check for:<br>- Database connectivity<br>- Missing environment variables<br>- Resource exhaustion",
    )
  })
})
