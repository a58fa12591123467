/**
 * The runbook as one Markdown document a responder can read or print: severities, every playbook
 * (symptoms with the predicates that observe them, the probes and actions behind each step and the
 * original commands), escalation, templates, tools, procedures, contacts, drills and the appendix.
 * It follows the seed runbook's headings; each playbook is anchored by its id, so alert rules can
 * link to `runbook.md#<playbook-id>`. Deterministic: the same runbook always gives the same text.
 *
 * @example
 * ```ts
 * import { defaultRunbook, renderRunbookMarkdown } from "@ir/core"
 * const markdown = renderRunbookMarkdown(defaultRunbook)
 * markdown.includes('<a id="system-down"></a>') // true
 * ```
 */
import * as Action from "./Action.js"
import type { EscalationRule, EscalationTrigger } from "./Escalation.js"
import { capitalise, codeBlock, indent, listItem, table } from "./internal/markdownBlocks.js"
import type { Playbook, SeverityRule } from "./Playbook.js"
import * as Probe from "./Probe.js"
import type { Runbook } from "./Runbook.js"
import { find as findSeverity, levels, type Severity, type SeverityLevel } from "./Severity.js"
import type { Step } from "./Step.js"
import type { ConditionValue, Predicate } from "./Symptom.js"
import type { Thresholds } from "./Threshold.js"

// ---------------------------------------------------------------------------------------------
// Predicates

const literal = (value: boolean | number | string): string =>
  typeof value === "string" ? JSON.stringify(value) : String(value)

const renderValue = (value: ConditionValue, thresholds: Thresholds): string => {
  if (typeof value !== "object") return literal(value)
  const threshold = thresholds[value.threshold]
  if (threshold === undefined) return `(undefined threshold ${value.threshold})`
  const level = value.level ?? "critical"
  const number = level === "warn" ? (threshold.warn ?? threshold.critical) : threshold.critical
  return `${number} (${level} threshold ${value.threshold})`
}

const isCombinator = (predicate: Predicate): boolean =>
  "all" in predicate || "any" in predicate || "atLeast" in predicate

/**
 * A predicate in words and code spans, thresholds resolved to their numbers.
 *
 * @example
 * ```ts
 * import { defaultRunbook, renderPredicate } from "@ir/core"
 * renderPredicate(
 *   { signal: "api.error_ratio", op: ">", value: { threshold: "api.error_ratio", level: "critical" } },
 *   defaultRunbook.thresholds,
 * ) // "`api.error_ratio > 0.1 (critical threshold api.error_ratio)`"
 * ```
 */
export const renderPredicate = (predicate: Predicate, thresholds: Thresholds): string => {
  const nested = (child: Predicate) => {
    const text = renderPredicate(child, thresholds)
    return isCombinator(child) ? `(${text})` : text
  }
  if ("signal" in predicate) {
    const duration = predicate.for === undefined ? "" : ` for ${predicate.for}`
    return `\`${predicate.signal} ${predicate.op} ${renderValue(predicate.value, thresholds)}${duration}\``
  }
  if ("manual" in predicate) return `a responder asserts \`${predicate.manual}\``
  if ("all" in predicate) return predicate.all.map(nested).join(" and ")
  if ("any" in predicate) return predicate.any.map(nested).join(" or ")
  if ("atLeast" in predicate)
    return `at least ${predicate.atLeast} of (${predicate.of.map(nested).join("; ")})`
  return `not (${renderPredicate(predicate.not, thresholds)})`
}

// ---------------------------------------------------------------------------------------------
// Steps

const params = (values: Readonly<Record<string, unknown>> | undefined): string => {
  const entries = Object.entries(values ?? {}).filter(([, value]) => value !== undefined)
  if (entries.length === 0) return ""
  return ` with ${entries
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(",") : String(value)}`)
    .join(", ")}`
}

const probeLine = (probe: NonNullable<Step["probe"]>): string => {
  const title = Probe.find(probe.probe)?.title
  const given = "params" in probe ? (probe.params as Readonly<Record<string, unknown>>) : undefined
  return `Probe: \`${probe.probe}\`${title === undefined ? "" : ` (${title})`}${params(given)}.`
}

