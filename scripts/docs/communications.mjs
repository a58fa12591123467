// docs/communications.md: every incident message as @ir/templates renders it, how to override a
// template, and how @ir/notify delivers it. Rendered from the built packages, so the page cannot
// drift from what responders receive.
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultRunbook, foldIncident } from "@ir/core"
import {
  contextShape,
  loadTemplates,
  MessageKind,
  messageContext,
  renderMessage,
  TemplateLoadError,
} from "@ir/templates"
import { Either } from "effect"

export const file = "communications.md"

const at = (time) => new Date(`2026-11-28T${time}:00Z`)

const events = [
  {
    type: "opened",
    at: at("10:00"),
    incidentId: "INC-2026-0042",
    title: "System completely down",
    severity: "P0",
    playbooks: ["system-down"],
    summary: "Health check endpoint unreachable; every API endpoint answers 503",
    impact: "All users: no predictions are served",
    source: { kind: "triage" },
  },
  { type: "acknowledged", at: at("10:04"), by: "alice" },
  {
    type: "action-taken",
    at: at("10:12"),
    action: "docker.restart",
    target: "app",
    dryRun: false,
    outcome: "failed",
    detail: "container exited again after 20s (out of memory)",
    by: "alice",
  },
  {
    type: "update-posted",
    at: at("10:25"),
    progress: "Restarted the app container; it is killed by the OOM killer after 20 seconds",
    status: "Still down",
    nextSteps: "Roll back to the last known good version",
    eta: "11:30 UTC",
    by: "alice",
  },
  { type: "escalated", at: at("10:30"), level: 1, to: "SRE Manager", rule: "p0-not-restored" },
  {
    type: "action-taken",
    at: at("10:41"),
    action: "deploy.rollback",
    target: "app",
    dryRun: false,
    outcome: "succeeded",
    detail: "rolled back to v1.4.2",
    by: "bob",
  },
  { type: "mitigated", at: at("10:50"), summary: "Rolled back to v1.4.2", by: "bob" },
  {
    type: "resolved",
    at: at("11:25"),
    resolution: "Rolled back to v1.4.2 and raised the memory limit to 2 GiB",
    rootCause: "A memory leak in the model loader introduced in v1.5.0",
    by: "alice",
  },
  {
    type: "postmortem-scheduled",
    at: at("11:30"),
    scheduledFor: new Date("2026-12-01T14:00:00Z"),
    by: "alice",
  },
]

const assessment = {
  playbooks: [
    {
      title: "System Completely Down",
      confidence: "95%",
      evidence: ["Health check endpoint unreachable", "All API endpoints returning 5xx errors"],
    },
  ],
  nextSteps: [
    "Check if it's a planned maintenance (check calendar)",
    "Verify the issue affects all users",
    "Check infrastructure status (AWS, GCP, etc.)",
  ],
}

// Where in the story each message goes out.
const moments = {
  initial: {
    count: 2,
    now: "2026-11-28T10:05:00Z",
    when: "within the severity's response time (15 minutes for P0)",
  },
  update: { count: 4, now: "2026-11-28T10:25:30Z", when: "every 30 minutes for P0, hourly for P1" },
  escalation: { count: 5, now: "2026-11-28T10:30:10Z", when: "when an escalation rule fires" },
  resolution: { count: 8, now: "2026-11-28T11:26:00Z", when: "when the incident is resolved" },
  postmortem: {
    count: 9,
    now: "2026-11-28T12:00:00Z",
    when: "after resolution, for the post-mortem meeting",
  },
  reminder: {
    count: 9,
    now: "2026-11-29T11:26:00Z",
    when: "after resolution, when a follow-up is due: the post-mortem meeting, a post-incident checklist at its deadline with steps left, an overdue action item (weekly)",
  },
  notice: {
    count: 4,
    now: "2026-11-28T10:25:30Z",
    when: "to the status page and support tickets instead of the initial alert, each update and the resolution, for the severities the runbook's `audiences` policy routes there (customer-safe fields only; shown here as an update)",
  },
}

const titles = {
  initial: "Initial alert",
  update: "Status update",
  escalation: "Escalation page",
  resolution: "Resolution notice",
  postmortem: "Post-mortem document",
  reminder: "Follow-up reminder",
  notice: "Customer notice",
}

const contextFor = (kind) =>
  messageContext(kind, {
    incident: Either.getOrThrow(foldIncident(events.slice(0, moments[kind].count))),
    runbook: defaultRunbook,
    now: new Date(moments[kind].now),
    ...(kind === "initial" ? { assessment } : {}),
    ...(kind === "postmortem"
      ? { actionItems: ["Alert on the app container's memory", "Load-test model loader releases"] }
      : {}),
    ...(kind === "notice" ? { notice: { phase: "update", reference: "ir-0123456789abcdef" } } : {}),
    ...(kind === "reminder"
      ? {
          reminder: {
            reason: "Immediate (within 24 hours): 2 step(s) left",
            items: ["Document lessons learned", "Update this runbook if necessary"],
          },
        }
      : {}),
  })

