import { probesFor, runProbes } from "@ir/diagnostics"
import * as Effect from "effect/Effect"
import * as CheckReport from "../CheckReport.js"
import * as Config from "../Config.js"
import type { CommonArgs } from "./CommonOptions.js"
import { type CommandContext, configOptions } from "./Implementation.js"
import { configuredSelection, selectProbes } from "./ProbeSelection.js"
import { resolveRunbook } from "./RunbookLoader.js"
import { resolveTargets } from "./TargetsLoader.js"

export interface CheckArgs extends CommonArgs {
  readonly probes: ReadonlyArray<string>
}

/** `ir check`: Nagios plugin output; nothing on stderr unless --verbose. */
export const run = (args: CheckArgs, context: CommandContext) =>
  Effect.gen(function* () {
    const { output, io } = context
    const selection = selectProbes(args.probes)
    if (!selection.ok) return yield* Effect.fail(selection.error)
    // Loaded statically (not Handler's lazy loadConfig): the check bundle runs nothing else.
    const config = yield* Config.load(configOptions(context))
    const { runbook } = yield* resolveRunbook(config, io.cwd)
    const targets = yield* resolveTargets(config, io)
    output.debug(
      config.source.kind === "file"
        ? `configuration: ${config.source.file}`
        : `configuration: embedded defaults (no ir.config.yaml found from ${config.baseDir} upward; relative paths taken from there)`,
    )
    const { ids, notConfigured } = configuredSelection(
      args.probes,
      selection.ids,
      probesFor(targets),
    )
    const probeRun = yield* Effect.promise(() => runProbes(targets, { runbook, probes: ids }))
    if (output.format === "json") {
      output.json(
        CheckReport.toJson(
          probeRun.results,
          probeRun.startedAt,
          probeRun.durationMs,
          notConfigured,
        ),
      )
    } else {
      for (const line of CheckReport.lines(probeRun.results)) output.print(line)
    }
    for (const skipped of notConfigured) output.debug(`not run: ${skipped.id} is ${skipped.reason}`)
    output.debug(`${probeRun.results.length} checks in ${Math.round(probeRun.durationMs)} ms`)
    return CheckReport.exitCode(probeRun.results)
  })
