/**
 * The responder board: a web page for the people working an incident, behind a token. It shows
 * the active incidents (severity, age, the respond-by and next-update countdowns, escalation and
 * who was paged, the playbook's checklist, the timeline, who is on call) and takes the
 * responder's actions (acknowledge, post an update, raise a flag, mitigate, resolve, check off a
 * step) through the responder, as `ir incident …` does. It keeps itself current: a live stream
 * tells the page when the journal changes, whoever changed it.
 *
 * Routes, under `${basePath}/board`:
 *
 * - `GET /board`: the board (`?fragment=1`: only its live section, for the page's script). 401
 *   with the login form without authentication.
 * - `GET|POST /board/login`: the login form; posting the token sets a session cookie (12 h).
 * - `POST /board/logout`: ends the session.
 * - `GET /board/events`: Server-Sent Events, `event: change` when the journal changes.
 * - `GET /board/app.js`: the page's script (no authentication: it holds nothing).
 * - `POST /board/incidents/<id>/<ack|update|flag|mitigate|resolve|step>`: the actions.
 *
 * Authentication: `Authorization: Bearer <token>`, or the session cookie (HMAC-signed with a key
 * derived from the token: a new token ends every session). A state-changing request must come
 * from the board's own origin (`Origin`, else `Sec-Fetch-Site`) and, with a session cookie,
 * carry the page's CSRF field. The token is never written into a response.
 *
 * @example
 * ```ts
 * import { createBoard } from "@ir/http"
 * const board = createBoard({ responder, token: process.env.IR_BOARD_TOKEN ?? "" })
 * const fetch = (request: Request) =>
 *   board.matches(new URL(request.url).pathname)
 *     ? board.handle(request)
 *     : Promise.resolve(new Response("not found", { status: 404 }))
 * ```
 */
import type { Responder } from "@ir/responder"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { HttpConfigError } from "./HttpConfigError.js"
import { isBoardAction } from "./internal/BoardActionName.js"
import type { BoardContext } from "./internal/BoardHtml.js"
import { boardScript } from "./internal/BoardScript.js"
import { type BoardSessions, boardSessions, sameOrigin } from "./internal/BoardSession.js"
import { boardStream } from "./internal/BoardStream.js"
import { BodyTooLarge, readBody } from "./internal/BodyReader.js"
import { reveal, type Secret } from "./internal/Secret.js"

/**
 * What the board renders and does, and the libraries behind it (@ir/responder, @ir/journal,
 * @ir/templates): imported when a board is created, never when @ir/http is, so that a handler
 * without a board does not carry them.
 */
const loadParts = async () => {
  const [{ runAction }, { boardPage, errorPage, liveSection, loginPage }, view, { pageHeaders }] =
    await Promise.all([
      import("./internal/BoardActions.js"),
      import("./internal/BoardHtml.js"),
      import("./internal/BoardView.js"),
      import("./internal/Page.js"),
    ])
  return {
    runAction,
    boardPage,
    errorPage,
    liveSection,
    loginPage,
    journalTimeout: view.journalTimeout,
    readBoard: view.readBoard,
    pageHeaders,
  } as const
}

type Parts = Awaited<ReturnType<typeof loadParts>>

/**
 * Options of {@link createBoard}.
 *
 * @example
 * ```ts
 * import type { BoardOptions } from "@ir/http"
 * import * as Redacted from "effect/Redacted"
 * const options = (responder: BoardOptions["responder"]): BoardOptions => ({
 *   responder,
 *   token: Redacted.make(process.env.IR_BOARD_TOKEN ?? ""),
 *   basePath: "/ops",
 * })
 * ```
 */
export interface BoardOptions {
  /** The journal, the runbook, the clock and every change come from it. */
  readonly responder: Responder
  /** The access token: required, the board is never open. */
  readonly token: Secret
  /** A path prefix such as `/ops` (default none): the board is at `${basePath}/board`. */
  readonly basePath?: string
  /** How often the live stream looks for journal changes, in milliseconds (default 1000). */
  readonly pollMs?: number
  /** Who is on call at a time, shown on the board (optional). */
  readonly onCall?: (at: Date) => ReadonlyArray<{ readonly role: string; readonly name: string }>
}

/**
 * The board: a Fetch handler for its paths.
 *
 * @example
 * ```ts
 * import type { Board } from "@ir/http"
 * const route = (board: Board, request: Request) =>
 *   board.matches(new URL(request.url).pathname) ? board.handle(request) : undefined
 * ```
 */
export interface Board {
  /** The fixed paths (the board, login, logout, events, the script). */
  readonly routes: ReadonlyArray<string>
  /** Whether the board answers a path: its routes and every incident action path. */
  readonly matches: (path: string) => boolean
  readonly handle: (request: Request) => Promise<Response>
  /** Stops polling the journal and ends every open live stream. */
  readonly close: () => void
}

/** Forms are small; anything bigger is not one of the board's. */
const maxFormBytes = 16 * 1024

const heartbeatMs = 15_000

const basePathPattern = /^(?:\/[A-Za-z0-9._~-]+)*$/

