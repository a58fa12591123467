// The command tree of `ir` and its help documents, as the reference page and `--help` read them.
import * as CliConfig from "@effect/cli/CliConfig"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"
import * as Usage from "@effect/cli/Usage"

/**
 * What effect/cli says of every argument or option of a type ("A user-defined piece of text.",
 * "A file."): nothing about this one. `--help` leaves it out; the description follows it.
 */
export const typeDetail =
  /^(A user-defined piece of text( that is confidential)?\.|A true or false value\.|A file system path\.|A file\.|A directory\.|An integer\.|A floating point number\.|A date\.|A date without a time\.)$/

/** Any detail effect/cli writes itself: the type, and whether it is optional or repeatable. */
export const genericDetail = new RegExp(
  `${typeDetail.source}|^(This (setting|argument|option) (is optional|may be repeated).*|One of the following: .*)$`,
)

export const spanText = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
      return span.value
    case "URI":
      return `<${span.value}>`
    case "Strong":
      return `**${spanText(span.value)}**`
    case "Weak":
    case "Highlight":
      return spanText(span.value)
    case "Sequence":
      return spanText(span.left) + spanText(span.right)
  }
}

/** Paragraphs of an option's or argument's help, joined into one line. */
export const inline = (doc: HelpDoc.HelpDoc): ReadonlyArray<string> => {
  switch (doc._tag) {
    case "Empty":
      return []
    case "Paragraph":
      return [spanText(doc.value)]
    case "Header":
      return [spanText(doc.value)]
    case "Sequence":
      return [...inline(doc.left), ...inline(doc.right)]
    case "Enumeration":
      return doc.elements.flatMap(inline)
    case "DescriptionList":
      return doc.definitions.flatMap(([term, body]) => [spanText(term), ...inline(body)])
  }
}

/** The sections of a command's help (`DESCRIPTION`, `ARGUMENTS`, `OPTIONS`, `COMMANDS`). */
export const sectionsOf = (doc: HelpDoc.HelpDoc): Map<string, HelpDoc.HelpDoc> => {
  const flat: Array<HelpDoc.HelpDoc> = []
  const walk = (node: HelpDoc.HelpDoc) => {
    if (node._tag === "Sequence") {
      walk(node.left)
      walk(node.right)
    } else if (node._tag !== "Empty") flat.push(node)
  }
  walk(doc)
  const sections = new Map<string, HelpDoc.HelpDoc>()
  let current: string | undefined
  for (const node of flat) {
    if (node._tag === "Header") {
      current = spanText(node.value)
    } else if (current !== undefined) {
      const previous = sections.get(current)
      sections.set(
        current,
        previous === undefined ? node : { _tag: "Sequence", left: previous, right: node },
      )
    }
  }
  return sections
}

export interface Entry {
  readonly path: ReadonlyArray<string>
  readonly descriptor: Descriptor.Command<unknown>
}

/** The descriptor's structure (stable in @effect/cli 0.77; its public getters flatten groups). */
interface Node {
  readonly _tag: "Standard" | "GetUserInput" | "Map" | "Subcommands"
  readonly name?: string
  readonly command?: Node
  readonly parent?: Node
  readonly children?: ReadonlyArray<Node>
}

const nameOf = (node: Node): string =>
  node.name ?? ((node.command ?? node.parent) ? nameOf((node.command ?? node.parent) as Node) : "")

/** Every command in definition order, groups before their subcommands. */
export const walkTree = (
  descriptor: Descriptor.Command<unknown>,
  path: ReadonlyArray<string>,
): ReadonlyArray<Entry> => {
  const node = descriptor as unknown as Node
  if (node._tag === "Map" && node.command !== undefined) {
    return walkTree(node.command as unknown as Descriptor.Command<unknown>, path)
  }
  const children = node._tag === "Subcommands" ? (node.children ?? []) : []
  return [
    { path, descriptor },
    ...children.flatMap((child) =>
      walkTree(child as unknown as Descriptor.Command<unknown>, [...path, nameOf(child)]),
    ),
  ]
}

const config = CliConfig.make({ showBuiltIns: false })

/** A help document without effect/cli's type sentences in its argument and option lists. */
const withoutTypeDetails = (doc: HelpDoc.HelpDoc): HelpDoc.HelpDoc => {
  switch (doc._tag) {
    case "Sequence": {
      const left = withoutTypeDetails(doc.left)
      const right = withoutTypeDetails(doc.right)
      return left._tag === "Empty"
        ? right
        : right._tag === "Empty"
          ? left
          : HelpDoc.sequence(left, right)
    }
    case "Paragraph":
      return typeDetail.test(spanText(doc.value)) ? HelpDoc.empty : doc
    case "DescriptionList":
      return HelpDoc.descriptionList(
        doc.definitions.map(([term, body]) => [term, withoutTypeDetails(body)] as const) as never,
      )
    default:
      return doc
  }
}

/**
 * The `--help` page of the command named at the start of `argv` (`["playbook", "list", "--help"]`),
 * as effect/cli lays it out, without its type sentences and with the command's full path in the
 * usage; `undefined` when `argv` does not ask for help.
 */
export const helpPage = (
  root: Descriptor.Command<unknown>,
  argv: ReadonlyArray<string>,
  header: { readonly version: string; readonly footer: HelpDoc.HelpDoc },
): string | undefined => {
  const end = argv.indexOf("--")
  const asked = (end === -1 ? argv : argv.slice(0, end)).some(
    (arg) => arg === "--help" || arg === "-h",
  )
  if (!asked) return undefined
  const entries = walkTree(root, ["ir"])
  let path: ReadonlyArray<string> = ["ir"]
  for (const arg of argv) {
    const next = [...path, arg]
    if (!entries.some((entry) => entry.path.join(" ") === next.join(" "))) break
    path = next
  }
  const entry = entries.find((candidate) => candidate.path.join(" ") === path.join(" "))
  if (entry === undefined) return undefined
  const usage = Usage.enumerate(Descriptor.getUsage(entry.descriptor), config).map((span) => {
    const text = spanText(span as unknown as Span.Span)
    const name = path[path.length - 1] ?? ""
    return HelpDoc.p(
      `$ ${[...path.slice(0, -1), text.startsWith(name) ? text : `${name} ${text}`].join(" ")}`,
    )
  })
  return HelpDoc.toAnsiText(
    HelpDoc.blocks([
      HelpDoc.h1("ir"),
      HelpDoc.p(`ir ${header.version}`),
      HelpDoc.h1("USAGE"),
      ...usage,
      withoutTypeDetails(Descriptor.getHelp(entry.descriptor, config)),
      header.footer,
    ]),
  )
}
