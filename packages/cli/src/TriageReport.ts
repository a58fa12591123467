/**
 * The result of `ir triage` as data, and its renderings. {@link build} is a plain function of the
 * runbook, the probe run, the assessment and the time; {@link renderText},
 * {@link renderMarkdown} and {@link toJson} print it.
 *
 * The JSON form (`ir triage --json`) is the stable, documented schema `schemaVersion: 1`:
 * `matched`, `severity`, `headline`, `response`, `playbooks`, `probes`, `investigation`,
 * `nextSteps`, `suggestedFlags`, `notices`, and the complete `assessment` and `results` for
 * programs that want every detail. Dates are ISO 8601 strings.
 *
 * @example
 * ```ts
 * import { TriageReport } from "@ir/cli"
 * const report = TriageReport.build({ runbook, run, assessment, finishedAt: new Date() })
 * console.log(TriageReport.renderText(report, { style, verbose: false, quiet: false }))
 * ```
 */
import {
  type Assessment,
  Deadline,
  Probe,
  type Runbook,
  type SeverityLevel,
  type Step,
  Triage,
} from "@ir/core"
import type { ProbeResult, ProbeRun } from "@ir/diagnostics"
import { formatEvidence, outcomeMark, statusWord, stepReference } from "./internal/Describe.js"
import type { RunbookOrigin } from "./internal/RunbookLoader.js"
import type { Style } from "./Output.js"

/** A probe result in brief. */
export interface ProbeBrief {
  readonly id: string
  readonly title: string
  readonly status: ProbeResult["status"]
  readonly summary: string
  readonly target?: string
  /** Why it could not tell (`timeout`, `connection-refused`, `not-configured`…). */
  readonly cause?: { readonly reason: string; readonly message: string }
  readonly durationMs: number
}

/** An investigation step of the leading playbook and what its probe already found. */
export interface InvestigationFinding {
  readonly playbook: string
  readonly step: string
  /** The seed runbook's command this probe replaces. */
  readonly command?: string
  readonly probe?: string
  readonly results: ReadonlyArray<ProbeBrief>
}

/** A step to take. */
export interface NextStep {
  readonly kind: "immediate" | "investigation" | "resolution"
  readonly playbook: string
  readonly text: string
  readonly details?: ReadonlyArray<string>
  readonly command?: string
  /** `probe …` or `action …`: what in ir does this step. */
  readonly reference?: string
}

/** The response the severity demands. */
export interface ResponseDue {
  readonly level: SeverityLevel
  readonly name: string
  readonly responseTimeText: string
  /** Now plus the response time (business days on the runbook's calendar). */
  readonly respondBy: Date
  readonly raise: ReadonlyArray<string>
  readonly raiseText: string
  readonly updateEveryMinutes?: number
}

/** A matched or possible playbook, in brief. */
export interface PlaybookBrief {
  readonly id: string
  readonly title: string
  readonly status: "matched" | "possible"
  readonly confidence: number
  readonly severity: SeverityLevel
  readonly severityReason: string
  readonly symptoms: ReadonlyArray<{
    readonly id: string
    readonly text: string
    readonly primary: boolean
    readonly outcome: Triage.Outcome
    /** Each condition the symptom tested, in words, with its own outcome. */
    readonly evidence: ReadonlyArray<{ readonly outcome: Triage.Outcome; readonly text: string }>
  }>
}

/** Everything `ir triage` found. */
export interface TriageReport {
  readonly schemaVersion: 1
  readonly command: "triage"
  readonly startedAt: Date
  readonly durationMs: number
  readonly configFile: string | null
  readonly runbook: {
    readonly name: string
    readonly origin: RunbookOrigin["kind"]
    readonly file?: string
  }
  /** Whether a playbook matched (the exit code is 1 when it did). */
  readonly matched: boolean
  readonly severity: SeverityLevel | null
  readonly headline: string
  readonly response: ResponseDue | null
  readonly playbooks: ReadonlyArray<PlaybookBrief>
  readonly probes: {
    readonly total: number
    readonly ok: number
    /** WARNING or CRITICAL. */
    readonly failed: ReadonlyArray<ProbeBrief>
    /** UNKNOWN because the target did not answer or the probe could not tell. */
    readonly inconclusive: ReadonlyArray<ProbeBrief>
    /** Not run, or UNKNOWN, because nothing is configured for it. */
    readonly notConfigured: ReadonlyArray<ProbeBrief>
  }
  readonly investigation: ReadonlyArray<InvestigationFinding>
  readonly nextSteps: ReadonlyArray<NextStep>
  readonly suggestedFlags: Assessment["suggestedFlags"]
  readonly notices: ReadonlyArray<string>
  readonly assessment: Assessment
  readonly results: ReadonlyArray<ProbeResult>
}

