import type { Notes } from "./ReferenceNotes.js"

// Exit codes and `--json` fields of the incident-lifecycle commands, for docs/cli.md.

const usageError = [
  "2",
  "usage or configuration error, unknown incident, impossible change (one line on stderr)",
] as const
const change = [
  ["0", "recorded (and, with --notify, every message sent)"],
  ["1", "recorded, but a message could not be sent (failed, or no channel configured for it)"],
  usageError,
] as const

const changeJson: ReadonlyArray<readonly [string, string]> = [
  ["at", "the moment acted at (`--at`, `$IR_NOW` or now), ISO 8601"],
  ["recorded", "the event types appended to the journal"],
  [
    "incident",
    "the incident after the change: `{ id, uuid, title, summary, impact?, severity, severityName, status, playbooks, openedAt, startedAt?, acknowledgedAt?, acknowledgedBy?, lastAcknowledgedAt?, awaitingAcknowledgement, mitigatedAt?, resolvedAt?, resolution?, rootCause?, durationSeconds, duration, deadlines: { respondBy?, respondedInTime?, nextUpdateDue?, escalateAt?, escalationRule?, postmortemScheduledFor? }, due, flags, escalations, updates, actions, notifications, actionItems: [{ id, text, owner?, due?, link?, addedAt, doneAt?, doneBy? }], checklistDone: [{ checklist, step, at, by? }], sequence }`",
  ],
  [
    "notifications",
    "with `--notify`, one per message: `{ key, message, outcome: sent|partial|failed|unrouted|dry-run, channels, delivered, unrouted, declined, failures, error?, summary? }`",
  ],
]

