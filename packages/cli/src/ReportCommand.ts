/**
 * `ir report`: the quarterly review's figures from the journal. Per severity and per playbook:
 * how many incidents, time to acknowledge, mitigate and resolve (median and 90th percentile),
 * response-deadline and update-cadence compliance, escalations; escalations by rule, playbooks
 * that came back within a week, and the action items still open.
 *
 * @example
 * ```sh
 * ir report --since 2026-10-01T00:00:00Z --until 2027-01-01T00:00:00Z
 * ir report --since 2026-10-01T00:00:00Z --format markdown > q4-review.md
 * ir report --json | jq '.bySeverity[] | {key, timeToResolve}'
 * ```
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common, format } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"
import { at } from "./internal/LifecycleOptions.js"

const since = Options.text("since").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription(
    "Incidents opened at or after this moment (ISO 8601 with a zone). Default: all.",
  ),
  Options.optional,
)

const until = Options.text("until").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription("Incidents opened before this moment, judged as of then. Default: now."),
  Options.optional,
)

/** `ir report`. */
export const command = Command.make("report", { ...common, format, at, since, until }, (args) =>
  handle(args, () => import("./internal/ReportRun.js").then((module) => module.run)),
).pipe(
  Command.withDescription(
    "The quarterly review's figures from the journal: per severity and playbook, counts, time to acknowledge, mitigate and resolve (median, p90), response and update compliance, escalations by rule, repeats, open action items.",
  ),
)