const brief = (result: ProbeResult): ProbeBrief => ({
  id: result.id,
  title: Probe.find(result.id)?.title ?? result.id,
  status: result.status,
  summary: result.summary,
  ...(result.target === undefined ? {} : { target: result.target }),
  ...(result.cause === undefined ? {} : { cause: result.cause }),
  durationMs: result.durationMs,
})

const stepOf = (kind: NextStep["kind"], playbook: string, step: Step): NextStep => {
  const reference = stepReference(step)
  return {
    kind,
    playbook,
    text: step.text,
    ...(step.details === undefined ? {} : { details: step.details }),
    ...(step.command === undefined ? {} : { command: step.command }),
    ...(reference === undefined ? {} : { reference }),
  }
}

/**
 * What a report on the embedded defaults says first: nothing here was configured, so a failure
 * may only mean that the defaults do not describe this system.
 *
 * @example
 * ```ts
 * import { TriageReport } from "@ir/cli"
 * TriageReport.embeddedDefaultsNotice("/srv/app")
 * // "No ir.config.yaml was found from /srv/app upward: this is the embedded default configuration …"
 * ```
 */
export const embeddedDefaultsNotice = (directory: string): string =>
  `No ir.config.yaml was found from ${directory} upward: this is the embedded default configuration (health on http://localhost:8000, Prometheus on :9090, saved_models/, data/raw and data/processed relative to ${directory}), so a failure may only mean it does not describe this system. Write yours with \`ir config init\`.`

/** Computes the report. Pure: the time is an argument.
 *
 * @example
 * ```ts
 * import { TriageReport } from "@ir/cli"
 * import { defaultRunbook, triage } from "@ir/core"
 * import { probesFor, runProbes } from "@ir/diagnostics"
 * const run = await runProbes(targets, { runbook: defaultRunbook })
 * const report = TriageReport.build({
 *   runbook: defaultRunbook, origin: { kind: "default" }, configFile: null, run,
 *   skipped: probesFor(targets).skipped, assessment: triage(defaultRunbook, run.observations),
 *   finishedAt: new Date(),
 * })
 * ```
 */
