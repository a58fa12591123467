import { Duration } from "@ir/core"
import {
  type RestartResult,
  type RestoreCheckResult,
  restartContainer,
  restoreCheck as runRestoreCheck,
} from "@ir/diagnostics"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import type { CommandContext } from "./Handler.js"
import { type LifecycleArgs, pickIncident, record, withLifecycle } from "./Lifecycle.js"
import { resolveTargets } from "./TargetsLoader.js"

export interface RestartArgs extends LifecycleArgs {
  readonly by: Option.Option<string>
  readonly incident: Option.Option<string>
  readonly container: string
  readonly yes: boolean
  readonly timeout: string
}

const outcomeOf = (result: RestartResult, confirmed: boolean) =>
  confirmed
    ? result.outcome === "restarted"
      ? ("succeeded" as const)
      : ("failed" as const)
    : result.outcome === "dry-run"
      ? ("planned" as const)
      : ("failed" as const)

/** `ir action restart`. */
export const restart = (args: RestartArgs, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { output, clock, io } = lifecycle
      if (!/^\d+(\.\d+)?(s|m|h)$/.test(args.timeout)) {
        return yield* Effect.fail(
          new UsageError({
            reason: "bad-value",
            detail: `--timeout ${JSON.stringify(args.timeout)}: expected a duration such as 60s or 2m`,
          }),
        )
      }
      // The incident comes first: an action nobody can record is not taken.
      const incident = yield* pickIncident(lifecycle, args.incident)
      if (incident.state.status === "resolved") {
        return yield* Effect.fail(
          new UsageError({
            reason: "incident-state",
            detail: `${incident.humanId} is resolved: open a new incident for new work (\`ir incident open\`)`,
          }),
        )
      }
      const targets = yield* resolveTargets(lifecycle.config, io)
      if (targets.docker === undefined) {
        return yield* Effect.fail(
          new UsageError({
            reason: "bad-value",
            detail:
              "no Docker Engine is configured: set targets.docker (socket or host) in ir.config.yaml, or DOCKER_HOST",
          }),
        )
      }
      if (args.yes) output.note(`restarting ${args.container} …`)
      const result = yield* Effect.promise(() =>
        restartContainer(targets, args.container, { confirm: args.yes, timeout: args.timeout }),
      )
      const outcome = outcomeOf(result, args.yes)
      const event = {
        type: "action-taken" as const,
        at: clock.now,
        action: result.action,
        target: args.container,
        dryRun: !args.yes,
        outcome,
        detail: result.summary,
        by: lifecycle.by(args.by),
      }
      yield* record(lifecycle, incident.humanId, [event])
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: "action restart",
          incident: incident.humanId,
          recorded: { ...event, at: event.at.toISOString() },
          result,
        })
      } else {
        const { style } = output
        const mark =
          outcome === "succeeded"
            ? style.green("restarted")
            : outcome === "planned"
              ? style.cyan("dry run")
              : style.red("failed")
        output.print(`${mark}  ${result.summary}`)
        for (const entry of result.containers) {
          const after =
            entry.after === undefined
              ? ""
              : ` → ${entry.after.state}${entry.after.health === "none" ? "" : `, ${entry.after.health}`}`
          output.print(
            `  ${entry.name} (${entry.id}): ${entry.before.state}${entry.before.health === "none" ? "" : `, ${entry.before.health}`}${after}${entry.message === undefined ? "" : ` (${entry.message})`}`,
          )
        }
        if (result.cause !== undefined) output.print(`  ${result.cause.message}`)
        output.print(
          style.dim(
            `Recorded on ${incident.humanId} as ${outcome}${args.yes ? ` after ${Duration.formatSeconds(result.durationMs / 1000)}` : "; run it again with --yes to do it"}.`,
          ),
        )
      }
      return outcome === "failed" ? ExitCode.found : ExitCode.ok
    }),
  )

export interface RestoreCheckArgs extends LifecycleArgs {
  readonly by: Option.Option<string>
  readonly incident: Option.Option<string>
  readonly yes: boolean
}

const restoreOutcomeOf = (result: RestoreCheckResult) =>
  result.outcome === "restored"
    ? ("succeeded" as const)
    : result.outcome === "dry-run"
      ? ("planned" as const)
      : ("failed" as const)

/** `ir action restore-check`. */
export const restoreCheck = (args: RestoreCheckArgs, context: CommandContext) =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { output, clock, io } = lifecycle
      // The incident comes first: an action nobody can record is not taken.
      const incident = yield* pickIncident(lifecycle, args.incident)
      if (incident.state.status === "resolved") {
        return yield* Effect.fail(
          new UsageError({
            reason: "incident-state",
            detail: `${incident.humanId} is resolved: open a new incident for new work (\`ir incident open\`)`,
          }),
        )
      }
      const targets = yield* resolveTargets(lifecycle.config, io)
      if (targets.postgres === undefined || targets.postgres.backups?.dir === undefined) {
        return yield* Effect.fail(
          new UsageError({
            reason: "bad-value",
            detail:
              targets.postgres === undefined
                ? "no PostgreSQL is configured: set targets.postgres.url in ir.config.yaml, or DATABASE_URL"
                : "no backup directory is configured: set targets.postgres.backups.dir in ir.config.yaml",
          }),
        )
      }
      if (args.yes) output.note("restoring the newest backup into a scratch database …")
      const result = yield* Effect.promise(() => runRestoreCheck(targets, { confirm: args.yes }))
      const outcome = restoreOutcomeOf(result)
      const event = {
        type: "action-taken" as const,
        at: clock.now,
        action: result.action,
        ...(result.backup === undefined ? {} : { target: result.backup.name }),
        dryRun: !args.yes,
        outcome,
        detail: result.summary,
        by: lifecycle.by(args.by),
      }
      yield* record(lifecycle, incident.humanId, [event])
      if (output.format === "json") {
        output.json({
          schemaVersion: 1,
          command: "action restore-check",
          incident: incident.humanId,
          recorded: { ...event, at: event.at.toISOString() },
          result,
        })
      } else {
        const { style } = output
        const mark =
          outcome === "succeeded"
            ? style.green("restored")
            : outcome === "planned"
              ? style.cyan("dry run")
              : style.red("failed")
        output.print(`${mark}  ${result.summary}`)
        for (const table of result.tables)
          output.print(
            `  ${table.ok ? " " : style.red("✗")} ${table.table}: ${
              table.rows === undefined ? "" : `${table.rows} rows`
            }${table.newest === undefined || table.newest === null ? "" : `, newest row ${table.newest}`}${
              table.problem === undefined ? "" : ` (${table.problem})`
            }`,
          )
        for (const line of result.restoreErrors ?? []) output.print(`  ${line}`)
        output.print(
          style.dim(
            `Recorded on ${incident.humanId} as ${outcome}${args.yes ? ` after ${Duration.formatSeconds(result.durationMs / 1000)}` : "; run it again with --yes to do it"}.`,
          ),
        )
      }
      return outcome === "failed" ? ExitCode.found : ExitCode.ok
    }),
  )
