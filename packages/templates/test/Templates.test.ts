import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { IncidentEvent } from "@ir/core"
import { afterAll, describe, expect, it } from "vitest"
import {
  type AssessmentSummary,
  defaultTemplates,
  type InitialContext,
  loadTemplates,
  type MessageContext,
  MessageKind,
  messageContext,
  render,
  renderMessage,
  TemplateLoadError,
  TemplateRenderError,
  templatesDirectory,
} from "../src/index.js"
import {
  assessment,
  hostile,
  hostileAssessment,
  incidentAfter,
  lifecycle,
  runbook,
} from "./fixtures.js"
import { expectGolden } from "./golden.js"

/** The folders these tests write, removed after them. */
const scratch = mkdtempSync(join(tmpdir(), "ir-templates-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

// Each message kind rendered at the point of the incident where it goes out.
const moments: Record<MessageKind.MessageKind, { events: number; now: string }> = {
  initial: { events: 2, now: "2026-11-28T10:05:00Z" },
  update: { events: 5, now: "2026-11-28T10:25:30Z" },
  escalation: { events: 6, now: "2026-11-28T10:30:10Z" },
  resolution: { events: 9, now: "2026-11-28T11:26:00Z" },
  postmortem: { events: 10, now: "2026-11-28T12:00:00Z" },
  reminder: { events: 10, now: "2026-12-05T12:00:00Z" },
  notice: { events: 5, now: "2026-11-28T10:25:30Z" },
}

const contextFor = (
  kind: MessageKind.MessageKind,
  events: ReadonlyArray<IncidentEvent.IncidentEvent>,
  extra: {
    assessment?: AssessmentSummary
    actionItems?: ReadonlyArray<string>
    reminder?: { reason: string; items: ReadonlyArray<string> }
  } = {},
): MessageContext =>
  messageContext(kind, {
    incident: incidentAfter(moments[kind].events, events),
    runbook,
    now: new Date(moments[kind].now),
    ...(kind === "notice" ? { notice: { phase: "update", reference: "ir-0123456789abcdef" } } : {}),
    ...extra,
  })

const scenarios = {
  plain: (kind: MessageKind.MessageKind) =>
    contextFor(kind, lifecycle, {
      ...(kind === "initial" ? { assessment } : {}),
      ...(kind === "postmortem"
        ? {
            actionItems: [
              "Add a memory limit alert for the app container",
              "Load-test model loader releases",
            ],
          }
        : {}),
      ...(kind === "reminder"
        ? {
            reminder: {
              reason: "Short-term (within 1 week)",
              items: ["Conduct post-mortem meeting", "Create action items for prevention"],
            },
          }
        : {}),
    }),
  hostile: (kind: MessageKind.MessageKind) =>
    contextFor(kind, hostile, {
      ...(kind === "initial" ? { assessment: hostileAssessment } : {}),
      ...(kind === "postmortem" ? { actionItems: ["<b>never</b> & *again* @channel"] } : {}),
      ...(kind === "reminder"
        ? { reminder: { reason: "<b>Short-term</b> @channel", items: ["*again* <script>"] } }
        : {}),
    }),
}

describe("golden renderings", () => {
  for (const kind of MessageKind.kinds) {
    for (const [scenario, build] of Object.entries(scenarios)) {
      it(`${kind} (${scenario}) in every format`, () => {
        const message = renderMessage(build(kind))
        const base = `${kind}/${scenario}`
        expectGolden(`${base}.slack.txt`, `${message.slack.text}\n`)
        expectGolden(
          `${base}.slack-blocks.json`,
          `${JSON.stringify(message.slack.blocks, null, 2)}\n`,
        )
        expectGolden(`${base}.md`, message.markdown)
        expectGolden(`${base}.txt`, message.text)
        expectGolden(`${base}.html`, message.email.html)
        expectGolden(`${base}.subject.txt`, `${message.email.subject}\n`)
      })
    }
  }
})

describe("the seed's templates", () => {
  it("keep the seed's lines, in order, with the incident's facts", () => {
    const text = render("initial", "text", scenarios.plain("initial") as InitialContext).text
    expect(text.split("\n").slice(0, 9)).toEqual([
      "🚨 INCIDENT ALERT - P0",
      "",
      "Summary: Health check endpoint unreachable; every API endpoint answers 503",
      "Impact: All users: no predictions are served",
      "Status: Investigating",
      "ETA: Unknown",
      "Next Update: 10:30 UTC",
      "",
      "Incident Commander: alice",
    ])
    const update = renderMessage(scenarios.plain("update")).text
    expect(update).toMatch(
      /^📊 INCIDENT UPDATE - P0\n\nProgress: .+\nCurrent Status: Still down\nNext Steps: Roll back to the last known good version\nETA: 11:30 UTC\nNext Update: 10:55 UTC\n/,
    )
    const resolution = renderMessage(scenarios.plain("resolution")).text
    expect(resolution).toMatch(
      /^✅ INCIDENT RESOLVED - P0\n\nResolution: .+\nRoot Cause: A memory leak .+\nDuration: 1h 25m\nNext Steps: Schedule the post-mortem\n\nThank you for your patience\.\n/,
    )
  })

  it("give Slack a header block with the emoji and sections in mrkdwn", () => {
    const { blocks } = render("resolution", "slack", scenarios.plain("resolution") as never)
    expect(blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "✅ INCIDENT RESOLVED - P0", emoji: true },
    })
    expect(blocks.slice(1).every((block) => block.type !== "header")).toBe(true)
  })

  it("build a post-mortem with the timeline, root cause, action items and the seed checklists", () => {
    const markdown = renderMessage(scenarios.plain("postmortem")).markdown
    expect(markdown).toContain(
      "- **2026-11-28 10:30 UTC** Escalated to SRE Manager: Unable to restore service within 30 minutes",
    )
    expect(markdown).toContain(
      "## Root cause\n\nA memory leak in the model loader introduced in v1.5.0",
    )
    expect(markdown).toContain("- [ ] Add a memory limit alert for the app container")
    for (const group of runbook.postIncident) {
      expect(markdown).toContain(`### ${group.title} (${group.within})`)
      for (const step of group.steps) expect(markdown).toContain(`- [ ] ${step.text}`)
    }
  })
})

