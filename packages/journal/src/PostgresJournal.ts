/**
 * The PostgreSQL journal: one journal shared by a team, written by several responders and
 * several receiver replicas at once. Events are rows keyed by (incident, sequence); an append
 * locks its incident's row, checks the sequence it expected and the incident's state, and
 * inserts the next sequences, so a racing append gets a typed `JournalConflict` and nothing is
 * lost or reordered. Incidents opened from alerts are deduplicated by a unique index over the
 * unresolved incidents' dedup keys. The schema is created and migrated on open.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { openPostgresJournal } from "@ir/journal"
 * const program = Effect.gen(function* () {
 *   const journal = yield* openPostgresJournal({ url: "postgres://ir@db.internal:5432/ir" })
 *   const active = yield* journal.list({ status: ["open", "acknowledged", "mitigated"] })
 *   yield* journal.close
 *   return active
 * })
 * ```
 */
import { type Incident, type IncidentEvent, type Maintenance, Redaction } from "@ir/core"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Pg from "pg"
import { AdvisoryLocks } from "./internal/AdvisoryLocks.js"
import { coalescing } from "./internal/Coalescer.js"
import {
  applyAll,
  decodeStoredEvent,
  encodeEvents,
  type NewIncident,
  newIncident,
} from "./internal/EventCodec.js"
import { IncidentView } from "./internal/IncidentView.js"
import { type BackendLease, journalService } from "./internal/JournalService.js"
import { decodeWindow, encodeWindow, endedAt } from "./internal/MaintenanceCodec.js"
import { migrate, quoteIdent } from "./internal/Migrations.js"
import { plannedEachRun, prepared } from "./internal/Prepared.js"
import {
  byNewest,
  decodeFigures,
  dedupKeyOf,
  encodeFigures,
  figuresOf,
  humanIdPattern,
  type IncidentMeta,
  summaryFilter,
  summaryOf,
  uuidPattern,
} from "./internal/Summary.js"
import type {
  AppendOptions,
  AppendResult,
  IncidentRecord,
  IncidentSummary,
  Journal,
  JournalDamage,
  ListFilter,
  OpenInput,
  OpenResult,
  ReadOptions,
  SettledApart,
  SummaryFigures,
} from "./Journal.js"
import {
  JournalConflict,
  JournalNotFound,
  JournalUnavailable,
  MaintenanceWindowError,
} from "./JournalError.js"

type Event = IncidentEvent.IncidentEvent
type MaintenanceWindow = Maintenance.MaintenanceWindow

/**
 * Options of the PostgreSQL journal.
 *
 * @example
 * ```ts
 * import type { PostgresJournalOptions } from "@ir/journal"
 * const options: PostgresJournalOptions = {
 *   url: "postgres://ir:secret@db.internal:5432/ir", schema: "ir_journal", poolSize: 5,
 * }
 * ```
 */
export interface PostgresJournalOptions {
  /** `postgres://user:password@host:port/database`; the password never appears in errors. */
  readonly url: string
  /** Schema holding the journal's tables, created if missing; default `ir_journal`. */
  readonly schema?: string
  /**
   * Connections in the pool; default 5. The dispatch locks and leases, which each keep a session
   * for as long as they are held, have a pool of their own of the same size, so that holders
   * never wait on the connections their own work needs.
   */
  readonly poolSize?: number
  /** Bound on opening a connection; default 5 s. */
  readonly connectTimeoutMs?: number
  /** Bound on each statement (and on waiting for a row lock); default 10 s. */
  readonly statementTimeoutMs?: number
}

interface CachedIncident {
  readonly meta: IncidentMeta
  readonly sequence: number
  readonly state: Incident
  readonly events: ReadonlyArray<Event>
}

