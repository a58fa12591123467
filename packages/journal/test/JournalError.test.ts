import { Redaction } from "@ir/core"
import { describe, expect, it } from "vitest"
import {
  JournalConflict,
  JournalInvalidEvent,
  JournalNotFound,
  JournalUnavailable,
} from "../src/index.js"

describe("journal errors", () => {
  it("say what happened, where, and what to do, in one line", () => {
    const conflict = new JournalConflict({
      reason: "sequence-conflict",
      incidentId: "INC-2026-0001",
      expectedSequence: 3,
      actualSequence: 4,
    })
    expect(conflict.message).toBe(
      "INC-2026-0001 changed since it was read (expected event 3, the journal has 4): read it again and retry",
    )
    const unwritable = new JournalUnavailable({
      reason: "unwritable",
      location: "/srv/ir/journal",
      cause: Object.assign(new Error("EROFS: read-only file system, mkdir '/srv/ir'"), {
        code: "EROFS",
      }),
    })
    expect(unwritable.message).toBe(
      "cannot write the incident journal at /srv/ir/journal: EROFS: read-only file system, mkdir '/srv/ir'. Check that the directory exists and is writable, or choose another one.",
    )
    const refused = new JournalUnavailable({
      reason: "unreachable",
      location: "postgres://ir@db:5432/ir",
      cause: new AggregateError([
        Object.assign(new Error(""), { code: "ECONNREFUSED" }),
        new Error("connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap"),
      ]),
    })
    expect(refused.message).toBe(
      "cannot reach the journal database at postgres://ir@db:5432/ir: ECONNREFUSED; connect ECONNREFUSED 127.0.0.1:5432",
    )
    expect(
      new JournalNotFound({ reason: "no-such-incident", incidentId: "INC-1", location: "/j" })
        .message,
    ).toBe("no incident INC-1 in the journal at /j")
    expect(
      new JournalInvalidEvent({ reason: "schema", index: 1, cause: new Error("severity: bad") })
        .message,
    ).toBe("event 2 is not a valid incident event: severity: bad")
  })

  it("never show a database password", () => {
    expect(Redaction.redactUrl("postgres://ir:s3cret@db.internal:5432/ir")).toBe(
      "postgres://ir:***@db.internal:5432/ir",
    )
    expect(Redaction.redactUrl("postgresql://db/ir?user=ir&password=s3cret&sslmode=require")).toBe(
      "postgresql://db/ir?user=ir&password=***&sslmode=require",
    )
    // a password with an unencoded / does not parse as written
    expect(Redaction.redactUrl("postgres://ir:s3/cret@db/ir")).toBe("postgres://ir:***@db/ir")
  })
})
