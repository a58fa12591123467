/**
 * Readable issues from a Schema parse error: a path such as `http.health.url` and what was
 * expected there, in words. Unions are resolved to the closest shape, literal members collapse
 * into `expected one of …`, and a mapping given something else says which fields it takes,
 * instead of effect's rendering of the whole schema. The runbook's own errors use it, and so does
 * every other reader of configuration (diagnostics targets, notification channels).
 *
 * @example
 * ```ts
 * import { SchemaIssues } from "@ir/core"
 * import * as Either from "effect/Either"
 * import * as Schema from "effect/Schema"
 * const Target = Schema.Struct({ url: Schema.String, timeout: Schema.optional(Schema.String) })
 * const result = Schema.decodeUnknownEither(Target)("http://localhost/health")
 * if (Either.isLeft(result)) SchemaIssues.flatten(result.left)[0]?.message
 * // 'expected { url, timeout? }; got "http://localhost/health"'
 * ```
 */
export { type FlatIssue, flatten, formatPath, type Segment } from "./internal/issueFormatter.js"
