/**
 * Errors of building a handler or a receiver.
 *
 * @example
 * ```ts
 * import { HttpConfigError } from "@ir/http"
 * const isConfigError = (error: unknown) => error instanceof HttpConfigError
 * ```
 */
import * as Data from "effect/Data"

/**
 * A handler or receiver that cannot be built as configured: thrown by `createHandler` and
 * `createAlertReceiver` at startup, never while serving.
 *
 * @example
 * ```ts
 * import { createAlertReceiver, HttpConfigError } from "@ir/http"
 * try {
 *   createAlertReceiver({ journal })
 * } catch (error) {
 *   if (error instanceof HttpConfigError) console.error(error.message) // says what to set
 * }
 * ```
 */
export class HttpConfigError extends Data.TaggedError("HttpConfigError")<{
  readonly reason: "missing-auth" | "invalid-health-config" | "invalid-option"
  /** The option at fault, as you would write it (`auth.bearer`, `health.config`). */
  readonly option: string
  /** What was expected instead. */
  readonly expected: string
  readonly cause?: unknown
}> {
  override get message(): string {
    const cause = this.cause instanceof Error ? `: ${this.cause.message}` : ""
    return `@ir/http: ${this.option}: expected ${this.expected}${cause}`
  }
}
