import { type Playbook, Probe, type Runbook, type Step } from "@ir/core"
import * as Effect from "effect/Effect"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import type { Output } from "../Output.js"
import type { CommonArgs } from "./CommonOptions.js"
import { formatPredicate, stepReference } from "./Describe.js"
import { type CommandContext, loadConfig } from "./Handler.js"
import { resolveRunbook } from "./RunbookLoader.js"

const effectiveRunbook = (context: CommandContext) =>
  Effect.flatMap(loadConfig(context), (config) => resolveRunbook(config, context.io.cwd))

const pad = (text: string, width: number) => text.padEnd(width)

/** `ir playbook list`. */
export const list = (_args: CommonArgs, context: CommandContext) =>
  Effect.gen(function* () {
    const { output } = context
    const { runbook } = yield* effectiveRunbook(context)
    const { playbooks } = runbook
    if (output.format === "json") {
      output.json({
        schemaVersion: 1,
        command: "playbook list",
        playbooks: playbooks.map((playbook) => ({
          id: playbook.id,
          title: playbook.title,
          ...(playbook.summary === undefined ? {} : { summary: playbook.summary }),
          defaultSeverity: playbook.defaultSeverity,
          symptoms: playbook.symptoms.map((symptom) => ({
            id: symptom.id,
            text: symptom.text,
            primary: symptom.primary,
          })),
        })),
      })
      return ExitCode.ok
    }
    if (output.format === "markdown") {
      output.print(
        [
          "| id | severity | title | symptoms |",
          "| --- | --- | --- | --- |",
          ...playbooks.map(
            (p) =>
              `| \`${p.id}\` | ${p.defaultSeverity} | ${p.title} | ${p.symptoms.map((s) => s.text).join("; ")} |`,
          ),
        ].join("\n"),
      )
      return ExitCode.ok
    }
    const width = Math.max(...playbooks.map((p) => p.id.length), 2) + 2
    const { style } = output
    output.print(style.bold(`${pad("ID", width)}SEVERITY  TITLE`))
    for (const playbook of playbooks) {
      output.print(
        `${pad(playbook.id, width)}${pad(playbook.defaultSeverity, 10)}${playbook.title}`,
      )
      if (output.verbose) {
        for (const symptom of playbook.symptoms) {
          output.print(style.dim(`${" ".repeat(width + 10)}- ${symptom.text}`))
        }
      }
    }
    return ExitCode.ok
  })

const stepLines = (steps: ReadonlyArray<Step>, output: Output): ReadonlyArray<string> =>
  steps.flatMap((step, index) => {
    const reference = stepReference(step)
    return [
      `  ${index + 1}. ${step.text}${reference === undefined ? "" : output.style.dim(`  [${reference}]`)}`,
      ...(step.details ?? []).map((detail) => `     - ${detail}`),
      ...(step.command === undefined
        ? []
        : step.command
            .split("\n")
            .map((line, index) => output.style.dim(`     ${index === 0 ? "$" : " "} ${line}`))),
    ]
  })

const renderText = (playbook: Playbook, runbook: Runbook, output: Output): string => {
  const { style } = output
  const lines: Array<string> = [
    `${style.bold(playbook.title)} (${playbook.id}), default severity ${playbook.defaultSeverity}`,
  ]
  if (playbook.summary !== undefined) lines.push(playbook.summary)
  const section = (title: string, body: ReadonlyArray<string>) => {
    if (body.length > 0) lines.push("", style.bold(title), ...body)
  }
  section(
    "Symptoms",
    playbook.symptoms.flatMap((symptom) => [
      `  - ${symptom.text}${symptom.primary ? "" : style.dim(" (secondary)")}`,
      style.dim(`      ${formatPredicate(symptom.when, runbook.thresholds)}`),
    ]),
  )
  section(
    "Severity rules",
    playbook.severityRules.flatMap((rule) => [
      `  - ${rule.severity} when ${rule.reason}`,
      style.dim(`      ${formatPredicate(rule.when, runbook.thresholds)}`),
    ]),
  )
  section("Immediate actions", stepLines(playbook.immediateActions, output))
  section("Investigation", stepLines(playbook.investigation, output))
  section("Resolution", stepLines(playbook.resolution, output))
  section(
    "Common causes",
    playbook.commonCauses.map((cause) => `  - ${cause}`),
  )
  section("Post-resolution", stepLines(playbook.postResolution, output))
  return lines.join("\n")
}

