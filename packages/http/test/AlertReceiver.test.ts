import { createHmac } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { defaultRunbook, TerminalText } from "@ir/core"
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
import { signAlertNotification } from "../src/AlertSignature.js"
import { createHandler } from "../src/Handler.js"
import { HttpConfigError } from "../src/HttpConfigError.js"
import { alert, payload, post, tempJournal, tempJournalAt } from "./fixtures.js"

const token = "am-token-0123456789"
const auth = { authorization: `Bearer ${token}` }

let journal: Journal
let dir: string
let dispose: () => Promise<void>
beforeEach(async () => {
  ;({ journal, dir, dispose } = await tempJournal())
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
    // the downtime starts when the alert started firing
    expect(record.state.startedAt).toEqual(new Date("2026-11-28T10:00:00.000Z"))
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
    // Once Alertmanager shows the whole group resolved, it is mitigated.
    const whole = await outcomeOf(receiver.handle(post({ ...truncated, truncatedAlerts: 0 }, auth)))
    expect(whole.recorded).toEqual(["mitigated"])
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

  it("accepts an HMAC-SHA256 signature of a timestamp and the body instead", async () => {
    const secret = "hmac-secret-value"
    const at = new Date("2026-12-05T10:00:00Z")
    const receiver = receiverOf({ auth: { hmacSecret: secret }, now: () => at })
    const body = JSON.stringify(payload())
    const signed = signAlertNotification(secret, body, at)
    expect((await receiver.handle(post(body, signed))).status).toBe(201)
    expect(signed["x-ir-signature"]).toBe(
      `sha256=${createHmac("sha256", secret).update(`${signed["x-ir-timestamp"]}.${body}`).digest("hex")}`,
    )
    // the body, the timestamp or the signature changed: refused
    expect((await receiver.handle(post(`${body} `, signed))).status).toBe(401)
    const moved = { ...signed, "x-ir-timestamp": String(Number(signed["x-ir-timestamp"]) + 1) }
    expect((await receiver.handle(post(body, moved))).status).toBe(401)
    // a signature of the body alone (no timestamp) is refused
    const bodyOnly = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`
    expect((await receiver.handle(post(body, { "x-ir-signature": bodyOnly }))).status).toBe(401)
  })

  it("refuses a signed notification replayed outside the window", async () => {
    const secret = "hmac-secret-value"
    let clock = new Date("2026-12-05T10:00:00Z")
    const receiver = receiverOf({ auth: { hmacSecret: secret }, now: () => clock })
    const resolved = JSON.stringify(
      payload({ status: "resolved", alerts: [alert({ status: "resolved" })] }),
    )
    const captured = signAlertNotification(secret, resolved, clock)
    clock = new Date(clock.getTime() + 301_000)
    const replayed = await receiver.handle(post(resolved, captured))
    expect(replayed.status).toBe(401)
    expect(await detailOf(replayed)).toMatch(/X-Ir-Timestamp is more than 300 s/)
    // within a narrower configured window, a 10 s old one is refused too
    const strict = receiverOf({
      auth: { hmacSecret: secret, signatureToleranceSeconds: 5 },
      now: () => clock,
    })
    const old = signAlertNotification(secret, resolved, new Date(clock.getTime() - 10_000))
    expect((await strict.handle(post(resolved, old))).status).toBe(401)
  })

  it("refuses what a web page could send: an Origin header, or a body that is not JSON", async () => {
    const receiver = createAlertReceiver({
      journal,
      runbook: defaultRunbook,
      allowUnauthenticated: true,
    })
    const body = JSON.stringify(payload())
    const fromPage = await receiver.handle(
      post(body, { origin: "https://evil.example", "content-type": "application/json" }),
    )
    expect(fromPage.status).toBe(403)
    const plain = await receiver.handle(
      new Request("http://localhost/alerts/alertmanager", {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body,
      }),
    )
    expect(plain.status).toBe(415)
    const form = await receiver.handle(
      new Request("http://localhost/alerts/alertmanager", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      }),
    )
    expect(form.status).toBe(415)
    expect(await incidents()).toEqual([])
    // what Alertmanager sends is still taken
    const alertmanager = await receiver.handle(
      post(body, { "content-type": "application/json; charset=utf-8" }),
    )
    expect(alertmanager.status).toBe(201)
  })

  it("answers 400, not 500, to JSON nested 50,000 levels deep", async () => {
    const receiver = receiverOf()
    const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`
    const asAlerts = `{"version":"4","alerts":${deep}}`
    for (const body of [deep, asAlerts]) {
      const response = await receiver.handle(post(body, auth))
      expect(response.status).toBe(400)
      expect(await detailOf(response)).toMatch(/nested deeper than 16 levels/)
    }
    expect(await incidents()).toEqual([])
  })

  it("strips terminal escapes, control and bidirectional characters from what it journals", async () => {
    const hostile = "\u001b]0;pwned\u0007API \u001b[31mdown\u001b[0m\u202e\r"
    const response = await receiverOf().handle(
      post(
        payload({
          alerts: [
            alert({
              labels: { alertname: `Hostile${hostile}`, severity: "P1" },
              annotations: { summary: `summary ${hostile}`, description: `impact ${hostile}` },
            }),
          ],
        }),
        auth,
      ),
    )
    expect(response.status).toBe(201)
    const outcome = (await response.json()) as AlertOutcome
    expect(outcome.alerts[0]?.alertname).toBe("HostileAPI down")
    const [incident] = await incidents()
    const record = await Effect.runPromise(journal.read(incident?.humanId ?? ""))
    const stored = JSON.stringify(record)
    expect(stored).toContain("summary API down")
    expect(stored).not.toMatch(/\\u001b|\\u0007|\u202e|\\r/)
    expect(TerminalText.isClean(stored)).toBe(true)
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
    // The callback finishes only once the webhook has been answered: a receiver that waited for
    // it would never answer (no wall-clock bound needed).
    let answered: () => void = () => {}
    const webhookAnswered = new Promise<void>((resolve) => {
      answered = resolve
    })
    const receiver = receiverOf({
      notifyTimeoutMs: 50,
      onIncidentOpened: async (context) => {
        await webhookAnswered
        return { sent: context.due.filter((action) => action.kind === "notify-initial") }
      },
    })
    const outcome = await Promise.race([
      outcomeOf(receiver.handle(post(payload(), auth))),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("the webhook waited for the callback")), 10_000),
      ),
    ])
    answered()
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

describe("a damaged incident file", () => {
  it("still lets new incidents open, and /health warns naming the file", async () => {
    const receiver = receiverOf()
    const first = await outcomeOf(receiver.handle(post(payload({ groupKey: "g-1" }), auth)))
    const id = first.incident?.id ?? ""
    const file = join(dir, "incidents", `${id}.jsonl`)
    const bytes = readFileSync(file)
    bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41
    writeFileSync(file, bytes)

    // a fresh receiver and journal, as after a restart
    const { journal: reopened, dispose: close } = await tempJournalAt(dir)
    try {
      const handler = createHandler({
        alerts: createAlertReceiver({ journal: reopened, auth: { bearer: token } }),
        token: "health-token-0123456789",
      })
      const second = await handler(post(payload({ groupKey: "g-2" }), auth))
      expect(second.status).toBe(201)
      const health = await handler(
        new Request("http://localhost/health", {
          headers: { authorization: "Bearer health-token-0123456789" },
        }),
      )
      expect(health.status).toBe(200)
      const body = (await health.json()) as {
        status: string
        checks: Record<string, Array<{ status: string; output?: string }>>
      }
      expect(body.status).toBe("warn")
      expect(body.checks["journal:integrity"]?.[0]?.status).toBe("warn")
      expect(body.checks["journal:integrity"]?.[0]?.output).toContain(`${file} at byte 0`)
      expect(readFileSync(file).equals(bytes)).toBe(true)
    } finally {
      await close()
    }
  })
})
