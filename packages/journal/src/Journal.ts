/**
 * The incident journal: every incident's events, append-only and durable. One interface, two
 * backends: a directory of JSON-lines files (the embedded default, nothing to install) and
 * PostgreSQL (a team's shared journal, many writers at once).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { openJournal } from "@ir/journal"
 * const program = Effect.gen(function* () {
 *   const journal = yield* openJournal({ backend: "file", dir: "/tmp/ir-journal" })
 *   const { incident } = yield* journal.open({
 *     at: new Date(), title: "System completely down", severity: "P0",
 *     playbooks: ["system-down"], summary: "Health check endpoint unreachable",
 *   })
 *   yield* journal.append(incident.humanId, [
 *     { type: "acknowledged", at: new Date(), by: "alice" },
 *   ], { expectedSequence: incident.sequence })
 *   yield* journal.close
 * })
 * ```
 */
import type {
  Incident,
  IncidentEvent,
  IncidentStatus,
  IncidentTransitionError,
  Maintenance,
  SeverityLevel,
} from "@ir/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { type FileJournalOptions, openFileJournal } from "./FileJournal.js"
import type {
  JournalConflict,
  JournalInvalidEvent,
  JournalNotFound,
  JournalUnavailable,
  MaintenanceWindowError,
} from "./JournalError.js"
import { openPostgresJournal, type PostgresJournalOptions } from "./PostgresJournal.js"

/**
 * What `open` needs: the fields of core's `opened` event except `type` and `incidentId` (the
 * journal assigns the id), and an optional deduplication key. Without `dedupKey`, `source.key`
 * (an Alertmanager fingerprint or group key) is used when present.
 *
 * @example
 * ```ts
 * import type { OpenInput } from "@ir/journal"
 * const input: OpenInput = {
 *   at: new Date("2026-11-28T10:00:00Z"), title: "High error rate", severity: "P1",
 *   playbooks: ["high-error-rate"], summary: "5xx above 5% for 5 minutes",
 *   source: { kind: "alert", key: "{}:{alertname=\"HighErrorRate\"}" },
 * }
 * ```
 */
export type OpenInput = Omit<IncidentEvent.EventOf<"opened">, "type" | "incidentId"> & {
  readonly dedupKey?: string
  /**
   * Events recorded with the opened event in the same atomic write (a `planned-maintenance`
   * flag the incident is born with), so that no reader, another replica's clock included, ever
   * sees the incident without them. Not recorded when the dedup key finds an existing incident.
   */
  readonly initialEvents?: ReadonlyArray<IncidentEvent.IncidentEvent>
}

/**
 * A torn record: the bytes a crashed writer left at the end of an incident file, without their
 * newline or not parseable. Every complete record before `offset` is kept; the torn bytes are
 * never acknowledged events.
 *
 * @example
 * ```ts
 * import type { TornRecord } from "@ir/journal"
 * const torn: TornRecord = { file: "/j/incidents/INC-2026-0001.jsonl", offset: 4096, length: 37 }
 * ```
 */
export interface TornRecord {
  readonly file: string
  /** Byte offset where the torn record starts (the end of the last complete record). */
  readonly offset: number
  readonly length: number
  /** Where the torn bytes were kept when the next write cut them off the incident file. */
  readonly preservedAs?: string
}

/**
 * An incident as the journal lists it: ids, the few fields one filters on, its sequence.
 *
 * @example
 * ```ts
 * import type { IncidentSummary } from "@ir/journal"
 * const line = (s: IncidentSummary) => `${s.humanId} ${s.severity} ${s.status} ${s.title}`
 * ```
 */
export interface IncidentSummary {
  /** Stable internal id (a UUID). */
  readonly id: string
  /** Human-friendly id, `INC-YYYY-NNNN`, also the `incidentId` of the opened event. */
  readonly humanId: string
  readonly dedupKey?: string
  readonly title: string
  readonly status: IncidentStatus
  readonly severity: SeverityLevel
  readonly playbooks: ReadonlyArray<string>
  readonly openedAt: Date
  readonly resolvedAt?: Date
  /** Number of events recorded; the `expectedSequence` for the next append. */
  readonly sequence: number
  /**
   * What `/metrics` measures of the incident at this sequence, when the backend keeps it with
   * the summary (the file journal's index; PostgreSQL's rows written since migration 4). When
   * absent, read the incident.
   */
  readonly figures?: SummaryFigures
}

