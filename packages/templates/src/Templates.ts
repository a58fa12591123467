/**
 * Loading and rendering the message templates. The built-in templates are files in the package's
 * `templates/` folder (`<kind>.<format>.hbs`), compiled once per process in an isolated, strict
 * Handlebars environment. A team overrides any of them from its own folder with
 * `loadTemplates({ dir })`; every override is compiled and checked against its message's
 * variables at load, so a typo fails with the file and line before an incident, not during one.
 *
 * @example
 * ```ts
 * import { defaultRunbook, foldIncident } from "@ir/core"
 * import { messageContext, render } from "@ir/templates"
 * import * as Either from "effect/Either"
 * const incident = Either.getOrThrow(foldIncident([
 *   { type: "opened", at: new Date("2026-11-28T10:00:00Z"), incidentId: "INC-1",
 *     title: "System completely down", severity: "P0", playbooks: ["system-down"],
 *     summary: "Health check endpoint unreachable" },
 * ]))
 * const context = messageContext("initial", { incident, runbook: defaultRunbook, now: new Date() })
 * const { text, blocks } = render("initial", "slack", context)
 * ```
 */
import { readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import type { SeverityLevel } from "@ir/core"
import type Handlebars from "handlebars"
import { escapeFor, sanitizeText } from "./Escaping.js"
import { compileOptions, environment } from "./internal/environment.js"
import { HelperArgumentError } from "./internal/helpers.js"
import {
  loadPrecompiled,
  PRECOMPILED_FILE,
  type Precompiled,
  precompiledTemplate,
} from "./internal/precompiled.js"
import { isDivider, type SlackBlock, slackBlocks } from "./internal/slackBlocks.js"
import { checkTemplate } from "./internal/templateCheck.js"
import { type ContextOf, contextShape, type MessageContext } from "./MessageContext.js"
import {
  fileName,
  kinds,
  type MessageFormat,
  type MessageKind,
  parseFileName,
  parts,
  type TemplatePart,
} from "./MessageKind.js"
import { TemplateLoadError, TemplateRenderError } from "./TemplateError.js"

export type { SlackBlock } from "./internal/slackBlocks.js"

/**
 * The folder holding the built-in templates (`<kind>.<format>.hbs`). Copy a file from here into
 * your own folder to start an override.
 */
export const templatesDirectory: string = fileURLToPath(new URL("../templates/", import.meta.url))

/** A message rendered for Slack: mrkdwn `text` (also the notification fallback) and Block Kit `blocks`. */
export interface SlackRendering {
  readonly text: string
  readonly blocks: ReadonlyArray<SlackBlock>
}

/** A message rendered as Markdown or plain text. */
export interface TextRendering {
  readonly text: string
}

/** A message rendered as an e-mail: subject, HTML part and plain-text part. */
export interface EmailRendering {
  readonly subject: string
  readonly html: string
  readonly text: string
}

/** What {@link render} returns for a format. */
export type Rendering<F extends MessageFormat> = F extends "slack"
  ? SlackRendering
  : F extends "html"
    ? EmailRendering
    : TextRendering

/** One message in every format, ready for `@ir/notify`. */
export interface RenderedMessage {
  readonly kind: MessageKind
  readonly incidentId: string
  readonly severity: SeverityLevel
  /** One line: the e-mail subject, PagerDuty's summary. */
  readonly summary: string
  /** When it was rendered (ISO 8601). */
  readonly at: string
  readonly text: string
  readonly markdown: string
  readonly slack: SlackRendering
  readonly email: EmailRendering
}

/** Where a template came from. */
export interface TemplateSource {
  readonly kind: MessageKind
  readonly part: TemplatePart
  readonly file: string
  readonly overridden: boolean
}

/** A loaded set of templates: the built-ins with any overrides laid over them. */
export interface Templates {
  /** Renders one message kind in one format. */
  readonly render: <K extends MessageKind, F extends MessageFormat>(
    kind: K,
    format: F,
    context: ContextOf<K>,
  ) => Rendering<F>
  /** Renders a message in every format. */
  readonly renderMessage: (context: MessageContext) => RenderedMessage
  /** Every template and the file it was loaded from. */
  readonly sources: ReadonlyArray<TemplateSource>
}

/** Options of {@link loadTemplates}. */
export interface LoadOptions {
  /**
   * A folder of overrides named like the built-ins (`initial.slack.hbs`, `update.html.hbs`, …).
   * Templates it does not have come from the built-ins; other `.hbs` names are an error.
   */
  readonly dir?: string
}

interface CompiledTemplate extends TemplateSource {
  readonly program: hbs.AST.Program
  readonly run: Handlebars.TemplateDelegate
}

/** A team's template (an override), checked in full when it loads. */
const compileOverride = (
  kind: MessageKind,
  part: TemplatePart,
  file: string,
  source: string,
): CompiledTemplate => {
  let program: hbs.AST.Program
  try {
    program = environment.parse(source)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const line = /line (\d+)/.exec(message)?.[1]
    throw new TemplateLoadError({
      reason: "syntax",
      file,
      ...(line === undefined ? {} : { line: Number(line) }),
      detail: `does not compile: ${message.replace(/\s*\n\s*/g, " ").replace(/^Parse error on line \d+: /, "")}`,
      cause: error,
    })
  }
  const problem = checkTemplate(program, contextShape(kind), {
    allowUnescaped: part !== "html",
    kind,
  })
  if (problem !== undefined) {
    throw new TemplateLoadError({
      reason: problem.reason,
      file,
      line: problem.line,
      column: problem.column,
      detail: problem.detail,
    })
  }
  try {
    environment.precompile(source, compileOptions(part))
  } catch (error) {
    const exception = error as { message?: string; lineNumber?: number }
    throw new TemplateLoadError({
      reason: "syntax",
      file,
      ...(typeof exception.lineNumber === "number" ? { line: exception.lineNumber } : {}),
      detail: `does not compile: ${exception.message ?? String(error)}`,
      cause: error,
    })
  }
  return {
    kind,
    part,
    file,
    overridden: true,
    program,
    run: environment.compile(source, compileOptions(part)),
  }
}

let precompiled: ReadonlyMap<string, Precompiled> | undefined

/**
 * A built-in template, made ready on its first render: the built-ins pass every check an override
 * goes through (the package's tests load each of them as an override), so a process that renders
 * one message, or none, prepares only what it renders. It runs from the spec the build
 * precompiled from the same source when there is one (see internal/precompiled), else Handlebars
 * compiles the source.
 */
const builtIn = (
  kind: MessageKind,
  part: TemplatePart,
  file: string,
  source: string,
): CompiledTemplate => {
  let program: hbs.AST.Program | undefined
  let ready: Handlebars.TemplateDelegate | undefined
  return {
    kind,
    part,
    file,
    overridden: false,
    get program() {
      program ??= environment.parse(source)
      return program
    },
    run: (context, options) => {
      if (ready === undefined) {
        precompiled ??= loadPrecompiled(join(templatesDirectory, PRECOMPILED_FILE))
        ready =
          precompiledTemplate(precompiled.get(fileName(kind, part)), source) ??
          environment.compile(source, compileOptions(part))
      }
      return ready(context, options)
    },
  }
}

const key = (kind: MessageKind, part: TemplatePart) => `${kind}.${part}`

let builtIns: ReadonlyMap<string, CompiledTemplate> | undefined

const loadBuiltIns = (): ReadonlyMap<string, CompiledTemplate> => {
  if (builtIns !== undefined) return builtIns
  const compiled = new Map<string, CompiledTemplate>()
  for (const kind of kinds) {
    for (const part of parts) {
      const name = fileName(kind, part)
      const path = join(templatesDirectory, name)
      let source: string
      try {
        source = readFileSync(path, "utf8")
      } catch (error) {
        throw new TemplateLoadError({
          reason: "unreadable",
          file: path,
          detail: `the built-in template is missing (@ir/templates reads its templates from ${templatesDirectory}; keep the package external when bundling)`,
          cause: error,
        })
      }
      compiled.set(key(kind, part), builtIn(kind, part, path, source))
    }
  }
  builtIns = compiled
  return compiled
}

const prepare = (value: unknown, escapeText: (text: string) => string): unknown => {
  if (typeof value === "string") return escapeText(value)
  if (Array.isArray(value)) return value.map((item) => prepare(item, escapeText))
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([field, inner]) => [field, prepare(inner, escapeText)]),
    )
  }
  return value
}

