import { describe, expect, it } from "vitest"
import { failureOf, reasonOf } from "../src/internal/ProbeFailure.js"

const error = (code: string, message = code, extra: object = {}) =>
  Object.assign(new Error(message), { code }, extra)

describe("reasonOf", () => {
  it.each([
    [error("ECONNREFUSED"), "connection-refused"],
    [error("ENOTFOUND", "getaddrinfo ENOTFOUND nope.invalid"), "dns"],
    [error("EAI_AGAIN"), "dns"],
    [error("ERR_SSL_WRONG_VERSION_NUMBER"), "tls"],
    [error("DEPTH_ZERO_SELF_SIGNED_CERT"), "tls"],
    [error("UND_ERR_CONNECT_TIMEOUT"), "timeout"],
    [error("HPE_INVALID_CONSTANT", "Expected HTTP/"), "protocol"],
    [error("UND_ERR_SOCKET", "other side closed"), "connection-reset"],
    [error("ECONNRESET"), "connection-reset"],
    [error("EACCES"), "permission"],
    [new TypeError("fetch failed", { cause: error("ECONNREFUSED") }), "connection-refused"],
    [new Error("timeout expired"), "timeout"],
    [new Error("Connection terminated unexpectedly"), "connection-reset"],
  ])("%s → %s", (input, reason) => {
    expect(reasonOf(input)).toBe(reason)
  })

  it("falls back when nothing is recognised", () => {
    expect(reasonOf(new Error("strange"), "query-failed")).toBe("query-failed")
  })
})

describe("failureOf", () => {
  it("says where, what and why, without the password", () => {
    const failure = failureOf(
      error("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432 (postgres://u:pw1234@h/db)"),
      "PostgreSQL at postgres://u:***@h/db",
    )
    expect(failure.reason).toBe("connection-refused")
    expect(failure.message).toContain("PostgreSQL at postgres://u:***@h/db")
    expect(failure.message).toContain("connection refused")
    expect(failure.message).not.toContain("pw1234")
  })
})
