// The board's HTML: the login page, the board (its live section also served alone, for the
// script to swap in), and the error pages. Server-rendered, complete without JavaScript; every
// value goes through `escapeHtml`; every field has a label; one h1 per page, headings in order.
import { Duration, IncidentEvent } from "@ir/core"
import { describeEvent } from "@ir/journal"
import { TimeFormat } from "@ir/templates"
import type { BoardView, ChecklistView, IncidentView } from "./BoardView.js"
import { escapeHtml, htmlPage } from "./Page.js"

/** Where the board lives and what a form of this viewer carries. */
export interface BoardContext {
  /** `${basePath}/board` */
  readonly root: string
  /** The CSRF field of a cookie session; bearer viewers post without one. */
  readonly csrf?: string
  /** Whether the viewer has a session to sign out of. */
  readonly session: boolean
}

const attr = escapeHtml

/** "in 12m", "4m overdue": the words of a deadline at `now` (the script ticks the same words). */
export const countdownText = (target: Date, now: Date): string => {
  const left = (target.getTime() - now.getTime()) / 1000
  return left >= 0
    ? `in ${Duration.formatSeconds(left)}`
    : `${Duration.formatSeconds(-left)} overdue`
}

const countdown = (target: Date, now: Date, zone: string) => {
  const overdue = target.getTime() < now.getTime()
  return `<time datetime="${target.toISOString()}" data-countdown${overdue ? ' class="overdue"' : ""}>${escapeHtml(countdownText(target, now))}</time> <span class="muted">(${escapeHtml(TimeFormat.formatTime(target, zone))})</span>`
}

const since = (at: Date, now: Date) =>
  `<time datetime="${at.toISOString()}" data-since>${escapeHtml(Duration.formatSeconds((now.getTime() - at.getTime()) / 1000))} ago</time>`

const dateTime = (at: Date, zone: string) =>
  `<time datetime="${at.toISOString()}">${escapeHtml(TimeFormat.formatDateTime(at, zone))}</time>`

const statusText: Record<IncidentView["status"], string> = {
  open: "Open, not acknowledged",
  acknowledged: "Acknowledged",
  mitigated: "Mitigated, not resolved",
  resolved: "Resolved",
}

// The words of each flag are the timeline's (one description of an event for every output).
const flagLabel = (flag: IncidentEvent.IncidentFlag): string =>
  describeEvent({ type: "flag-raised", at: new Date(0), flag }).replace(/^Flag raised: /, "")

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${attr(name)}" value="${attr(value)}">`

const csrfField = (context: BoardContext) =>
  context.csrf === undefined ? "" : hidden("csrf", context.csrf)

const field = (options: {
  readonly id: string
  readonly name: string
  readonly label: string
  readonly kind?: "input" | "textarea"
  readonly required?: boolean
  /** What an empty optional field means (default: "optional"). */
  readonly hint?: string
}) => {
  const required = options.required === true ? " required" : ""
  const hint =
    options.required === true
      ? ""
      : ` <span class="muted">(${escapeHtml(options.hint ?? "optional")})</span>`
  const label = `<label for="${attr(options.id)}">${escapeHtml(options.label)}${hint}</label>`
  const control =
    options.kind === "textarea"
      ? `<textarea id="${attr(options.id)}" name="${attr(options.name)}" rows="2"${required}></textarea>`
      : `<input id="${attr(options.id)}" name="${attr(options.name)}" type="text" autocomplete="off"${required}>`
  return `${label}${control}`
}

const byField = (id: string) =>
  field({
    id: `${id}-by`,
    name: "by",
    label: "Your name",
    hint: "optional; recorded as “board” when empty",
  })

const actionForm = (
  incidentId: string,
  action: string,
  context: BoardContext,
  options: {
    readonly summary: string
    readonly fields: string
    readonly button: string
    readonly open?: boolean
  },
) => {
  const prefix = `${incidentId}-${action}`
  return `<details id="${attr(prefix)}"${options.open === true ? " open" : ""}><summary>${escapeHtml(options.summary)}</summary>
<form method="post" action="${attr(`${context.root}/incidents/${encodeURIComponent(incidentId)}/${action}`)}">${csrfField(context)}
${options.fields}${byField(prefix)}
<div class="actions"><button class="primary" type="submit">${escapeHtml(options.button)}</button></div>
</form></details>`
}