const tidy = (text: string): string =>
  text
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+/, "")
    .replace(/\n+$/, "")

const pathsOnLine = (program: hbs.AST.Program, line: number): Array<hbs.AST.PathExpression> => {
  const found: Array<hbs.AST.PathExpression> = []
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return
    if (Array.isArray(node)) {
      for (const item of node) visit(item)
      return
    }
    const record = node as Record<string, unknown> & hbs.AST.Node
    if (record.type === "PathExpression" && record.loc?.start.line === line) {
      found.push(record as unknown as hbs.AST.PathExpression)
    }
    for (const [field, inner] of Object.entries(record)) if (field !== "loc") visit(inner)
  }
  visit(program)
  return found
}

const run = (template: CompiledTemplate, context: unknown, format: MessageFormat): string => {
  const name = fileName(template.kind, template.part)
  try {
    return template.run(context, { data: { format } })
  } catch (error) {
    if (error instanceof HelperArgumentError) {
      throw new TemplateRenderError({
        reason: "helper",
        template: name,
        ...(error.line === undefined ? {} : { line: error.line }),
        detail: error.message,
        cause: error,
      })
    }
    const exception = error as { message?: string; lineNumber?: number }
    const missing = /^"(.+)" not defined in/.exec(exception.message ?? "")?.[1]
    if (missing !== undefined) {
      const line = exception.lineNumber
      const candidates = line === undefined ? [] : pathsOnLine(template.program, line)
      const path = candidates.find((candidate) => candidate.parts.includes(missing))
      throw new TemplateRenderError({
        reason: "missing-variable",
        template: name,
        variable: path?.original ?? missing,
        ...(line === undefined ? {} : { line }),
        detail: `"${missing}" is not defined`,
        cause: error,
      })
    }
    throw new TemplateRenderError({
      reason: "helper",
      template: name,
      detail: exception.message ?? String(error),
      cause: error,
    })
  }
}

