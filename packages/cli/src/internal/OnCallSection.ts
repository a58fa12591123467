import { PagerDutyOnCalls } from "@ir/notify"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { ConfigError } from "../CliError.js"
import { type Config, describeValue, isMapping, problemAt } from "../Config.js"

/** How `ir oncall --pagerduty-schedule` reaches PagerDuty's REST API. */
export interface PagerDutySettings {
  /** A REST API key (`oncall.pagerDuty.token`, else `$PAGERDUTY_API_TOKEN`); never shown. */
  readonly token: Redacted.Redacted<string>
  readonly baseUrl: string
}

/**
 * The `oncall:` section, read only when `ir oncall` asks PagerDuty (so an unset `${VAR}` in it
 * stops that command alone):
 *
 * ```yaml
 * oncall:
 *   pagerDuty:
 *     token: "${PAGERDUTY_API_TOKEN}"       # a REST API key with read access
 *     baseUrl: https://api.eu.pagerduty.com # default https://api.pagerduty.com
 * ```
 */
export const resolvePagerDuty = (
  config: Config,
  io: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
): Effect.Effect<PagerDutySettings, ConfigError> =>
  Effect.suspend(() => {
    const unset = config.unsetOnCallVariables?.[0]
    if (unset !== undefined)
      return Effect.fail(
        new ConfigError({
          reason: "missing-variable",
          ...problemAt(config, unset.path, io.cwd),
          expected: `expected the environment variable ${unset.variable} to be set: asking PagerDuty who is on call needs it`,
        }),
      )
    const fail = (path: ReadonlyArray<string>, expected: string) =>
      Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["oncall", ...path], io.cwd),
          expected,
        }),
      )
    const section = config.document.oncall ?? {}
    if (!isMapping(section))
      return fail([], `expected a mapping (pagerDuty), got ${describeValue(section)}`)
    const unknownKey = Object.keys(section).find((key) => key !== "pagerDuty")
    if (unknownKey !== undefined)
      return fail([unknownKey], `unknown setting "${unknownKey}": expected pagerDuty`)
    const pagerDuty = section.pagerDuty ?? {}
    if (!isMapping(pagerDuty))
      return fail(
        ["pagerDuty"],
        `expected a mapping (token, baseUrl), got ${describeValue(pagerDuty)}`,
      )
    const known = ["token", "baseUrl"]
    const unknownSetting = Object.keys(pagerDuty).find((key) => !known.includes(key))
    if (unknownSetting !== undefined)
      return fail(
        ["pagerDuty", unknownSetting],
        `unknown setting "${unknownSetting}": expected one of ${known.join(", ")}`,
      )
    const configured = pagerDuty.token
    const token =
      configured === undefined || configured === null || configured === ""
        ? io.env.PAGERDUTY_API_TOKEN || undefined
        : configured
    // The value is never described: it is a secret even when it is the wrong kind of value.
    if (token === undefined)
      return Effect.fail(
        new ConfigError({
          reason: "invalid",
          ...problemAt(config, ["oncall", "pagerDuty", "token"], io.cwd),
          expected: `expected a PagerDuty REST API key with read access to ask PagerDuty who is on call: set oncall.pagerDuty.token (e.g. "\${PAGERDUTY_API_TOKEN}") or $PAGERDUTY_API_TOKEN`,
        }),
      )
    if (typeof token !== "string")
      return fail(["pagerDuty", "token"], "expected a PagerDuty REST API key (a string)")
    const baseUrl = pagerDuty.baseUrl ?? PagerDutyOnCalls.defaultBaseUrl
    if (typeof baseUrl !== "string" || !/^https?:\/\/[^/]/i.test(baseUrl))
      return fail(
        ["pagerDuty", "baseUrl"],
        `expected an http(s) URL such as ${PagerDutyOnCalls.defaultBaseUrl}, got ${describeValue(baseUrl)}`,
      )
    return Effect.succeed({ token: Redacted.make(token), baseUrl })
  })