export const lifecycleNotes: Readonly<Record<string, Notes>> = {
  "ir incident open": {
    exitCodes: change,
    json: [...changeJson, ["created", "`true` (a new incident)"]],
    examples: [
      'ir incident open --severity P1 --title "High error rate" --summary "5xx at 12%" --playbook high-api-error-rate --notify',
    ],
  },
  "ir incident ack": {
    exitCodes: change,
    json: changeJson,
    examples: ["ir incident ack --by alice"],
  },
  "ir incident update": {
    exitCodes: change,
    json: changeJson,
    examples: [
      'ir incident update --progress "Rolled back 1.4.2" --status Monitoring --next "Watch the error rate" --eta 11:30 --notify',
    ],
  },
  "ir incident flag": {
    exitCodes: change,
    json: changeJson,
    examples: ['ir incident flag data-loss --note "readings from 10:02 to 10:07 lost" --notify'],
  },
  "ir incident mitigate": {
    exitCodes: change,
    json: changeJson,
    examples: ['ir incident mitigate --summary "Restarted the app container"'],
  },
  "ir incident resolve": {
    exitCodes: change,
    json: [
      ...changeJson,
      ["durationSeconds, duration", "opening to resolution"],
      ["postmortemScheduledFor", "when the post-mortem meeting is"],
      ["notice", "the resolution notice: `{ summary, text, markdown }`"],
    ],
    examples: [
      'ir incident resolve --resolution "Restarted the database" --root-cause "Connection pool exhausted" --notify',
    ],
  },
  "ir incident list": {
    exitCodes: [["0", "done"], usageError],
    json: [
      ["journal", "`{ backend: file|postgres, location }` (the URL without its password)"],
      [
        "incidents",
        "newest first: `{ id, uuid, title, severity, status, playbooks, openedAt, resolvedAt? }`",
      ],
    ],
    examples: ["ir incident list", "ir incident list --all --limit 20 --json"],
  },
  "ir incident show": {
    exitCodes: [["0", "done"], usageError],
    json: [
      ["at", "the moment the clock was read"],
      ["incident", "as for `ir incident open`, with `due`: what `ir escalate` would send now"],
    ],
    examples: ["ir incident show", "ir incident show INC-2026-0001 --json | jq .deadlines"],
  },
  "ir incident timeline": {
    exitCodes: [["0", "done"], usageError],
    json: [
      [
        "incidentId, title, severity, status, openedAt, resolvedAt?, duration?",
        "the headline facts",
      ],
      ["entries", "every event in order: `{ sequence, at, type, description, by? }`"],
    ],
    examples: ["ir incident timeline INC-2026-0001 --format markdown"],
  },
  "ir escalate": {
    exitCodes: [
      ["0", "nothing is due; with --notify, everything due was sent"],
      [
        "1",
        "something is due (the same with --dry-run, which sends nothing); with --notify, something could not be sent; or an incident cannot be read (named on stderr and in `damaged`)",
      ],
      usageError,
    ],
    json: [
      ["at", "the moment escalated at"],
      ["mode", "`report`, `notify` or `dry-run`"],
      [
        "damaged",
        "incidents the journal cannot read: `[{ incidentId, problem }]` (left as they are)",
      ],
      [
        "checked",
        "how many incidents were looked at (the unresolved ones, and those resolved in the last 30 days)",
      ],
      [
        "incidents",
        "those with something due: `{ id, title, severity, status, due: [{ kind, key, message, dueAt, deadline?, rule, channels, contact? }], notifications?, busy? }`",
      ],
    ],
    examples: [
      "ir escalate",
      "ir escalate --at 2026-11-28T10:30:00Z",
      "* * * * * ir escalate --notify --quiet",
    ],
  },
  "ir notify initial": {
    exitCodes: [
      ["0", "sent; with --dry-run, rendered (even when no channel would take it)"],
      ["1", "not sent"],
      usageError,
    ],
    json: [
      ["notification", "as in `ir escalate --json`"],
      ["rendered", "`{ summary, text, markdown, slack }`"],
    ],
    examples: ["ir notify initial --incident INC-2026-0001 --dry-run"],
  },
  "ir notify update": {
    exitCodes: [
      ["0", "sent; with --dry-run, rendered (even when no channel would take it)"],
      ["1", "not sent"],
      usageError,
    ],
    json: [["notification, rendered", "as for `ir notify initial`"]],
    examples: ["ir notify update --channel incidents"],
  },
  "ir notify resolved": {
    exitCodes: [
      ["0", "sent; with --dry-run, rendered (even when no channel would take it)"],
      ["1", "not sent"],
      usageError,
    ],
    json: [["notification, rendered", "as for `ir notify initial`"]],
    examples: ["ir notify resolved --incident INC-2026-0001"],
  },
  "ir postmortem": {
    exitCodes: [
      ["0", "rendered"],
      ["2", "the incident is not resolved, or another usage error"],
    ],
    json: [
      ["incident", "the incident's id"],
      ["markdown, text, html, subject, slack", "the document in every format"],
    ],
    examples: [
      "ir postmortem INC-2026-0001 > postmortem.md",
      "ir postmortem INC-2026-0001 --format html -o postmortem.html",
    ],
  },
  "ir action restart": {
    exitCodes: [
      ["0", "planned (dry run) or restarted and back"],
      [
        "1",
        "not found, not restarted, or not back in time, or the Docker Engine did not answer (recorded as failed, a dry run too)",
      ],
      [
        "2",
        "a usage or configuration error: no incident to record it on, or no Docker Engine configured (nothing is done or recorded)",
      ],
    ],
    json: [
      ["incident", "the incident the action was recorded on"],
      [
        "recorded",
        "the `action-taken` event: `{ action, target, dryRun, outcome: planned|succeeded|failed, detail, by }`",
      ],
      [
        "result",
        "`@ir/diagnostics`' `RestartResult`: `{ outcome, summary, containers: [{ name, id, before, after?, outcome, message? }], durationMs }`",
      ],
    ],
    examples: ["ir action restart app", "ir action restart app --yes"],
  },
  "ir action restore-check": {
    exitCodes: [
      [
        "0",
        "planned (dry run), or restored with every sanity check passing and the scratch database dropped",
      ],
      [
        "1",
        "no custom-format backup, the restore or a sanity check failed, the scratch database could not be dropped, or PostgreSQL or pg_restore could not be used (recorded as failed, a dry run too)",
      ],
      [
        "2",
        "a usage or configuration error: no incident to record it on, or no PostgreSQL or backup directory configured (nothing is done or recorded)",
      ],
    ],
    json: [
      ["incident", "the incident the action was recorded on"],
      [
        "recorded",
        "the `action-taken` event: `{ action: postgres.restore-check, target: the backup's file name, dryRun, outcome: planned|succeeded|failed, detail, by }`",
      ],
      [
        "result",
        "`@ir/diagnostics`' `RestoreCheckResult`: `{ outcome: dry-run|restored|failed|no-backup, summary, backup: { name, path, bytes, modified, ageSeconds }, pgRestore: { program, version }, scratchDatabase, restoreSeconds, restoreErrors?, tables: [{ table, rows, newest?, newestAgeSeconds?, ok, problem? }], dataAgeSeconds?, dropped, durationMs, cause? }`",
      ],
    ],
    examples: ["ir action restore-check", "ir action restore-check --yes --json"],
  },
  "ir alerts route": {
    exitCodes: [["0", "printed"], usageError],
    json: [["route, receivers", "the Alertmanager configuration, as JSON"]],
    examples: [
      "ir alerts route > ir-route.yml && amtool check-config ir-route.yml",
      "ir alerts route --url https://ir.internal:9111/alerts/alertmanager",
    ],
  },
  "ir serve": {
    exitCodes: [
      ["0", "stopped by SIGTERM after a graceful shutdown"],
      ["2", "configuration error, or the port cannot be bound"],
      ["130", "interrupted (Ctrl-C), after a graceful shutdown"],
    ],
    examples: [
      "IR_ALERTS_TOKEN=… ir serve --port 9111",
      "ir serve --host 0.0.0.0 --shutdown-delay 10s",
    ],
  },
}
