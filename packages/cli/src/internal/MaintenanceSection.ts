import { Maintenance } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { ConfigError } from "../CliError.js"
import { type Config, describeValue, isMapping, problemAt } from "../Config.js"
import { parseTime } from "./Clock.js"

const known = ["id", "start", "end", "playbooks", "components", "reason", "by"]

/**
 * The `maintenance:` section: windows planned ahead, each active from `start` (inclusive) to
 * `end` (exclusive), covering playbooks (ids of the runbook) and/or components (an alert's
 * `component`, `service` or `job` label value, or `label=value`):
 *
 * ```yaml
 * maintenance:
 *   - id: db-upgrade
 *     start: 2026-12-05T10:00:00Z
 *     end: 2026-12-05T12:00:00Z
 *     playbooks: [database-connectivity]
 *     components: [postgres]
 *     reason: PostgreSQL 16 upgrade
 * ```
 *
 * Windows started with `ir maintenance start` live in the journal instead.
 */
export const resolveMaintenance = (
  config: Config,
  io: { readonly cwd: string },
  playbookIds: ReadonlyArray<string>,
): Effect.Effect<ReadonlyArray<Maintenance.MaintenanceWindow>, ConfigError> =>
  Effect.suspend(() => {
    const section = config.document.maintenance
    const fail = (path: ReadonlyArray<string | number>, expected: string) =>
      Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["maintenance", ...path], io.cwd),
          expected,
        }),
      )
    if (section === undefined || section === null) return Effect.succeed([])
    if (!Array.isArray(section))
      return fail([], `expected a list of maintenance windows, got ${describeValue(section)}`)
    const windows: Array<Maintenance.MaintenanceWindow> = []
    for (const [index, entry] of section.entries()) {
      if (!isMapping(entry))
        return fail(
          [index],
          `expected a window ({ id, start, end, playbooks and/or components, reason }), got ${describeValue(entry)}`,
        )
      const unknown = Object.keys(entry).find((key) => !known.includes(key))
      if (unknown !== undefined)
        return fail(
          [index, unknown],
          `unknown setting "${unknown}": expected one of ${known.join(", ")}`,
        )
      if (typeof entry.id !== "string" || !Schema.is(Maintenance.WindowId)(entry.id))
        return fail(
          [index, "id"],
          `expected an id of letters, digits, '.', '_' or '-', got ${describeValue(entry.id)}`,
        )
      if (windows.some((window) => window.id === entry.id))
        return fail([index, "id"], `the id ${entry.id} is used by another window: ids are unique`)
      const times: Record<"start" | "end", Date> = { start: new Date(0), end: new Date(0) }
      for (const field of ["start", "end"] as const) {
        const value =
          entry[field] instanceof Date ? (entry[field] as Date).toISOString() : entry[field]
        const parsed = typeof value === "string" ? parseTime(value, field) : undefined
        if (parsed === undefined || Either.isLeft(parsed))
          return fail(
            [index, field],
            `expected an ISO 8601 time with a zone, e.g. 2026-12-05T10:00:00Z, got ${describeValue(value)}`,
          )
        times[field] = parsed.right
      }
      if (times.end.getTime() <= times.start.getTime())
        return fail([index, "end"], "the window must end after it starts")
      const lists: Record<"playbooks" | "components", Array<string> | undefined> = {
        playbooks: undefined,
        components: undefined,
      }
      for (const field of ["playbooks", "components"] as const) {
        const value = entry[field]
        if (value === undefined) continue
        if (
          !Array.isArray(value) ||
          !value.every((item) => typeof item === "string" && item.trim() !== "")
        )
          return fail([index, field], `expected a list of names, got ${describeValue(value)}`)
        lists[field] = value.map((item: string) => item.trim())
      }
      const unknownPlaybook = lists.playbooks?.find((id) => !playbookIds.includes(id))
      if (unknownPlaybook !== undefined)
        return fail(
          [index, "playbooks", lists.playbooks?.indexOf(unknownPlaybook) ?? 0],
          `no playbook "${unknownPlaybook}" in the runbook (see \`ir playbook list\`)`,
        )
      if ((lists.playbooks?.length ?? 0) + (lists.components?.length ?? 0) === 0)
        return fail([index], "a window covers at least one playbook or component")
      if (typeof entry.reason !== "string" || entry.reason.trim() === "")
        return fail(
          [index, "reason"],
          `say why (for the messages), got ${describeValue(entry.reason)}`,
        )
      if (entry.by !== undefined && typeof entry.by !== "string")
        return fail([index, "by"], `expected a name, got ${describeValue(entry.by)}`)
      windows.push({
        id: entry.id,
        start: times.start,
        end: times.end,
        ...(lists.playbooks === undefined ? {} : { playbooks: lists.playbooks }),
        ...(lists.components === undefined ? {} : { components: lists.components }),
        reason: entry.reason.trim(),
        ...(typeof entry.by === "string" ? { by: entry.by } : {}),
      })
    }
    return Effect.succeed(windows)
  })
