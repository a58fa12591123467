/**
 * Maintenance windows: a stretch of time in which some playbooks or components are expected to
 * fail, so an incident about them is recorded and its messages go out, but nobody is paged.
 * Windows come from the configuration and from `ir maintenance start` (kept in the journal); they
 * end by themselves at `end` (a window is active from `start`, inclusive, to `end`, exclusive).
 *
 * What a window covers:
 * - an incident opened by hand or by a triage: when every one of its playbooks is in an active
 *   window's `playbooks` (an incident with no playbook is never covered: nothing says what it is);
 * - an alert group: when every firing alert is covered, by its playbook or by its labels. A
 *   window's `components` entry `api` matches an alert whose `component`, `service` or `job`
 *   label is `api`; an entry `instance=db-1:5432` matches that label exactly.
 *
 * Maintenance must explain everything an incident is about: a P0 with one alert outside the
 * window still pages.
 *
 * @example
 * ```ts
 * import { Maintenance } from "@ir/core"
 * const window: Maintenance.MaintenanceWindow = {
 *   id: "db-upgrade", start: new Date("2026-12-05T10:00:00Z"), end: new Date("2026-12-05T12:00:00Z"),
 *   playbooks: ["database-connectivity"], components: ["postgres"], reason: "PostgreSQL 16 upgrade",
 * }
 * const covering = Maintenance.covering([window], { playbooks: ["database-connectivity"] }, new Date("2026-12-05T11:00:00Z"))
 * Maintenance.notPagedNote(covering) // "Under planned maintenance db-upgrade until 2026-12-05 12:00 UTC: not paged"
 * ```
 */
import * as Schema from "effect/Schema"

/** A window's id: letters, digits, `.`, `_` and `-`, as a person types it after `ir maintenance end`. */
export const WindowId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: () => "expected an id of letters, digits, '.', '_' or '-' (at most 64)",
  }),
)

/**
 * A maintenance window. `playbooks` and `components` say what it covers (at least one of them is
 * given); `reason` says why, for the messages and `ir maintenance list`.
 *
 * @example
 * ```ts
 * import { Maintenance } from "@ir/core"
 * import * as Schema from "effect/Schema"
 * const window = Schema.decodeUnknownSync(Maintenance.MaintenanceWindow)({
 *   id: "api-deploy", start: "2026-12-05T10:00:00Z", end: "2026-12-05T10:30:00Z",
 *   components: ["api"], reason: "blue/green deploy",
 * })
 * ```
 */
export const MaintenanceWindow = Schema.Struct({
  id: WindowId,
  start: Schema.Date,
  end: Schema.Date,
  playbooks: Schema.optional(Schema.Array(Schema.NonEmptyTrimmedString)),
  components: Schema.optional(Schema.Array(Schema.NonEmptyTrimmedString)),
  reason: Schema.NonEmptyTrimmedString,
  /** Who declared it. */
  by: Schema.optional(Schema.String),
}).pipe(
  Schema.filter((window) => {
    if (window.end.getTime() <= window.start.getTime()) return "end must be after start"
    if ((window.playbooks?.length ?? 0) + (window.components?.length ?? 0) === 0)
      return "a window covers at least one playbook or component"
    return true
  }),
)
export type MaintenanceWindow = typeof MaintenanceWindow.Type

/** The labels whose values a plain `components` entry is compared with. */
export const componentLabels: ReadonlyArray<string> = ["component", "service", "job"]

/**
 * Whether the window is active at `at`: from `start` (inclusive) to `end` (exclusive).
 *
 * @example
 * ```ts
 * import { Maintenance } from "@ir/core"
 * declare const window: Maintenance.MaintenanceWindow
 * Maintenance.isActive(window, window.end) // false: a window is over at its end
 * ```
 */
export const isActive = (window: MaintenanceWindow, at: Date): boolean =>
  window.start.getTime() <= at.getTime() && at.getTime() < window.end.getTime()

/**
 * The windows active at `at`, in the order given.
 *
 * @example
 * ```ts
 * import { Maintenance } from "@ir/core"
 * declare const windows: ReadonlyArray<Maintenance.MaintenanceWindow>
 * const now = Maintenance.activeAt(windows, new Date("2026-12-05T11:00:00Z"))
 * ```
 */