const actionLine = (action: NonNullable<Step["action"]>): string => {
  const definition = Action.find(action.action)
  const given =
    "params" in action ? (action.params as Readonly<Record<string, unknown>>) : undefined
  const how =
    definition === undefined
      ? ""
      : definition.automated
        ? " ir carries it out when a responder confirms (a dry run otherwise) and journals it."
        : " A person carries it out; ir records it when reported."
  return `Action: \`${action.action}\`${definition === undefined ? "" : ` (${definition.title})`}${params(given)}.${how}`
}

const commandLanguage = (command: string): string =>
  /^\s*(SELECT|WITH|SHOW|EXPLAIN|INSERT|UPDATE|DELETE)\b/i.test(command) ? "sql" : "bash"

const renderStep = (marker: string, step: Step): ReadonlyArray<string> => {
  const nested = (step.details ?? []).map((detail) => `- ${detail}`)
  const references: Array<string> = []
  if (step.probe !== undefined) references.push(probeLine(step.probe))
  if (step.action !== undefined) references.push(actionLine(step.action))
  const blocks: Array<ReadonlyArray<string>> = []
  if (references.length > 0) blocks.push([references.join(" ")])
  if (step.command !== undefined)
    blocks.push(codeBlock(step.command, commandLanguage(step.command)))
  return listItem(marker, step.text, nested, blocks)
}

/** Steps as a numbered (or bulleted) list; items with blocks are separated by blank lines. */
const renderSteps = (steps: ReadonlyArray<Step>, ordered: boolean): ReadonlyArray<string> => {
  const lines: Array<string> = []
  steps.forEach((step, index) => {
    const item = renderStep(ordered ? `${index + 1}.` : "-", step)
    const previousHadBlocks = lines.length > 0 && lines[lines.length - 1]!.startsWith(" ")
    if (lines.length > 0 && (item.length > 1 || previousHadBlocks)) lines.push("")
    lines.push(...item)
  })
  return lines
}

const bullets = (items: ReadonlyArray<string>): ReadonlyArray<string> =>
  items.map((item) => `- ${item}`)

const section = (label: string, body: ReadonlyArray<string>): ReadonlyArray<string> =>
  body.length === 0 ? [] : [`**${label}:**`, "", ...body, ""]

// ---------------------------------------------------------------------------------------------
// Sections

const responseTimeWords = (severity: Severity): string => severity.responseTimeText

/** `30` → "every 30 minutes", `60` → "every hour", `120` → "every 2 hours". */
const cadence = (minutes: number): string => {
  if (minutes % 60 !== 0) return `every ${minutes} minutes`
  const hours = minutes / 60
  return hours === 1 ? "every hour" : `every ${hours} hours`
}

const renderSeverity = (severity: Severity): ReadonlyArray<string> => [
  `### ${severity.level} - ${severity.name} (${severity.impact})`,
  `- **Response Time**: ${responseTimeWords(severity)}`,
  `- **Escalation**: ${severity.raiseText}`,
  `- **Examples**: ${severity.examples.join(", ")}`,
  `- **Status Updates**: ${
    severity.updateEveryMinutes === undefined
      ? "no fixed cadence"
      : `${cadence(severity.updateEveryMinutes)} while the incident is open`
  }`,
  "",
]

const weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

const calendarLine = (runbook: Runbook): string => {
  const { calendar } = runbook
  const days = calendar.workingDays.map((day) => weekdays[day - 1] ?? String(day)).join(", ")
  const holidays =
    calendar.holidays.length === 0
      ? "no holidays listed"
      : `holidays ${calendar.holidays.join(", ")}`
  return `Business days (for response times in business days) are ${days}, ${calendar.workingHours.start}–${calendar.workingHours.end} in ${calendar.timeZone}; ${holidays}.`
}

