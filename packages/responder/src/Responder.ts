/**
 * The incident workflow between the libraries and the adapters. A responder holds a journal, a
 * runbook and a messenger, and does for one incident, or for every incident in view, what the
 * runbook says is due:
 *
 * - `dispatch(id)`: under the incident's dispatch lock (`journal.withDispatchLock`), reads the
 *   incident, asks core's `escalate` what is due now, renders and delivers each message through
 *   the messenger, records each delivery (`notification-sent`, keyed), then PagerDuty's
 *   follow-ups (acknowledge, resolve). Exactly once per key across every process sharing the
 *   journal: a key recorded is never due again, and the lock makes reading and recording one step.
 * - `tick()`: `dispatch` for every incident in view (active, and resolved within 30 days for the
 *   resolution notice and the post-mortem), going on past a damaged or failing incident. An
 *   incident found with nothing due (or only messages no configured channel takes) is not read
 *   again until its journal sequence moves (anyone appended to it) or the moment core's
 *   `nextDueAt` names comes: a clock over thousands of open incidents reads only those that
 *   changed or fell due. The notes live in memory, or in a file (`loadQuietNotes`) for processes
 *   that make one pass each.
 * - `open(input)`: records a new incident (from a person or a triage) and dispatches what it has
 *   due at once, the page of a P0 first.
 *
 * The clock that calls `tick` (`runResponder`) and the alert intake (`openAlertGroup`) are
 * built on it.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * import { openJournal } from "@ir/journal"
 * import { Channel, createIncidentMessenger, withConfiguredChannels } from "@ir/notify"
 * import { createResponder } from "@ir/responder"
 * import * as Effect from "effect/Effect"
 * const channels = Channel.decodeChannels([{ id: "incidents", kind: "webhook", url: "http://127.0.0.1:9000/hook" }])
 * const runbook = withConfiguredChannels(defaultRunbook, channels)
 * const journal = await Effect.runPromise(openJournal({ backend: "file", dir: "/var/lib/ir" }))
 * const responder = createResponder({ journal, runbook, messenger: createIncidentMessenger({ runbook, channels }) })
 * const report = await Effect.runPromise(responder.tick())
 * console.log(report.dispatched.length, "incident(s) had something due")
 * ```
 */
import {
  activeStatuses,
  escalate,
  type Incident,
  type IncidentEvent,
  type Maintenance,
  nextDueAt,
  type Runbook,
  severityRaises,
  Training,
} from "@ir/core"
import type {
  AppendResult,
  IncidentRecord,
  IncidentSummary,
  Journal,
  JournalDamage,
  JournalError,
  OpenInput,
} from "@ir/journal"
import { JournalUnavailable } from "@ir/journal"
import {
  type Dispatch,
  deliverAll,
  type IncidentMessenger,
  type MessageRequest,
  trainingReminder,
} from "@ir/notify"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { maintenanceCheck, withMaintenanceFlag } from "./MaintenanceCheck.js"
import type { QuietNote, QuietNotes } from "./QuietNotes.js"

/**
 * What the responder reports as it works (for a log): each dispatch, each incident it could not
 * work on, and the clock's leadership.
 *
 * @example
 * ```ts
 * import type { ResponderEvent } from "@ir/responder"
 * const log = (event: ResponderEvent) => console.error(event.event, "incidentId" in event ? event.incidentId : "")
 * ```
 */
