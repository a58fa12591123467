import { defaultRunbook } from "@ir/core"
import type { Journal } from "@ir/journal"
import { createIncidentMessenger } from "@ir/notify"
import { createResponder, type Responder } from "@ir/responder"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Board, createBoard } from "../src/Board.js"
import { HttpConfigError } from "../src/HttpConfigError.js"
import { tempJournal, tempJournalAt } from "./fixtures.js"

const token = "board-token-7f3a9c1e5d"
const origin = "http://localhost"

let journal: Journal
let dir: string
let dispose: () => Promise<void>
let responder: Responder
let board: Board
/** Every body the board answered, to check that the token is in none. */
const bodies: Array<string> = []

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

beforeEach(async () => {
  ;({ journal, dir, dispose } = await tempJournal())
  responder = createResponder({
    journal,
    runbook: defaultRunbook,
    messenger: createIncidentMessenger({ runbook: defaultRunbook, channels: [] }),
    maintenance: [],
    log: () => {},
  })
  board = createBoard({
    responder,
    token: Redacted.make(token),
    pollMs: 50,
    onCall: () => [{ role: "primary", name: "Alice Example" }],
  })
})

afterEach(async () => {
  board.close()
  await dispose()
})

/** Answers a request and keeps its body (streams excepted) for the token check. */
const send = async (request: Request): Promise<Response> => {
  const response = await board.handle(request)
  if (!response.headers.get("content-type")?.startsWith("text/event-stream"))
    bodies.push(await response.clone().text())
  return response
}

const get = (path: string, headers: Record<string, string> = {}) =>
  send(new Request(`${origin}${path}`, { headers }))

