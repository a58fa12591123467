/**
 * The `ir` command reference as Markdown, generated from the command definitions themselves
 * (descriptions, usage, arguments, options) plus each command's exit codes and `--json` fields.
 * `scripts/docs/cli.mjs` writes it to `docs/cli.md`, and CI fails when the checked-in page is
 * stale.
 *
 * @example
 * ```ts
 * import { CliReference } from "@ir/cli"
 * const markdown = CliReference.markdown()
 * markdown.startsWith("# `ir` command reference") // true
 * ```
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"
import * as Usage from "@effect/cli/Usage"
import { command as root } from "./Cli.js"
import * as ExitCode from "./ExitCode.js"
import {
  genericDetail,
  inline,
  sectionsOf,
  spanText,
  typeDetail,
  walkTree,
} from "./internal/CommandTree.js"
import { type Notes, notes } from "./internal/ReferenceNotes.js"

const config = CliConfig.make({ showBuiltIns: false })

const cleanDetail = (detail: string): string | undefined =>
  typeDetail.test(detail) || /^This (setting|argument) is optional\.$/.test(detail)
    ? undefined
    : detail.replace(/^One of the following: (.*)$/, "One of: $1.")

const definitionList = (doc: HelpDoc.HelpDoc | undefined): ReadonlyArray<string> => {
  if (doc === undefined) return []
  const items: Array<string> = []
  const walk = (node: HelpDoc.HelpDoc) => {
    if (node._tag === "Sequence") {
      walk(node.left)
      walk(node.right)
    } else if (node._tag === "DescriptionList") {
      for (const [term, body] of node.definitions) {
        const details = inline(body).flatMap((detail) => cleanDetail(detail) ?? [])
        const optional = inline(body).some((detail) => /optional\.$/.test(detail))
        items.push(
          `- \`${spanText(term)}\`${optional ? " (optional)" : ""}: ${details.join(" ")}`.trimEnd(),
        )
      }
    }
  }
  walk(doc)
  return items
}

const usageLine = (path: ReadonlyArray<string>, descriptor: Descriptor.Command<unknown>) => {
  const [first] = Usage.enumerate(Descriptor.getUsage(descriptor), config)
  const text = first === undefined ? "" : spanText(first as unknown as Span.Span)
  // The usage names the command itself; give it its full path.
  const name = path[path.length - 1] ?? ""
  return `${[...path.slice(0, -1), text.startsWith(name) ? text : `${name} ${text}`].join(" ")}`
}

const renderNotes = (entry: Notes | undefined): ReadonlyArray<string> => {
  if (entry === undefined) return []
  const lines: Array<string> = ["**Exit codes:**", "", "| code | meaning |", "| --- | --- |"]
  for (const [code, meaning] of entry.exitCodes) lines.push(`| ${code} | ${meaning} |`)
  lines.push("")
  if (entry.json !== undefined) {
    lines.push(
      "**`--json`:** one document with `schemaVersion: 1`, `command` and:",
      "",
      ...entry.json.map(([field, meaning]) => `- \`${field}\`: ${meaning}`),
      "",
    )
  }
  if (entry.examples !== undefined) {
    lines.push("**Examples:**", "", "```sh", ...entry.examples, "```", "")
  }
  return lines
}

/** The whole reference page.
 *
 * @example
 * ```ts
 * import { CliReference } from "@ir/cli"
 * import { writeFileSync } from "node:fs"
 * writeFileSync("docs/cli.md", CliReference.markdown())
 * ```
 */
