import { createHmac } from "node:crypto"
import { defaultRunbook } from "@ir/core"
import { decodeDiagnosticsConfig } from "@ir/diagnostics"
import type { Journal } from "@ir/journal"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  type AlertOutcome,
  type AlertReceiverOptions,
  createAlertReceiver,
  type IncidentOpened,
} from "../src/AlertReceiver.js"
import * as AlertSignature from "../src/AlertSignature.js"
import { createHandler } from "../src/Handler.js"
import { HttpConfigError } from "../src/HttpConfigError.js"
import { alert, payload, post, tempJournal } from "./fixtures.js"

const token = "am-token-0123456789"
const auth = { authorization: `Bearer ${token}` }

let journal: Journal
let dispose: () => Promise<void>
beforeEach(async () => {
  ;({ journal, dispose } = await tempJournal())
})
afterEach(async () => {
  await dispose()
})

const receiverOf = (options: Partial<AlertReceiverOptions> = {}) =>
  createAlertReceiver({ journal, runbook: defaultRunbook, auth: { bearer: token }, ...options })

const outcomeOf = async (response: Response | Promise<Response>): Promise<AlertOutcome> =>
  (await (await response).json()) as AlertOutcome
const detailOf = async (response: Response): Promise<string> =>
  ((await response.json()) as { detail: string }).detail

const incidents = () => Effect.runPromise(journal.list())

