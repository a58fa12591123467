/**
 * Runbook lint, as `ir runbook lint` and `ir runbook validate` report it: what makes a runbook usable under pressure, beyond what the schema checks.
 * Pure: a runbook (and optionally the probes that are configured) in, findings out.
 *
 * Rules (an `error` fails the lint, a `warning` is reported):
 * - `playbook-unreachable` (error): no primary symptom of the playbook can be observed by a
 *   probe or asserted by a responder, so triage can never match it.
 * - `playbook-manual-only` (warning): only a responder's `--assert` can match it.
 * - `playbook-not-configured` (warning): its symptoms need probes this configuration does not set
 *   up, so here triage cannot match it.
 * - `playbook-no-resolution` (warning): it has no resolution steps.
 * - `severity-no-raise` (error): a severity says nobody how it is raised.
 * - `severity-no-escalation` (error): no escalation rule covers the severity, or the contact
 *   chain is empty.
 * - `severity-no-cadence` (warning): no status-update cadence, so nobody is reminded to post
 *   updates (the seed runbook sets none for P2 and P3).
 * - `contact-unreachable` (warning): a contact in the escalation chain has no phone, e-mail or
 *   channel.
 * - `template-missing` (warning): the initial, update or resolution message is missing.
 *
 * @example
 * ```ts
 * import { defaultRunbook, RunbookLint } from "@ir/core"
 * RunbookLint.lint(defaultRunbook).filter((finding) => finding.level === "error") // []
 * ```
 */
import type { ProbeId } from "./Probe.js"
import type { Runbook } from "./Runbook.js"
import { lookup } from "./Signal.js"
import { type Predicate, signalsOf } from "./Symptom.js"

/** One finding. */
export interface Finding {
  readonly level: "error" | "warning"
  readonly rule:
    | "playbook-unreachable"
    | "playbook-manual-only"
    | "playbook-not-configured"
    | "playbook-no-resolution"
    | "severity-no-raise"
    | "severity-no-escalation"
    | "severity-no-cadence"
    | "contact-unreachable"
    | "template-missing"
  /** Where in the runbook: `playbooks.system-down`, `severities.P2`. */
  readonly subject: string
  readonly message: string
}

type Reach = "probe" | "manual" | "never"

const best = (reaches: ReadonlyArray<Reach>): Reach =>
  reaches.includes("probe") ? "probe" : reaches.includes("manual") ? "manual" : "never"

const worst = (reaches: ReadonlyArray<Reach>): Reach =>
  reaches.includes("never") ? "never" : reaches.includes("manual") ? "manual" : "probe"

/** How a predicate can come to hold: through a probe, only through `--assert`, or never.
 *
 * @example
 * ```ts
 * import { RunbookLint } from "@ir/core"
 * RunbookLint.reachability({ signal: "postgres.reachable", op: "==", value: false }) // "probe"
 * RunbookLint.reachability({ manual: "customer-complaints" }) // "manual"
 * ```
 */
export const reachability = (
  predicate: Predicate,
  producers: (signal: string) => ReadonlyArray<string> = (signal) =>
    lookup(signal)?.producedBy ?? [],
): Reach => {
  if ("signal" in predicate) {
    if (predicate.signal.startsWith("manual.")) return "manual"
    return producers(predicate.signal).length > 0 ? "probe" : "never"
  }
  if ("manual" in predicate) return "manual"
  if ("all" in predicate) return worst(predicate.all.map((p) => reachability(p, producers)))
  if ("any" in predicate) return best(predicate.any.map((p) => reachability(p, producers)))
  if ("atLeast" in predicate) {
    const reaches = predicate.of.map((p) => reachability(p, producers))
    const order: ReadonlyArray<Reach> = ["probe", "manual", "never"]
    const sorted = [...reaches].sort((a, b) => order.indexOf(a) - order.indexOf(b))
    return sorted[predicate.atLeast - 1] ?? "never"
  }
  return reachability(predicate.not, producers)
}