interface IncidentRow {
  id: string
  human_id: string
  dedup_key: string | null
  title: string
  status: Incident["status"]
  severity: Incident["severity"]
  playbooks: Array<string>
  opened_at: Date
  resolved_at: Date | null
  sequence: number
  figures: unknown
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** Incidents whose events one query of `damaged` fetches. */
const CATCH_UP_BATCH = 500

/**
 * Resolved incidents kept in memory with their events, the most recently fetched or written: a
 * resolved incident is final, and a long-running `ir serve` otherwise kept every one it ever read.
 * Incidents in progress keep theirs (the responder and the receiver come back to them), as every
 * summary stays (see `summaries`).
 */
const MAX_RESOLVED_CACHED = 64

const errorField = (error: unknown, field: "code" | "constraint"): string | undefined =>
  typeof error === "object" && error !== null && field in error
    ? String((error as Record<string, unknown>)[field])
    : undefined

const isUniqueViolation = (error: unknown, constraint: string): boolean =>
  errorField(error, "code") === "23505" && errorField(error, "constraint") === constraint

/** Database failures as the journal reports them: a timeout is `busy`, the rest `unreachable`. */
const toUnavailable = (location: string, error: unknown): JournalUnavailable => {
  const code = errorField(error, "code")
  if (code === "57014" || code === "55P03")
    return new JournalUnavailable({
      reason: "busy",
      location,
      detail: "a statement or row lock waited longer than the statement timeout",
      cause: error,
    })
  return new JournalUnavailable({ reason: "unreachable", location, cause: error })
}

const summaryOfRow = (row: IncidentRow): IncidentSummary => ({
  id: row.id,
  humanId: row.human_id,
  ...(row.dedup_key === null ? {} : { dedupKey: row.dedup_key }),
  title: row.title,
  status: row.status,
  severity: row.severity,
  playbooks: row.playbooks,
  openedAt: row.opened_at,
  ...(row.resolved_at === null ? {} : { resolvedAt: row.resolved_at }),
  sequence: row.sequence,
  ...figuresOfRow(row),
})

/** The row's figures, when they were taken at its sequence (see migration 4). */
const figuresOfRow = (row: IncidentRow): { readonly figures?: SummaryFigures } => {
  const stored = row.figures as { readonly sequence?: unknown } | null
  if (stored === null || typeof stored !== "object" || stored.sequence !== row.sequence) return {}
  const figures = decodeFigures(stored)
  return figures === undefined ? {} : { figures }
}

/** The `figures` column of an incident at `sequence`. */
const figuresColumn = (state: Incident, sequence: number) => ({
  ...encodeFigures(figuresOf(state)),
  sequence,
})

const INCIDENT_COLUMNS =
  "id, human_id, dedup_key, title, status, severity, playbooks, opened_at, resolved_at, sequence, figures"

/**
 * How far back a view holds resolved incidents (by opening time): past the responder's 30 days.
 * A list asking for older resolved ones goes to the database.
 */
const VIEW_RESOLVED_MS = 35 * 86_400_000

/** A view is built anew after a day: the resolved incidents it no longer covers leave memory. */
const VIEW_REBUILD_MS = 86_400_000

/**
 * A row of a view's look: the oldest transaction still in progress when the statement read, and
 * an incident's id and sequence (null in the one row of a look that found nothing).
 */
interface LookedRow {
  horizon: string
  id: string | null
  sequence: number | null
}

/** The number a planned incident's opened event names until the database numbers it. */
const DRAFT_HUMAN_ID = "INC-0000-0000"

/** A `create` waiting for its batch (see `create`). */
interface PendingCreate {
  readonly fields: Omit<OpenInput, "dedupKey">
  readonly dedupKey: string | undefined
  readonly initialEvents: ReadonlyArray<Event>
  /** The incident as planned before its number is known (its opened event names a placeholder). */
  readonly draft: NewIncident
  readonly resolve: (result: OpenResult) => void
  readonly reject: (error: unknown) => void
}

class PostgresJournalImpl {
  private readonly cache = new Map<string, CachedIncident>()
  /**
   * The summary of every incident this process fetched or wrote, at the sequence it saw it (so
   * its events decoded up to there): what `list` and `damaged` take from memory instead of
   * fetching rows, a few hundred bytes each, kept after its events leave `cache`.
   */
  private readonly summaries = new Map<string, IncidentSummary>()
  /** The resolved incidents of `cache`, least recently fetched or written first. */
  private readonly resolvedCached = new Set<string>()
  /** The cached incidents' ids by human id (an append names either). */
  private readonly idByHumanId = new Map<string, string>()
  /** Leases held (given up when the journal closes, before the pool ends). */
  private readonly leases = new Set<() => Promise<void>>()
  /** Creates waiting for the transaction in flight to end (see `create`). */
  private readonly waitingCreates: Array<PendingCreate> = []
  private creating = false
  /**
   * The incidents a process that holds incidents lists again and again (see IncidentView), and
   * the oldest transaction in progress at its last look: the rows written since are those whose
   * `changed` (migration 6, set by a trigger) is not older. A transaction that committed after
   * the look had a transaction id at least that old, so no write is missed; some are read twice.
   */
  private view: { readonly incidents: IncidentView; horizon: string } | undefined
  /** Looks at the database for the view one at a time (each after the one before it). */
  private viewLook: Promise<unknown> = Promise.resolve()
  /**
   * The dispatch locks, on a session of the lock pool: a holder's work (reads, appends) takes
   * connections of the main pool, which holders of the lock must never exhaust (they would wait
   * on each other until the connect timeout).
   */
  private readonly dispatchLocks = new AdvisoryLocks(() => this.lockPool.connect())

  constructor(
    private readonly pool: Pg.Pool,
    /** Sessions that hold an advisory lock (dispatch locks, leases) for longer than a query. */
    private readonly lockPool: Pg.Pool,
    private readonly s: string,
    readonly location: string,
  ) {}

  async open(input: OpenInput): Promise<OpenResult> {
    const { dedupKey: _, initialEvents = [], ...fields } = input
    const dedupKey = dedupKeyOf(input)
    const draft = encodeEvents([{ ...fields, type: "opened", incidentId: "INC-0000-0000" }])
    if (Either.isLeft(draft)) throw draft.left
    // A racing open for the same key loses on the unique index; the next round returns the
    // winner's incident (or, if it was resolved in between, opens a new one).
    for (let round = 0; round < 5; round += 1) {
      if (dedupKey !== undefined) {
        const existing = await this.activeByDedupKey(dedupKey)
        if (existing !== undefined) {
          // Held at the sequence the row has: that is the incident as the look-up found it, so a
          // repeat of a firing alert costs this one query (else the row is read again).
          const cached = this.cache.get(existing.id)
          const incident =
            cached !== undefined && cached.sequence === existing.sequence
              ? this.record(cached)
              : await this.read(existing.id)
          return { incident, created: false }
        }
      }
      try {
        return await this.create(fields, dedupKey, initialEvents)
      } catch (error) {
        if (!isUniqueViolation(error, "incidents_active_dedup_key")) throw error
      }
    }
    throw new JournalUnavailable({
      reason: "busy",
      location: this.location,
      detail: `opening an incident for dedup key ${JSON.stringify(dedupKey)}`,
      cause: new Error("the incident for this key kept being opened and resolved concurrently"),
    })
  }

  /**
   * Creates the incident. Creates that arrive while this process has one in flight wait, and the
   * next transaction creates all of them (group commit): one step of each year's counter, one
   * insert of the incidents and one of their events, one commit. Opens take turns on the counter
   * row, so a storm of new alert groups went at the speed of one commit per incident. A batch
   * that fails as a whole (another process opened one of its keys meanwhile) is created again
   * one by one, so that only the open that collided sees it.
   */
  private create(
    fields: Omit<OpenInput, "dedupKey">,
    dedupKey: string | undefined,
    initialEvents: ReadonlyArray<Event>,
  ): Promise<OpenResult> {
    // Checked before it joins a batch: an open the journal refuses is refused alone.
    let draft: NewIncident
    try {
      draft = newIncident(fields, initialEvents, DRAFT_HUMAN_ID, dedupKey)
    } catch (error) {
      return Promise.reject(error)
    }
    return new Promise<OpenResult>((resolve, reject) => {
      this.waitingCreates.push({ fields, dedupKey, initialEvents, draft, resolve, reject })
      if (!this.creating) void this.createWaiting()
    })
  }

