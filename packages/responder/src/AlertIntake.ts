/**
 * Alert groups into incidents: a firing group opens an incident or joins the unresolved one with
 * its group key (the journal deduplicates, so several replicas receiving the same notification
 * open one incident), and a more severe alert joining raises the incident's severity
 * (`severity-changed`); a group whose alerts all resolved marks its incident mitigated (a person
 * resolves it, with the root cause). Core's `AlertGroup.plan` says what the incident is; this
 * records it, re-reading and retrying when another writer appended in between.
 *
 * @example
 * ```ts
 * import { AlertGroup, createPlaybookMapper, defaultRunbook } from "@ir/core"
 * import { openAlertGroup, type Responder } from "@ir/responder"
 * import * as Effect from "effect/Effect"
 * declare const responder: Responder
 * const alert = { labels: { alertname: "ServiceDown", severity: "P0" }, annotations: {}, fingerprint: "f1" }
 * const plan = AlertGroup.plan([{ alert, match: createPlaybookMapper(defaultRunbook, { now: () => new Date() })(alert) }], { labels: {}, annotations: {} }, "P2")
 * const opened = await Effect.runPromise(
 *   openAlertGroup(responder, { groupKey: '{}:{alertname="ServiceDown"}', by: "alertmanager:ir", plan }),
 * )
 * ```
 */
import { AlertGroup, type Maintenance, severityRank, TerminalText } from "@ir/core"
import type { IncidentRecord, Journal, JournalError } from "@ir/journal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { maintenanceCheck } from "./MaintenanceCheck.js"
import type { ResponderEvent } from "./Responder.js"

/**
 * What intake needs of a responder: its journal, its clock and (optionally) its log and its
 * configured maintenance windows (the journal's are read too).
 */
export interface Intake {
  readonly journal: Journal
  readonly now: () => Date
  readonly log?: (event: ResponderEvent) => void
  readonly maintenance?: ReadonlyArray<Maintenance.MaintenanceWindow>
  /**
   * The responder's `noteQuiet`: told what a resolution recorded, so that its clock need not
   * read the incident again to learn that nothing it could send fell due (see
   * `Responder.noteQuiet`, called with `deliverableOnly`).
   */
  readonly noteQuiet?: (
    record: Pick<IncidentRecord, "humanId" | "sequence" | "state">,
    at: Date,
    deliverableOnly?: boolean,
  ) => boolean
}

/** What recording an alert group did. */
export interface AlertIntakeResult {
  /** The incident opened or joined (absent: nothing open for a resolved group). */
  readonly record?: IncidentRecord
  /** Whether this call opened it. */
  readonly created: boolean
  /** Event types appended, in order. */
  readonly recorded: ReadonlyArray<string>
  /** The maintenance windows that kept the incident this call opened from paging. */
  readonly maintenance?: ReadonlyArray<Maintenance.MaintenanceWindow>
}

const isConflict = (error: JournalError): boolean => error._tag === "JournalConflict"
const clip = (text: string, limit: number) => TerminalText.forJournal(text, limit)

