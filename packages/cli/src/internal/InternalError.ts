import * as Cause from "effect/Cause"
import * as ExitCode from "../ExitCode.js"
import { colorEnabled, type Io, style } from "../Output.js"

/**
 * The exit code of a command that ended in an interruption (Ctrl-C: 130) or a defect, a bug: the
 * message on stderr (the stack trace too with --verbose) and, for `ir check`, a Nagios UNKNOWN
 * line on stdout. Shared by the whole program (Cli.ts) and the check bundle (CheckMain.ts).
 */
export const exitCodeOfFailure = (
  cause: Cause.Cause<unknown>,
  io: Io,
  options: { readonly nagios: boolean; readonly verbose: boolean },
): number => {
  if (Cause.isInterruptedOnly(cause)) return ExitCode.interrupted
  const red = style(colorEnabled(io.stderr, io.env)).red
  const defect = Cause.squash(cause)
  const message = defect instanceof Error ? defect.message : String(defect)
  io.stderr.write(
    `${red("ir: internal error:")} ${message}\n${
      options.verbose && defect instanceof Error && defect.stack !== undefined
        ? `${defect.stack}\n`
        : "(run with --verbose for the stack trace; please report it)\n"
    }`,
  )
  if (options.nagios) io.stdout.write(`UNKNOWN - internal error: ${message}\n`)
  return ExitCode.internal
}
