/**
 * Who PagerDuty has on call: the REST API's `GET /oncalls` for the given schedules and window
 * (https://developer.pagerduty.com/api-reference/3a6b910f11050-list-all-of-the-on-calls), read
 * into shift records (`OnCall.ShiftRecord` of `@ir/core`), one per on-call entry, with the user's
 * id, name and e-mail (`include[]=users`), so that `OnCall.fromShiftRecords` finds them among the
 * configured people.
 *
 * Requests carry `Authorization: Token token=…` and `Accept: application/vnd.pagerduty+json;version=2`;
 * pages are followed with `offset` while the answer says `more`. Every request has a deadline;
 * the token never appears in an error.
 *
 * @example
 * ```ts
 * import { PagerDutyOnCalls } from "@ir/notify"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * const records = await Effect.runPromise(
 *   PagerDutyOnCalls.list({
 *     token: Redacted.make(process.env.PAGERDUTY_API_TOKEN ?? ""),
 *     schedules: [{ id: "PSCHED1", layer: "primary" }, { id: "PSCHED2", layer: "secondary" }],
 *     since: new Date("2026-12-01T00:00:00Z"),
 *     until: new Date("2026-12-15T00:00:00Z"),
 *   }),
 * )
 * ```
 */
import { type OnCall, Redaction } from "@ir/core"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

/** PagerDuty's REST API. */
export const defaultBaseUrl = "https://api.pagerduty.com"

/**
 * Why PagerDuty's on-calls could not be read.
 *
 * @example
 * ```ts
 * import { PagerDutyOnCalls } from "@ir/notify"
 * const error = new PagerDutyOnCalls.PagerDutyOnCallsError({
 *   reason: "unauthorized", url: "https://api.pagerduty.com/oncalls", detail: "HTTP 401",
 * })
 * error.message // "PagerDuty (https://api.pagerduty.com/oncalls) refused the API key (HTTP 401); …"
 * ```
 */
export class PagerDutyOnCallsError extends Data.TaggedError("PagerDutyOnCallsError")<{
  readonly reason:
    | "timeout"
    | "network"
    | "unauthorized"
    | "rejected"
    | "rate-limited"
    | "server-error"
    | "invalid-response"
  /** The endpoint, without its query. */
  readonly url: string
  readonly detail: string
  readonly status?: number
  readonly cause?: unknown
}> {
  override get message(): string {
    const subject = `PagerDuty (${this.url})`
    const messages: Record<PagerDutyOnCallsError["reason"], string> = {
      timeout: `${subject} did not answer in time: ${this.detail}`,
      network: `${subject} could not be reached: ${this.detail}`,
      // Not "token: …": a redactor takes what follows "token:" for the token and masks it.
      unauthorized: `${subject} refused the API key (${this.detail}); check that it is a REST API key with read access`,
      rejected: `${subject} rejected the request: ${this.detail}`,
      "rate-limited": `${subject} is rate limiting: ${this.detail}; try again in a minute`,
      "server-error": `${subject} failed on its side: ${this.detail}`,
      "invalid-response": `${subject} answered something other than on-calls: ${this.detail}`,
    }
    return messages[this.reason]
  }
}

/**
 * What {@link list} asks PagerDuty.
 *
 * @example
 * ```ts
 * import type { PagerDutyOnCalls } from "@ir/notify"
 * import * as Redacted from "effect/Redacted"
 * const options: PagerDutyOnCalls.ListOptions = {
 *   token: Redacted.make("y_NbAkKc66ryYTWUXYEu"),
 *   schedules: [{ id: "PSCHED1", layer: "primary" }],
 *   since: new Date("2026-12-01T00:00:00Z"), until: new Date("2026-12-15T00:00:00Z"),
 * }
 * ```
 */
export interface ListOptions {
  /** A REST API key (account or user token). */
  readonly token: Redacted.Redacted<string>
  /** The schedules to read, and the layer each one staffs. */
  readonly schedules: ReadonlyArray<{ readonly id: string; readonly layer: OnCall.Layer }>
  readonly since: Date
  /** PagerDuty answers at most 90 days after `since`. */
  readonly until: Date
  /** Default {@link defaultBaseUrl}. */
  readonly baseUrl?: string
  /** The deadline of each request. Default 10 s. */
  readonly timeoutMs?: number
  /** Entries per page, at most 100. Default 100. */
  readonly pageSize?: number
  /** At most this many pages. Default 50. */
  readonly maxPages?: number
}

interface Reference {
  readonly id?: unknown
  readonly summary?: unknown
  readonly name?: unknown
  readonly email?: unknown
}

interface OnCallEntry {
  readonly user?: Reference
  readonly schedule?: Reference | null
  readonly start?: unknown
  readonly end?: unknown
}

const excerpt = (text: string) => {
  const compact = text.replace(/\s+/g, " ").trim()
  return compact.length <= 300 ? compact : `${compact.slice(0, 299)}…`
}

/** One page of `GET /oncalls`. */
const page = (
  target: { readonly endpoint: string; readonly shown: string },
  query: URLSearchParams,
  token: string,
  timeoutMs: number,
  scrub: (text: string) => string,
): Effect.Effect<
  { readonly oncalls: ReadonlyArray<OnCallEntry>; readonly more: boolean },
  PagerDutyOnCallsError