export type ResponderEvent =
  | {
      readonly event: "opened"
      readonly incidentId: string
      readonly severity: Incident["severity"]
      readonly title: string
    }
  | { readonly event: "dispatched"; readonly incidentId: string; readonly dispatch: Dispatch }
  | { readonly event: "busy"; readonly incidentId: string; readonly detail: string }
  | { readonly event: "failed"; readonly incidentId: string; readonly detail: string }
  | { readonly event: "damaged"; readonly damage: JournalDamage }
  | { readonly event: "leading"; readonly role: string }
  | { readonly event: "standing-by"; readonly role: string }
  | { readonly event: "lost-lead"; readonly role: string }
  | { readonly event: "tick-failed"; readonly detail: string }
  | {
      readonly event: "under-maintenance"
      readonly incidentId: string
      readonly windows: ReadonlyArray<string>
      readonly note: string
    }
  | { readonly event: "maintenance-unreadable"; readonly detail: string }
  | {
      readonly event: "training-reminded"
      readonly key: string
      readonly title: string
      readonly channels: ReadonlyArray<string>
    }
  | { readonly event: "training-failed"; readonly key: string; readonly detail: string }

/**
 * Options of {@link createResponder}.
 *
 * @example
 * ```ts
 * import type { ResponderOptions } from "@ir/responder"
 * const options = (base: ResponderOptions): ResponderOptions => ({ ...base, dispatchWaitMs: 30_000 })
 * ```
 */
export interface ResponderOptions {
  readonly journal: Journal
  /** The runbook, with the configured channels in it (`withConfiguredChannels`). */
  readonly runbook: Runbook
  /** Renders and delivers; its channels decide where each message goes. */
  readonly messenger: IncidentMessenger
  /** The time (default the system clock, read afresh for every decision). */
  readonly now?: () => Date
  /** How long `dispatch` waits for another process sending for the same incident (default 60 s). */
  readonly dispatchWaitMs?: number
  /** Told what the responder does (default: nothing). Never throws into the responder. */
  readonly log?: (event: ResponderEvent) => void
  /**
   * Maintenance windows from the configuration; those started with `ir maintenance start` are
   * read from the journal. An incident they cover is opened flagged `planned-maintenance`.
   */
  readonly maintenance?: ReadonlyArray<Maintenance.MaintenanceWindow>
  /**
   * Whether `tick` reminds the team's (internal) channels of the runbook's drill schedule
   * (`Training.dueTraining`: the monthly drills, quarterly reviews, annual training), each once
   * per period for every process sharing the journal (`journal.recordOnce`). Default false.
   */
  readonly trainingReminders?: boolean
  /**
   * Where the responder keeps what it found of incidents with nothing due (default: in memory,
   * for the responder's life). `loadQuietNotes` keeps them in a file, for processes that make one
   * pass each (see QuietNotes).
   */
  readonly quiet?: QuietNotes
}

/**
 * What `dispatch` came to: `done` with each message sent (or not) and the incident after it, or
 * `busy` when another process held the incident's dispatch lock for longer than the wait (it
 * sends what is due: nothing is lost).
 *
 * @example
 * ```ts
 * import type { DispatchRun } from "@ir/responder"
 * const sent = (run: DispatchRun) => (run.status === "done" ? run.dispatches.length : 0)
 * ```
 */
export type DispatchRun =
  | {
      readonly status: "done"
      readonly incident: Incident
      readonly dispatches: ReadonlyArray<Dispatch>
    }
  | { readonly status: "busy"; readonly detail: string }

/**
 * Options of `dispatch`.
 *
 * @example
 * ```ts
 * import type { DispatchOptions } from "@ir/responder"
 * const rehearsal: DispatchOptions = { dryRun: true }
 * ```
 */
export interface DispatchOptions {
  /** Render and route, send and record nothing. */
  readonly dryRun?: boolean
  /** A responder's own message, sent before what is due (`ir notify update`). */
  readonly first?: (incident: Incident) => MessageRequest
  /** Send only `first`, not what else is due. */
  readonly firstOnly?: boolean
  /** Deliver only to these channel ids. */
  readonly only?: ReadonlyArray<string>
  /** The triage assessment shown in the initial alert and the page. */
  readonly assessment?: MessageRequest["assessment"]
  /**
   * With `dryRun`: the journal sequence the caller has just read the incident at. The dry run
   * takes the journal's copy at that sequence or later (`read`'s `atLeast`) instead of asking
   * the database again. A dispatch that sends always reads the incident anew, under the lock.
   */
  readonly readAtLeast?: number
}

