import { Observation, triage } from "@ir/core"
import { probesFor, runProbes } from "@ir/diagnostics"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import * as TriageReport from "../TriageReport.js"
import { resolveClock } from "./Clock.js"
import type { CommonArgs } from "./CommonOptions.js"
import { statusWord } from "./Describe.js"
import { type CommandContext, loadConfig } from "./Handler.js"
import { configuredSelection, selectProbes } from "./ProbeSelection.js"
import { resolveRunbook } from "./RunbookLoader.js"
import { resolveTargets } from "./TargetsLoader.js"

export interface TriageArgs extends CommonArgs {
  readonly assert: ReadonlyArray<string>
  readonly probe: ReadonlyArray<string>
  /** `--open` (with `--notify`, `--at`, `--by`): record the incident, see TriageOpen. */
  readonly open: boolean
  readonly notify: boolean
  readonly at: Option.Option<string>
  readonly by: Option.Option<string>
  /** `--open` on the embedded defaults opens (and with `--notify` pages) only with `--yes`. */
  readonly yes: boolean
}

const flagPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** `ir triage`. */
export const run = (args: TriageArgs, context: CommandContext) =>
  Effect.gen(function* () {
    const { output, io } = context
    for (const flag of args.assert) {
      if (!flagPattern.test(flag)) {
        return yield* Effect.fail(
          new UsageError({
            reason: "bad-value",
            detail: `--assert ${JSON.stringify(flag)}: expected a kebab-case flag such as customer-complaints`,
          }),
        )
      }
    }
    const selection = selectProbes(args.probe)
    if (!selection.ok) return yield* Effect.fail(selection.error)
    // A rehearsal clock (`--at`, `$IR_NOW`) is checked before any probe runs, and the response
    // deadline counts from it, as the incident `--open` records does.
    const clock = yield* resolveClock(args.at, io.env)
    const config = yield* loadConfig(context)
    const { runbook, origin } = yield* resolveRunbook(config, io.cwd)
    const targets = yield* resolveTargets(config, io)
    if (config.source.kind === "file") output.debug(`configuration: ${config.source.file}`)
    else
      output.debug(
        `configuration: embedded defaults (no ir.config.yaml found from ${config.baseDir} upward; relative paths taken from there)`,
      )

    const { ids, notConfigured } = configuredSelection(
      args.probe,
      selection.ids,
      probesFor(targets),
    )
    const total = ids.length
    const progress = output.progress()
    let done = 0
    const probeRun = yield* Effect.promise(() =>
      runProbes(targets, {
        runbook,
        probes: ids,
        onProgress: (event) => {
          if (event.type !== "finished") return
          done += 1
          const { result } = event
          progress.step(
            done,
            total,
            result.id,
            `${statusWord(result.status).padEnd(8)} ${result.id}: ${result.summary}`,
          )
        },
      }),
    ).pipe(Effect.ensuring(Effect.sync(() => progress.end())))

    const finishedAt = new Date()
    const manual = Observation.fromRecord(
      Object.fromEntries(args.assert.map((flag) => [`manual.${flag}`, true])),
      finishedAt,
      "manual",
    )
    const assessment = triage(runbook, [...probeRun.observations, ...manual])
    const report = TriageReport.build({
      runbook,
      origin,
      configFile: config.source.kind === "file" ? config.source.file : null,
      run: probeRun,
      skipped: notConfigured,
      assessment,
      finishedAt,
      ...(clock.source === "system" ? {} : { respondFrom: clock.now }),
      ...(config.source.kind === "defaults" ? { defaultsFrom: config.baseDir } : {}),
    })
    if (args.notify && !args.open) output.note("--notify sends the initial alert with --open only")
    // No configuration file: the embedded defaults describe nobody's system, so a failure may
    // only mean nothing listens where they look. Nobody is paged for that unless asked to.
    const refused = args.open && config.source.kind === "defaults" && !args.yes
    if (refused)
      output.error(
        `no ir.config.yaml was found from ${config.baseDir} upward: nothing was opened or sent on the embedded defaults (localhost targets). Write one with \`ir config init\`, or pass --yes to page all the same`,
      )
    const opened = refused
      ? {
          json: {
            created: false,
            reason:
              "the configuration is the embedded defaults (no ir.config.yaml): --open needs --yes to record or page on them",
          },
          lines: [
            output.style.yellow(
              "Not opened: no ir.config.yaml was found, and an incident found on the embedded defaults may only mean they do not describe this system.",
            ),
          ],
          failed: false,
        }
      : args.open
        ? yield* Effect.flatMap(
            Effect.promise(() => import("./TriageOpen.js")),
            ({ openFromTriage }) => openFromTriage(args, context, report, assessment),
          )
        : undefined
    switch (output.format) {
      case "json":
        output.json({
          ...(TriageReport.toJson(report) as Record<string, unknown>),
          ...(opened === undefined ? {} : { incident: opened.json }),
        })
        break
      case "markdown":
        output.print(TriageReport.renderMarkdown(report))
        break
      case "text":
        output.print(
          TriageReport.renderText(report, {
            style: output.style,
            verbose: output.verbose,
            quiet: output.quiet,
          }),
        )
        break
    }
    if (opened !== undefined && output.format !== "json")
      output.print(`\n${opened.lines.join("\n")}`)
    if (refused) return ExitCode.usage
    return report.matched ? ExitCode.found : ExitCode.ok
  })
