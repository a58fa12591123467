/**
 * The Fetch handler: `(request: Request) => Promise<Response>`. Mount it in any Fetch runtime
 * (Hono, Bun, Deno) directly, or in node:http, Express and Fastify through `@ir/http/node`.
 *
 * Routes (under an optional `basePath`):
 * - `GET /health`: `application/health+json` from the configured probes: the status alone, or
 *   every check for a request with the bearer `token`; 200 for pass and warn, 503 for fail.
 * - `GET /health/live`: the process alone (it answers, so it lives).
 * - `GET /health/ready`: the dependencies, as `/health`; fails from the moment shutdown begins.
 * - `GET /metrics`: Prometheus text exposition (see `Metrics`).
 * - `POST /alerts/alertmanager`: the Alertmanager webhook receiver, when `alerts` is given.
 *
 * Probe runs are cached for `cacheMs` and shared: any number of concurrent health requests
 * cause at most one probe run per interval, each probe under its timeout and the run under
 * `deadlineMs`, so a hanging dependency never hangs the endpoint.
 *
 * @example
 * ```ts
 * import { createHandler } from "@ir/http"
 * const handler = createHandler({
 *   health: { config: { postgres: { url: process.env.DATABASE_URL ?? "" } }, probes: ["postgres.connectivity"] },
 *   token: process.env.IR_HEALTH_TOKEN,
 * })
 * const response = await handler(new Request("http://localhost/health"))
 * response.status // 200 or 503
 * ```
 */
import { defaultRunbook, type Runbook } from "@ir/core"
import {
  DiagnosticsConfig,
  decodeDiagnosticsConfigEither,
  type ProbeId,
  type ProbeRun,
  runProbes,
} from "@ir/diagnostics"
import type { Journal, JournalDamage } from "@ir/journal"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { Registry } from "prom-client"
import type { AlertReceiver } from "./AlertReceiver.js"
import { type Board, type BoardOptions, createBoard } from "./Board.js"
import { cachedRunner } from "./HealthCache.js"
import {
  type HealthBody,
  healthMediaType,
  healthReport,
  healthStatus,
  httpStatus,
} from "./HealthReport.js"
import { HttpConfigError } from "./HttpConfigError.js"
import { createJournalMetrics } from "./internal/JournalMetrics.js"
import { type PlainResponse, plainProblem, plainResponse, toResponse } from "./internal/Problem.js"
import { bearerToken, reveal, type Secret, safeEqual } from "./internal/Secret.js"
import { durationBuckets, registerMetrics } from "./Metrics.js"
import { type PlainRequest, plainRequestOf } from "./PlainRequest.js"
import { createStatusPage, type StatusPageOptions } from "./StatusPage.js"

export type { PlainResponse } from "./internal/Problem.js"

/**
 * Where health results come from: a diagnostics configuration (decoded, or as you would write it
 * in YAML), or your own run function.
 *
 * @example
 * ```ts
 * import type { HealthSource } from "@ir/http"
 * const health: HealthSource = {
 *   config: { postgres: { url: "postgres://app@db:5432/app", applicationName: "api-health" } },
 *   probes: ["postgres.connectivity"],
 *   deadlineMs: 2000,
 * }
 * ```
 */
export type HealthSource =
  | {
      readonly config: DiagnosticsConfig | typeof DiagnosticsConfig.Encoded
      /** Where thresholds come from (default: the seed runbook). */
      readonly runbook?: Runbook
      /** Which probes (default: every probe the configuration can run). */
      readonly probes?: ReadonlyArray<ProbeId>
      /** Bound on one probe run (default 3000 ms); each probe also has its own timeout. */
      readonly deadlineMs?: number
    }
  | { readonly run: () => Promise<ProbeRun> }

/**
 * Options of {@link createHandler}.
 *
 * @example
 * ```ts
 * import type { HandlerOptions } from "@ir/http"
 * const options: HandlerOptions = { cacheMs: 2000, basePath: "/ops", serviceId: "anomaly-api" }
 * ```
 */
