import * as Data from "effect/Data"
import type { CauseReason } from "../ProbeResult.js"
import type { SignalEntry } from "./ProbeKit.js"
import { redactText } from "./Redaction.js"

/**
 * Why a probe could not finish. Caught at the probe boundary and turned into an `unknown` result
 * (with `signals`, when not answering is itself a finding, e.g. `postgres.reachable = false`).
 */
export class ProbeFailure extends Data.TaggedError("ProbeFailure")<{
  readonly reason: CauseReason
  readonly message: string
  readonly cause?: unknown
  readonly signals?: ReadonlyArray<SignalEntry>
}> {}

interface ErrorLike {
  readonly name?: unknown
  readonly code?: unknown
  readonly message?: unknown
  readonly cause?: unknown
  readonly errors?: unknown
  readonly statusCode?: unknown
}

const asErrorLike = (error: unknown): ErrorLike =>
  error !== null && typeof error === "object" ? (error as ErrorLike) : { message: String(error) }

/** The error and everything in its `cause` chain (and `AggregateError.errors`). */
const chain = (error: unknown): ReadonlyArray<ErrorLike> => {
  const seen: Array<ErrorLike> = []
  const visit = (node: unknown, depth: number) => {
    if (node === undefined || node === null || depth > 5) return
    const like = asErrorLike(node)
    if (seen.includes(like)) return
    seen.push(like)
    if (Array.isArray(like.errors)) for (const inner of like.errors) visit(inner, depth + 1)
    visit(like.cause, depth + 1)
  }
  visit(error, 0)
  return seen
}

const tlsCode =
  /^(?:EPROTO|ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(?:VERIFY|GET)_|HOSTNAME_MISMATCH)/

/**
 * The cause reason of a network or client-library error, from its code (and its causes' codes):
 * refused, reset, DNS, TLS, timeout, protocol, permission; `fallback` when nothing is recognised.
 */
export const reasonOf = (error: unknown, fallback: CauseReason = "internal"): CauseReason => {
  for (const like of chain(error)) {
    const code = typeof like.code === "string" ? like.code : ""
    const name = typeof like.name === "string" ? like.name : ""
    const message = typeof like.message === "string" ? like.message : ""
    if (code === "ECONNREFUSED") return "connection-refused"
    if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return "dns"
    if (
      tlsCode.test(code) ||
      /\bSSL\b|\bTLS\b|certificate/i.test(message) ||
      name === "SecureProxyConnectionError"
    )
      return "tls"
    if (
      code === "ETIMEDOUT" ||
      code === "UND_ERR_CONNECT_TIMEOUT" ||
      code === "UND_ERR_HEADERS_TIMEOUT" ||
      code === "UND_ERR_BODY_TIMEOUT" ||
      name === "TimeoutError" ||
      /timeout expired|timed out/i.test(message)
    )
      return "timeout"
    if (code.startsWith("HPE_") || name === "HTTPParserError") return "protocol"
    if (
      code === "ECONNRESET" ||
      code === "EPIPE" ||
      code === "UND_ERR_SOCKET" ||
      /terminated unexpectedly|socket hang up|other side closed/i.test(message)
    )
      return "connection-reset"
    if (code === "EACCES" || code === "EPERM") return "permission"
    if (code === "ENOENT" && /connect/i.test(message)) return "connection-refused"
    if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "connection-refused"
  }
  return fallback
}

/** A one-line, redacted message for an error: the most specific message of its chain. */
export const messageOf = (error: unknown): string => {
  const messages = chain(error)
    .map((like) => (typeof like.message === "string" ? like.message.trim() : ""))
    .filter((message) => message !== "")
  const text = messages.find((message) => !/^fetch failed$/i.test(message)) ?? String(error)
  return redactText(text.split("\n")[0] ?? text)
}

const reasonWords: Partial<Record<CauseReason, string>> = {
  "connection-refused": "connection refused",
  "connection-reset": "connection closed by the peer",
  dns: "host name does not resolve",
  tls: "TLS handshake failed",
  timeout: "timed out",
  protocol: "the answer is not in the expected protocol",
  permission: "permission denied",
}

/**
 * A {@link ProbeFailure} for an error raised while talking to `what` (a redacted target such as
 * `PostgreSQL at db:5432`).
 */
export const failureOf = (
  error: unknown,
  what: string,
  fallback: CauseReason = "internal",
): ProbeFailure => {
  if (error instanceof ProbeFailure) return error
  const reason = reasonOf(error, fallback)
  const detail = messageOf(error)
  const words = reasonWords[reason]
  const message =
    words === undefined || detail.toLowerCase().includes(words)
      ? `${what}: ${detail}`
      : `${what}: ${words} (${detail})`
  return new ProbeFailure({ reason, message, cause: error })
}
