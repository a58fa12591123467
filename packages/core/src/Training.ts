/**
 * The drill schedule: the runbook's training groups that recur (the seed's "Monthly Drills:
 * simulated outage response, escalation procedure testing, communication channel testing",
 * its quarterly reviews and annual training) are due at the first business moment of each period
 * (month, quarter, year) in the runbook's calendar. `dueTraining` says which are due now, each
 * with a key per group and period, so that a responder clock reminds of each once.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Training } from "@ir/core"
 * Training.dueTraining(defaultRunbook, new Date("2026-12-01T09:30:00Z")).map((due) => due.key)
 * // ["training:monthly:2026-12", "training:quarterly:2026-Q4", "training:annual:2026"]
 * ```
 */
import { nextBusinessTime } from "./BusinessCalendar.js"
import { fromLocal, toLocal } from "./internal/ZonedTime.js"
import type { Runbook, StepGroup } from "./Runbook.js"

/** How often a training group recurs, read from its `within` ("monthly", "quarterly", …). */
export type Period = "monthly" | "quarterly" | "annually"

/**
 * One training group due in the current period.
 *
 * @example
 * ```ts
 * import type { Training } from "@ir/core"
 * const line = (due: Training.DueTraining) => `${due.title}: ${due.items.join(", ")}`
 * ```
 */
export interface DueTraining {
  /** `training:<group id>:<period>`, e.g. `training:monthly:2026-12`: remind once per key. */
  readonly key: string
  readonly group: string
  readonly title: string
  readonly period: Period
  /** The period's label: `2026-12`, `2026-Q4`, `2026`. */
  readonly label: string
  /** The first business moment of the period. */
  readonly dueAt: Date
  /** The group's steps. */
  readonly items: ReadonlyArray<string>
}

/**
 * The period a training group recurs in, from its `within` wording; undefined for a group that
 * does not recur.
 *
 * @example
 * ```ts
 * import { Training } from "@ir/core"
 * Training.periodOf({ id: "monthly", title: "Monthly Drills", within: "monthly", steps: [] }) // "monthly"
 * ```
 */
export const periodOf = (group: Pick<StepGroup, "within">): Period | undefined => {
  const within = (group.within ?? "").toLowerCase()
  if (/\bmonth(ly)?\b|every month/.test(within)) return "monthly"
  if (/\bquarter(ly)?\b|every quarter/.test(within)) return "quarterly"
  if (/\bannual(ly)?\b|\byear(ly)?\b|every year/.test(within)) return "annually"
  return undefined
}

const firstMonth: Record<Period, (month: number) => number> = {
  monthly: (month) => month,
  quarterly: (month) => month - ((month - 1) % 3),
  annually: () => 1,
}

const labelOf = (period: Period, year: number, month: number): string =>
  period === "monthly"
    ? `${year}-${String(month).padStart(2, "0")}`
    : period === "quarterly"
      ? `${year}-Q${(month - 1) / 3 + 1}`
      : String(year)

/**
 * The recurring training groups due at `now`: those whose current period's first business
 * moment has come. Pure; `now` is the only clock.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Training } from "@ir/core"
 * Training.dueTraining(defaultRunbook, new Date("2026-11-30T12:00:00Z"))[0]?.key // "training:monthly:2026-11"
 * ```
 */
export const dueTraining = (
  runbook: Pick<Runbook, "training" | "calendar">,
  now: Date,
): ReadonlyArray<DueTraining> => {
  const zone = runbook.calendar.timeZone
  const today = toLocal(zone, now).date
  return runbook.training.flatMap((group): ReadonlyArray<DueTraining> => {
    const period = periodOf(group)
    if (period === undefined) return []
    const month = firstMonth[period](today.month)
    const start = fromLocal(zone, { date: { year: today.year, month, day: 1 }, timeOfDay: 0 })
    const dueAt = nextBusinessTime(runbook.calendar, start)
    if (dueAt.getTime() > now.getTime()) return []
    const label = labelOf(period, today.year, month)
    return [
      {
        key: `training:${group.id}:${label}`,
        group: group.id,
        title: group.title,
        period,
        label,
        dueAt,
        items: group.steps.map((step) => step.text),
      },
    ]
  })
}
