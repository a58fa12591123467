/**
 * @ir/responder: the incident workflow between the libraries (`@ir/core`, `@ir/journal`,
 * `@ir/notify`) and the adapters (`ir`, `@ir/http`): open an incident, send what it has due
 * exactly once under the journal's dispatch lock, follow PagerDuty, and run the escalation clock
 * with one leader among the processes sharing a journal.
 *
 * @example
 * ```ts
 * import { createResponder, runResponder } from "@ir/responder"
 * import * as Effect from "effect/Effect"
 * declare const options: Parameters<typeof createResponder>[0]
 * const responder = createResponder(options)
 * Effect.runFork(runResponder(responder, { tickMs: 15_000 }))
 * ```
 */
export {
  type AlertIntakeResult,
  type Intake,
  openAlertGroup,
  resolveAlertGroup,
} from "./AlertIntake.js"
export { type JournalMessage, type JournalProblem, journalMessage } from "./JournalMessage.js"
export {
  knownWindows,
  type MaintenanceCheck,
  type MaintenanceSource,
  maintenanceCheck,
  withMaintenanceFlag,
} from "./MaintenanceCheck.js"
export {
  loadQuietNotes,
  type QuietNote,
  type QuietNotes,
  type QuietNotesFile,
  runbookFingerprint,
} from "./QuietNotes.js"
export {
  type ActResult,
  createResponder,
  DispatchFailed,
  type DispatchOptions,
  type DispatchRun,
  type Responder,
  type ResponderEvent,
  type ResponderOptions,
  resolvedWindowMs,
  type TickReport,
} from "./Responder.js"
export {
  clockRole,
  defaultTickMs,
  type ResponderClockOptions,
  runResponder,
} from "./ResponderClock.js"