  private async createWaiting(): Promise<void> {
    this.creating = true
    try {
      while (this.waitingCreates.length > 0) {
        const batch = this.waitingCreates.splice(0)
        // Two creates of one key wait for the next batch: the second then meets the first.
        const keys = new Set<string>()
        const now: Array<PendingCreate> = []
        for (const waiting of batch) {
          if (waiting.dedupKey !== undefined && keys.has(waiting.dedupKey)) {
            this.waitingCreates.push(waiting)
            continue
          }
          if (waiting.dedupKey !== undefined) keys.add(waiting.dedupKey)
          now.push(waiting)
        }
        if (now.length > 1) {
          const created = await this.createTogether(now).then(
            (results) => Either.right(results),
            (error: unknown) => Either.left(error),
          )
          if (Either.isRight(created)) {
            for (const [index, waiting] of now.entries())
              waiting.resolve(created.right[index] as OpenResult)
            continue
          }
          // Only a collision on a key is one open's own; any other failure is every one's.
          if (!isUniqueViolation(created.left, "incidents_active_dedup_key")) {
            for (const waiting of now) waiting.reject(created.left)
            continue
          }
        }
        for (const waiting of now)
          await this.createTogether([waiting]).then(
            ([result]) => waiting.resolve(result as OpenResult),
            waiting.reject,
          )
      }
    } finally {
      this.creating = false
    }
  }

  /**
   * Creates `batch`, in its order, all of them or none, in one statement (one round trip, its own
   * transaction): each year's counter steps once for the batch, the incidents get the numbers it
   * returns, and their events follow, the opened event naming its incident's number.
   */
  private async createTogether(
    batch: ReadonlyArray<PendingCreate>,
  ): Promise<ReadonlyArray<OpenResult>> {
    const perYear = new Map<number, number>()
    const planned = batch.map((waiting, ordinal) => {
      const year = waiting.fields.at.getUTCFullYear()
      const rank = (perYear.get(year) ?? 0) + 1
      perYear.set(year, rank)
      return { ordinal, year, rank, waiting }
    })
    const years = [...perYear.keys()].sort((a, b) => a - b)
    const events = planned.flatMap(({ waiting: { draft } }) =>
      draft.events.map((event, index) => ({
        id: draft.meta.id,
        seq: index + 1,
        type: event.type,
        at: event.at,
        body: JSON.stringify(draft.stored[index]),
      })),
    )
    const { rows } = await this.pool.query<{ ordinal: number; human_id: string }>(
      prepared(
        `WITH wanted AS (
         SELECT year, count FROM unnest($1::integer[], $2::integer[]) AS wanted (year, count)
       ),
       counter AS (
         INSERT INTO ${this.s}.incident_counters (year, last)
         SELECT year, count FROM wanted ORDER BY year
         ON CONFLICT (year) DO UPDATE SET last = incident_counters.last + EXCLUDED.last
         RETURNING year, last
       ),
       planned AS (
         -- numbered as formatHumanId does: INC-<year>-<number, four digits at least>
         SELECT incident.*, 'INC-' || incident.year || '-' || lpad(number::text,
           greatest(4, length(number::text)), '0') AS human_id
         FROM jsonb_to_recordset($3::jsonb) AS incident (ordinal integer, year integer,
           rank integer, id uuid, dedup_key text, title text, status text, severity text,
           playbooks text[], opened_at timestamptz, sequence integer, figures jsonb)
         JOIN counter USING (year)
         JOIN wanted USING (year)
         CROSS JOIN LATERAL (SELECT counter.last - wanted.count + incident.rank AS number) AS numbered
       ),
       created AS (
         INSERT INTO ${this.s}.incidents
           (id, human_id, dedup_key, title, status, severity, playbooks, opened_at, sequence,
            figures)
         SELECT id, human_id, dedup_key, title, status, severity, playbooks, opened_at, sequence,
           figures
         FROM planned ORDER BY ordinal
       ),
       recorded AS (
         INSERT INTO ${this.s}.incident_events (incident_id, seq, type, at, body)
         SELECT event.id, event.seq, event.type, event.at,
           CASE WHEN event.seq = 1
             THEN jsonb_set(event.body, '{incidentId}', to_jsonb(planned.human_id))
             ELSE event.body END
         FROM unnest($4::uuid[], $5::integer[], $6::text[], $7::timestamptz[], $8::jsonb[])
           AS event (id, seq, type, at, body)
         JOIN planned ON planned.id = event.id
       )
       SELECT ordinal, human_id FROM planned ORDER BY ordinal`,
        [
          years,
          years.map((year) => perYear.get(year) as number),
          JSON.stringify(
            planned.map(({ ordinal, year, rank, waiting: { draft } }) => ({
              ordinal,
              year,
              rank,
              id: draft.meta.id,
              dedup_key: draft.meta.dedupKey ?? null,
              title: draft.state.title,
              status: draft.state.status,
              severity: draft.state.severity,
              playbooks: draft.state.playbooks,
              opened_at: draft.state.openedAt.toISOString(),
              sequence: draft.events.length,
              figures: figuresColumn(draft.state, draft.events.length),
            })),
          ),
          events.map((event) => event.id),
          events.map((event) => event.seq),
          events.map((event) => event.type),
          events.map((event) => event.at),
          events.map((event) => event.body),
        ],
      ),
    )
    return planned.map(({ ordinal, waiting }) => {
      const humanId = rows[ordinal]?.human_id
      if (humanId === undefined)
        throw new JournalUnavailable({
          reason: "corrupt",
          location: this.location,
          cause: new Error("the database created fewer incidents than it was given"),
        })
      // The same incident with its number: what a reader of the rows just written decodes.
      const numbered = newIncident(waiting.fields, waiting.initialEvents, humanId, waiting.dedupKey)
      const cached: CachedIncident = {
        meta: { ...numbered.meta, id: waiting.draft.meta.id },
        sequence: numbered.events.length,
        state: numbered.state,
        events: numbered.events,
      }
      this.remember(cached)
      return { incident: this.record(cached), created: true }
    })
  }

