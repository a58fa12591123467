/**
 * The one place where maintenance windows decide whether an incident pages: `open` and
 * `openAlertGroup` ask it before recording, and record what it says with the opened event (one
 * atomic write, so no replica's clock ever sees the incident without its flag). The windows are
 * the configured ones and those started with `ir maintenance start`, read from the journal that
 * every process shares. A covered incident is recorded with the `planned-maintenance` flag (core's
 * `escalate` then never pages for it) and a note its messages show: "Under planned maintenance
 * <id> until <time>: not paged".
 *
 * @example
 * ```ts
 * import { maintenanceCheck } from "@ir/responder"
 * import type { Journal } from "@ir/journal"
 * import * as Effect from "effect/Effect"
 * declare const journal: Journal
 * const check = await Effect.runPromise(
 *   maintenanceCheck({ journal }, { playbooks: ["system-down"] }, new Date()),
 * )
 * check.covering.length > 0 // under maintenance: check.flag is recorded with the incident
 * ```
 */
import { type IncidentEvent, Maintenance } from "@ir/core"
import type { Journal } from "@ir/journal"
import * as Effect from "effect/Effect"
import type { ResponderEvent } from "./Responder.js"

/** Where the windows come from: the journal's, and the configured ones. */
export interface MaintenanceSource {
  readonly journal: Journal
  /** Windows from the configuration (`maintenance:` in ir.config.yaml). */
  readonly maintenance?: ReadonlyArray<Maintenance.MaintenanceWindow>
  readonly log?: (event: ResponderEvent) => void
}

/** What the check found: the active windows covering the incident, and the flag to record. */
export interface MaintenanceCheck {
  readonly covering: ReadonlyArray<Maintenance.MaintenanceWindow>
  /** The `planned-maintenance` flag (with the note), when covered. */
  readonly flag?: IncidentEvent.EventOf<"flag-raised">
}

/**
 * Every window known at `at`'s source: configured first, then the journal's. When the journal's
 * cannot be read the configured ones still count and the failure is logged: an unreadable window
 * list must never stop an incident from being recorded, and a page that goes out is the safe side.
 */
export const knownWindows = (
  source: MaintenanceSource,
): Effect.Effect<ReadonlyArray<Maintenance.MaintenanceWindow>> =>
  source.journal.maintenanceWindows.pipe(
    Effect.map((stored) => [...(source.maintenance ?? []), ...stored]),
    Effect.catchAll((error) =>
      Effect.sync(() => {
        source.log?.({ event: "maintenance-unreadable", detail: error.message })
        return source.maintenance ?? []
      }),
    ),
  )

/** Whether the target is under maintenance at `at`, and the flag to open it with if so. */
export const maintenanceCheck = (
  source: MaintenanceSource,
  target: Maintenance.Target,
  at: Date,
): Effect.Effect<MaintenanceCheck> =>
  Effect.map(knownWindows(source), (windows) => {
    const covering = Maintenance.covering(windows, target, at)
    if (covering.length === 0) return { covering }
    return {
      covering,
      flag: {
        type: "flag-raised",
        at,
        flag: "planned-maintenance",
        note: Maintenance.notPagedNote(covering),
        by: "ir:maintenance",
      },
    }
  })

/**
 * The initial events with the maintenance flag added when the check found one (and no
 * `planned-maintenance` flag is there already: a triage may have asserted it).
 */
export const withMaintenanceFlag = (
  initialEvents: ReadonlyArray<IncidentEvent.IncidentEvent>,
  check: MaintenanceCheck,
): ReadonlyArray<IncidentEvent.IncidentEvent> =>
  check.flag === undefined ||
  initialEvents.some(
    (event) => event.type === "flag-raised" && event.flag === "planned-maintenance",
  )
    ? initialEvents
    : [...initialEvents, check.flag]
