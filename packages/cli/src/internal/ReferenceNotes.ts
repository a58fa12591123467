/**
 * What the command definitions cannot say about themselves: exit codes and the fields of the
 * `--json` document, per command path. `CliReference` puts them into docs/cli.md.
 */
export interface Notes {
  readonly exitCodes: ReadonlyArray<readonly [code: string, meaning: string]>
  /** Top-level fields of the `--json` document (every document has `schemaVersion` and `command`). */
  readonly json?: ReadonlyArray<readonly [field: string, meaning: string]>
  readonly examples?: ReadonlyArray<string>
}

import { lifecycleNotes } from "./LifecycleReferenceNotes.js"

const usageError = ["2", "usage or configuration error (one line on stderr)"] as const
const done = ["0", "done"] as const

export const notes: Readonly<Record<string, Notes>> = {
  "ir triage": {
    exitCodes: [
      ["0", "no playbook matched"],
      ["1", "a playbook matched"],
      [
        "2",
        "a usage or configuration error, or `--open` without `--yes` when there is no configuration file (the report is printed; nothing is opened or sent)",
      ],
    ],
    json: [
      ["matched", "`true` when a playbook matched (exit code 1)"],
      ["severity", "`P0`…`P3`, or `null` when nothing matched"],
      ["headline", "one line: severity, top playbook, response deadline"],
      [
        "response",
        "`{ level, name, responseTimeText, respondBy, raise, raiseText, updateEveryMinutes? }` or `null`",
      ],
      [
        "playbooks",
        "matched and possible playbooks, most confident first: `{ id, title, status, confidence, severity, severityReason, symptoms: [{ id, text, primary, outcome, evidence: [{ outcome, text }] }] }`",
      ],
      [
        "probes",
        "`{ total, ok, failed, inconclusive, notConfigured }`; each listed probe is `{ id, title, status, summary, target?, cause?, durationMs }`",
      ],
      [
        "investigation",
        "the top playbook's investigation steps with what their probes found: `{ playbook, step, command?, probe?, results }`",
      ],
      [
        "nextSteps",
        "`{ kind: immediate|investigation|resolution, playbook, text, details?, command?, reference? }`",
      ],
      ["suggestedFlags", "facts a responder could `--assert` to sharpen the assessment"],
      [
        "notices",
        "sentences to read before acting; the first says so when the configuration is the embedded defaults (no configuration file) and names the directory their relative paths were taken from",
      ],
      [
        "incident",
        "with `--open`: the incident opened (`created: true`) or joined, as `ir incident show --json` prints it, with `notifications` sent by `--notify`; `{ created: false, reason }` when no playbook matched or the embedded defaults were refused",
      ],
      ["assessment", "the complete `Assessment` of `@ir/core`'s `triage`"],
      ["results", "every `ProbeResult` of `@ir/diagnostics`, with observations and signals"],
      [
        "startedAt, durationMs, configFile, runbook",
        "when, how long, which configuration and runbook",
      ],
    ],
    examples: [
      "ir triage",
      "ir triage --json | jq '{severity, playbook: .playbooks[0].id}'",
      "ir triage --assert customer-complaints --format markdown > triage.md",
      "ir triage --probe postgres --probe http.health",
    ],
  },
  "ir check": {
    exitCodes: [
      ["0", "OK: every check is OK"],
      ["1", "WARNING: the worst check is WARNING"],
      ["2", "CRITICAL: a check is CRITICAL"],
      [
        "3",
        "UNKNOWN: a check could not tell (no answer within its timeout), a probe named alone is not configured, or a usage or configuration error. A probe that is not configured is not run and does not count when it comes with a family (`host`) or with every probe",
      ],
    ],
    json: [
      ["status", "the worst status: `ok`, `warn`, `critical` or `unknown`"],
      ["exitCode", "the Nagios exit code of `status`"],
      ["checks", "every `ProbeResult` plus its Nagios `line`"],
      [
        "notConfigured",
        "`{ id, reason }` of each probe not run because nothing is configured for it (also on stderr with `-v`)",
      ],
      ["startedAt, durationMs", "when and how long"],
    ],
    examples: [
      "ir check postgres.connections",
      "ir check postgres host.disk",
      "*/5 * * * * ir check -q || notify-ops",
    ],
  },
  "ir playbook list": {
    exitCodes: [done, usageError],
    json: [
      [
        "playbooks",
        "`{ id, title, summary?, defaultSeverity, symptoms: [{ id, text, primary }] }`",
      ],
    ],
  },
  "ir playbook show": {
    exitCodes: [done, usageError],
    json: [
      [
        "playbook",
        "the playbook as the runbook defines it (symptoms with their predicates, steps with probe and action references)",
      ],
      ["probes", "the probes its steps use: `{ id, title }`"],
    ],
  },
  "ir runbook render": {
    exitCodes: [done, usageError],
    json: [
      ["(document)", "with `--json`, the effective runbook itself as JSON instead of Markdown"],
    ],
  },
  "ir runbook validate": {
    exitCodes: [
      ["0", "the file is a valid runbook"],
      ["1", "it is not: every problem is printed as `FILE:LINE:COLUMN: PATH: MESSAGE`"],
      usageError,
    ],
    json: [
      ["file, valid", "the file checked and the verdict"],
      ["problems", "`{ file, path, line?, column?, message }`"],
      ["playbooks, lint", "for a valid file: its playbook ids and the `ir runbook lint` findings"],
    ],
  },
  "ir runbook lint": {
    exitCodes: [
      ["0", "no errors (warnings may be printed)"],
      ["1", "at least one error"],
      usageError,
    ],
    json: [
      ["ok", "`true` when there is no error"],
      ["findings", "`{ level: error|warning, rule, subject, message }`"],
      ["runbook", "`{ name, origin }`"],
    ],
  },
  "ir alerts rules": {
    exitCodes: [done, usageError],
    json: [
      [
        "(document)",
        "with `--json`, the rule file as JSON (`{ groups: [{ name, rules }] }`) instead of YAML",
      ],
    ],
    examples: [
      "ir alerts rules --runbook-url https://runbooks.example.com/ir.html -o rules/ir.yml && promtool check rules rules/ir.yml",
    ],
  },
  "ir drill": {
    exitCodes: [
      ["0", "the runbook responds as written"],
      [
        "1",
        "it would not: wrong playbook, wrong severity, a missed update, an escalation without a contact",
      ],
      usageError,
    ],
    json: [
      ["passed", "the verdict"],
      [
        "triage",
        "`{ passed, reasons, expectedSeverity, severity, topMatch, confidence, observations }`",
      ],
      [
        "timeline",
        "every action on the virtual clock: `{ at, offset, kind, key, rule, deadline?, channels, contact?, message }`",
      ],
      [
        "checks",
        "`{ name: triage|page|initial-response|status-updates|escalation|resolution, passed, detail }`",
      ],
      ["warnings", "what to fix that does not fail the drill"],
      ["startedAt, resolvedAt, playbook, title", "the simulated outage"],
    ],
    examples: [
      "ir drill system-down",
      "for p in $(ir playbook list --json | jq -r '.playbooks[].id'); do ir drill \"$p\" -q || exit 1; done",
    ],
  },
  "ir config init": {
    exitCodes: [done, ["2", "the file exists (use --force) or cannot be written"]],
    json: [["file", "the file written"]],
  },
  "ir config show": {
    exitCodes: [done, usageError],
    json: [
      ["source", "`{ kind: file|defaults, file?, via? }`"],
      ["runbook", "`{ origin, file?, name, playbooks, overrides? }`"],
      ["targets", "the effective probe targets, defaults filled in, secrets redacted"],
      ["probes", "`{ configured, skipped }`: which probes run, and why the others do not"],
      ["notify, journal, oncall", "those sections as written, secrets redacted"],
    ],
  },
  "ir oncall": {
    exitCodes: [
      [
        "0",
        "answered (also when nobody is on call, or no schedule is configured: the answer says so), or the calendar written",
      ],
      [
        "2",
        "usage or configuration error: a bad --at, a calendar that cannot be read or parsed, PagerDuty refusing the key or not answering, --export-ics with no schedule",
      ],
    ],
    json: [
      ["at", "the instant answered for (ISO 8601, UTC)"],
      ["source", "`runbook`, `ics` or `pagerduty`: where the shifts came from"],
      [
        "primary, secondary",
        "`{ current, next }`, each `null` or `{ person: { id, name?, email?, phone?, slackUserId?, pagerDuty? }, from, until, via }` (`from`/`until` ISO 8601 or `null` when open-ended; `via` what put them there: `{ kind: rotation, rotation, turn }`, `{ kind: override, index, note? }` or `{ kind: shift, index, source? }`)",
      ],
    ],
  },
  ...lifecycleNotes,
}
