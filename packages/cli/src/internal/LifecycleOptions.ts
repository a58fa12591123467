import * as Args from "@effect/cli/Args"
import * as Options from "@effect/cli/Options"

/** `--at TIME`: the rehearsal clock of every lifecycle command. */
export const at = Options.text("at").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription(
    "Act as if it were this moment (ISO 8601 with a zone, e.g. 2026-11-28T10:30:00Z), for rehearsals and drills: events are dated then and deadlines counted from it. Default: $IR_NOW, else now.",
  ),
  Options.optional,
)

/** The incident, as a positional argument; the only open one when left out. */
export const incidentArg = Args.text({ name: "ID" }).pipe(
  Args.withDescription(
    "The incident (INC-2026-0001, or its UUID). Default: the only open incident.",
  ),
  Args.optional,
)

/** `--incident ID`. */
export const incidentOption = Options.text("incident").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription("The incident (INC-2026-0001). Default: the only open incident."),
  Options.optional,
)

/** `--notify`: send what the change calls for. */
export const notify = Options.boolean("notify").pipe(
  Options.withDescription(
    "Also send the message this calls for, and anything else the incident has due, to the configured channels (and record it).",
  ),
)

/** `--by NAME`. */
export const by = Options.text("by").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("Who does it (recorded in the journal). Default: $IR_USER, else $USER."),
  Options.optional,
)

/** `--dry-run`. */
export const dryRun = Options.boolean("dry-run").pipe(
  Options.withDescription("Render and route the messages, print them, send and record nothing."),
)
