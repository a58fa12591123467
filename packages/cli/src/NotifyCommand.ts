/**
 * `ir notify initial|update|resolved`: send one of the runbook's messages for an incident by
 * hand, rendered from the journal (the initial alert, the latest status update, the resolution
 * notice with the total duration), to the channels the escalation policy names or to the one
 * given with `--channel`; `--dry-run` prints it without sending. What is sent is recorded, so
 * `ir escalate` does not send it again.
 *
 * @example
 * ```sh
 * ir notify initial --incident INC-2026-0001 --dry-run
 * ir notify update --channel incidents
 * ir notify resolved --incident INC-2026-0001
 * ```
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"
import { at, dryRun, incident, withIncident } from "./internal/LifecycleOptions.js"

const channel = Options.text("channel").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription(
    "Send only to this configured channel (an id of notify.channels). Repeatable. Default: the channels the escalation policy names for the message.",
  ),
  Options.repeated,
)

const force = Options.boolean("force").pipe(
  Options.withDescription("Send it even though it was already sent to those channels."),
)

const options = { ...common, at, ...incident, channel, dryRun, force }

const make = (name: "initial" | "update" | "resolved", description: string) =>
  Command.make(name, options, (args) =>
    handle(
      { ...args, message: name },
      withIncident("incident", () =>
        import("./internal/NotifyRun.js").then((module) => module.run),
      ),
    ),
  ).pipe(Command.withDescription(description))

/** `ir notify`. */
export const command = Command.make("notify").pipe(
  Command.withDescription(
    "Send the runbook's messages for an incident by hand: initial alert, status update, resolution notice.",
  ),
  Command.withSubcommands([
    make(
      "initial",
      'Send the initial alert ("INCIDENT ALERT": summary, impact, status, ETA, next update, commander).',
    ),
    make("update", "Send the latest status update (post one with `ir incident update`)."),
    make(
      "resolved",
      "Send the resolution notice (resolution, root cause, total duration, next steps); also resolves the PagerDuty incident of a page.",
    ),
  ]),
)