const makeTemplates = (compiled: ReadonlyMap<string, CompiledTemplate>): Templates => {
  const template = (kind: MessageKind, part: TemplatePart) => compiled.get(key(kind, part))!
  const renderPart = (
    kind: MessageKind,
    part: TemplatePart,
    format: MessageFormat,
    context: MessageContext,
  ): string => {
    if (context.kind !== kind) {
      throw new TypeError(`render("${kind}", …) was given the context of a ${context.kind} message`)
    }
    const prepared =
      format === "html" ? prepare(context, sanitizeText) : prepare(context, escapeFor(format))
    return tidy(run(template(kind, part), prepared, format))
  }
  const subject = (kind: MessageKind, context: MessageContext) =>
    renderPart(kind, "subject", "text", context).replace(/\s+/g, " ").trim()
  const renderFormat = (
    kind: MessageKind,
    format: MessageFormat,
    context: MessageContext,
  ): SlackRendering | TextRendering | EmailRendering => {
    switch (format) {
      case "slack": {
        const mrkdwn = renderPart(kind, "slack", "slack", context)
        const text = tidy(
          mrkdwn
            .split("\n")
            .map((line) => (isDivider(line) ? "" : line))
            .join("\n"),
        )
        return { text, blocks: slackBlocks(mrkdwn) }
      }
      case "html":
        return {
          subject: subject(kind, context),
          html: `${renderPart(kind, "html", "html", context)}\n`,
          text: `${renderPart(kind, "text", "text", context)}\n`,
        }
      case "markdown":
      case "text":
        return { text: `${renderPart(kind, format, format, context)}\n` }
    }
  }
  const render = <K extends MessageKind, F extends MessageFormat>(
    kind: K,
    format: F,
    context: ContextOf<K>,
  ): Rendering<F> => renderFormat(kind, format, context as MessageContext) as Rendering<F>
  const renderMessage = (context: MessageContext): RenderedMessage => {
    const kind = context.kind
    const email = renderFormat(kind, "html", context) as EmailRendering
    return {
      kind,
      incidentId: context.incident.id,
      severity: context.incident.severity,
      summary: email.subject,
      at: context.now,
      text: email.text,
      markdown: (renderFormat(kind, "markdown", context) as TextRendering).text,
      slack: renderFormat(kind, "slack", context) as SlackRendering,
      email,
    }
  }
  const sources = [...compiled.values()].map(({ kind, part, file, overridden }) => ({
    kind,
    part,
    file,
    overridden,
  }))
  return { render, renderMessage, sources }
}

