// The board's sessions and its request checks: who is asking (a bearer token, or the signed
// session cookie a token login gave), whether a state-changing request comes from the board's own
// pages (same origin, and for cookie sessions a CSRF field bound to the session).
//
// Sessions are stateless: the cookie carries a random session id and its expiry, signed with
// HMAC-SHA256 under a key derived from the token. The same token after a restart keeps sessions
// valid; a new token invalidates every one. Logging out forgets the session in this process too.
import { createHmac, hkdfSync, randomBytes } from "node:crypto"
import { bearerToken, safeEqual } from "./Secret.js"

/** How long a login lasts. */
export const sessionSeconds = 12 * 3600

const cookieName = "ir_board"

/** A session the cookie proved: its id (the CSRF field is bound to it) and expiry. */
export interface BoardSession {
  readonly id: string
  readonly expiresAt: number
}

/** Who a request is: a bearer token holder, a cookie session, or nobody. */
export type BoardIdentity =
  | { readonly kind: "bearer" }
  | { readonly kind: "session"; readonly session: BoardSession }
  | { readonly kind: "none" }

/** Why a state-changing request was refused (the 403 page says which). */
export type RefusedReason = "cross-site" | "csrf"

export interface BoardSessions {
  readonly identify: (request: Request) => BoardIdentity
  /** Whether `given` is the token (constant-time). */
  readonly isToken: (given: string) => boolean
  /** A new session and the `Set-Cookie` value that carries it. */
  readonly start: (request: Request) => { readonly session: BoardSession; readonly cookie: string }
  /** The `Set-Cookie` value that clears the session cookie; forgets `session` in this process. */
  readonly end: (session: BoardSession | undefined, request: Request) => string
  /** The CSRF field value of a session: an HMAC of its id. */
  readonly csrfToken: (session: BoardSession) => string
  /** Whether a form's `csrf` field belongs to the session (constant-time). */
  readonly csrfMatches: (session: BoardSession, given: string | null) => boolean
}

const base64url = (bytes: Buffer): string => bytes.toString("base64url")

// Separate keys for separate purposes, so that no CSRF value can ever pass as a cookie signature.
const deriveKey = (token: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync("sha256", token, "ir board", purpose, 32))

const cookieValue = (header: string | null, name: string): string | undefined => {
  if (header === null) return undefined
  for (const part of header.split(";")) {
    const index = part.indexOf("=")
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim()
  }
  return undefined
}

/**
 * Whether a state-changing request comes from a page of this origin: its `Origin`, else its
 * `Sec-Fetch-Site`; a request with neither is refused (every current browser sends one of them
 * on a form POST, so only a request that hides where it comes from lacks both).
 */
export const sameOrigin = (request: Request): boolean => {
  const origin = request.headers.get("origin")
  if (origin !== null) return origin === new URL(request.url).origin
  const site = request.headers.get("sec-fetch-site")
  if (site !== null) return site === "same-origin"
  return false
}

/** The sessions of a board with this token and cookie path. */
export const boardSessions = (
  token: string,
  cookiePath: string,
  now: () => number = Date.now,
): BoardSessions => {
  const signingKey = deriveKey(token, "session cookie v1")
  const csrfKey = deriveKey(token, "csrf field v1")
  // Sessions ended here before their expiry (a copied cookie stops working at logout, at least
  // until this process restarts), with their expiry so that the set forgets them in time.
  const ended = new Map<string, number>()

  const sign = (payload: string) =>
    base64url(createHmac("sha256", signingKey).update(payload).digest())

  const attributes = (request: Request, maxAge: number) =>
    [
      `Path=${cookiePath}`,
      "HttpOnly",
      "SameSite=Strict",
      `Max-Age=${maxAge}`,
      ...(new URL(request.url).protocol === "https:" ? ["Secure"] : []),
    ].join("; ")

  const fromCookie = (request: Request): BoardSession | undefined => {
    const value = cookieValue(request.headers.get("cookie"), cookieName)
    if (value === undefined) return undefined
    const [id, expires, signature, ...rest] = value.split(".")
    if (id === undefined || expires === undefined || signature === undefined || rest.length > 0)
      return undefined
    if (!safeEqual(signature, sign(`${id}.${expires}`))) return undefined
    const expiresAt = Number(expires)
    if (!Number.isSafeInteger(expiresAt) || expiresAt * 1000 <= now()) return undefined
    if (ended.has(id)) return undefined
    return { id, expiresAt }
  }

  const forgetExpired = () => {
    const nowSeconds = now() / 1000
    for (const [id, expiresAt] of ended) if (expiresAt <= nowSeconds) ended.delete(id)
  }

  const csrfToken = (session: BoardSession) =>
    base64url(createHmac("sha256", csrfKey).update(session.id).digest())

  return {
    isToken: (given) => safeEqual(given, token),
    identify: (request) => {
      const bearer = bearerToken(request.headers.get("authorization"))
      if (bearer !== undefined && safeEqual(bearer, token)) return { kind: "bearer" }
      const session = fromCookie(request)
      return session === undefined ? { kind: "none" } : { kind: "session", session }
    },
    start: (request) => {
      const session = {
        id: base64url(randomBytes(18)),
        expiresAt: Math.floor(now() / 1000) + sessionSeconds,
      }
      const payload = `${session.id}.${session.expiresAt}`
      return {
        session,
        cookie: `${cookieName}=${payload}.${sign(payload)}; ${attributes(request, sessionSeconds)}`,
      }
    },
    end: (session, request) => {
      forgetExpired()
      if (session !== undefined) ended.set(session.id, session.expiresAt)
      return `${cookieName}=; ${attributes(request, 0)}`
    },
    csrfToken,
    csrfMatches: (session, given) => given !== null && safeEqual(given, csrfToken(session)),
  }
}
