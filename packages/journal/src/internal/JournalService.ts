// The Journal service over a backend's promise methods: one definition of how each operation
// becomes an Effect, for the file and the PostgreSQL backends alike. A backend says only how an
// unexpected failure of its own reads (`unwritable` directory, `unreachable` database).
import { IncidentTransitionError, type Maintenance } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type {
  AppendOptions,
  AppendResult,
  IncidentRecord,
  IncidentSummary,
  Journal,
  JournalDamage,
  JournalError,
  ListFilter,
  OpenInput,
  OpenResult,
  ReadOptions,
  SettledApart,
} from "../Journal.js"
import {
  JournalConflict,
  JournalInvalidEvent,
  JournalNotFound,
  JournalUnavailable,
  MaintenanceWindowError,
} from "../JournalError.js"

/** What a backend implements, as promises that reject with journal errors. */
export interface JournalBackend {
  readonly open: (input: OpenInput) => Promise<OpenResult>
  readonly append: (
    incidentId: string,
    events: Parameters<Journal["append"]>[1],
    options: AppendOptions,
  ) => Promise<AppendResult>
  readonly read: (incidentId: string, options?: ReadOptions) => Promise<IncidentRecord>
  readonly list: (filter: ListFilter) => Promise<ReadonlyArray<IncidentSummary>>
  readonly listSettledApart: (
    known: string | undefined,
    visit: (summary: IncidentSummary) => void,
  ) => Promise<SettledApart>
  readonly findByDedupKey: (key: string) => Promise<IncidentSummary | undefined>
  readonly damaged: () => Promise<ReadonlyArray<JournalDamage>>
  /** Takes a role's lease if free; resolves to its check and release, or undefined when held. */
  readonly tryLease: (role: string) => Promise<BackendLease | undefined>
  /** Takes the incident's dispatch lock; resolves to what releases it. */
  readonly holdDispatch: (incidentId: string, waitMs: number) => Promise<() => Promise<void>>
  readonly startMaintenance: (
    window: Maintenance.MaintenanceWindow,
  ) => Promise<Maintenance.MaintenanceWindow>
  readonly endMaintenance: (
    windowId: string,
    at: Date,
    by: string | undefined,
  ) => Promise<Maintenance.MaintenanceWindow>
  readonly maintenanceWindows: () => Promise<ReadonlyArray<Maintenance.MaintenanceWindow>>
  readonly recordOnce: (key: string, at: Date) => Promise<boolean>
  readonly isRecorded: (key: string) => Promise<boolean>
  readonly close: () => Promise<void>
}

/** A lease as a backend holds it. */
export interface BackendLease {
  readonly held: () => Promise<boolean>
  readonly release: () => Promise<void>
}

/** Whether a rejection is one of the journal's own errors (else it is unexpected). */
export const isJournalError = (error: unknown): error is JournalError =>
  error instanceof JournalConflict ||
  error instanceof JournalUnavailable ||
  error instanceof JournalNotFound ||
  error instanceof JournalInvalidEvent ||
  error instanceof IncidentTransitionError

/** The Journal service of a backend. */
export const journalService = (
  backend: Journal["backend"],
  location: string,
  impl: JournalBackend,
  /** What an unexpected failure (not a journal error) becomes. */
  unexpected: (error: unknown) => JournalUnavailable,
): Journal => {
  const attempt = <A, E extends JournalError | MaintenanceWindowError>(
    operation: () => Promise<A>,
  ): Effect.Effect<A, E | JournalUnavailable> =>
    Effect.tryPromise({
      try: operation,
      catch: (error) =>
        isJournalError(error) || error instanceof MaintenanceWindowError
          ? (error as E)
          : unexpected(error),
    })
  let closed: Promise<void> | undefined
  return {
    backend,
    location,
    open: (input) => attempt(() => impl.open(input)),
    append: (incidentId, events, options = {}) =>
      attempt(() => impl.append(incidentId, events, options)),
    read: (incidentId, options) => attempt(() => impl.read(incidentId, options)),
    list: (filter = {}) => attempt(() => impl.list(filter)),
    listSettledApart: ({ known, visit }) => attempt(() => impl.listSettledApart(known, visit)),
    findByDedupKey: (key) =>
      attempt<IncidentSummary | undefined, JournalUnavailable>(() => impl.findByDedupKey(key)).pipe(
        Effect.map(Option.fromNullable),
      ),
    damaged: attempt(() => impl.damaged()),
    withDispatchLock: (incidentId, work, options) =>
      Effect.acquireUseRelease(
        attempt<() => Promise<void>, JournalUnavailable>(() =>
          impl.holdDispatch(incidentId, options?.waitMs ?? 60_000),
        ),
        () => work,
        (release) => Effect.promise(release),
      ),
    tryLease: (role) =>
      attempt<BackendLease | undefined, JournalUnavailable>(() => impl.tryLease(role)).pipe(
        Effect.map((lease) => {
          if (lease === undefined) return Option.none()
          let released: Promise<void> | undefined
          return Option.some({
            role,
            held: Effect.promise(() =>
              released === undefined ? lease.held().catch(() => false) : Promise.resolve(false),
            ),
            release: Effect.promise(() => {
              released ??= lease.release().catch(() => undefined)
              return released
            }),
          })
        }),
      ),
    startMaintenance: (window) =>
      attempt<Maintenance.MaintenanceWindow, MaintenanceWindowError>(() =>
        impl.startMaintenance(window),
      ),
    endMaintenance: (windowId, at, by) =>
      attempt<Maintenance.MaintenanceWindow, MaintenanceWindowError>(() =>
        impl.endMaintenance(windowId, at, by),
      ),
    maintenanceWindows: attempt<ReadonlyArray<Maintenance.MaintenanceWindow>, JournalUnavailable>(
      () => impl.maintenanceWindows(),
    ),
    recordOnce: (key, at) => attempt<boolean, JournalUnavailable>(() => impl.recordOnce(key, at)),
    isRecorded: (key) => attempt<boolean, JournalUnavailable>(() => impl.isRecorded(key)),
    close: Effect.promise(() => {
      closed ??= impl.close().catch(() => undefined)
      return closed
    }),
  }
}