const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  send(
    new Request(`${origin}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(form).toString(),
    }),
  )

const openIncident = async (title = "API error rate above 10%") => {
  const opened = await run(
    responder.open(
      {
        at: new Date(),
        title,
        severity: "P1",
        playbooks: ["system-down"],
        summary: "12% of requests fail",
      },
      { notify: false },
    ),
  )
  return opened.incident.humanId
}

/** Logs in with the token; the cookie and the CSRF field of the board page. */
const login = async () => {
  const response = await post("/board/login", { token }, { origin })
  expect(response.status).toBe(303)
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? ""
  const page = await (await get("/board", { cookie })).text()
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? ""
  return { cookie, csrf }
}

const readUntil = async (
  reader: ReadableStreamDefaultReader<Uint8Array>,
  needle: string,
  withinMs: number,
): Promise<string> => {
  const decoder = new TextDecoder()
  let text = ""
  const deadline = Date.now() + withinMs
  while (!text.includes(needle)) {
    const left = deadline - Date.now()
    if (left <= 0) throw new Error(`no ${JSON.stringify(needle)} within ${withinMs} ms: ${text}`)
    let timer: ReturnType<typeof setTimeout> | undefined
    const chunk = await Promise.race([
      reader.read(),
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left)
      }),
    ])
    clearTimeout(timer)
    if (chunk === "timeout") continue
    if (chunk.done) throw new Error(`the stream ended before ${JSON.stringify(needle)}: ${text}`)
    text += decoder.decode(chunk.value, { stream: true })
  }
  return text
}

describe("createBoard", () => {
  it("refuses a missing token and a bad base path", () => {
    expect(() => createBoard({ responder, token: "" })).toThrow(HttpConfigError)
    expect(() => createBoard({ responder, token: Redacted.make("  ") })).toThrow(/board.token/)
    expect(() => createBoard({ responder, token, basePath: "/ops/" })).toThrow(/board.basePath/)
    expect(() => createBoard({ responder, token, basePath: "ops" })).toThrow(HttpConfigError)
  })

  it("matches its routes and the incident action paths under the base path", () => {
    const mounted = createBoard({ responder, token, basePath: "/ops" })
    expect(mounted.routes).toEqual([
      "/ops/board",
      "/ops/board/login",
      "/ops/board/logout",
      "/ops/board/events",
      "/ops/board/app.js",
    ])
    expect(mounted.matches("/ops/board")).toBe(true)
    expect(mounted.matches("/ops/board/incidents/INC-2026-0001/ack")).toBe(true)
    expect(mounted.matches("/ops/board/incidents/INC-2026-0001/delete")).toBe(false)
    expect(mounted.matches("/board")).toBe(false)
    expect(mounted.matches("/ops/boards")).toBe(false)
    mounted.close()
  })
})

describe("authentication", () => {
  it("answers 401 with a login form without authentication", async () => {
    const response = await get("/board")
    expect(response.status).toBe(401)
    expect(response.headers.get("content-type")).toMatch(/^text\/html/)
    const page = await response.text()
    expect(page).toContain('<html lang="en">')
    expect(page).toMatch(/<form method="post" action="\/board\/login">/)
    expect(page).toContain('<label for="token">')
    expect(page).toContain('type="password"')
  })

  it("refuses a wrong token without echoing it, and a wrong bearer", async () => {
    const wrong = await post("/board/login", { token: "guess-one-two-three" }, { origin })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get("set-cookie")).toBeNull()
    const page = await wrong.text()
    expect(page).toContain("not accepted")
    expect(page).not.toContain("guess-one-two-three")
    expect((await get("/board", { authorization: "Bearer guess" })).status).toBe(401)
  })

  it("sets a signed session cookie for the right token, which then opens the board", async () => {
    const response = await post("/board/login", { token }, { origin })
    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toBe("/board")
    const cookie = response.headers.get("set-cookie") ?? ""
    expect(cookie).toMatch(/^ir_board=[^;]+\.\d+\.[^;]+;/)
    expect(cookie).toContain("HttpOnly")
    expect(cookie).toContain("SameSite=Strict")
    expect(cookie).toContain("Path=/board")
    expect(cookie).toContain("Max-Age=43200")
    expect(cookie).not.toContain("Secure")
    expect(cookie).not.toContain(token)
    const page = await get("/board", { cookie: cookie.split(";")[0] ?? "" })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain("<h1>Responder board</h1>")
  })

  it("marks the cookie Secure over https", async () => {
    const response = await send(
      new Request("https://board.example/board/login", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "https://board.example",
        },
        body: `token=${token}`,
      }),
    )
    expect(response.headers.get("set-cookie")).toContain("Secure")
  })

  it("keeps sessions across a restart with the same token, not with another token", async () => {
    const { cookie } = await login()
    const restarted = createBoard({ responder, token })
    expect(
      (await restarted.handle(new Request(`${origin}/board`, { headers: { cookie } }))).status,
    ).toBe(200)
    const rotated = createBoard({ responder, token: `${token}-new` })
    expect(
      (await rotated.handle(new Request(`${origin}/board`, { headers: { cookie } }))).status,
    ).toBe(401)
    restarted.close()
    rotated.close()
  })

  it("refuses a tampered cookie", async () => {
    const { cookie } = await login()
    const [name, value] = cookie.split("=")
    const [id, expires, signature] = (value ?? "").split(".")
    const later = `${name}=${id}.${Number(expires) + 86_400}.${signature}`
    expect((await get("/board", { cookie: later })).status).toBe(401)
  })

  it("opens the board with a bearer token", async () => {
    const response = await get("/board", { authorization: `Bearer ${token}` })
    expect(response.status).toBe(200)
    const csp = response.headers.get("content-security-policy") ?? ""
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(response.headers.get("cache-control")).toBe("no-store")
  })

  it("signs out: the cookie is cleared and stops working", async () => {
    const { cookie, csrf } = await login()
    const out = await post("/board/logout", { csrf }, { cookie, origin })
    expect(out.status).toBe(303)
    expect(out.headers.get("set-cookie")).toMatch(/^ir_board=;.*Max-Age=0/)
    expect((await get("/board", { cookie })).status).toBe(401)
  })

  it("refuses a sign-out without the CSRF field", async () => {
    const { cookie } = await login()
    expect((await post("/board/logout", {}, { cookie, origin })).status).toBe(403)
    expect((await get("/board", { cookie })).status).toBe(200)
  })
})

describe("the board", () => {
  it("shows an active incident: severity, countdowns, escalation, checklist, timeline, forms", async () => {
    const id = await openIncident()
    const { cookie } = await login()
    const response = await get("/board", { cookie })
    const page = await response.text()
    expect(page).toContain('<span class="sev P1">P1</span>')
    expect(page).toContain(`${id}: API error rate above 10%`)
    // P1: respond within an hour, updates every hour.
    expect(page).toMatch(/Respond by<\/dt><dd><time datetime="[^"]+" data-countdown>in (59m|1h)/)
    expect(page).toMatch(/Next update<\/dt><dd><time datetime="[^"]+" data-countdown>in (59m|1h)/)
    expect(page).toContain("Escalation level</dt><dd>0 (not escalated)")
    expect(page).toContain("primary: Alice Example")
    expect(page).toContain("Checklist: System Completely Down")
    expect(page).toContain("Restart the application service")
    expect(page).toMatch(/Opened as P1: API error rate above 10%/)
    for (const action of ["ack", "update", "flag", "mitigate", "resolve"])
      expect(page).toContain(`action="/board/incidents/${id}/${action}"`)
    expect(page).toContain('<option value="data-loss">data loss</option>')
    expect(page).toContain('<script src="/board/app.js" defer></script>')
    // Every field has its label.
    const ids = [...page.matchAll(/<(?:input|textarea|select) id="([^"]+)"/g)].map((m) => m[1])
    expect(ids.length).toBeGreaterThan(5)
    for (const field of ids) expect(page).toContain(`<label for="${field}">`)
    expect(page.match(/<h1>/g)).toHaveLength(1)
  })

  it("serves its live section alone as a fragment", async () => {
    const id = await openIncident()
    const page = await (await get("/board?fragment=1", { authorization: `Bearer ${token}` })).text()
    expect(page.startsWith('<div id="live"')).toBe(true)
    expect(page).not.toContain("<html")
    expect(page).toContain(id)
  })

  it("says so when nothing is active", async () => {
    const page = await (await get("/board", { authorization: `Bearer ${token}` })).text()
    expect(page).toContain("No active incidents.")
  })

  it("serves its script without authentication", async () => {
    const response = await get("/board/app.js")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/)
    const script = await response.text()
    expect(script).toContain("new EventSource")
    expect(script).toContain("time[data-countdown]")
  })
})

describe("actions", () => {
  it("acknowledges and resolves through the forms", async () => {
    const id = await openIncident()
    const { cookie, csrf } = await login()
    const ack = await post(`/board/incidents/${id}/ack`, { csrf, by: "alice" }, { cookie, origin })
    expect(ack.status).toBe(303)
    expect(ack.headers.get("location")).toBe(`/board#${id}`)
    const acknowledged = await run(journal.read(id))
    expect(acknowledged.state.status).toBe("acknowledged")
    expect(acknowledged.state.acknowledgedBy).toBe("alice")

    const update = await post(
      `/board/incidents/${id}/update`,
      { csrf, progress: "Rolled back", status: "Monitoring", next: "Watch the error rate" },
      { cookie, origin },
    )
    expect(update.status).toBe(303)
    expect((await run(journal.read(id))).state.updates[0]?.by).toBe("board")

    const resolve = await post(
      `/board/incidents/${id}/resolve`,
      { csrf, resolution: "Rolled back the deploy", rootCause: "A bad migration" },
      { cookie, "sec-fetch-site": "same-origin" },
    )
    expect(resolve.status).toBe(303)
    const resolved = await run(journal.read(id))
    expect(resolved.state.status).toBe("resolved")
    expect(resolved.state.rootCause).toBe("A bad migration")
    expect(resolved.state.postmortemScheduledFor).toBeInstanceOf(Date)
    expect(await (await get("/board", { cookie })).text()).toContain("No active incidents.")
  })

  it("raises a flag, mitigates and checks off a step", async () => {
    const id = await openIncident()
    const bearer = { authorization: `Bearer ${token}`, origin }
    expect(
      (await post(`/board/incidents/${id}/flag`, { flag: "multiple-systems-affected" }, bearer))
        .status,
    ).toBe(303)
    const page = await (await get("/board", bearer)).text()
    const step =
      /name="group" value="([^"]+)"><input type="hidden" name="step" value="(\d+)">/.exec(page)
    expect(step).not.toBeNull()
    expect(
      (
        await post(
          `/board/incidents/${id}/step`,
          { group: step?.[1] ?? "", step: step?.[2] ?? "" },
          bearer,
        )
      ).status,
    ).toBe(303)
    expect(
      (await post(`/board/incidents/${id}/mitigate`, { summary: "Failed over" }, bearer)).status,
    ).toBe(303)
    const state = (await run(journal.read(id))).state
    expect(state.flags.map((flag) => flag.flag)).toContain("multiple-systems-affected")
    expect(state.checklistDone).toHaveLength(1)
    expect(state.status).toBe("mitigated")
    expect(await (await get("/board", bearer)).text()).toContain("(checked off, by board)")
  })

  it("refuses a form without the CSRF field, from another origin, or from nowhere", async () => {
    const id = await openIncident()
    const { cookie, csrf } = await login()
    const noCsrf = await post(`/board/incidents/${id}/ack`, {}, { cookie, origin })
    expect(noCsrf.status).toBe(403)
    const otherSession = await post(
      `/board/incidents/${id}/ack`,
      { csrf: `${csrf}x` },
      { cookie, origin },
    )
    expect(otherSession.status).toBe(403)
    const foreign = await post(
      `/board/incidents/${id}/ack`,
      { csrf },
      { cookie, origin: "https://evil.example" },
    )
    expect(foreign.status).toBe(403)
    const crossSite = await post(
      `/board/incidents/${id}/ack`,
      { csrf },
      { cookie, "sec-fetch-site": "cross-site" },
    )
    expect(crossSite.status).toBe(403)
    expect((await post(`/board/incidents/${id}/ack`, { csrf }, { cookie })).status).toBe(403)
    const bearerForeign = await post(
      `/board/incidents/${id}/ack`,
      {},
      { authorization: `Bearer ${token}`, origin: "https://evil.example" },
    )
    expect(bearerForeign.status).toBe(403)
    expect((await run(journal.read(id))).state.status).toBe("open")
  })

  it("refuses an action without authentication", async () => {
    const id = await openIncident()
    expect((await post(`/board/incidents/${id}/ack`, {}, { origin })).status).toBe(401)
  })

  it("answers 409 with a clear message when the state does not allow it", async () => {
    const id = await openIncident()
    const { cookie, csrf } = await login()
    expect((await post(`/board/incidents/${id}/ack`, { csrf }, { cookie, origin })).status).toBe(
      303,
    )
    const again = await post(`/board/incidents/${id}/ack`, { csrf }, { cookie, origin })
    expect(again.status).toBe(409)
    const page = await again.text()
    expect(page).toContain("already acknowledged")
    expect(page).not.toMatch(/at .*\.(ts|js):\d+/)
  })

  it("answers 404 naming an unknown incident", async () => {
    const { cookie, csrf } = await login()
    const response = await post("/board/incidents/INC-2099-0042/ack", { csrf }, { cookie, origin })
    expect(response.status).toBe(404)
    expect(await response.text()).toContain("INC-2099-0042")
  })

  it("answers 400 naming a missing field", async () => {
    const id = await openIncident()
    const { cookie, csrf } = await login()
    const response = await post(
      `/board/incidents/${id}/update`,
      { csrf, status: "Investigating", next: "Look at the logs" },
      { cookie, origin },
    )
    expect(response.status).toBe(400)
    expect(await response.text()).toContain("&quot;progress&quot;")
    expect((await run(journal.read(id))).state.updates).toHaveLength(0)
  })

  it("refuses other methods", async () => {
    const response = await get("/board/incidents/INC-2026-0001/ack", {
      authorization: `Bearer ${token}`,
    })
    expect(response.status).toBe(405)
    expect(response.headers.get("allow")).toBe("POST")
  })
})

