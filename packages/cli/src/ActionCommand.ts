/**
 * `ir action restart CONTAINER`: the runbook's `docker-compose restart app` as an action. It
 * resolves a role (`app`, `postgres`, as `targets.docker.containers` names them) or a container
 * name, and shows what it would do; only with `--yes` does it restart the container and wait
 * until it runs again (and is healthy, where it has a health check). Once the Docker Engine is
 * asked, the action and its outcome go into the incident's journal (`action-taken`, a dry run as
 * `planned`, or `failed` when the engine did not answer). With no Docker Engine configured
 * nothing is asked, done or recorded.
 *
 * Exit codes: 0 planned (dry run) or restarted, 1 the container could not be found or restarted,
 * 2 a usage or configuration error (no incident to record it on, no Docker Engine configured).
 *
 * @example
 * ```sh
 * ir action restart app                  # what it would do (recorded as planned)
 * ir action restart app --yes            # do it (recorded as succeeded or failed)
 * ir action restart worker-1 --incident INC-2026-0001 --yes --timeout 90s
 * ```
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"
import { at, by, incident, withIncident } from "./internal/LifecycleOptions.js"

const container = Args.text({ name: "CONTAINER" }).pipe(
  Args.withDescription("A role of targets.docker.containers (app, postgres) or a container name."),
)

const yes = Options.boolean("yes").pipe(
  Options.withAlias("y"),
  Options.withDescription(
    "Do it. Without it nothing changes: the plan is shown, and recorded once the Docker Engine answered.",
  ),
)

const timeout = Options.text("timeout").pipe(
  Options.withPseudoName("DURATION"),
  Options.withDescription(
    "How long to wait for the container to run (and be healthy) again, e.g. 60s, 2m. Default 60s.",
  ),
  Options.withDefault("60s"),
)

const restart = Command.make(
  "restart",
  { ...common, at, by, container, ...incident, yes, timeout },
  (args) =>
    handle(
      args,
      withIncident("incident", () =>
        import("./internal/ActionRun.js").then((module) => module.restart),
      ),
    ),
).pipe(
  Command.withDescription(
    "Restart a container and wait until it is back. Shows what it would do unless --yes; what it did or would do is recorded in the incident's journal (a dry run as planned, or as failed when the Docker Engine does not answer). With no Docker Engine configured, nothing is done or recorded (exit 2).",
  ),
)

/** `ir action`. */
export const command = Command.make("action").pipe(
  Command.withDescription(
    "Actions that change something, dry runs unless confirmed, each recorded in the incident's journal.",
  ),
  Command.withSubcommands([restart]),
)
