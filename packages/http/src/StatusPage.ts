/**
 * The public status page, served from the journal: no token, customer-safe text only.
 *
 * Routes (under the handler's `basePath`):
 * - `GET /status`: the page (HTML, works without JavaScript, light and dark, fits a phone).
 * - `GET /status.json`: the same data in the shape of Atlassian Statuspage's `summary.json`.
 * - `GET /status/feed.atom`: an Atom feed of incident updates.
 * - `GET /status/badge.svg`: a badge with the overall state.
 *
 * The summary (core's `StatusPage.summarize`) is computed at most once per `cacheMs` however many
 * requests arrive: one listing of the journal, then reads of only the incidents that changed
 * since the last computation. Each rendering is made once per summary. While the next summary is
 * computed, the last one is served; when the journal does not answer and nothing was computed
 * yet, the routes answer 503.
 *
 * @example
 * ```ts
 * import { createStatusPage } from "@ir/http"
 * const status = createStatusPage({ journal, runbook, name: "Acme status" })
 * const response = await status.handle(new Request("http://localhost/status.json"))
 * ```
 */
import { activeStatuses, type Incident, type Runbook, StatusPage } from "@ir/core"
import type { Journal } from "@ir/journal"
import { cachedRunner } from "./HealthCache.js"
import { HttpConfigError } from "./HttpConfigError.js"
import { createIncidentFigures } from "./IncidentFigures.js"
import { type PlainResponse, plainProblem, plainResponse, toResponse } from "./internal/Problem.js"
import { statusJson } from "./internal/StatusJson.js"

/**
 * The renderers and the libraries behind them (@ir/notify, @ir/templates, feed, badge-maker):
 * imported when a status page is created, never when @ir/http is, so that a handler without a
 * status page does not carry them (they are most of the memory @ir/http would otherwise hold).
 */
const loadRenderers = async () => {
  const [{ publicReference }, { pageHeaders }, { statusBadge }, { statusFeed }, { statusHtml }] =
    await Promise.all([
      import("@ir/notify"),
      import("./internal/Page.js"),
      import("./internal/StatusBadge.js"),
      import("./internal/StatusFeed.js"),
      import("./internal/StatusHtml.js"),
    ])
  return { publicReference, pageHeaders, statusBadge, statusFeed, statusHtml }
}

type Renderers = Awaited<ReturnType<typeof loadRenderers>>

/**
 * Options of {@link createStatusPage}.
 *
 * @example
 * ```ts
 * import type { StatusPageOptions } from "@ir/http"
 * const options: Omit<StatusPageOptions, "journal" | "runbook"> = {
 *   name: "Acme status",
 *   url: "https://status.example.com/status",
 *   components: [{ id: "api", name: "API", playbooks: ["high-api-error-rate", "system-down"] }],
 * }
 * ```
 */
export interface StatusPageOptions {
  readonly journal: Journal
  /** The policy (which severities are public), playbooks' public titles, the time zone. */
  readonly runbook: Runbook
  /** The page's title (default "Service status"). */
  readonly name?: string
  /**
   * The page's public URL (`https://status.example.com/status`): the feed's links and
   * `page.url`. Default: the URL each feed request came to.
   */
  readonly url?: string
  /** Default: one component per playbook, named by its public title. */
  readonly components?: ReadonlyArray<StatusPage.ComponentConfig>
  /** Days of history per component (default 90). */
  readonly days?: number
  /** How long one summary is served (default 5000 ms). */
  readonly cacheMs?: number
  /** A prefix for every route (`/ops` serves `/ops/status`). */
  readonly basePath?: string
  /** The latest live check results, for components with `checks` (the handler passes its own). */
  readonly checks?: () => Readonly<Record<string, StatusPage.CheckStatus>> | undefined
  /** The clock (default: the system's). */
  readonly now?: () => Date
  /**
   * Told why a summary could not be computed (the journal failed, or the page's renderers could
   * not be loaded), at most once per `cacheMs`; the routes answer 503 meanwhile. `ir serve` logs
   * it.
   */
  readonly onError?: (error: unknown) => void
}

/**
 * The status page's routes.
 *
 * @example
 * ```ts
 * import type { StatusPageRoutes } from "@ir/http"
 * const reads = (status: StatusPageRoutes) => status.computations()
 * ```
 */
