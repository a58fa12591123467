/**
 * A runbook step: the text a person reads, sub-items, and where the runbook gave a command, the
 * typed probe or action that does it.
 *
 * @example
 * ```ts
 * import type { Step } from "@ir/core"
 * const step: Step.Step = { text: "Check container status", probe: { probe: "docker.containers" } }
 * ```
 */
import * as Schema from "effect/Schema"
import { ActionRef } from "./Action.js"
import { ProbeRef } from "./Probe.js"

export const Step = Schema.Struct({
  text: Schema.String,
  details: Schema.optional(Schema.Array(Schema.String)),
  /** The command as the original runbook wrote it, kept for reference. */
  command: Schema.optional(Schema.String),
  probe: Schema.optional(ProbeRef),
  action: Schema.optional(ActionRef),
})
export type Step = typeof Step.Type
