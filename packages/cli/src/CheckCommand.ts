/**
 * `ir check [probe…]`: Nagios plugin conventions. One line per check,
 * `STATUS - summary | 'label'=value[UOM];warn;crit;min;max`, and the exit code of the worst:
 * 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (a usage or configuration error is UNKNOWN too). Ready
 * for cron, CI and any Nagios-compatible monitor (Icinga, Naemon, Sensu, Zabbix).
 *
 * @example
 * ```sh
 * ir check postgres.connections   # OK - 12 of 97 connections used | 'connections'=12;77;92;0;97
 * ir check postgres               # every PostgreSQL probe
 * ir check --json
 * ```
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"

const probes = Args.text({ name: "probe" }).pipe(
  Args.withDescription(
    "Probe ids (postgres.connections) or families (postgres, host). Default: every configured probe.",
  ),
  Args.repeated,
)

/** `ir check`. */
export const command = Command.make("check", { ...common, probes }, (args) =>
  handle(args, () => import("./internal/CheckRun.js").then((module) => module.run), {
    errorStyle: "nagios",
  }),
).pipe(
  Command.withDescription(
    "Run probes as Nagios plugin checks: one line per check with performance data, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the worst wins; a usage or configuration error is UNKNOWN).",
  ),
)
