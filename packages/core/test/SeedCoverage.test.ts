// The default runbook must carry everything the seed runbook says. This reads the seed (a copy in
// fixtures/) and checks that the Markdown rendered from `defaultRunbook` contains every heading,
// list item, paragraph line, query and template line of it. Shell and SQL command lines must
// appear verbatim, or be done by a step that names a probe or action (their typed equivalent).
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { defaultRunbook, type Runbook, renderRunbookMarkdown, type Step } from "../src/index.js"
import { type Outline, outline } from "./markdownOutline.js"

const seed = outline(readFileSync(new URL("./fixtures/seed-runbook.md", import.meta.url), "utf8"))

const everyStep = (runbook: Runbook): ReadonlyArray<Step> => [
  ...runbook.playbooks.flatMap((playbook) => [
    ...playbook.immediateActions,
    ...playbook.investigation,
    ...playbook.resolution,
    ...playbook.postResolution,
  ]),
  ...runbook.logs,
  ...runbook.usefulCommands.flatMap((group) => group.steps),
  ...runbook.logSearches,
  ...runbook.recoveryScripts,
]

const containsRun = (haystack: ReadonlyArray<string>, needle: ReadonlyArray<string>): boolean => {
  for (let start = 0; start + needle.length <= haystack.length; start++)
    if (needle.every((line, offset) => haystack[start + offset] === line)) return true
  return false
}

/** What of the seed is missing from a runbook's rendering; empty when everything is there. */
const seedGaps = (runbook: Runbook): ReadonlyArray<string> => {
  const markdown = renderRunbookMarkdown(runbook)
  const rendered: Outline = outline(markdown)
  const gaps: Array<string> = []

  for (const heading of seed.headings) {
    const found = rendered.headings.some(
      (candidate) =>
        candidate.level === heading.level &&
        // A rendered heading may add a qualifier, e.g. "Resolution Notice (when …)".
        (candidate.text === heading.text || candidate.text.startsWith(`${heading.text} (`)),
    )
    if (!found) gaps.push(`heading ${"#".repeat(heading.level)} ${heading.text}`)
  }

  for (const item of seed.listItems) {
    // A rendered item may go on with how it is observed or done: "<seed text> — observed when …".
    const found = rendered.listItems.some(
      (candidate) => candidate === item || candidate.startsWith(`${item} `),
    )
    if (!found) gaps.push(`list item: ${item}`)
  }

  for (const paragraph of seed.paragraphs)
    if (!rendered.paragraphs.includes(paragraph)) gaps.push(`paragraph: ${paragraph}`)

  const renderedCode = new Set(
    rendered.codeBlocks.flatMap((block) => block.lines.map((line) => line.trim())),
  )
  const steps = everyStep(runbook)
  for (const block of seed.codeBlocks) {
    if (block.language === "") {
      // Communication templates: the whole text, line for line.
      const found = rendered.codeBlocks.some((candidate) =>
        containsRun(candidate.lines, block.lines),
      )
      if (!found) gaps.push(`template: ${block.lines[0]}`)
      continue
    }
    for (const line of block.lines.map((text) => text.trim())) {
      if (line === "") continue
      if (line.startsWith("# ")) {
        // A comment in a command block names the step: it must be there as text.
        if (!markdown.includes(line.slice(2))) gaps.push(`step: ${line.slice(2)}`)
        continue
      }
      if (renderedCode.has(line)) continue
      const typed = steps.some(
        (step) =>
          step.command?.includes(line) === true &&
          (step.probe !== undefined || step.action !== undefined),
      )
      if (!typed) gaps.push(`${block.language} line: ${line}`)
    }
  }
  return gaps
}

describe("the default runbook carries the seed runbook", () => {
  it("parses a seed with the content the checks rely on", () => {
    expect(seed.headings.length).toBeGreaterThanOrEqual(40)
    expect(seed.listItems.length).toBeGreaterThan(100)
    expect(seed.codeBlocks.filter((block) => block.language === "").length).toBe(3)
    expect(seed.codeBlocks.some((block) => block.language === "promql")).toBe(true)
  })

  it("renders every heading, list item, paragraph, command, query and template of the seed", () => {
    expect(seedGaps(defaultRunbook)).toEqual([])
  })

  it("notices a removed list item", () => {
    const runbook: Runbook = {
      ...defaultRunbook,
      playbooks: defaultRunbook.playbooks.map((playbook) =>
        playbook.id === "high-api-error-rate"
          ? {
              ...playbook,
              commonCauses: playbook.commonCauses.filter((cause) => cause !== "Memory leaks"),
            }
          : playbook,
      ),
    }
    expect(seedGaps(runbook)).toEqual(["list item: Memory leaks"])
  })

  it("notices a removed escalation contact and a removed drill", () => {
    const runbook: Runbook = {
      ...defaultRunbook,
      escalation: {
        ...defaultRunbook.escalation,
        contacts: defaultRunbook.escalation.contacts.slice(0, 2),
      },
      training: defaultRunbook.training.map((group) => ({
        ...group,
        steps: group.steps.filter((step) => step.text !== "Tool evaluations"),
      })),
    }
    expect(seedGaps(runbook)).toEqual([
      "list item: VP Engineering: +1-555-0103",
      "list item: Tool evaluations",
    ])
  })

  it("notices a missing playbook, template line, query and command", () => {
    const runbook: Runbook = {
      ...defaultRunbook,
      playbooks: defaultRunbook.playbooks
        .filter((playbook) => playbook.id !== "data-pipeline-failures")
        .map((playbook) =>
          playbook.id === "database-connectivity"
            ? {
                ...playbook,
                resolution: playbook.resolution.filter(
                  (step) => step.text !== "Check for database locks",
                ),
              }
            : playbook,
        ),
      communications: defaultRunbook.communications.map((template) =>
        template.id === "resolution"
          ? { ...template, text: template.text.replace("Root Cause: [If known]\n", "") }
          : template,
      ),
      queries: defaultRunbook.queries.filter((query) => query.name !== "Latency P95"),
    }
    const gaps = seedGaps(runbook)
    expect(gaps).toContain("heading ### 6. Data Pipeline Failures")
    expect(gaps).toContain("list item: No new data being processed")
    expect(gaps).toContain("bash line: ls -la data/raw/ data/processed/")
    expect(gaps).toContain("list item: Check for database locks")
    expect(gaps).toContain("sql line: SELECT * FROM pg_locks WHERE NOT granted;")
    expect(gaps).toContain("template: ✅ INCIDENT RESOLVED - P[X]")
    expect(gaps).toContain(
      "promql line: histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))",
    )
  })

  it("accepts a command line shown differently when its step names the probe that does it", () => {
    const reworded: Runbook = {
      ...defaultRunbook,
      logs: defaultRunbook.logs.map((step) => ({ ...step, command: `${step.command} --no-color` })),
    }
    expect(seedGaps(reworded)).toEqual([])
    const untyped: Runbook = {
      ...defaultRunbook,
      logs: defaultRunbook.logs.map(({ probe: _probe, ...step }) => ({
        ...step,
        command: `${step.command} --no-color`,
      })),
    }
    expect(seedGaps(untyped)).toContain("bash line: docker-compose logs -f app")
  })
})