/**
 * Sending failed for a reason that is not the journal's: a bug, or a messenger that threw.
 *
 * @example
 * ```ts
 * import { DispatchFailed } from "@ir/responder"
 * new DispatchFailed({ incidentId: "INC-2026-0001", detail: "template error" }).message
 * ```
 */
export class DispatchFailed extends Data.TaggedError("DispatchFailed")<{
  readonly incidentId: string
  readonly detail: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `could not send for ${this.incidentId}: ${this.detail}`
  }
}

/**
 * What one `tick` did: the incidents it sent something for, those another process was busy with,
 * those it could not work on, and the damaged incidents the journal named.
 *
 * @example
 * ```ts
 * import type { TickReport } from "@ir/responder"
 * const quiet = (report: TickReport) => report.dispatched.length === 0 && report.failed.length === 0
 * ```
 */
export interface TickReport {
  readonly at: Date
  /** Incidents looked at. */
  readonly incidents: number
  readonly dispatched: ReadonlyArray<{
    readonly incidentId: string
    readonly dispatches: ReadonlyArray<Dispatch>
  }>
  readonly busy: ReadonlyArray<string>
  readonly failed: ReadonlyArray<{ readonly incidentId: string; readonly detail: string }>
  readonly damaged: ReadonlyArray<JournalDamage>
  /** Drill-schedule reminders sent by this tick (`trainingReminders`), by key. */
  readonly reminded: ReadonlyArray<string>
}

/**
 * What `act` did: the incident right after the events (`appended`), what was sent (with
 * `notify`), and the incident as it is now (`incident`, after what was sent was recorded).
 *
 * @example
 * ```ts
 * import type { ActResult } from "@ir/responder"
 * const status = (result: ActResult) => result.incident.state.status
 * ```
 */
export interface ActResult {
  readonly appended: AppendResult
  readonly sent?: DispatchRun
  readonly incident: IncidentRecord
}

/**
 * The responder.
 *
 * @example
 * ```ts
 * import type { Responder } from "@ir/responder"
 * import * as Effect from "effect/Effect"
 * const sendDue = (responder: Responder, id: string) => Effect.runPromise(responder.dispatch(id))
 * ```
 */
