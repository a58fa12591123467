import { Either } from "effect"
import { describe, expect, it } from "vitest"
import {
  defaultRunbook,
  mergeRunbook,
  type Runbook,
  renderPredicate,
  renderRunbookMarkdown,
} from "../src/index.js"
import { outline } from "./markdownOutline.js"

const markdown = renderRunbookMarkdown(defaultRunbook)
const lines = markdown.split("\n")
const { thresholds } = defaultRunbook

/** The part of the document under a heading, up to the next heading of the same or higher level. */
const sectionOf = (document: string, heading: string): string => {
  const all = document.split("\n")
  const start = all.indexOf(heading)
  if (start === -1) throw new Error(`no heading ${heading}`)
  const level = heading.indexOf(" ")
  const end = all.findIndex(
    (line, index) => index > start && /^#+ /.test(line) && line.indexOf(" ") <= level,
  )
  return all.slice(start, end === -1 ? undefined : end).join("\n")
}

describe("renderPredicate", () => {
  it("writes a threshold comparison with the number it resolves to and its duration", () => {
    expect(
      renderPredicate(
        {
          signal: "api.error_ratio",
          op: ">",
          value: { threshold: "api.error_ratio", level: "critical" },
          for: "5m" as never,
        },
        thresholds,
      ),
    ).toBe("`api.error_ratio > 0.1 (critical threshold api.error_ratio) for 5m`")
    expect(
      renderPredicate(
        {
          signal: "api.error_ratio",
          op: ">=",
          value: { threshold: "api.error_ratio", level: "warn" },
        },
        thresholds,
      ),
    ).toBe("`api.error_ratio >= 0.05 (warn threshold api.error_ratio)`")
  })

  it("writes combinators in words, bracketing nested ones", () => {
    const down = { signal: "http.health.reachable", op: "==" as const, value: false }
    const status = { signal: "http.health.status", op: "==" as const, value: "fail" }
    expect(renderPredicate({ any: [down, { all: [status, down] }] }, thresholds)).toBe(
      '`http.health.reachable == false` or (`http.health.status == "fail"` and `http.health.reachable == false`)',
    )
    expect(renderPredicate({ atLeast: 2, of: [down, status] }, thresholds)).toBe(
      'at least 2 of (`http.health.reachable == false`; `http.health.status == "fail"`)',
    )
    expect(renderPredicate({ not: down }, thresholds)).toBe(
      "not (`http.health.reachable == false`)",
    )
    expect(renderPredicate({ manual: "customer-complaints" }, thresholds)).toBe(
      "a responder asserts `customer-complaints`",
    )
  })

  it("says so when a threshold is not defined instead of printing a number", () => {
    expect(
      renderPredicate(
        { signal: "queue.depth", op: ">", value: { threshold: "queue.depth", level: "critical" } },
        thresholds,
      ),
    ).toBe("`queue.depth > (undefined threshold queue.depth)`")
  })
})