const forms = (incident: IncidentView, context: BoardContext) => {
  const id = incident.humanId
  const out: Array<string> = []
  if (incident.canAcknowledge)
    out.push(
      actionForm(id, "ack", context, {
        summary: "Acknowledge",
        fields: "",
        // Taking the incident is the first thing the board is opened for.
        open: true,
        button: `Acknowledge ${id}`,
      }),
    )
  out.push(
    actionForm(id, "update", context, {
      summary: "Post a status update",
      fields: [
        field({
          id: `${id}-update-progress`,
          name: "progress",
          label: "Progress",
          kind: "textarea",
          required: true,
        }),
        field({
          id: `${id}-update-status`,
          name: "status",
          label: "Current status",
          required: true,
        }),
        field({
          id: `${id}-update-next`,
          name: "next",
          label: "Next steps",
          kind: "textarea",
          required: true,
        }),
        field({ id: `${id}-update-eta`, name: "eta", label: "ETA" }),
        field({
          id: `${id}-update-public`,
          name: "public",
          label: "Public note (customer-safe words for the status page)",
          kind: "textarea",
        }),
      ].join("\n"),
      button: "Post update",
    }),
  )
  const flagOptions = IncidentEvent.IncidentFlag.literals
    .map((flag) => `<option value="${attr(flag)}">${escapeHtml(flagLabel(flag))}</option>`)
    .join("")
  out.push(
    actionForm(id, "flag", context, {
      summary: "Raise a flag",
      fields: `<label for="${attr(`${id}-flag-flag`)}">Flag</label><select id="${attr(`${id}-flag-flag`)}" name="flag" required>${flagOptions}</select>
${field({ id: `${id}-flag-note`, name: "note", label: "Note", kind: "textarea" })}`,
      button: "Raise flag",
    }),
  )
  if (incident.canMitigate)
    out.push(
      actionForm(id, "mitigate", context, {
        summary: "Mark mitigated",
        fields: field({
          id: `${id}-mitigate-summary`,
          name: "summary",
          label: "What was done",
          kind: "textarea",
          required: true,
        }),
        button: "Mark mitigated",
      }),
    )
  out.push(
    actionForm(id, "resolve", context, {
      summary: "Resolve",
      fields: [
        field({
          id: `${id}-resolve-resolution`,
          name: "resolution",
          label: "Resolution",
          kind: "textarea",
          required: true,
        }),
        field({
          id: `${id}-resolve-root-cause`,
          name: "rootCause",
          label: "Root cause",
          kind: "textarea",
        }),
      ].join("\n"),
      button: `Resolve ${id}`,
    }),
  )
  return out.join("\n")
}

const checklist = (incident: IncidentView, list: ChecklistView, context: BoardContext) => {
  const steps = list.sections.flatMap((section) => section.steps)
  const done = steps.filter((step) => step.done !== undefined).length
  const action = `${context.root}/incidents/${encodeURIComponent(incident.humanId)}/step`
  const sections = list.sections.map((section) => {
    const items = section.steps.map((step) => {
      const details =
        step.details.length === 0
          ? ""
          : `<ul>${step.details.map((detail) => `<li>${escapeHtml(detail)}</li>`).join("")}</ul>`
      const state =
        step.done === undefined
          ? `<form class="inline" method="post" action="${attr(action)}">${csrfField(context)}${hidden("group", step.group)}${hidden("step", String(step.index))}<button type="submit">Mark done<span class="sr-only">: ${escapeHtml(step.text)}</span></button></form>`
          : `<span class="muted">(${escapeHtml(step.done.how)}${step.done.by === undefined ? "" : `, by ${escapeHtml(step.done.by)}`})</span>`
      return `<li${step.done === undefined ? "" : ' class="done"'}><span class="sr-only">${step.done === undefined ? "To do: " : "Done: "}</span>${escapeHtml(step.text)} ${state}${details}</li>`
    })
    return `<h4>${escapeHtml(section.title)}</h4>\n<ul class="checklist">${items.join("\n")}</ul>`
  })
  return `<details id="${attr(`${incident.humanId}-checklist-${list.playbookId}`)}" open><summary>Checklist: ${escapeHtml(list.title)} (${done} of ${steps.length} done)</summary>
${sections.join("\n")}
</details>`
}

const fact = (term: string, value: string) =>
  `<div><dt>${escapeHtml(term)}</dt><dd>${value}</dd></div>`

