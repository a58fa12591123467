/**
 * The probe catalogue: every diagnostic the runbook's investigation steps call for, by id, with
 * the seed command it replaces and the parameters it takes. The probes themselves live in
 * `@ir/diagnostics`; playbooks refer to them with a typed {@link ProbeRef}.
 *
 * @example
 * ```ts
 * import { Probe } from "@ir/core"
 * Probe.find("postgres.locks")?.seedCommand // "SELECT * FROM pg_locks WHERE NOT granted;"
 * ```
 */
import * as Schema from "effect/Schema"
import { DurationString } from "./Duration.js"
import { probeCatalogue } from "./defaults/probes.js"

/** Every probe id. */
export const ProbeId = Schema.Literal(
  "http.health",
  "http.predict",
  "http.data-source",
  "prometheus.scrape-health",
  "prometheus.error-rate",
  "prometheus.latency-p95",
  "prometheus.memory",
  "prometheus.query",
  "postgres.connectivity",
  "postgres.connections",
  "postgres.locks",
  "postgres.long-queries",
  "postgres.size",
  "postgres.backup",
  "docker.engine",
  "docker.containers",
  "docker.stats",
  "docker.logs",
  "host.memory",
  "host.disk",
  "host.load",
  "host.process",
  "files.models",
  "files.data",
  "files.backups",
)
export type ProbeId = typeof ProbeId.Type

/** The seed's log searches, as named patterns. */
export const LogPattern = Schema.Literal("errors", "connection", "memory", "model", "data")
export type LogPattern = typeof LogPattern.Type

/** A step's reference to the probe that does what the runbook's command did. */
export const ProbeRef = Schema.Union(
  Schema.Struct({
    probe: Schema.Literal("docker.logs"),
    params: Schema.Struct({
      /** The container role, as the configuration names it (`app`, `postgres`). */
      role: Schema.String,
      tail: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.positive())),
      since: Schema.optional(DurationString),
      pattern: Schema.optional(LogPattern),
    }),
  }),
  Schema.Struct({
    probe: Schema.Literal("docker.containers", "docker.stats"),
    params: Schema.optional(Schema.Struct({ role: Schema.optional(Schema.String) })),
  }),
  Schema.Struct({
    probe: Schema.Literal("prometheus.query"),
    params: Schema.Struct({ name: Schema.String, query: Schema.String }),
  }),
  Schema.Struct({
    probe: Schema.Literal("files.data"),
    params: Schema.optional(Schema.Struct({ dirs: Schema.optional(Schema.Array(Schema.String)) })),
  }),
  Schema.Struct({
    probe: ProbeId.pipe(
      Schema.filter(
        (id) =>
          ![
            "docker.logs",
            "docker.containers",
            "docker.stats",
            "prometheus.query",
            "files.data",
          ].includes(id),
      ),
    ),
  }),
)
export type ProbeRef = typeof ProbeRef.Type

/** What the catalogue says about a probe. */
export interface ProbeDefinition {
  readonly id: ProbeId
  readonly title: string
  readonly description: string
  /** The shell command or query of the runbook this probe replaces. */
  readonly seedCommand?: string
  /** Signal keys (see `Signal.vocabulary`) the probe produces. */
  readonly signals: ReadonlyArray<string>
}

/** The catalogue, in a stable order. */
export const catalogue: ReadonlyArray<ProbeDefinition> = probeCatalogue

/** The catalogue entry for an id. */
export const find = (id: string): ProbeDefinition | undefined =>
  catalogue.find((definition) => definition.id === id)