const fence = (language, text) => {
  const ticks = text.includes("```") ? "````" : "```"
  return `${ticks}${language}\n${text.replace(/\n$/, "")}\n${ticks}`
}

const variables = (shape, prefix = "") => {
  if (shape === true) return [prefix]
  if (Array.isArray(shape)) {
    return shape[0] === true ? [`${prefix} (list)`] : variables(shape[0], `${prefix}[]`)
  }
  return Object.entries(shape).flatMap(([field, inner]) =>
    variables(inner, prefix === "" ? field : `${prefix}.${field}`),
  )
}

const overrideError = () => {
  const dir = join(tmpdir(), "ir-docs-templates")
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, "initial.slack.hbs"),
    "*:rotating_light: {{incident.severity}} {{incident.title}}*\n\nOwner: {{incident.comander}}\n",
  )
  try {
    loadTemplates({ dir })
    return "(no error)"
  } catch (error) {
    if (!(error instanceof TemplateLoadError)) throw error
    return error.message.replace(dir, "ir-templates")
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function generate() {
  const sections = MessageKind.kinds.map((kind) => {
    const message = renderMessage(contextFor(kind))
    return [
      `### ${titles[kind]} (\`${kind}\`)`,
      "",
      `Goes out ${moments[kind].when}. E-mail subject: \`${message.email.subject}\``,
      "",
      "Plain text (`text`, also the e-mail's text part):",
      "",
      fence("text", message.text),
      "",
      "Slack (`slack`: the mrkdwn text; the first line becomes a header block, each paragraph a section):",
      "",
      fence("text", message.slack.text),
      "",
      "<details><summary>Slack Block Kit blocks</summary>",
      "",
      fence("json", JSON.stringify(message.slack.blocks, null, 2)),
      "",
      "</details>",
      "",
      "<details><summary>Markdown (<code>markdown</code>)</summary>",
      "",
      fence("markdown", message.markdown),
      "",
      "</details>",
      "",
      "<details><summary>HTML e-mail (<code>html</code>)</summary>",
      "",
      fence("html", message.email.html),
      "",
      "</details>",
      "",
    ].join("\n")
  })

  const hostile = renderMessage(
    messageContext("update", {
      incident: Either.getOrThrow(
        foldIncident([
          { ...events[0], title: 'DB <down> & "cache" <!channel>' },
          {
            type: "update-posted",
            at: at("10:25"),
            progress: "**bold** <script>alert(1)</script> @here [link](https://evil.example)",
            status: "<i>down</i>",
            nextSteps: "- not a list",
            by: "alice",
          },
        ]),
      ),
      runbook: defaultRunbook,
      now: new Date("2026-11-28T10:25:30Z"),
    }),
  )
  const progressLine = (text) => text.split("\n").find((line) => line.includes("Progress:"))

  const variableTable = MessageKind.kinds
    .map((kind) => {
      const base = new Set(
        variables(contextShape("initial")).filter((name) => !name.startsWith("assessment")),
      )
      const own = variables(contextShape(kind)).filter((name) => !base.has(name))
      return `| \`${kind}\` | ${own.map((name) => `\`${name}\``).join(", ")} |`
    })
    .join("\n")
  const common = variables(contextShape("initial"))
    .filter((name) => !name.startsWith("assessment"))
    .map((name) => `\`${name}\``)
    .join(", ")

  return `<!-- Generated by scripts/docs/communications.mjs from @ir/templates: do not edit by hand. -->

# Incident communications

The runbook's communication templates (initial alert within 15 minutes, status updates every 30
minutes for P0 and hourly for P1, resolution notice) used to be filled in by hand and pasted into
Slack, e-mail and the status page. ir renders them from the incident itself, with
[\`@ir/templates\`](../packages/templates/README.md), and delivers them with
[\`@ir/notify\`](../packages/notify/README.md): once, with retries, and with secrets kept out of
every output.

Five messages, each in four formats (Slack mrkdwn with Block Kit blocks, Markdown, plain text and
HTML e-mail with a text part and a subject):

| message | header | built from |
|---|---|---|
| \`initial\` | 🚨 INCIDENT ALERT - P[X] | the opened incident, and the triage assessment when there is one |
| \`update\` | 📊 INCIDENT UPDATE - P[X] | the latest \`update-posted\` event |
| \`resolution\` | ✅ INCIDENT RESOLVED - P[X] | the \`resolved\` event (resolution, root cause) and the duration |
| \`escalation\` | 📟 INCIDENT ESCALATION - P[X] | the latest \`escalated\` event (or the escalation being made) and the contact chain |
| \`postmortem\` | 📝 POST-MORTEM | every event as a timeline, root cause, actions, action items and the runbook's post-incident checklists |

The three seed templates keep their lines, order and emoji; ir fills every field from the
incident (\`Next Update\` from the severity's cadence, \`Incident Commander\` from the commander or
whoever acknowledged, \`Duration\` from opening to resolution) and writes out what nobody has stated
yet ("Unknown", "Unassigned", "Under investigation") instead of leaving a blank. Times are in the
runbook calendar's time zone unless another is given.

## Rendering a message

\`\`\`ts
import { defaultRunbook, foldIncident, type IncidentEvent, Observation, triage } from "@ir/core"
import { messageContext, render, renderMessage } from "@ir/templates"
import { Either } from "effect"

// The incident's events, oldest first (what @ir/journal's \`journal.read(id)\` returns as \`events\`).
const events: ReadonlyArray<IncidentEvent.IncidentEvent> = [
  {
    type: "opened",
    at: new Date("2026-11-28T10:00:00Z"),
    incidentId: "INC-2026-0042",
    title: "System completely down",
    severity: "P0",
    playbooks: ["system-down"],
    summary: "Health check endpoint unreachable",
  },
]
const incident = Either.getOrThrow(foldIncident(events))
// What triage found (after a probe run: triage(runbook, run.observations)); optional.
const assessment = triage(
  defaultRunbook,
  Observation.fromRecord({ "http.health.reachable": false }, incident.openedAt),
)
const context = messageContext("initial", { incident, runbook: defaultRunbook, now: new Date(), assessment })
render("initial", "slack", context) // { text, blocks }
render("initial", "html", context) // { subject, html, text }
const message = renderMessage(context) // every format, for @ir/notify
\`\`\`

\`messageContext\` refuses a message the incident cannot have yet, saying what to record: an update
before any \`update-posted\` event, a resolution notice before \`resolved\`, an escalation page with
no escalation.

## The messages, as they render

One P0 from opening to post-mortem: opened by triage at 10:00 UTC, acknowledged by alice, a failed
restart, a status update, escalated to the SRE Manager at 10:30 (not restored within 30 minutes),
rolled back by bob, resolved at 11:25.

${sections.join("\n")}
## Escaping

Incident text comes from responders and alerts, so it is escaped for each format and can never
inject markup, links or mentions. The same status update, with hostile text, renders its
\`Progress\` line as:

| format | rendered |
|---|---|
| Slack | \`${progressLine(hostile.slack.text)}\` |
| Markdown | \`${progressLine(hostile.markdown)}\` |
| plain text | \`${progressLine(hostile.text)}\` |
| HTML | \`${progressLine(hostile.email.html.replace(/<\/?t[hdr][^>]*>/g, " ").replace(/ +/g, " ")).trim()}\` |

- Slack: \`&\`, \`<\`, \`>\` become entities (Slack's own rule), so \`<!channel>\`, \`<@U…>\` and
  \`<url|label>\` cannot form; \`@channel\`, \`@here\` and \`@everyone\` get an invisible word joiner.
  The header block is plain text, where \`<\` and \`>\` show as \`‹\` and \`›\`. Slack offers no
  escape for \`*\`, \`_\`, \`~\` and backticks: emphasis in incident text stays emphasis.
- Markdown: CommonMark control characters are backslash-escaped, and so are line starts that would
  make headings or lists; \`@name\` mentions get a word joiner, e-mail addresses stay as they are.
- HTML: entities (Handlebars' escaping); HTML templates may not use unescaped \`{{{…}}}\` output.
- Every format: control characters and bidirectional overrides are removed.

## Overriding a template

Every message and format is a Handlebars file: \`<kind>.<format>.hbs\` with kind one of
${MessageKind.kinds.map((kind) => `\`${kind}\``).join(", ")} and format one of
${MessageKind.parts.map((part) => `\`${part}\``).join(", ")} (\`subject\` is the e-mail subject line).
The built-ins are in the package's \`templates/\` folder (\`templatesDirectory\`): copy the ones you
want to change into a folder of your own and load it. Files you do not provide come from the
built-ins.

\`\`\`ts
import { type InitialContext, loadTemplates } from "@ir/templates"

declare const context: InitialContext // messageContext("initial", …), as above

const templates = loadTemplates({ dir: "./ir-templates" }) // throws TemplateLoadError
templates.render("initial", "slack", context)
\`\`\`

For example, \`ir-templates/initial.slack.hbs\`:

\`\`\`handlebars
*:rotating_light: {{incident.severity}} {{incident.title}}*

*Owner:* {{incident.commander}} · {{severityName incident.severity}}
*Next update:* {{nextUpdate.text}}
{{#if assessment.nextSteps}}

{{list assessment.nextSteps style="numbered"}}
{{/if}}
\`\`\`

Templates are checked when they are loaded, so a mistake fails before an incident, with the file
and line: a template that does not compile, a variable its message does not have, an unknown
helper or option, a partial, or unescaped output in HTML. A typo in the template above:

\`\`\`text
${overrideError()}
\`\`\`

Rendering is strict as well: a context without a variable the template reads is a
\`TemplateRenderError\` naming the template and the variable, never a silent blank.

### Variables

Every message has ${common}. Timestamps are ISO 8601 strings (format them with \`time\` or
\`datetime\`); durations are seconds (\`duration\`); fields that may not have happened yet
(\`incident.acknowledgedAt\`, \`nextUpdate.at\`, …) are \`null\` until they do, for \`{{#if}}\`.

| message | its own variables |
|---|---|
${variableTable}

### Helpers

| helper | output |
|---|---|
| \`{{duration incident.durationSeconds}}\` | \`1h 25m\` |
| \`{{time incident.openedAt}}\` | \`10:00 UTC\` (in the context's time zone) |
| \`{{datetime incident.openedAt}}\` | \`2026-11-28 10:00 UTC\` |
| \`{{severityName incident.severity}}\` | \`Critical\` |
| \`{{list items style="bullet"}}\` | a list in the format's own syntax; \`style\` is \`bullet\`, \`checkbox\`, \`numbered\` or \`inline\` (comma-separated); \`empty="…"\` is printed for an empty list |

and Handlebars' \`if\`, \`unless\`, \`each\` (with \`@index\`, \`@first\`, \`@last\`) and \`with\`. In a
Slack template the first line becomes the Block Kit header, each paragraph a section, and a line
of \`---\` a divider.

## Delivering

\`@ir/notify\` sends a rendered message to the channels the escalation policy names. Channel ids
match the runbook's (\`incidents\`, …), so a contact's \`channels\` list picks them.

\`\`\`yaml
notify:
  channels:
    - id: incidents
      kind: slack
      webhookUrl: \${SLACK_WEBHOOK_URL}
    - id: on-call
      kind: pagerduty
      routingKey: \${PAGERDUTY_ROUTING_KEY}
      severities: [P0]
    - id: status-page
      kind: webhook
      url: \${STATUS_WEBHOOK_URL}
      secret: \${STATUS_WEBHOOK_SECRET}
      messages: [initial, update, resolution]
    - id: oncall-email
      kind: email
      host: smtp.example.com
      user: ir
      password: \${SMTP_PASSWORD}
      from: ir <incidents@example.com>
      to: [oncall@example.com]
\`\`\`

In code, the first two of them (\`Channel.decodeChannels\` checks each one, and that ids are unique):

\`\`\`ts
import { Channel, deliverAll } from "@ir/notify"
import type { RenderedMessage } from "@ir/templates"

declare const message: RenderedMessage // renderMessage(context), as above

const channels = Channel.decodeChannels([
  { id: "incidents", kind: "slack", webhookUrl: process.env.SLACK_WEBHOOK_URL },
  {
    id: "on-call",
    kind: "pagerduty",
    routingKey: process.env.PAGERDUTY_ROUTING_KEY,
    severities: ["P0"],
  },
])
const results = await deliverAll(channels, message, {
  idempotencyKey: \`\${message.incidentId}:initial\`,
})
// [{ channel: "incidents", kind: "slack", status: "delivered", attempts: 1, ... },
//  { channel: "on-call", kind: "pagerduty", status: "failed", attempts: 4, cause: DeliveryError }]
\`\`\`

- Slack incoming webhook: \`{ text, blocks }\`; success is 200 with \`ok\`.
- PagerDuty Events API v2: \`trigger\` (\`resolve\` for the resolution notice, \`acknowledge\` on
  request), \`dedup_key\` = the incident id, severity P0→critical, P1→error, P2→warning, P3→info.
- Webhook: a JSON body with \`X-Ir-Signature: sha256=<hex>\` (HMAC-SHA256 of the exact body),
  \`X-Ir-Timestamp\` and \`Idempotency-Key\`; \`WebhookSignature.verify\` checks it in a receiver.
- E-mail: SMTP with a text and an HTML part; the Message-ID comes from the idempotency key.

Each attempt has a timeout (10 s by default). Network errors, timeouts, 429 (waiting as long as
\`Retry-After\` says, up to a limit) and 5xx are retried with exponential backoff and full jitter;
other 4xx are not. Every retry carries the same idempotency key and, for webhooks, the same signed
body, so a receiver that deduplicates keeps one copy. Webhook URLs, routing keys, signing secrets,
header values and SMTP passwords are \`Redacted\`: results show \`https://hooks.slack.com/services/***\`,
and errors and log entries are scrubbed of them even when a peer echoes them back.
`
}
