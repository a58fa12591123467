/**
 * The Alertmanager webhook receiver. For each notification (one alert group, payload version 4):
 *
 * 1. Refuses what a web page could send (403 for a request with an `Origin` header, which
 *    Alertmanager never sends; 415 for a body that is not `application/json`), authenticates it
 *    (bearer token, or an HMAC-SHA256 signature over a timestamp and the body: see
 *    `signAlertNotification`), reads at most `maxBodyBytes` (413 beyond) and validates it (400
 *    with the reason otherwise; JSON nested deeper than 16 levels is refused before decoding).
 *    Bad input never gives a 5xx: a 5xx means "retry", and Alertmanager does. Every string of the
 *    payload loses its control characters and terminal escapes (`TerminalText.strip`) before
 *    anything reads it.
 * 2. Maps each firing alert to a playbook (see `PlaybookMapping` for the order) and a severity:
 *    the alert's `severity` label (`P0`…`P3`, any case) when it has one, else the playbook's
 *    (after its severity rules, for a `signal` match), else `defaultSeverity`. The group's
 *    severity is the highest.
 * 3. Opens an incident for the group, or joins the unresolved one with the same group key (the
 *    journal deduplicates, so several replicas receiving the same group open one incident). A
 *    more severe alert joining raises the incident's severity (`severity-changed`).
 * 4. For an incident it created: runs the playbooks' investigation probes as enrichment (when
 *    given `diagnostics`, within `enrichmentDeadlineMs`), then hands the incident, the alerts,
 *    the enrichment and the actions the escalation policy says are due now (`escalate`: the page
 *    for a P0, the initial message) to `onIncidentOpened`, and records a `notification-sent`
 *    event for each message it reports sent. The webhook answers within the two bounds; a slower
 *    callback finishes in the background and its report is still recorded.
 * 5. A group whose alerts all resolved marks its incident mitigated (a person resolves it, with
 *    the root cause). Nothing else is written: probe results and delivery attempts appear in the
 *    answer, never as events that did not happen.
 *
 * The answer (201 when an incident was created, else 200) is JSON: see {@link AlertOutcome}.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * import { openJournal } from "@ir/journal"
 * import * as Effect from "effect/Effect"
 * import { createAlertReceiver, createHandler } from "@ir/http"
 * const journal = await Effect.runPromise(openJournal({ backend: "file", dir: "/var/lib/ir" }))
 * const alerts = createAlertReceiver({
 *   journal,
 *   runbook: defaultRunbook,
 *   auth: { bearer: process.env.IR_ALERTS_TOKEN ?? "" },
 *   onIncidentOpened: async ({ incident, due }) => {
 *     console.log(`${incident.id} ${incident.severity}: ${due.length} message(s) due`)
 *   },
 * })
 * const handler = createHandler({ alerts })
 * ```
 */
import {
  AlertGroup,
  type AlertPlaybook,
  createPlaybookMapper,
  defaultRunbook,
  Escalation,
  type Incident,
  type IncidentEvent,
  JsonDepth,
  type MatchedBy,
  type Playbook,
  type Runbook,
  type SeverityLevel,
} from "@ir/core"
import {
  type DiagnosticsConfig,
  type ProbeId,
  type ProbeRun,
  probesFor,
  runProbesEffect,
} from "@ir/diagnostics"
import type { IncidentRecord, Journal, JournalError } from "@ir/journal"
import type { Responder } from "@ir/responder"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { type AlertmanagerAlert, AlertmanagerPayload } from "./AlertmanagerPayload.js"
import {
  defaultSignatureToleranceSeconds,
  type SignatureVerdict,
  verifyAlertSignature,
} from "./AlertSignature.js"
import { HttpConfigError } from "./HttpConfigError.js"
import { BodyTooLarge } from "./internal/BodyReader.js"
import { cleanStrings, journalText } from "./internal/JournalText.js"
import { type PlainResponse, plainProblem, plainResponse, toResponse } from "./internal/Problem.js"
import { bearerToken, reveal, type Secret, safeEqual } from "./internal/Secret.js"
import { type PlainRequest, plainRequestOf } from "./PlainRequest.js"

