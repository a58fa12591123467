/**
 * The `ir` command tree and `runCli`, the whole program as a function: arguments in, exit code
 * out. `bin.ts` calls it with the process; tests and scripts can call it with their own streams.
 *
 * Every command's implementation is loaded on demand, so `ir --version`, `--help` and
 * `--completions` load nothing but the command definitions.
 *
 * @example
 * ```ts
 * import { runCli } from "@ir/cli"
 * const code = await runCli(["playbook", "list", "--json"])
 * ```
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ActionCommand from "./ActionCommand.js"
import * as AlertsCommand from "./AlertsCommand.js"
import * as CheckCommand from "./CheckCommand.js"
import * as ConfigCommand from "./ConfigCommand.js"
import * as DrillCommand from "./DrillCommand.js"
import * as EscalateCommand from "./EscalateCommand.js"
import * as ExitCode from "./ExitCode.js"
import * as FollowupCommand from "./FollowupCommand.js"
import * as IncidentCommand from "./IncidentCommand.js"
import * as CliConsole from "./internal/CliConsole.js"
import { CliRuntime } from "./internal/Handler.js"
import { exitCodeOfFailure } from "./internal/InternalError.js"
import { version } from "./internal/Version.js"
import * as MaintenanceCommand from "./MaintenanceCommand.js"
import * as NotifyCommand from "./NotifyCommand.js"
import * as OnCallCommand from "./OnCallCommand.js"
import { colorEnabled, type Io, processIo, stripAnsi } from "./Output.js"
import * as PlaybookCommand from "./PlaybookCommand.js"
import * as PostmortemCommand from "./PostmortemCommand.js"
import * as ReportCommand from "./ReportCommand.js"
import * as RunbookCommand from "./RunbookCommand.js"
import * as ServeCommand from "./ServeCommand.js"
import * as TriageCommand from "./TriageCommand.js"

export { version } from "./internal/Version.js"

/** The root command, `ir`, with every subcommand. */
export const command = Command.make("ir").pipe(
  Command.withDescription(
    "The incident-response runbook from the terminal: triage, checks, drills and the runbook itself; the incident from opening to post-mortem; the HTTP sidecar.",
  ),
  Command.withSubcommands([
    TriageCommand.command,
    CheckCommand.command,
    PlaybookCommand.command,
    RunbookCommand.command,
    AlertsCommand.command,
    DrillCommand.command,
    ConfigCommand.command,
    IncidentCommand.command,
    EscalateCommand.command,
    NotifyCommand.command,
    PostmortemCommand.command,
    FollowupCommand.command,
    ReportCommand.command,
    OnCallCommand.command,
    MaintenanceCommand.command,
    ActionCommand.command,
    ServeCommand.command,
  ]),
)

/** Commands that only group subcommands: alone, they print their help. */
const groups: ReadonlyArray<string> = [
  "playbook",
  "runbook",
  "alerts",
  "config",
  "incident",
  "followup",
  "notify",
  "action",
  "maintenance",
]

const environment = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)

const footer = HelpDoc.p(
  "Also: --help, --version, --completions bash|zsh|fish (e.g. source <(ir --completions bash)). Reference: docs/cli.md.",
)

const cli = Command.run(command, { name: "ir", version, executable: "ir", footer })

/** What `runCli` may be given instead of the real process. */
export interface RunOptions {
  readonly io?: Io
  /** Aborting interrupts the command (what Ctrl-C does in `bin.ts`). */
  readonly signal?: AbortSignal
}

/**
 * Runs `ir` with the given arguments (without `node` and the script) and resolves with the exit
 * code. Never rejects and never calls `process.exit`.
 */
export const runCli = async (
  argv: ReadonlyArray<string>,
  options: RunOptions = {},
): Promise<number> => {
  const io = options.io ?? processIo()
  const args =
    argv.length === 0
      ? ["--help"]
      : argv.length === 1 && groups.includes(argv[0] ?? "")
        ? [argv[0] ?? "", "--help"]
        : [...argv]
  const nagios = args[0] === "check"
  if (args.includes("--help") || args.includes("-h")) {
    // effect/cli's own page opens each description with the type ("A user-defined piece of
    // text."); this one leaves that out and names the command by its full path.
    const { helpPage } = await import("./internal/CommandTree.js")
    const page = helpPage(command.descriptor as never, args, { version, footer })
    if (page !== undefined) {
      io.stdout.write(`${colorEnabled(io.stdout, io.env) ? page : stripAnsi(page)}\n`)
      return ExitCode.ok
    }
  }
  let exitCode: number = ExitCode.ok
  const program = cli(["node", "ir", ...args]).pipe(
    Effect.provide(environment),
    Effect.provide(CliConfig.layer({ showBuiltIns: false })),
    Effect.provideService(CliRuntime, {
      io,
      setExitCode: (code) => {
        exitCode = code
      },
    }),
    Console.withConsole(CliConsole.make(io)),
  )
  const exit = await Effect.runPromiseExit(
    program,
    options.signal === undefined ? {} : { signal: options.signal },
  )
  if (Exit.isSuccess(exit)) return exitCode
  const { cause } = exit
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some" && ValidationError.isValidationError(failure.value)) {
    // @effect/cli has printed what was wrong, with the usage, on stderr.
    if (nagios) io.stdout.write("UNKNOWN - invalid arguments (see ir check --help)\n")
    return nagios ? ExitCode.nagios.unknown : ExitCode.usage
  }
  return exitCodeOfFailure(cause, io, {
    nagios,
    verbose: args.includes("--verbose") || args.includes("-v"),
  })
}
