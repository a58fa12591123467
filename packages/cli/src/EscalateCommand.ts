/**
 * `ir escalate`: what the escalation policy says is due now across the journal's incidents (the
 * page, the initial alert, status updates, escalations to the next contact, the resolution
 * notice, the post-mortem), and with `--notify`, sending it. Safe to run from cron every minute:
 * each message is recorded in the incident's journal with its idempotency key, under a lock per
 * incident, so nothing is sent twice, even by two `ir` processes at once.
 *
 * Exit codes: 0 nothing due (or, with `--notify`, everything due was sent), 1 something is due
 * (with `--notify`: could not be sent), 2 a usage or configuration error. With `--quiet` it
 * prints only what could not be sent, so cron mails only when a person is needed.
 *
 * Each run notes the incidents it found with nothing due (the responder's quiet notes, kept in
 * the user's cache per journal): the next run reads only those that changed or fell due since.
 *
 * @example
 * ```sh
 * ir escalate                                   # what is due now
 * ir escalate --at 2026-11-28T10:30:00Z         # what would be due then (rehearsal)
 * * * * * * ir escalate --notify --quiet        # crontab: send it
 * ```
 */
import * as Command from "@effect/cli/Command"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"
import { at, dryRun, incident, notify, withIncident } from "./internal/LifecycleOptions.js"

/** `ir escalate`. */
export const command = Command.make(
  "escalate",
  { ...common, at, notify, dryRun, ...incident },
  (args) =>
    handle(
      args,
      withIncident("incident", () =>
        import("./internal/EscalateRun.js").then((module) => module.run),
      ),
    ),
).pipe(
  Command.withDescription(
    "What is due now across the open incidents: pages, initial alerts, status updates, escalations, resolution notices, post-mortems. --notify sends it and records it, once: safe from cron every minute. Exit 0 nothing due (or all sent), 1 something due (or not sent).",
  ),
)