let defaults: Templates | undefined

/**
 * The built-in templates, compiled once per process.
 *
 * @example
 * ```ts
 * import { defaultTemplates } from "@ir/templates"
 * defaultTemplates().sources.length // 35: seven messages, four formats and a subject line each
 * ```
 */
export const defaultTemplates = (): Templates => {
  defaults ??= makeTemplates(loadBuiltIns())
  return defaults
}

/**
 * Loads the templates, with overrides from `dir` laid over the built-ins. Throws
 * {@link TemplateLoadError} naming the file and line of the first override that does not compile,
 * reads a variable its message does not have, calls an unknown helper, or (in HTML) prints
 * unescaped output; and for a `.hbs` file whose name is not `<kind>.<format>.hbs`.
 *
 * @example
 * ```ts
 * import { loadTemplates } from "@ir/templates"
 * const templates = loadTemplates({ dir: "./ir-templates" })
 * templates.sources.filter((source) => source.overridden).map((source) => source.file)
 * ```
 */
export const loadTemplates = (options: LoadOptions = {}): Templates => {
  if (options.dir === undefined) return defaultTemplates()
  const dir = resolve(options.dir)
  const compiled = new Map(loadBuiltIns())
  let names: Array<string>
  try {
    names = readdirSync(dir).sort()
  } catch (error) {
    throw new TemplateLoadError({
      reason: "unreadable",
      file: dir,
      detail: `cannot read the template folder: ${(error as Error).message}`,
      cause: error,
    })
  }
  for (const name of names.filter((entry) => entry.endsWith(".hbs"))) {
    const file = join(dir, name)
    const parsed = parseFileName(name)
    if (parsed === undefined) {
      throw new TemplateLoadError({
        reason: "unknown-file",
        file,
        detail: `not a template name: expected <kind>.<format>.hbs with kind one of ${kinds.join(", ")} and format one of ${parts.join(", ")}`,
      })
    }
    let source: string
    try {
      source = readFileSync(file, "utf8")
    } catch (error) {
      throw new TemplateLoadError({
        reason: "unreadable",
        file,
        detail: `cannot read the template: ${(error as Error).message}`,
        cause: error,
      })
    }
    compiled.set(
      key(parsed.kind, parsed.part),
      compileOverride(parsed.kind, parsed.part, file, source),
    )
  }
  return makeTemplates(compiled)
}

/**
 * Renders a message kind in a format with the built-in templates: Slack gives `{ text, blocks }`,
 * HTML `{ subject, html, text }`, Markdown and plain text `{ text }`.
 *
 * @example
 * ```ts
 * import { render } from "@ir/templates"
 * // context from messageContext("resolution", { incident, runbook, now })
 * // render("resolution", "markdown", context).text.startsWith("## ✅ INCIDENT RESOLVED")
 * ```
 */
export const render = <K extends MessageKind, F extends MessageFormat>(
  kind: K,
  format: F,
  context: ContextOf<K>,
): Rendering<F> => defaultTemplates().render(kind, format, context)

/**
 * Renders a message in every format with the built-in templates, for `@ir/notify`.
 *
 * @example
 * ```ts
 * import { renderMessage } from "@ir/templates"
 * // const message = renderMessage(messageContext("initial", { incident, runbook, now }))
 * // await deliverAll(channels, message)
 * ```
 */
export const renderMessage = (context: MessageContext): RenderedMessage =>
  defaultTemplates().renderMessage(context)