describe("opening incidents", () => {
  it("opens an incident for a firing group with the playbook and severity of its alert", async () => {
    const response = await receiverOf().handle(post(payload(), auth))
    expect(response.status).toBe(201)
    const outcome = await outcomeOf(response)
    expect(outcome.incident).toMatchObject({
      created: true,
      severity: "P0",
      status: "open",
      playbooks: ["system-down"],
    })
    expect(outcome.alerts[0]).toMatchObject({
      playbook: "system-down",
      matchedBy: "playbook-label",
    })
    const [incident] = await incidents()
    expect(incident).toMatchObject({
      humanId: outcome.incident!.id,
      title: "System Completely Down",
      severity: "P0",
      playbooks: ["system-down"],
      dedupKey: payload().groupKey,
    })
    const record = await Effect.runPromise(journal.read(outcome.incident!.id))
    expect(record.events.map((event) => event.type)).toEqual(["opened"])
    expect(record.state.source).toEqual({ kind: "alert", key: payload().groupKey })
    expect(record.state.summary).toBe("System Completely Down: Grafana showing no metrics")
  })

  it("joins the open incident of the same group instead of opening another", async () => {
    const receiver = receiverOf()
    const first = await outcomeOf(receiver.handle(post(payload(), auth)))
    const again = await receiver.handle(post(payload(), auth))
    expect(again.status).toBe(200)
    const outcome = await outcomeOf(again)
    expect(outcome.incident).toMatchObject({ id: first.incident!.id, created: false })
    expect(outcome.recorded).toEqual([])
    expect(await incidents()).toHaveLength(1)
  })

  it("raises the severity when a more severe alert joins the group", async () => {
    const receiver = receiverOf()
    const groupKey = '{}:{service="api"}'
    const errors = alert({
      labels: {
        alertname: "HighApiErrorRate_ErrorRate",
        playbook: "high-api-error-rate",
        severity: "p1",
      },
      fingerprint: "aaaa",
    })
    const first = await outcomeOf(
      receiver.handle(post(payload({ groupKey, alerts: [errors] }), auth)),
    )
    expect(first.incident!.severity).toBe("P1")
    const joined = await receiver.handle(
      post(payload({ groupKey, alerts: [errors, alert({ fingerprint: "bbbb" })] }), auth),
    )
    const outcome = await outcomeOf(joined)
    expect(outcome.recorded).toEqual(["severity-changed"])
    expect(outcome.incident!.severity).toBe("P0")
    const record = await Effect.runPromise(journal.read(first.incident!.id))
    expect(record.state.severity).toBe("P0")
    expect(record.state.severityChanges[0]?.reason).toContain("SystemDown_NoMetrics")
  })

  it("takes an ir severity label over the playbook's, and P2 when neither says", async () => {
    const receiver = receiverOf()
    const low = await receiver.handle(
      post(
        payload({
          groupKey: "g-low",
          alerts: [alert({ labels: { playbook: "system-down", severity: "P3" } })],
        }),
        auth,
      ),
    )
    expect((await outcomeOf(low)).incident?.severity).toBe("P3")
    const unknown = await receiver.handle(
      post(
        payload({
          groupKey: "g-unknown",
          alerts: [alert({ labels: { alertname: "Watchdog" }, annotations: {} })],
        }),
        auth,
      ),
    )
    const outcome = await outcomeOf(unknown)
    expect(outcome.incident).toMatchObject({ severity: "P2", playbooks: [] })
    expect(outcome.alerts[0].reason).toMatch(/^no playbook/)
    const record = await Effect.runPromise(journal.read(outcome.incident!.id))
    expect(record.state.title).toBe("Watchdog")
    expect(record.state.summary).toBe("Firing: Watchdog")
  })

  it("marks the incident mitigated when every alert of the group resolved, once", async () => {
    const receiver = receiverOf()
    const opened = await outcomeOf(receiver.handle(post(payload(), auth)))
    const resolved = payload({
      alerts: [alert({ status: "resolved", endsAt: "2026-11-28T10:20:00Z" })],
    })
    const response = await receiver.handle(post(resolved, auth))
    expect(response.status).toBe(200)
    const outcome = await outcomeOf(response)
    expect(outcome).toMatchObject({ status: "resolved", recorded: ["mitigated"] })
    expect(outcome.incident).toMatchObject({ id: opened.incident!.id, status: "mitigated" })
    const again = await outcomeOf(receiver.handle(post(resolved, auth)))
    expect(again.recorded).toEqual([])
    const record = await Effect.runPromise(journal.read(opened.incident!.id))
    expect(record.events.map((event) => event.type)).toEqual(["opened", "mitigated"])
  })

  it("does not mark the incident mitigated when the resolved alerts shown leave firing ones out", async () => {
    const receiver = receiverOf()
    const opened = await outcomeOf(receiver.handle(post(payload(), auth)))
    // max_alerts kept the first alerts (in label order), all resolved; 40 more were left out.
    const truncated = payload({
      alerts: [alert({ status: "resolved" })],
      status: "resolved",
      truncatedAlerts: 40,
    })
    const response = await receiver.handle(post(truncated, auth))
    expect(response.status).toBe(200)
    const outcome = await outcomeOf(response)
    expect(outcome.recorded).toEqual([])
    expect(outcome.note).toMatch(/leaves 40 out/)
    const record = await Effect.runPromise(journal.read(opened.incident!.id))
    expect(record.state.status).toBe("open")
  })

  it("journals alert text without escape sequences, control characters or bidirectional overrides", async () => {
    const ESC = "\u001b"
    const hostile = alert({
      labels: {
        alertname: `Disk${ESC}]0;owned${ESC}\\Full`,
        playbook: "system-down",
        severity: "p1",
      },
      annotations: {
        summary: `${ESC}[2J${ESC}[HAll clear\u202e ,won\u202c\rreal\u0007`,
        description: `line one\n${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\\u2066 \u009b31m`,
      },
    })
    const response = await receiverOf().handle(
      post(payload({ alerts: [hostile], groupKey: `{}:{alertname="x${ESC}[31m\u202e"}` }), auth),
    )
    expect(response.status).toBe(201)
    const { incident } = await outcomeOf(response)
    const record = await Effect.runPromise(journal.read(incident!.id))
    expect(record.state.summary).toBe("All clear ,won\nreal")
    expect(record.state.impact).toBe("line one\nclick ")
    expect(record.state.source).toEqual({ kind: "alert", key: `{}:{alertname="x"}` })
    const stored = JSON.stringify(record.events)
    expect(stored).not.toMatch(/\\u001b|\\u0007|\u202e|\u2066|\\u009b|\u009b/)
  })

  it("records nothing for a resolved group it never saw", async () => {
    const resolved = payload({ alerts: [alert({ status: "resolved" })] })
    const outcome = await outcomeOf(receiverOf().handle(post(resolved, auth)))
    expect(outcome.incident).toBeUndefined()
    expect(await incidents()).toEqual([])
  })
})

