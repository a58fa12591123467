/**
 * Actions: the runbook's changing steps (restart a container, prune Docker, restore the newest
 * backup into a scratch database). ir is read-only by
 * default: an action is a dry run unless a responder confirms it, and every action is journaled.
 *
 * @example
 * ```ts
 * import { Action } from "@ir/core"
 * Action.find("docker.restart")?.automated // true
 * ```
 */
import * as Schema from "effect/Schema"
import { actionCatalogue } from "./defaults/actions.js"

export const ActionId = Schema.Literal(
  "docker.restart",
  "docker.prune",
  "compose.scale",
  "deploy.rollback",
  "resources.increase-limits",
  "postgres.restore-check",
)
export type ActionId = typeof ActionId.Type

/** A step's reference to the action that does it. */
export const ActionRef = Schema.Union(
  Schema.Struct({
    action: Schema.Literal("docker.restart"),
    params: Schema.Struct({ role: Schema.String }),
  }),
  Schema.Struct({
    action: Schema.Literal("compose.scale"),
    params: Schema.Struct({
      role: Schema.String,
      replicas: Schema.Number.pipe(Schema.int(), Schema.positive()),
    }),
  }),
  Schema.Struct({
    action: Schema.Literal(
      "docker.prune",
      "deploy.rollback",
      "resources.increase-limits",
      "postgres.restore-check",
    ),
  }),
)
export type ActionRef = typeof ActionRef.Type

export interface ActionDefinition {
  readonly id: ActionId
  readonly title: string
  readonly description: string
  readonly seedCommand?: string
  /** Whether ir can carry it out (with confirmation); otherwise it is guidance for a person. */
  readonly automated: boolean
}

export const catalogue: ReadonlyArray<ActionDefinition> = actionCatalogue

export const find = (id: string): ActionDefinition | undefined =>
  catalogue.find((definition) => definition.id === id)
