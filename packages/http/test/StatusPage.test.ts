// The public status page from a real file journal: every route, the cache that keeps a flood of
// requests from reading the journal, and the customer-safe rule on every response for an
// incident of every seed playbook.
import { defaultRunbook, type IncidentEvent } from "@ir/core"
import type { Journal } from "@ir/journal"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { createHandler } from "../src/Handler.js"
import { createStatusPage } from "../src/StatusPage.js"
import { tempJournal } from "./fixtures.js"

const disposals: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const dispose of disposals.splice(0)) await dispose()
})

const t0 = new Date("2026-11-28T10:00:00Z")
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)

/** A journal whose listings are counted. */
const counted = (journal: Journal) => {
  let lists = 0
  const wrapped: Journal = {
    ...journal,
    list: (filter) => {
      lists += 1
      return journal.list(filter)
    },
  }
  return { journal: wrapped, lists: () => lists }
}

const get = async (status: ReturnType<typeof createStatusPage>, path: string) => {
  const response = await status.handle(new Request(`http://status.test${path}`))
  return { status: response.status, headers: response.headers, body: await response.text() }
}

/** Whether the text contains the piece, without printing a whole page when it does not. */
const has = (text: string, piece: string) =>
  expect(text.includes(piece), `contains ${piece}`).toBe(true)

const allRoutes = ["/status", "/status.json", "/status/feed.atom", "/status/badge.svg"]