describe("refusing bad input", () => {
  it("wants a valid bearer token", async () => {
    const receiver = receiverOf()
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: token }]) {
      const response = await receiver.handle(post(payload(), headers))
      expect(response.status).toBe(401)
      expect(response.headers.get("content-type")).toBe("application/problem+json")
    }
    expect(await incidents()).toEqual([])
  })

  it("accepts an HMAC-SHA256 signature of a recent timestamp and the body instead", async () => {
    const secret = "hmac-secret-value"
    const receiver = receiverOf({ auth: { hmacSecret: secret } })
    const body = JSON.stringify(payload())
    const headers = AlertSignature.sign(secret, body, new Date())
    expect(headers["x-ir-signature"]).toBe(
      `sha256=${createHmac("sha256", secret).update(`${headers["x-ir-timestamp"]}.${body}`).digest("hex")}`,
    )
    expect((await receiver.handle(post(body, headers))).status).toBe(201)
    for (const [forged, why] of [
      [post(`${body} `, headers), /does not match/],
      [post(body, { ...headers, "x-ir-signature": "sha256=00" }), /does not match/],
      // The timestamp is signed: moving it forward breaks the signature.
      [
        post(body, { ...headers, "x-ir-timestamp": String(Number(headers["x-ir-timestamp"]) + 1) }),
        /does not match/,
      ],
      [post(body, { "x-ir-signature": headers["x-ir-signature"] }), /X-Ir-Timestamp/],
      [post(body, {}), /X-Ir-Signature is missing/],
    ] as const) {
      const response = await receiver.handle(forged)
      expect(response.status).toBe(401)
      const detail = await detailOf(response)
      expect(detail).toMatch(why)
      expect(detail).not.toContain(secret)
    }
  })

  it("refuses a signed notification replayed after the tolerance, or a signature of the body alone", async () => {
    const secret = "hmac-secret-value"
    let clock = new Date("2026-11-28T10:00:00.000Z")
    const receiver = receiverOf({ auth: { hmacSecret: secret }, now: () => clock })
    const resolved = JSON.stringify(payload({ alerts: [alert({ status: "resolved" })] }))
    const captured = AlertSignature.sign(secret, resolved, clock)
    // The signature of the body alone (what relays sent before): valid forever, so refused.
    const bodyOnly = `sha256=${createHmac("sha256", secret).update(resolved).digest("hex")}`
    expect((await receiver.handle(post(resolved, { "x-ir-signature": bodyOnly }))).status).toBe(401)

    expect((await receiver.handle(post(resolved, captured))).status).toBe(200)
    // Within the window a replay lands on the journal's deduplication; six minutes later it is
    // refused, whichever way the clocks differ.
    clock = new Date("2026-11-28T10:04:59.000Z")
    expect((await receiver.handle(post(resolved, captured))).status).toBe(200)
    clock = new Date("2026-11-28T10:06:00.000Z")
    const replayed = await receiver.handle(post(resolved, captured))
    expect(replayed.status).toBe(401)
    expect(await detailOf(replayed)).toMatch(
      /360 s away from the receiver's clock \(at most 300 s\)/,
    )
    const early = AlertSignature.sign(secret, resolved, new Date("2026-11-28T10:12:00.000Z"))
    expect((await receiver.handle(post(resolved, early))).status).toBe(401)

    const patient = receiverOf({
      auth: { hmacSecret: secret, signatureToleranceMs: 10 * 60_000 },
      now: () => clock,
    })
    expect((await patient.handle(post(resolved, captured))).status).toBe(200)
    expect(() => receiverOf({ auth: { hmacSecret: secret, signatureToleranceMs: 0 } })).toThrow(
      /auth\.signatureToleranceMs/,
    )
  })

  it("refuses requests from web pages and bodies that are not application/json, even without auth", async () => {
    const open = createAlertReceiver({
      journal,
      runbook: defaultRunbook,
      allowUnauthenticated: true,
    })
    const body = JSON.stringify(payload())
    // What a page on any site can send without asking (a form, or fetch in no-cors mode).
    const fromPage = new Request("http://127.0.0.1:9111/alerts/alertmanager", {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://evil.example" },
      body,
    })
    const refused = await open.handle(fromPage)
    expect(refused.status).toBe(403)
    expect(await detailOf(refused)).toMatch(/Origin/)
    expect((await open.handle(post(body, { origin: "null" }))).status).toBe(403)
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data",
    ]) {
      const response = await open.handle(post(body, { "content-type": contentType }))
      expect(response.status).toBe(415)
      expect(await detailOf(response)).toMatch(/application\/json/)
    }
    const none = new Request("http://localhost/alerts/alertmanager", { method: "POST", body })
    none.headers.delete("content-type")
    expect((await open.handle(none)).status).toBe(415)
    expect(await incidents()).toEqual([])
    // What Alertmanager sends.
    const accepted = await open.handle(
      post(body, { "content-type": "application/json", "user-agent": "Alertmanager/0.25.0" }),
    )
    expect(accepted.status).toBe(201)
    expect(
      (await open.handle(post(body, { "content-type": "Application/JSON; charset=utf-8" }))).status,
    ).toBe(200)
  })

  it("answers 413 for a body over the limit, declared or streamed", async () => {
    const receiver = receiverOf()
    const big = JSON.stringify(payload({ commonAnnotations: { blob: "x".repeat(1024 * 1024) } }))
    expect((await receiver.handle(post(big, auth))).status).toBe(413)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(32))
        controller.close()
      },
    })
    const streamed = new Request("http://localhost/alerts/alertmanager", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit)
    expect((await receiver.handle(streamed)).status).toBe(413)
  })

  it("answers 400 to JSON nested thousands of levels deep, without overflowing the stack", async () => {
    const receiver = receiverOf()
    const nested = `${"[".repeat(50_000)}${"]".repeat(50_000)}`
    for (const body of [nested, `{"version":"4","alerts":${nested}}`]) {
      const response = await receiver.handle(post(body, auth))
      expect(response.status).toBe(400)
      expect(await detailOf(response)).toMatch(/nests arrays and objects more than 32 levels deep/)
    }
    // Through the handler too (which would answer 500 to an exception).
    const handler = createHandler({ alerts: receiver })
    expect((await handler(post(nested, auth))).status).toBe(400)
    expect(await incidents()).toEqual([])
  })

  it("answers 400 with the reason for malformed bodies", async () => {
    const receiver = receiverOf()
    const notJson = await receiver.handle(post("{not json", auth))
    expect(notJson.status).toBe(400)
    expect(await detailOf(notJson)).toMatch(/not UTF-8 JSON/)
    const wrongVersion = await receiver.handle(post({ ...payload(), version: "3" }, auth))
    expect(wrongVersion.status).toBe(400)
    expect(await detailOf(wrongVersion)).toMatch(/version/)
    const noAlerts = await receiver.handle(post({ ...payload(), alerts: [] }, auth))
    expect(await detailOf(noAlerts)).toMatch(/alerts/)
    const badTime = await receiver.handle(
      post(payload({ alerts: [alert({ startsAt: "yesterday" })] }), auth),
    )
    expect(await detailOf(badTime)).toMatch(/alerts\.0\.startsAt: expected an RFC 3339 timestamp/)
    expect(await incidents()).toEqual([])
  })

  it("refuses to start without authentication, or with an empty secret", () => {
    expect(() => createAlertReceiver({ journal })).toThrow(HttpConfigError)
    expect(() => createAlertReceiver({ journal, auth: { bearer: "" } })).toThrow(/auth\.bearer/)
    expect(() => createAlertReceiver({ journal, allowUnauthenticated: true })).not.toThrow()
  })
})

