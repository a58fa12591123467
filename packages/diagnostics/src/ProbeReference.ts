/**
 * What each probe is, as data for documentation and `--help`: its catalogue entry, the options it
 * reads, its measurements, the signals it produces, the thresholds it grades with (and their
 * defaults in a runbook), and when it reports `unknown`. `docs/diagnostics.md` is generated from it.
 *
 * @example
 * ```ts
 * import { probeReference } from "@ir/diagnostics"
 * for (const probe of probeReference()) console.log(probe.id, probe.signals.join(", "))
 * ```
 */
import { defaultRunbook, Probe, type Runbook } from "@ir/core"
import { implementations } from "./internal/Implementations.js"
import { defaultTimeout } from "./Runner.js"

/**
 * One probe as documentation data.
 *
 * @example
 * ```ts
 * const entry = probeReference().find((probe) => probe.id === "docker.logs")
 * entry?.options.map((option) => option.path)
 * ```
 */
export interface ProbeReferenceEntry {
  readonly id: Probe.ProbeId
  readonly title: string
  readonly description: string
  readonly seedCommand?: string
  /** What the configuration must give for the probe to run. */
  readonly requires: string
  readonly options: ReadonlyArray<{
    readonly path: string
    readonly description: string
    readonly default?: string
  }>
  readonly measurements: ReadonlyArray<{
    readonly name: string
    readonly unit?: string
    readonly description: string
    readonly threshold?: string
  }>
  readonly signals: ReadonlyArray<string>
  readonly thresholds: ReadonlyArray<{
    readonly name: string
    readonly description?: string
    readonly unit?: string
    readonly direction?: "above" | "below"
    readonly warn?: number
    readonly critical?: number
  }>
  readonly unknownWhen: string
  readonly defaultTimeout: string
}

/**
 * Every probe, in the catalogue's order, with the thresholds' defaults from `runbook` (the seed's
 * by default).
 *
 * @example
 * ```ts
 * import { probeReference } from "@ir/diagnostics"
 * probeReference().find((probe) => probe.id === "postgres.locks")?.thresholds
 * // [{ name: "postgres.locks.waiting", warn: 1, critical: 5, … }, …]
 * ```
 */
export const probeReference = (
  runbook: Runbook = defaultRunbook,
): ReadonlyArray<ProbeReferenceEntry> =>
  Probe.catalogue.map((definition) => {
    const implementation = implementations[definition.id]
    return {
      id: definition.id,
      title: definition.title,
      description: definition.description,
      ...(definition.seedCommand === undefined ? {} : { seedCommand: definition.seedCommand }),
      requires: implementation.requires,
      options: implementation.options,
      measurements: implementation.measurements,
      signals: definition.signals,
      thresholds: implementation.thresholds.map((name) => {
        const threshold = runbook.thresholds[name]
        return threshold === undefined
          ? { name }
          : {
              name,
              description: threshold.description,
              ...(threshold.unit === undefined ? {} : { unit: threshold.unit }),
              direction: threshold.direction,
              ...(threshold.warn === undefined ? {} : { warn: threshold.warn }),
              critical: threshold.critical,
            }
      }),
      unknownWhen: implementation.unknownWhen,
      defaultTimeout,
    }
  })
