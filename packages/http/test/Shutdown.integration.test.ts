// Graceful shutdown of a real process: the node:http example, sent SIGTERM.
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"
import { afterEach, describe, expect, it } from "vitest"
import { exampleServer } from "./examples.js"

const delayMs = 1500

let child: ChildProcess | undefined
afterEach(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null)
    child.kill("SIGKILL")
})

const startServer = async (): Promise<{ url: string; process: ChildProcess }> => {
  const server = spawn(process.execPath, [exampleServer("node")], {
    env: { ...process.env, PORT: "0", IR_SHUTDOWN_DELAY_MS: String(delayMs) },
    stdio: ["ignore", "pipe", "inherit"],
  })
  child = server
  const lines = createInterface({ input: server.stdout! })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("the example did not start within 30 s")),
      30_000,
    )
    lines.on("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    server.once("exit", (code) => reject(new Error(`the example exited with ${code}`)))
  })
  return { url, process: server }
}

const fresh = (url: string) =>
  fetch(url, { headers: { connection: "close" }, signal: AbortSignal.timeout(5000) })

describe("shutdown on SIGTERM", () => {
  it("fails readiness at once, keeps serving through the delay, drains, then exits", async () => {
    const { url, process: server } = await startServer()
    expect((await fresh(`${url}/health/ready`)).status).toBe(200)

    // In flight across the whole delay and into the drain: it must still complete.
    const inFlight = fetch(`${url}/api/work?ms=${delayMs + 700}`, {
      signal: AbortSignal.timeout(15_000),
    })
    // Let the request reach the server before the signal does.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const exited = once(server, "exit")
    const signalledAt = performance.now()
    server.kill("SIGTERM")

    let readiness = 200
    while (readiness !== 503 && performance.now() - signalledAt < delayMs) {
      readiness = (await fresh(`${url}/health/ready`)).status
    }
    expect(readiness).toBe(503)
    expect(performance.now() - signalledAt).toBeLessThan(delayMs)

    // New requests inside the delay window are still served, liveness included.
    const during = await fresh(`${url}/api/work?ms=10`)
    expect(during.status).toBe(200)
    expect((await fresh(`${url}/health/live`)).status).toBe(200)
    expect(performance.now() - signalledAt).toBeLessThan(delayMs)

    const finished = await inFlight
    expect(finished.status).toBe(200)
    expect(await finished.json()).toEqual({ done: true, ms: delayMs + 700 })

    const [code, signal] = await Promise.race([
      exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("the example did not exit within 15 s")), 15_000),
      ),
    ])
    // It re-raises SIGTERM once closed, so it ends as a SIGTERMed process does.
    expect({ code, signal }).toEqual({ code: null, signal: "SIGTERM" })
    expect(performance.now() - signalledAt).toBeGreaterThanOrEqual(delayMs)
    await expect(fresh(`${url}/health/live`)).rejects.toThrow()
  })
})
