/**
 * The drill-schedule reminder (the seed's monthly drills, quarterly reviews, annual training):
 * one message, outside any incident, to the team's channels.
 *
 * @example
 * ```ts
 * import { Training, defaultRunbook } from "@ir/core"
 * import { trainingReminder } from "@ir/notify"
 * const [due] = Training.dueTraining(defaultRunbook, new Date())
 * if (due !== undefined) trainingReminder(due, new Date()).text
 * ```
 */
import type { Training } from "@ir/core"
import { Escaping } from "@ir/templates"
import type { Message } from "./Message.js"

/**
 * The reminder message for a due training group.
 *
 * @example
 * ```ts
 * import { trainingReminder } from "@ir/notify"
 * const message = (due: Training.DueTraining) => trainingReminder(due, new Date())
 * ```
 */
export const trainingReminder = (due: Training.DueTraining, now: Date): Message => {
  const summary = `🗓️ ${due.title} due (${due.label})`
  const lines = [
    summary,
    "",
    ...due.items.map((item) => `- [ ] ${item}`),
    "",
    "Rehearse with `ir drill PLAYBOOK --scenario …`, check coverage with `ir drill --coverage`, test the channels with `ir drill --live --yes`.",
  ]
  const text = lines.join("\n")
  return {
    kind: "training",
    incidentId: due.key,
    severity: "P3",
    summary,
    at: now.toISOString(),
    text,
    markdown: text,
    slack: { text: text.replaceAll("- [ ] ", "• ") },
    email: {
      subject: summary,
      text: `${text}\n`,
      html: `<p><strong>${Escaping.escapeHtml(summary)}</strong></p><ul>${due.items.map((item) => `<li>${Escaping.escapeHtml(item)}</li>`).join("")}</ul>`,
    },
  }
}