const severityLabel = (runbook: Runbook, level: SeverityLevel): string => {
  const severity = findSeverity(runbook.severities, level)
  return severity === undefined ? level : `${level} (${severity.name})`
}

const renderSeverityRule = (runbook: Runbook, rule: SeverityRule): string =>
  `**${rule.severity}** when ${renderPredicate(rule.when, runbook.thresholds)}: ${rule.reason}`

const renderPlaybook = (runbook: Runbook, playbook: Playbook, index: number) => {
  const symptoms = playbook.symptoms.map((symptom) => {
    const notes: Array<string> = []
    if (!symptom.primary) notes.push("supporting evidence only")
    if (symptom.origin === "investigation") notes.push("from the investigation steps")
    const suffix = notes.length === 0 ? "" : ` _(${notes.join("; ")})_`
    return `- ${symptom.text} — observed when ${renderPredicate(symptom.when, runbook.thresholds)}${suffix}`
  })
  return [
    `<a id="${playbook.id}"></a>`,
    "",
    `### ${index + 1}. ${playbook.title}`,
    "",
    `Playbook \`${playbook.id}\` · default severity ${severityLabel(runbook, playbook.defaultSeverity)}.${
      playbook.summary === undefined ? "" : ` ${playbook.summary}`
    }`,
    "",
    ...section(
      "Severity Rules",
      bullets(playbook.severityRules.map((rule) => renderSeverityRule(runbook, rule))),
    ),
    ...section("Symptoms", symptoms),
    ...section("Immediate Actions", renderSteps(playbook.immediateActions, true)),
    ...section("Investigation Steps", renderSteps(playbook.investigation, true)),
    ...section("Resolution Steps", renderSteps(playbook.resolution, true)),
    ...section("Common Causes", bullets(playbook.commonCauses)),
    ...section("Post-Resolution", renderSteps(playbook.postResolution, false)),
  ]
}

const phases = [
  { phase: "immediate", title: "Immediate Escalation" },
  { phase: "after-initial-response", title: "Escalation After Initial Response" },
] as const

const triggerWords = (trigger: EscalationTrigger): string => {
  if ("unresolvedFor" in trigger) return `not resolved ${trigger.unresolvedFor} after opening`
  if ("noProgressFor" in trigger)
    return `no update, action or mitigation for ${trigger.noProgressFor}`
  return `a responder raises the \`${trigger.flag}\` flag`
}

const severitiesWords = (rule: EscalationRule): string =>
  levels.every((level) => rule.severities.includes(level))
    ? "any severity"
    : rule.severities.join(", ")

const renderEscalation = (runbook: Runbook): ReadonlyArray<string> => {
  const lines: Array<string> = ["## Escalation Procedures", "", "### When to Escalate", ""]
  let number = 0
  for (const { phase, title } of phases) {
    const rules = runbook.escalation.rules.filter((rule) => rule.phase === phase)
    if (rules.length === 0) continue
    number += 1
    const common = levels.filter((level) => rules.every((rule) => rule.severities.includes(level)))
    const label = common.length === 0 ? title : `${title} (${common.join(", ")})`
    lines.push(
      `${number}. **${label}:**`,
      ...indent(
        rules.map(
          (rule) =>
            `- ${rule.text} — ${triggerWords(rule.trigger)} (${severitiesWords(rule)}; rule \`${rule.id}\`)`,
        ),
        `${number}. `.length,
      ),
      "",
    )
  }
  lines.push("### Escalation Contacts", "")
  runbook.escalation.contacts.forEach((contact, index) => {
    const reach = [contact.name, contact.phone, contact.email].filter(
      (part): part is string => part !== undefined,
    )
    const via = contact.channels.length === 0 ? "" : ` (via ${contact.channels.join(", ")})`
    lines.push(`${index + 1}. **${contact.role}**: ${reach.join(", ")}${via}`)
  })
  lines.push("", "### Communication Channels", "")
  for (const channel of runbook.channels) {
    const target = channel.target === undefined ? "" : ` → ${channel.target}`
    lines.push(
      `- **${capitalise(channel.audience)}**: ${channel.text} (\`${channel.id}\`, ${channel.kind}${target})`,
    )
  }
  lines.push("")
  return lines
}