/**
 * The figures of an incident a summary can carry: the dates of its lifecycle, the rule of each
 * escalation, and the action items still open. A few dozen bytes, so that a journal of 10,000
 * incidents is measured without reading each one.
 *
 * @example
 * ```ts
 * import type { SummaryFigures } from "@ir/journal"
 * const escalated = (f: SummaryFigures) => f.escalations.length > 0
 * ```
 */
export interface SummaryFigures {
  readonly acknowledgedAt?: Date
  readonly mitigatedAt?: Date
  /** The rule of each escalation recorded, in order. */
  readonly escalations: ReadonlyArray<string>
  /** The action items not done yet, with their due dates. */
  readonly openActionItems: ReadonlyArray<{ readonly due?: Date }>
}

/**
 * One incident read back: its summary, every event in order (event `n` has sequence `n`), the
 * folded state, and the torn record found at the end of its file, if any.
 *
 * @example
 * ```ts
 * import type { IncidentRecord } from "@ir/journal"
 * const last = (record: IncidentRecord) => record.events[record.sequence - 1]
 * ```
 */
export interface IncidentRecord extends IncidentSummary {
  readonly events: ReadonlyArray<IncidentEvent.IncidentEvent>
  readonly state: Incident
  readonly torn?: TornRecord
}

/**
 * Options of `read`. `atLeast`: a record at this sequence or later will do, such as the sequence
 * a summary just listed or an append just returned; a backend that holds one may return it
 * without asking its store (PostgreSQL does, sparing a query; the file journal reads as always).
 *
 * @example
 * ```ts
 * import type { ReadOptions } from "@ir/journal"
 * const options: ReadOptions = { atLeast: 4 }
 * ```
 */
export interface ReadOptions {
  readonly atLeast?: number
}

/**
 * The result of `open`: the incident, and whether this call created it (`false` when an
 * unresolved incident with the same dedup key already existed).
 *
 * @example
 * ```ts
 * import type { OpenResult } from "@ir/journal"
 * const say = (r: OpenResult) => (r.created ? "opened" : "already open as") + " " + r.incident.humanId
 * ```
 */
export interface OpenResult {
  readonly incident: IncidentRecord
  readonly created: boolean
}

/**
 * Options of `append`. `expectedSequence` is the sequence the caller read; when another writer
 * appended since, the append fails with `JournalConflict` and writes nothing. Leave it out to
 * append after whatever is there (the events are still checked against the current state).
 *
 * @example
 * ```ts
 * import type { AppendOptions } from "@ir/journal"
 * const options: AppendOptions = { expectedSequence: 4 }
 * ```
 */
export interface AppendOptions {
  readonly expectedSequence?: number
}

/**
 * The result of `append`: the incident's new sequence and state.
 *
 * @example
 * ```ts
 * import type { AppendResult } from "@ir/journal"
 * const next = (r: AppendResult) => ({ expectedSequence: r.sequence })
 * ```
 */
export interface AppendResult {
  readonly id: string
  readonly humanId: string
  readonly sequence: number
  readonly state: Incident
  /** A torn record cut off the file before this append (file backend only). */
  readonly repaired?: TornRecord
}

/**
 * Filter of `list`; every given criterion must hold. `openedAfter` is inclusive, `openedBefore`
 * exclusive. `resolvedOpenedAfter` (inclusive) applies to resolved incidents only: an incident in
 * progress matches whenever it was opened. Incidents come newest first.
 *
 * @example
 * ```ts
 * import type { ListFilter } from "@ir/journal"
 * const activeP0: ListFilter = { status: ["open", "acknowledged", "mitigated"], severity: "P0" }
 * // What a responder keeps in view: every incident in progress, and those resolved of the last 30 days
 * const inView: ListFilter = { resolvedOpenedAfter: new Date(Date.now() - 30 * 86_400_000) }
 * ```
 */
