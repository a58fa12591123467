import { describe, expect, it } from "vitest"
import { MessageKind } from "../src/index.js"

describe("MessageKind", () => {
  it("round-trips template file names and rejects others", () => {
    for (const kind of MessageKind.kinds) {
      for (const part of MessageKind.parts) {
        expect(MessageKind.parseFileName(MessageKind.fileName(kind, part))).toEqual({ kind, part })
      }
    }
    expect(MessageKind.parseFileName("initial.pdf.hbs")).toBeUndefined()
    expect(MessageKind.parseFileName("welcome.text.hbs")).toBeUndefined()
    expect(MessageKind.parseFileName("initial.text.txt")).toBeUndefined()
  })
})
