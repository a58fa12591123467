// docs/runbook.md: the default runbook, rendered by @ir/core's renderRunbookMarkdown from the
// same data triage, alert rules and escalation use, so the printed runbook cannot drift from
// what ir does.
import { defaultRunbook, renderRunbookMarkdown } from "@ir/core"

export const file = "runbook.md"

export async function generate() {
  const notice =
    "<!-- Generated from defaultRunbook (@ir/core) by scripts/docs/runbook.mjs: run `npm run docs` after changing packages/core/src/defaults/, do not edit by hand. -->"
  return `${notice}\n\n${renderRunbookMarkdown(defaultRunbook)}`
}