describe("the live stream", () => {
  it("needs authentication", async () => {
    expect((await get("/board/events")).status).toBe(401)
  })

  it("sends a change within 2 s of another writer's append, and ends on close()", async () => {
    const id = await openIncident()
    const { cookie } = await login()
    // The stream the page opens: it names the journal state the page was rendered from.
    const page = await (await get("/board", { cookie })).text()
    const events =
      /data-events="([^"]+)"/.exec(page)?.[1]?.replaceAll("&#x3D;", "=").replaceAll("&amp;", "&") ??
      ""
    expect(events).toMatch(/^\/board\/events\?v=/)
    // The default interval: the board must show a change within 2 s.
    const live = createBoard({ responder, token })
    const response = await live.handle(new Request(`${origin}${events}`, { headers: { cookie } }))
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/)
    expect(response.headers.get("cache-control")).toBe("no-store")
    const reader = response.body!.getReader()
    await readUntil(reader, ": connected", 1000)
    // Another process (the CLI) writes to the same journal directory.
    const other = await tempJournalAt(dir)
    try {
      await run(other.journal.append(id, [{ type: "acknowledged", at: new Date(), by: "cli" }]))
      const text = await readUntil(reader, "event: change", 2000)
      expect(text).toMatch(/id: [A-Za-z0-9_-]+\ndata: /)
    } finally {
      await other.dispose()
    }
    // Another change while the stream is open names the incident.
    await run(journal.append(id, [{ type: "mitigated", at: new Date(), summary: "Failed over" }]))
    expect(await readUntil(reader, `data: ["${id}"]`, 2000)).toContain("event: change")
    live.close()
    expect((await reader.read()).done).toBe(true)
  })

  it("tells a page rendered from an older journal at once", async () => {
    await openIncident()
    const response = await board.handle(
      new Request(`${origin}/board/events?v=stale`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    )
    const reader = response.body!.getReader()
    expect(await readUntil(reader, "event: change", 2000)).toContain("data: []")
    await reader.cancel()
  })

  it("refuses streams when closed at once, before its pages have loaded", async () => {
    const closing = createBoard({ responder, token })
    closing.close()
    const response = await closing.handle(
      new Request(`${origin}/board/events`, { headers: { authorization: `Bearer ${token}` } }),
    )
    expect(response.status).toBe(503)
    expect(await response.text()).toContain("The board is closed")
  })

  it("ends when the client goes away", async () => {
    const controller = new AbortController()
    const response = await board.handle(
      new Request(`${origin}/board/events`, {
        headers: { authorization: `Bearer ${token}` },
        signal: controller.signal,
      }),
    )
    const reader = response.body!.getReader()
    await readUntil(reader, ": connected", 1000)
    controller.abort()
    expect((await reader.read()).done).toBe(true)
  })
})

describe("secrets", () => {
  it("never writes the token into a response", () => {
    expect(bodies.length).toBeGreaterThan(20)
    for (const body of bodies) expect(body).not.toContain(token)
  })
})