export interface Responder {
  readonly journal: Journal
  readonly runbook: Runbook
  readonly messenger: IncidentMessenger
  readonly now: () => Date
  /** The configured maintenance windows (the journal's are read when an incident opens). */
  readonly maintenance: ReadonlyArray<Maintenance.MaintenanceWindow>
  /** Tells the options' `log` (the clock and the alert intake report through it too). */
  readonly log: (event: ResponderEvent) => void
  /** Sends what the incident has due now, under its dispatch lock; see the module documentation. */
  readonly dispatch: (
    incidentId: string,
    options?: DispatchOptions,
  ) => Effect.Effect<DispatchRun, JournalError | DispatchFailed>
  /**
   * What a responder does to an incident (acknowledge, post an update, flag, mitigate, resolve):
   * appends the events, checked against the incident's state (with the severity changes a flag
   * calls for, `severityRaises` of core), then, with `notify`, sends what is
   * now due (and `first` before it), and reads the incident back. One path for the CLI, the board
   * and any embedding tool.
   */
  readonly act: (
    incidentId: string,
    events: ReadonlyArray<IncidentEvent.IncidentEvent>,
    options?: { readonly notify?: boolean } & Pick<DispatchOptions, "first">,
  ) => Effect.Effect<ActResult, JournalError | DispatchFailed>
  /** `dispatch` for every incident in view; failures of one incident are reported, not thrown. */
  readonly tick: () => Effect.Effect<TickReport, JournalError>
  /**
   * Records a new incident and dispatches what it has due (unless `notify: false`). When active
   * maintenance windows cover all its playbooks, it is recorded flagged `planned-maintenance`
   * (in the same write as its opening): its messages go out, saying so, and nobody is paged.
   */
  readonly open: (
    input: OpenInput,
    options?: { readonly notify?: boolean; readonly assessment?: MessageRequest["assessment"] },
  ) => Effect.Effect<
    {
      readonly incident: IncidentRecord
      readonly created: boolean
      readonly sent?: DispatchRun
      /** The maintenance windows that kept this new incident from paging (empty: none). */
      readonly maintenance: ReadonlyArray<Maintenance.MaintenanceWindow>
    },
    JournalError | DispatchFailed
  >
  /**
   * The incidents `tick` looks at, in one list of the journal: active ones, then those resolved
   * and opened within 30 days, each newest first.
   */
  readonly inView: () => Effect.Effect<ReadonlyArray<IncidentSummary>, JournalError>
  /**
   * Whether the incident is known to have nothing due at `at`: it was found so at its current
   * sequence, before `at`, and nothing can fall due between then and `at` (core's `nextDueAt`).
   * `tick` does not read such an incident.
   */
  readonly isQuiet: (incident: Pick<IncidentSummary, "humanId" | "sequence">, at: Date) => boolean
  /**
   * Notes what a read of the incident found at `at` (nothing due: quiet until `nextDueAt`;
   * something due: not quiet) and says whether it is quiet. `tick` and `dispatch` do it
   * themselves; a caller that reads incidents on its own (`ir escalate`) does it for the next.
   * With `deliverableOnly`, messages none of whose channels is configured do not count as due
   * (the clock would send them nowhere): what the clock's own first look and the alert intake
   * note, not a report of what is due.
   */
  readonly noteQuiet: (
    record: Pick<IncidentRecord, "humanId" | "sequence" | "state">,
    at: Date,
    deliverableOnly?: boolean,
  ) => boolean
  /** Forgets the notes of incidents not in `humanIds` (those out of view). */
  readonly forgetQuietExcept: (humanIds: ReadonlySet<string>) => void
}

/** Resolved incidents stay in view this long, for their resolution notice and post-mortem. */
export const resolvedWindowMs = 30 * 86_400_000

class JournalFailure {
  constructor(readonly error: JournalError) {}
}

/**
 * Reads of a tick's first look in flight at once: within the PostgreSQL journal's default pool
 * of 5 connections, one left for the dispatches and the receiver.
 */
const FIRST_LOOKS_AT_ONCE = 4

const run = async <A>(effect: Effect.Effect<A, JournalError>): Promise<A> => {
  const result = await Effect.runPromise(Effect.either(effect))
  if (Either.isLeft(result)) throw new JournalFailure(result.left)
  return result.right
}

/**
 * Creates a responder.
 *
 * @example
 * ```ts
 * import { createResponder, type ResponderOptions } from "@ir/responder"
 * const make = (options: ResponderOptions) => createResponder(options)
 * ```
 */