/**
 * How the receiver authenticates Alertmanager. Give one or both; a request passes with either.
 *
 * @example
 * ```ts
 * import type { AlertAuth } from "@ir/http"
 * import * as Redacted from "effect/Redacted"
 * const auth: AlertAuth = { bearer: Redacted.make(process.env.IR_ALERTS_TOKEN ?? "") }
 * ```
 */
export interface AlertAuth {
  /** `Authorization: Bearer …`: Alertmanager's `http_config.authorization.credentials`. */
  readonly bearer?: Secret
  /**
   * The shared secret of `X-Ir-Signature: sha256=<hex>`, HMAC-SHA256 of `${X-Ir-Timestamp}.${body}`
   * (for relays that sign; see `signAlertNotification`).
   */
  readonly hmacSecret?: Secret
  /** How far `X-Ir-Timestamp` may be from the receiver's clock, in seconds (default 300). */
  readonly signatureToleranceSeconds?: number
}

/**
 * One alert of the notification as the receiver read it.
 *
 * @example
 * ```ts
 * import type { AlertSummary } from "@ir/http"
 * const line = (alert: AlertSummary) => `${alert.alertname} → ${alert.playbook ?? "no playbook"}`
 * ```
 */
export interface AlertSummary {
  readonly fingerprint: string
  readonly alertname?: string
  readonly status: "firing" | "resolved"
  readonly playbook?: string
  readonly matchedBy?: MatchedBy
  readonly severity?: SeverityLevel
  /** Why this playbook (or why none). */
  readonly reason: string
}

/**
 * One enrichment probe's result, as the answer shows it.
 *
 * @example
 * ```ts
 * import type { EnrichmentResult } from "@ir/http"
 * const line = (r: EnrichmentResult) => `${r.id} ${r.status}: ${r.summary}`
 * ```
 */
export interface EnrichmentResult {
  readonly id: ProbeId
  readonly status: "ok" | "warn" | "critical" | "unknown"
  readonly summary: string
  readonly durationMs: number
}

/**
 * The incident a notification opened or joined.
 *
 * @example
 * ```ts
 * import type { IncidentRef } from "@ir/http"
 * const ref: IncidentRef = {
 *   id: "INC-2026-0001", created: true, severity: "P0", status: "open", playbooks: ["system-down"],
 * }
 * ```
 */
export interface IncidentRef {
  readonly id: string
  /** Whether this notification created it (`false`: it joined the open incident of its group). */
  readonly created: boolean
  readonly severity: SeverityLevel
  readonly status: Incident["status"]
  readonly playbooks: ReadonlyArray<string>
}

/**
 * What the receiver did with one notification: the webhook's JSON answer.
 *
 * @example
 * ```ts
 * import type { AlertOutcome } from "@ir/http"
 * const say = (o: AlertOutcome) =>
 *   o.incident === undefined ? "nothing open" : `${o.incident.id} ${o.incident.created ? "opened" : "joined"}`
 * ```
 */
export interface AlertOutcome {
  readonly groupKey: string
  readonly status: "firing" | "resolved"
  readonly incident?: IncidentRef
  readonly alerts: ReadonlyArray<AlertSummary>
  /** Event types this notification appended to the journal, in order. */
  readonly recorded: ReadonlyArray<string>
  /** Why nothing was recorded where something might have been expected. */
  readonly note?: string
  /** The investigation probes run for a new incident (with `diagnostics` only). */
  readonly enrichment?: {
    readonly deadlineMs: number
    readonly results: ReadonlyArray<EnrichmentResult>
    /** Probes the playbooks call for that the diagnostics configuration cannot run. */
    readonly skipped: ReadonlyArray<{ readonly id: ProbeId; readonly reason: string }>
  }
  /** What `onIncidentOpened` did (for a new incident only). */
  readonly notification?: {
    /** `pending`: still running when the webhook answered; its report is recorded when it ends. */
    readonly status: "sent" | "failed" | "pending"
    /** Keys of the due actions reported sent (and recorded). */
    readonly sent: ReadonlyArray<string>
    readonly error?: string
  }
}

