/**
 * Where messages go: a Slack incoming webhook, a PagerDuty Events API v2 integration, a generic
 * JSON webhook signed with HMAC-SHA256, or an SMTP server. Channels are data, decoded with
 * `decodeChannel` from configuration (`ir.config.yaml`): webhook URLs, routing keys, signing
 * secrets, header values and SMTP passwords become `Redacted` values that print as `<redacted>`,
 * and `target(channel)` shows where a channel points with its secret parts starred out.
 *
 * A channel's `id` matches the runbook's channel ids (`Runbook.channels`, `Contact.channels`), so
 * the escalation policy can name the channels that reach a contact. `severities` and `messages`
 * narrow what `deliverAll` sends to it.
 *
 * @example
 * ```ts
 * import { Channel } from "@ir/notify"
 * const slack = Channel.decodeChannel({
 *   id: "incidents", kind: "slack",
 *   webhookUrl: process.env.SLACK_WEBHOOK_URL,
 * })
 * Channel.target(slack) // "https://hooks.slack.com/services/***"
 * ```
 */
import { Redaction, SchemaIssues, SeverityLevel } from "@ir/core"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value)
    return url.protocol === "https:" || url.protocol === "http:"
  } catch {
    return false
  }
}

/** An http(s) URL; never echoed in errors since it may carry a token. */
const HttpUrl = Schema.String.pipe(
  Schema.filter((value) => isHttpUrl(value) || "expected an http(s) URL"),
)

const common = {
  /** The channel's id, e.g. the runbook's "incidents". */
  id: Schema.String.pipe(Schema.minLength(1)),
  /** Only these severities are sent here (all when absent). */
  severities: Schema.optional(Schema.Array(SeverityLevel)),
  /** Only these message kinds ("initial", "update", "resolution", "escalation", "postmortem"). */
  messages: Schema.optional(Schema.Array(Schema.String)),
}

/** A Slack incoming webhook (`https://hooks.slack.com/services/…`). */
export const SlackChannel = Schema.Struct({
  ...common,
  kind: Schema.Literal("slack"),
  webhookUrl: Schema.Redacted(HttpUrl),
})
export type SlackChannel = typeof SlackChannel.Type

/** The PagerDuty Events API v2 endpoint. */
export const pagerDutyEventsUrl = "https://events.pagerduty.com/v2/enqueue"

/** A PagerDuty service integration (Events API v2). */
export const PagerDutyChannel = Schema.Struct({
  ...common,
  kind: Schema.Literal("pagerduty"),
  /** The integration's routing key (32 characters). */
  routingKey: Schema.Redacted(Schema.String.pipe(Schema.minLength(1))),
  url: Schema.optionalWith(HttpUrl, { default: () => pagerDutyEventsUrl }),
  /** The affected system, PagerDuty's `payload.source`. */
  source: Schema.optionalWith(Schema.String, { default: () => "ir" }),
  component: Schema.optional(Schema.String),
  group: Schema.optional(Schema.String),
  class: Schema.optional(Schema.String),
})
export type PagerDutyChannel = typeof PagerDutyChannel.Type

/** A generic JSON webhook, signed with HMAC-SHA256 over the body. */
export const WebhookChannel = Schema.Struct({
  ...common,
  kind: Schema.Literal("webhook"),
  url: Schema.Redacted(HttpUrl),
  /** The shared secret for `X-Ir-Signature`. */
  secret: Schema.Redacted(Schema.String.pipe(Schema.minLength(16))),
  /** Extra request headers (e.g. an authorization token); values are secrets. */
  headers: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.Redacted(Schema.String) }),
  ),
})
export type WebhookChannel = typeof WebhookChannel.Type

/** E-mail over SMTP, sent with a text and an HTML part. */
export const EmailChannel = Schema.Struct({
  ...common,
  kind: Schema.Literal("email"),
  host: Schema.String.pipe(Schema.minLength(1)),
  port: Schema.optionalWith(Schema.Number.pipe(Schema.int(), Schema.between(1, 65_535)), {
    default: () => 587,
  }),
  /** Implicit TLS from the first byte (port 465). */
  secure: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** STARTTLS on a plain connection: use it when offered, insist on it, or never use it. */
  starttls: Schema.optionalWith(Schema.Literal("opportunistic", "required", "never"), {
    default: () => "opportunistic" as const,
  }),
  user: Schema.optional(Schema.String),
  password: Schema.optional(Schema.Redacted(Schema.String)),
  from: Schema.String.pipe(Schema.minLength(3)),
  to: Schema.Array(Schema.String).pipe(Schema.minItems(1)),
  cc: Schema.optional(Schema.Array(Schema.String)),
})
export type EmailChannel = typeof EmailChannel.Type