export const markdown = (): string => {
  const entries = walkTree(root.descriptor as Descriptor.Command<unknown>, ["ir"])
  const lines: Array<string> = [
    "# `ir` command reference",
    "",
    "<!-- Generated from the command definitions in packages/cli by scripts/docs/cli.mjs. Do not edit: run `npm run docs`. -->",
    "",
    "The incident-response runbook from the terminal. Every command reads the configuration (see",
    "[configuration](configuration.md)): the nearest `ir.config.yaml` from the working directory",
    "upward, `--config FILE`, or `$IR_CONFIG`; without one, the embedded defaults of the seed runbook.",
    "",
    "## Conventions",
    "",
    "- The result goes to stdout; progress, notes and errors go to stderr. `--json` prints one JSON",
    "  document with `schemaVersion: 1` (fields below, per command); `--format markdown` prints a",
    "  report as Markdown where a command has one.",
    "- Colour only when the stream is a terminal, never with `NO_COLOR` set (or `TERM=dumb`).",
    "- `--quiet` (`-q`) prints only the result and errors; `--verbose` (`-v`) adds every probe and",
    "  every piece of evidence, and the stack trace of an internal error.",
    "- A user error (a wrong argument, an invalid configuration) is one line on stderr naming what",
    "  was wrong and where (`ir.config.yaml:12:5: targets.postgres.url: …`), never a stack trace.",
    "- Secrets (URL passwords, tokens, webhook URLs) are redacted from every output.",
    `- \`ir --version\`, \`ir --help\`, \`ir COMMAND --help\`, and shell completions:`,
    "  `ir --completions bash|zsh|fish` (e.g. `source <(ir --completions bash)`).",
    "- Start-up: `ir --version` is answered by the launcher without loading the program; a plain",
    "  `ir check [probe…]` (probe names and `--json`, `--quiet`/`-q`, `--verbose`/`-v`,",
    "  `--config`/`-c FILE`, each as its own word) runs from a bundle of its own, without the argument",
    "  parser and the other commands, and prints and exits exactly as the whole program would; any",
    "  other command line (`--help`, `--config=FILE`, `-qv`, …) runs the whole program. The first run",
    "  of each command (of `ir check`: of each set of probe families, such as `postgres` or",
    "  `host-http`) keeps V8's compiled code in `$XDG_CACHE_HOME/ir/code-cache` (else",
    "  `~/.cache/ir/code-cache`, private to the user), and later runs start from it; Node 22 and later",
    "  use their own compile cache instead. `NODE_DISABLE_COMPILE_CACHE=1` turns it off; a read-only",
    "  home only costs the time it saves. The cache holds at most 48 entries (about 1.5 MB each):",
    "  writing one removes the oldest beyond that and any not used for 30 days, such as those of a",
    "  version `npx` unpacked elsewhere.",
    "- `ir escalate` keeps, in `$XDG_CACHE_HOME/ir/quiet/` (else `~/.cache/ir/quiet/`), one small",
    "  file per journal (a directory, or a PostgreSQL database and schema): the incidents a run",
    "  found with nothing due, each with its journal sequence then and the moment something may",
    "  next fall due. The next run does not read an incident whose",
    "  sequence has not moved and whose moment has not come (`ir escalate ID` always reads it). A",
    "  note counts only under the runbook and the version of ir it was taken with; a missing or",
    "  unreadable file costs one full read, never an action left out. The files of journals not",
    "  used for 30 days are removed. `ir serve` reads the same file when it starts and writes it",
    "  back at most once a minute and when it stops, so that a restart (or `ir escalate` from",
    "  cron) reads only the incidents that changed or fell due since.",
    "",
    "Exit codes common to every command:",
    "",
    "| code | meaning |",
    "| --- | --- |",
    `| ${ExitCode.ok} | done (\`ir triage\`: no playbook matched) |`,
    `| ${ExitCode.usage} | a usage or configuration error (\`ir check\`: ${ExitCode.nagios.unknown}, UNKNOWN) |`,
    `| ${ExitCode.internal} | an internal error: a bug in ir (please report it, with \`--verbose\`) |`,
    `| ${ExitCode.interrupted} | interrupted (Ctrl-C) |`,
    "",
    "## Commands",
    "",
    ...entries
      .filter((entry) => entry.path.length > 1)
      .map(
        (entry) =>
          `- [\`${entry.path.join(" ")}\`](#${entry.path.join("-")}): ${
            inline(
              sectionsOf(Descriptor.getHelp(entry.descriptor, config)).get("DESCRIPTION") ?? {
                _tag: "Empty",
              },
            )[0] ?? ""
          }`,
      ),
    "",
  ]
  for (const entry of entries) {
    if (entry.path.length === 1) continue
    const name = entry.path.join(" ")
    const sections = sectionsOf(Descriptor.getHelp(entry.descriptor, config))
    const description = inline(sections.get("DESCRIPTION") ?? { _tag: "Empty" }).join(" ")
    const isGroup = sections.has("COMMANDS")
    lines.push(`<a id="${entry.path.join("-")}"></a>`, "", `## \`${name}\``, "", description, "")
    if (isGroup) {
      const children = entries.filter(
        (other) =>
          other.path.length === entry.path.length + 1 &&
          other.path.slice(0, entry.path.length).join(" ") === name,
      )
      lines.push(
        "Subcommands:",
        "",
        ...children.map((child) => `- [\`${child.path.join(" ")}\`](#${child.path.join("-")})`),
        "",
      )
      continue
    }
    lines.push("```text", usageLine(entry.path, entry.descriptor), "```", "")
    const args = definitionList(sections.get("ARGUMENTS"))
    if (args.length > 0) lines.push("**Arguments:**", "", ...args, "")
    const options = definitionList(sections.get("OPTIONS"))
    if (options.length > 0) lines.push("**Options:**", "", ...options, "")
    lines.push(...renderNotes(notes[name]))
  }
  return `${lines.join("\n").trimEnd()}\n`
}

/** The command tree's names, for completeness checks: `ir triage`, `ir playbook list`, …
 *
 * @example
 * ```ts
 * import { CliReference } from "@ir/cli"
 * CliReference.commandPaths().includes("ir playbook show") // true
 * ```
 */
export const commandPaths = (): ReadonlyArray<string> =>
  walkTree(root.descriptor as Descriptor.Command<unknown>, ["ir"])
    .filter((entry) => entry.path.length > 1)
    .map((entry) => entry.path.join(" "))

/**
 * Every argument and option of every command with the description its `--help` shows: the
 * sentences written for it, without effect/cli's generic ones ("A user-defined piece of text.").
 * An empty `description` is an argument or option nobody described.
 *
 * @example
 * ```ts
 * import { CliReference } from "@ir/cli"
 * CliReference.parameters().filter((parameter) => parameter.description === "") // []
 * ```
 */
export const parameters = (): ReadonlyArray<{
  readonly command: string
  readonly kind: "argument" | "option"
  readonly name: string
  readonly description: string
}> =>
  walkTree(root.descriptor as Descriptor.Command<unknown>, ["ir"]).flatMap((entry) => {
    const sections = sectionsOf(Descriptor.getHelp(entry.descriptor, config))
    return (["ARGUMENTS", "OPTIONS"] as const).flatMap((section) => {
      const found: Array<{
        command: string
        kind: "argument" | "option"
        name: string
        description: string
      }> = []
      const walk = (node: HelpDoc.HelpDoc) => {
        if (node._tag === "Sequence") {
          walk(node.left)
          walk(node.right)
        } else if (node._tag === "DescriptionList") {
          for (const [term, body] of node.definitions) {
            found.push({
              command: entry.path.join(" "),
              kind: section === "ARGUMENTS" ? "argument" : "option",
              name: spanText(term),
              description: inline(body)
                .filter((detail) => !genericDetail.test(detail))
                .join(" "),
            })
          }
        }
      }
      const doc = sections.get(section)
      if (doc !== undefined) walk(doc)
      return found
    })
  })
