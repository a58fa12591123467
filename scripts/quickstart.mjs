// Until the `ir` command exists: print the default runbook's playbooks and severities.
import { defaultRunbook } from "@ir/core"

for (const severity of defaultRunbook.severities) {
  console.log(
    `${severity.level} ${severity.name}: respond within ${severity.responseTimeText} (${severity.raiseText})`,
  )
}
for (const playbook of defaultRunbook.playbooks) {
  console.log(`- ${playbook.id} [${playbook.defaultSeverity}] ${playbook.title}`)
}
