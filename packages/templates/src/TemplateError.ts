/**
 * Template failures: {@link TemplateLoadError} when a template file cannot be used (it does not
 * compile, reads a variable its message does not have, calls an unknown helper), raised at load
 * with the file and line; {@link TemplateRenderError} when rendering fails (a context without a
 * field the template reads), naming the template and the variable.
 *
 * @example
 * ```ts
 * import { loadTemplates, TemplateLoadError } from "@ir/templates"
 * try {
 *   loadTemplates({ dir: "./templates" })
 * } catch (error) {
 *   if (error instanceof TemplateLoadError) console.error(error.message)
 *   // templates/initial.slack.hbs:3:12: unknown variable "incident.comander": ... did you mean "commander"?
 * }
 * ```
 */
import * as Data from "effect/Data"

/** A template file that cannot be used, found when templates are loaded. */
export class TemplateLoadError extends Data.TaggedError("TemplateLoadError")<{
  readonly reason:
    | "syntax"
    | "unknown-variable"
    | "unknown-helper"
    | "unsafe-output"
    | "unsupported"
    | "unknown-file"
    | "unreadable"
  /** The template file (absolute path for overrides, `<built-in>/name` for the defaults). */
  readonly file: string
  readonly line?: number
  readonly column?: number
  /** What is wrong, in words. */
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    const position =
      this.line === undefined
        ? ""
        : `:${this.line}${this.column === undefined ? "" : `:${this.column}`}`
    return `${this.file}${position}: ${this.detail}`
  }
}

/** Rendering a template failed: the context lacks a variable, or a helper got a wrong value. */
export class TemplateRenderError extends Data.TaggedError("TemplateRenderError")<{
  readonly reason: "missing-variable" | "helper"
  /** The template file name, e.g. `initial.slack.hbs`. */
  readonly template: string
  /** The variable as the template wrote it, e.g. `incident.commander`. */
  readonly variable?: string
  readonly line?: number
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    const where = `${this.template}${this.line === undefined ? "" : `:${this.line}`}`
    return this.reason === "missing-variable"
      ? `${where}: the context has no "${this.variable ?? "?"}", which the template uses (${this.detail}); build the context with messageContext()`
      : `${where}: ${this.detail}`
  }
}
