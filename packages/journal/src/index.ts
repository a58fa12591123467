/**
 * @ir/journal: the incident journal. Append-only incident events in a directory of JSON-lines
 * files (the embedded default) or in PostgreSQL (a team's shared journal).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { openJournal, timelineMarkdown } from "@ir/journal"
 * const program = Effect.gen(function* () {
 *   const journal = yield* openJournal({ backend: "file" })
 *   const { incident } = yield* journal.open({
 *     at: new Date(), title: "System completely down", severity: "P0",
 *     playbooks: ["system-down"], summary: "Health check endpoint unreachable",
 *   })
 *   const record = yield* journal.read(incident.humanId)
 *   yield* journal.close
 *   return timelineMarkdown(record.events)
 * })
 * ```
 */
export { defaultJournalDir, type FileJournalOptions, openFileJournal } from "./FileJournal.js"
export {
  type AppendOptions,
  type AppendResult,
  type IncidentRecord,
  type IncidentSummary,
  Journal,
  type JournalConfig,
  type JournalDamage,
  type JournalError,
  type JournalLease,
  type ListFilter,
  layer,
  type OpenInput,
  type OpenResult,
  openJournal,
  type ReadOptions,
  type SettledApart,
  type SummaryFigures,
  scoped,
  type TornRecord,
} from "./Journal.js"
export {
  JournalConflict,
  JournalInvalidEvent,
  JournalNotFound,
  JournalUnavailable,
  MaintenanceWindowError,
} from "./JournalError.js"
export {
  defaultPostgresSchema,
  openPostgresJournal,
  type PostgresJournalOptions,
} from "./PostgresJournal.js"
export {
  describeEvent,
  type Timeline,
  type TimelineEntry,
  timelineJson,
  timelineMarkdown,
} from "./Timeline.js"
