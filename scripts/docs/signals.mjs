// docs/signals.md: the signal vocabulary (keys, types, units, producers), the probe catalogue and
// the action catalogue of @ir/core, with the default playbooks that read each signal.
import { Action, defaultRunbook, Probe, Signal, Symptom } from "@ir/core"

export const file = "signals.md"

const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>")
const code = (text) => `\`${text}\``
const fence = (text, language = "") => {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length))
  const marks = "`".repeat(Math.max(3, longest + 1))
  return `${marks}${language}\n${text}\n${marks}`
}

const groups = [
  ["http", "HTTP endpoints"],
  ["prometheus", "Prometheus"],
  ["api", "API metrics (from Prometheus)"],
  ["app", "Application metrics"],
  ["model", "Model"],
  ["postgres", "PostgreSQL"],
  ["docker", "Docker containers"],
  ["logs", "Container logs"],
  ["host", "Host resources"],
  ["data", "Data pipeline"],
  ["manual", "Asserted by a responder"],
]

const types = [
  ["boolean", "`true` or `false`"],
  ["ratio", "a number from 0 to 1"],
  ["count", "a whole number, 0 or more"],
  ["seconds", "a duration in seconds, 0 or more"],
  ["bytes", "a size in bytes, 0 or more"],
  ["number", "any number"],
  ["enum", "one of the listed strings"],
]

/** The language of the command a probe replaces, for highlighting. */
const languageOf = (probe) => {
  if (/^\s*(SELECT|WITH)\b/i.test(probe.seedCommand)) return "sql"
  if (probe.id.startsWith("prometheus.")) return "promql"
  if (/^(curl|ls|docker|docker-compose|free|df|du)\b/.test(probe.seedCommand)) return "bash"
  return ""
}

/** Default playbooks whose symptoms or severity rules read a vocabulary entry. */
const readers = (() => {
  const byKey = new Map()
  for (const playbook of defaultRunbook.playbooks) {
    const predicates = [
      ...playbook.symptoms.map((symptom) => symptom.when),
      ...playbook.severityRules.map((rule) => rule.when),
    ]
    for (const key of predicates.flatMap((predicate) => Symptom.signalsOf(predicate))) {
      const entry = Signal.lookup(key)
      if (entry === undefined) continue
      const ids = byKey.get(entry.key) ?? new Set()
      ids.add(playbook.id)
      byKey.set(entry.key, ids)
    }
  }
  return byKey
})()

const signalTable = (entries) => [
  "| Key | Type | Unit | Description | Produced by | Read by playbooks |",
  "|---|---|---|---|---|---|",
  ...entries.map((entry) => {
    const type =
      entry.values === undefined
        ? entry.type
        : `${entry.type}: ${entry.values.map((value) => code(value)).join(", ")}`
    const producers = entry.producedBy.map((id) => `[${code(id)}](#${id.replace(/\./g, "")})`)
    const playbooks = [...(readers.get(entry.key) ?? [])].map(
      (id) => `[${code(id)}](runbook.md#${id})`,
    )
    return `| ${[
      code(entry.key),
      type,
      entry.unit ?? "",
      entry.description,
      producers.join(", ") || "a responder",
      playbooks.join(", "),
    ]
      .map(cell)
      .join(" | ")} |`
  }),
]

export async function generate() {
  const lines = [
    "<!-- Generated from @ir/core (Signal.vocabulary, Probe.catalogue, Action.catalogue) by scripts/docs/signals.mjs: run `npm run docs` after changing them, do not edit by hand. -->",
    "",
    "# Signal vocabulary",
    "",
    `Vocabulary version **${Signal.vocabularyVersion}**. A signal is a named, typed observation: probes`,
    "(`@ir/diagnostics`) produce them, symptoms and severity rules of the runbook test them, and",
    "`triage` matches playbooks on them. A key changes meaning or type only with a new major version.",
    "",
    "Keys with a placeholder stand for a family: `docker.container.<role>.running` is",
    "`docker.container.app.running` for the container the configuration calls `app`;",
    "`host.disk.<mount>.used_ratio`, `host.process.<name>.rss_bytes`, `data.<dir>.exists` and",
    "`manual.<flag>` work the same way. A placeholder is filled with letters, digits, `_` or `-`.",
    "",
    "## Types",
    "",
    "| Type | Values |",
    "|---|---|",
    ...types.map(([type, values]) => `| ${type} | ${values} |`),
    "",
    "## Signals",
    "",
  ]
  const grouped = new Set()
  for (const [prefix, title] of groups) {
    const entries = Signal.vocabulary.filter((entry) => entry.key.split(".")[0] === prefix)
    if (entries.length === 0) continue
    for (const entry of entries) grouped.add(entry.key)
    lines.push(`### ${title}`, "", ...signalTable(entries), "")
  }
  const rest = Signal.vocabulary.filter((entry) => !grouped.has(entry.key))
  if (rest.length > 0) lines.push("### Other", "", ...signalTable(rest), "")

  const observed = Signal.vocabulary.filter((entry) => entry.promql !== undefined)
  if (observed.length > 0)
    lines.push(
      "## Signals Prometheus observes",
      "",
      "The generated alert rules (`AlertRules`) evaluate these in Prometheus itself: a numeric",
      "signal is the value of its query; a boolean one is true (or false) exactly when its query",
      "returns a series.",
      "",
      "| Key | Query |",
      "|---|---|",
      ...observed.map((entry) => {
        const query =
          "expr" in entry.promql
            ? code(entry.promql.expr)
            : `true: ${code(entry.promql.whenTrue)}<br>false: ${code(entry.promql.whenFalse)}`
        return `| ${code(entry.key)} | ${query.replace(/\|/g, "\\|")} |`
      }),
      "",
    )

  lines.push(
    "## Probes",
    "",
    "Each probe has a timeout, never throws, and reports `unknown` with the cause when it cannot",
    "tell. Runbook steps refer to probes by id; the command each replaces is the original runbook's.",
    "",
  )
  for (const probe of Probe.catalogue) {
    lines.push(`### ${probe.id}`, "", `**${probe.title}.** ${probe.description}`, "")
    lines.push(`Signals: ${probe.signals.map((key) => code(key)).join(", ")}.`, "")
    if (probe.seedCommand !== undefined)
      lines.push("Replaces:", "", fence(probe.seedCommand, languageOf(probe)), "")
  }

  lines.push(
    "## Actions",
    "",
    "Actions change something, so ir is read-only by default: an automated action is a dry run",
    "unless a responder confirms it, and every action is written to the incident journal.",
    "",
    "| Action | What it does | Carried out by | Replaces |",
    "|---|---|---|---|",
    ...Action.catalogue.map(
      (action) =>
        `| ${[
          code(action.id),
          `**${action.title}.** ${action.description}`,
          action.automated ? "ir, on confirmation" : "a person",
          action.seedCommand === undefined
            ? ""
            : action.seedCommand
                .split("\n")
                .map((line) => code(line))
                .join("<br>"),
        ]
          .map((text) => text.replace(/\|/g, "\\|"))
          .join(" | ")} |`,
    ),
    "",
  )
  return lines.join("\n")
}
