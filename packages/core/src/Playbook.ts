/**
 * Playbooks: one common incident each, with its symptoms as predicates, severity, and the
 * immediate actions, investigation, resolution and post-resolution steps.
 *
 * @example
 * ```ts
 * import { Playbook, defaultRunbook } from "@ir/core"
 * Playbook.find(defaultRunbook.playbooks, "system-down")?.defaultSeverity // "P0"
 * ```
 */
import * as Schema from "effect/Schema"
import { SeverityLevel } from "./Severity.js"
import { Step } from "./Step.js"
import { Predicate, Symptom } from "./Symptom.js"

/** Playbook ids are kebab-case. */
export const PlaybookId = Schema.String.pipe(
  Schema.pattern(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
    message: () => 'expected a kebab-case id such as "system-down"',
  }),
)

/** Raises (or lowers) the severity when a predicate holds; the first rule that matches wins. */
export const SeverityRule = Schema.Struct({
  when: Predicate,
  severity: SeverityLevel,
  reason: Schema.String,
})
export type SeverityRule = typeof SeverityRule.Type

export const Playbook = Schema.Struct({
  id: PlaybookId,
  title: Schema.String,
  summary: Schema.optional(Schema.String),
  /**
   * What the status page and support tickets call an incident of this playbook, in words for
   * customers ("Elevated error rates"). Default: the severity's impact ("Major Impact").
   */
  publicTitle: Schema.optional(Schema.String),
  defaultSeverity: SeverityLevel,
  severityRules: Schema.optionalWith(Schema.Array(SeverityRule), { default: () => [] }),
  symptoms: Schema.Array(Symptom).pipe(Schema.minItems(1)),
  immediateActions: Schema.optionalWith(Schema.Array(Step), { default: () => [] }),
  investigation: Schema.optionalWith(Schema.Array(Step), { default: () => [] }),
  resolution: Schema.optionalWith(Schema.Array(Step), { default: () => [] }),
  commonCauses: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  postResolution: Schema.optionalWith(Schema.Array(Step), { default: () => [] }),
})
export type Playbook = typeof Playbook.Type

/** The playbook with an id. */
export const find = (playbooks: ReadonlyArray<Playbook>, id: string): Playbook | undefined =>
  playbooks.find((playbook) => playbook.id === id)