const incidentCard = (incident: IncidentView, view: BoardView, context: BoardContext) => {
  const { now, timeZone: zone } = view
  const id = incident.humanId
  const facts: Array<string> = [
    fact("Status", escapeHtml(statusText[incident.status])),
    fact(
      "Opened",
      `${since(incident.openedAt, now)} <span class="muted">(${dateTime(incident.openedAt, zone)})</span>`,
    ),
  ]
  if (incident.respondBy !== undefined)
    facts.push(fact("Respond by", countdown(incident.respondBy, now, zone)))
  if (incident.acknowledgedAt !== undefined)
    facts.push(
      fact(
        "Acknowledged",
        `${dateTime(incident.acknowledgedAt, zone)}${incident.acknowledgedBy === undefined ? "" : ` by ${escapeHtml(incident.acknowledgedBy)}`}`,
      ),
    )
  facts.push(
    fact(
      "Next update",
      incident.nextUpdateDue === undefined
        ? '<span class="muted">no regular updates at this severity</span>'
        : countdown(incident.nextUpdateDue, now, zone),
    ),
  )
  facts.push(
    fact(
      "Escalation level",
      incident.escalationLevel === 0 ? "0 (not escalated)" : String(incident.escalationLevel),
    ),
  )
  facts.push(
    fact(
      "Paged and escalated",
      incident.contacted.length === 0
        ? '<span class="muted">nobody yet</span>'
        : `<ul>${incident.contacted.map((contact) => `<li>${escapeHtml(contact.text)}, ${dateTime(contact.at, zone)}</li>`).join("")}</ul>`,
    ),
  )
  if (incident.flags.length > 0)
    facts.push(
      fact(
        "Flags",
        incident.flags
          .map(
            (flag) =>
              `${escapeHtml(flagLabel(flag.flag))}${flag.note === undefined ? "" : `: ${escapeHtml(flag.note)}`}`,
          )
          .join("; "),
      ),
    )
  if (incident.commander !== undefined)
    facts.push(fact("Commander", escapeHtml(incident.commander)))
  if (incident.impact !== undefined) facts.push(fact("Impact", escapeHtml(incident.impact)))
  const checklists = incident.checklists.map((list) => checklist(incident, list, context))
  if (incident.unknownPlaybooks.length > 0)
    checklists.push(
      `<p class="muted">No playbook in the runbook for ${escapeHtml(incident.unknownPlaybooks.join(", "))}.</p>`,
    )
  if (incident.checklists.length === 0 && incident.unknownPlaybooks.length === 0)
    checklists.push('<p class="muted">No playbook matched: no checklist.</p>')
  const timeline = incident.timeline
    .map(
      (entry) =>
        `<li>${dateTime(entry.at, zone)}: ${escapeHtml(entry.description)}${entry.by === undefined ? "" : ` <span class="muted">(${escapeHtml(entry.by)})</span>`}</li>`,
    )
    .join("\n")
  return `<article class="card" id="${attr(id)}" aria-labelledby="${attr(`${id}-title`)}">
<h3 id="${attr(`${id}-title`)}"><span class="sev ${attr(incident.severity)}">${escapeHtml(incident.severity)}</span> ${escapeHtml(id)}: ${escapeHtml(incident.title)}</h3>
<p>${escapeHtml(incident.summary)}</p>
<dl class="facts">${facts.join("\n")}</dl>
${checklists.join("\n")}
<details id="${attr(`${id}-timeline`)}" open><summary>Timeline (${incident.timeline.length} events, newest first)</summary>
<ol class="updates" reversed>${timeline}</ol>
</details>
${forms(incident, context)}
</article>`
}

/** The live part of the board: on call and the active incidents (also `?fragment=1`). */
export const liveSection = (view: BoardView, context: BoardContext): string => {
  const onCall =
    view.onCall === undefined
      ? ""
      : `<section aria-labelledby="on-call-heading"><h2 id="on-call-heading">On call</h2>${
          view.onCall.length === 0
            ? '<p class="muted">Nobody is scheduled now.</p>'
            : `<ul>${view.onCall.map((person) => `<li>${escapeHtml(person.role)}: ${escapeHtml(person.name)}</li>`).join("")}</ul>`
        }</section>`
  const unreadable = view.unreadable
    .map(
      (entry) =>
        `<p class="card error">${escapeHtml(entry.humanId)} cannot be read: ${escapeHtml(entry.detail)}</p>`,
    )
    .join("\n")
  const count = view.incidents.length + view.unreadable.length
  const incidents =
    count === 0
      ? '<p class="muted">No active incidents.</p>'
      : view.incidents.map((incident) => incidentCard(incident, view, context)).join("\n")
  return `<div id="live" data-now="${view.now.toISOString()}" data-fragment="${attr(`${context.root}?fragment=1`)}" data-events="${attr(`${context.root}/events?v=${encodeURIComponent(view.fingerprint)}`)}">
${onCall}
<section aria-labelledby="incidents-heading"><h2 id="incidents-heading">Active incidents (${count})</h2>
${unreadable}
${incidents}
</section>
</div>`
}

/** The whole board. */
export const boardPage = (view: BoardView, context: BoardContext): string =>
  htmlPage({
    title: "Responder board",
    scripts: [`${context.root}/app.js`],
    body: `<h1>Responder board</h1>
<div class="row"><p class="muted">Times in ${escapeHtml(view.timeZone)}. This page updates itself while it is open; <a href="${attr(context.root)}">reload it</a> without JavaScript.</p>${
      context.session
        ? `<form class="inline" method="post" action="${attr(`${context.root}/logout`)}">${csrfField(context)}<button type="submit">Sign out</button></form>`
        : ""
    }</div>
${liveSection(view, context)}`,
  })

/** The token login form; `refused` says the last token was not accepted (never which). */
export const loginPage = (root: string, options: { readonly refused?: boolean } = {}): string =>
  htmlPage({
    title: "Responder board: sign in",
    body: `<h1>Responder board</h1>
${options.refused === true ? '<p class="card error" role="alert">The token was not accepted. Check it and try again.</p>' : "<p>Sign in with the board's access token.</p>"}
<form method="post" action="${attr(`${root}/login`)}">
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<div class="actions"><button class="primary" type="submit">Sign in</button></div>
</form>`,
  })

/** An error page: what went wrong, and the way back. */
export const errorPage = (root: string, title: string, detail: string): string =>
  htmlPage({
    title: `Responder board: ${title}`,
    body: `<h1>${escapeHtml(title)}</h1>
<p class="card error" role="alert">${escapeHtml(detail)}</p>
<p><a href="${attr(root)}">Back to the board</a></p>`,
  })