/** Atlassian Statuspage's REST API. */
export const statuspageApiUrl = "https://api.statuspage.io/v1"

/**
 * An Atlassian Statuspage page: the incident is created on the first notice (with the status of
 * the components it affects), updated by each update and resolved by the resolution notice.
 */
export const StatuspageChannel = Schema.Struct({
  ...common,
  kind: Schema.Literal("statuspage"),
  /** The page's id (Statuspage → API info). */
  pageId: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]+$/)),
  /** A Statuspage API key (`Authorization: OAuth <key>`). */
  apiKey: Schema.Redacted(Schema.String.pipe(Schema.minLength(1))),
  url: Schema.optionalWith(HttpUrl, { default: () => statuspageApiUrl }),
  /**
   * The page's components an incident affects: a component id, and the playbooks that affect it
   * (every incident when absent). Their status follows the severity (P0 major outage, P1 partial
   * outage, else degraded performance) and turns operational at the resolution.
   */
  components: Schema.optionalWith(
    Schema.Array(
      Schema.Struct({
        id: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]+$/)),
        playbooks: Schema.optional(Schema.Array(Schema.String)),
      }),
    ),
    { default: () => [] },
  ),
  /**
   * A component kept for tests: `ir drill --live` posts its test incident there, already
   * resolved and without notifying subscribers. Without it the live drill leaves the page alone.
   */
  drillComponent: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]+$/))),
})
export type StatuspageChannel = typeof StatuspageChannel.Type

/**
 * Zendesk support tickets: a ticket is created on the first notice, each update is a public
 * comment, and the resolution notice solves it.
 */
export const ZendeskChannel = Schema.Struct({
  ...common,
  kind: Schema.Literal("zendesk"),
  /** The account's URL, e.g. `https://acme.zendesk.com`. */
  url: HttpUrl,
  /** The agent the API token belongs to (`<email>/token:<token>`). */
  email: Schema.String.pipe(Schema.minLength(3)),
  apiToken: Schema.Redacted(Schema.String.pipe(Schema.minLength(1))),
  /** Tags put on the ticket besides `ir` and the severity. */
  tags: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
})
export type ZendeskChannel = typeof ZendeskChannel.Type

/** Any channel. */
export const Channel = Schema.Union(
  SlackChannel,
  PagerDutyChannel,
  WebhookChannel,
  EmailChannel,
  StatuspageChannel,
  ZendeskChannel,
)
export type Channel = typeof Channel.Type
export type ChannelKind = Channel["kind"]

/** A channel configuration that does not decode; the message never contains a secret. */
export class ChannelConfigError extends Data.TaggedError("ChannelConfigError")<{
  readonly reason: "invalid"
  /** Each problem: where in the channel, and what was expected. */
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>
  readonly channel?: string
}> {
  override get message(): string {
    const subject =
      this.channel === undefined ? "a notification channel" : `channel "${this.channel}"`
    return `${subject} is invalid: ${this.issues.map((issue) => `${issue.path === "" ? "" : `${issue.path}: `}${issue.message}`).join("; ")}`
  }
}

/** The fields the channel schemas mark secret (`Schema.Redacted`), by name. */
const secretFields = new Set(Redaction.secretFields(Channel))

const collectSecrets = (input: unknown): Array<string> => {
  if (input === null || typeof input !== "object") return []
  const found: Array<string> = []
  const visit = (value: unknown) => {
    if (typeof value === "string") found.push(value)
    else if (typeof value === "number" || typeof value === "bigint") found.push(String(value))
    else if (value !== null && typeof value === "object") Object.values(value).forEach(visit)
  }
  for (const [field, value] of Object.entries(input)) if (secretFields.has(field)) visit(value)
  return found.filter((secret) => secret.length >= 4)
}

/**
 * Decodes one channel from configuration; throws {@link ChannelConfigError} naming each invalid
 * field, never its secret value.
 *
 * @example
 * ```ts
 * import { Channel } from "@ir/notify"
 * const pagerduty = Channel.decodeChannel({
 *   id: "on-call", kind: "pagerduty", routingKey: process.env.PAGERDUTY_ROUTING_KEY,
 *   severities: ["P0"],
 * })
 * ```
 */
