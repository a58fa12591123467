import { Probe } from "@ir/core"
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
