// The framework examples over real HTTP: node:http, Express, Fastify and Hono serve the same
// handler the same way, and leave the app's own routes alone.
import { request as httpRequest } from "node:http"
import { connect } from "node:net"
import { openJournal } from "@ir/journal"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { AlertOutcome } from "../src/AlertReceiver.js"
import { type RunningExample, startExample } from "./examples.js"
import { payload } from "./fixtures.js"

const alertsToken = "adapter-alerts-token"
const healthToken = "adapter-health-token"
const boardToken = "adapter-board-token-0123456789"

const frameworks = [
  { name: "node", appRoute: "/api/work?ms=1", appBody: { done: true, ms: 1 } },
  { name: "express", appRoute: "/api/hello", appBody: { hello: "world" } },
  { name: "fastify", appRoute: "/api/hello", appBody: { hello: "world" } },
  { name: "hono", appRoute: "/api/hello", appBody: { hello: "world" } },
] as const

/** A raw request, to send what fetch would not (no body on HEAD, a declared length). */
const raw = (
  url: string,
  options: { method: string; headers?: Record<string, string> },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url, { ...options, timeout: 5000 }, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk) => {
        body += chunk
      })
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on("timeout", () => req.destroy(new Error("timeout")))
    req.on("error", reject)
    req.end()
  })

