// A pass over every summary of a journal, for the figures of /metrics: through the journal's own
// `eachSummary` (the file journal then keeps none of its settled incidents in memory), else
// through `list`, for a journal of the embedder's own that has no such method. Imports no value
// of @ir/journal: /health and the alert receiver load none of it.
import type { IncidentSummary, Journal, JournalUnavailable } from "@ir/journal"
import * as Effect from "effect/Effect"

export const eachSummary = (
  journal: Journal,
  visit: (summary: IncidentSummary) => void,
): Effect.Effect<void, JournalUnavailable> =>
  journal.eachSummary !== undefined
    ? journal.eachSummary({}, visit)
    : Effect.gen(function* () {
        for (const summary of yield* journal.list()) visit(summary)
      })