export interface HandlerOptions {
  /** The dependency checks behind `/health` and `/health/ready`. Without it both report the process alone. */
  readonly health?: HealthSource
  /** How long a probe run is served from cache (default 1000 ms). */
  readonly cacheMs?: number
  /** Bearer token that unlocks the detailed health body. Without it, details are never shown. */
  readonly token?: Secret
  /** Registry for `/metrics` (default: a new one). ir registers its metrics in it. */
  readonly registry?: Registry
  /** Serve `/metrics` (default true). */
  readonly metrics?: boolean
  /** The Alertmanager receiver (see `createAlertReceiver`). */
  readonly alerts?: AlertReceiver
  /** The journal whose incidents `/metrics` counts (default: the receiver's). */
  readonly journal?: Journal
  /** The runbook whose deadlines `/metrics` measures (default: the receiver's, else the seed's). */
  readonly runbook?: Runbook
  /**
   * The public status page (`/status`, `/status.json`, `/status/feed.atom`, `/status/badge.svg`;
   * see `createStatusPage`): `true` for the defaults, or its options. Needs a journal. Components
   * with `checks` read this handler's health results.
   */
  readonly status?: boolean | Omit<StatusPageOptions, "journal" | "runbook" | "basePath" | "checks">
  /**
   * The responder board (`/board`; see `createBoard`): its responder and token. Never on without
   * a token.
   */
  readonly board?: Omit<BoardOptions, "basePath">
  /** A prefix for every route (`/ops` serves `/ops/health`, …). */
  readonly basePath?: string
  readonly serviceId?: string
  readonly version?: string
  readonly releaseId?: string
  readonly description?: string
}

/**
 * The handler, with its routes and lifecycle controls.
 *
 * @example
 * ```ts
 * import { createHandler, type IrHandler } from "@ir/http"
 * const handler: IrHandler = createHandler()
 * handler.routes // ["/health", "/health/live", "/health/ready", "/metrics"]
 * process.once("SIGTERM", () => handler.beginShutdown())
 * ```
 */
export interface IrHandler {
  (request: Request): Promise<Response>
  /** The paths it serves (with `basePath`): mount exactly these in a router. */
  readonly routes: ReadonlyArray<string>
  /** Whether a path (without query) is one of `routes`. */
  readonly matches: (path: string) => boolean
  /**
   * Answers a request that needs no body without building Fetch objects (what the node adapter
   * uses on the hot path). `undefined` means the route needs the whole `Request` (the webhook).
   */
  readonly respond: (
    method: string,
    path: string,
    authorization: string | null | undefined,
  ) => PlainResponse | Promise<PlainResponse> | undefined
  /**
   * Answers a request with a body given as plain data (the Alertmanager webhook), without Fetch
   * objects; what the node adapter uses when `respond` gives `undefined`. `undefined` means the
   * route needs the whole `Request` (the board's actions).
   */
  readonly receive: (path: string, request: PlainRequest) => Promise<PlainResponse> | undefined
  /** Marks the service as shutting down: `/health/ready` fails from now on. */
  readonly beginShutdown: () => void
  readonly isShuttingDown: () => boolean
  readonly registry: Registry
  /** How many probe runs the health endpoints started. */
  readonly probeRuns: () => number
  /** How many times the status page read the journal (at most once per its cache interval). */
  readonly statusComputations: () => number
}

const decodeHealthConfig = (
  config: DiagnosticsConfig | typeof DiagnosticsConfig.Encoded,
): DiagnosticsConfig => {
  if (Schema.is(DiagnosticsConfig)(config)) return config
  const decoded = decodeDiagnosticsConfigEither(config)
  if (Either.isLeft(decoded)) {
    throw new HttpConfigError({
      reason: "invalid-health-config",
      option: "health.config",
      expected: "a diagnostics configuration (see @ir/diagnostics)",
      cause: decoded.left,
    })
  }
  return decoded.right
}

const defaultDeadlineMs = 3000

const withoutTrailingSlash = (path: string): string => path.replace(/\/+$/, "")

/**
 * Creates the handler. Throws `HttpConfigError` for an invalid `health.config`.
 *
 * @example
 * ```ts
 * import { createHandler } from "@ir/http"
 * const handler = createHandler({ health: { run: async () => myProbeRun() } })
 * const live = await handler(new Request("http://localhost/health/live"))
 * live.headers.get("content-type") // "application/health+json"
 * ```
 */