describe("the status page", () => {
  it("serves the page, status.json, the Atom feed and the badge through a P1's life", async () => {
    const { journal, dispose } = await tempJournal()
    disposals.push(dispose)
    let now = at(0)
    const status = createStatusPage({
      journal,
      runbook: defaultRunbook,
      cacheMs: 0,
      now: () => now,
    })

    const quiet = await get(status, "/status")
    expect(quiet.status).toBe(200)
    expect(quiet.headers.get("content-type")).toBe("text/html; charset=utf-8")
    expect(quiet.headers.get("content-security-policy")).toContain("default-src 'none'")
    has(quiet.body, '<p class="banner none" role="status">All Systems Operational</p>')
    has(quiet.body, "No incidents in the last 90 days.")

    const opened = await Effect.runPromise(
      journal.open({
        at: at(0),
        title: "api-1 5xx",
        severity: "P1",
        playbooks: ["high-api-error-rate"],
        summary: "5xx",
        source: { kind: "manual" },
      }),
    )
    now = at(5)
    const during = await get(status, "/status")
    has(during.body, "Partial System Outage")
    has(during.body, '<h2 id="current">Current incidents</h2>')
    has(during.body, "Elevated error rates")
    has(during.body, "We are investigating this issue.")

    const json = JSON.parse((await get(status, "/status.json")).body)
    expect(json.status).toEqual({ indicator: "major", description: "Partial System Outage" })
    expect(json.page).toMatchObject({ id: "ir", name: "Service status", time_zone: "UTC" })
    expect(json.incidents).toHaveLength(1)
    expect(json.incidents[0]).toMatchObject({
      name: "Elevated error rates",
      status: "investigating",
      impact: "major",
      components: [
        { id: "high-api-error-rate", name: "Elevated error rates", status: "partial_outage" },
      ],
    })
    expect(json.incidents[0].id).toMatch(/^ir-[0-9a-f]{16}$/)
    expect(json.incidents[0].incident_updates[0]).toMatchObject({
      status: "investigating",
      body: "We are investigating this issue.",
      created_at: t0.toISOString(),
    })
    expect(json.components).toHaveLength(defaultRunbook.playbooks.length)
    expect(json.components[1].days).toHaveLength(90)
    expect(json.components[1].days[89]).toMatchObject({ date: "2026-11-28", impact: "major" })

    await Effect.runPromise(
      journal.append(opened.incident.id, [
        {
          type: "update-posted",
          at: at(10),
          progress: "p",
          status: "s",
          nextSteps: "n",
          publicNote: "Requests are being moved to a healthy region.",
        },
        { type: "mitigated", at: at(20), summary: "moved" },
        { type: "resolved", at: at(30), resolution: "fixed" },
      ]),
    )
    now = at(40)
    const after = await get(status, "/status")
    has(after.body, "All Systems Operational")
    has(after.body, '<h2 id="past">Past incidents</h2>')
    has(after.body, "Requests are being moved to a healthy region.")
    has(after.body, "This incident has been resolved.")
    has(after.body, '<li class="major" title="2026-11-28: Major incident">')

    const feed = await get(status, "/status/feed.atom")
    expect(feed.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8")
    expect(feed.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom">')
    expect(feed.body).toContain("<id>http://status.test/status</id>")
    const titles = [
      ...feed.body.matchAll(/<entry>\s*<title type="html"><!\[CDATA\[(.*?)\]\]>/g),
    ].map((match) => match[1])
    expect(titles).toEqual([
      "Elevated error rates: Resolved",
      "Elevated error rates: Monitoring",
      "Elevated error rates: Investigating",
      "Elevated error rates: Investigating",
    ])

    const badge = await get(status, "/status/badge.svg")
    expect(badge.headers.get("content-type")).toBe("image/svg+xml")
    expect(badge.body).toContain("status: operational")
  })

  it("computes at most once per cache interval, however many requests come", async () => {
    const { journal: inner, dispose } = await tempJournal()
    disposals.push(dispose)
    const { journal, lists } = counted(inner)
    await Effect.runPromise(
      journal.open({
        at: at(0),
        title: "down",
        severity: "P0",
        playbooks: ["system-down"],
        summary: "down",
        source: { kind: "manual" },
      }),
    )
    const handler = createHandler({ journal, runbook: defaultRunbook, status: { cacheMs: 60_000 } })
    const bodies = new Set<string>()
    const requests = Array.from({ length: 10_000 }, (_, index) =>
      handler(new Request(`http://localhost${allRoutes[index % 3]}`)).then(async (response) => {
        expect(response.status).toBe(200)
        bodies.add(await response.text())
      }),
    )
    await Promise.all(requests)
    expect(handler.statusComputations()).toBe(1)
    expect(lists()).toBe(1)
    expect(bodies.size).toBe(3)
  })

  it("reads the journal again only once the interval has passed", async () => {
    const { journal: inner, dispose } = await tempJournal()
    disposals.push(dispose)
    const { journal, lists } = counted(inner)
    const status = createStatusPage({ journal, runbook: defaultRunbook, cacheMs: 200 })
    const started = Date.now()
    while (Date.now() - started < 1000) {
      await Promise.all(
        Array.from({ length: 50 }, () => status.handle(new Request("http://x/status"))),
      )
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const elapsed = Date.now() - started
    // one computation per 200 ms interval at most (and the one at the start)
    expect(lists()).toBeGreaterThanOrEqual(2)
    expect(lists()).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 1)
  })

  it("answers 503 when the journal cannot be read, and names bad configuration", async () => {
    const { journal: inner, dispose } = await tempJournal()
    disposals.push(dispose)
    const broken: Journal = {
      ...inner,
      list: () => Effect.fail(new (class extends Error {})() as never),
    }
    const heard: Array<unknown> = []
    const status = createStatusPage({
      journal: broken,
      runbook: defaultRunbook,
      onError: (error) => heard.push(error),
    })
    const answer = await get(status, "/status")
    expect(answer.status).toBe(503)
    expect(answer.headers.get("retry-after")).toBe("5")
    // Told once per interval, not once per request.
    expect((await get(status, "/status.json")).status).toBe(503)
    expect(heard).toHaveLength(1)
    expect(() =>
      createStatusPage({
        journal: inner,
        runbook: defaultRunbook,
        components: [{ id: "api", name: "API", playbooks: ["no-such-playbook"] }],
      }),
    ).toThrow(/status\.components\[0\]\.playbooks.*no-such-playbook/)
    expect(() =>
      createStatusPage({ journal: inner, runbook: defaultRunbook, url: "status.example.com" }),
    ).toThrow(/status\.url/)
    const post = await status.handle(new Request("http://x/status", { method: "POST" }))
    expect(post.status).toBe(405)
  })

  it("never shows internal text: an incident of every seed playbook, on every route, at every stage", async () => {
    const internal = [
      "api-7.prod.internal",
      "10.20.30.40",
      "INC-",
      "Alice Responder",
      "bob@example.com",
      "pg_stat_activity",
      "OOMKilled",
      "docker restart",
    ]
    for (const playbook of defaultRunbook.playbooks) {
      const { journal, dispose } = await tempJournal()
      disposals.push(dispose)
      let now = at(0)
      const status = createStatusPage({
        journal,
        runbook: defaultRunbook,
        cacheMs: 0,
        now: () => now,
      })
      // Everything internal an incident carries: its title and summary, probe output in an
      // action, responders' names, runbook steps, hosts, IPs, e-mail addresses.
      const steps = [
        ...playbook.immediateActions,
        ...playbook.investigation,
        ...playbook.resolution,
      ]
      const opened = await Effect.runPromise(
        journal.open({
          at: at(0),
          title: `${playbook.title} on api-7.prod.internal (10.20.30.40)`,
          severity: "P0",
          playbooks: [playbook.id],
          summary: `pg_stat_activity shows OOMKilled; ${steps.map((step) => step.text).join("; ")}`,
          impact: "Customers on api-7.prod.internal",
          commander: "Alice Responder",
          source: { kind: "manual" },
        }),
      )
      const id = opened.incident.id
      const stages: ReadonlyArray<ReadonlyArray<IncidentEvent.IncidentEvent>> = [
        [],
        [{ type: "acknowledged", at: at(2), by: "Alice Responder" }],
        [
          {
            type: "action-taken",
            at: at(4),
            action: "docker.restart",
            target: "api-7.prod.internal",
            dryRun: false,
            outcome: "succeeded",
            detail: "docker restart api-7: OOMKilled before, 10.20.30.40 up",
            by: "Alice Responder",
          },
          {
            type: "update-posted",
            at: at(5),
            progress: "docker restart done on api-7.prod.internal",
            status: "pg_stat_activity clean",
            nextSteps: "ask bob@example.com",
            eta: "when api-7.prod.internal is back (INC-2026-0001)",
            publicNote:
              "Restarted api-7.prod.internal at 10.20.30.40 (INC-2026-0001); write to bob@example.com",
            by: "Alice Responder",
          },
        ],
        [
          {
            type: "flag-raised",
            at: at(6),
            flag: "customer-impact-increasing",
            note: "api-7.prod.internal",
          },
          { type: "mitigated", at: at(8), summary: "OOMKilled fixed", by: "Alice Responder" },
        ],
        [
          {
            type: "resolved",
            at: at(12),
            resolution: "docker restart on api-7.prod.internal",
            rootCause: "pg_stat_activity leak",
            by: "Alice Responder",
          },
        ],
      ]
      let minute = 0
      for (const events of stages) {
        if (events.length > 0) await Effect.runPromise(journal.append(id, events))
        minute += 3
        now = at(minute + 10)
        for (const route of allRoutes) {
          const answer = await get(status, route)
          expect(answer.status, `${playbook.id} ${route}`).toBe(200)
          for (const secret of [...internal, ...steps.map((step) => step.text)]) {
            expect(answer.body.includes(secret), `${playbook.id} ${route} shows "${secret}"`).toBe(
              false,
            )
          }
          expect(answer.body.includes(playbook.title), `${route} shows the title`).toBe(false)
          expect(answer.body.includes(id), `${route} shows the internal id`).toBe(false)
        }
        const page = (await get(status, "/status")).body
        has(page, playbook.publicTitle ?? "")
      }
    }
  })
})
