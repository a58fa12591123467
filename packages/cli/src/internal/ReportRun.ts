import { Duration, type Incident, Report } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import { parseTime } from "./Clock.js"
import type { CommandContext } from "./Handler.js"
import { fromJournal, type LifecycleArgs, reportDamage, withLifecycle } from "./Lifecycle.js"

interface ReportArgs extends LifecycleArgs {
  readonly since: Option.Option<string>
  readonly until: Option.Option<string>
}

const statJson = (stat: Report.Stat) => ({
  count: stat.count,
  medianSeconds: stat.median ?? null,
  p90Seconds: stat.p90 ?? null,
})

const groupJson = (group: Report.Group) => ({
  key: group.key,
  incidents: group.incidents,
  resolved: group.resolved,
  timeToAcknowledge: statJson(group.timeToAcknowledge),
  timeToMitigate: statJson(group.timeToMitigate),
  timeToResolve: statJson(group.timeToResolve),
  responseDeadline: group.responseDeadline,
  updateCadence: group.updateCadence,
  escalations: group.escalations,
})

const time = (stat: Report.Stat) =>
  stat.median === undefined
    ? "—"
    : `${Duration.formatSeconds(Math.round(stat.median))} / ${Duration.formatSeconds(Math.round(stat.p90 ?? 0))}`

const share = (compliance: Report.Compliance) => {
  const decided = compliance.met + compliance.missed
  return decided === 0
    ? "—"
    : `${Math.round((100 * compliance.met) / decided)}% (${compliance.met}/${decided})`
}

const table = (
  title: string,
  groups: ReadonlyArray<Report.Group>,
  markdown: boolean,
): ReadonlyArray<string> => {
  const header = [
    title,
    "Incidents",
    "Resolved",
    "TTA median / p90",
    "TTM median / p90",
    "TTR median / p90",
    "Responded in time",
    "Updates on cadence",
    "Escalations",
  ]
  const rows = groups.map((group) => [
    group.key,
    String(group.incidents),
    String(group.resolved),
    time(group.timeToAcknowledge),
    time(group.timeToMitigate),
    time(group.timeToResolve),
    share(group.responseDeadline),
    share(group.updateCadence),
    String(group.escalations),
  ])
  if (markdown)
    return [
      `| ${header.join(" | ")} |`,
      `| ${header.map(() => "---").join(" | ")} |`,
      ...rows.map((row) => `| ${row.join(" | ")} |`),
    ]
  const widths = header.map((cell, index) =>
    Math.max(cell.length, ...rows.map((row) => row[index]!.length)),
  )
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index]!))
      .join("  ")
      .trimEnd()
  return [line(header), ...rows.map(line)]
}

/** `ir report`. */
export const run = (args: ReportArgs, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { journal, output, runbook, clock } = lifecycle
      const since = Option.isSome(args.since)
        ? yield* parseTime(args.since.value, "--since")
        : undefined
      const until = Option.isSome(args.until)
        ? yield* parseTime(args.until.value, "--until")
        : clock.now
      if (since !== undefined && since.getTime() >= until.getTime())
        return yield* Effect.fail(
          new UsageError({ reason: "bad-value", detail: "--since must be before --until" }),
        )
      const summaries = yield* Effect.mapError(journal.list({}), fromJournal)
      const incidents: Array<Incident> = []
      for (const summary of summaries) {
        const read = yield* Effect.either(journal.read(summary.humanId))
        if (Either.isRight(read)) incidents.push({ ...read.right.state, id: read.right.humanId })
      }
      const damaged = yield* reportDamage(lifecycle)
      const report = Report.summarize(runbook, incidents, {
        ...(since === undefined ? {} : { since }),
        until,
      })
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: "report",
          since: report.since?.toISOString() ?? null,
          until: report.until.toISOString(),
          incidents: report.incidents,
          bySeverity: report.bySeverity.map(groupJson),
          byPlaybook: report.byPlaybook.map(groupJson),
          escalationsByRule: report.escalationsByRule,
          repeats: report.repeats,
          actionItems: report.actionItems,
          damaged,
        })
        return ExitCode.ok
      }
      const markdown = output.format === "markdown"
      const heading = (text: string) => (markdown ? `## ${text}` : output.style.bold(text))
      const period = `${report.since === undefined ? "the start" : report.since.toISOString()} to ${report.until.toISOString()}`
      const lines = [
        markdown ? `# Incident report: ${period}` : output.style.bold(`Incident report: ${period}`),
        "",
        `${report.incidents} incident(s). Times are median / 90th percentile from the opening; TTM counts to the mitigation (or the resolution).`,
        "",
        heading("By severity"),
        "",
        ...table("Severity", report.bySeverity, markdown),
        "",
        heading("By playbook"),
        "",
        ...table("Playbook", report.byPlaybook, markdown),
        "",
        heading("Escalations by rule"),
        "",
        ...(report.escalationsByRule.length === 0
          ? ["None."]
          : report.escalationsByRule.map(
              (entry) => `- ${entry.text} (${entry.rule}): ${entry.count}`,
            )),
        "",
        heading("Repeat incidents (same playbook within 7 days)"),
        "",
        ...(report.repeats.length === 0
          ? ["None."]
          : report.repeats.map(
              (entry) => `- ${entry.playbook}: ${entry.incident} after ${entry.previous}`,
            )),
        "",
        heading("Action items"),
        "",
        `${report.actionItems.open} open, ${report.actionItems.overdue} overdue (\`ir followup list --overdue\`).`,
      ]
      output.print(lines.join("\n"))
      return ExitCode.ok
    }),
  )
