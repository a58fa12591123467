import { isAbsolute, resolve } from "node:path"
import { defaultJournalDir, defaultPostgresSchema, type JournalConfig } from "@ir/journal"
import * as Effect from "effect/Effect"
import { ConfigError } from "../CliError.js"
import { type Config, describeValue, isMapping, problemAt } from "../Config.js"
import { redactText } from "./Redact.js"

/** The journal a lifecycle command uses, and how to name it to the user. */
export interface JournalChoice {
  readonly config: JournalConfig
  /** The directory, or the database URL without its password and the schema. */
  readonly location: string
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * The `journal:` section: `{ backend: file, dir }` (the default: `dir` defaults to
 * `$XDG_STATE_HOME/ir/journal`, relative paths are relative to the configuration file) or
 * `{ backend: postgres, url, schema?, poolSize? }`. A `url` alone means PostgreSQL.
 */
export const resolveJournal = (
  config: Config,
  io: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
): Effect.Effect<JournalChoice, ConfigError> =>
  Effect.suspend((): Effect.Effect<JournalChoice, ConfigError> => {
    const section = config.document.journal
    const fail = (path: ReadonlyArray<string>, expected: string) =>
      Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["journal", ...path], io.cwd),
          expected,
        }),
      )
    if (section === undefined || section === null) {
      const dir = defaultJournalDir(io.env)
      return Effect.succeed({ config: { backend: "file", dir, env: io.env }, location: dir })
    }
    if (!isMapping(section)) {
      return fail(
        [],
        `expected a mapping ({ backend: file, dir } or { backend: postgres, url }), got ${describeValue(section)}`,
      )
    }
    const known = ["backend", "dir", "url", "schema", "poolSize"]
    const unknown = Object.keys(section).find((key) => !known.includes(key))
    if (unknown !== undefined) {
      return fail([unknown], `unknown setting "${unknown}": expected one of ${known.join(", ")}`)
    }
    const backend = section.backend ?? (section.url === undefined ? "file" : "postgres")
    if (backend === "file") {
      const dir = section.dir
      if (dir !== undefined && (typeof dir !== "string" || dir === "")) {
        return fail(["dir"], `expected a directory path, got ${describeValue(dir)}`)
      }
      if (section.url !== undefined) {
        return fail(["url"], "a file journal has no url (write backend: postgres to use one)")
      }
      if (section.poolSize !== undefined) {
        return fail(
          ["poolSize"],
          "a file journal has no connection pool (poolSize is for postgres)",
        )
      }
      const path =
        dir === undefined
          ? defaultJournalDir(io.env)
          : isAbsolute(dir)
            ? dir
            : resolve(config.baseDir, dir)
      return Effect.succeed({ config: { backend: "file", dir: path, env: io.env }, location: path })
    }
    if (backend === "postgres") {
      const url = section.url
      if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) {
        return fail(
          ["url"],
          `expected a postgres:// connection URL (write the password as \${VARIABLE}), got ${
            typeof url === "string" ? "another kind of URL" : describeValue(url)
          }`,
        )
      }
      const schema = section.schema
      if (schema !== undefined && (typeof schema !== "string" || !schemaName.test(schema))) {
        return fail(
          ["schema"],
          `expected a schema name (lower-case letters, digits and underscores), got ${describeValue(schema)}`,
        )
      }
      const poolSize = section.poolSize
      if (
        poolSize !== undefined &&
        (typeof poolSize !== "number" ||
          !Number.isInteger(poolSize) ||
          poolSize < 1 ||
          poolSize > 100)
      ) {
        return fail(
          ["poolSize"],
          `expected a number of connections from 1 to 100, got ${describeValue(poolSize)}`,
        )
      }
      return Effect.succeed({
        config: {
          backend: "postgres",
          url,
          ...(typeof schema === "string" ? { schema } : {}),
          ...(typeof poolSize === "number" ? { poolSize } : {}),
        },
        // The schema too: two journals in one database are two journals (`ir escalate` keeps
        // its notes per location).
        location: `${redactText(url)} (schema ${typeof schema === "string" ? schema : defaultPostgresSchema})`,
      })
    }
    return fail(["backend"], `expected file or postgres, got ${describeValue(backend)}`)
  })
