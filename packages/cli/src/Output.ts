/**
 * Where output goes and how it looks. Commands compute typed results with plain functions and
 * hand them to a renderer; this module only writes: the result on stdout (text, Markdown or
 * JSON), progress, notes and errors on stderr. Colour only on a TTY and never with `NO_COLOR`.
 *
 * @example
 * ```ts
 * import { Output } from "@ir/cli"
 * const output = Output.make(Output.processIo(), { format: "text", quiet: false, verbose: false })
 * output.print(`${output.style.bold("P0")} System Completely Down`)
 * output.note("3 probes could not tell")
 * ```
 */
import { TerminalText } from "@ir/core"
import type { Format } from "./internal/CommonOptions.js"
import { redactText } from "./internal/Redact.js"

export type { Format } from "./internal/CommonOptions.js"

/** A stream to write text to. */
export interface Sink {
  readonly write: (text: string) => void
  readonly isTTY: boolean
}

/** The process as a command sees it: environment, working directory, stdout and stderr. */
export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly stdout: Sink
  readonly stderr: Sink
}

/** The real process.
 *
 * @example
 * ```ts
 * import { Output } from "@ir/cli"
 * const io = Output.processIo()
 * io.stdout.isTTY // whether stdout is a terminal
 * ```
 */
export const processIo = (): Io => ({
  env: process.env,
  cwd: process.cwd(),
  stdout: {
    write: (text) => {
      process.stdout.write(text)
    },
    isTTY: process.stdout.isTTY === true,
  },
  stderr: {
    write: (text) => {
      process.stderr.write(text)
    },
    isTTY: process.stderr.isTTY === true,
  },
})

/**
 * Whether to colour what goes to a stream: only a terminal, and never when `NO_COLOR` is set to
 * anything but the empty string (https://no-color.org), nor for `TERM=dumb`.
 *
 * @example
 * ```ts
 * import { Output } from "@ir/cli"
 * Output.colorEnabled({ write: () => {}, isTTY: true }, { NO_COLOR: "1" }) // false
 * ```
 */
export const colorEnabled = (sink: Sink, env: Io["env"]): boolean =>
  sink.isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb"

type Paint = (text: string) => string

/** Text styles; every one is the identity when colour is off. */
export interface Style {
  readonly enabled: boolean
  readonly bold: Paint
  readonly dim: Paint
  readonly red: Paint
  readonly green: Paint
  readonly yellow: Paint
  readonly cyan: Paint
  readonly magenta: Paint
}

/** Styles that colour when `enabled` (SGR codes; no terminal database needed).
 *
 * @example
 * ```ts
 * import { Output } from "@ir/cli"
 * Output.style(false).red("CRITICAL") // "CRITICAL", no escape codes
 * ```
 */
export const style = (enabled: boolean): Style => {
  const codes = {
    bold: [1, 22],
    dim: [2, 22],
    red: [31, 39],
    green: [32, 39],
    yellow: [33, 39],
    cyan: [36, 39],
    magenta: [35, 39],
  } as const
  const paint =
    (format: keyof typeof codes): Paint =>
    (text) =>
      enabled ? `\u001b[${codes[format][0]}m${text}\u001b[${codes[format][1]}m` : text
  return {
    enabled,
    bold: paint("bold"),
    dim: paint("dim"),
    red: paint("red"),
    green: paint("green"),
    yellow: paint("yellow"),
    cyan: paint("cyan"),
    magenta: paint("magenta"),
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ansi = /\u001b\[[0-9;]*[A-Za-z]/g

/** Removes ANSI colour codes (for help text printed where colour is off).
 *
 * @example
 * ```ts
 * import { Output } from "@ir/cli"
 * Output.stripAnsi("\u001b[31mCRITICAL\u001b[39m") // "CRITICAL"
 * ```
 */
export const stripAnsi = (text: string): string => text.replace(ansi, "")

/** Live progress of several concurrent steps on stderr. */
export interface Progress {
  /** A step finished: `label` names it, `line` says how it went. */
  readonly step: (done: number, total: number, label: string, line: string) => void
  /** Clears the live line (on a terminal). */
  readonly end: () => void
}

/** How a command was asked to print. */
export interface OutputOptions {
  readonly format: Format
  readonly quiet: boolean
  readonly verbose: boolean
}

/** The output of one command run. */
export interface Output extends OutputOptions {
  readonly io: Io
  /** Styles for stdout. */
  readonly style: Style
  /** Styles for stderr. */
  readonly errStyle: Style
  /** A line (or block) of the result on stdout. */
  readonly print: (text: string) => void
  /** The result as JSON on stdout: one document, two-space indented, secrets already removed. */
  readonly json: (value: unknown) => void
  /** A note for the person at the terminal, on stderr; silenced by `--quiet`. */
  readonly note: (text: string) => void
  /** Detail for `--verbose`, on stderr. */
  readonly debug: (text: string) => void
  /** A one-line error on stderr: `ir: <message>`. Never silenced. */
  readonly error: (text: string) => void
  /** Live progress on stderr (a rewritten line on a terminal, one line a step otherwise). */
  readonly progress: () => Progress
}

/** An {@link Output} writing to `io`. Everything written passes through {@link redactText}, and
 * terminal escapes and control characters from the text are removed (`TerminalText.strip`).
 *
 * @example
 * ```ts
 * import { Output } from "@ir/cli"
 * const output = Output.make(Output.processIo(), { format: "json", quiet: true, verbose: false })
 * output.json({ ok: true })
 * ```
 */
export const make = (io: Io, options: OutputOptions): Output => {
  const outColour = colorEnabled(io.stdout, io.env)
  const errColour = colorEnabled(io.stderr, io.env)
  const outStyle = style(outColour)
  const errStyle = style(errColour)
  // Text from alerts and the journal reaches the terminal here: only ir's own colours pass.
  const out = (text: string) =>
    io.stdout.write(`${TerminalText.strip(redactText(text), { keepColour: outColour })}\n`)
  const err = (text: string) =>
    io.stderr.write(`${TerminalText.strip(redactText(text), { keepColour: errColour })}\n`)
  return {
    ...options,
    io,
    style: outStyle,
    errStyle,
    print: out,
    json: (value) => out(JSON.stringify(value, null, 2)),
    note: (text) => {
      if (!options.quiet) err(text)
    },
    debug: (text) => {
      if (options.verbose && !options.quiet) err(errStyle.dim(text))
    },
    error: (text) => err(`${errStyle.red("ir:")} ${text}`),
    progress: () => {
      if (options.quiet) return { step: () => {}, end: () => {} }
      if (io.stderr.isTTY) {
        let shown = false
        return {
          step: (done, total, label) => {
            shown = true
            io.stderr.write(`\r\u001b[2K${errStyle.dim(`probing ${done}/${total}`)} ${label}`)
          },
          end: () => {
            if (shown) io.stderr.write("\r\u001b[2K")
          },
        }
      }
      return {
        step: (done, total, _label, line) => err(`[${done}/${total}] ${line}`),
        end: () => {},
      }
    },
  }
}
