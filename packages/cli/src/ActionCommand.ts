/**
 * `ir action restart CONTAINER` and `ir action restore-check`.
 *
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
 * `ir action restore-check`: the runbook's `backup_recovery.sh`, rehearsed without risk. It
 * restores the newest `pg_dump` custom-format backup of `targets.postgres.backups.dir` into a
 * scratch database, runs the sanity queries, reports the restore's duration and the data's age,
 * and drops the scratch database again (see `restoreCheck` of `@ir/diagnostics`). The same dry
 * run, `--yes` and journal rules as `restart`. Exit codes: 0 planned or restored, 1 the restore or
 * a sanity check failed or no backup was found, 2 a usage or configuration error (no incident, no
 * backup directory configured).
 *
 * @example
 * ```sh
 * ir action restart app                  # what it would do (recorded as planned)
 * ir action restart app --yes            # do it (recorded as succeeded or failed)
 * ir action restart worker-1 --incident INC-2026-0001 --yes --timeout 90s
 * ir action restore-check                # which backup it would restore, and where
 * ir action restore-check --yes --json   # restore it, check it, drop it, record it
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

const yesRestore = Options.boolean("yes").pipe(
  Options.withAlias("y"),
  Options.withDescription(
    "Do it. Without it no database is created: the backup, the server and pg_restore are checked, the plan is shown and recorded.",
  ),
)

const restoreCheck = Command.make(
  "restore-check",
  { ...common, at, by, ...incident, yes: yesRestore },
  (args) =>
    handle(
      args,
      withIncident("incident", () =>
        import("./internal/ActionRun.js").then((module) => module.restoreCheck),
      ),
    ),
).pipe(
  Command.withDescription(
    "Prove the newest backup restores: restore the newest pg_dump custom-format file of targets.postgres.backups.dir into a scratch database (with the pg_restore program), run the sanity queries of targets.postgres.backups.restoreCheck.tables (row counts, newest row), report the restore's duration and the data's age, and drop the scratch database, also when something failed. Shows what it would do unless --yes; what it did or would do is recorded in the incident's journal. With no backup directory configured, nothing is done or recorded (exit 2).",
  ),
)

/** `ir action`. */
export const command = Command.make("action").pipe(
  Command.withDescription(
    "Actions that change something, dry runs unless confirmed, each recorded in the incident's journal.",
  ),
  Command.withSubcommands([restart, restoreCheck]),
)