const formMediaType = "application/x-www-form-urlencoded"

const redirect = (location: string, cookie?: string): Response => {
  const headers = new Headers({ location, "cache-control": "no-store" })
  if (cookie !== undefined) headers.set("set-cookie", cookie)
  return new Response(null, { status: 303, headers })
}

/**
 * Creates the board over a responder. Throws `HttpConfigError` for a missing or empty token, a
 * `basePath` that is not a path prefix (`/ops`, no trailing slash), or a bad `pollMs`.
 *
 * @example
 * ```ts
 * import { createBoard } from "@ir/http"
 * const board = createBoard({ responder, token: process.env.IR_BOARD_TOKEN ?? "", pollMs: 500 })
 * process.on("SIGTERM", () => board.close())
 * ```
 */
export const createBoard = (options: BoardOptions): Board => {
  const token = reveal(options.token)
  if (token === undefined || token.trim() === "")
    throw new HttpConfigError({
      reason: "missing-auth",
      option: "board.token",
      expected: "a non-empty access token (the board is never served without one)",
    })
  const basePath = options.basePath ?? ""
  if (!basePathPattern.test(basePath))
    throw new HttpConfigError({
      reason: "invalid-option",
      option: "board.basePath",
      expected: `empty or a path prefix such as "/ops" (no trailing slash, no query); got ${JSON.stringify(basePath)}`,
    })
  const pollMs = options.pollMs ?? 1000
  if (!Number.isFinite(pollMs) || pollMs < 10)
    throw new HttpConfigError({
      reason: "invalid-option",
      option: "board.pollMs",
      expected: `a number of milliseconds of at least 10; got ${String(pollMs)}`,
    })

  const root = `${basePath}/board`
  const routes = [root, `${root}/login`, `${root}/logout`, `${root}/events`, `${root}/app.js`]
  const actionPrefix = `${root}/incidents/`
  const actionPath = (path: string) => {
    if (!path.startsWith(actionPrefix)) return undefined
    const [id, action, ...rest] = path.slice(actionPrefix.length).split("/")
    if (id === undefined || id === "" || action === undefined || rest.length > 0) return undefined
    return isBoardAction(action) ? { id, action } : undefined
  }
  const matches = (path: string) => routes.includes(path) || actionPath(path) !== undefined

  // Started now, so that the first request rarely waits for it.
  const serving = loadParts().then((parts) =>
    serveBoard(parts, { ...options, token, root, pollMs, actionPath }),
  )
  serving.catch(() => undefined)
  return {
    routes,
    matches,
    handle: async (request) => {
      let served: Awaited<typeof serving>
      try {
        served = await serving
      } catch {
        // The board's own modules did not load (a broken installation): nothing to render with.
        return new Response("The board could not be loaded.", {
          status: 500,
          headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
        })
      }
      return served.handle(request)
    },
    close: () => {
      void serving.then(
        (served) => served.close(),
        () => undefined,
      )
    },
  }
}

