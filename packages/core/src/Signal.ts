/**
 * Signals: the named, typed observations that probes produce and symptoms test. The vocabulary
 * is versioned; `docs/signals.md` is generated from it.
 *
 * Keys may carry a `<role>` or `<mount>` segment: `docker.container.<role>.running` stands for
 * `docker.container.app.running`, `docker.container.postgres.running`, and so on, where the role
 * is the name the configuration gives a container.
 *
 * @example
 * ```ts
 * import { Signal } from "@ir/core"
 * Signal.lookup("docker.container.app.running")?.type // "boolean"
 * ```
 */
import * as Schema from "effect/Schema"
import { signalVocabulary } from "./defaults/signals.js"

/** Version of the signal vocabulary; bumped when a key changes meaning or type. */
export const vocabularyVersion = "1.0.0"

/** The kind of value a signal carries. */
export const SignalType = Schema.Literal(
  "boolean",
  "ratio",
  "number",
  "count",
  "seconds",
  "bytes",
  "enum",
)
export type SignalType = typeof SignalType.Type

/** The value of one observation. */
export const SignalValue = Schema.Union(Schema.Boolean, Schema.Number, Schema.String)
export type SignalValue = typeof SignalValue.Type

/**
 * How Prometheus observes a signal. A numeric signal gives `expr`, the instant query whose value
 * is the signal. A boolean signal gives `whenTrue` and `whenFalse`, queries that return a series
 * exactly when the signal has that value (`absent(...)` for "no metrics"), as alerting rules need.
 *
 * @example
 * ```ts
 * import { Signal } from "@ir/core"
 * Signal.lookup("prometheus.metrics.present")?.promql
 * // { whenTrue: "count(http_requests_total) > 0", whenFalse: "absent(http_requests_total)" }
 * ```
 */
export const PromQuery = Schema.Union(
  Schema.Struct({ expr: Schema.String }),
  Schema.Struct({ whenTrue: Schema.String, whenFalse: Schema.String }),
)
export type PromQuery = typeof PromQuery.Type

/** One entry of the vocabulary. */
export const SignalDefinition = Schema.Struct({
  key: Schema.String,
  type: SignalType,
  unit: Schema.optional(Schema.String),
  /** Allowed values, for `enum` signals. */
  values: Schema.optional(Schema.Array(Schema.String)),
  description: Schema.String,
  /** Probe ids (see `Probe`) that produce this signal. */
  producedBy: Schema.Array(Schema.String),
  /** The PromQL that observes the signal, for signals Prometheus can see (see `AlertRules`). */
  promql: Schema.optional(PromQuery),
})
export type SignalDefinition = typeof SignalDefinition.Type

/** Every signal ir knows. */
export const vocabulary: ReadonlyArray<SignalDefinition> = signalVocabulary

const placeholder = /<[a-z]+>/g

const compiled = vocabulary.map((definition) => ({
  definition,
  pattern: new RegExp(
    `^${definition.key
      .split(placeholder)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[A-Za-z0-9_-]+")}$`,
  ),
}))

/** The definition a concrete key belongs to, or `undefined` when the key is not in the vocabulary. */
export const lookup = (key: string): SignalDefinition | undefined =>
  compiled.find((entry) => entry.pattern.test(key))?.definition

/** Whether a value fits the type of a signal definition. */
export const accepts = (definition: SignalDefinition, value: SignalValue): boolean => {
  switch (definition.type) {
    case "boolean":
      return typeof value === "boolean"
    case "ratio":
      return typeof value === "number" && value >= 0 && value <= 1
    case "count":
      return typeof value === "number" && Number.isInteger(value) && value >= 0
    case "seconds":
    case "bytes":
      return typeof value === "number" && value >= 0
    case "number":
      return typeof value === "number" && !Number.isNaN(value)
    case "enum":
      return typeof value === "string" && (definition.values?.includes(value) ?? true)
  }
}

/** Fills the placeholders of a key: `key("docker.container.<role>.running", { role: "app" })`. */
export const key = (pattern: string, parts: Readonly<Record<string, string>>): string =>
  pattern.replace(placeholder, (match) => parts[match.slice(1, -1)] ?? match)
