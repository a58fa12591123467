/**
 * The failures a user can cause and fix, one tagged class per kind. Each message is one line a
 * person can act on: what was wrong, where, and what was expected. `ExitCode` maps them; the top
 * level prints `ir: <message>` and never a stack trace.
 *
 * @example
 * ```ts
 * import { ConfigError } from "@ir/cli"
 * const error = new ConfigError({
 *   reason: "invalid",
 *   file: "ir.config.yaml",
 *   path: "targets.postgres.url",
 *   line: 4,
 *   column: 10,
 *   expected: "a postgres:// URL",
 * })
 * error.message // "ir.config.yaml:4:10: targets.postgres.url: expected a postgres:// URL"
 * ```
 */
import * as Data from "effect/Data"

/** Where a configuration problem is, and what was expected there. */
export interface ConfigProblem {
  /** The configuration (or runbook) file, as the user named it or as it was found. */
  readonly file: string
  /** The path inside the document, dotted: `targets.postgres.url`, `runbook.playbooks.2.id`. */
  readonly path?: string
  readonly line?: number
  readonly column?: number
  /** What was expected there, or what went wrong. */
  readonly expected: string
}

/** What a {@link ConfigError} holds. */
type ConfigErrorFields = ConfigProblem & {
  readonly reason:
    | "not-found"
    | "unreadable"
    | "syntax"
    | "invalid"
    | "missing-variable"
    | "runbook-file"
  readonly cause?: unknown
}

/** The configuration file is missing, unreadable, not YAML/JSON, or not what ir expects. */
export class ConfigError extends Data.TaggedError("ConfigError")<ConfigErrorFields> {
  /**
   * `conceal` (from `Config.problemAt`) rewrites `expected` before it is kept: a value that came
   * from an environment variable is named by its variable, never repeated.
   */
  constructor(
    props: ConfigErrorFields & { readonly conceal?: ((text: string) => string) | undefined },
  ) {
    const { conceal, ...fields } = props
    super(conceal === undefined ? fields : { ...fields, expected: conceal(fields.expected) })
  }

  override get message(): string {
    const where = [this.file, this.line, this.column].filter((part) => part !== undefined)
    const path = this.path === undefined || this.path === "" ? "" : `${this.path}: `
    return `${where.join(":")}: ${path}${this.expected}`
  }
}

/** A command-line argument names something that does not exist or is not allowed. */
export class UsageError extends Data.TaggedError("UsageError")<{
  readonly reason:
    | "unknown-probe"
    | "unknown-playbook"
    | "unknown-signal"
    | "bad-value"
    | "file-exists"
    | "unreadable"
    | "unknown-incident"
    | "incident-state"
    | "journal-unavailable"
  /** The one-line message shown to the user. */
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.detail
  }
}

/** A library the command needs is not available (an optional package was not installed). */
export class MissingFeatureError extends Data.TaggedError("MissingFeatureError")<{
  readonly reason: "not-installed" | "not-implemented"
  readonly feature: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.reason === "not-installed"
      ? `${this.feature} is not installed; install it next to @ir/cli`
      : `${this.feature} is not available in this version of @ir/core / @ir/diagnostics`
  }
}

/** Every failure a user can fix. */
export type UserError = ConfigError | UsageError | MissingFeatureError

/** Whether a value is one of the user-fixable errors (rather than a bug).
 *
 * @example
 * ```ts
 * import { isUserError, UsageError } from "@ir/cli"
 * isUserError(new UsageError({ reason: "bad-value", detail: "--at: expected a time" })) // true
 * ```
 */
export const isUserError = (error: unknown): error is UserError =>
  error instanceof ConfigError ||
  error instanceof UsageError ||
  error instanceof MissingFeatureError