/** The board's routes once its parts are loaded (the options are validated by `createBoard`). */
const serveBoard = (
  parts: Parts,
  options: Omit<BoardOptions, "token" | "basePath" | "pollMs"> & {
    readonly token: string
    readonly root: string
    readonly pollMs: number
    readonly actionPath: (
      path: string,
    ) => { readonly id: string; readonly action: string } | undefined
  },
): Pick<Board, "handle" | "close"> => {
  const {
    runAction,
    boardPage,
    errorPage,
    liveSection,
    loginPage,
    journalTimeout,
    readBoard,
    pageHeaders,
  } = parts
  const { responder, token, root, pollMs, actionPath } = options
  const htmlResponse = (
    status: number,
    body: string,
    headers: Readonly<Record<string, string>> = {},
  ): Response => new Response(body, { status, headers: { ...pageHeaders("no-store"), ...headers } })
  const sessions: BoardSessions = boardSessions(token, root)
  const fail = (status: number, title: string, detail: string, headers = {}) =>
    htmlResponse(status, errorPage(root, title, detail), headers)
  const stream = boardStream({
    list: () => Effect.runPromise(responder.journal.list().pipe(Effect.timeout(journalTimeout))),
    pollMs,
    heartbeatMs,
    closed: () => fail(503, "The board is closed", "The server is shutting down the board."),
  })

  const loginRequired = (refused = false) =>
    htmlResponse(401, loginPage(root, { refused }), {
      "www-authenticate": 'Bearer realm="ir board"',
    })
  const notAllowed = (allow: string) =>
    fail(405, "Method not allowed", `This address answers ${allow} only.`, { allow })
  const crossSite = () =>
    fail(
      403,
      "Refused",
      "The request did not come from a page of the board (its Origin or Sec-Fetch-Site is another site's, or missing). Open the board and use its forms.",
    )

  /** The form of a POST, or the response that refuses it. */
  const readForm = async (request: Request): Promise<URLSearchParams | Response> => {
    const type = request.headers.get("content-type") ?? ""
    if (type.split(";")[0]?.trim().toLowerCase() !== formMediaType)
      return fail(415, "Unsupported form", `The board takes forms sent as ${formMediaType}.`)
    try {
      return new URLSearchParams(new TextDecoder().decode(await readBody(request, maxFormBytes)))
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return fail(413, "Form too large", `A form of the board is at most ${maxFormBytes} bytes.`)
      throw error
    }
  }

  const showBoard = async (request: Request): Promise<Response> => {
    const identity = sessions.identify(request)
    if (identity.kind === "none") return loginRequired()
    const context: BoardContext = {
      root,
      session: identity.kind === "session",
      ...(identity.kind === "session" ? { csrf: sessions.csrfToken(identity.session) } : {}),
    }
    const read = await Effect.runPromise(Effect.either(readBoard(responder, options.onCall)))
    if (Either.isLeft(read))
      return fail(
        503,
        "The journal is unavailable",
        read.left._tag === "TimeoutException"
          ? `The journal did not answer within ${journalTimeout}. The page tries again when reloaded.`
          : read.left.message,
      )
    const fragment = new URL(request.url).searchParams.get("fragment") === "1"
    return fragment
      ? htmlResponse(200, liveSection(read.right, context))
      : new Response(boardPage(read.right, context), {
          status: 200,
          headers: pageHeaders("no-store", { scripts: true, connect: true }),
        })
  }

  const login = async (request: Request): Promise<Response> => {
    if (!sameOrigin(request)) return crossSite()
    const form = await readForm(request)
    if (form instanceof Response) return form
    const given = form.get("token") ?? ""
    if (!sessions.isToken(given)) return loginRequired(true)
    return redirect(root, sessions.start(request).cookie)
  }

  const logout = async (request: Request): Promise<Response> => {
    const identity = sessions.identify(request)
    if (identity.kind === "none") return loginRequired()
    if (!sameOrigin(request)) return crossSite()
    if (identity.kind === "bearer") return redirect(`${root}/login`)
    const form = await readForm(request)
    if (form instanceof Response) return form
    if (!sessions.csrfMatches(identity.session, form.get("csrf"))) return csrfRefused()
    return redirect(`${root}/login`, sessions.end(identity.session, request))
  }

  const csrfRefused = () =>
    fail(
      403,
      "Refused",
      "The form's security field is missing or belongs to another session (the page may be older than your login). Reload the board and try again.",
    )

  const act = async (
    request: Request,
    target: { readonly id: string; readonly action: string },
  ): Promise<Response> => {
    const identity = sessions.identify(request)
    if (identity.kind === "none") return loginRequired()
    if (!sameOrigin(request)) return crossSite()
    const form = await readForm(request)
    if (form instanceof Response) return form
    // A bearer token is sent deliberately (a browser never adds one by itself): it proves intent.
    if (identity.kind === "session" && !sessions.csrfMatches(identity.session, form.get("csrf")))
      return csrfRefused()
    let incidentId: string
    try {
      incidentId = decodeURIComponent(target.id)
    } catch {
      incidentId = target.id
    }
    if (!/^[A-Za-z0-9-]{1,64}$/.test(incidentId))
      return fail(404, "No such incident", `There is no incident ${incidentId} in the journal.`)
    if (/^inc-/i.test(incidentId)) incidentId = incidentId.toUpperCase()
    if (!isBoardAction(target.action)) return fail(404, "Not found", "No such action.")
    const outcome = await runAction(responder, incidentId, target.action, form)
    return outcome.ok
      ? redirect(`${root}#${encodeURIComponent(outcome.incidentId)}`)
      : fail(outcome.status, outcome.title, outcome.detail)
  }

  const route = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname
    const method = request.method.toUpperCase()
    const reading = method === "GET" || method === "HEAD"
    switch (path) {
      case root:
        return reading ? showBoard(request) : notAllowed("GET, HEAD")
      case `${root}/login`:
        if (reading)
          return sessions.identify(request).kind === "none"
            ? htmlResponse(200, loginPage(root))
            : redirect(root)
        return method === "POST" ? login(request) : notAllowed("GET, HEAD, POST")
      case `${root}/logout`:
        return method === "POST" ? logout(request) : notAllowed("POST")
      case `${root}/events`:
        if (!reading) return notAllowed("GET")
        return sessions.identify(request).kind === "none"
          ? fail(401, "Sign in first", "The live stream needs a session or a bearer token.")
          : stream.open(request)
      case `${root}/app.js`:
        return reading
          ? new Response(boardScript, {
              status: 200,
              headers: {
                "content-type": "text/javascript; charset=utf-8",
                "cache-control": "no-cache",
                "x-content-type-options": "nosniff",
              },
            })
          : notAllowed("GET, HEAD")
    }
    const target = actionPath(path)
    if (target === undefined) return fail(404, "Not found", `The board has no page ${path}.`)
    return method === "POST" ? act(request, target) : notAllowed("POST")
  }

  return {
    handle: async (request) => {
      try {
        return await route(request)
      } catch {
        // Whatever failed, the answer names no internals (and no secret): a page to go back from.
        return fail(
          500,
          "Something went wrong",
          "The board could not answer this request. Try again, or use `ir incident …` from a shell.",
        )
      }
    },
    close: () => stream.close(),
  }
}
