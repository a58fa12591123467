/**
 * The seed's "communication channel testing": one clearly marked test message through each
 * configured channel, and which delivered. PagerDuty gets a test trigger resolved at once (same
 * dedup key); a status page gets a test incident, already resolved and notifying nobody, on its
 * `drillComponent` only (without one it is skipped: customers read that page); Zendesk a test
 * ticket created solved; Slack, webhooks and e-mail one test message each.
 *
 * @example
 * ```ts
 * import { Channel, liveDrill } from "@ir/notify"
 * const results = await liveDrill(Channel.decodeChannels(config.notify.channels), { now: new Date() })
 * results.filter((result) => result.status === "failed").map((result) => result.channel)
 * ```
 */
import { Escaping } from "@ir/templates"
import { type Channel, target } from "./Channel.js"
import { type DeliveryOptions, deliver } from "./Delivery.js"
import type { Message } from "./Message.js"

/**
 * What came of one channel's test.
 *
 * @example
 * ```ts
 * import type { LiveDrillResult } from "@ir/notify"
 * const line = (r: LiveDrillResult) => `${r.channel} ${r.status}: ${r.detail}`
 * ```
 */
export interface LiveDrillResult {
  readonly channel: string
  readonly kind: Channel["kind"]
  /** Where it points, secrets starred out. */
  readonly target: string
  readonly status: "delivered" | "failed" | "skipped"
  /** The peer's answer, why it failed, or why it was skipped. */
  readonly detail: string
  readonly durationMs: number
}

/**
 * What a live drill would do with a channel, in words (for a dry run).
 *
 * @example
 * ```ts
 * import { liveDrillPlan } from "@ir/notify"
 * liveDrillPlan(pagerDutyChannel) // "a test trigger, resolved at once"
 * ```
 */
export const liveDrillPlan = (channel: Channel): string => {
  switch (channel.kind) {
    case "pagerduty":
      return "a test trigger (severity info), resolved at once"
    case "statuspage":
      return channel.drillComponent === undefined
        ? "skipped: set drillComponent to a test component to include the status page"
        : `a test incident on component ${channel.drillComponent}, created resolved, notifying no subscriber`
    case "zendesk":
      return "a test ticket, created solved"
    default:
      return "one test message"
  }
}

const testMessage = (now: Date, runbook: string): Message => {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")
  const text = [
    `🧪 TEST ONLY: ir drill --live, ${now.toISOString()}`,
    "",
    `Communication channel test of "${runbook}": this channel delivers.`,
    "There is no incident and nothing to do.",
  ].join("\n")
  const summary = `[TEST] ir drill --live: communication channel test (${stamp})`
  return {
    kind: "drill",
    incidentId: `ir-drill-${stamp}`,
    severity: "P3",
    summary,
    at: now.toISOString(),
    text,
    markdown: text,
    slack: { text },
    email: {
      subject: summary,
      text: `${text}\n`,
      html: `<p>${Escaping.escapeHtml(text).replaceAll("\n", "<br>")}</p>`,
    },
    notice: {
      phase: "resolution",
      status: "resolved",
      title: "[TEST] ir drill --live",
      playbooks: [],
    },
  }
}

/**
 * Sends the test through every channel, concurrently; never throws. The idempotency keys are
 * the drill's own, so two drills never fold into one.
 *
 * @example
 * ```ts
 * import { liveDrill } from "@ir/notify"
 * const results = await liveDrill(channels, { now: new Date(), runbook: "Payments" })
 * ```
 */
export const liveDrill = (
  channels: ReadonlyArray<Channel>,
  options: {
    readonly now: Date
    readonly runbook?: string
    readonly delivery?: Omit<DeliveryOptions, "idempotencyKey" | "references">
  },
): Promise<ReadonlyArray<LiveDrillResult>> => {
  const message = testMessage(options.now, options.runbook ?? "the runbook")
  return Promise.all(
    channels.map(async (channel): Promise<LiveDrillResult> => {
      const started = Date.now()
      const base = { channel: channel.id, kind: channel.kind, target: target(channel) }
      const key = `${message.incidentId}:${channel.id}`
      const send = (to: Channel, sent: Message) =>
        deliver(to, sent, { ...options.delivery, idempotencyKey: key })
      const done = (status: LiveDrillResult["status"], detail: string): LiveDrillResult => ({
        ...base,
        status,
        detail,
        durationMs: Date.now() - started,
      })
      if (channel.kind === "statuspage") {
        if (channel.drillComponent === undefined) return done("skipped", liveDrillPlan(channel))
        const result = await send(
          { ...channel, components: [{ id: channel.drillComponent }] },
          message,
        )
        return result.status === "delivered"
          ? done("delivered", `test incident ${result.reference ?? ""} created resolved`.trim())
          : done("failed", result.cause?.message ?? "failed")
      }
      const first = await send(channel, message)
      if (first.status !== "delivered") return done("failed", first.cause?.message ?? "failed")
      if (channel.kind === "pagerduty") {
        const resolved = await deliver(
          channel,
          { ...message, pagerDutyAction: "resolve" },
          { ...options.delivery, idempotencyKey: `${key}:resolve` },
        )
        return resolved.status === "delivered"
          ? done("delivered", "test trigger sent and resolved")
          : done("failed", `triggered, but the resolve failed: ${resolved.cause?.message ?? ""}`)
      }
      return done(
        "delivered",
        first.reference === undefined
          ? (first.response?.detail ?? "delivered")
          : `ticket ${first.reference} created solved`,
      )
    }),
  )
}