  async append(
    incidentId: string,
    events: ReadonlyArray<Event>,
    options: AppendOptions,
  ): Promise<AppendResult> {
    const encoded = encodeEvents(events)
    if (Either.isLeft(encoded)) throw encoded.left
    const canonical = encoded.right.map((stored) => Either.getOrThrow(decodeStoredEvent(stored)))
    const fast = await this.appendToKnownState(incidentId, canonical, encoded.right, options)
    if (fast !== undefined) return fast
    const next = await this.transaction(async (client) => {
      // The row lock serialises appends to one incident across every connection and replica.
      const row = await this.incidentRow(client, incidentId, "FOR UPDATE")
      if (options.expectedSequence !== undefined && options.expectedSequence !== row.sequence)
        throw new JournalConflict({
          reason: "sequence-conflict",
          incidentId: row.human_id,
          expectedSequence: options.expectedSequence,
          actualSequence: row.sequence,
        })
      const current = await this.catchUp(client, row)
      const state = applyAll(current.state, canonical)
      if (Either.isLeft(state)) throw state.left
      if (canonical.length === 0) return current
      const values: Array<unknown> = [row.id]
      const tuples = canonical.map((event, index) => {
        values.push(
          row.sequence + index + 1,
          event.type,
          event.at,
          JSON.stringify(encoded.right[index]),
        )
        const p = values.length
        return `($1, $${p - 3}, $${p - 2}, $${p - 1}, $${p})`
      })
      try {
        await client.query(
          `INSERT INTO ${this.s}.incident_events (incident_id, seq, type, at, body)
           VALUES ${tuples.join(", ")}`,
          values,
        )
      } catch (error) {
        // Only a writer that bypassed the row lock can take our sequence; the key still holds.
        if (isUniqueViolation(error, "incident_events_pkey"))
          throw new JournalConflict({
            reason: "sequence-conflict",
            incidentId: row.human_id,
            expectedSequence: row.sequence,
            actualSequence: -1,
            cause: error,
          })
        throw error
      }
      const sequence = row.sequence + canonical.length
      await client.query(
        `UPDATE ${this.s}.incidents
         SET sequence = $2, status = $3, severity = $4, resolved_at = $5, figures = $6,
           updated_at = now()
         WHERE id = $1`,
        [
          row.id,
          sequence,
          state.right.status,
          state.right.severity,
          state.right.resolvedAt ?? null,
          JSON.stringify(figuresColumn(state.right, sequence)),
        ],
      )
      return {
        meta: current.meta,
        sequence,
        state: state.right,
        events: [...current.events, ...canonical],
      } satisfies CachedIncident
    })
    this.remember(next)
    return {
      id: next.meta.id,
      humanId: next.meta.humanId,
      sequence: next.sequence,
      state: next.state,
    }
  }

  /**
   * The common case in one statement (one round trip, one commit): this process's cached state is
   * the incident's latest, as when one responder or receiver writes in turn. The statement only
   * writes if the incident is still at the cached sequence (checked under the row lock); when it
   * is not, or the events do not apply to the cached state, the caller takes the full path,
   * which reads the latest state and gives the authoritative answer.
   */
  private async appendToKnownState(
    incidentId: string,
    canonical: ReadonlyArray<Event>,
    stored: ReadonlyArray<unknown>,
    options: AppendOptions,
  ): Promise<AppendResult | undefined> {
    const cached = this.cache.get(this.idByHumanId.get(incidentId) ?? incidentId)
    if (cached === undefined || canonical.length === 0) return undefined
    if (options.expectedSequence !== undefined && options.expectedSequence !== cached.sequence)
      return undefined
    const state = applyAll(cached.state, canonical)
    if (Either.isLeft(state)) return undefined
    const sequence = cached.sequence + canonical.length
    const { rowCount } = await this.pool.query(
      prepared(
        `WITH locked AS (
         SELECT id FROM ${this.s}.incidents WHERE id = $1 AND sequence = $2 FOR UPDATE
       ), inserted AS (
         INSERT INTO ${this.s}.incident_events (incident_id, seq, type, at, body)
         SELECT locked.id, event.seq, event.type, event.at, event.body
         FROM locked, unnest($3::integer[], $4::text[], $5::timestamptz[], $6::jsonb[])
           AS event (seq, type, at, body)
         RETURNING 1
       )
       UPDATE ${this.s}.incidents
       SET sequence = $7, status = $8, severity = $9, resolved_at = $10, figures = $12,
         updated_at = now()
       WHERE id = (SELECT id FROM locked) AND (SELECT count(*) FROM inserted) = $11`,
        [
          cached.meta.id,
          cached.sequence,
          canonical.map((_, index) => cached.sequence + index + 1),
          canonical.map((event) => event.type),
          canonical.map((event) => event.at),
          stored.map((event) => JSON.stringify(event)),
          sequence,
          state.right.status,
          state.right.severity,
          state.right.resolvedAt ?? null,
          canonical.length,
          JSON.stringify(figuresColumn(state.right, sequence)),
        ],
      ),
    )
    if (rowCount !== 1) return undefined
    const next: CachedIncident = {
      meta: cached.meta,
      sequence,
      state: state.right,
      events: [...cached.events, ...canonical],
    }
    this.remember(next)
    return { id: next.meta.id, humanId: next.meta.humanId, sequence, state: next.state }
  }