const renderCommunications = (runbook: Runbook): ReadonlyArray<string> => [
  "## Communication Templates",
  "",
  ...runbook.communications.flatMap((template) => [
    `### ${template.title} (${template.when})`,
    ...codeBlock(template.text),
    "",
  ]),
]

const renderTools = (runbook: Runbook): ReadonlyArray<string> => [
  "## Tools and Resources",
  "",
  "### Monitoring",
  ...runbook.monitoring.map((link) => `- **${link.name}**: ${link.url}`),
  "",
  "### Logs",
  "",
  ...renderSteps(runbook.logs, false),
  "",
  "### Useful Commands",
  "",
  ...runbook.usefulCommands.flatMap((group) => [
    `**${group.title}${group.within === undefined ? "" : ` (${group.within})`}:**`,
    "",
    ...renderSteps(group.steps, false),
    "",
  ]),
  "### Configuration Files",
  ...runbook.configurationFiles.map((file) => `- \`${file.name}\` - ${file.contact}`),
  "",
]

const renderPostIncident = (runbook: Runbook): ReadonlyArray<string> => [
  "## Post-Incident Procedures",
  "",
  ...runbook.postIncident.flatMap((group) => [
    `### ${group.title}${group.within === undefined ? "" : ` (${group.within})`}`,
    ...renderSteps(group.steps, true),
    "",
  ]),
]

const contactList = (entries: Runbook["onCall"]): ReadonlyArray<string> =>
  entries.map((entry) => `- **${entry.name}**: ${entry.contact}`)

// A configured schedule is listed under the runbook's own words; `ir oncall` says who is on now.
const renderRotations = (runbook: Runbook): ReadonlyArray<string> => {
  const { people, rotations } = runbook.onCallSchedule
  if (rotations.length === 0) return []
  const named = (id: string) => people.find((person) => person.id === id)?.name ?? id
  return [
    "",
    ...rotations.map(
      (rotation) =>
        `- **${rotation.layer === "primary" ? "Primary" : "Secondary"} rotation \`${rotation.id}\`**: ${rotation.members.map(named).join(", ")}; ${rotation.length} turns, handoff ${rotation.weekday === undefined ? "" : `${rotation.weekday[0]?.toUpperCase()}${rotation.weekday.slice(1)} `}${rotation.handoff} ${rotation.timeZone}, from ${rotation.start}`,
    ),
  ]
}

const renderContacts = (runbook: Runbook): ReadonlyArray<string> => [
  "## Contact Information",
  "",
  "### On-Call Schedule",
  ...contactList(runbook.onCall),
  ...renderRotations(runbook),
  "",
  "### Vendor Contacts",
  ...contactList(runbook.vendorContacts),
  "",
  "### Internal Contacts",
  ...contactList(runbook.internalContacts),
  "",
]

const renderTraining = (runbook: Runbook): ReadonlyArray<string> => [
  "## Training and Drills",
  "",
  ...runbook.training.flatMap((group) => [
    `### ${group.title}`,
    ...renderSteps(group.steps, false),
    "",
  ]),
]

/** The directory every command lives in, when they share one (`scripts/recovery/`). */
const commonDirectory = (steps: ReadonlyArray<Step>): string | undefined => {
  const directories = new Set(
    steps.map((step) => {
      const command = step.command ?? ""
      const slash = command.lastIndexOf("/")
      return slash === -1 ? "" : command.slice(0, slash + 1)
    }),
  )
  const [only] = directories
  return directories.size === 1 && only !== "" ? only : undefined
}

