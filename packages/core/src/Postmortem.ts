/**
 * The post-mortem, from the runbook's policy (`escalation.postmortem`): when the meeting is
 * scheduled unless a responder says otherwise, and by when it must be held.
 *
 * @example
 * ```ts
 * import { defaultRunbook, Postmortem } from "@ir/core"
 * // resolved on a Friday evening: two business days from Monday 09:00
 * Postmortem.meetingAt(defaultRunbook, new Date("2026-11-27T18:00:00Z")).toISOString()
 * // "2026-12-01T17:00:00.000Z"
 * ```
 */
import { addBusinessDays, nextBusinessTime } from "./BusinessCalendar.js"
import { toMillis } from "./Duration.js"
import type { Runbook } from "./Runbook.js"

/** The default meeting time for an incident resolved at `resolvedAt`. */
export const meetingAt = (
  runbook: Pick<Runbook, "calendar" | "escalation">,
  resolvedAt: Date,
): Date =>
  addBusinessDays(
    runbook.calendar,
    nextBusinessTime(runbook.calendar, resolvedAt),
    runbook.escalation.postmortem.scheduleAfterBusinessDays,
  )

/** When the meeting must have been held, for an incident resolved at `resolvedAt`. */
export const deadline = (runbook: Pick<Runbook, "escalation">, resolvedAt: Date): Date =>
  new Date(resolvedAt.getTime() + toMillis(runbook.escalation.postmortem.within))