describe("renderRunbookMarkdown", () => {
  it("anchors every playbook by its id, right before its heading", () => {
    defaultRunbook.playbooks.forEach((playbook, index) => {
      const anchor = lines.indexOf(`<a id="${playbook.id}"></a>`)
      expect(anchor).toBeGreaterThan(-1)
      expect(lines[anchor + 2]).toBe(`### ${index + 1}. ${playbook.title}`)
      expect(markdown).toContain(`](#${playbook.id})`)
    })
  })

  it("follows the seed's top-level layout", () => {
    expect(outline(markdown).headings.filter((heading) => heading.level <= 2)).toEqual(
      [
        "Incident Response Runbook",
        "Overview",
        "Incident Severity Levels",
        "Common Incidents",
        "Escalation Procedures",
        "Communication Templates",
        "Tools and Resources",
        "Post-Incident Procedures",
        "Contact Information",
        "Training and Drills",
        "Appendix",
      ].map((text, index) => ({ level: index === 0 ? 1 : 2, text })),
    )
  })

  it("gives each severity its response time, escalation, examples and update cadence", () => {
    expect(sectionOf(markdown, "### P0 - Critical (Service Down)")).toBe(
      [
        "### P0 - Critical (Service Down)",
        "- **Response Time**: 15 minutes",
        "- **Escalation**: Immediate page to on-call engineer",
        "- **Examples**: System completely down, data loss, security breach",
        "- **Status Updates**: every 30 minutes while the incident is open",
        "",
      ].join("\n"),
    )
    expect(markdown).toContain("- **Status Updates**: every hour while the incident is open")
    expect(markdown).toContain(
      "Business days (for response times in business days) are Monday, Tuesday, Wednesday, Thursday, Friday, 09:00–17:00 in UTC; no holidays listed.",
    )
  })

  it("shows each symptom with the predicate that observes it", () => {
    expect(markdown).toContain(
      "- Error rate > 10% for 5+ minutes — observed when `api.error_ratio > 0.1 (critical threshold api.error_ratio) for 5m`",
    )
    expect(markdown).toContain(
      "- Customer complaints — observed when a responder asserts `customer-complaints` _(supporting evidence only)_",
    )
  })

  it("shows an investigation step with its probe and the original command", () => {
    const playbook = sectionOf(markdown, "### 4. Database Connectivity Issues")
    expect(playbook).toContain(
      [
        "3. Test connection",
        "",
        "   Probe: `postgres.connectivity` (PostgreSQL connectivity).",
        "",
        "   ```bash",
        '   docker-compose exec app python -c "',
        "   import psycopg2",
        "   try:",
        "       conn = psycopg2.connect(host='postgres', database='anomaly_db', user='user', password='password')",
      ].join("\n"),
    )
    expect(playbook).toContain("   ```sql\n   SELECT * FROM pg_locks WHERE NOT granted;\n   ```")
  })

  it("shows a resolution step with the action and whether ir can carry it out", () => {
    const playbook = sectionOf(markdown, "### 1. System Completely Down")
    expect(playbook).toContain(
      "   Action: `docker.restart` (Restart a container) with role=app. ir carries it out when a responder confirms (a dry run otherwise) and journals it.",
    )
    expect(playbook).toContain(
      "   Action: `deploy.rollback` (Roll back to the last known good version). A person carries it out; ir records it when reported.",
    )
    expect(playbook).toContain(
      "2. If restart fails, check for:\n   - Database connectivity\n   - Missing environment variables\n   - Resource exhaustion",
    )
  })

  it("prints the communication templates verbatim in code blocks", () => {
    for (const template of defaultRunbook.communications)
      expect(markdown).toContain(`\n\`\`\`\n${template.text}\n\`\`\`\n`)
  })

  it("writes the escalation rules with what triggers them", () => {
    const escalation = sectionOf(markdown, "### When to Escalate")
    expect(escalation).toContain("1. **Immediate Escalation (P0):**")
    expect(escalation).toContain(
      "   - Unable to restore service within 30 minutes — not resolved 30m after opening (P0; rule `p0-not-restored`)",
    )
    expect(escalation).toContain(
      "   - Data loss confirmed — a responder raises the `data-loss` flag (any severity; rule `data-loss`)",
    )
    expect(escalation).toContain(
      "   - No progress after 2 hours — no update, action or mitigation for 2h (P1; rule `p1-no-progress`)",
    )
  })

  it("reflects a team's overrides: contacts, thresholds and an extra playbook", () => {
    const ours = Either.getOrThrow(
      mergeRunbook(defaultRunbook, {
        escalation: {
          contacts: [
            {
              role: "Primary on-call",
              name: "Ada",
              phone: "+1-555-0199",
              email: "ada@example.com",
              channels: ["incidents"],
            },
          ],
        },
        thresholds: { "api.error_ratio": { critical: 0.2 } },
        playbooks: [
          {
            id: "queue-backlog",
            title: "Queue Backlog",
            defaultSeverity: "P3",
            symptoms: [
              {
                id: "stale",
                text: "Nothing processed for an hour",
                when: { signal: "data.processed.newest_age_seconds", op: ">", value: 3600 },
              },
            ],
          },
        ],
      }),
    )
    const text = renderRunbookMarkdown(ours)
    expect(text).toContain(
      "1. **Primary on-call**: Ada, +1-555-0199, ada@example.com (via incidents)",
    )
    expect(text).not.toContain("VP Engineering")
    expect(text).toContain("`api.error_ratio > 0.2 (critical threshold api.error_ratio) for 5m`")
    expect(text).toContain('<a id="queue-backlog"></a>\n\n### 7. Queue Backlog')
    expect(text).toContain("- [Queue Backlog](#queue-backlog) — P3 (Low)")
  })

  it("is deterministic and tidy: one trailing newline, no doubled blank lines, balanced fences", () => {
    expect(renderRunbookMarkdown(defaultRunbook)).toBe(markdown)
    expect(markdown.endsWith("\n")).toBe(true)
    expect(markdown.endsWith("\n\n")).toBe(false)
    let inFence = false
    let previousBlank = false
    for (const line of lines.slice(0, -1)) {
      if (/^\s*```/.test(line)) inFence = !inFence
      if (!inFence) {
        expect(previousBlank && line === "").toBe(false)
        expect(line).toBe(line.trimEnd())
      }
      previousBlank = line === ""
    }
    expect(inFence).toBe(false)
  })

  it("fences a command that itself contains a fence with a longer one", () => {
    const runbook: Runbook = {
      ...defaultRunbook,
      logs: [{ text: "Print a Markdown snippet", command: "printf '```\\nok\\n```'" }],
    }
    expect(renderRunbookMarkdown(runbook)).toContain(
      "  ````bash\n  printf '```\\nok\\n```'\n  ````",
    )
  })

  it("leaves out sections a runbook does not have", () => {
    const runbook: Runbook = {
      ...defaultRunbook,
      thresholds: {},
      queries: defaultRunbook.queries.map(({ signal: _signal, ...query }) => query),
      recoveryScripts: [{ text: "Call the database team" }],
      playbooks: defaultRunbook.playbooks.map((playbook) => ({
        ...playbook,
        severityRules: [],
        commonCauses: [],
      })),
    }
    const text = renderRunbookMarkdown(runbook)
    expect(text).not.toContain("### Thresholds")
    expect(text).not.toContain("Signals these queries feed")
    expect(text).not.toContain("**Severity Rules:**")
    expect(text).not.toContain("**Common Causes:**")
    expect(text).not.toContain("Location:")
    expect(text).toContain("### Recovery Scripts\n- Call the database team")
  })
})
