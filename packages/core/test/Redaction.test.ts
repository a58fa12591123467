import { describe, expect, it } from "vitest"
import {
  deepMapStrings,
  makeScrubber,
  redactText,
  redactUrl,
  secretsOfUrl,
} from "../src/Redaction.js"

describe("redactUrl", () => {
  it("hides the password of a PostgreSQL URL and keeps the rest", () => {
    expect(redactUrl("postgres://user:s3cret@db.internal:5432/anomaly_db")).toBe(
      "postgres://user:***@db.internal:5432/anomaly_db",
    )
  })

  it("hides a percent-encoded password and secret query parameters", () => {
    expect(redactUrl("postgres://app:p%40ss%2Fw@db/x?sslmode=require&password=abc")).toBe(
      "postgres://app:***@db/x?sslmode=require&password=***",
    )
    expect(redactUrl("http://localhost:9090/api/v1/query?token=abc&query=up")).toBe(
      "http://localhost:9090/api/v1/query?token=***&query=up",
    )
  })

  it("leaves URLs without secrets as they are", () => {
    expect(redactUrl("http://localhost:8000/health")).toBe("http://localhost:8000/health")
    expect(redactUrl("postgres://postgres@127.0.0.1:5432/postgres")).toBe(
      "postgres://postgres@127.0.0.1:5432/postgres",
    )
  })

  it("falls back to text redaction for what is not a URL", () => {
    expect(redactUrl("db:5432 password=hunter2")).toBe("db:5432 password=***")
  })
})

describe("redactText", () => {
  it.each([
    [
      "connecting to postgres://app:pw@db:5432/x failed",
      "connecting to postgres://app:***@db:5432/x failed",
    ],
    ["ERROR login failed password=hunter2 user=app", "ERROR login failed password=*** user=app"],
    ['{"api_key": "abcd1234", "n": 1}', '{"api_key": "***", "n": 1}'],
    ["Authorization: Bearer eyJhbGciOi.J9eyJzdWIiOiIx.MjM0NTY3ODkw", "Authorization: Bearer ***"],
    ["ALTER ROLE app PASSWORD 'it''s secret'", "ALTER ROLE app PASSWORD '***'"],
    ["key AKIAIOSFODNN7EXAMPLE used", "key *** used"],
    ["DB_PASSWORD=topsecret", "DB_PASSWORD=***"],
  ])("%s", (input, expected) => {
    expect(redactText(input)).toBe(expected)
  })

  it("does not touch ordinary log lines", () => {
    const line = "ERROR database connection refused after 3 retries (tokens: 5)"
    expect(redactText(line)).toBe(line)
  })
})

describe("makeScrubber", () => {
  it("removes literal secrets, also percent-encoded, and short ones are ignored", () => {
    const scrub = makeScrubber(["p@ss/word", "abc"])
    expect(scrub("auth with p@ss/word and p%40ss%2Fword; abc stays")).toBe(
      "auth with *** and ***; abc stays",
    )
  })
})

describe("secretsOfUrl", () => {
  it("takes the password and token values", () => {
    expect(secretsOfUrl("postgres://u:pw%21x@h/db?password=second&sslmode=off")).toEqual([
      "pw!x",
      "second",
    ])
    expect(secretsOfUrl("not a url")).toEqual([])
  })
})

describe("deepMapStrings", () => {
  it("maps strings in nested arrays and objects and keeps other values", () => {
    const at = new Date(0)
    expect(
      deepMapStrings({ a: ["x", 1, { b: "y" }], at, n: null }, (text) => text.toUpperCase()),
    ).toEqual({
      a: ["X", 1, { b: "Y" }],
      at,
      n: null,
    })
  })
})

describe("secrets that looked like something else", () => {
  it("hides a password with an unencoded / that makes the URL unparseable or misparsed", () => {
    for (const url of [
      "postgres://u:Sup3r/S3cret@h/db",
      "postgres://u:123/S3cret@h:5432/db",
      "postgres://u:a@b:c/S3cret@h/db?sslmode=require",
      "postgres://u:#aS3cret@h/db",
      "postgres://u:a?b=S3cret@h/db",
    ]) {
      const shown = redactUrl(url)
      expect(shown, url).not.toContain("S3cret")
      expect(shown).toMatch(/^postgres:\/\/u:\*\*\*@h/)
      expect(redactText(`connect ${url} failed`)).not.toContain("S3cret")
      expect(secretsOfUrl(url).join(" ")).toContain("S3cret")
    }
    // without a user, an @ in the query is no user info
    expect(redactUrl("http://h/x?email=a@b")).toBe("http://h/x?email=a%40b")
  })

  it("hides PGPASSWORD=…, lowercase bearer tokens and routing keys in free text", () => {
    expect(redactText("env PGPASSWORD=hunter2hunter ran")).toBe("env PGPASSWORD=*** ran")
    expect(redactText("SMTP_PASSWORD=73914862")).toBe("SMTP_PASSWORD=***")
    expect(redactText("authorization: bearer abcdef0123456789")).not.toContain("abcdef0123456789")
    expect(redactText("routing_key=R0UT1NGKEY0123456789")).toBe("routing_key=***")
    expect(redactText('{"routingKey":"R0UT1NGKEY0123456789"}')).not.toContain("R0UT1NG")
  })
})

describe("what is not a secret", () => {
  it("leaves configuration errors and placeholders about secret settings readable", () => {
    for (const text of [
      "serve.token: expected a token of at least 16 characters",
      "healthToken: (none: /health gives its status only)",
      "password: *** (from $SMTP_PASSWORD)",
      "authorization:\n  type: Bearer\n  credentials_file: /etc/alertmanager/ir-token",
    ])
      expect(redactText(text)).toBe(text)
  })
})