const renderThresholds = (runbook: Runbook): ReadonlyArray<string> => {
  const names = Object.keys(runbook.thresholds)
  if (names.length === 0) return []
  return [
    "### Thresholds",
    "",
    "Symptoms and probes refer to these by name; a team changes a number here once.",
    "",
    ...table(
      ["Name", "Description", "Warn", "Critical", "Unit", "Bad when"],
      names.map((name) => {
        const threshold = runbook.thresholds[name]!
        return [
          `\`${name}\``,
          threshold.description,
          threshold.warn === undefined ? "" : String(threshold.warn),
          String(threshold.critical),
          threshold.unit ?? "",
          threshold.direction === "below" ? "at or below" : "at or above",
        ]
      }),
    ),
    "",
  ]
}

const renderAppendix = (runbook: Runbook): ReadonlyArray<string> => {
  const location = commonDirectory(runbook.recoveryScripts)
  const fed = runbook.queries.filter((query) => query.signal !== undefined)
  return [
    "## Appendix",
    "",
    "### Useful Queries",
    "",
    "**Prometheus Queries:**",
    ...codeBlock(
      runbook.queries.map((query) => `# ${query.name}\n${query.query}`).join("\n\n"),
      "promql",
    ),
    "",
    ...(fed.length === 0
      ? []
      : [
          `Signals these queries feed: ${fed.map((query) => `${query.name} → \`${query.signal}\``).join(", ")}.`,
          "",
        ]),
    ...section("Log Searches", renderSteps(runbook.logSearches, false)),
    "### Recovery Scripts",
    ...(location === undefined ? [] : [`Location: \`${location}\``]),
    ...renderSteps(runbook.recoveryScripts, false),
    "",
    ...renderThresholds(runbook),
  ]
}

/**
 * Renders a whole runbook as Markdown, following the seed runbook's layout and headings.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs"
 * import { defaultRunbook, renderRunbookMarkdown } from "@ir/core"
 * writeFileSync("runbook.md", renderRunbookMarkdown(defaultRunbook))
 * ```
 */
export const renderRunbookMarkdown = (runbook: Runbook): string => {
  const lines: Array<string> = [
    `# ${runbook.name}`,
    "",
    "## Overview",
    "",
    runbook.description,
    "",
    "## Incident Severity Levels",
    "",
    ...runbook.severities.flatMap(renderSeverity),
    calendarLine(runbook),
    "",
    "## Common Incidents",
    "",
    ...runbook.playbooks.map(
      (playbook) =>
        `- [${playbook.title}](#${playbook.id}) — ${severityLabel(runbook, playbook.defaultSeverity)}`,
    ),
    "",
    ...runbook.playbooks.flatMap((playbook, index) => renderPlaybook(runbook, playbook, index)),
    ...renderEscalation(runbook),
    ...renderCommunications(runbook),
    ...renderTools(runbook),
    ...renderPostIncident(runbook),
    ...renderContacts(runbook),
    ...renderTraining(runbook),
    ...renderAppendix(runbook),
  ]
  // Collapse runs of blank lines (outside code blocks) and end with exactly one newline.
  const out: Array<string> = []
  let fence: string | undefined
  for (const line of lines) {
    const marker = /^\s*(`{3,})/.exec(line)?.[1]
    if (marker !== undefined) {
      if (fence === undefined) fence = marker
      else if (marker === fence) fence = undefined
    }
    if (
      fence === undefined &&
      line.trim() === "" &&
      (out.length === 0 || out[out.length - 1] === "")
    )
      continue
    out.push(fence === undefined && line.trim() === "" ? "" : line)
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop()
  return `${out.join("\n")}\n`
}