export const createResponder = (options: ResponderOptions): Responder => {
  const { journal, runbook, messenger } = options
  const now = options.now ?? (() => new Date())
  const waitMs = options.dispatchWaitMs ?? 60_000
  const maintenance = options.maintenance ?? []
  const log = (event: ResponderEvent) => {
    try {
      options.log?.(event)
    } catch {
      // a log that fails must not stop the responder
    }
  }

  /**
   * Incidents found with nothing due, by human id: the journal's sequence then, when, and the
   * moment something may next fall due (`nextDueAt`, or never without a new event). Until the
   * sequence or the clock passes it, `tick` does not read the incident.
   */
  const quiet: QuietNotes = options.quiet ?? new Map<string, QuietNote>()
  /**
   * Notes the incident quiet when nothing is due on it at `at`, or only messages that no
   * configured channel takes (`unrouted`, by key, as a dispatch found them: sending them again
   * changes nothing until the incident or the time does; with `deliverableOnly`, also every
   * message none of whose channels is configured); says whether it is.
   */
  const noteQuiet = (
    humanId: string,
    sequence: number,
    state: Incident,
    at: Date,
    unrouted: ReadonlySet<string> = new Set(),
    deliverableOnly = false,
  ): boolean => {
    const pending = (request: MessageRequest) =>
      !unrouted.has(request.key) && !(deliverableOnly && messenger.routesNowhere(request))
    if (
      escalate(runbook, state, at).some(
        (action) =>
          !unrouted.has(action.key) &&
          (!deliverableOnly || pending(messenger.requestFor(state, action))),
      ) ||
      messenger.pageFollowUps(state).some(pending)
    ) {
      quiet.delete(humanId)
      return false
    }
    const until = nextDueAt(runbook, state, at)?.getTime() ?? Number.POSITIVE_INFINITY
    quiet.set(humanId, { sequence, checkedAt: at.getTime(), until })
    return true
  }
  const forgetQuietExcept = (humanIds: ReadonlySet<string>): void => {
    for (const humanId of [...quiet.keys()]) if (!humanIds.has(humanId)) quiet.delete(humanId)
  }
  /** Whether a note taken at `sequence` still holds at `atMs`. */
  const holds = (known: QuietNote | undefined, sequence: number, atMs: number): boolean =>
    known !== undefined &&
    known.sequence === sequence &&
    known.checkedAt <= atMs &&
    atMs < known.until
  const stillQuiet = (incident: Pick<IncidentSummary, "humanId" | "sequence">, at: Date): boolean =>
    holds(quiet.get(incident.humanId), incident.sequence, at.getTime())

  const dispatch = (
    incidentId: string,
    dispatchOptions: DispatchOptions = {},
  ): Effect.Effect<DispatchRun, JournalError | DispatchFailed> => {
    const work = Effect.tryPromise({
      try: async (): Promise<DispatchRun> => {
        // Read under the lock (a dry run takes none): the time and the incident as they are when
        // it is our turn.
        const at = now()
        const record = await run(
          journal.read(
            incidentId,
            dispatchOptions.dryRun === true && dispatchOptions.readAtLeast !== undefined
              ? { atLeast: dispatchOptions.readAtLeast }
              : {},
          ),
        )
        let state = record.state
        let sequence = record.sequence
        const requests: Array<MessageRequest> = []
        if (dispatchOptions.first !== undefined) requests.push(dispatchOptions.first(state))
        if (dispatchOptions.firstOnly !== true) {
          for (const action of escalate(runbook, state, at))
            requests.push(messenger.requestFor(state, action))
        }
        const dispatches: Array<Dispatch> = []
        // Messages no configured channel takes, by key (not when sending to some only).
        const unrouted = new Set<string>()
        const sendAll = async (batch: ReadonlyArray<MessageRequest>) => {
          for (const plain of batch) {
            const request =
              dispatchOptions.assessment !== undefined &&
              (plain.message === "initial" || plain.message === "page")
                ? { ...plain, assessment: dispatchOptions.assessment }
                : plain
            const sent = await messenger.send(state, request, {
              now: at,
              ...(dispatchOptions.dryRun === true ? { dryRun: true } : {}),
              ...(dispatchOptions.only === undefined ? {} : { only: dispatchOptions.only }),
            })
            dispatches.push(sent)
            if (sent.outcome === "unrouted" && dispatchOptions.only === undefined)
              unrouted.add(request.key)
            if (sent.events.length > 0) {
              const appended = await run(journal.append(state.id, sent.events))
              state = appended.state
              sequence = appended.sequence
            }
            if (dispatchOptions.dryRun !== true)
              log({ event: "dispatched", incidentId: state.id, dispatch: sent })
          }
        }
        await sendAll(requests)
        // PagerDuty follows what the incident became (also what this dispatch recorded).
        if (dispatchOptions.firstOnly !== true) await sendAll(messenger.pageFollowUps(state))
        noteQuiet(record.humanId, sequence, state, at, unrouted)
        return { status: "done", incident: state, dispatches }
      },
      catch: (error) => error,
    })
    // A dry run sends and records nothing: it neither takes the lock nor waits for a responder
    // that holds it (one lock and one read of the incident fewer per incident on PostgreSQL).
    const held: Effect.Effect<DispatchRun, unknown> =
      dispatchOptions.dryRun === true
        ? work
        : journal.withDispatchLock(incidentId, work, { waitMs })
    return held.pipe(
      Effect.catchAll((error): Effect.Effect<DispatchRun, JournalError | DispatchFailed> => {
        if (error instanceof JournalFailure) return Effect.fail(error.error)
        if (error instanceof JournalUnavailable && error.reason === "busy") {
          log({ event: "busy", incidentId, detail: error.message })
          return Effect.succeed({ status: "busy", detail: error.message })
        }
        if (error instanceof JournalUnavailable) return Effect.fail(error)
        return Effect.fail(
          new DispatchFailed({
            incidentId,
            detail: error instanceof Error ? error.message : String(error),
            cause: error,
          }),
        )
      }),
    )
  }

  const act: Responder["act"] = (incidentId, events, actOptions = {}) =>
    Effect.gen(function* () {
      // A flag the runbook treats as a severity (data loss, a security breach) raises the
      // incident with it, in the same append: the new severity's page and deadlines apply at once.
      const current = yield* journal.read(incidentId)
      const appended = yield* journal.append(
        current.humanId,
        severityRaises(runbook, current.state, events),
      )
      const sent =
        actOptions.notify === true
          ? yield* dispatch(
              appended.humanId,
              actOptions.first === undefined ? {} : { first: actOptions.first },
            )
          : undefined
      const incident = yield* journal.read(appended.humanId)
      return { appended, incident, ...(sent === undefined ? {} : { sent }) }
    })

  // One list: a file journal goes over every incident file's name for each list.
  const inView = () =>
    Effect.map(
      journal.list({ resolvedOpenedAfter: new Date(now().getTime() - resolvedWindowMs) }),
      (incidents) => {
        const active = incidents.filter((incident) => activeStatuses.includes(incident.status))
        return active.length === incidents.length
          ? incidents
          : [
              ...active,
              ...incidents.filter((incident) => !activeStatuses.includes(incident.status)),
            ]
      },
    )

  const tick = () =>
    Effect.gen(function* () {
      const at = now()
      const incidents = yield* inView()
      const damaged = yield* journal.damaged
      const dispatched: Array<TickReport["dispatched"][number]> = []
      const busy: Array<string> = []
      const failed: Array<TickReport["failed"][number]> = []
      // Cheap first look without the lock, a few at once (a database journal answers them on
      // several connections): most incidents have nothing due most ticks. Only a few records
      // are held at a time: a first tick over a large journal reads hundreds of incidents.
      const atMs = at.getTime()
      let noted = 0
      const toLook = incidents.filter((incident) => {
        const known = quiet.get(incident.humanId)
        if (known !== undefined) noted += 1
        return !holds(known, incident.sequence, atMs)
      })
      // The notes of incidents out of view are forgotten, when there are any (a note for every
      // incident in view is the usual case, with thousands of them under an alert storm), and
      // before anything below waits: a note taken meanwhile (an incident opened during the
      // tick) stays.
      let notes = 0
      for (const _ of quiet.keys()) notes += 1
      if (notes > noted) forgetQuietExcept(new Set(incidents.map((incident) => incident.humanId)))
      for (let start = 0; start < toLook.length; start += FIRST_LOOKS_AT_ONCE) {
        const looked = yield* Effect.forEach(
          toLook.slice(start, start + FIRST_LOOKS_AT_ONCE),
          (incident) =>
            Effect.map(
              Effect.either(journal.read(incident.humanId)),
              (record) => [incident.humanId, record] as const,
            ),
          { concurrency: FIRST_LOOKS_AT_ONCE },
        )
        for (const [humanId, record] of looked) {
          // Only what a configured channel takes is worth the dispatch lock.
          if (
            Either.isRight(record) &&
            noteQuiet(humanId, record.right.sequence, record.right.state, at, new Set(), true)
          )
            continue
          const result = yield* Effect.either(dispatch(humanId))
          if (Either.isLeft(result)) {
            const detail = result.left.message
            failed.push({ incidentId: humanId, detail })
            log({ event: "failed", incidentId: humanId, detail })
          } else if (result.right.status === "busy") busy.push(humanId)
          else if (result.right.dispatches.length > 0)
            dispatched.push({ incidentId: humanId, dispatches: result.right.dispatches })
        }
      }
      const reminded = options.trainingReminders === true ? yield* remindTraining(at) : []
      return { at, incidents: incidents.length, dispatched, busy, failed, damaged, reminded }
    })

  /** Sends each due drill-schedule reminder not yet recorded, then records it (once each). */
  const remindTraining = (at: Date) =>
    Effect.gen(function* () {
      const sent: Array<string> = []
      const internal = new Set(
        runbook.channels
          .filter((channel) => channel.audience === "internal")
          .map((channel) => channel.id),
      )
      const channels = messenger.channels.filter((channel) => internal.has(channel.id))
      if (channels.length === 0) return sent
      for (const due of Training.dueTraining(runbook, at)) {
        if (yield* journal.isRecorded(due.key)) continue
        const results = yield* Effect.promise(() =>
          deliverAll(channels, trainingReminder(due, at), { idempotencyKey: due.key }),
        )
        const delivered = results
          .filter((result) => result.status === "delivered")
          .map((result) => result.channel)
        if (delivered.length === 0) {
          log({
            event: "training-failed",
            key: due.key,
            detail: results.map((result) => result.cause?.message ?? "").join("; "),
          })
          continue
        }
        yield* journal.recordOnce(due.key, at)
        sent.push(due.key)
        log({ event: "training-reminded", key: due.key, title: due.title, channels: delivered })
      }
      return sent
    })

  const open: Responder["open"] = (input, openOptions = {}) =>
    Effect.gen(function* () {
      const check = yield* maintenanceCheck(
        { journal, maintenance, log },
        { playbooks: input.playbooks },
        input.at,
      )
      const initialEvents = withMaintenanceFlag(input.initialEvents ?? [], check)
      const opened = yield* journal.open(
        initialEvents.length === 0 ? input : { ...input, initialEvents },
      )
      const covering = opened.created ? check.covering : []
      if (check.flag !== undefined && covering.length > 0)
        log({
          event: "under-maintenance",
          incidentId: opened.incident.humanId,
          windows: covering.map((window) => window.id),
          note: check.flag.note ?? "",
        })
      if (openOptions.notify === false || !opened.created)
        return { incident: opened.incident, created: opened.created, maintenance: covering }
      const sent = yield* dispatch(
        opened.incident.humanId,
        openOptions.assessment === undefined ? {} : { assessment: openOptions.assessment },
      )
      const incident =
        sent.status === "done"
          ? yield* Effect.orElseSucceed(
              journal.read(opened.incident.humanId),
              () => opened.incident,
            )
          : opened.incident
      return { incident, created: true, sent, maintenance: covering }
    })

  return {
    journal,
    runbook,
    messenger,
    now,
    maintenance,
    log,
    dispatch,
    act,
    tick,
    open,
    inView,
    isQuiet: stillQuiet,
    noteQuiet: (record, at, deliverableOnly) =>
      noteQuiet(record.humanId, record.sequence, record.state, at, new Set(), deliverableOnly),
    forgetQuietExcept,
  }
}
