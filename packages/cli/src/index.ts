/**
 * @ir/cli: the `ir` command. For programmatic use and for the documentation generator: the
 * command tree, `runCli(argv)`, the configuration loader, exit codes and output helpers.
 *
 * @example
 * ```ts
 * import { runCli } from "@ir/cli"
 * process.exitCode = await runCli(["triage", "--json"])
 * ```
 */

// The drill report and the runbook lint live in @ir/core; re-exported so imports from @ir/cli keep working.
export { DrillReport, RunbookLint } from "@ir/core"
export * as ActionCommand from "./ActionCommand.js"
export * as AlertsCommand from "./AlertsCommand.js"
export * as CheckCommand from "./CheckCommand.js"
export * as CheckReport from "./CheckReport.js"
export { command, type RunOptions, runCli, version } from "./Cli.js"
export {
  ConfigError,
  isUserError,
  MissingFeatureError,
  UsageError,
  type UserError,
} from "./CliError.js"
export * as CliReference from "./CliReference.js"
export * as Config from "./Config.js"
export * as ConfigCommand from "./ConfigCommand.js"
export * as DrillCommand from "./DrillCommand.js"
export * as EscalateCommand from "./EscalateCommand.js"
export * as ExitCode from "./ExitCode.js"
export * as IncidentCommand from "./IncidentCommand.js"
export * as NotifyCommand from "./NotifyCommand.js"
export * as Output from "./Output.js"
export * as PlaybookCommand from "./PlaybookCommand.js"
export * as PostmortemCommand from "./PostmortemCommand.js"
export * as RunbookCommand from "./RunbookCommand.js"
export * as ServeCommand from "./ServeCommand.js"
export * as TriageCommand from "./TriageCommand.js"
export * as TriageReport from "./TriageReport.js"