> =>
  Effect.tryPromise({
    try: async (signal) => {
      const { request } = await import("undici")
      const response = await request(`${target.endpoint}?${query.toString()}`, {
        method: "GET",
        headers: {
          authorization: `Token token=${token}`,
          accept: "application/vnd.pagerduty+json;version=2",
          "content-type": "application/json",
          "user-agent": "ir-oncall",
        },
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      const body = await response.body.text()
      const status = response.statusCode
      if (status < 200 || status >= 300) {
        const detail = `HTTP ${status} ${excerpt(scrub(body))}`.trim()
        throw new PagerDutyOnCallsError({
          reason:
            status === 401 || status === 403
              ? "unauthorized"
              : status === 429
                ? "rate-limited"
                : status >= 500
                  ? "server-error"
                  : "rejected",
          url: target.shown,
          status,
          detail,
        })
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
      } catch {
        parsed = undefined
      }
      const oncalls = (parsed as { oncalls?: unknown } | undefined)?.oncalls
      if (!Array.isArray(oncalls))
        throw new PagerDutyOnCallsError({
          reason: "invalid-response",
          url: target.shown,
          status,
          detail: `expected JSON with an "oncalls" list; got ${excerpt(scrub(body)) || "an empty body"}`,
        })
      return {
        oncalls: oncalls as ReadonlyArray<OnCallEntry>,
        more: (parsed as { more?: unknown }).more === true,
      }
    },
    catch: (cause) => {
      if (cause instanceof PagerDutyOnCallsError) return cause
      const code = (cause as { code?: unknown }).code
      const name = (cause as { name?: unknown }).name
      if (
        code === "UND_ERR_HEADERS_TIMEOUT" ||
        code === "UND_ERR_BODY_TIMEOUT" ||
        name === "TimeoutError"
      )
        return new PagerDutyOnCallsError({
          reason: "timeout",
          url: target.shown,
          detail: `no answer within ${timeoutMs} ms`,
        })
      return new PagerDutyOnCallsError({
        reason: "network",
        url: target.shown,
        detail: scrub(cause instanceof Error ? cause.message : String(cause)),
      })
    },
  })

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined

/**
 * The on-call entries of the schedules between `since` and `until`, every page, as shift records:
 * the user (id, name, e-mail), the layer of their schedule, and the entry's start and end (an
 * entry without them, someone always on call, spans the window).
 *
 * @example
 * ```ts
 * import { OnCall } from "@ir/core"
 * import { PagerDutyOnCalls } from "@ir/notify"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * const now = new Date()
 * const program = PagerDutyOnCalls.list({
 *   token: Redacted.make(process.env.PAGERDUTY_API_TOKEN ?? ""),
 *   schedules: [{ id: "PSCHED1", layer: "primary" }],
 *   since: now, until: new Date(now.getTime() + 14 * 86_400_000),
 * }).pipe(Effect.map((records) => OnCall.whoIsOnCall(OnCall.fromShiftRecords(records), now)))
 * ```
 */
export const list = (
  options: ListOptions,
): Effect.Effect<ReadonlyArray<OnCall.ShiftRecord>, PagerDutyOnCallsError> =>
  Effect.gen(function* () {
    const base = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
    const endpoint = Redaction.redactUrl(`${base}/oncalls`)
    const token = Redacted.value(options.token)
    const scrub = Redaction.makeScrubber(token === "" ? [] : [token])
    const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100))
    const maxPages = options.maxPages ?? 50
    const layers = new Map(options.schedules.map((schedule) => [schedule.id, schedule.layer]))
    const records: Array<OnCall.ShiftRecord> = []
    let offset = 0
    for (let pageNumber = 0; pageNumber < maxPages; pageNumber++) {
      const query = new URLSearchParams()
      for (const schedule of options.schedules) query.append("schedule_ids[]", schedule.id)
      query.append("include[]", "users")
      query.set("since", options.since.toISOString())
      query.set("until", options.until.toISOString())
      query.set("time_zone", "UTC")
      query.set("limit", String(pageSize))
      query.set("offset", String(offset))
      const answer = yield* page(
        { endpoint: `${base}/oncalls`, shown: endpoint },
        query,
        token,
        options.timeoutMs ?? 10_000,
        scrub,
      )
      for (const entry of answer.oncalls) {
        const scheduleId = text(entry.schedule?.id)
        const layer = scheduleId === undefined ? undefined : layers.get(scheduleId)
        if (layer === undefined) continue
        const start = text(entry.start)
        const end = text(entry.end)
        const from = start === undefined ? options.since : new Date(start)
        const until = end === undefined ? options.until : new Date(end)
        if (Number.isNaN(from.getTime()) || Number.isNaN(until.getTime())) continue
        const id = text(entry.user?.id)
        const name = text(entry.user?.name) ?? text(entry.user?.summary)
        const email = text(entry.user?.email)
        records.push({
          who: {
            ...(id === undefined ? {} : { pagerDutyUserId: id }),
            ...(name === undefined ? {} : { name }),
            ...(email === undefined ? {} : { email }),
          },
          layer,
          from,
          until,
          source: `PagerDuty schedule ${scheduleId}`,
        })
      }
      if (!answer.more || answer.oncalls.length === 0) break
      offset += answer.oncalls.length
    }
    return records.sort((a, b) => a.from.getTime() - b.from.getTime())
  })
