import { connect } from "node:net"
import { describe, expect, it } from "vitest"
import { serve } from "../src/GracefulShutdown.js"
import { createHandler } from "../src/Handler.js"
import { runOf } from "./fixtures.js"

describe("gracefulShutdown", () => {
  it("answers a request that arrives on an open connection while draining, then closes it", async () => {
    const handler = createHandler({
      health: {
        run: async () => {
          await new Promise((resolve) => setTimeout(resolve, 300))
          return runOf()
        },
      },
      cacheMs: 0,
    })
    const running = await serve(handler, { signals: false, shutdownDelayMs: 100 })
    const { port } = running.server.address() as { port: number }
    const socket = connect(port, "127.0.0.1")
    await new Promise((resolve) => socket.once("connect", resolve))
    let received = ""
    socket.setEncoding("utf8")
    const closed = new Promise((resolve) => socket.once("close", resolve))
    const request = (path: string) =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
    // The first request is still running when draining begins (at 100 ms); the second is sent on
    // the same connection as soon as the first is answered, and is answered synchronously.
    socket.on("data", (chunk) => {
      const first = received === ""
      received += chunk
      if (first) request("/health/live")
    })
    request("/health")
    const shutdown = running.shutdown()
    await closed
    await shutdown
    const responses = received.split(/(?=HTTP\/1\.1 )/)
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200/)
    // Node keeps the connection open after the first answer; the second says it closes it.
    expect(responses).toHaveLength(2)
    expect(responses[1]).toMatch(/^HTTP\/1\.1 200/)
    expect(responses[1]).toMatch(/\r\nconnection: close\r\n/i)
    expect(running.server.listening).toBe(false)
  })

  it("fails readiness at once and keeps serving until the delay is over", async () => {
    const handler = createHandler()
    const running = await serve(handler, { signals: false, shutdownDelayMs: 2000 })
    const shutdown = running.shutdown()
    const ready = await fetch(`${running.url}/health/ready`, { headers: { connection: "close" } })
    expect(ready.status).toBe(503)
    const live = await fetch(`${running.url}/health/live`, { headers: { connection: "close" } })
    expect(live.status).toBe(200)
    await shutdown
    await expect(fetch(`${running.url}/health/live`)).rejects.toThrow()
  })
})
