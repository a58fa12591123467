/**
 * Observations: signal values as probes (or responders) saw them, the input of `triage`.
 *
 * @example
 * ```ts
 * import { Observation } from "@ir/core"
 * const observations = Observation.fromRecord({ "http.health.reachable": false }, new Date())
 * ```
 */
import * as Schema from "effect/Schema"
import { SignalValue } from "./Signal.js"

/**
 * How a numeric signal behaved over a trailing window: the probe measured its minimum and maximum
 * over the last `seconds`. A symptom with a duration ("> 10% for 5+ minutes") is proven only when
 * the whole window satisfies it.
 */
export const Sustained = Schema.Struct({
  seconds: Schema.Number.pipe(Schema.nonNegative()),
  min: Schema.Number,
  max: Schema.Number,
})
export type Sustained = typeof Sustained.Type

/** One observed value of one signal. */
export const Observation = Schema.Struct({
  signal: Schema.String,
  value: SignalValue,
  at: Schema.Date,
  over: Schema.optional(Sustained),
  /** The probe id (or `manual`) that produced it. */
  source: Schema.optional(Schema.String),
})
export type Observation = typeof Observation.Type

/** Observations keyed by signal; the last one given for a key wins. */
export type ObservationSet = ReadonlyMap<string, Observation>

/** Indexes observations by signal key; later observations of the same key replace earlier ones. */
export const toSet = (observations: Iterable<Observation>): ObservationSet => {
  const set = new Map<string, Observation>()
  for (const observation of observations) set.set(observation.signal, observation)
  return set
}

/** Builds observations from a plain `{ signal: value }` record, all taken at `at`. */
export const fromRecord = (
  values: Readonly<Record<string, SignalValue>>,
  at: Date,
  source = "manual",
): ReadonlyArray<Observation> =>
  Object.entries(values).map(([signal, value]) => ({ signal, value, at, source }))
