import { isAbsolute, resolve } from "node:path"
import { Duration } from "@ir/core"
import { Channel } from "@ir/notify"
import { loadTemplates, type Templates } from "@ir/templates"
import * as Effect from "effect/Effect"
import { ConfigError } from "../CliError.js"
import { type Config, describeValue, isMapping, problemAt } from "../Config.js"

/** Where and how messages are delivered, from the `notify:` section. */
export interface NotifySettings {
  readonly channels: ReadonlyArray<Channel.Channel>
  /** The templates with the overrides of `notify.templates`, when set. */
  readonly templates?: Templates
  readonly timeoutMs: number
  readonly retries: number
  /**
   * Channels left out because a `${VAR}` of theirs is unset, each with the error a command that
   * sends reports (`requireChannels`); commands that only read the journal do without them.
   */
  readonly unavailable: ReadonlyArray<ConfigError>
}

const durationPattern = /^\d+(\.\d+)?(s|m|h|d)$/

/**
 * The `notify:` section:
 *
 * ```yaml
 * notify:
 *   channels:                  # @ir/notify channels; ids match the runbook's channel ids
 *     - { id: incidents, kind: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }
 *     - { id: on-call, kind: pagerduty, routingKey: "${PAGERDUTY_ROUTING_KEY}" }
 *   templates: ./ir-templates  # overrides of the message templates (optional)
 *   timeout: 10s               # one delivery attempt
 *   retries: 3                 # attempts after the first
 * ```
 *
 * Problems name the file, line and field, never a secret value.
 */
export const resolveNotify = (
  config: Config,
  cwd: string,
): Effect.Effect<NotifySettings, ConfigError> =>
  Effect.suspend(() => {
    const section = config.document.notify ?? {}
    const fail = (path: ReadonlyArray<string | number>, expected: string, cause?: unknown) =>
      Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["notify", ...path], cwd),
          expected,
          ...(cause === undefined ? {} : { cause }),
        }),
      )
    if (!isMapping(section)) {
      return fail(
        [],
        `expected a mapping with channels, templates, timeout, retries, got ${describeValue(section)}`,
      )
    }
    const known = ["channels", "templates", "timeout", "retries"]
    const unknown = Object.keys(section).find((key) => !known.includes(key))
    if (unknown !== undefined) {
      return fail([unknown], `unknown setting "${unknown}": expected one of ${known.join(", ")}`)
    }
    const list = section.channels ?? []
    if (!Array.isArray(list)) {
      return fail(["channels"], `expected a list of channels, got ${describeValue(list)}`)
    }
    const channels: Array<Channel.Channel> = []
    const unavailable: Array<ConfigError> = []
    for (const [index, entry] of list.entries()) {
      const unset = config.unsetChannelVariables?.find((missing) => missing.path[2] === index)
      if (unset !== undefined) {
        unavailable.push(
          new ConfigError({
            reason: "missing-variable",
            ...problemAt(config, unset.path, cwd),
            expected: `the environment variable ${unset.variable} is not set (write \${${unset.variable}:-default} to give a default); a command that sends needs it`,
          }),
        )
        continue
      }
      try {
        const channel = Channel.decodeChannel(entry)
        if (channels.some((other) => other.id === channel.id)) {
          return fail(
            ["channels", index, "id"],
            `another channel already has the id "${channel.id}"`,
          )
        }
        channels.push(channel)
      } catch (error) {
        if (error instanceof Channel.ChannelConfigError) {
          const [first] = error.issues
          const path = first === undefined || first.path === "" ? [] : first.path.split(".")
          const more =
            error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : ""
          return fail(["channels", index, ...path], `${first?.message ?? "invalid channel"}${more}`)
        }
        throw error
      }
    }
    const timeout = section.timeout ?? "10s"
    if (typeof timeout !== "string" || !durationPattern.test(timeout)) {
      return fail(["timeout"], `expected a duration such as "10s", got ${describeValue(timeout)}`)
    }
    const retries = section.retries ?? 3
    if (typeof retries !== "number" || !Number.isInteger(retries) || retries < 0 || retries > 10) {
      return fail(
        ["retries"],
        `expected a whole number from 0 to 10, got ${describeValue(retries)}`,
      )
    }
    const dir = section.templates
    let templates: Templates | undefined
    if (dir !== undefined) {
      if (typeof dir !== "string" || dir === "") {
        return fail(
          ["templates"],
          `expected the path of a folder of templates, got ${describeValue(dir)}`,
        )
      }
      try {
        templates = loadTemplates({ dir: isAbsolute(dir) ? dir : resolve(config.baseDir, dir) })
      } catch (error) {
        return fail(["templates"], error instanceof Error ? error.message : String(error), error)
      }
    }
    return Effect.succeed({
      channels,
      ...(templates === undefined ? {} : { templates }),
      timeoutMs: Duration.toMillis(timeout),
      retries,
      unavailable,
    })
  })
