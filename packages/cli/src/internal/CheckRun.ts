import { probesFor, runProbes } from "@ir/diagnostics"
import * as Effect from "effect/Effect"
import * as CheckReport from "../CheckReport.js"
import { UsageError } from "../CliError.js"
import type { CommonArgs } from "./CommonOptions.js"
import { type CommandContext, loadConfig } from "./Handler.js"
import { selectProbes } from "./ProbeSelection.js"
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
    const config = yield* loadConfig(context)
    const { runbook } = yield* resolveRunbook(config, io.cwd)
    const targets = yield* resolveTargets(config, io)
    // A family (`ir check host`) means its configured probes: one that is not configured is not
    // run and does not count, so a cron line does not fire on a healthy host. A probe named by
    // its id is run all the same, and reports UNKNOWN when it is not configured.
    const { configured, skipped } = probesFor(targets)
    const configuredIds = new Set<string>(configured.map((probe) => probe.id))
    const named = new Set(args.probes)
    const ids = selection.ids?.filter((id) => named.has(id) || configuredIds.has(id))
    for (const probe of skipped)
      if (selection.ids?.includes(probe.id) && !named.has(probe.id))
        output.debug(`not run: ${probe.id}: ${probe.reason}`)
    if (ids !== undefined && ids.length === 0) {
      return yield* Effect.fail(
        new UsageError({
          reason: "unknown-probe",
          detail: `no probe of ${args.probes.join(", ")} is configured (see ir config show)`,
        }),
      )
    }
    const probeRun = yield* Effect.promise(() =>
      runProbes(targets, {
        runbook,
        ...(ids === undefined ? {} : { probes: ids }),
      }),
    )
    if (output.format === "json") {
      output.json(CheckReport.toJson(probeRun.results, probeRun.startedAt, probeRun.durationMs))
    } else {
      for (const line of CheckReport.lines(probeRun.results)) output.print(line)
    }
    output.debug(`${probeRun.results.length} checks in ${Math.round(probeRun.durationMs)} ms`)
    return CheckReport.exitCode(probeRun.results)
  })