/**
 * What `onIncidentOpened` receives.
 *
 * @example
 * ```ts
 * import type { IncidentOpened } from "@ir/http"
 * const onIncidentOpened = async ({ incident, due, enrichment }: IncidentOpened) => {
 *   const page = due.find((action) => action.kind === "page")
 *   console.log(incident.id, page?.channels, enrichment?.results.length)
 * }
 * ```
 */
export interface IncidentOpened {
  /** The incident as folded from the journal (`incident.id` is `INC-YYYY-NNNN`). */
  readonly incident: Incident
  readonly playbooks: ReadonlyArray<Playbook>
  readonly payload: AlertmanagerPayload
  readonly alerts: ReadonlyArray<AlertSummary>
  /** The messages the escalation policy says are due now (`escalate`): page, initial message. */
  readonly due: ReadonlyArray<Escalation.DueAction>
  /** The investigation probes' results, when the receiver has `diagnostics`. */
  readonly enrichment?: ProbeRun
}

/**
 * What `onIncidentOpened` may report back: the messages it delivered. Each is recorded as a
 * `notification-sent` event, so `escalate` does not ask for it again.
 *
 * @example
 * ```ts
 * import type { IncidentOpened, NotificationReport } from "@ir/http"
 * const onIncidentOpened = async ({ due }: IncidentOpened): Promise<NotificationReport> => {
 *   // deliver each due action with @ir/notify, then:
 *   return { sent: due }
 * }
 * ```
 */
export interface NotificationReport {
  readonly sent: ReadonlyArray<{
    readonly key: string
    readonly message: IncidentEvent.NotificationMessage
    readonly channels: ReadonlyArray<string>
  }>
}

/**
 * Options of {@link createAlertReceiver}.
 *
 * @example
 * ```ts
 * import type { AlertReceiverOptions } from "@ir/http"
 * const options = (journal: AlertReceiverOptions["journal"]): AlertReceiverOptions => ({
 *   journal, auth: { bearer: "s3cret-token" }, enrichmentDeadlineMs: 3000,
 * })
 * ```
 */
export interface AlertReceiverOptions {
  /**
   * The responder: the receiver records through its journal and, for an incident it created,
   * sends what is due at once with `responder.dispatch` (under the incident's dispatch lock, like
   * every other sender), so that no `onIncidentOpened` is needed.
   */
  readonly responder?: Responder
  /** The journal (default: the responder's); one of `journal` and `responder` is required. */
  readonly journal?: Journal
  /** Default: the seed runbook. */
  readonly runbook?: Runbook
  /** Required unless `allowUnauthenticated`. */
  readonly auth?: AlertAuth
  /** Accept unauthenticated requests (only for a receiver reachable from loopback alone). */
  readonly allowUnauthenticated?: boolean
  /** Run the playbooks' investigation probes against this configuration for new incidents. */
  readonly diagnostics?: DiagnosticsConfig
  /** Bound on the enrichment run (default 5000 ms). */
  readonly enrichmentDeadlineMs?: number
  /**
   * Called once for each incident this receiver created, to send what is due yourself (without a
   * `responder`); what it reports sent is recorded.
   */
  readonly onIncidentOpened?: (
    opened: IncidentOpened,
    // biome-ignore lint/suspicious/noConfusingVoidType: an async callback that returns nothing is Promise<void>
  ) => Promise<NotificationReport | undefined | void> | NotificationReport | undefined | void
  /** How long the webhook waits for `onIncidentOpened` before answering (default 5000 ms). */
  readonly notifyTimeoutMs?: number
  /** Bound on the journal work of one notification (default 15000 ms; 503 beyond). */
  readonly journalTimeoutMs?: number
  /** Failures that happen after the answer (a late callback, recording its report). */
  readonly onBackgroundError?: (error: unknown) => void
  /** Severity of an alert with neither a `severity` label nor a playbook (default `P2`). */
  readonly defaultSeverity?: SeverityLevel
  /**
   * Maximum body size in bytes (default 1 MiB, {@link defaultMaxBodyBytes}: it fits the
   * `max_alerts` of `ir alerts route`, {@link maxAlertsPerNotification}).
   */
  readonly maxBodyBytes?: number
  readonly now?: () => Date
}

