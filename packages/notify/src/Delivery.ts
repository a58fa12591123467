/**
 * Delivering a message to channels, reliably: every attempt has a timeout; network errors,
 * timeouts, 429 (honouring `Retry-After`) and 5xx are retried with exponential backoff and full
 * jitter; other 4xx are not; the same idempotency key (and, for webhooks, the same signed body)
 * goes with every retry, so a receiver that deduplicates never posts twice. `deliver` never
 * throws: the result says `delivered` or `failed`, with the cause, and no secret appears in it or
 * in the log entries.
 *
 * @example
 * ```ts
 * import { Channel, deliverAll } from "@ir/notify"
 * import { messageContext, renderMessage } from "@ir/templates"
 * const channels = Channel.decodeChannels(config.notify.channels)
 * const message = renderMessage(messageContext("initial", { incident, runbook, now: new Date() }))
 * const results = await deliverAll(channels, message, { idempotencyKey: `${incident.id}:initial` })
 * for (const result of results) console.log(result.channel, result.status, result.cause?.message ?? "")
 * ```
 */
import { createHash } from "node:crypto"
import { type Channel, type ChannelKind, secretsOf, target } from "./Channel.js"
import { DeliveryError } from "./DeliveryError.js"
import type { AttemptResult, Failure, PreparedDelivery } from "./internal/attempt.js"
import { prepareEmail } from "./internal/email.js"
import { preparePagerDuty } from "./internal/pagerduty.js"
import { scrub } from "./internal/redact.js"
import { backoffDelay, sleep } from "./internal/retry.js"
import { prepareSlack } from "./internal/slack.js"
import { prepareStatuspage } from "./internal/statuspage.js"
import { prepareWebhook } from "./internal/webhook.js"
import { prepareZendesk } from "./internal/zendesk.js"
import type { Message } from "./Message.js"

/** One line of the delivery log; every field is free of secrets. */
export interface DeliveryLogEntry {
  readonly event: "attempt" | "retry" | "delivered" | "failed"
  readonly channel: string
  readonly kind: ChannelKind
  readonly target: string
  readonly attempt: number
  readonly status?: number
  /** Before a retry: how long it waits. */
  readonly delayMs?: number
  readonly message: string
}

/** How to deliver. */
export interface DeliveryOptions {
  /**
   * Sent with every attempt (`Idempotency-Key` header and body `id` for webhooks, the e-mail's
   * Message-ID; PagerDuty deduplicates by the incident id). Give the same key when re-running a
   * notification (e.g. `escalate`'s `DueAction.key`); by default it is derived from the channel
   * and the message content.
   */
  readonly idempotencyKey?: string
  /** Deadline of one attempt, connection to answer. Default 10 000 ms. */
  readonly timeoutMs?: number
  /** Attempts after the first. Default 3. */
  readonly retries?: number
  /** First backoff ceiling; doubles per attempt (full jitter). Default 500 ms. */
  readonly baseDelayMs?: number
  /** Backoff ceiling. Default 10 000 ms. */
  readonly maxDelayMs?: number
  /** Longest `Retry-After` honoured; a peer asking for more fails the delivery. Default 60 000 ms. */
  readonly maxRetryAfterMs?: number
  /** Cancels the delivery, including a wait between attempts. */
  readonly signal?: AbortSignal
  /** Receives one entry per attempt, retry and outcome. */
  readonly log?: (entry: DeliveryLogEntry) => void
  /** The clock, for the webhook's timestamp. */
  readonly now?: () => Date
  /**
   * What each channel's peer already calls the incident, by channel id (a Statuspage incident
   * id, a Zendesk ticket number, from an earlier delivery's `reference`): the notice updates it
   * instead of creating another.
   */
  readonly references?: Readonly<Record<string, string>>
}