export interface StatusPageRoutes {
  readonly routes: ReadonlyArray<string>
  readonly matches: (path: string) => boolean
  /**
   * Answers without a `Request` where it can (`undefined`: the route needs the request, as the
   * feed does for its absolute links when no `url` is configured).
   */
  readonly respond: (
    method: string,
    path: string,
  ) => PlainResponse | Promise<PlainResponse> | undefined
  readonly handle: (request: Request) => Promise<Response>
  /** The current summary (from cache when fresh). */
  readonly summary: () => Promise<StatusPage.StatusSummary>
  /** How many summaries were computed: each is one listing of the journal. */
  readonly computations: () => number
}

/** A summary with the renderers it was computed with. */
interface Computed {
  readonly summary: StatusPage.StatusSummary
  readonly renderers: Renderers
}

interface Rendered {
  readonly summary: StatusPage.StatusSummary
  readonly renderers: Renderers
  html?: PlainResponse
  json?: PlainResponse
  badge?: PlainResponse
  readonly feeds: Map<string, PlainResponse>
}

const maxFeedOrigins = 8

/**
 * Creates the status page. Throws `HttpConfigError` for components naming playbooks the runbook
 * does not have, duplicate component ids, or a `url` that is not an absolute http(s) URL.
 *
 * @example
 * ```ts
 * import { createStatusPage } from "@ir/http"
 * const status = createStatusPage({ journal, runbook, cacheMs: 10_000 })
 * status.routes // ["/status", "/status.json", "/status/feed.atom", "/status/badge.svg"]
 * ```
 */
