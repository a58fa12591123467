import { probesFor } from "@ir/diagnostics"
import * as Effect from "effect/Effect"
import type { ConfigError } from "../CliError.js"
import type { Config } from "../Config.js"
import { resolveTargets } from "./TargetsLoader.js"

/** The ids of the probes the configuration sets up (every probe whose target is configured). */
export const configuredProbeIds = (
  config: Config,
  io: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
): Effect.Effect<ReadonlySet<string>, ConfigError> =>
  Effect.map(
    resolveTargets(config, io),
    (targets) => new Set(probesFor(targets).configured.map((probe) => probe.id)),
  )
