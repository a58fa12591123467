import { mkdirSync, writeFileSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { DispatchBusy, fileDispatchLock } from "../src/internal/DispatchLock.js"
import { tempDir } from "./harness.js"

const scratch = tempDir("ir-cli-lock-")
afterAll(() => scratch.remove())

const holder = (dir: string, incident: string, pid: number) => {
  mkdirSync(join(dir, "dispatch"), { recursive: true })
  writeFileSync(
    join(dir, "dispatch", `${incident}.lock`),
    JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() }),
  )
}

describe("the file journal's dispatch lock", () => {
  it("runs one sender at a time per incident, and incidents side by side", async () => {
    const lock = fileDispatchLock(join(scratch.path, "a"), { waitMs: 5_000 })
    const log: Array<string> = []
    const work = (name: string) => async () => {
      log.push(`${name} in`)
      await new Promise((resolve) => setTimeout(resolve, 20))
      log.push(`${name} out`)
    }
    await Promise.all([
      lock.withLock("INC-1", work("first")),
      lock.withLock("INC-1", work("second")),
    ])
    expect(log).toEqual(["first in", "first out", "second in", "second out"])
    const other: Array<string> = []
    await Promise.all([
      lock.withLock("INC-1", async () => {
        other.push("INC-1")
        await new Promise((resolve) => setTimeout(resolve, 50))
      }),
      lock.withLock("INC-2", async () => {
        other.push("INC-2")
      }),
    ])
    expect(other.sort()).toEqual(["INC-1", "INC-2"])
  })

  it("takes over the lock of a process that died", async () => {
    const dir = join(scratch.path, "b")
    // A pid far above any running process's.
    holder(dir, "INC-1", 2 ** 22 + 12_345)
    const lock = fileDispatchLock(dir, { waitMs: 2_000 })
    expect(await lock.withLock("INC-1", async () => "sent")).toBe("sent")
  })

  it("gives up, saying so, while a live process holds it", async () => {
    const dir = join(scratch.path, "c")
    holder(dir, "INC-1", process.ppid)
    const lock = fileDispatchLock(dir, { waitMs: 200 })
    const started = Date.now()
    await expect(lock.withLock("INC-1", async () => "sent")).rejects.toBeInstanceOf(DispatchBusy)
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})
