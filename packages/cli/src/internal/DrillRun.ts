import { DrillReport } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import type { Style } from "../Output.js"
import type { CommonArgs } from "./CommonOptions.js"
import { type CommandContext, loadConfig } from "./Handler.js"
import { findPlaybook } from "./PlaybookRun.js"
import { resolveRunbook } from "./RunbookLoader.js"

export interface DrillArgs extends CommonArgs {
  readonly playbook: string
  readonly at: Option.Option<string>
}

const time = (date: Date) => date.toISOString().replace(/:\d\d\.\d{3}Z$/, "Z")

const entryLine = (entry: DrillReport.TimelineEntry, report: DrillReport.DrillReport): string => {
  const to =
    entry.contact !== undefined
      ? `${entry.contact.role}${entry.contact.phone === undefined ? "" : ` ${entry.contact.phone}`}`
      : entry.channels.length === 0
        ? "(no channel)"
        : entry.channels.join(", ")
  const deadline =
    entry.deadline === undefined
      ? ""
      : `  (by ${DrillReport.offset(report.startedAt, entry.deadline)})`
  return `${entry.offset.padEnd(7)} ${entry.kind.padEnd(20)} ${entry.rule.text} → ${to}${deadline}`
}

const renderText = (report: DrillReport.DrillReport, style: Style, verbose: boolean): string => {
  const mark = (passed: boolean) => (passed ? style.green("✓") : style.red("✗"))
  const lines = [
    style.bold(
      `Drill: ${report.title} (${report.playbook}), virtual clock from ${time(report.startedAt)}`,
    ),
  ]
  if (verbose) {
    lines.push("", style.bold("Synthesised observations"))
    for (const observation of report.triage.observations) lines.push(style.dim(`  ${observation}`))
  }
  lines.push("", style.bold("Timeline"))
  for (const entry of report.timeline) lines.push(`  ${entryLine(entry, report)}`)
  lines.push("", style.bold("Checks"))
  for (const check of report.checks) {
    lines.push(`  ${mark(check.passed)} ${check.name}: ${check.detail}`)
  }
  for (const warning of report.warnings) lines.push(style.yellow(`  ! ${warning}`))
  const failed = report.checks.filter((check) => !check.passed).map((check) => check.name)
  lines.push(
    "",
    report.passed
      ? style.green(`PASSED: the runbook responds to ${report.playbook} as written`)
      : style.red(`FAILED (${failed.join(", ")}): the runbook would not respond as written`),
  )
  return lines.join("\n")
}

const renderMarkdown = (report: DrillReport.DrillReport): string =>
  [
    `# Drill: ${report.title} (\`${report.playbook}\`)`,
    "",
    `Virtual clock from ${time(report.startedAt)} to ${time(report.resolvedAt)}. **${report.passed ? "Passed" : "Failed"}.**`,
    "",
    `Triage: ${report.triage.reasons.join("; ")}.`,
    "",
    "## Timeline",
    "",
    "| when | action | why | to | deadline |",
    "| --- | --- | --- | --- | --- |",
    ...report.timeline.map(
      (entry) =>
        `| ${entry.offset} | ${entry.kind} | ${entry.rule.text} | ${
          entry.contact?.role ?? (entry.channels.join(", ") || "(no channel)")
        } | ${entry.deadline === undefined ? "" : time(entry.deadline)} |`,
    ),
    "",
    "## Checks",
    "",
    ...report.checks.map(
      (check) => `- ${check.passed ? "✓" : "✗"} **${check.name}**: ${check.detail}`,
    ),
    ...report.warnings.map((warning) => `- ! ${warning}`),
    "",
  ].join("\n")

/** `ir drill PLAYBOOK`. */
export const run = (args: DrillArgs, context: CommandContext) =>
  Effect.gen(function* () {
    const { output, io } = context
    const startedAt = Option.match(args.at, {
      onNone: () => new Date(Math.floor(Date.now() / 60_000) * 60_000),
      onSome: (text) => new Date(text),
    })
    if (Number.isNaN(startedAt.getTime())) {
      return yield* Effect.fail(
        new UsageError({
          reason: "bad-value",
          detail: `--at ${JSON.stringify(Option.getOrElse(args.at, () => ""))}: expected an ISO 8601 time such as 2026-11-30T10:00:00Z`,
        }),
      )
    }
    const config = yield* loadConfig(context)
    const { runbook } = yield* resolveRunbook(config, io.cwd)
    yield* findPlaybook(runbook, args.playbook)
    // findPlaybook has checked the id, so the drill cannot fail with an unknown playbook.
    const report = DrillReport.build(runbook, args.playbook, startedAt)
    if (output.format === "json") output.json(JSON.parse(JSON.stringify(report)))
    else if (output.format === "markdown") output.print(renderMarkdown(report))
    else output.print(renderText(report, output.style, output.verbose))
    return report.passed ? ExitCode.ok : ExitCode.found
  })