/** Opens (or joins) the incident of a firing group. */
export const openAlertGroup = (
  intake: Intake,
  input: {
    readonly groupKey: string
    /** Who reports it: `alertmanager:<receiver>`. */
    readonly by: string
    readonly plan: AlertGroup.AlertGroupPlan
  },
): Effect.Effect<AlertIntakeResult & { readonly record: IncidentRecord }, JournalError> =>
  Effect.gen(function* () {
    const { journal, now } = intake
    const { plan } = input
    const groupKey = clip(input.groupKey, AlertGroup.limits.key)
    const by = clip(input.by, AlertGroup.limits.by)
    const at = now()
    // Every firing alert under an active window: opened flagged, in the same write; nobody paged.
    const check = yield* maintenanceCheck(intake, plan, at)
    const opened = yield* journal.open({
      at,
      title: plan.title,
      severity: plan.severity,
      playbooks: [...plan.playbooks],
      summary: plan.summary,
      ...(plan.impact === undefined ? {} : { impact: plan.impact }),
      // the downtime starts when the alert started firing, not when it reached ir (never later
      // than the opening: a clock ahead of ours is ignored)
      ...(plan.startedAt === undefined || plan.startedAt.getTime() > at.getTime()
        ? {}
        : { startedAt: plan.startedAt }),
      source: { kind: "alert", key: groupKey },
      dedupKey: groupKey,
      by,
      ...(check.flag === undefined ? {} : { initialEvents: [check.flag] }),
    })
    const recorded: Array<string> = opened.created
      ? ["opened", ...(check.flag === undefined ? [] : ["flag-raised"])]
      : []
    if (opened.created) {
      intake.log?.({
        event: "opened",
        incidentId: opened.incident.humanId,
        severity: opened.incident.state.severity,
        title: opened.incident.title,
      })
      if (check.flag !== undefined)
        intake.log?.({
          event: "under-maintenance",
          incidentId: opened.incident.humanId,
          windows: check.covering.map((window) => window.id),
          note: check.flag.note ?? "",
        })
    }
    if (
      opened.created ||
      severityRank(plan.severity) >= severityRank(opened.incident.state.severity)
    )
      return {
        record: opened.incident,
        created: opened.created,
        recorded,
        ...(opened.created && check.covering.length > 0 ? { maintenance: check.covering } : {}),
      }
    // A more severe alert joined: raise the incident. Re-read on every attempt: a conflict means
    // another replica appended in between.
    const raised = yield* Effect.gen(function* () {
      const current = yield* journal.read(opened.incident.humanId)
      if (severityRank(plan.severity) >= severityRank(current.state.severity)) return current
      yield* journal.append(
        current.humanId,
        [
          {
            type: "severity-changed",
            at: now(),
            severity: plan.severity,
            reason: clip(`a ${plan.severity} alert joined the group: ${plan.leading[0]}`, 500),
            by,
          },
        ],
        { expectedSequence: current.sequence },
      )
      recorded.push("severity-changed")
      return yield* journal.read(current.humanId)
    }).pipe(Effect.retry({ times: 3, while: isConflict }))
    return { record: raised, created: false, recorded }
  })

/** Marks the unresolved incident of a group whose alerts all resolved mitigated (once). */
export const resolveAlertGroup = (
  intake: Intake,
  input: {
    readonly groupKey: string
    readonly by: string
    /** The resolved alerts' names. */
    readonly alertnames: ReadonlyArray<string>
  },
): Effect.Effect<AlertIntakeResult, JournalError> =>
  Effect.gen(function* () {
    const { journal, now } = intake
    const found = yield* journal.findByDedupKey(clip(input.groupKey, AlertGroup.limits.key))
    if (Option.isNone(found) || found.value.status === "resolved")
      return { created: false, recorded: [] }
    // At least as the look-up found it: a journal holding that much need not ask its store.
    const record = yield* journal.read(found.value.humanId, { atLeast: found.value.sequence })
    if (record.state.mitigatedAt !== undefined || record.state.status === "resolved")
      return { record, created: false, recorded: [] }
    const appended = yield* journal.append(
      record.humanId,
      [
        {
          type: "mitigated",
          at: now(),
          summary: clip(
            `Alertmanager reports every alert of the group resolved: ${[...new Set(input.alertnames)].join(", ")}`,
            2000,
          ),
          by: clip(input.by, AlertGroup.limits.by),
        },
      ],
      { expectedSequence: record.sequence },
    )
    const mitigated = yield* journal.read(record.humanId, { atLeast: appended.sequence })
    // Under an alert storm every resolution would otherwise be read again at the clock's next
    // tick, all of them at once.
    intake.noteQuiet?.(mitigated, now(), true)
    return { record: mitigated, created: false, recorded: ["mitigated"] }
  })