export interface ListFilter {
  readonly status?: IncidentStatus | ReadonlyArray<IncidentStatus>
  readonly severity?: SeverityLevel | ReadonlyArray<SeverityLevel>
  readonly playbook?: string
  readonly openedAfter?: Date
  readonly openedBefore?: Date
  readonly resolvedOpenedAfter?: Date
  readonly limit?: number
}

/**
 * What {@link Journal.listSettledApart} answers: every incident's summary but the settled ones,
 * and the stamp of the settled part.
 *
 * @example
 * ```ts
 * import type { SettledApart } from "@ir/journal"
 * const changed = (answer: SettledApart, known: string | undefined) => answer.settled !== known
 * ```
 */
export interface SettledApart {
  /** The summaries of every incident outside the settled part, as `list()` gives them. */
  readonly summaries: ReadonlyArray<IncidentSummary>
  /**
   * The settled part's stamp: while it stays the same, so do the part's incidents and their
   * summaries. It names this journal object's part; another process has its own.
   */
  readonly settled: string
  /**
   * Whether `visit` was given every summary of the settled part, in this call. When the stamp is
   * not the one given as `known` and this is false, the part is empty and whatever `visit` was
   * given is to be forgotten (a settled part found unreadable is read from the incidents' files
   * instead, and its incidents are then in `summaries`).
   */
  readonly visited: boolean
}

/**
 * Every failure a journal operation can have.
 *
 * @example
 * ```ts
 * import type { JournalError } from "@ir/journal"
 * const tag = (error: JournalError) => error._tag
 * ```
 */
export type JournalError =
  | JournalConflict
  | JournalUnavailable
  | JournalNotFound
  | JournalInvalidEvent
  | IncidentTransitionError

/**
 * An incident the journal cannot read: a damaged file or a row that does not decode. The journal
 * never skips one silently and never rewrites it: `list` and the dedup look-ups leave it out, so
 * every other incident stays readable and writable and new incidents still open, and `damaged`
 * names each (reading or appending to it fails with the same words).
 *
 * @example
 * ```ts
 * import type { JournalDamage } from "@ir/journal"
 * const line = (damage: JournalDamage) => `${damage.incidentId}: ${damage.location}: ${damage.problem}`
 * ```
 */
export interface JournalDamage {
  readonly incidentId: string
  /** Where: the file and the byte offset of the bad record, or the database and the event. */
  readonly location: string
  readonly problem: string
}

/**
 * A lease taken with `tryLease`: held until released, or until its holder dies (file journal: the
 * process is gone; PostgreSQL: its connection drops). `held` asks whether it still is, so that a
 * holder that lost it (a dropped connection, a lock file removed by hand) stops acting at once.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import type { JournalLease } from "@ir/journal"
 * const stillLeader = (lease: JournalLease) => Effect.runPromise(lease.held)
 * ```
 */
export interface JournalLease {
  readonly role: string
  /** Whether the lease is still this holder's. */
  readonly held: Effect.Effect<boolean>
  /** Gives the lease up (idempotent). */
  readonly release: Effect.Effect<void>
}

/**
 * The journal service. Wherever an incident id is expected, the human id (`INC-2026-0042`) and
 * the internal UUID are both accepted.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Journal } from "@ir/journal"
 * const activeIncidents = Effect.gen(function* () {
 *   const journal = yield* Journal
 *   return yield* journal.list({ status: ["open", "acknowledged", "mitigated"] })
 * })
 * ```
 */