export const activeAt = (
  windows: ReadonlyArray<MaintenanceWindow>,
  at: Date,
): ReadonlyArray<MaintenanceWindow> => windows.filter((window) => isActive(window, at))

/** One firing alert as a window sees it: its labels and the playbook it maps to, if any. */
export interface AlertTarget {
  readonly labels: Readonly<Record<string, string>>
  readonly playbook?: string
}

/** What an incident is about: its playbooks, and its firing alerts when it comes from alerts. */
export interface Target {
  readonly playbooks: ReadonlyArray<string>
  readonly alerts?: ReadonlyArray<AlertTarget>
}

const matchesComponent = (entry: string, labels: Readonly<Record<string, string>>): boolean => {
  const equals = entry.indexOf("=")
  if (equals > 0) return labels[entry.slice(0, equals).trim()] === entry.slice(equals + 1).trim()
  return componentLabels.some((label) => labels[label] === entry)
}

/**
 * Whether the window (whatever the time) covers one alert: its playbook is one of the window's
 * playbooks, or one of its labels matches one of the window's components.
 *
 * @example
 * ```ts
 * import { Maintenance } from "@ir/core"
 * declare const window: Maintenance.MaintenanceWindow // components: ["api"]
 * Maintenance.coversAlert(window, { labels: { alertname: "HighErrorRate", service: "api" } }) // true
 * ```
 */
export const coversAlert = (window: MaintenanceWindow, alert: AlertTarget): boolean =>
  (alert.playbook !== undefined && (window.playbooks ?? []).includes(alert.playbook)) ||
  (window.components ?? []).some((entry) => matchesComponent(entry, alert.labels))

/** Whether the window (whatever the time) covers a playbook. */
export const coversPlaybook = (window: MaintenanceWindow, playbook: string): boolean =>
  (window.playbooks ?? []).includes(playbook)

/**
 * The active windows that together cover the target at `at`: empty when the target is not
 * covered (some alert, or some playbook, is outside every active window). With alerts, each
 * firing alert must be covered; without, each playbook.
 *
 * @example
 * ```ts
 * import { Maintenance } from "@ir/core"
 * declare const windows: ReadonlyArray<Maintenance.MaintenanceWindow>
 * const covering = Maintenance.covering(windows, { playbooks: ["system-down"] }, new Date())
 * const page = covering.length === 0
 * ```
 */
export const covering = (
  windows: ReadonlyArray<MaintenanceWindow>,
  target: Target,
  at: Date,
): ReadonlyArray<MaintenanceWindow> => {
  const active = activeAt(windows, at)
  if (active.length === 0) return []
  const used = new Set<MaintenanceWindow>()
  const cover = <A>(
    items: ReadonlyArray<A>,
    covers: (window: MaintenanceWindow, item: A) => boolean,
  ) => {
    if (items.length === 0) return false
    for (const item of items) {
      const window = active.find((candidate) => covers(candidate, item))
      if (window === undefined) return false
      used.add(window)
    }
    return true
  }
  const covered =
    target.alerts !== undefined && target.alerts.length > 0
      ? cover(target.alerts, coversAlert)
      : cover(target.playbooks, coversPlaybook)
  return covered ? active.filter((window) => used.has(window)) : []
}

const utc = (at: Date): string => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`

/**
 * The sentence an incident opened under maintenance carries (the note of its
 * `planned-maintenance` flag, shown in its messages): which windows, until when (the earliest
 * end: when the cover may start to thin), and that nobody is paged.
 *
 * @example
 * ```ts
 * import { Maintenance } from "@ir/core"
 * declare const covering: ReadonlyArray<Maintenance.MaintenanceWindow>
 * Maintenance.notPagedNote(covering) // "Under planned maintenance db-upgrade until 2026-12-05 12:00 UTC: not paged"
 * ```
 */
export const notPagedNote = (windows: ReadonlyArray<MaintenanceWindow>): string => {
  if (windows.length === 0) return "Under planned maintenance: not paged"
  const until = windows.reduce(
    (earliest, window) => (window.end.getTime() < earliest.getTime() ? window.end : earliest),
    windows[0]!.end,
  )
  return `Under planned maintenance ${windows.map((window) => window.id).join(", ")} until ${utc(until)}: not paged`
}