describe("enrichment and notification", () => {
  it("runs the playbook's investigation probes it can and lists the others", async () => {
    let seen: IncidentOpened | undefined
    const receiver = receiverOf({
      diagnostics: decodeDiagnosticsConfig({ host: {} }),
      enrichmentDeadlineMs: 4000,
      onIncidentOpened: (opened) => {
        seen = opened
      },
    })
    const response = await receiver.handle(post(payload(), auth))
    const outcome = await outcomeOf(response)
    expect(outcome.enrichment!.results.map((r: { id: string }) => r.id)).toEqual(["host.disk"])
    expect(outcome.enrichment!.skipped.map((s: { id: string }) => s.id)).toEqual([
      "docker.containers",
      "docker.logs",
      "docker.stats",
    ])
    expect(seen?.enrichment?.results.map((r) => r.id)).toEqual(["host.disk"])
    // The probes' results are in the answer, not invented journal events.
    const record = await Effect.runPromise(journal.read(outcome.incident!.id))
    expect(record.events.map((event) => event.type)).toEqual(["opened"])
  })

  it("hands the due page and initial message to the callback and records what it sent", async () => {
    let opened: IncidentOpened | undefined
    const receiver = receiverOf({
      onIncidentOpened: async (context) => {
        opened = context
        return { sent: context.due }
      },
    })
    const outcome = await outcomeOf(receiver.handle(post(payload(), auth)))
    const kinds = opened?.due.map((action) => action.kind)
    expect(kinds).toContain("page")
    expect(kinds).toContain("notify-initial")
    expect(opened?.incident.id).toBe(outcome.incident!.id)
    expect(opened?.playbooks.map((playbook) => playbook.id)).toEqual(["system-down"])
    expect(outcome.notification!.status).toBe("sent")
    expect(outcome.notification!.sent).toEqual(opened?.due.map((action) => action.key))
    const record = await Effect.runPromise(journal.read(outcome.incident!.id))
    expect(record.state.notifications.map((sent) => sent.key)).toEqual(outcome.notification!.sent)
  })

  it("answers without waiting for a slow callback, and still records its report", async () => {
    const receiver = receiverOf({
      notifyTimeoutMs: 50,
      onIncidentOpened: async (context) => {
        await new Promise((resolve) => setTimeout(resolve, 300))
        return { sent: context.due.filter((action) => action.kind === "notify-initial") }
      },
    })
    const started = performance.now()
    const outcome = await outcomeOf(receiver.handle(post(payload(), auth)))
    expect(performance.now() - started).toBeLessThan(300)
    expect(outcome.notification).toEqual({ status: "pending", sent: [] })
    const deadline = Date.now() + 5000
    let keys: ReadonlyArray<string> = []
    while (Date.now() < deadline && keys.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 25))
      const record = await Effect.runPromise(journal.read(outcome.incident!.id))
      keys = record.state.notifications.map((sent) => sent.key)
    }
    expect(keys).toEqual([`${outcome.incident!.id}:notify-initial`])
  })

  it("reports a failing callback without failing the webhook", async () => {
    const receiver = receiverOf({
      onIncidentOpened: async () => {
        throw new Error("Slack answered 500")
      },
    })
    const response = await receiver.handle(post(payload(), auth))
    expect(response.status).toBe(201)
    expect((await outcomeOf(response)).notification).toEqual({
      status: "failed",
      sent: [],
      error: "Slack answered 500",
    })
  })
})

describe("through the handler", () => {
  it("routes POST /alerts/alertmanager and counts requests and incidents in /metrics", async () => {
    const handler = createHandler({ alerts: receiverOf() })
    expect(handler.routes).toContain("/alerts/alertmanager")
    expect((await handler(post(payload(), auth))).status).toBe(201)
    expect((await handler(post("[]", auth))).status).toBe(400)
    const wrongMethod = await handler(new Request("http://localhost/alerts/alertmanager"))
    expect(wrongMethod.status).toBe(405)
    const text = await (await handler(new Request("http://localhost/metrics"))).text()
    expect(text).toContain('ir_alertmanager_requests_total{code="201"} 1')
    expect(text).toContain('ir_alertmanager_requests_total{code="400"} 1')
    expect(text).toContain('ir_incidents{severity="P0",status="open"} 1')
    expect(text).toContain("ir_journal_up 1")
  })
})