export const decodeChannel = (input: unknown): Channel => {
  const result = Schema.decodeUnknownEither(Channel)(input)
  if (Either.isRight(result)) return result.right
  const secrets = collectSecrets(input)
  const hide = Redaction.makeScrubber(secrets)
  const id =
    input !== null &&
    typeof input === "object" &&
    typeof (input as { id?: unknown }).id === "string"
      ? (input as { id: string }).id
      : undefined
  throw new ChannelConfigError({
    reason: "invalid",
    issues: SchemaIssues.flatten(result.left).map((issue) => ({
      path: issue.path.map(String).join("."),
      // Of a secret field only what was expected is said, never the value that was given.
      message: secretFields.has(String(issue.path[0]))
        ? hide(issue.message).replace(/[;,]?\s*(?:actual|got)\b[\s\S]*$/i, "")
        : hide(issue.message),
    })),
    ...(id === undefined ? {} : { channel: id }),
  })
}

/**
 * Decodes a list of channels, checking that ids are unique.
 *
 * @example
 * ```ts
 * import { Channel } from "@ir/notify"
 * const channels = Channel.decodeChannels(config.notify.channels)
 * ```
 */
export const decodeChannels = (input: ReadonlyArray<unknown>): ReadonlyArray<Channel> => {
  const channels = input.map(decodeChannel)
  const seen = new Set<string>()
  for (const channel of channels) {
    if (seen.has(channel.id)) {
      throw new ChannelConfigError({
        reason: "invalid",
        channel: channel.id,
        issues: [{ path: "id", message: "another channel has the same id" }],
      })
    }
    seen.add(channel.id)
  }
  return channels
}

const starred = (raw: string, keepSegments: number): string => {
  try {
    const url = new URL(raw)
    const segments = url.pathname.split("/").filter((segment) => segment !== "")
    const kept = segments.slice(0, keepSegments).join("/")
    const hidden = segments.length > keepSegments || url.search !== "" || url.hash !== ""
    return `${url.protocol}//${url.host}/${kept}${hidden ? `${kept === "" ? "" : "/"}***` : ""}`
  } catch {
    return "***"
  }
}

/**
 * Where a channel points, safe to print: URL paths and query strings that may carry tokens are
 * starred out, and keys and passwords never appear.
 *
 * @example
 * ```ts
 * import { Channel } from "@ir/notify"
 * // "https://hooks.slack.com/services/***", "PagerDuty https://events.pagerduty.com/v2/enqueue",
 * // "https://ops.example.com/***", "smtp://mail.example.com:587 → oncall@example.com"
 * ```
 */
export const target = (channel: Channel): string => {
  switch (channel.kind) {
    case "slack":
      return starred(Redacted.value(channel.webhookUrl), 1)
    case "pagerduty":
      return `PagerDuty ${starred(channel.url, 2)}`
    case "webhook":
      return starred(Redacted.value(channel.url), 0)
    case "email":
      return `${channel.secure ? "smtps" : "smtp"}://${channel.host}:${channel.port} → ${channel.to.join(", ")}`
    case "statuspage":
      return `Statuspage ${starred(channel.url, 1)} page ${channel.pageId}`
    case "zendesk":
      return `Zendesk ${starred(channel.url, 0)}`
  }
}

/**
 * Every secret value a channel holds, for scrubbing text that might quote one (error bodies,
 * library errors): URLs whole and their paths, keys, secrets, header values, passwords.
 */
export const secretsOf = (channel: Channel): ReadonlyArray<string> => {
  const url = (raw: string) => {
    try {
      const parsed = new URL(raw)
      return [raw, `${parsed.pathname}${parsed.search}`, parsed.search.slice(1), parsed.password]
    } catch {
      return [raw]
    }
  }
  const values: Array<string> = []
  switch (channel.kind) {
    case "slack":
      values.push(...url(Redacted.value(channel.webhookUrl)))
      break
    case "pagerduty":
      values.push(Redacted.value(channel.routingKey))
      break
    case "webhook":
      values.push(...url(Redacted.value(channel.url)), Redacted.value(channel.secret))
      for (const value of Object.values(channel.headers ?? {})) values.push(Redacted.value(value))
      break
    case "email":
      if (channel.password !== undefined) values.push(Redacted.value(channel.password))
      break
    case "statuspage":
      values.push(Redacted.value(channel.apiKey))
      break
    case "zendesk":
      values.push(
        Redacted.value(channel.apiToken),
        Buffer.from(`${channel.email}/token:${Redacted.value(channel.apiToken)}`).toString(
          "base64",
        ),
      )
      break
  }
  // Slack's and webhooks' paths are secrets beyond their first segment ("/services/" is not).
  return values.filter((value) => value.length >= 6 && value !== "/services/")
}