/** Lints a runbook. `configuredProbes`, when given, enables `playbook-not-configured`.
 *
 * @example
 * ```ts
 * import { defaultRunbook, RunbookLint } from "@ir/core"
 * RunbookLint.lint(defaultRunbook, { configuredProbes: new Set(["host.memory", "host.disk"]) })
 * ```
 */
export const lint = (
  runbook: Runbook,
  options: { readonly configuredProbes?: ReadonlySet<ProbeId | string> } = {},
): ReadonlyArray<Finding> => {
  const findings: Array<Finding> = []
  for (const playbook of runbook.playbooks) {
    const subject = `playbooks.${playbook.id}`
    const primaries = playbook.symptoms.filter((symptom) => symptom.primary)
    const reach = best(primaries.map((symptom) => reachability(symptom.when)))
    if (reach === "never") {
      findings.push({
        level: "error",
        rule: "playbook-unreachable",
        subject,
        message: `no primary symptom of "${playbook.title}" can be observed by a probe or asserted, so triage can never match it`,
      })
    } else if (reach === "manual") {
      findings.push({
        level: "warning",
        rule: "playbook-manual-only",
        subject,
        message: `only a responder's --assert can match "${playbook.title}": no probe observes its primary symptoms`,
      })
    }
    const configured = options.configuredProbes
    if (configured !== undefined && reach === "probe") {
      const here = best(
        primaries.map((symptom) =>
          reachability(symptom.when, (signal) =>
            (lookup(signal)?.producedBy ?? []).filter((probe) => configured.has(probe)),
          ),
        ),
      )
      if (here !== "probe") {
        const needed = [
          ...new Set(
            primaries.flatMap((symptom) =>
              signalsOf(symptom.when).flatMap((signal) => lookup(signal)?.producedBy ?? []),
            ),
          ),
        ]
        findings.push({
          level: "warning",
          rule: "playbook-not-configured",
          subject,
          message: `with this configuration no probe can observe "${playbook.title}": configure one of ${needed.join(", ")}`,
        })
      }
    }
    if (playbook.resolution.length === 0) {
      findings.push({
        level: "warning",
        rule: "playbook-no-resolution",
        subject,
        message: `"${playbook.title}" has no resolution steps`,
      })
    }
  }
  const { rules, contacts } = runbook.escalation
  for (const severity of runbook.severities) {
    const subject = `severities.${severity.level}`
    if (severity.raise.length === 0) {
      findings.push({
        level: "error",
        rule: "severity-no-raise",
        subject,
        message: `${severity.level} does not say how it is raised (page, slack, email, ticket)`,
      })
    }
    const covering = rules.filter((rule) => rule.severities.includes(severity.level))
    if (covering.length === 0 || contacts.length === 0) {
      findings.push({
        level: "error",
        rule: "severity-no-escalation",
        subject,
        message:
          contacts.length === 0
            ? "the escalation contact chain is empty: nobody to escalate to"
            : `no escalation rule covers ${severity.level}: nobody is told when it is not resolved`,
      })
    }
    if (severity.updateEveryMinutes === undefined) {
      findings.push({
        level: "warning",
        rule: "severity-no-cadence",
        subject,
        message: `${severity.level} has no status-update cadence (updateEveryMinutes): nobody is reminded to post updates`,
      })
    }
  }
  contacts.forEach((contact, index) => {
    if (
      contact.phone === undefined &&
      contact.email === undefined &&
      contact.channels.length === 0
    ) {
      findings.push({
        level: "warning",
        rule: "contact-unreachable",
        subject: `escalation.contacts.${index}`,
        message: `${contact.role} has no phone, e-mail or channel`,
      })
    }
  })
  for (const id of ["initial", "update", "resolution"] as const) {
    if (!runbook.communications.some((template) => template.id === id)) {
      findings.push({
        level: "warning",
        rule: "template-missing",
        subject: "communications",
        message: `no "${id}" message template`,
      })
    }
  }
  return findings
}