export interface Journal {
  readonly backend: "file" | "postgres"
  /** The directory, or the database URL with its password removed. */
  readonly location: string
  /**
   * Opens an incident: assigns `INC-YYYY-NNNN` (the opened event's UTC year, a per-year counter)
   * and a UUID, and records the opened event. With a dedup key that an unresolved incident
   * already has, returns that incident with `created: false` instead.
   */
  readonly open: (
    input: OpenInput,
  ) => Effect.Effect<OpenResult, JournalUnavailable | JournalInvalidEvent | IncidentTransitionError>
  /** Appends events atomically, after checking each against the incident's state. */
  readonly append: (
    incidentId: string,
    events: ReadonlyArray<IncidentEvent.IncidentEvent>,
    options?: AppendOptions,
  ) => Effect.Effect<
    AppendResult,
    | JournalConflict
    | JournalNotFound
    | JournalUnavailable
    | JournalInvalidEvent
    | IncidentTransitionError
  >
  /** The incident as it stands (see {@link ReadOptions} for a read that a held copy may answer). */
  readonly read: (
    incidentId: string,
    options?: ReadOptions,
  ) => Effect.Effect<IncidentRecord, JournalNotFound | JournalUnavailable>
  readonly list: (
    filter?: ListFilter,
  ) => Effect.Effect<ReadonlyArray<IncidentSummary>, JournalUnavailable>
  /**
   * Every incident's summary, as `list()` gives them, with the settled part kept apart: the
   * incidents resolved long ago, which the file journal keeps in `index-settled.json` and reads
   * only when asked. Their summaries go to `visit`, one at a time, kept by neither side, unless
   * the part's stamp is still `known`: a caller that keeps only what it needs of them (the counts
   * and figures of `/metrics`) reads them when they change, not at each call, and never holds
   * thousands of summaries at once. The PostgreSQL journal keeps no settled part: every summary
   * is in `summaries`, and its stamp never changes.
   */
  readonly listSettledApart: (options: {
    readonly known?: string
    readonly visit: (summary: IncidentSummary) => void
  }) => Effect.Effect<SettledApart, JournalUnavailable>
  /** The most recent incident opened with this dedup key (unresolved, if one is). */
  readonly findByDedupKey: (
    key: string,
  ) => Effect.Effect<Option.Option<IncidentSummary>, JournalUnavailable>
  /**
   * Every incident still in progress (not resolved) that the journal cannot read, with where and
   * why (see {@link JournalDamage}); empty when all are sound. A resolved incident is final: its
   * damage shows when it is read (and, on the file backend, when a list returns resolved
   * incidents), so that the check costs what the incidents in progress cost, not the whole
   * history.
   */
  readonly damaged: Effect.Effect<ReadonlyArray<JournalDamage>, JournalUnavailable>
  /**
   * Runs `work` holding the incident's dispatch lock, so that of several processes (CLI runs,
   * `ir serve` replicas, an embedding service) only one at a time sends what the incident has
   * due and records it. Waits at most `waitMs` (default 60 s) for another holder, then fails
   * with `JournalUnavailable` (`busy`). File journal: a lock file per incident under
   * `dispatch/`, the journal's own lock implementation; PostgreSQL: an advisory lock on a
   * connection of the journal's pool (so the pool needs two connections: one for the lock, one
   * for the work).
   */
  readonly withDispatchLock: <A, E>(
    incidentId: string,
    work: Effect.Effect<A, E>,
    options?: { readonly waitMs?: number },
  ) => Effect.Effect<A, E | JournalUnavailable>
  /**
   * Takes the lease of `role` (the responder's clock: one leader among the processes sharing the
   * journal) when no live holder has it, without waiting: `None` while another process holds it.
   * File journal: a lock file `leases/<role>.lock` (a dead holder's is broken); PostgreSQL: an
   * advisory lock on a connection of the pool kept for the lease (the database frees it the
   * moment the holder's connection drops, a killed process included).
   */
  readonly tryLease: (
    role: string,
  ) => Effect.Effect<Option.Option<JournalLease>, JournalUnavailable>
  /**
   * Records a maintenance window (`ir maintenance start`) for every process sharing the journal.
   * Fails with `MaintenanceWindowError` (`duplicate-id`) when a window has its id. File journal:
   * a line appended and fsynced to `maintenance.jsonl` under the journal's lock; PostgreSQL: a
   * row of `maintenance_windows`.
   */
  readonly startMaintenance: (
    window: Maintenance.MaintenanceWindow,
  ) => Effect.Effect<Maintenance.MaintenanceWindow, MaintenanceWindowError | JournalUnavailable>
  /**
   * Ends a window early: its end becomes `at` (a window already over is returned unchanged).
   * Fails with `MaintenanceWindowError` (`no-such-window`) for an unknown id.
   */
  readonly endMaintenance: (
    windowId: string,
    at: Date,
    by?: string,
  ) => Effect.Effect<Maintenance.MaintenanceWindow, MaintenanceWindowError | JournalUnavailable>
  /** Every maintenance window recorded, over or not, in the order they were started. */
  readonly maintenanceWindows: Effect.Effect<
    ReadonlyArray<Maintenance.MaintenanceWindow>,
    JournalUnavailable
  >
  /**
   * Records `key` once for every process sharing the journal: something done outside any
   * incident that must not be done twice (a drill-schedule reminder). Succeeds with `true` when
   * this call recorded it, `false` when it already was. File journal: a line of `once.jsonl`,
   * fsynced under the journal's lock; PostgreSQL: a row of `once_keys`.
   */
  readonly recordOnce: (key: string, at: Date) => Effect.Effect<boolean, JournalUnavailable>
  /** Whether `key` was recorded by `recordOnce`. */
  readonly isRecorded: (key: string) => Effect.Effect<boolean, JournalUnavailable>
  /** Releases the lock files, the leases and the connection pool. Idempotent. */
  readonly close: Effect.Effect<void>
}