/**
 * The receiver: `handle` answers a webhook request; `createHandler({ alerts })` routes
 * `POST /alerts/alertmanager` to it.
 *
 * @example
 * ```ts
 * import type { AlertReceiver } from "@ir/http"
 * const post = (receiver: AlertReceiver, body: string) =>
 *   receiver.handle(new Request("http://localhost/alerts/alertmanager", { method: "POST", body }))
 * ```
 */
export interface AlertReceiver {
  readonly handle: (request: Request) => Promise<Response>
  /**
   * Answers a webhook request given as plain data, without Fetch objects (what the node adapter
   * uses through `IrHandler.receive`); `handle` is this on a Fetch `Request`.
   */
  readonly respond: (request: PlainRequest) => Promise<PlainResponse>
  readonly journal: Journal
  readonly runbook: Runbook
}

const json = (body: unknown, status: number): PlainResponse =>
  plainResponse(
    status,
    { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    JSON.stringify(body),
  )

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "string" ? error : String(error)

/**
 * The receiver's default body limit, 1 MiB.
 *
 * @example
 * ```ts
 * import { defaultMaxBodyBytes } from "@ir/http"
 * defaultMaxBodyBytes // 1048576
 * ```
 */
export const defaultMaxBodyBytes = 1024 * 1024

/**
 * The `max_alerts` of the Alertmanager route (`ir alerts route`), so that a notification fits the
 * default body limit: Alertmanager does not retry a 413, and an alert storm refused whole would be
 * lost. 200 alerts of up to 4.5 KiB each (labels, annotations, generator URL: the rules of
 * `ir alerts rules` make about 1 KiB) and the group's own labels and annotations stay under
 * 1 MiB; Alertmanager counts the alerts it left out in `truncatedAlerts`.
 *
 * @example
 * ```ts
 * import { maxAlertsPerNotification } from "@ir/http"
 * const webhook = { url: "http://localhost:8080/alerts/alertmanager", max_alerts: maxAlertsPerNotification }
 * ```
 */
export const maxAlertsPerNotification = 200

/**
 * A refusal sent before the body was read: the connection is closed after it, since the unread
 * body would otherwise be taken for the next request on it.
 */
const refuseUnread = (status: number, title: string, detail: string): PlainResponse =>
  plainProblem(status, title, detail, { connection: "close" })

/** An Alertmanager payload nests four levels (alerts, alert, labels); 16 leaves room for relays. */
const maxJsonDepth = 16

/** `application/json`, with or without parameters (`; charset=utf-8`). */
const isJson = (contentType: string | null): boolean =>
  contentType !== null && /^application\/json\s*(;|$)/i.test(contentType.trim())

const isConflict = (error: JournalError): boolean => error._tag === "JournalConflict"

/** Why the journal could not take the notification, and what Alertmanager should do. */
class JournalRefused {
  constructor(
    readonly retry: boolean,
    readonly detail: string,
  ) {}
}

/**
 * Creates the receiver. Throws {@link HttpConfigError} when no authentication is configured and
 * `allowUnauthenticated` is not set.
 *
 * @example
 * ```ts
 * import { createAlertReceiver } from "@ir/http"
 * import type { Journal } from "@ir/journal"
 * const receiver = (journal: Journal) =>
 *   createAlertReceiver({ journal, auth: { bearer: process.env.IR_ALERTS_TOKEN ?? "" } })
 * ```
 */
export const createAlertReceiver = (options: AlertReceiverOptions): AlertReceiver => {
  const now = options.now ?? (() => new Date())
  const runbook = options.runbook ?? options.responder?.runbook ?? defaultRunbook
  const journal = options.journal ?? options.responder?.journal
  if (journal === undefined) {
    throw new HttpConfigError({
      reason: "missing-auth",
      option: "journal",
      expected: "a journal, or a responder (whose journal the receiver records in)",
    })
  }
  // The responder's maintenance windows (and the journal's) decide whether a new incident pages.
  const intake = {
    journal,
    now,
    ...(options.responder === undefined
      ? {}
      : {
          log: options.responder.log,
          maintenance: options.responder.maintenance,
          noteQuiet: options.responder.noteQuiet,
        }),
  }
  const limit = options.maxBodyBytes ?? defaultMaxBodyBytes
  const bearer = reveal(options.auth?.bearer)
  const hmacSecret = reveal(options.auth?.hmacSecret)
  const enrichmentDeadlineMs = options.enrichmentDeadlineMs ?? 5000
  const notifyTimeoutMs = options.notifyTimeoutMs ?? 5000
  const journalTimeoutMs = options.journalTimeoutMs ?? 15_000
  const defaultSeverity = options.defaultSeverity ?? "P2"
  const onBackgroundError = options.onBackgroundError ?? (() => undefined)
  if (bearer === "" || hmacSecret === "") {
    throw new HttpConfigError({
      reason: "missing-auth",
      option: bearer === "" ? "auth.bearer" : "auth.hmacSecret",
      expected: "a non-empty secret (an empty one would let anyone in)",
    })
  }
  if (bearer === undefined && hmacSecret === undefined && options.allowUnauthenticated !== true) {
    throw new HttpConfigError({
      reason: "missing-auth",
      option: "auth",
      expected:
        "auth.bearer or auth.hmacSecret, so only Alertmanager can open incidents (or allowUnauthenticated: true for a receiver reachable from loopback alone)",
    })
  }
  const mapAlert = createPlaybookMapper(runbook, { now })
  const playbookById = new Map(runbook.playbooks.map((playbook) => [playbook.id, playbook]))
  const runnable =
    options.diagnostics === undefined
      ? undefined
      : new Set(probesFor(options.diagnostics).configured.map((probe) => probe.id))
  const decode = Schema.decodeUnknownEither(AlertmanagerPayload, {
    errors: "all",
    onExcessProperty: "ignore",
  })

  const verifyBearer = (request: PlainRequest): boolean => {
    const token = bearerToken(request.headers.get("authorization"))
    return bearer !== undefined && token !== undefined && safeEqual(token, bearer)
  }
  const tolerance = options.auth?.signatureToleranceSeconds ?? defaultSignatureToleranceSeconds
  const verifySignature = (request: PlainRequest, body: Uint8Array): SignatureVerdict =>
    hmacSecret === undefined
      ? "missing"
      : verifyAlertSignature(hmacSecret, request.headers, body, now(), tolerance)

  /** Runs journal work with a bound, retrying appends that lost a race with another writer. */
  const journalWork = <A>(work: Effect.Effect<A, JournalError>): Effect.Effect<A, JournalRefused> =>
    work.pipe(
      Effect.retry({ times: 3, while: isConflict }),
      Effect.timeoutFail({
        duration: Duration.millis(journalTimeoutMs),
        onTimeout: () =>
          new JournalRefused(true, `the journal did not answer within ${journalTimeoutMs} ms`),
      }),
      Effect.catchAll((error) =>
        Effect.fail(
          error instanceof JournalRefused
            ? error
            : new JournalRefused(
                error._tag === "JournalUnavailable" || error._tag === "JournalConflict",
                `the incident journal could not record the alert: ${error.message}`,
              ),
        ),
      ),
    )

  const summarise = (alert: AlertmanagerAlert, match: AlertPlaybook | undefined): AlertSummary => {
    const severity = AlertGroup.severityLabel(alert.labels) ?? match?.severity
    return {
      fingerprint: alert.fingerprint,
      ...(alert.labels.alertname === undefined ? {} : { alertname: alert.labels.alertname }),
      status: alert.status,
      ...(match === undefined ? {} : { playbook: match.playbook.id, matchedBy: match.matchedBy }),
      ...(alert.status === "firing" ? { severity: severity ?? defaultSeverity } : {}),
      reason:
        match === undefined
          ? "no playbook: no playbook, rule, symptom, signal or shared word points to one"
          : match.reason,
    }
  }

  const incidentOf = (record: IncidentRecord, created: boolean): IncidentRef => ({
    id: record.humanId,
    created,
    severity: record.state.severity,
    status: record.state.status,
    playbooks: record.state.playbooks,
  })

  const by = (payload: AlertmanagerPayload) => `alertmanager:${payload.receiver}`

  // @ir/responder (and through it @ir/notify and @ir/templates) loads when a receiver is created,
  // never when @ir/http is: a handler without a receiver does not carry it. Started now, so the
  // first notification rarely waits for it.
  const responderModule = import("@ir/responder")
  responderModule.catch(() => undefined)
  const workflow = Effect.promise(() => responderModule)

  const resolveGroup = (payload: AlertmanagerPayload, alerts: ReadonlyArray<AlertSummary>) =>
    Effect.map(
      Effect.flatMap(workflow, ({ resolveAlertGroup }) =>
        resolveAlertGroup(intake, {
          groupKey: payload.groupKey,
          by: by(payload),
          alertnames: alerts.map((alert) => alert.alertname ?? alert.fingerprint),
        }),
      ),
      ({ record, recorded }): AlertOutcome => ({
        groupKey: payload.groupKey,
        status: "resolved",
        alerts,
        ...(record === undefined ? {} : { incident: incidentOf(record, false) }),
        recorded,
      }),
    )

  const openGroup = (
    payload: AlertmanagerPayload,
    firing: ReadonlyArray<{ alert: AlertmanagerAlert; match: AlertPlaybook | undefined }>,
    alerts: ReadonlyArray<AlertSummary>,
  ) =>
    Effect.map(
      Effect.flatMap(workflow, ({ openAlertGroup }) =>
        openAlertGroup(intake, {
          groupKey: payload.groupKey,
          by: by(payload),
          plan: AlertGroup.plan(
            firing,
            { labels: payload.commonLabels, annotations: payload.commonAnnotations },
            defaultSeverity,
          ),
        }),
      ),
      ({ record, created, recorded }) => ({
        created,
        record,
        outcome: {
          groupKey: payload.groupKey,
          status: "firing" as const,
          incident: incidentOf(record, created),
          alerts,
          recorded,
        } satisfies AlertOutcome,
      }),
    )

  const enrich = (playbooks: ReadonlyArray<Playbook>) =>
    Effect.gen(function* () {
      if (options.diagnostics === undefined || runnable === undefined) return undefined
      const wanted = [
        ...new Set(
          playbooks.flatMap((playbook) =>
            playbook.investigation.flatMap((step) =>
              step.probe === undefined ? [] : [step.probe.probe],
            ),
          ),
        ),
      ]
      const probes = wanted.filter((id) => runnable.has(id))
      const skipped = wanted
        .filter((id) => !runnable.has(id))
        .map((id) => ({ id, reason: "not configured in the receiver's diagnostics" }))
      const run =
        probes.length === 0
          ? undefined
          : yield* runProbesEffect(options.diagnostics, {
              runbook,
              probes,
              deadline: enrichmentDeadlineMs,
              now,
            })
      return { run, skipped }
    })

  const notify = async (
    opened: IncidentOpened,
    humanId: string,
  ): Promise<AlertOutcome["notification"]> => {
    const responder = options.responder
    const callback =
      responder === undefined
        ? options.onIncidentOpened
        : async () => {
            // sent and recorded by the responder, under the incident's dispatch lock
            const result = await Effect.runPromise(responder.dispatch(humanId))
            delivered =
              result.status === "done"
                ? result.dispatches
                    .filter((dispatch) => dispatch.delivered.length > 0)
                    .map((dispatch) => dispatch.key)
                : []
            return undefined
          }
    let delivered: ReadonlyArray<string> | undefined
    if (callback === undefined) return undefined
    const record = async (report: unknown) => {
      const sent = (report as NotificationReport | undefined)?.sent ?? []
      if (sent.length === 0) return []
      const at = now()
      const result = await Effect.runPromise(
        Effect.either(
          journalWork(
            journal.append(
              humanId,
              sent.map((message) => ({
                type: "notification-sent" as const,
                at,
                message: message.message,
                channels: [...message.channels],
                key: message.key,
              })),
            ),
          ),
        ),
      )
      if (Either.isLeft(result)) throw new Error(result.left.detail)
      return sent.map((message) => message.key)
    }
    const delivery = (async () => {
      const recorded = await record(await callback(opened))
      return delivered ?? recorded
    })()
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), notifyTimeoutMs)
    })
    try {
      const outcome = await Promise.race([delivery, late])
      if (outcome === "late") {
        delivery.catch(onBackgroundError)
        return { status: "pending", sent: [] }
      }
      return { status: "sent", sent: outcome }
    } catch (error) {
      return { status: "failed", sent: [], error: messageOf(error) }
    } finally {
      clearTimeout(timer)
    }
  }

  const receive = async (payload: AlertmanagerPayload): Promise<PlainResponse> => {
    const mapped = payload.alerts.map((alert) => ({ alert, match: mapAlert(alert) }))
    const firing = mapped.filter(({ alert }) => alert.status === "firing")
    const alerts = mapped.map(({ alert, match }) => summarise(alert, match))
    if (firing.length === 0 && (payload.truncatedAlerts ?? 0) > 0) {
      // Alertmanager keeps the first `max_alerts` alerts of the group, in label order, and
      // derives the status from those alone: alerts it left out may well still fire.
      return json(
        {
          groupKey: payload.groupKey,
          status: "resolved",
          alerts,
          recorded: [],
          note: `the notification lists ${payload.alerts.length} resolved alerts and leaves ${payload.truncatedAlerts} out (max_alerts), which may still fire: the incident is not marked mitigated`,
        } satisfies AlertOutcome,
        200,
      )
    }
    if (firing.length === 0) {
      const resolved = await Effect.runPromise(
        Effect.either(journalWork(resolveGroup(payload, alerts))),
      )
      if (Either.isLeft(resolved)) return refused(resolved.left)
      return json(resolved.right, 200)
    }
    const opened = await Effect.runPromise(
      Effect.either(journalWork(openGroup(payload, firing, alerts))),
    )
    if (Either.isLeft(opened)) return refused(opened.left)
    const { created, record, outcome } = opened.right
    if (!created) return json(outcome, 200)

    const playbooks = record.state.playbooks.flatMap((id) => {
      const playbook = playbookById.get(id)
      return playbook === undefined ? [] : [playbook]
    })
    const enrichment = await Effect.runPromise(enrich(playbooks))
    const due = Escalation.escalate(runbook, record.state, now())
    const notification = await notify(
      {
        incident: record.state,
        playbooks,
        payload,
        alerts,
        due,
        ...(enrichment?.run === undefined ? {} : { enrichment: enrichment.run }),
      },
      record.humanId,
    )
    const full: AlertOutcome = {
      ...outcome,
      recorded: [...outcome.recorded, ...(notification?.sent ?? []).map(() => "notification-sent")],
      ...(enrichment === undefined
        ? {}
        : {
            enrichment: {
              deadlineMs: enrichmentDeadlineMs,
              results: (enrichment.run?.results ?? []).map((result) => ({
                id: result.id,
                status: result.status,
                summary: result.summary,
                durationMs: result.durationMs,
              })),
              skipped: enrichment.skipped,
            },
          }),
      ...(notification === undefined ? {} : { notification }),
    }
    return json(full, 201)
  }

  const refused = (error: JournalRefused): PlainResponse =>
    error.retry
      ? plainProblem(503, "Service Unavailable", error.detail)
      : plainProblem(409, "Conflict", error.detail)

  const respond = async (request: PlainRequest): Promise<PlainResponse> => {
    if (request.method !== "POST")
      return refuseUnread(405, "Method Not Allowed", "the Alertmanager webhook takes POST")
    // A web page the responder's browser visits can POST to a receiver on loopback; Alertmanager
    // sends no Origin and always sends JSON, which a page cannot send across origins unasked.
    if (request.headers.get("origin") !== null)
      return refuseUnread(
        403,
        "Forbidden",
        "a request with an Origin header comes from a web page; only Alertmanager posts here",
      )
    if (!isJson(request.headers.get("content-type")))
      return refuseUnread(
        415,
        "Unsupported Media Type",
        "the body must be sent as application/json",
      )
    // Without HMAC the token can be checked before reading anything.
    if (hmacSecret === undefined && bearer !== undefined && !verifyBearer(request))
      return refuseUnread(401, "Unauthorized", "a valid bearer token is required")
    let body: Uint8Array
    try {
      body = await request.body(limit)
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return refuseUnread(413, "Payload Too Large", `the body exceeds ${limit} bytes`)
      return plainProblem(400, "Bad Request", "the request body could not be read")
    }
    if ((bearer !== undefined || hmacSecret !== undefined) && !verifyBearer(request)) {
      const verdict = verifySignature(request, body)
      if (verdict !== "valid")
        return plainProblem(
          401,
          "Unauthorized",
          verdict === "stale"
            ? `X-Ir-Timestamp is more than ${tolerance} s from the receiver's clock (a delayed or replayed notification)`
            : "a valid bearer token, or X-Ir-Timestamp and X-Ir-Signature, is required",
        )
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body))
    } catch (error) {
      return plainProblem(400, "Bad Request", `the body is not UTF-8 JSON: ${messageOf(error)}`)
    }
    if (JsonDepth.exceeds(parsed, maxJsonDepth))
      return plainProblem(
        400,
        "Bad Request",
        `not an Alertmanager webhook payload (version 4): JSON nested deeper than ${maxJsonDepth} levels`,
      )
    const decoded = decode(parsed)
    if (Either.isLeft(decoded)) {
      let reason: string
      try {
        const issues = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
        const shown = issues
          .slice(0, 5)
          .map(
            (issue) =>
              `${issue.path.length === 0 ? "(root)" : issue.path.join(".")}: ${issue.message}`,
          )
        reason = `${shown.join("; ")}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ""}`
      } catch {
        // An error too large to describe is still the sender's: it says so, briefly.
        reason = "the payload does not have the expected shape"
      }
      return plainProblem(
        400,
        "Bad Request",
        journalText(`not an Alertmanager webhook payload (version 4): ${reason}`, 2000),
      )
    }
    try {
      return await receive(cleanStrings(decoded.right))
    } catch (error) {
      // A bug in ir, not the request: 500 makes Alertmanager retry, which is what we want.
      onBackgroundError(error)
      return plainProblem(500, "Internal Server Error", "the receiver failed unexpectedly")
    }
  }
  const handle = async (request: Request): Promise<Response> =>
    toResponse(await respond(plainRequestOf(request)))
  return { handle, respond, journal, runbook }
}