export const build = (input: {
  readonly runbook: Runbook
  readonly origin: RunbookOrigin
  readonly configFile: string | null
  readonly run: ProbeRun
  /** Probes the configuration does not set up (`probesFor(…).skipped`). */
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly reason: string }>
  readonly assessment: Assessment
  readonly finishedAt: Date
  /**
   * Where the response deadline counts from, when not `finishedAt`: the rehearsal clock
   * (`--at`, `$IR_NOW`) at which `ir triage --open` opens the incident.
   */
  readonly respondFrom?: Date
  /**
   * With no configuration file: the directory the embedded defaults' relative paths
   * (`saved_models/`, `data/raw`, `data/processed`) were taken from. The report then says, first
   * of all, that it describes the embedded defaults and not a configured system.
   */
  readonly defaultsFrom?: string
}): TriageReport => {
  const { runbook, run, assessment } = input
  const results = run.results
  const notConfigured: ReadonlyArray<ProbeBrief> = [
    ...results.filter((r) => r.cause?.reason === "not-configured").map(brief),
    ...input.skipped.map((skipped) => ({
      id: skipped.id,
      title: Probe.find(skipped.id)?.title ?? skipped.id,
      status: "unknown" as const,
      summary: skipped.reason,
      cause: { reason: "not-configured", message: skipped.reason },
      durationMs: 0,
    })),
  ]
  const inconclusive = results.filter(
    (r) => r.status === "unknown" && r.cause?.reason !== "not-configured",
  )
  const failed = results.filter((r) => r.status === "warn" || r.status === "critical")
  const matched = assessment.matches.some((match) => match.status === "matched")
  const lead = assessment.matches[0]
  const leadPlaybook = runbook.playbooks.find((playbook) => playbook.id === lead?.playbook)
  const investigation: ReadonlyArray<InvestigationFinding> =
    leadPlaybook === undefined
      ? []
      : leadPlaybook.investigation.map((step) => ({
          playbook: leadPlaybook.id,
          step: step.text,
          ...(step.command === undefined ? {} : { command: step.command }),
          ...(step.probe === undefined ? {} : { probe: step.probe.probe }),
          results:
            step.probe === undefined
              ? []
              : results.filter((result) => result.id === step.probe?.probe).map(brief),
        }))
  const nextSteps = assessment.nextSteps
    .filter((next) => next.kind !== "investigation" || next.step.probe === undefined)
    .map((next) => stepOf(next.kind, next.playbook, next.step))
  const response: ResponseDue | null =
    assessment.response === undefined
      ? null
      : {
          level: assessment.response.level,
          name: assessment.response.name,
          responseTimeText: assessment.response.responseTimeText,
          respondBy: Deadline.responseDeadline(
            runbook,
            assessment.response.responseTime,
            input.respondFrom ?? input.finishedAt,
          ),
          raise: assessment.response.raise,
          raiseText: assessment.response.raiseText,
          ...(assessment.response.updateEveryMinutes === undefined
            ? {}
            : { updateEveryMinutes: assessment.response.updateEveryMinutes }),
        }
  return {
    schemaVersion: 1,
    command: "triage",
    startedAt: run.startedAt,
    durationMs: Math.max(0, input.finishedAt.getTime() - run.startedAt.getTime()),
    configFile: input.configFile,
    runbook: {
      name: runbook.name,
      origin: input.origin.kind,
      ...(input.origin.kind === "default" ? {} : { file: input.origin.file }),
    },
    matched,
    severity: assessment.severity ?? null,
    headline: Triage.headline(assessment),
    response,
    playbooks: assessment.matches.map((match) => ({
      id: match.playbook,
      title: match.title,
      status: match.status,
      confidence: match.confidence,
      severity: match.severity,
      severityReason: match.severityReason,
      symptoms: match.symptoms.map((symptom) => ({
        id: symptom.id,
        text: symptom.text,
        primary: symptom.primary,
        outcome: symptom.outcome,
        evidence: symptom.evidence.map((evidence) => ({
          outcome: evidence.outcome,
          text: formatEvidence(evidence),
        })),
      })),
    })),
    probes: {
      total: results.length,
      ok: results.filter((r) => r.status === "ok").length,
      failed: failed.map(brief),
      inconclusive: inconclusive.map(brief),
      notConfigured,
    },
    investigation,
    nextSteps,
    suggestedFlags: assessment.suggestedFlags,
    notices: [
      ...(input.defaultsFrom === undefined ? [] : [embeddedDefaultsNotice(input.defaultsFrom)]),
      ...assessment.notices,
    ],
    assessment,
    results,
  }
}

/** The JSON document of `ir triage --json` (dates as ISO strings).
 *
 * @example
 * ```ts
 * import { TriageReport } from "@ir/cli"
 * console.log(JSON.stringify(TriageReport.toJson(report), null, 2))
 * ```
 */
