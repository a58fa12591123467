/**
 * What follows an incident, as data: the action items agreed after it (recorded as
 * `action-item-added` and `action-item-done` events) and the steps of the runbook's
 * post-incident checklists (`checklist-step-done`). Pure: the time is always given.
 *
 * @example
 * ```ts
 * import { FollowUp, defaultRunbook, foldIncident } from "@ir/core"
 * const at = new Date("2026-11-28T10:00:00Z")
 * const incident = foldIncident([
 *   { type: "opened", incidentId: "INC-1", at, title: "Down", severity: "P1", playbooks: [],
 *     summary: "Down", source: { kind: "manual" } },
 * ])
 * FollowUp.nextItemId(incident) // "A1"
 * FollowUp.checklistStep(defaultRunbook, "immediate:2") // { group: "immediate", step: 1, text: "Update monitoring if needed" }
 * ```
 */
import type { ActionItem, Incident } from "./Incident.js"
import type { Runbook } from "./Runbook.js"

/** The id the next action item of the incident gets: `A1`, `A2`, … */
export const nextItemId = (incident: Pick<Incident, "actionItems">): string => {
  const taken = new Set(incident.actionItems.map((item) => item.item))
  let n = incident.actionItems.length + 1
  while (taken.has(`A${n}`)) n += 1
  return `A${n}`
}

/** A step of a post-incident checklist, as `group:number` names it (1-based). */
export interface ChecklistStepRef {
  readonly group: string
  /** Index in the group's steps, from 0. */
  readonly step: number
  readonly text: string
}

/** Why a checklist step reference does not name a step. */
export interface ChecklistStepProblem {
  readonly problem: string
}

/**
 * Reads `immediate:2` (the checklist's id and the step's number, from 1) against the runbook's
 * post-incident checklists.
 */
export const checklistStep = (
  runbook: Pick<Runbook, "postIncident">,
  reference: string,
): ChecklistStepRef | ChecklistStepProblem => {
  const groups = runbook.postIncident.map((group) => group.id)
  const match = /^([^:]+):(\d+)$/.exec(reference.trim())
  if (match === null)
    return {
      problem: `expected CHECKLIST:STEP, such as immediate:1 (checklists: ${groups.join(", ")}); got ${JSON.stringify(reference)}`,
    }
  const group = runbook.postIncident.find((candidate) => candidate.id === match[1])
  if (group === undefined)
    return {
      problem: `no checklist ${JSON.stringify(match[1])}: the runbook's are ${groups.join(", ")}`,
    }
  const number = Number(match[2])
  const step = group.steps[number - 1]
  if (step === undefined || number < 1)
    return {
      problem: `checklist ${group.id} has steps 1 to ${group.steps.length}; got ${number}`,
    }
  return { group: group.id, step: number - 1, text: step.text }
}

/** An action item still open, with its incident and whether it is past its due date. */
export interface OpenItem {
  readonly incidentId: string
  readonly item: ActionItem
  readonly overdue: boolean
}

/**
 * The action items not done yet across incidents, the overdue first (by due date), then those
 * with a due date, then the rest, each in the order they were added.
 */
export const openItems = (
  incidents: ReadonlyArray<Pick<Incident, "id" | "actionItems">>,
  now: Date,
): ReadonlyArray<OpenItem> =>
  incidents
    .flatMap((incident) =>
      incident.actionItems
        .filter((item) => item.doneAt === undefined)
        .map((item) => ({
          incidentId: incident.id,
          item,
          overdue: item.due !== undefined && item.due.getTime() <= now.getTime(),
        })),
    )
    .sort(
      (a, b) =>
        (a.item.due?.getTime() ?? Number.POSITIVE_INFINITY) -
          (b.item.due?.getTime() ?? Number.POSITIVE_INFINITY) ||
        a.item.addedAt.getTime() - b.item.addedAt.getTime(),
    )
