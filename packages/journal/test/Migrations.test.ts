// The PostgreSQL journal's migrations: numbered in order, once each, and a server too old for them
// named with its version before any of them runs (the integration tests run them on a real server).
import { describe, expect, it } from "vitest"
import { migrations, oldestServer, serverTooOld } from "../src/internal/Migrations.js"

describe("migrations", () => {
  it("are numbered 1, 2, 3… in the order they run", () => {
    expect(migrations.map((migration) => migration.version)).toEqual(
      migrations.map((_, index) => index + 1),
    )
  })

  it("name a server older than PostgreSQL 13 and its version, and accept 13 and later", () => {
    expect(serverTooOld(120017)).toBe(
      "the server runs PostgreSQL 12; the journal needs 13 or later",
    )
    expect(serverTooOld(90624)).toBe("the server runs PostgreSQL 9; the journal needs 13 or later")
    expect(serverTooOld(oldestServer)).toBeUndefined()
    expect(serverTooOld(150010)).toBeUndefined()
  })
})