export const toJson = (report: TriageReport): unknown => JSON.parse(JSON.stringify(report))

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`

const time = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, "Z")

const cadence = (minutes: number): string =>
  minutes % 60 === 0
    ? minutes === 60
      ? "every hour"
      : `every ${minutes / 60} hours`
    : `every ${minutes} minutes`

const severityColor = (style: Style, level: SeverityLevel | null) => (text: string) =>
  level === "P0"
    ? style.bold(style.red(text))
    : level === "P1"
      ? style.red(text)
      : level === "P2"
        ? style.yellow(text)
        : style.cyan(text)

const statusColor = (style: Style, status: ProbeResult["status"]) => (text: string) =>
  status === "ok"
    ? style.green(text)
    : status === "warn"
      ? style.yellow(text)
      : status === "critical"
        ? style.red(text)
        : style.magenta(text)

/** How a text report is printed. */
export interface TextOptions {
  readonly style: Style
  readonly verbose: boolean
  readonly quiet: boolean
}

const probeLine = (style: Style, probe: ProbeBrief): string => {
  const word = statusColor(style, probe.status)(statusWord(probe.status).padEnd(8))
  return `  ${word} ${probe.id.padEnd(26)} ${probe.summary}`
}

/** The report for a terminal.
 *
 * @example
 * ```ts
 * import { Output, TriageReport } from "@ir/cli"
 * console.log(TriageReport.renderText(report, { style: Output.style(false), verbose: false, quiet: false }))
 * ```
 */
export const renderText = (report: TriageReport, options: TextOptions): string => {
  const { style } = options
  const lines: Array<string> = []
  const paint = severityColor(style, report.severity)
  // Read before the verdict: a notice can change what the verdict means.
  for (const notice of report.notices) lines.push(style.yellow(`! ${notice}`))
  if (report.response !== null) {
    const update =
      report.response.updateEveryMinutes === undefined
        ? ""
        : `; status updates ${cadence(report.response.updateEveryMinutes)}`
    lines.push(
      `${paint(`${report.response.level} ${report.response.name}`)}: ${style.bold(
        report.playbooks.find((p) => p.status === "matched" && p.severity === report.severity)
          ?.title ??
          report.assessment.severityReason ??
          "",
      )}`,
      `Respond within ${report.response.responseTimeText} (by ${time(report.response.respondBy)}): ${report.response.raiseText}${update}.`,
    )
  } else {
    lines.push(style.bold(report.headline))
  }
  if (options.quiet) return lines.join("\n")

  if (report.playbooks.length > 0) {
    lines.push("", style.bold("Playbooks"))
    for (const playbook of report.playbooks) {
      const marker = playbook.status === "matched" ? "●" : "○"
      lines.push(
        `  ${marker} ${style.bold(playbook.id)}  ${playbook.title}  ${severityColor(style, playbook.severity)(playbook.severity)}  confidence ${percent(playbook.confidence)}${playbook.status === "possible" ? "  (possible: not yet proven)" : ""}`,
      )
      if (options.verbose || playbook.severityReason !== "the playbook's default severity") {
        lines.push(`      severity: ${playbook.severityReason}`)
      }
      for (const symptom of playbook.symptoms) {
        if (!options.verbose && symptom.outcome === "not-matched") continue
        const mark = outcomeMark(symptom.outcome)
        const painted =
          symptom.outcome === "matched"
            ? style.green(mark)
            : symptom.outcome === "pending"
              ? style.yellow(mark)
              : style.dim(mark)
        lines.push(`      ${painted} ${symptom.text}`)
        for (const evidence of symptom.evidence) {
          // What proved the symptom; everything it tested under --verbose.
          if (options.verbose || evidence.outcome === "matched" || evidence.outcome === "pending") {
            lines.push(style.dim(`          ${evidence.text}`))
          }
        }
      }
    }
  }

  const { probes } = report
  lines.push(
    "",
    style.bold(
      `Probes: ${probes.ok} of ${probes.total} OK, ${probes.failed.length} failed, ${probes.inconclusive.length} could not tell, ${probes.notConfigured.length} not configured`,
    ),
  )
  for (const probe of probes.failed) lines.push(probeLine(style, probe))
  for (const probe of probes.inconclusive) lines.push(probeLine(style, probe))
  if (probes.notConfigured.length > 0) {
    if (options.verbose)
      for (const probe of probes.notConfigured) lines.push(probeLine(style, probe))
    else
      lines.push(
        style.dim(
          `  not configured: ${probes.notConfigured.map((probe) => probe.id).join(", ")} (see ir config show)`,
        ),
      )
  }
  if (options.verbose) {
    for (const result of report.results.filter((r) => r.status === "ok")) {
      lines.push(probeLine(style, brief(result)))
    }
  }

  const findings = report.investigation.filter((finding) => finding.probe !== undefined)
  if (findings.length > 0) {
    lines.push("", style.bold(`Already investigated (${findings[0]?.playbook})`))
    for (const finding of findings) {
      lines.push(`  ${finding.step}`)
      if (finding.results.length === 0) {
        lines.push(style.dim(`      ${finding.probe}: not run (not configured)`))
      }
      for (const result of finding.results) {
        lines.push(
          `      ${statusColor(style, result.status)(statusWord(result.status))} ${result.summary}`,
        )
      }
    }
  }

  if (report.nextSteps.length > 0) {
    const heading = {
      immediate: "Immediate actions",
      investigation: "Still to investigate",
      resolution: "Resolution",
    } as const
    lines.push("", style.bold(`Next steps (${report.nextSteps[0]?.playbook})`))
    let kind: NextStep["kind"] | undefined
    let number = 0
    for (const step of report.nextSteps) {
      if (step.kind !== kind) {
        kind = step.kind
        number = 0
        lines.push(`  ${style.bold(heading[step.kind])}`)
      }
      number += 1
      lines.push(`    ${number}. ${step.text}`)
      for (const detail of step.details ?? []) lines.push(`       - ${detail}`)
      if (step.command !== undefined) {
        step.command.split("\n").forEach((line, index) => {
          lines.push(style.dim(`       ${index === 0 ? "$" : " "} ${line}`))
        })
      }
    }
  }

  if (report.suggestedFlags.length > 0 && report.matched) {
    lines.push(
      "",
      style.dim(
        `Also true? ir triage ${report.suggestedFlags
          .slice(0, 4)
          .map((flag) => `--assert ${flag.flag}`)
          .join(" ")}`,
      ),
    )
  }
  return lines.join("\n")
}

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ")

/** The report as Markdown, for an incident document or a ticket.
 *
 * @example
 * ```ts
 * import { TriageReport } from "@ir/cli"
 * await writeFile("triage.md", TriageReport.renderMarkdown(report))
 * ```
 */
export const renderMarkdown = (report: TriageReport): string => {
  const lines: Array<string> = [`# Triage: ${report.headline}`, ""]
  for (const notice of report.notices) lines.push(`> ${notice}`, "")
  lines.push(
    `Run at ${time(report.startedAt)} in ${report.durationMs} ms with the ${
      report.runbook.origin === "default"
        ? "default runbook"
        : `runbook from ${report.runbook.file}`
    }.`,
    "",
  )
  if (report.response !== null) {
    const update =
      report.response.updateEveryMinutes === undefined
        ? ""
        : ` Status updates ${cadence(report.response.updateEveryMinutes)}.`
    lines.push(
      `**Severity ${report.response.level} (${report.response.name}).** Respond within ${report.response.responseTimeText} (by ${time(report.response.respondBy)}): ${report.response.raiseText}.${update}`,
      "",
    )
  }
  if (report.playbooks.length > 0) {
    lines.push("## Playbooks", "")
    for (const playbook of report.playbooks) {
      lines.push(
        `### ${playbook.title} (\`${playbook.id}\`), ${playbook.severity}, confidence ${percent(playbook.confidence)}${playbook.status === "possible" ? " (possible)" : ""}`,
        "",
        `Severity: ${playbook.severityReason}.`,
        "",
      )
      for (const symptom of playbook.symptoms) {
        lines.push(`- ${outcomeMark(symptom.outcome)} ${symptom.text} (${symptom.outcome})`)
        for (const evidence of symptom.evidence) {
          lines.push(`  - ${outcomeMark(evidence.outcome)} \`${evidence.text}\``)
        }
      }
      lines.push("")
    }
  }
  lines.push(
    "## Probes",
    "",
    "| probe | status | summary |",
    "| --- | --- | --- |",
    ...report.results.map(
      (result) =>
        `| \`${result.id}\` | ${statusWord(result.status)} | ${escapeCell(result.summary)} |`,
    ),
    "",
  )
  const findings = report.investigation.filter((finding) => finding.probe !== undefined)
  if (findings.length > 0) {
    lines.push("## Already investigated", "")
    for (const finding of findings) {
      lines.push(
        `- **${finding.step}** (\`${finding.probe}\`)${finding.results.length === 0 ? ": not run (not configured)" : ""}`,
      )
      for (const result of finding.results) {
        lines.push(`  - ${statusWord(result.status)}: ${result.summary}`)
      }
    }
    lines.push("")
  }
  if (report.nextSteps.length > 0) {
    lines.push("## Next steps", "")
    for (const step of report.nextSteps) {
      lines.push(`1. ${step.kind === "immediate" ? "(immediate) " : ""}${step.text}`)
      for (const detail of step.details ?? []) lines.push(`   - ${detail}`)
      if (step.command !== undefined) {
        lines.push(
          "",
          "   ```sh",
          ...step.command.split("\n").map((line) => `   ${line}`),
          "   ```",
        )
      }
    }
    lines.push("")
  }
  return lines.join("\n")
}