describe("escaping", () => {
  const messages = MessageKind.kinds.map((kind) => renderMessage(scenarios.hostile(kind)))

  it("never lets incident text make Slack links, mentions or broadcasts", () => {
    for (const message of messages) {
      const everything = [message.slack.text, JSON.stringify(message.slack.blocks)].join("\n")
      expect(everything).not.toMatch(/<!(channel|here|everyone)>/)
      expect(everything).not.toContain("<@U024BE7LH>")
      expect(everything).not.toContain("<https://evil.example|click me>")
      expect(everything).not.toMatch(/@(channel|here|everyone)/)
      // The only angle brackets left are the runbook's own dashboard links.
      expect(message.slack.text.replace(/<http:\/\/localhost:\d+\|[A-Za-z]+>/g, "")).not.toMatch(
        /[<>]/,
      )
    }
  })

  it("never lets incident text make HTML elements or attributes", () => {
    for (const message of messages) {
      expect(message.email.html).not.toMatch(/<(script|img|b|i|it|down|oops)\b/)
      expect(message.email.html).not.toContain("onerror=alert")
      expect(message.email.html.match(/<a /g)?.length ?? 0).toBe(
        message.kind === "escalation" ? 3 : 0,
      )
    }
  })

  it("never lets incident text make Markdown markup, HTML or mentions", () => {
    for (const message of messages) {
      const markdown = message.markdown
      expect(markdown).not.toMatch(/(^|[^\\])<(script|img|b|i|down|oops|!)/m)
      expect(markdown).not.toMatch(/(^|[^\\])\[link\]/)
      expect(markdown).not.toMatch(/(^|[^\\*])\*\*bold/)
      expect(markdown).not.toMatch(/^# heading/m)
      expect(markdown).not.toMatch(/(^|\s)@(here|channel|everyone)/)
    }
  })

  it("strips control and bidirectional override characters in every format", () => {
    for (const message of messages) {
      for (const text of [
        message.text,
        message.markdown,
        message.slack.text,
        message.email.html,
        message.email.subject,
      ]) {
        expect(text).not.toContain("\u0007")
        expect(text).not.toContain("\u202E")
      }
    }
  })
})

describe("strict rendering", () => {
  it("names the template and the variable when the context lacks one", () => {
    const context = scenarios.plain("initial") as InitialContext
    const { commander: _, ...incident } = context.incident
    const broken = { ...context, incident } as unknown as InitialContext
    let error: unknown
    try {
      render("initial", "slack", broken)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(TemplateRenderError)
    expect(error).toMatchObject({
      template: "initial.slack.hbs",
      variable: "incident.commander",
      line: 9,
    })
    expect((error as Error).message).toContain(
      'initial.slack.hbs:9: the context has no "incident.commander"',
    )
  })

  it("fails when a helper gets no value instead of printing a blank", () => {
    const context = scenarios.plain("resolution")
    const broken = {
      ...context,
      resolution: { ...(context as { resolution: object }).resolution, durationSeconds: null },
    }
    expect(() => render("resolution", "text", broken as never)).toThrow(
      /resolution\.text\.hbs:5: helper "duration" expected a number of seconds, got null/,
    )
  })

  it("refuses a context of another message kind", () => {
    expect(() => render("update", "text", scenarios.plain("initial") as never)).toThrow(TypeError)
  })

  it("compiles the built-in templates once per process", () => {
    expect(defaultTemplates()).toBe(defaultTemplates())
    expect(loadTemplates()).toBe(defaultTemplates())
    expect(defaultTemplates().sources).toHaveLength(35)
    expect(
      defaultTemplates().sources.every((source) => source.file.startsWith(templatesDirectory)),
    ).toBe(true)
  })

  it("passes every check an override goes through, for each built-in template", () => {
    // The built-ins are compiled on first use without the checks; this is what vouches for them.
    const dir = mkdtempSync(join(scratch, "builtins-"))
    for (const name of readdirSync(templatesDirectory)) {
      writeFileSync(join(dir, name), readFileSync(join(templatesDirectory, name), "utf8"))
    }
    const templates = loadTemplates({ dir })
    expect(templates.sources.filter((source) => source.overridden)).toHaveLength(35)
    const context = scenarios.plain("initial")
    expect(templates.render("initial", "text", context)).toEqual(
      defaultTemplates().render("initial", "text", context),
    )
  })
})

describe("loadTemplates overrides", () => {
  const overrides = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(scratch, "overrides-"))
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source)
    return dir
  }
  const loadError = (files: Record<string, string>): TemplateLoadError => {
    const dir = overrides(files)
    try {
      loadTemplates({ dir })
    } catch (error) {
      if (error instanceof TemplateLoadError) return error
      throw error
    }
    throw new Error("expected loadTemplates to fail")
  }

  it("renders a team's template in place of the built-in one, and keeps the others", () => {
    const dir = overrides({
      "initial.slack.hbs":
        "*:rotating_light: {{incident.severity}} {{incident.title}}*\nOwner: {{incident.commander}} · {{severityName incident.severity}} · next update {{nextUpdate.text}}\n",
      "README.md": "not a template: ignored",
    })
    const templates = loadTemplates({ dir })
    const context = scenarios.plain("initial") as InitialContext
    expect(templates.render("initial", "slack", context).text).toBe(
      "*:rotating_light: P0 System completely down*\nOwner: alice · Critical · next update 10:30 UTC",
    )
    expect(templates.render("initial", "text", context).text).toBe(
      render("initial", "text", context).text,
    )
    expect(templates.sources.filter((source) => source.overridden)).toEqual([
      { kind: "initial", part: "slack", file: join(dir, "initial.slack.hbs"), overridden: true },
    ])
  })

  it("accepts nested scopes, data variables and parent paths", () => {
    const dir = overrides({
      "initial.text.hbs":
        "{{#each assessment.playbooks as |playbook index|}}{{index}} {{playbook.title}} {{@root.incident.id}}{{/each}}\n{{#each assessment.nextSteps}}{{@index}}:{{this}} {{../incident.id}}{{/each}}\n{{#with incident}}{{title}}{{/with}}\n",
    })
    const text = loadTemplates({ dir }).render(
      "initial",
      "text",
      scenarios.plain("initial") as InitialContext,
    ).text
    expect(text).toContain("0 System Completely Down INC-2026-0042")
    expect(text).toContain("0:Check if it's a planned maintenance (check calendar) INC-2026-0042")
  })

  it("fails at load with file, line and a suggestion for an unknown variable", () => {
    const error = loadError({
      "initial.slack.hbs": "*{{incident.title}}*\n\nOwner: {{incident.comander}}\n",
    })
    expect(error.reason).toBe("unknown-variable")
    expect(error.line).toBe(3)
    expect(error.file).toMatch(/initial\.slack\.hbs$/)
    expect(error.message).toMatch(
      /initial\.slack\.hbs:3:10: unknown variable "incident\.comander".*did you mean "commander"\?/,
    )
  })

  it("fails at load for a variable that only another message kind has", () => {
    const error = loadError({ "initial.text.hbs": "{{resolution.rootCause}}" })
    expect(error.message).toContain('the initial message has no "resolution"')
  })

  it("fails at load for fields of list items and values that are not objects", () => {
    expect(
      loadError({ "update.text.hbs": "{{#each incident.flags}}{{this.name}}{{/each}}" }).reason,
    ).toBe("unknown-variable")
    expect(
      loadError({ "update.text.hbs": "{{#each incident.title}}x{{/each}}" }).message,
    ).toContain("#each needs a list")
    expect(loadError({ "update.text.hbs": "{{@index}}" }).message).toContain(
      'unknown data variable "@index"',
    )
    expect(loadError({ "update.text.hbs": "{{../incident.id}}" }).message).toContain("climbs above")
  })

  it("fails at load for a template that does not compile, with the line", () => {
    const error = loadError({
      "update.markdown.hbs": "## Update\n\n{{#if update.eta}}\nETA {{update.eta}}\n",
    })
    expect(error.reason).toBe("syntax")
    expect(error.message).toMatch(/update\.markdown\.hbs:\d+: does not compile/)
  })

  it("fails at load for unknown helpers, wrong arguments and partials", () => {
    expect(loadError({ "update.text.hbs": "{{upper incident.title}}" }).message).toContain(
      'unknown helper "upper"',
    )
    expect(
      loadError({ "update.text.hbs": "{{durration incident.durationSeconds}}" }).message,
    ).toContain('did you mean "duration"')
    expect(loadError({ "update.text.hbs": "{{time}}" }).message).toContain(
      'helper "time" takes 1 argument(s), got 0',
    )
    expect(loadError({ "update.text.hbs": '{{list incident.flags sep=","}}' }).message).toContain(
      'no option "sep"',
    )
    expect(loadError({ "update.text.hbs": "{{> footer}}" }).reason).toBe("unsupported")
  })

  it("refuses unescaped output in HTML, where it would let incident text inject markup", () => {
    const error = loadError({ "update.html.hbs": "<p>\n{{{update.progress}}}</p>" })
    expect(error.reason).toBe("unsafe-output")
    expect(error.line).toBe(2)
    const dir = overrides({ "update.text.hbs": "{{{update.progress}}}" })
    expect(() => loadTemplates({ dir })).not.toThrow()
  })

  it("refuses a file name that is not a template, and a folder it cannot read", () => {
    const error = loadError({ "inital.slack.hbs": "x" })
    expect(error.reason).toBe("unknown-file")
    expect(error.message).toContain("expected <kind>.<format>.hbs")
    const missing = join(tmpdir(), "ir-templates-does-not-exist")
    expect(() => loadTemplates({ dir: missing })).toThrow(/cannot read the template folder/)
    const dir = mkdtempSync(join(scratch, "overrides-"))
    mkdirSync(join(dir, "update.text.hbs"))
    expect(() => loadTemplates({ dir })).toThrow(/cannot read the template/)
  })
})
