import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Journal, layer, openJournal } from "../src/index.js"
import { downInput } from "./JournalContract.js"

const base = mkdtempSync(join(tmpdir(), "ir-journal-service-"))
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe("Journal service", () => {
  it("is provided by a layer that closes the journal when released", async () => {
    const dir = join(base, "layer")
    const humanId = await Effect.runPromise(
      Effect.gen(function* () {
        const journal = yield* Journal
        const { incident } = yield* journal.open(downInput())
        expect(readdirSync(dir).some((name) => name.startsWith(".owner."))).toBe(true)
        return incident.humanId
      }).pipe(Effect.provide(layer({ backend: "file", dir }))),
    )
    expect(humanId).toBe("INC-2026-0001")
    expect(readdirSync(dir).some((name) => name.startsWith(".owner."))).toBe(false) // closed
  })

  it("opens the backend the configuration names", async () => {
    const journal = await Effect.runPromise(
      openJournal({ backend: "file", dir: join(base, "cfg") }),
    )
    expect(journal.backend).toBe("file")
    expect(journal.location).toBe(join(base, "cfg"))
    await Effect.runPromise(journal.close)
    await Effect.runPromise(journal.close) // idempotent
    const closed = await Effect.runPromise(Effect.either(journal.list()))
    expect(Either.isLeft(closed) && closed.left.message).toMatch(/closed/)
  })
})
