import { Duration, defaultRunbook, type Runbook } from "@ir/core"
import * as Effect from "effect/Effect"
import { ConfigError } from "../CliError.js"
import { type Config, describeValue, isMapping, problemAt } from "../Config.js"
import { readStatusSection, type StatusSettings } from "./StatusSection.js"

/** The port `ir serve` listens on and `ir alerts route` points Alertmanager at by default. */
export const defaultServePort = 9111

/** The `serve:` section, with the defaults filled in. */
export interface ServeSettings {
  readonly host: string
  readonly port: number
  /** The bearer token Alertmanager must send (`serve.token`, else `$IR_ALERTS_TOKEN`). */
  readonly token?: string
  /** Unlocks the detailed `/health` body (`serve.healthToken`, else `$IR_HEALTH_TOKEN`). */
  readonly healthToken?: string
  /** Accept alerts without a token (only for a receiver reachable from loopback alone). */
  readonly allowUnauthenticated: boolean
  /** How long readiness fails before the server stops on SIGTERM, in ms. */
  readonly shutdownDelayMs: number
  /** How often the responder clock sends what is due, in ms. */
  readonly tickMs: number
  /** Whether the clock reminds the team of the runbook's drill schedule (`trainingReminders`). */
  readonly trainingReminders: boolean
  /** The public status page (`serve.status`; on by default). */
  readonly status: StatusSettings
  /** Opens the responder board (`serve.boardToken`, else `$IR_BOARD_TOKEN`); no token, no board. */
  readonly boardToken?: string
}

/** The responder clock's default tick: what is due is sent within this long of being due. */
export const defaultTick = "15s"

/**
 * The `serve:` section of `ir serve` (and `ir alerts route`):
 *
 * ```yaml
 * serve:
 *   host: 127.0.0.1                  # loopback unless you mean it
 *   port: 9111
 *   token: "${IR_ALERTS_TOKEN}"      # Alertmanager's bearer token
 *   healthToken: "${IR_HEALTH_TOKEN}" # unlocks the detailed /health
 *   shutdownDelay: 5s                # readiness fails this long before the server stops
 *   tick: 15s                        # the responder clock: how often what is due is sent
 *   trainingReminders: true          # remind the team of the drill schedule (default false)
 *   status: { name: Acme status }    # the public status page (default on; false turns it off)
 *   boardToken: "${IR_BOARD_TOKEN}"  # opens the responder board at /board
 * ```
 */
export const resolveServe = (
  config: Config,
  io: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
  runbook: Runbook = defaultRunbook,
): Effect.Effect<ServeSettings, ConfigError> =>
  Effect.suspend(() => {
    const section = config.document.serve ?? {}
    const fail = (path: ReadonlyArray<string>, expected: string) =>
      Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["serve", ...path], io.cwd),
          expected,
        }),
      )
    if (!isMapping(section)) {
      return fail(
        [],
        `expected a mapping (host, port, token, healthToken, shutdownDelay, tick, trainingReminders, status, boardToken), got ${describeValue(section)}`,
      )
    }
    const known = [
      "host",
      "port",
      "token",
      "healthToken",
      "allowUnauthenticated",
      "shutdownDelay",
      "tick",
      "trainingReminders",
      "status",
      "boardToken",
    ]
    const unknown = Object.keys(section).find((key) => !known.includes(key))
    if (unknown !== undefined) {
      return fail([unknown], `unknown setting "${unknown}": expected one of ${known.join(", ")}`)
    }
    const host = section.host ?? "127.0.0.1"
    if (typeof host !== "string" || host === "") {
      return fail(["host"], `expected a host name or address, got ${describeValue(host)}`)
    }
    const port = section.port ?? defaultServePort
    if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65_535) {
      return fail(["port"], `expected a port number from 0 to 65535, got ${describeValue(port)}`)
    }
    const secret = (key: "token" | "healthToken" | "boardToken", variable: string) => {
      const value = section[key]
      if (value === undefined || value === null) {
        const fromEnv = io.env[variable]
        return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv
      }
      return value
    }
    const token = secret("token", "IR_ALERTS_TOKEN")
    if (token !== undefined && (typeof token !== "string" || token.length < 16)) {
      return fail(
        ["token"],
        "expected a token of at least 16 characters (generate one with `openssl rand -hex 32`)",
      )
    }
    const healthToken = secret("healthToken", "IR_HEALTH_TOKEN")
    if (healthToken !== undefined && (typeof healthToken !== "string" || healthToken === "")) {
      return fail(["healthToken"], "expected a token")
    }
    const boardToken = secret("boardToken", "IR_BOARD_TOKEN")
    if (boardToken !== undefined && (typeof boardToken !== "string" || boardToken.length < 16)) {
      return fail(
        ["boardToken"],
        "expected a token of at least 16 characters (generate one with `openssl rand -hex 32`)",
      )
    }
    const status = readStatusSection(section.status, runbook, Duration.parseMillis)
    if ("expected" in status) return fail(["status", ...status.path], status.expected)
    const allow = section.allowUnauthenticated ?? false
    if (typeof allow !== "boolean") {
      return fail(["allowUnauthenticated"], `expected true or false, got ${describeValue(allow)}`)
    }
    const delay = section.shutdownDelay ?? "5s"
    const delayMs = typeof delay === "string" ? Duration.parseMillis(delay) : undefined
    if (delayMs === undefined) {
      return fail(
        ["shutdownDelay"],
        `expected a duration such as "5s" or "500ms", got ${describeValue(delay)}`,
      )
    }
    const tick = section.tick ?? defaultTick
    const tickMs = typeof tick === "string" ? Duration.parseMillis(tick) : undefined
    if (tickMs === undefined || tickMs < 100 || tickMs > 3_600_000) {
      return fail(
        ["tick"],
        `expected a duration from 100ms to 1h such as "15s", got ${describeValue(tick)}`,
      )
    }
    const training = section.trainingReminders ?? false
    if (typeof training !== "boolean")
      return fail(["trainingReminders"], `expected true or false, got ${describeValue(training)}`)
    return Effect.succeed({
      trainingReminders: training,
      status,
      ...(typeof boardToken === "string" ? { boardToken } : {}),
      host,
      port,
      ...(typeof token === "string" ? { token } : {}),
      ...(typeof healthToken === "string" ? { healthToken } : {}),
      allowUnauthenticated: allow,
      shutdownDelayMs: delayMs,
      tickMs,
    })
  })
