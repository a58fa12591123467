/**
 * Exit codes, in one place. Every command returns one of these; nothing else calls
 * `process.exit`.
 *
 * - `ir triage`: 0 no playbook matched, 1 a playbook matched, 2 usage or configuration error.
 * - `ir check`: the Nagios plugin codes, 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (a usage or
 *   configuration error is UNKNOWN too, as the plugin guidelines ask).
 * - `ir drill`, `ir runbook validate`, `ir runbook lint`: 0 passed, 1 the runbook would not
 *   respond as written (or is invalid), 2 usage or configuration error.
 * - Everything else: 0 done, 2 usage or configuration error.
 * - 70 (`EX_SOFTWARE`) is a bug in ir: an unexpected error, reported with its stack under
 *   `--verbose`. 130 is an interrupt (Ctrl-C).
 *
 * @example
 * ```ts
 * import { ExitCode } from "@ir/cli"
 * ExitCode.fromCheckStatus("critical") // 2
 * ```
 */

/** Success; for `ir triage`: no playbook matched. */
export const ok = 0
/** `ir triage`: a playbook matched. `ir drill`/`ir runbook lint|validate`: the check failed. */
export const found = 1
/** A usage or configuration error (the command line or `ir.config.yaml` is wrong). */
export const usage = 2
/** An unexpected error: a bug in ir. */
export const internal = 70
/** Interrupted (SIGINT). */
export const interrupted = 130

/** Nagios plugin exit codes, used by `ir check`. */
export const nagios = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const

/** The status of one check, as a probe reports it. */
export type CheckStatus = "ok" | "warn" | "critical" | "unknown"

/** The Nagios exit code of one status.
 *
 * @example
 * ```ts
 * import { ExitCode } from "@ir/cli"
 * ExitCode.fromCheckStatus("unknown") // 3
 * ```
 */
export const fromCheckStatus = (status: CheckStatus): number => {
  switch (status) {
    case "ok":
      return nagios.ok
    case "warn":
      return nagios.warning
    case "critical":
      return nagios.critical
    case "unknown":
      return nagios.unknown
  }
}

const worstOrder: ReadonlyArray<CheckStatus> = ["ok", "unknown", "warn", "critical"]

/**
 * The status that decides the overall result: CRITICAL beats WARNING beats UNKNOWN beats OK, the
 * order of the Monitoring Plugins' `max_state_alt` (a definite problem is worse news than a check
 * that could not tell). An empty list is UNKNOWN: nothing was checked.
 *
 * @example
 * ```ts
 * import { ExitCode } from "@ir/cli"
 * ExitCode.worstStatus(["ok", "unknown", "warn"]) // "warn"
 * ```
 */
export const worstStatus = (statuses: Iterable<CheckStatus>): CheckStatus => {
  let worst: CheckStatus | undefined
  for (const status of statuses) {
    if (worst === undefined || worstOrder.indexOf(status) > worstOrder.indexOf(worst)) {
      worst = status
    }
  }
  return worst ?? "unknown"
}