/** The outcome for one channel. */
export interface DeliveryResult {
  readonly channel: string
  readonly kind: ChannelKind
  /** Where the channel points, secrets starred out. */
  readonly target: string
  readonly status: "delivered" | "failed"
  readonly attempts: number
  readonly idempotencyKey: string
  readonly durationMs: number
  /** The peer's status and answer on success: "ok", PagerDuty's dedup key, the SMTP reply. */
  readonly response?: { readonly status?: number; readonly detail?: string }
  /** Why it failed. */
  readonly cause?: DeliveryError
  /** What the peer calls what this delivery created or updated (record it for the next one). */
  readonly reference?: string
}

const defaults = {
  timeoutMs: 10_000,
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
}

const defaultKey = (channel: Channel, message: Message): string =>
  `ir-${createHash("sha256")
    .update(
      JSON.stringify([channel.id, message.incidentId, message.kind, message.at, message.text]),
    )
    .digest("hex")
    .slice(0, 32)}`

const prepare = (
  channel: Channel,
  message: Message,
  idempotencyKey: string,
  secrets: ReadonlyArray<string>,
  now: Date,
  reference: string | undefined,
): PreparedDelivery => {
  switch (channel.kind) {
    case "slack":
      return prepareSlack(channel, message, secrets)
    case "pagerduty":
      return preparePagerDuty(channel, message, secrets)
    case "webhook":
      return prepareWebhook(channel, message, idempotencyKey, secrets, now)
    case "email":
      return prepareEmail(channel, message, idempotencyKey, secrets)
    case "statuspage":
      return prepareStatuspage(channel, message, reference, secrets)
    case "zendesk":
      return prepareZendesk(channel, message, reference, idempotencyKey, secrets)
  }
}

/**
 * Delivers a message to one channel, retrying as the options allow. Never throws (a bug in a
 * peer or library included): the result carries the failure.
 *
 * @example
 * ```ts
 * import { Channel, deliver } from "@ir/notify"
 * const slack = Channel.decodeChannel({ id: "incidents", kind: "slack", webhookUrl: process.env.SLACK_WEBHOOK_URL })
 * const result = await deliver(slack, message, { timeoutMs: 5_000, retries: 2 })
 * result.status // "delivered" | "failed"
 * ```
 */
export const deliver = async (
  channel: Channel,
  message: Message,
  options: DeliveryOptions = {},
): Promise<DeliveryResult> => {
  const settings = { ...defaults, ...definedOnly(options) }
  const started = Date.now()
  const secrets = secretsOf(channel)
  const where = target(channel)
  const idempotencyKey = options.idempotencyKey ?? defaultKey(channel, message)
  const log = (entry: Omit<DeliveryLogEntry, "channel" | "kind" | "target">) => {
    try {
      options.log?.({
        channel: channel.id,
        kind: channel.kind,
        target: where,
        ...entry,
        message: scrub(entry.message, secrets),
      })
    } catch {
      // A failing logger must not fail the delivery.
    }
  }
  const result = (
    attempts: number,
    outcome:
      | { ok: true; status?: number; detail?: string; reference?: string }
      | { ok: false; failure: Failure },
  ): DeliveryResult => {
    const base = {
      channel: channel.id,
      kind: channel.kind,
      target: where,
      attempts,
      idempotencyKey,
      durationMs: Date.now() - started,
    }
    if (outcome.ok) {
      log({
        event: "delivered",
        attempt: attempts,
        ...statusOf(outcome.status),
        message: `delivered: ${outcome.detail ?? ""}`,
      })
      return {
        ...base,
        status: "delivered",
        ...(outcome.reference === undefined ? {} : { reference: outcome.reference }),
        response: {
          ...(outcome.status === undefined ? {} : { status: outcome.status }),
          ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
        },
      }
    }
    const failure = outcome.failure
    const cause = new DeliveryError({
      reason: failure.reason,
      channel: channel.id,
      kind: channel.kind,
      target: where,
      ...statusOf(failure.status),
      detail: scrub(failure.detail, secrets),
      retryable: failure.retryable,
      ...(failure.cause === undefined ? {} : { cause: failure.cause }),
    })
    log({ event: "failed", attempt: attempts, ...statusOf(failure.status), message: cause.message })
    return { ...base, status: "failed", cause }
  }

  let prepared: PreparedDelivery
  try {
    prepared = prepare(
      channel,
      message,
      idempotencyKey,
      secrets,
      (options.now ?? (() => new Date()))(),
      options.references?.[channel.id],
    )
  } catch (error) {
    return result(0, { ok: false, failure: unexpected(error, secrets) })
  }
  let attempts = 0
  try {
    for (;;) {
      attempts += 1
      log({
        event: "attempt",
        attempt: attempts,
        message: `attempt ${attempts} of ${settings.retries + 1}`,
      })
      let outcome: AttemptResult
      try {
        outcome = await prepared.attempt({
          timeoutMs: settings.timeoutMs,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        })
      } catch (error) {
        outcome = { ok: false, failure: unexpected(error, secrets) }
      }
      if (outcome.ok) return result(attempts, outcome)
      const failure = outcome.failure
      if (!failure.retryable || attempts > settings.retries) return result(attempts, outcome)
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > settings.maxRetryAfterMs) {
        return result(attempts, {
          ok: false,
          failure: {
            ...failure,
            detail: `${failure.detail}; Retry-After asks for ${Math.ceil(failure.retryAfterMs / 1000)} s, longer than the ${Math.ceil(settings.maxRetryAfterMs / 1000)} s allowed`,
          },
        })
      }
      const delayMs =
        failure.retryAfterMs ?? backoffDelay(attempts, settings.baseDelayMs, settings.maxDelayMs)
      log({
        event: "retry",
        attempt: attempts,
        ...statusOf(failure.status),
        delayMs,
        message: `${failure.reason}${failure.status === undefined ? "" : ` ${failure.status}`}: ${failure.detail}; retrying in ${delayMs} ms`,
      })
      try {
        await sleep(delayMs, options.signal)
      } catch {
        return result(attempts, {
          ok: false,
          failure: {
            reason: "aborted",
            detail: "the caller cancelled it while waiting to retry",
            retryable: false,
          },
        })
      }
    }
  } finally {
    try {
      prepared.close?.()
    } catch {
      // Closing a connection that already failed is not a delivery failure.
    }
  }
}