export const createStatusPage = (options: StatusPageOptions): StatusPageRoutes => {
  const { journal, runbook } = options
  const basePath = (options.basePath ?? "").replace(/\/+$/, "")
  const components = options.components ?? StatusPage.defaultComponents(runbook)
  const unknown = StatusPage.unknownPlaybooks(runbook, components)
  if (unknown.length > 0) {
    throw new HttpConfigError({
      reason: "invalid-option",
      option: `status.components[${components.findIndex((c) => c.id === unknown[0]?.component)}].playbooks`,
      expected: `playbooks of the runbook (no playbook "${unknown[0]?.playbook}")`,
    })
  }
  const ids = components.map((component) => component.id)
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index)
  if (duplicate !== undefined) {
    throw new HttpConfigError({
      reason: "invalid-option",
      option: "status.components",
      expected: `unique component ids ("${duplicate}" appears twice)`,
    })
  }
  const url = options.url?.replace(/\/+$/, "")
  if (url !== undefined && !/^https?:\/\/[^/\s]+/i.test(url)) {
    throw new HttpConfigError({
      reason: "invalid-option",
      option: "status.url",
      expected: `an absolute http(s) URL such as https://status.example.com/status (got "${url}")`,
    })
  }
  const days = Math.max(1, Math.floor(options.days ?? 90))
  const cacheMs = Math.max(0, options.cacheMs ?? 5000)
  const now = options.now ?? (() => new Date())
  const paths = {
    page: `${basePath}/status`,
    json: `${basePath}/status.json`,
    feed: `${basePath}/status/feed.atom`,
    badge: `${basePath}/status/badge.svg`,
  }
  const routes = [paths.page, paths.json, paths.feed, paths.badge]
  const routeSet = new Set(routes)
  const pageId = "ir"

  // Only incidents that can be on the page are read: the active ones and those resolved within
  // the period (a day of slack for time zones); the rest are never read at all.
  const figures = createIncidentFigures(journal, {
    include: (summary) =>
      activeStatuses.includes(summary.status) ||
      summary.resolvedAt === undefined ||
      summary.resolvedAt.getTime() >= now().getTime() - (days + 1) * 86_400_000,
  })
  // Started now, so that the first request rarely waits for it; a failed import fails the first
  // summary (503), not the process.
  const loading = loadRenderers()
  loading.catch(() => undefined)
  const references = new WeakMap<Incident, string>()
  const referenceWith =
    (publicReference: Renderers["publicReference"]) =>
    (incident: Incident): string => {
      let value = references.get(incident)
      if (value === undefined) {
        value = publicReference(incident)
        references.set(incident, value)
      }
      return value
    }
  const computeSummary = async (): Promise<Computed> => {
    const renderers = await loading
    const summary = StatusPage.summarize({
      runbook,
      incidents: await figures.read(),
      now: now(),
      reference: referenceWith(renderers.publicReference),
      days,
      components,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(() => {
        const checks = options.checks?.()
        return checks === undefined ? {} : { checks }
      })(),
    })
    return { summary, renderers }
  }
  const summaries = cachedRunner(
    // A failed computation is remembered for the interval: `onError` hears of it once per try.
    () =>
      computeSummary().catch((error: unknown) => {
        try {
          options.onError?.(error)
        } catch {
          // a failing listener must not change the answer
        }
        throw error
      }),
    // Past the interval, the last summary is served for one more interval while the next one is
    // computed, so no request waits for the journal.
    { ttlMs: cacheMs, staleMs: cacheMs },
  )

  let rendered: Rendered | undefined
  const renderedFor = ({ summary, renderers }: Computed): Rendered => {
    if (rendered?.summary !== summary) rendered = { summary, renderers, feeds: new Map() }
    return rendered
  }
  const publicCache = `public, max-age=${Math.max(0, Math.floor(cacheMs / 1000))}`
  const html = (r: Rendered) =>
    (r.html ??= plainResponse(
      200,
      r.renderers.pageHeaders(publicCache),
      r.renderers.statusHtml(r.summary),
    ))
  const json = (r: Rendered) =>
    (r.json ??= plainResponse(
      200,
      {
        "content-type": "application/json",
        "cache-control": publicCache,
        "access-control-allow-origin": "*",
        "x-content-type-options": "nosniff",
      },
      JSON.stringify(statusJson(r.summary, { pageId, ...(url === undefined ? {} : { url }) })),
    ))
  const badge = (r: Rendered) =>
    (r.badge ??= plainResponse(
      200,
      {
        "content-type": "image/svg+xml",
        "cache-control": publicCache,
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
        "x-content-type-options": "nosniff",
      },
      r.renderers.statusBadge(r.summary),
    ))
  const feed = (r: Rendered, pageUrl: string) => {
    let answer = r.feeds.get(pageUrl)
    if (answer === undefined) {
      answer = plainResponse(
        200,
        {
          "content-type": "application/atom+xml; charset=utf-8",
          "cache-control": publicCache,
          "x-content-type-options": "nosniff",
        },
        r.renderers.statusFeed(r.summary, pageUrl),
      )
      if (r.feeds.size >= maxFeedOrigins) r.feeds.clear()
      r.feeds.set(pageUrl, answer)
    }
    return answer
  }

  const unavailable = plainProblem(
    503,
    "Service Unavailable",
    "the status cannot be read right now; try again shortly",
    { "retry-after": "5" },
  )
  const withSummary = (
    answer: (r: Rendered) => PlainResponse,
  ): PlainResponse | Promise<PlainResponse> => {
    const ready = summaries.peek()
    if (ready !== undefined) return answer(renderedFor(ready))
    return summaries.get().then(
      (computed) => answer(renderedFor(computed)),
      () => unavailable,
    )
  }
  const notAllowed = (method: string, path: string): PlainResponse =>
    plainProblem(405, "Method Not Allowed", `${method} is not allowed on ${path}`, {
      allow: "GET, HEAD",
    })

  const respondTo = (
    method: string,
    path: string,
    origin: string | undefined,
  ): PlainResponse | Promise<PlainResponse> | undefined => {
    if (!routeSet.has(path)) return plainProblem(404, "Not Found", `no route for ${path}`)
    if (method !== "GET" && method !== "HEAD") return notAllowed(method, path)
    switch (path) {
      case paths.page:
        return withSummary(html)
      case paths.json:
        return withSummary(json)
      case paths.badge:
        return withSummary(badge)
      default: {
        const pageUrl = url ?? (origin === undefined ? undefined : `${origin}${paths.page}`)
        return pageUrl === undefined ? undefined : withSummary((r) => feed(r, pageUrl))
      }
    }
  }

  return {
    routes,
    matches: (path) => routeSet.has(path),
    respond: (method, path) => respondTo(method, path, undefined),
    handle: async (request) => {
      const address = new URL(request.url)
      const answer = respondTo(request.method, address.pathname, address.origin)
      return toResponse(
        await (answer ?? plainProblem(404, "Not Found", `no route for ${address.pathname}`)),
      )
    },
    summary: () => summaries.get().then((computed) => computed.summary),
    computations: summaries.runs,
  }
}