  /**
   * Takes the lease of `role` when free: a session advisory lock on a connection of the pool kept
   * for as long as the lease (PostgreSQL frees it when that connection drops: a killed holder's
   * lease is free at once). `held` asks the database on that connection.
   */
  async tryLease(role: string): Promise<BackendLease | undefined> {
    const key = `ir-lease:${this.s}:${role}`
    const client = await this.lockPool.connect()
    let locked = false
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked",
        [key],
      )
      locked = rows[0]?.locked === true
    } finally {
      if (!locked) client.release()
    }
    if (!locked) return undefined
    let lost = false
    const giveUp = async () => {
      if (!this.leases.delete(giveUp)) return
      try {
        if (lost) throw new Error("connection lost")
        await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key])
        client.release()
      } catch (error) {
        client.release(error instanceof Error ? error : true)
      }
    }
    this.leases.add(giveUp)
    return {
      held: async () => {
        if (lost || !this.leases.has(giveUp)) return false
        // A session's advisory lock lasts as long as the session: the connection answering is
        // the lease being held.
        try {
          await client.query("SELECT 1")
          return true
        } catch {
          lost = true
          return false
        }
      },
      release: giveUp,
    }
  }

  /**
   * Takes the incident's dispatch lock: a session advisory lock, tried until `waitMs`, on the
   * session this process keeps for them (see AdvisoryLocks.ts: the locks taken at once go in one
   * statement, and a dropped connection releases them). Resolves to what releases it.
   */
  async holdDispatch(incidentId: string, waitMs: number): Promise<() => Promise<void>> {
    const release = await this.dispatchLocks.hold(
      `ir-dispatch:${this.s}:${incidentId}`,
      Date.now() + waitMs,
    )
    if (release === undefined)
      throw new JournalUnavailable({
        reason: "busy",
        location: this.location,
        detail: `the dispatch lock of ${incidentId}`,
        cause: new Error(`another process held it for more than ${Math.round(waitMs / 1000)} s`),
      })
    return release
  }

  /**
   * Every incident in progress whose events do not decode or fold, each read (and cached) once.
   * Resolved incidents are final (see Journal.damaged): their events are decoded when read.
   */
  async damaged(): Promise<ReadonlyArray<JournalDamage>> {
    // Only the sequences first: the rows of incidents this process holds up to date (all of
    // them, in a long-running process) are not fetched again (see `list`); a process whose
    // lists built a view has them from it.
    const sequences: ReadonlyArray<{ readonly id: string; readonly sequence: number }> =
      this.view !== undefined
        ? (await this.lookAgain()).unresolved()
        : (
            await this.pool.query<{ id: string; sequence: number }>(
              `SELECT id, sequence FROM ${this.s}.incidents WHERE status <> 'resolved'`,
            )
          ).rows
    const behind = sequences
      .filter((row) => this.summaries.get(row.id)?.sequence !== row.sequence)
      .map((row) => row.id)
    if (behind.length === 0) return []
    const { rows } = await this.pool.query<IncidentRow>(
      `SELECT ${INCIDENT_COLUMNS} FROM ${this.s}.incidents
       WHERE id = ANY($1::uuid[]) AND status <> 'resolved'
       ORDER BY opened_at, human_id`,
      [behind],
    )
    const client = await this.pool.connect()
    try {
      const damage = await this.catchUpAll(client, rows)
      return rows.flatMap((row) => {
        const error = damage.get(row.id)
        if (error === undefined) return []
        return [
          {
            incidentId: row.human_id,
            location: error.location,
            problem: error.cause instanceof Error ? error.cause.message : String(error.cause),
          },
        ]
      })
    } finally {
      client.release()
    }
  }

  async read(incidentId: string, options: ReadOptions = {}): Promise<IncidentRecord> {
    if (options.atLeast !== undefined) {
      const cached = this.cache.get(this.idByHumanId.get(incidentId) ?? incidentId.toLowerCase())
      if (cached !== undefined && cached.sequence >= options.atLeast) return this.record(cached)
    }
    const key = uuidPattern.test(incidentId) ? incidentId.toLowerCase() : incidentId
    const row =
      uuidPattern.test(key) || humanIdPattern.test(key) ? await this.lookUpRow(key) : undefined
    if (row === undefined)
      throw new JournalNotFound({
        reason: "no-such-incident",
        incidentId,
        location: this.location,
      })
    const held = this.upToDate(row)
    if (held !== undefined && held.sequence === row.sequence) return this.record(held)
    const client = await this.pool.connect()
    try {
      return this.record(await this.catchUp(client, row))
    } finally {
      client.release()
    }
  }

  /**
   * The rows of incidents read at once, by UUID (lower case) or human id, in one query (see
   * Coalescer.ts): under a storm every new incident's dispatch reads its row under the lock.
   * Planned at each run (see `plannedEachRun`).
   */
  private readonly lookUpRow = coalescing<string, IncidentRow>(async (keys) => {
    const uuids = keys.filter((key) => uuidPattern.test(key))
    const humanIds = keys.filter((key) => !uuidPattern.test(key))
    const { rows } = await this.pool.query<IncidentRow>(
      plannedEachRun(
        `SELECT ${INCIDENT_COLUMNS} FROM ${this.s}.incidents
         WHERE id = ANY($1::uuid[]) OR human_id = ANY($2::text[])`,
        [uuids, humanIds],
      ),
    )
    const found = new Map<string, IncidentRow>()
    for (const row of rows) {
      found.set(row.id, row)
      found.set(row.human_id, row)
    }
    return found
  })

  /** No settled part here: every list asks the database (see `Journal.listSettledApart`). */
  async listSettledApart(): Promise<SettledApart> {
    return { summaries: await this.list({}), settled: "none", visited: true }
  }

  async list(filter: ListFilter): Promise<ReadonlyArray<IncidentSummary>> {
    const conditions: Array<string> = []
    const values: Array<unknown> = []
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      values.push(value)
      conditions.push(sql(`$${values.length}`))
    }
    const asArray = <A>(value: A | ReadonlyArray<A>): Array<A> =>
      Array.isArray(value) ? [...value] : [value as A]
    if (filter.status !== undefined) add((p) => `status = ANY(${p})`, asArray(filter.status))
    if (filter.severity !== undefined) add((p) => `severity = ANY(${p})`, asArray(filter.severity))
    if (filter.playbook !== undefined) add((p) => `${p} = ANY(playbooks)`, filter.playbook)
    if (filter.openedAfter !== undefined) add((p) => `opened_at >= ${p}`, filter.openedAfter)
    if (filter.openedBefore !== undefined) add((p) => `opened_at < ${p}`, filter.openedBefore)
    if (filter.resolvedOpenedAfter !== undefined)
      add((p) => `(status <> 'resolved' OR opened_at >= ${p})`, filter.resolvedOpenedAfter)
    const where = conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`
    const limit = filter.limit === undefined ? "" : `LIMIT ${Math.max(0, Math.floor(filter.limit))}`
    const order = `ORDER BY opened_at DESC, human_id DESC ${limit}`
    // A process that holds incidents (`ir serve`: the responder's clock lists those in view
    // every tick) answers from its view what the view covers, after one query for the rows
    // written since its last look.
    if (
      this.summaries.size > 0 &&
      (filter.status !== undefined ||
        filter.openedAfter !== undefined ||
        filter.resolvedOpenedAfter !== undefined)
    ) {
      const view = await this.lookAgain()
      if (view.covers(filter)) return view.list(filter)
    }
    if (this.summaries.size === 0) {
      const { rows } = await this.pool.query<IncidentRow>(
        `SELECT ${INCIDENT_COLUMNS} FROM ${this.s}.incidents ${where} ${order}`,
        values,
      )
      return rows.map(summaryOfRow)
    }
    // A process that holds incidents (`ir serve`: the responder's clock lists those in view
    // every tick) asks for the sequences first, and takes the summary of each incident it holds
    // at that sequence from memory: decoding thousands of full rows every tick held the event
    // loop for tens of milliseconds. The others' rows come in a second query.
    const { rows: sequences } = await this.pool.query<{ id: string; sequence: number }>(
      `SELECT id, sequence FROM ${this.s}.incidents ${where} ${order}`,
      values,
    )
    const held = sequences.map((row) => {
      const summary = this.summaries.get(row.id)
      return summary !== undefined && summary.sequence === row.sequence ? summary : undefined
    })
    const missing = sequences.filter((_, index) => held[index] === undefined).map((row) => row.id)
    const fetched = new Map<string, IncidentSummary>()
    if (missing.length > 0) {
      const { rows } = await this.pool.query<IncidentRow>(
        `SELECT ${INCIDENT_COLUMNS} FROM ${this.s}.incidents WHERE id = ANY($1::uuid[])`,
        [missing],
      )
      // A row that changed in between is taken as it is now, if it still matches.
      const matches = summaryFilter(filter)
      for (const row of rows) {
        const summary = summaryOfRow(row)
        if (matches(summary)) fetched.set(row.id, summary)
      }
    }
    return sequences.flatMap((row, index) => {
      const summary = held[index] ?? fetched.get(row.id)
      return summary === undefined ? [] : [summary]
    })
  }

  /** The view, brought up to date (built first when there is none, or it is a day old). */
  private lookAgain(): Promise<IncidentView> {
    const look = this.viewLook.then(
      () => this.look(),
      () => this.look(),
    )
    this.viewLook = look.catch(() => undefined)
    return look
  }

  private async look(): Promise<IncidentView> {
    const now = Date.now()
    const current = this.view
    if (current !== undefined && now - current.incidents.builtAt < VIEW_REBUILD_MS) {
      current.horizon = await this.bringIn(current.incidents, "changed >= $1::xid8", [
        current.horizon,
      ])
      return current.incidents
    }
    const incidents = new IncidentView(now - VIEW_RESOLVED_MS, now)
    const horizon = await this.bringIn(incidents, "status <> 'resolved' OR opened_at >= $1", [
      new Date(incidents.coveredFrom),
    ])
    this.view = { incidents, horizon }
    return incidents
  }

  /**
   * Puts the rows `where` selects into the view, unless the view holds them at their sequence;
   * returns the oldest transaction in progress when they were read. The sequences come first:
   * the summary of an incident this process holds at its sequence (one it opened or wrote, in
   * `ir serve`) is not fetched; the others' rows are, in a second query.
   */
  private async bringIn(
    view: IncidentView,
    where: string,
    values: ReadonlyArray<unknown>,
  ): Promise<string> {
    // Planned at each run (see `plannedEachRun`): only the rows changed since the last look.
    const { rows } = await this.pool.query<LookedRow>(
      plannedEachRun(
        `SELECT look.horizon::text AS horizon, incident.id, incident.sequence
         FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) AS look
         LEFT JOIN LATERAL (SELECT id, sequence FROM ${this.s}.incidents WHERE ${where}) AS incident
         ON true`,
        values,
      ),
    )
    const taken: Array<IncidentSummary> = []
    const take = (summary: IncidentSummary) => {
      // An incident the view does not hold yet, resolved and opened before what it covers,
      // stays out of memory.
      if (
        view.get(summary.id) !== undefined ||
        summary.status !== "resolved" ||
        summary.openedAt.getTime() >= view.coveredFrom
      )
        taken.push(summary)
    }
    const missing: Array<string> = []
    for (const row of rows) {
      if (row.id === null || view.get(row.id)?.sequence === row.sequence) continue
      const held = this.summaries.get(row.id)
      if (held?.sequence === row.sequence) take(held)
      else missing.push(row.id)
    }
    if (missing.length > 0) {
      // A row written in between comes as it is now; the next look reads it again.
      const { rows: fetched } = await this.pool.query<IncidentRow>(
        plannedEachRun(
          `SELECT ${INCIDENT_COLUMNS} FROM ${this.s}.incidents WHERE id = ANY($1::uuid[])`,
          [missing],
        ),
      )
      for (const row of fetched) take(summaryOfRow(row))
    }
    // Oldest first: a new incident then goes at the end of the view's order, not in its middle.
    taken.sort((a, b) => byNewest(b, a))
    for (const summary of taken) view.put(summary)
    return rows[0]?.horizon as string
  }

  /**
   * Look-ups arriving while one is in flight share the next query (see Coalescer.ts), planned at
   * each run (see `plannedEachRun`).
   */
  private readonly lookUpKey = coalescing<string, IncidentSummary>(async (keys) => {
    const { rows } = await this.pool.query<IncidentRow>(
      plannedEachRun(
        `SELECT DISTINCT ON (dedup_key) ${INCIDENT_COLUMNS} FROM ${this.s}.incidents
         WHERE dedup_key = ANY($1::text[])
         ORDER BY dedup_key, (status <> 'resolved') DESC, opened_at DESC, human_id DESC`,
        [keys],
      ),
    )
    return new Map(rows.map((row) => [row.dedup_key as string, summaryOfRow(row)]))
  })

  findByDedupKey(key: string): Promise<IncidentSummary | undefined> {
    return this.lookUpKey(key)
  }

  async recordOnce(key: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO ${this.s}.once_keys (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
      [key, at],
    )
    return rowCount === 1
  }

  async isRecorded(key: string): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM ${this.s}.once_keys WHERE key = $1`, [
      key,
    ])
    return rows.length > 0
  }

  /** Calls arriving while the windows are being read share the next read (see Coalescer.ts). */
  private readonly readWindows = coalescing<"windows", ReadonlyArray<MaintenanceWindow>>(
    async () => new Map([["windows", await this.queryWindows()] as const]),
  )

  async maintenanceWindows(): Promise<ReadonlyArray<MaintenanceWindow>> {
    return (await this.readWindows("windows")) ?? []
  }

  private async queryWindows(): Promise<ReadonlyArray<MaintenanceWindow>> {
    const { rows } = await this.pool.query<{ id: string; body: unknown; ends_at: Date }>(
      prepared(
        `SELECT id, body, ends_at FROM ${this.s}.maintenance_windows ORDER BY created_at, id`,
      ),
    )
    return rows.map((row) => {
      const window = decodeWindow(row.body)
      if (Either.isLeft(window))
        throw new JournalUnavailable({
          reason: "corrupt",
          location: `${this.location} (maintenance window ${row.id})`,
          cause: new Error(window.left),
        })
      return endedAt(window.right, row.ends_at)
    })
  }

  async startMaintenance(window: MaintenanceWindow): Promise<MaintenanceWindow> {
    const stored = encodeWindow(window)
    try {
      await this.pool.query(
        `INSERT INTO ${this.s}.maintenance_windows (id, body, ends_at) VALUES ($1, $2, $3)`,
        [window.id, JSON.stringify(stored), window.end],
      )
    } catch (error) {
      if (isUniqueViolation(error, "maintenance_windows_pkey"))
        throw new MaintenanceWindowError({
          reason: "duplicate-id",
          windowId: window.id,
          location: this.location,
        })
      throw error
    }
    return Either.getOrThrow(decodeWindow(stored))
  }

  async endMaintenance(
    windowId: string,
    at: Date,
    by: string | undefined,
  ): Promise<MaintenanceWindow> {
    // Only an end still ahead moves; a window already over stays as it ended.
    const { rows } = await this.pool.query<{ body: unknown; ends_at: Date }>(
      `UPDATE ${this.s}.maintenance_windows
       SET ends_at = CASE WHEN ends_at > $2 THEN $2 ELSE ends_at END,
           ended_at = CASE WHEN ends_at > $2 THEN $2 ELSE ended_at END,
           ended_by = CASE WHEN ends_at > $2 THEN $3 ELSE ended_by END
       WHERE id = $1 RETURNING body, ends_at`,
      [windowId, at, by ?? null],
    )
    const row = rows[0]
    if (row === undefined)
      throw new MaintenanceWindowError({
        reason: "no-such-window",
        windowId,
        location: this.location,
      })
    const window = decodeWindow(row.body)
    if (Either.isLeft(window))
      throw new JournalUnavailable({
        reason: "corrupt",
        location: `${this.location} (maintenance window ${windowId})`,
        cause: new Error(window.left),
      })
    return endedAt(window.right, row.ends_at)
  }

  async close(): Promise<void> {
    for (const giveUp of [...this.leases]) await giveUp()
    await Promise.all([this.pool.end(), this.lockPool.end()])
  }

  private async activeByDedupKey(key: string): Promise<IncidentSummary | undefined> {
    const found = await this.findByDedupKey(key)
    return found !== undefined && found.status !== "resolved" ? found : undefined
  }

  private record(cached: CachedIncident): IncidentRecord {
    return {
      ...summaryOf(cached.meta, cached.state, cached.sequence),
      events: cached.events,
      state: cached.state,
    }
  }

  private async incidentRow(
    client: Pg.PoolClient,
    incidentId: string,
    lock: "FOR UPDATE" | "",
  ): Promise<IncidentRow> {
    const column = uuidPattern.test(incidentId)
      ? "id"
      : humanIdPattern.test(incidentId)
        ? "human_id"
        : undefined
    const { rows } =
      column === undefined
        ? { rows: [] }
        : await client.query<IncidentRow>(
            `SELECT ${INCIDENT_COLUMNS} FROM ${this.s}.incidents WHERE ${column} = $1 ${lock}`,
            [incidentId],
          )
    const row = rows[0]
    if (row === undefined)
      throw new JournalNotFound({
        reason: "no-such-incident",
        incidentId,
        location: this.location,
      })
    return row
  }

  /** The incident's state at `row.sequence`, reading only the events this process has not seen. */
  private async catchUp(client: Pg.PoolClient, row: IncidentRow): Promise<CachedIncident> {
    const cached = this.upToDate(row)
    if (cached !== undefined && cached.sequence === row.sequence) return cached
    const from = cached?.sequence ?? 0
    const { rows } = await client.query<{ seq: number; body: unknown }>(
      `SELECT seq, body FROM ${this.s}.incident_events
       WHERE incident_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
      [row.id, from, row.sequence],
    )
    return this.foldRows(row, cached, rows)
  }

  private remember(cached: CachedIncident): void {
    const id = cached.meta.id
    this.cache.set(id, cached)
    if (cached.state.status === "resolved") {
      // Most recent last: the first one is the one to let go.
      this.resolvedCached.delete(id)
      this.resolvedCached.add(id)
      if (this.resolvedCached.size > MAX_RESOLVED_CACHED) {
        const oldest = this.resolvedCached.values().next().value
        if (oldest !== undefined) {
          this.resolvedCached.delete(oldest)
          this.cache.delete(oldest)
        }
      }
    }
    this.idByHumanId.set(cached.meta.humanId, cached.meta.id)
    this.summaries.set(cached.meta.id, summaryOf(cached.meta, cached.state, cached.sequence))
  }

  /** What is cached of the incident, unless it is ahead of the row (then nothing is). */
  private upToDate(row: Pick<IncidentRow, "id" | "sequence">): CachedIncident | undefined {
    const cached = this.cache.get(row.id)
    return cached !== undefined && cached.sequence > row.sequence ? undefined : cached
  }

  /**
   * Brings every incident of `rows` up to date with one query per `CATCH_UP_BATCH` incidents
   * instead of one per incident: `damaged` over a large journal is bound by round trips
   * otherwise. Resolves to the damage found, by incident id.
   */
  private async catchUpAll(
    client: Pg.PoolClient,
    rows: ReadonlyArray<IncidentRow>,
  ): Promise<Map<string, JournalUnavailable>> {
    const damage = new Map<string, JournalUnavailable>()
    const behind = rows.filter((row) => this.upToDate(row)?.sequence !== row.sequence)
    for (let start = 0; start < behind.length; start += CATCH_UP_BATCH) {
      const batch = behind.slice(start, start + CATCH_UP_BATCH)
      const { rows: events } = await client.query<{
        incident_id: string
        seq: number
        body: unknown
      }>(
        `SELECT event.incident_id, event.seq, event.body
         FROM unnest($1::uuid[], $2::integer[], $3::integer[]) AS wanted (id, after, upto)
         JOIN ${this.s}.incident_events event
           ON event.incident_id = wanted.id AND event.seq > wanted.after AND event.seq <= wanted.upto
         ORDER BY event.incident_id, event.seq`,
        [
          batch.map((row) => row.id),
          batch.map((row) => this.upToDate(row)?.sequence ?? 0),
          batch.map((row) => row.sequence),
        ],
      )
      const byIncident = new Map<string, Array<{ seq: number; body: unknown }>>()
      for (const event of events) {
        const list = byIncident.get(event.incident_id)
        if (list === undefined) byIncident.set(event.incident_id, [event])
        else list.push(event)
      }
      for (const row of batch) {
        try {
          this.foldRows(row, this.upToDate(row), byIncident.get(row.id) ?? [])
        } catch (error) {
          if (!(error instanceof JournalUnavailable) || error.reason !== "corrupt") throw error
          damage.set(row.id, error)
        }
      }
    }
    return damage
  }

  private foldRows(
    row: IncidentRow,
    cached: CachedIncident | undefined,
    rows: ReadonlyArray<{ seq: number; body: unknown }>,
  ): CachedIncident {
    let state = cached?.state
    const events = [...(cached?.events ?? [])]
    for (const stored of rows) {
      const where = `${this.location} (${row.human_id}, event ${stored.seq})`
      if (stored.seq !== events.length + 1)
        throw new JournalUnavailable({
          reason: "corrupt",
          location: where,
          cause: new Error(`expected event ${events.length + 1}`),
        })
      const event = decodeStoredEvent(stored.body)
      if (Either.isLeft(event))
        throw new JournalUnavailable({
          reason: "corrupt",
          location: where,
          cause: new Error(event.left),
        })
      const applied = applyAll(state, [event.right])
      if (Either.isLeft(applied))
        throw new JournalUnavailable({ reason: "corrupt", location: where, cause: applied.left })
      state = applied.right
      events.push(event.right)
    }
    if (state === undefined || events.length !== row.sequence)
      throw new JournalUnavailable({
        reason: "corrupt",
        location: `${this.location} (${row.human_id})`,
        cause: new Error(`the incident says ${row.sequence} events, ${events.length} were found`),
      })
    const meta: IncidentMeta = {
      id: row.id,
      humanId: row.human_id,
      ...(row.dedup_key === null ? {} : { dedupKey: row.dedup_key }),
    }
    const next: CachedIncident = { meta, sequence: row.sequence, state, events }
    this.remember(next)
    return next
  }

  private async transaction<A>(body: (client: Pg.PoolClient) => Promise<A>): Promise<A> {
    const client = await this.pool.connect()
    let broken: Error | undefined
    try {
      await client.query("BEGIN")
      const result = await body(client)
      await client.query("COMMIT")
      return result
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError // the connection is unusable: the pool drops it
      })
      throw error
    } finally {
      client.release(broken)
    }
  }
}

/**
 * pg, loaded when a PostgreSQL journal is first opened: a program that never opens one (every
 * `ir` command on the file journal) does not load the client and the modules it brings (`net`,
 * `crypto`, `dns`).
 */
const loadPg = async (): Promise<typeof Pg> => {
  const module = await import("pg")
  return (module as unknown as { default?: typeof Pg }).default ?? (module as unknown as typeof Pg)
}

/**
 * The schema that holds the journal's tables when `schema` is not given.
 *
 * @example
 * ```ts
 * import { defaultPostgresSchema } from "@ir/journal"
 * defaultPostgresSchema // "ir_journal"
 * ```
 */
export const defaultPostgresSchema = "ir_journal"

/**
 * Connects to PostgreSQL, creates or migrates the journal's schema, and returns the journal.
 * Fails with `JournalUnavailable` (`unreachable`, naming the URL without its password) when the
 * database cannot be reached within `connectTimeoutMs`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { openPostgresJournal } from "@ir/journal"
 * const journal = await Effect.runPromise(
 *   openPostgresJournal({ url: "postgres://ir@127.0.0.1:5432/ir", schema: "ir_journal" }),
 * )
 * await Effect.runPromise(journal.close)
 * ```
 */
export const openPostgresJournal = (
  options: PostgresJournalOptions,
): Effect.Effect<Journal, JournalUnavailable> => {
  const location = Redaction.redactUrl(options.url)
  const schemaName = options.schema ?? defaultPostgresSchema
  if (!SCHEMA_NAME.test(schemaName))
    return Effect.fail(
      new JournalUnavailable({
        reason: "unreachable",
        location,
        detail: `schema ${JSON.stringify(schemaName)}`,
        cause: new Error("a schema name is lower-case letters, digits and underscores"),
      }),
    )
  const statementTimeout = options.statementTimeoutMs ?? 10_000
  return Effect.tryPromise({
    try: async () => {
      const settings: Pg.PoolConfig = {
        connectionString: options.url,
        max: options.poolSize ?? 5,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
        idleTimeoutMillis: 10_000,
        statement_timeout: statementTimeout,
        lock_timeout: statementTimeout,
        query_timeout: statementTimeout + 2_000,
        idle_in_transaction_session_timeout: statementTimeout * 3,
        application_name: "ir-journal",
      }
      const { Pool } = await loadPg()
      const pool = new Pool(settings)
      const lockPool = new Pool({ ...settings, application_name: "ir-journal-locks" })
      // An idle connection that the server drops must not crash the process; the next query
      // gets a fresh connection or a clear error.
      // The same for a connection in use: its query fails with the cause, which is reported.
      for (const each of [pool, lockPool]) {
        each.on("error", () => undefined)
        each.on("connect", (client) => client.on("error", () => undefined))
      }
      try {
        const client = await pool.connect()
        try {
          await migrate(client, schemaName)
        } finally {
          client.release()
        }
      } catch (error) {
        await Promise.all([pool.end(), lockPool.end()]).catch(() => undefined)
        throw error
      }
      return new PostgresJournalImpl(pool, lockPool, quoteIdent(schemaName), location)
    },
    catch: (error) => toUnavailable(location, error),
  }).pipe(
    Effect.map((impl) =>
      journalService("postgres", location, impl, (error) => toUnavailable(location, error)),
    ),
  )
}