/**
 * Delivers a message to every channel that takes it (its `severities` and `messages` filters),
 * concurrently; one result per channel, in the channels' order. Each channel gets its own
 * idempotency key, `<key>:<channel id>` when a key is given.
 *
 * @example
 * ```ts
 * import { deliverAll } from "@ir/notify"
 * const results = await deliverAll(channels, message, { idempotencyKey: "INC-2026-0042:initial" })
 * const failed = results.filter((result) => result.status === "failed")
 * ```
 */
export const deliverAll = (
  channels: ReadonlyArray<Channel>,
  message: Message,
  options: DeliveryOptions = {},
): Promise<ReadonlyArray<DeliveryResult>> =>
  Promise.all(
    channels
      .filter((channel) => accepts(channel, message))
      .map((channel) =>
        deliver(channel, message, {
          ...options,
          ...(options.idempotencyKey === undefined
            ? {}
            : { idempotencyKey: `${options.idempotencyKey}:${channel.id}` }),
        }),
      ),
  )

/**
 * Whether a channel takes a message: its `severities` and `messages` filters, when set, include
 * the message's severity and kind.
 *
 * @example
 * ```ts
 * import { accepts } from "@ir/notify"
 * accepts({ ...pagerduty, severities: ["P0"] }, { ...message, severity: "P2" }) // false
 * ```
 */
export const accepts = (channel: Channel, message: Message): boolean =>
  (channel.severities === undefined || channel.severities.includes(message.severity)) &&
  (channel.messages === undefined || channel.messages.includes(message.kind))

const statusOf = (status: number | undefined) => (status === undefined ? {} : { status })

const unexpected = (error: unknown, secrets: ReadonlyArray<string>): Failure => ({
  reason: "network",
  detail: scrub(error instanceof Error ? error.message : String(error), secrets),
  retryable: false,
})

const definedOnly = (options: DeliveryOptions) =>
  Object.fromEntries(
    Object.entries(options).filter(([key, value]) => value !== undefined && key in defaults),
  ) as Partial<typeof defaults>