/**
 * The journal as an Effect service.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Journal, layer } from "@ir/journal"
 * const count = Effect.flatMap(Journal, (journal) => journal.list()).pipe(
 *   Effect.map((incidents) => incidents.length),
 *   Effect.provide(layer({ backend: "file", dir: "/tmp/ir-journal" })),
 * )
 * ```
 */
export const Journal = Context.GenericTag<Journal>("@ir/journal/Journal")

/**
 * Which journal to open: a directory (`dir` defaults to `$XDG_STATE_HOME/ir/journal`, see
 * `defaultJournalDir`) or a PostgreSQL URL.
 *
 * @example
 * ```ts
 * import type { JournalConfig } from "@ir/journal"
 * const team: JournalConfig = { backend: "postgres", url: "postgres://ir@db.internal/ir" }
 * const solo: JournalConfig = { backend: "file" }
 * ```
 */
export type JournalConfig =
  | ({ readonly backend: "file" } & FileJournalOptions)
  | ({ readonly backend: "postgres" } & PostgresJournalOptions)

/**
 * Opens the journal the configuration names. Close it with `journal.close` (or use `layer`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { openJournal } from "@ir/journal"
 * const journal = await Effect.runPromise(openJournal({ backend: "file", dir: "/tmp/ir-journal" }))
 * await Effect.runPromise(journal.close)
 * ```
 */
export const openJournal = (config: JournalConfig): Effect.Effect<Journal, JournalUnavailable> => {
  if (config.backend === "postgres") {
    const { backend: _, ...options } = config
    return openPostgresJournal(options)
  }
  const { backend: _, ...options } = config
  return openFileJournal(options)
}

/**
 * Opens the journal for the length of a scope and closes it when the scope ends.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { scoped } from "@ir/journal"
 * const titles = Effect.scoped(
 *   Effect.flatMap(scoped({ backend: "file", dir: "/tmp/ir-journal" }), (journal) => journal.list()),
 * )
 * ```
 */
export const scoped = (
  config: JournalConfig,
): Effect.Effect<Journal, JournalUnavailable, Scope.Scope> =>
  Effect.acquireRelease(openJournal(config), (journal) => journal.close)

/**
 * A layer providing `Journal`, opened when built and closed when released.
 *
 * @example
 * ```ts
 * import { layer } from "@ir/journal"
 * const JournalLive = layer({ backend: "postgres", url: process.env.DATABASE_URL ?? "" })
 * ```
 */
export const layer = (config: JournalConfig): Layer.Layer<Journal, JournalUnavailable> =>
  Layer.scoped(Journal, scoped(config))