describe.each(frameworks)("$name", ({ name, appRoute, appBody }) => {
  let running: RunningExample & { journalDir: string }
  beforeAll(async () => {
    running = await startExample(name, {
      IR_ALERTS_TOKEN: alertsToken,
      IR_HEALTH_TOKEN: healthToken,
      IR_BOARD_TOKEN: boardToken,
    })
  })
  afterAll(async () => {
    await running?.close()
  })

  it("serves /health as application/health+json, details only with the token", async () => {
    const response = await fetch(`${running.url}/health?probe=1`)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/health+json")
    expect(response.headers.get("cache-control")).toBe("max-age=1")
    expect(await response.json()).toEqual({ status: "pass", serviceId: `example-${name}` })
    const detailed = await fetch(`${running.url}/health`, {
      headers: { authorization: `Bearer ${healthToken}` },
    })
    expect(detailed.headers.get("cache-control")).toBe("no-store")
    // With the Alertmanager receiver embedded, /health reports the journal's integrity.
    expect(await detailed.json()).toMatchObject({
      status: "pass",
      serviceId: `example-${name}`,
      checks: { "journal:integrity": [{ status: "pass", observedValue: 0 }] },
    })
  })

  it("serves liveness, readiness (HEAD too) and metrics", async () => {
    for (const path of ["/health/live", "/health/ready"]) {
      const response = await fetch(`${running.url}${path}`)
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ status: "pass" })
    }
    const head = await raw(`${running.url}/health/live`, { method: "HEAD" })
    expect(head.status).toBe(200)
    expect(head.body).toBe("")
    const metrics = await fetch(`${running.url}/metrics`)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain("# TYPE ir_alertmanager_requests_total counter")
  })

  it("serves the status page, and the board (token only) with its live event stream", async () => {
    const page = await fetch(`${running.url}/status`)
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
    expect(await page.text()).toContain("All Systems Operational")
    const json = await fetch(`${running.url}/status.json`)
    expect(((await json.json()) as { status: unknown }).status).toEqual({
      indicator: "none",
      description: "All Systems Operational",
    })

    const closed = await fetch(`${running.url}/board`)
    expect(closed.status).toBe(401)
    expect(await closed.text()).not.toContain(boardToken)
    const auth = { authorization: `Bearer ${boardToken}` }
    const board = await fetch(`${running.url}/board`, { headers: auth })
    expect(board.status).toBe(200)
    expect(await board.text()).toContain("<h1>Responder board</h1>")
    // A per-incident action path reaches the board too (404: no such incident).
    const action = await fetch(`${running.url}/board/incidents/INC-2026-9999/ack`, {
      method: "POST",
      headers: {
        ...auth,
        origin: running.url,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "by=x",
    })
    expect(action.status).toBe(404)

    // The live stream arrives as it is written, not when it ends.
    const abort = new AbortController()
    const stream = await fetch(`${running.url}/board/events`, {
      headers: auth,
      signal: abort.signal,
    })
    expect(stream.status).toBe(200)
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/)
    const reader = stream.body?.getReader()
    const first = await reader?.read()
    expect(new TextDecoder().decode(first?.value)).toContain("retry: 2000")
    abort.abort()
  })

  it("leaves the app's own routes to the app", async () => {
    const response = await fetch(`${running.url}${appRoute}`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual(appBody)
  })

  it("receives Alertmanager notifications and records the incident", async () => {
    const body = JSON.stringify(payload({ groupKey: `{}:{adapter="${name}"}` }))
    const headers = { authorization: `Bearer ${alertsToken}`, "content-type": "application/json" }
    const created = await fetch(`${running.url}/alerts/alertmanager`, {
      method: "POST",
      headers,
      body,
    })
    expect(created.status).toBe(201)
    const outcome = (await created.json()) as AlertOutcome
    expect(outcome.incident).toMatchObject({ severity: "P0", playbooks: ["system-down"] })
    const again = await fetch(`${running.url}/alerts/alertmanager`, {
      method: "POST",
      headers,
      body,
    })
    expect(again.status).toBe(200)
    // A second reader of the same journal directory sees the incident.
    const reader = await Effect.runPromise(
      openJournal({ backend: "file", dir: running.journalDir }),
    )
    try {
      const incidents = await Effect.runPromise(reader.list())
      expect(incidents.map((incident) => incident.humanId)).toEqual([outcome.incident?.id])
    } finally {
      await Effect.runPromise(reader.close)
    }
  })

  it("takes a notification sent in chunks or larger than what is read whole, and outlives a sender that leaves mid-body", async () => {
    const url = new URL(`${running.url}/alerts/alertmanager`)
    const headers = { authorization: `Bearer ${alertsToken}`, "content-type": "application/json" }
    // no declared length: the body is streamed
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: "POST", headers, timeout: 5000 }, (res) => {
        res.resume()
        res.on("end", () => resolve(res.statusCode ?? 0))
      })
      req.on("timeout", () => req.destroy(new Error("timeout")))
      req.on("error", reject)
      const text = JSON.stringify(payload({ groupKey: `{}:{adapter="${name}-chunked"}` }))
      req.write(text.slice(0, 40))
      req.end(text.slice(40))
    })
    expect(chunked).toBe(201)
    // a declared length past what the listener reads whole (but within the receiver's limit)
    const large = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(
        payload({
          groupKey: `{}:{adapter="${name}-large"}`,
          commonAnnotations: { description: "x".repeat(100_000) },
        }),
      ),
    })
    expect(large.status).toBe(201)
    // a sender that declares a body and leaves halfway
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: ${headers.authorization}\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{"version":`,
          () => {
            socket.destroy()
            resolve()
          },
        )
      })
      socket.on("error", reject)
    })
    const after = await fetch(`${running.url}/health/live`)
    expect(after.status).toBe(200)
  })

  it("answers bad webhook requests with 4xx problem details", async () => {
    const url = `${running.url}/alerts/alertmanager`
    const auth = { authorization: `Bearer ${alertsToken}`, "content-type": "application/json" }
    const unauthenticated = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload()),
    })
    expect(unauthenticated.status).toBe(401)
    const malformed = await fetch(url, { method: "POST", headers: auth, body: "{" })
    expect(malformed.status).toBe(400)
    expect(malformed.headers.get("content-type")).toBe("application/problem+json")
    const tooLarge = await fetch(url, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ blob: "x".repeat(2 * 1024 * 1024) }),
    })
    expect(tooLarge.status).toBe(413)
    // the same without a declared length: refused once 1 MiB has come, the server goes on
    const streamedTooLarge = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: "POST", headers: auth, timeout: 5000 }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on("timeout", () => req.destroy(new Error("timeout")))
      req.on("error", (error) =>
        (error as { code?: string }).code === "EPIPE" ? undefined : reject(error),
      )
      const chunk = "x".repeat(64 * 1024)
      const send = (left: number) => {
        if (left === 0) req.end()
        else if (req.write(chunk)) send(left - 1)
        else req.once("drain", () => send(left - 1))
      }
      req.write('{"blob":"')
      send(40)
    })
    expect(streamedTooLarge).toBe(413)
    expect((await fetch(`${running.url}/health/live`)).status).toBe(200)
    // refused before its body is read: the connection closes, and the next request still works
    const fromPage = await fetch(url, {
      method: "POST",
      headers: { ...auth, origin: "https://evil.example" },
      body: JSON.stringify(payload()),
    })
    expect(fromPage.status).toBe(403)
    const plainText = await fetch(url, {
      method: "POST",
      headers: { authorization: auth.authorization, "content-type": "text/plain" },
      body: JSON.stringify(payload()),
    })
    expect(plainText.status).toBe(415)
    const wrongMethod = await fetch(`${running.url}/health`, { method: "POST", body: "{}" })
    expect(wrongMethod.status).toBe(405)
  })
})
