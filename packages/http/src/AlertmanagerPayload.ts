/**
 * The Alertmanager webhook payload, version 4, as a Schema: what Alertmanager POSTs to a
 * `webhook_configs` receiver. Unknown fields are ignored; missing or mistyped ones are errors.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { AlertmanagerPayload } from "@ir/http"
 * const payload = Schema.decodeUnknownSync(AlertmanagerPayload)(JSON.parse(body))
 * payload.alerts[0]?.labels.alertname
 * ```
 */
import * as Schema from "effect/Schema"

const Labels = Schema.Record({ key: Schema.String, value: Schema.String })

const Timestamp = Schema.String.pipe(
  Schema.filter((text) => !Number.isNaN(Date.parse(text)), {
    message: () => "expected an RFC 3339 timestamp",
  }),
)

/**
 * One alert of the payload.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { AlertmanagerAlert } from "@ir/http"
 * Schema.is(AlertmanagerAlert)({
 *   status: "firing", labels: { alertname: "SystemDown_NoMetrics" }, annotations: {},
 *   startsAt: "2026-11-28T10:00:00Z", endsAt: "0001-01-01T00:00:00Z", fingerprint: "c0ffee",
 * }) // true
 * ```
 */
export const AlertmanagerAlert = Schema.Struct({
  status: Schema.Literal("firing", "resolved"),
  labels: Labels,
  annotations: Labels,
  startsAt: Timestamp,
  endsAt: Timestamp,
  generatorURL: Schema.optional(Schema.String),
  fingerprint: Schema.String.pipe(Schema.minLength(1)),
})
export type AlertmanagerAlert = typeof AlertmanagerAlert.Type

/**
 * The whole payload: one notification for one alert group.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { AlertmanagerPayload } from "@ir/http"
 * const valid = Schema.is(AlertmanagerPayload)
 * valid({ version: "3" }) // false
 * ```
 */
export const AlertmanagerPayload = Schema.Struct({
  version: Schema.Literal("4"),
  /** Identifies the alert group: the receiver deduplicates incidents by it. */
  groupKey: Schema.String.pipe(Schema.minLength(1)),
  truncatedAlerts: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.nonNegative())),
  /** `resolved` when every alert of the group is resolved. */
  status: Schema.Literal("firing", "resolved"),
  receiver: Schema.String,
  groupLabels: Labels,
  commonLabels: Labels,
  commonAnnotations: Labels,
  externalURL: Schema.String,
  alerts: Schema.Array(AlertmanagerAlert).pipe(Schema.minItems(1)),
})
export type AlertmanagerPayload = typeof AlertmanagerPayload.Type