export const createHandler = (options: HandlerOptions = {}): IrHandler => {
  const basePath = withoutTrailingSlash(options.basePath ?? "")
  if (basePath !== "" && !basePath.startsWith("/")) {
    throw new HttpConfigError({
      reason: "invalid-option",
      option: "basePath",
      expected: `a path starting with "/" (got "${basePath}")`,
    })
  }
  const cacheMs = Math.max(0, options.cacheMs ?? 1000)
  const token = reveal(options.token)
  const journal = options.journal ?? options.alerts?.journal
  // Damaged incidents make /health warn: read at most once per cache interval, like the probes.
  const journalIntegrity =
    journal === undefined
      ? undefined
      : cachedRunner(
          () =>
            Effect.runPromise(
              journal.damaged.pipe(
                Effect.timeout("5 seconds"),
                Effect.orElseSucceed(() => []),
              ),
            ),
          { ttlMs: cacheMs, staleMs: 5000 },
        )
  // /metrics reads the journal once per scrape (shared by the counts and the figures), and keeps
  // its settled part as counts (see internal/JournalMetrics.ts).
  const journalMetrics =
    journal === undefined
      ? undefined
      : createJournalMetrics(
          journal,
          options.runbook ?? options.alerts?.runbook ?? defaultRunbook,
          durationBuckets,
        )
  const metrics = registerMetrics(
    options.registry ?? new Registry(),
    journalMetrics === undefined
      ? {}
      : {
          incidents: () => journalMetrics.read().then((reading) => reading.counts),
          tally: () => journalMetrics.read().then((reading) => reading.tally),
        },
  )
  const source = options.health
  const deadlineMs =
    source !== undefined && "config" in source
      ? (source.deadlineMs ?? defaultDeadlineMs)
      : defaultDeadlineMs
  const runHealth =
    source === undefined
      ? undefined
      : "run" in source
        ? source.run
        : (() => {
            const config = decodeHealthConfig(source.config)
            const runbook = source.runbook ?? defaultRunbook
            return () =>
              runProbes(config, {
                runbook,
                deadline: deadlineMs,
                ...(source.probes === undefined ? {} : { probes: source.probes }),
              })
          })()
  const health =
    runHealth === undefined
      ? undefined
      : cachedRunner(
          async () => {
            const run = await runHealth()
            metrics.recordRun(run)
            return run
          },
          // While the next run is in flight the last one is served, for as long as a run may
          // take: no request waits for a refresh.
          { ttlMs: cacheMs, staleMs: deadlineMs },
        )
  let shuttingDown = false

  const paths = {
    health: `${basePath}/health`,
    live: `${basePath}/health/live`,
    ready: `${basePath}/health/ready`,
    metrics: `${basePath}/metrics`,
    alerts: `${basePath}/alerts/alertmanager`,
  }
  const status =
    options.status === undefined || options.status === false
      ? undefined
      : (() => {
          if (journal === undefined) {
            throw new HttpConfigError({
              reason: "invalid-option",
              option: "status",
              expected: "a journal to read incidents from (the `journal` or `alerts` option)",
            })
          }
          return createStatusPage({
            ...(options.status === true ? {} : options.status),
            journal,
            runbook: options.runbook ?? options.alerts?.runbook ?? defaultRunbook,
            basePath,
            checks: () => {
              const run = health?.peek()
              return run === undefined
                ? undefined
                : Object.fromEntries(
                    run.results.map((result) => [result.id, healthStatus(result.status)]),
                  )
            },
          })
        })()
  const board: Board | undefined =
    options.board === undefined ? undefined : createBoard({ ...options.board, basePath })
  const routes = [
    paths.health,
    paths.live,
    paths.ready,
    ...(options.metrics === false ? [] : [paths.metrics]),
    ...(options.alerts === undefined ? [] : [paths.alerts]),
    ...(status?.routes ?? []),
    ...(board?.routes ?? []),
  ]
  const routeSet = new Set(routes)

  const head = {
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.releaseId === undefined ? {} : { releaseId: options.releaseId }),
    ...(options.serviceId === undefined ? {} : { serviceId: options.serviceId }),
    ...(options.description === undefined ? {} : { description: options.description }),
  }
  const publicHeaders = {
    "content-type": healthMediaType,
    "cache-control": cacheMs >= 1000 ? `max-age=${Math.floor(cacheMs / 1000)}` : "no-cache",
    vary: "authorization",
  }
  const privateHeaders = {
    "content-type": healthMediaType,
    "cache-control": "no-store",
    vary: "authorization",
  }
  const noStore = { "content-type": healthMediaType, "cache-control": "no-store" }
  const plain = (
    body: HealthBody,
    headers: Readonly<Record<string, string>>,
    status: number = httpStatus(body.status),
  ): PlainResponse => plainResponse(status, headers, JSON.stringify(body))

  const live = plain({ status: "pass", ...head }, noStore)
  const draining = plain({ status: "fail", ...head, output: "shutting down" }, noStore)
  const processOnly = plain({ status: "pass", ...head }, publicHeaders)
  const processOnlyDetailed = plain(
    { status: "pass", ...head, notes: ["no dependency checks are configured"] },
    privateHeaders,
  )
  // Without probes, /health still reports the journal: an empty run, made when the journal's
  // answer changes, stands for the probes.
  let probeless: { readonly damage: unknown; readonly run: ProbeRun } | undefined
  const noProbes = (damage: ReadonlyArray<JournalDamage> | undefined): ProbeRun => {
    if (probeless === undefined || probeless.damage !== damage)
      probeless = {
        damage,
        run: { results: [], observations: [], startedAt: new Date(), durationMs: 0 },
      }
    return probeless.run
  }
  const unavailable = plain(
    { status: "fail", ...head, output: "the health checks could not run" },
    noStore,
  )

  // Each run is rendered once, however many requests it serves.
  let rendered:
    | {
        readonly run: ProbeRun
        readonly damage: ReadonlyArray<JournalDamage> | undefined
        readonly summary: PlainResponse
        detailed?: PlainResponse
      }
    | undefined
  const render = (
    run: ProbeRun,
    details: boolean,
    damage: ReadonlyArray<JournalDamage> | undefined,
  ): PlainResponse => {
    if (rendered?.run !== run || rendered.damage !== damage) {
      const body = healthReport(run.results, {
        details: false,
        at: run.startedAt,
        ...head,
        ...(damage === undefined ? {} : { journalDamage: damage }),
      })
      metrics.recordHealth(body.status)
      rendered = { run, damage, summary: plain(body, publicHeaders) }
    }
    if (!details) return rendered.summary
    rendered.detailed ??= plain(
      healthReport(run.results, {
        details: true,
        at: run.startedAt,
        ...head,
        ...(damage === undefined ? {} : { journalDamage: damage }),
      }),
      privateHeaders,
    )
    return rendered.detailed
  }

  const authorised = (authorization: string | null | undefined): boolean => {
    if (token === undefined || authorization === null || authorization === undefined) return false
    const given = bearerToken(authorization)
    return given !== undefined && safeEqual(given, token)
  }

  const healthResponse = (
    authorization: string | null | undefined,
    ready: boolean,
  ): PlainResponse | Promise<PlainResponse> => {
    if (ready && shuttingDown) return draining
    const details = authorised(authorization)
    if (health === undefined && journalIntegrity === undefined)
      return details ? processOnlyDetailed : processOnly
    const damage = journalIntegrity?.peek()
    const fresh = health === undefined ? noProbes(damage) : health.peek()
    if (fresh !== undefined && (journalIntegrity === undefined || damage !== undefined))
      return render(fresh, details, damage)
    return Promise.all([health?.get(), journalIntegrity?.get()]).then(
      ([run, damaged]) => render(run ?? noProbes(damaged), details, damaged),
      () => unavailable,
    )
  }

  const metricsResponse = async (): Promise<PlainResponse> =>
    plainResponse(
      200,
      { "content-type": metrics.registry.contentType, "cache-control": "no-store" },
      await metrics.registry.metrics(),
    )

  const notAllowed = (method: string, path: string, allow: string): PlainResponse =>
    plainProblem(405, "Method Not Allowed", `${method} is not allowed on ${path}`, { allow })

  const respond: IrHandler["respond"] = (method, path, authorization) => {
    if (status?.matches(path)) return status.respond(method, path)
    if (board?.matches(path)) return undefined
    if (!routeSet.has(path)) return plainProblem(404, "Not Found", `no route for ${path}`)
    const readable = method === "GET" || method === "HEAD"
    switch (path) {
      case paths.health:
        return readable
          ? healthResponse(authorization, false)
          : notAllowed(method, path, "GET, HEAD")
      case paths.ready:
        return readable
          ? healthResponse(authorization, true)
          : notAllowed(method, path, "GET, HEAD")
      case paths.live:
        return readable ? live : notAllowed(method, path, "GET, HEAD")
      case paths.metrics:
        return readable ? metricsResponse() : notAllowed(method, path, "GET, HEAD")
      default:
        return method === "POST" ? undefined : notAllowed(method, path, "POST")
    }
  }

  const internalError = (): PlainResponse =>
    plainProblem(500, "Internal Server Error", "internal error")

  const receive: IrHandler["receive"] = (path, request) => {
    if (path !== paths.alerts || options.alerts === undefined) return undefined
    return options.alerts.respond(request).then(
      (response) => {
        metrics.recordAlertRequest(response.status)
        return response
      },
      // A bug in ir: say nothing about it to the caller.
      internalError,
    )
  }

  const handler = async (request: Request): Promise<Response> => {
    try {
      const path = new URL(request.url).pathname
      const simple = respond(request.method, path, request.headers.get("authorization"))
      if (simple !== undefined) return toResponse(await simple)
      if (status?.matches(path)) return await status.handle(request)
      if (board?.matches(path)) return await board.handle(request)
      const received = receive(path, plainRequestOf(request))
      if (received !== undefined) return toResponse(await received)
      return toResponse(plainProblem(404, "Not Found", `no route for ${path}`))
    } catch {
      // A bug in ir: say nothing about it to the caller.
      return toResponse(internalError())
    }
  }

  return Object.assign(handler, {
    routes,
    matches: (path: string) =>
      routeSet.has(path) || status?.matches(path) === true || board?.matches(path) === true,
    respond,
    receive,
    beginShutdown: () => {
      shuttingDown = true
      // Live board streams end, so that the server can drain.
      board?.close()
    },
    isShuttingDown: () => shuttingDown,
    registry: metrics.registry,
    probeRuns: () => health?.runs() ?? 0,
    statusComputations: () => status?.computations() ?? 0,
  })
}
