/**
 * `ir postmortem ID`: the post-mortem document of a resolved incident, rendered from its journal:
 * severity, times and total duration, summary and impact, the timeline, root cause and
 * resolution, the actions taken, action items and the runbook's post-incident checklists.
 *
 * @example
 * ```sh
 * ir postmortem INC-2026-0001 > postmortem.md
 * ir postmortem INC-2026-0001 --format html --output postmortem.html
 * ir postmortem INC-2026-0001 --action-item "Alert on connection pool saturation"
 * ```
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"
import { at, incidentOf, withIncident } from "./internal/LifecycleOptions.js"

const style = Options.choice("format", ["markdown", "text", "html", "slack"]).pipe(
  Options.withDescription(
    "markdown (default), text, html (an e-mail-ready page) or slack (mrkdwn).",
  ),
  Options.withDefault("markdown" as const),
)

const output = Options.file("output", { exists: "either" }).pipe(
  Options.withAlias("o"),
  Options.withDescription("Write the document here instead of stdout."),
  Options.optional,
)

const actionItem = Options.text("action-item").pipe(
  Options.withPseudoName("TEXT"),
  Options.withDescription("An action item agreed at the meeting. Repeatable."),
  Options.repeated,
)

/** `ir postmortem`. */
export const command = Command.make(
  "postmortem",
  {
    ...common,
    at,
    ...incidentOf("The resolved incident (INC-2026-0001, or its UUID)."),
    style,
    output,
    actionItem,
  },
  (args) =>
    handle(
      args,
      withIncident("id", () => import("./internal/PostmortemRun.js").then((module) => module.run), {
        required:
          "name the resolved incident: ir postmortem INC-2026-0001 (or --incident INC-2026-0001)",
      }),
    ),
).pipe(
  Command.withDescription(
    "Render the post-mortem document of a resolved incident from its journal: timeline, root cause, resolution, duration, actions taken, action items, checklists.",
  ),
)
