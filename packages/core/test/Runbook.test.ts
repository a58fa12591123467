import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { defaultRunbookDocument } from "../src/defaults/runbook.js"
import { defaultRunbook, Runbook } from "../src/index.js"

describe("defaultRunbook", () => {
  it("is its own decoded form: decoding the seed document gives it back, value for value", () => {
    expect(Schema.decodeUnknownSync(Runbook)(defaultRunbookDocument)).toStrictEqual(defaultRunbook)
    expect(Schema.decodeUnknownSync(Runbook)(defaultRunbook)).toStrictEqual(defaultRunbook)
    expect(Schema.validateSync(Runbook)(defaultRunbook)).toStrictEqual(defaultRunbook)
  })

  it("encodes to the seed document with the sections decoding fills in", () => {
    expect(Schema.encodeSync(Runbook)(defaultRunbook)).toStrictEqual(defaultRunbook)
    expect(defaultRunbook).toStrictEqual({
      ...defaultRunbookDocument,
      audiences: defaultRunbook.audiences,
      onCallSchedule: { people: [], rotations: [], shifts: [], overrides: [] },
    })
    expect(defaultRunbook.audiences.external.severities).toEqual(["P0", "P1"])
  })
})
