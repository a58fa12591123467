import { writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { RunbookLint, renderRunbookMarkdown } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import { displayPath } from "../Config.js"
import * as ExitCode from "../ExitCode.js"
import type { CommonArgs } from "./CommonOptions.js"
import { type CommandContext, loadConfig } from "./Handler.js"
import {
  type RunbookProblem,
  readRunbookSource,
  resolveRunbook,
  validateRunbookDocument,
} from "./RunbookLoader.js"

/** Writes `text` to `--output` (reporting where on stderr) or prints it. */
export const emit = (
  context: CommandContext,
  output: Option.Option<string>,
  text: string,
): Effect.Effect<void, UsageError> =>
  Option.match(output, {
    onNone: () => Effect.sync(() => context.output.print(text.replace(/\n$/, ""))),
    onSome: (path) =>
      Effect.try({
        try: () => {
          const file = resolve(context.io.cwd, path)
          writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`)
          context.output.note(`wrote ${displayPath(file, context.io.cwd)}`)
        },
        catch: (cause) =>
          new UsageError({
            reason: "unreadable",
            detail: `cannot write ${path}: ${(cause as Error).message}`,
            cause,
          }),
      }),
  })

/** `ir runbook render`. */
export const render = (
  args: CommonArgs & { readonly output: Option.Option<string> },
  context: CommandContext,
) =>
  Effect.gen(function* () {
    const config = yield* loadConfig(context)
    const { runbook } = yield* resolveRunbook(config, context.io.cwd)
    const text =
      context.output.format === "json"
        ? JSON.stringify(runbook, null, 2)
        : renderRunbookMarkdown(runbook)
    yield* emit(context, args.output, text)
    return ExitCode.ok
  })

const problemLine = (problem: RunbookProblem): string =>
  `${[problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(":")}: ${problem.path}: ${problem.message}`

/** `ir runbook validate FILE`. */
export const validate = (args: CommonArgs & { readonly file: string }, context: CommandContext) =>
  Effect.gen(function* () {
    const { output, io } = context
    const file = resolve(io.cwd, args.file)
    const display = displayPath(file, io.cwd)
    const source = readRunbookSource(file, display)
    if (source._tag === "Left") return yield* Effect.fail(source.left)
    const result = validateRunbookDocument(source.right, display)
    const problems = result._tag === "Left" ? result.left : []
    if (output.format === "json") {
      output.json({
        schemaVersion: 1,
        command: "runbook validate",
        file: display,
        valid: problems.length === 0,
        problems,
        ...(result._tag === "Right"
          ? {
              playbooks: result.right.playbooks.map((playbook) => playbook.id),
              lint: RunbookLint.lint(result.right),
            }
          : {}),
      })
    } else if (result._tag === "Right") {
      output.print(
        `${display}: valid runbook "${result.right.name}", ${result.right.playbooks.length} playbooks, ${result.right.severities.length} severities`,
      )
    } else {
      for (const problem of problems) output.print(problemLine(problem))
      output.note(
        `${display}: ${problems.length} ${problems.length === 1 ? "problem" : "problems"}`,
      )
    }
    return problems.length === 0 ? ExitCode.ok : ExitCode.found
  })

/** `ir runbook lint`. */
export const lint = (_args: CommonArgs, context: CommandContext) =>
  Effect.gen(function* () {
    const { output, io } = context
    const config = yield* loadConfig(context)
    const { runbook, origin } = yield* resolveRunbook(config, io.cwd)
    const { configuredProbeIds } = yield* Effect.promise(() => import("./ConfiguredProbes.js"))
    const configured = yield* configuredProbeIds(config, io)
    const findings = RunbookLint.lint(runbook, { configuredProbes: configured })
    const errors = findings.filter((finding) => finding.level === "error")
    if (output.format === "json") {
      output.json({
        schemaVersion: 1,
        command: "runbook lint",
        runbook: { name: runbook.name, origin: origin.kind },
        ok: errors.length === 0,
        findings,
      })
    } else {
      const { style } = output
      for (const finding of findings) {
        const level = finding.level === "error" ? style.red("error  ") : style.yellow("warning")
        output.print(
          `${level} ${finding.subject}: ${finding.message} ${style.dim(`(${finding.rule})`)}`,
        )
      }
      const warnings = findings.length - errors.length
      output.print(
        `${errors.length === 0 ? style.green("ok") : style.red("failed")}: ${runbook.playbooks.length} playbooks, ${runbook.severities.length} severities; ${errors.length} errors, ${warnings} warnings`,
      )
    }
    return errors.length === 0 ? ExitCode.ok : ExitCode.found
  })