const markdownSteps = (steps: ReadonlyArray<Step>): ReadonlyArray<string> =>
  steps.flatMap((step, index) => {
    const reference = stepReference(step)
    return [
      `${index + 1}. ${step.text}${reference === undefined ? "" : ` (${reference})`}`,
      ...(step.details ?? []).map((detail) => `   - ${detail}`),
      ...(step.command === undefined
        ? []
        : ["", "   ```sh", ...step.command.split("\n").map((line) => `   ${line}`), "   ```"]),
    ]
  })

const renderMarkdown = (playbook: Playbook, runbook: Runbook): string => {
  const lines: Array<string> = [
    `## ${playbook.title}`,
    "",
    `\`${playbook.id}\`, default severity **${playbook.defaultSeverity}**.${playbook.summary === undefined ? "" : ` ${playbook.summary}`}`,
    "",
  ]
  const section = (title: string, body: ReadonlyArray<string>) => {
    if (body.length > 0) lines.push(`**${title}:**`, "", ...body, "")
  }
  section(
    "Symptoms",
    playbook.symptoms.map(
      (symptom) =>
        `- ${symptom.text}: \`${formatPredicate(symptom.when, runbook.thresholds)}\`${symptom.primary ? "" : " (secondary)"}`,
    ),
  )
  section(
    "Severity rules",
    playbook.severityRules.map(
      (rule) =>
        `- ${rule.severity} when ${rule.reason}: \`${formatPredicate(rule.when, runbook.thresholds)}\``,
    ),
  )
  section("Immediate Actions", markdownSteps(playbook.immediateActions))
  section("Investigation Steps", markdownSteps(playbook.investigation))
  section("Resolution Steps", markdownSteps(playbook.resolution))
  section(
    "Common Causes",
    playbook.commonCauses.map((cause) => `- ${cause}`),
  )
  section("Post-Resolution", markdownSteps(playbook.postResolution))
  return lines.join("\n").trimEnd()
}

/** The playbook a command line names, or a usage error listing the ids. */
export const findPlaybook = (runbook: Runbook, id: string): Effect.Effect<Playbook, UsageError> => {
  const playbook = runbook.playbooks.find((candidate) => candidate.id === id)
  return playbook === undefined
    ? Effect.fail(
        new UsageError({
          reason: "unknown-playbook",
          detail: `no playbook "${id}" in the runbook; expected one of ${runbook.playbooks.map((p) => p.id).join(", ")}`,
        }),
      )
    : Effect.succeed(playbook)
}

/** `ir playbook show ID`. */
export const show = (args: CommonArgs & { readonly id: string }, context: CommandContext) =>
  Effect.gen(function* () {
    const { output } = context
    const { runbook } = yield* effectiveRunbook(context)
    const playbook = yield* findPlaybook(runbook, args.id)
    if (output.format === "json") {
      output.json({
        schemaVersion: 1,
        command: "playbook show",
        playbook,
        probes: [
          ...new Set(
            [...playbook.investigation, ...playbook.resolution].flatMap((step) =>
              step.probe === undefined ? [] : [step.probe.probe],
            ),
          ),
        ].map((id) => ({ id, title: Probe.find(id)?.title ?? id })),
      })
    } else if (output.format === "markdown") {
      output.print(renderMarkdown(playbook, runbook))
    } else {
      output.print(renderText(playbook, runbook, output))
    }
    return ExitCode.ok
  })
