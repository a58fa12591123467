import { Probe } from "@ir/core"
import type { ProbeSelection } from "@ir/diagnostics"
import { UsageError } from "../CliError.js"

const families = (): ReadonlyArray<string> => [
  ...new Set(Probe.catalogue.map((definition) => definition.id.split(".")[0] ?? definition.id)),
]

/**
 * The probe ids a command line asks for: exact ids (`postgres.connections`) or families
 * (`postgres` for every `postgres.*`). Nothing asked for is `undefined`: every probe.
 */
export const selectProbes = (
  requested: ReadonlyArray<string>,
):
  | { readonly ok: true; readonly ids: ReadonlyArray<Probe.ProbeId> | undefined }
  | {
      readonly ok: false
      readonly error: UsageError
    } => {
  if (requested.length === 0) return { ok: true, ids: undefined }
  const ids = new Set<Probe.ProbeId>()
  for (const name of requested) {
    const matching = Probe.catalogue.filter(
      (definition) => definition.id === name || definition.id.startsWith(`${name}.`),
    )
    if (matching.length === 0) {
      return {
        ok: false,
        error: new UsageError({
          reason: "unknown-probe",
          detail: `unknown probe "${name}": expected a probe id (${Probe.catalogue.map((d) => d.id).join(", ")}) or a family (${families().join(", ")})`,
        }),
      }
    }
    for (const definition of matching) ids.add(definition.id)
  }
  // In catalogue order, so output is stable whatever order they were given in.
  return { ok: true, ids: Probe.catalogue.map((d) => d.id).filter((id) => ids.has(id)) }
}

/**
 * What a command runs once the configuration is known. A probe that is not configured is not run
 * and does not count: nothing asked for means every configured probe, and a family
 * (`host`) means its configured probes. Only a name whose probes are all unconfigured (an
 * exact id, or a family with nothing set up) keeps them, so that `ir check postgres` without a
 * database says UNKNOWN instead of nothing. `notConfigured` lists what was left out, and why.
 */
export const configuredSelection = (
  requested: ReadonlyArray<string>,
  ids: ReadonlyArray<Probe.ProbeId> | undefined,
  available: ProbeSelection,
): {
  readonly ids: ReadonlyArray<Probe.ProbeId>
  readonly notConfigured: ReadonlyArray<{ readonly id: Probe.ProbeId; readonly reason: string }>
} => {
  const configured = new Set(available.configured.map((probe) => probe.id))
  if (ids === undefined)
    return { ids: available.configured.map((probe) => probe.id), notConfigured: available.skipped }
  const keep = new Set<Probe.ProbeId>()
  for (const name of requested) {
    const matching = ids.filter((id) => id === name || id.startsWith(`${name}.`))
    const set = matching.filter((id) => configured.has(id))
    for (const id of set.length === 0 ? matching : set) keep.add(id)
  }
  return {
    ids: ids.filter((id) => keep.has(id)),
    notConfigured: available.skipped.filter(
      (skipped) => ids.includes(skipped.id) && !keep.has(skipped.id),
    ),
  }
}
