// The time-to histograms and the report's figures in /metrics, from a real file journal: the
// same figures `ir report` computes, recomputed here from the events, and each incident read
// again only when it changed.
import { existsSync, readdirSync, utimesSync } from "node:fs"
import { join } from "node:path"
import { defaultRunbook } from "@ir/core"
import type { IncidentSummary, Journal } from "@ir/journal"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { createHandler } from "../src/Handler.js"
import { figureOf, figureOfSummary } from "../src/IncidentFigure.js"
import { createIncidentFigures } from "../src/IncidentFigures.js"
import { tempJournal, tempJournalAt } from "./fixtures.js"

const disposals: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const dispose of disposals.splice(0)) await dispose()
})

const t0 = new Date("2026-11-28T10:00:00Z")
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)

const scrape = async (handler: ReturnType<typeof createHandler>) => {
  const response = await handler(new Request("http://localhost/metrics"))
  expect(response.status).toBe(200)
  return response.text()
}

const sample = (text: string, name: string, labels: string): number | undefined => {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name}{${labels}}`))
  return line === undefined ? undefined : Number(line.split(" ").pop())
}

describe("/metrics: the incident figures", () => {
  it("exposes time to acknowledge, mitigate and resolve as histograms by severity, with deadlines, escalations and action items", async () => {
    const { journal, dispose } = await tempJournal()
    disposals.push(dispose)
    const open = (severity: "P0" | "P1", minute: number) =>
      Effect.runPromise(
        journal.open({
          at: at(minute),
          title: `${severity} at ${minute}`,
          severity,
          playbooks: [],
          summary: "figures",
          source: { kind: "manual" },
        }),
      )
    // P0 acknowledged after 4 minutes (met), escalated once, mitigated at 20, resolved at 50.
    const p0 = await open("P0", 0)
    await Effect.runPromise(
      journal.append(p0.incident.id, [
        { type: "acknowledged", at: at(4), by: "alice" },
        { type: "escalated", at: at(15), level: 0, to: "Technical Lead", rule: "p0-not-restored" },
        { type: "mitigated", at: at(20), summary: "rolled back" },
        { type: "resolved", at: at(50), resolution: "fixed" },
        {
          type: "action-item-added",
          at: at(60),
          item: "A1",
          text: "Alert earlier",
          due: at(60 * 24),
        },
      ]),
    )
    // P1 acknowledged after 90 minutes (missed its hour), still open.
    const p1 = await open("P1", 0)
    await Effect.runPromise(
      journal.append(p1.incident.id, [{ type: "acknowledged", at: at(90), by: "bob" }]),
    )
    const handler = createHandler({ journal, runbook: defaultRunbook })
    const text = await scrape(handler)
    const ack = "ir_incident_time_to_acknowledge_seconds"
    expect(sample(text, `${ack}_count`, 'severity="P0"')).toBe(1)
    expect(sample(text, `${ack}_sum`, 'severity="P0"')).toBe(240)
    expect(sample(text, `${ack}_bucket`, 'le="300",severity="P0"')).toBe(1)
    expect(sample(text, `${ack}_bucket`, 'le="60",severity="P0"')).toBe(0)
    expect(sample(text, `${ack}_sum`, 'severity="P1"')).toBe(5400)
    expect(sample(text, "ir_incident_time_to_mitigate_seconds_sum", 'severity="P0"')).toBe(1200)
    expect(sample(text, "ir_incident_time_to_resolve_seconds_sum", 'severity="P0"')).toBe(3000)
    expect(sample(text, "ir_incident_time_to_resolve_seconds_count", 'severity="P1"')).toBe(
      undefined,
    )
    expect(sample(text, "ir_incident_response_deadline", 'severity="P0",outcome="met"')).toBe(1)
    expect(sample(text, "ir_incident_response_deadline", 'severity="P1",outcome="missed"')).toBe(1)
    expect(sample(text, "ir_incident_escalations", 'rule="p0-not-restored"')).toBe(1)
    expect(sample(text, "ir_action_items", 'state="open"')).toBe(1)
    expect(sample(text, "ir_action_items", 'state="overdue"')).toBe(1)

    // The P1 resolves: the next scrape sees it.
    await Effect.runPromise(
      journal.append(p1.incident.id, [{ type: "resolved", at: at(120), resolution: "fixed" }]),
    )
    const later = await scrape(handler)
    expect(sample(later, "ir_incident_time_to_resolve_seconds_sum", 'severity="P1"')).toBe(7200)
  })

  it("reads again only the incidents that changed since the last scrape", async () => {
    const { journal, dispose } = await tempJournal()
    disposals.push(dispose)
    let reads = 0
    const counting = {
      ...journal,
      read: (id: string) => {
        reads += 1
        return journal.read(id)
      },
    }
    const ids: Array<string> = []
    for (let index = 0; index < 5; index++) {
      const opened = await Effect.runPromise(
        journal.open({
          at: at(index),
          title: `incident ${index}`,
          severity: "P2",
          playbooks: [],
          summary: "figures",
          source: { kind: "manual" },
        }),
      )
      ids.push(opened.incident.id)
    }
    const figures = createIncidentFigures(counting)
    expect(await figures.read()).toHaveLength(5)
    expect(reads).toBe(5)
    expect(await figures.read()).toHaveLength(5)
    expect(reads).toBe(5)
    await Effect.runPromise(
      journal.append(ids[2]!, [{ type: "acknowledged", at: at(10), by: "alice" }]),
    )
    const again = await figures.read()
    expect(reads).toBe(6)
    expect(again.find((incident) => incident.acknowledgedBy === "alice")).toBeDefined()
  })

  it("takes the figures from the journal's summaries without reading an incident, the same as reading each", async () => {
    const { journal, dispose } = await tempJournal()
    disposals.push(dispose)
    const ids: Array<string> = []
    for (const [index, severity] of (["P0", "P1", "P2"] as const).entries()) {
      const opened = await Effect.runPromise(
        journal.open({
          at: at(index),
          title: `incident ${index}`,
          severity,
          playbooks: [],
          summary: "figures",
          source: { kind: "manual" },
        }),
      )
      ids.push(opened.incident.id)
    }
    await Effect.runPromise(
      journal.append(ids[0]!, [
        { type: "acknowledged", at: at(3), by: "alice" },
        { type: "escalated", at: at(15), level: 0, to: "Lead", rule: "p0-not-restored" },
        { type: "mitigated", at: at(20), summary: "rolled back" },
        { type: "resolved", at: at(50), resolution: "fixed" },
        { type: "action-item-added", at: at(60), item: "A1", text: "one", due: at(120) },
        { type: "action-item-added", at: at(61), item: "A2", text: "two" },
        { type: "action-item-added", at: at(62), item: "A3", text: "three", due: at(1e7) },
        { type: "action-item-done", at: at(63), item: "A2" },
      ]),
    )
    await Effect.runPromise(
      journal.append(ids[1]!, [{ type: "acknowledged", at: at(95), by: "bob" }]),
    )
    let reads = 0
    const counting = {
      ...journal,
      read: (id: string) => {
        reads += 1
        return journal.read(id)
      },
    }
    // A journal that keeps no figures with its summaries: each incident is read instead.
    const withoutFigures = (summaries: ReadonlyArray<IncidentSummary>) =>
      summaries.map(({ figures: _, ...summary }) => summary)
    const bare: Journal = {
      ...counting,
      list: (filter) => journal.list(filter).pipe(Effect.map(withoutFigures)),
      listSettledApart: ({ known, visit }) =>
        journal
          .listSettledApart({
            ...(known === undefined ? {} : { known }),
            visit: (summary) => visit(withoutFigures([summary])[0] as IncidentSummary),
          })
          .pipe(
            Effect.map((answer) => ({ ...answer, summaries: withoutFigures(answer.summaries) })),
          ),
    }
    const irLines = (text: string) =>
      text
        .split("\n")
        .filter((line) => /^ir_(incident_|action_items)/.test(line))
        .join("\n")
    const fromSummaries = irLines(
      await scrape(createHandler({ journal: counting, runbook: defaultRunbook })),
    )
    expect(reads).toBe(0)
    const fromReads = irLines(
      await scrape(createHandler({ journal: bare, runbook: defaultRunbook })),
    )
    expect(reads).toBe(3)
    expect(fromSummaries).toBe(fromReads)
    expect(sample(fromSummaries, "ir_action_items", 'state="open"')).toBe(2)
    expect(sample(fromSummaries, "ir_action_items", 'state="overdue"')).toBe(1)
    expect(sample(fromSummaries, "ir_incident_escalations", 'rule="p0-not-restored"')).toBe(1)
    for (const summary of await Effect.runPromise(journal.list({}))) {
      const record = await Effect.runPromise(journal.read(summary.id))
      expect(figureOfSummary(summary)).toEqual(figureOf(record.state))
    }
  })
})

describe("/metrics over a journal with a long history", () => {
  it("counts the incidents resolved long ago, read from the settled part of the file journal's index", async () => {
    const { journal, dir, dispose } = await tempJournal()
    disposals.push(dispose)
    const day = 86_400_000
    const now = Date.now()
    // 300 incidents resolved 60 to 360 days ago (the file journal's settled part), some
    // acknowledged late, some escalated, some with an action item still open; 3 in progress.
    const old = await Promise.all(
      Array.from({ length: 300 }, (_, index) =>
        Effect.runPromise(
          journal.open({
            at: new Date(now - (60 + index) * day),
            title: `old ${index}`,
            severity: index % 3 === 0 ? "P0" : "P2",
            playbooks: [],
            summary: "history",
            source: { kind: "manual" },
          }),
        ),
      ),
    )
    await Promise.all(
      old.map(({ incident }, index) => {
        const opened = incident.openedAt.getTime()
        return Effect.runPromise(
          journal.append(incident.id, [
            { type: "acknowledged", at: new Date(opened + (index % 7) * 600_000), by: "alice" },
            ...(index % 5 === 0
              ? [
                  {
                    type: "escalated" as const,
                    at: new Date(opened + 3_700_000),
                    level: 0,
                    to: "Technical Lead",
                    rule: "p0-not-restored",
                  },
                ]
              : []),
            {
              type: "resolved",
              at: new Date(opened + ((index % 11) + 2) * 3_600_000),
              resolution: "ok",
            },
            ...(index % 9 === 0
              ? [
                  {
                    type: "action-item-added" as const,
                    at: new Date(opened + 100 * 3_600_000),
                    item: "A1",
                    text: "Alert earlier",
                    due: new Date(opened + (index % 27 === 0 ? 400 : 10) * day),
                  },
                ]
              : []),
          ]),
        )
      }),
    )
    for (const minute of [1, 2, 3])
      await Effect.runPromise(
        journal.open({
          at: new Date(now - minute * 60_000),
          title: `live ${minute}`,
          severity: "P1",
          playbooks: [],
          summary: "now",
          source: { kind: "manual" },
        }),
      )
    await Effect.runPromise(journal.close)
    // Files written more than a second ago go to the index; a first list writes it, the old
    // incidents in its settled part.
    const past = new Date(now - 3_600_000)
    for (const name of readdirSync(join(dir, "incidents")))
      utimesSync(join(dir, "incidents", name), past, past)
    utimesSync(join(dir, "incidents"), past, past)
    const { journal: writer, dispose: closeWriter } = await tempJournalAt(dir)
    await Effect.runPromise(writer.list())
    await closeWriter()
    expect(existsSync(join(dir, "index-settled.json"))).toBe(true)

    const { journal: reader, dispose: closeReader } = await tempJournalAt(dir)
    disposals.push(closeReader)
    // Counts the lists, and the summaries of the settled part gone through.
    let lists = 0
    let visited = 0
    const counting: Journal = {
      ...reader,
      list: (filter) => {
        lists += 1
        return reader.list(filter)
      },
      listSettledApart: ({ known, visit }) => {
        lists += 1
        return reader.listSettledApart({
          ...(known === undefined ? {} : { known }),
          visit: (summary) => {
            visited += 1
            visit(summary)
          },
        })
      },
    }
    // The same journal with no settled part, as the PostgreSQL journal has none: every summary
    // listed at each scrape, as /metrics read them before it kept the settled part as counts.
    const plain: Journal = {
      ...reader,
      listSettledApart: () =>
        reader
          .list({})
          .pipe(Effect.map((summaries) => ({ summaries, settled: "none", visited: true }))),
    }
    const handler = createHandler({ journal: counting, runbook: defaultRunbook })
    const reference = createHandler({ journal: plain, runbook: defaultRunbook })
    const irLines = (text: string) =>
      text
        .split("\n")
        .filter((line) => /^ir_(incident|action_items)/.test(line))
        .sort()
        .join("\n")
    const text = await scrape(handler)
    expect(visited).toBe(300)
    expect(lists).toBe(1) // the counts and the figures share one list
    expect(sample(text, "ir_incidents", 'severity="P0",status="resolved"')).toBe(100)
    expect(sample(text, "ir_incident_time_to_resolve_seconds_count", 'severity="P2"')).toBe(200)
    expect(sample(text, "ir_incident_escalations", 'rule="p0-not-restored"')).toBe(60)
    expect(sample(text, "ir_action_items", 'state="open"')).toBe(34)
    // Due 10 days after opening (60 days ago or more): overdue; 400 days after (every third
    // one): not yet, all of them opened less than 400 days ago.
    expect(sample(text, "ir_action_items", 'state="overdue"')).toBe(22)
    expect(irLines(text)).toBe(irLines(await scrape(reference)))

    // The next scrapes count the part without going through it again.
    expect(irLines(await scrape(handler))).toBe(irLines(text))
    expect(visited).toBe(300)

    // An incident of the part gets an action item: it leaves the part, and the figures follow.
    await Effect.runPromise(
      reader.append(old[1]?.incident.id as string, [
        { type: "action-item-added", at: new Date(), item: "A9", text: "check again" },
      ]),
    )
    const after = await scrape(handler)
    expect(visited).toBe(300 + 299)
    expect(sample(after, "ir_action_items", 'state="open"')).toBe(35)
    expect(irLines(after)).toBe(irLines(await scrape(reference)))
  })
})
