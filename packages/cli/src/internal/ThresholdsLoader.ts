/**
 * The thresholds `ir check` grades its probes with: the seed runbook's (`Threshold.defaults`) when
 * the configuration names no runbook, else the effective runbook's (`resolveRunbook`, with every
 * problem of the runbook reported as before), whose module loads only then. A plain check so
 * starts without the runbook's schemas and without decoding the seed runbook.
 *
 * @example
 * ```ts
 * const thresholds = yield* resolveThresholds(config, process.cwd())
 * ```
 */
import { Threshold } from "@ir/core"
import * as Effect from "effect/Effect"
import type { ConfigError } from "../CliError.js"
import type { Config } from "../Config.js"

export const resolveThresholds = (
  config: Config,
  cwd: string,
): Effect.Effect<Threshold.Thresholds, ConfigError> => {
  const section = config.document.runbook
  // resolveRunbook's own test for "no runbook section: the default runbook".
  if (section === undefined || section === null) return Effect.succeed(Threshold.defaults)
  return Effect.flatMap(
    Effect.promise(() => import("./RunbookLoader.js")),
    ({ resolveRunbook }) =>
      Effect.map(resolveRunbook(config, cwd), ({ runbook }) => runbook.thresholds),
  )
}
