import { DrillReport } from "@ir/core"
import { Channel, liveDrill, liveDrillPlan } from "@ir/notify"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import type { Config } from "../Config.js"
import * as ExitCode from "../ExitCode.js"
import type { Style } from "../Output.js"
import type { CommonArgs } from "./CommonOptions.js"
import { type CommandContext, loadConfig } from "./Handler.js"
import { resolveNotify } from "./NotifySection.js"
import { findPlaybook } from "./PlaybookRun.js"
import { resolveRunbook } from "./RunbookLoader.js"

export interface DrillArgs extends CommonArgs {
  readonly playbook: Option.Option<string>
  readonly at: Option.Option<string>
  readonly scenario: DrillReport.Scenario
  readonly coverage: boolean
  readonly live: boolean
  readonly yes: boolean
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
  return `${entry.offset.padEnd(9)} ${entry.kind.padEnd(20)} ${entry.rule.text} → ${to}${deadline}`
}

const renderText = (report: DrillReport.DrillReport, style: Style, verbose: boolean): string => {
  const mark = (passed: boolean) => (passed ? style.green("✓") : style.red("✗"))
  const lines = [
    style.bold(
      `Drill: ${report.title} (${report.playbook}), ${report.scenario}, virtual clock from ${time(report.startedAt)}`,
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
    `# Drill: ${report.title} (\`${report.playbook}\`, ${report.scenario})`,
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

const renderCoverage = (
  coverage: DrillReport.Coverage,
  style: Style,
  markdown: boolean,
): string => {
  const mark = (done: boolean) =>
    markdown ? (done ? "✓" : "✗") : done ? style.green("✓") : style.red("✗")
  const heading = (text: string) => (markdown ? `## ${text}` : style.bold(text))
  const drills = (names: ReadonlyArray<string>) =>
    names.length === 0
      ? "no drill"
      : `${names.length} drill(s): ${names.slice(0, 3).join(", ")}${names.length > 3 ? ", …" : ""}`
  const item = markdown ? "- " : "  "
  const lines = [
    markdown ? "# Drill coverage" : style.bold("Drill coverage: every playbook in every scenario"),
    "",
    heading("Escalation rules"),
    ...(markdown ? [""] : []),
    ...coverage.rules.map(
      (rule) =>
        `${item}${mark(rule.exercisedBy.length > 0)} ${rule.id} (${rule.text}): ${drills(rule.exercisedBy)}`,
    ),
    "",
    heading("Messages"),
    ...(markdown ? [""] : []),
    ...coverage.messages.map(
      (entry) =>
        `${item}${mark(entry.exercisedBy.length > 0)} ${entry.message}: ${drills(entry.exercisedBy)}`,
    ),
    `${item}${mark(coverage.chain.exercisedBy.length > 0)} the contact chain to its last contact: ${drills(coverage.chain.exercisedBy)}`,
  ]
  if (coverage.failures.length > 0) {
    lines.push("", heading("Failing drills"), ...(markdown ? [""] : []))
    for (const failure of coverage.failures) lines.push(`${item}${mark(false)} ${failure}`)
  }
  const missing = [...coverage.unexercised.rules, ...coverage.unexercised.messages]
  lines.push(
    "",
    missing.length === 0 && coverage.failures.length === 0
      ? markdown
        ? "**Every rule and message is rehearsed, and every drill passes.**"
        : style.green("COMPLETE: every rule and message is rehearsed, and every drill passes")
      : markdown
        ? `**Incomplete:** ${missing.length === 0 ? "" : `not rehearsed: ${missing.join(", ")}. `}${coverage.failures.length} failing drill(s).`
        : style.red(
            `INCOMPLETE: ${missing.length === 0 ? "" : `not rehearsed: ${missing.join(", ")}; `}${coverage.failures.length} failing drill(s)`,
          ),
  )
  return lines.join("\n")
}

/** `ir drill --live [--yes]`: the communication channel test. */
const liveRun = (args: DrillArgs, context: CommandContext, config: Config, runbookName: string) =>
  Effect.gen(function* () {
    const { output, io } = context
    const notify = yield* resolveNotify(config, io.cwd)
    if (notify.unavailable[0] !== undefined) return yield* Effect.fail(notify.unavailable[0])
    if (notify.channels.length === 0)
      return yield* Effect.fail(
        new UsageError({
          reason: "bad-value",
          detail:
            "no channel to test: configure notify.channels (see docs/communications.md#delivering)",
        }),
      )
    if (!args.yes) {
      const plan = notify.channels.map((channel) => ({
        channel: channel.id,
        kind: channel.kind,
        target: Channel.target(channel),
        would: liveDrillPlan(channel),
      }))
      if (output.format === "json")
        output.json({ schemaVersion: 1, command: "drill", live: true, dryRun: true, plan })
      else
        output.print(
          [
            output.style.bold("Live drill (dry run): what each channel would get"),
            ...plan.map(
              (entry) => `  ${entry.channel} (${entry.kind}, ${entry.target}): ${entry.would}`,
            ),
            "",
            "Nothing was sent. Add --yes to send the test messages.",
          ].join("\n"),
        )
      return ExitCode.ok
    }
    const results = yield* Effect.promise(() =>
      liveDrill(notify.channels, {
        now: new Date(),
        runbook: runbookName,
        delivery: { timeoutMs: notify.timeoutMs, retries: notify.retries },
      }),
    )
    const failed = results.filter((result) => result.status === "failed")
    if (output.format === "json")
      output.json({ schemaVersion: 1, command: "drill", live: true, dryRun: false, results })
    else {
      const mark = (status: string) =>
        status === "delivered"
          ? output.style.green("✓")
          : status === "skipped"
            ? output.style.yellow("-")
            : output.style.red("✗")
      output.print(
        [
          output.style.bold("Live drill: one test message through each channel"),
          ...results.map(
            (result) =>
              `  ${mark(result.status)} ${result.channel} (${result.kind}, ${result.target}): ${result.status}, ${result.detail} (${result.durationMs} ms)`,
          ),
          "",
          failed.length === 0
            ? output.style.green("Every channel tested delivered")
            : output.style.red(
                `${failed.length} channel(s) did not deliver: ${failed.map((result) => result.channel).join(", ")}`,
              ),
        ].join("\n"),
      )
    }
    return failed.length === 0 ? ExitCode.ok : ExitCode.found
  })

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
    if (args.live) {
      if (Option.isSome(args.playbook) || args.coverage)
        return yield* Effect.fail(
          new UsageError({
            reason: "bad-value",
            detail: "--live tests the channels: give no playbook and no --coverage with it",
          }),
        )
      return yield* liveRun(args, context, config, runbook.name)
    }
    if (args.coverage) {
      if (Option.isSome(args.playbook))
        return yield* Effect.fail(
          new UsageError({
            reason: "bad-value",
            detail: "--coverage rehearses every playbook: give no playbook with it",
          }),
        )
      const coverage = DrillReport.coverage(runbook, startedAt)
      if (output.format === "json") output.json(JSON.parse(JSON.stringify(coverage)))
      else output.print(renderCoverage(coverage, output.style, output.format === "markdown"))
      const complete =
        coverage.unexercised.rules.length === 0 &&
        coverage.unexercised.messages.length === 0 &&
        coverage.failures.length === 0
      return complete ? ExitCode.ok : ExitCode.found
    }
    if (Option.isNone(args.playbook))
      return yield* Effect.fail(
        new UsageError({
          reason: "bad-value",
          detail: `which playbook? expected one of: ${runbook.playbooks.map((candidate) => candidate.id).join(", ")} (or --coverage for all of them)`,
        }),
      )
    const playbookId = args.playbook.value
    yield* findPlaybook(runbook, playbookId)
    // findPlaybook has checked the id, so the drill cannot fail with an unknown playbook.
    const report = DrillReport.build(runbook, playbookId, startedAt, args.scenario)
    if (output.format === "json") output.json(JSON.parse(JSON.stringify(report)))
    else if (output.format === "markdown") output.print(renderMarkdown(report))
    else output.print(renderText(report, output.style, output.verbose))
    return report.passed ? ExitCode.ok : ExitCode.found
  })
