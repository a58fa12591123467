// The status page as HTML: server-rendered, readable without JavaScript, light and dark, on a
// phone. It shows only what core's StatusPage summary holds, which is customer-safe by design.
import { Audience, type StatusPage } from "@ir/core"
import { TimeFormat } from "@ir/templates"
import { escapeHtml, htmlPage } from "./Page.js"

const impactText: Readonly<Record<StatusPage.StatusDay["impact"], string>> = {
  none: "No incidents",
  maintenance: "Maintenance",
  minor: "Minor incident",
  major: "Major incident",
  critical: "Critical incident",
}

const impactWord: Readonly<Record<StatusPage.PublicIncident["impact"], string>> = {
  none: "None",
  minor: "Minor",
  major: "Major",
  critical: "Critical",
}

const when = (date: Date, timeZone: string): string =>
  `<time datetime="${date.toISOString()}">${escapeHtml(TimeFormat.formatDateTime(date, timeZone))}</time>`

const updatesHtml = (incident: StatusPage.PublicIncident, timeZone: string): string =>
  `<ol class="updates">${incident.updates
    .map(
      (update) =>
        `<li id="${escapeHtml(update.id)}"><strong>${escapeHtml(update.statusText)}</strong>: ${escapeHtml(update.body)}<br><span class="muted">${when(update.at, timeZone)}</span></li>`,
    )
    .join("")}</ol>`

const incidentHtml = (incident: StatusPage.PublicIncident, summary: StatusPage.StatusSummary) => {
  const names = incident.components
    .map((id) => summary.components.find((component) => component.id === id)?.name)
    .filter((name): name is string => name !== undefined)
  return `<article class="card" id="${escapeHtml(incident.id)}" aria-labelledby="${escapeHtml(incident.id)}-title">
<div class="row"><h3 id="${escapeHtml(incident.id)}-title">${escapeHtml(incident.title)}</h3><span class="state">${escapeHtml(incident.statusText)}</span></div>
<p class="muted">${incident.maintenance ? "Planned maintenance" : `Impact: ${impactWord[incident.impact]}`}${
    names.length === 0 ? "" : ` · Affects ${escapeHtml(names.join(", "))}`
  } · Since ${when(incident.startedAt, summary.timeZone)}${
    incident.resolvedAt === undefined
      ? ""
      : ` · Resolved ${when(incident.resolvedAt, summary.timeZone)}`
  }</p>
${updatesHtml(incident, summary.timeZone)}
</article>`
}

const daysHtml = (component: StatusPage.StatusComponent): string => {
  const troubled = component.days.filter((day) => day.impact !== "none").length
  const items = component.days
    .map((day) => {
      const text = `${day.date}: ${impactText[day.impact]}`
      return `<li class="${day.impact}" title="${escapeHtml(text)}">${
        day.impact === "none" ? "" : `<span class="sr-only">${escapeHtml(text)}</span>`
      }</li>`
    })
    .join("")
  const period = `${component.days.length} days`
  return `<ol class="days" aria-label="${escapeHtml(
    `${component.name}, the last ${period}: ${
      troubled === 0
        ? "no incidents"
        : `${troubled} ${troubled === 1 ? "day" : "days"} with incidents`
    }`,
  )}">${items}</ol>
<div class="legend" aria-hidden="true"><span>${period} ago</span><span>${(component.uptime * 100).toFixed(2)}% uptime</span><span>Today</span></div>`
}

const componentHtml = (component: StatusPage.StatusComponent): string =>
  `<div class="card">
<div class="row"><h3>${escapeHtml(component.name)}</h3><span class="state ${component.status}">${escapeHtml(Audience.componentStatusText[component.status])}</span></div>
${component.description === undefined ? "" : `<p class="muted">${escapeHtml(component.description)}</p>`}
${daysHtml(component)}
</div>`

/** The status page. */
export const statusHtml = (summary: StatusPage.StatusSummary): string =>
  htmlPage({
    title: `${summary.name}: ${summary.description}`,
    head: '<link rel="alternate" type="application/atom+xml" title="Incident updates" href="status/feed.atom">\n<link rel="alternate" type="application/json" href="status.json">\n',
    body: `<h1>${escapeHtml(summary.name)}</h1>
<p class="banner ${summary.indicator}" role="status">${escapeHtml(summary.description)}</p>
${
  summary.incidents.length === 0
    ? ""
    : `<section aria-labelledby="current"><h2 id="current">Current incidents</h2>
${summary.incidents.map((incident) => incidentHtml(incident, summary)).join("\n")}
</section>`
}
<section aria-labelledby="components"><h2 id="components">Components</h2>
${summary.components.map(componentHtml).join("\n")}
</section>
<section aria-labelledby="past"><h2 id="past">Past incidents</h2>
${
  summary.resolved.length === 0
    ? `<p class="muted">No incidents in the last ${summary.days} days.</p>`
    : summary.resolved.map((incident) => incidentHtml(incident, summary)).join("\n")
}
</section>
<footer>Updated ${when(summary.updatedAt, summary.timeZone)} · <a href="status.json">JSON</a> · <a href="status/feed.atom">Atom feed</a></footer>`,
  })
