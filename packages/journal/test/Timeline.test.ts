import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { IncidentEvent } from "@ir/core"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { describeEvent, openFileJournal, timelineJson, timelineMarkdown } from "../src/index.js"

type Event = IncidentEvent.IncidentEvent

const at = (time: string) => new Date(`2026-11-28T${time}Z`)

const events: ReadonlyArray<Event> = [
  {
    type: "opened",
    at: at("10:00:00"),
    incidentId: "INC-2026-0042",
    title: "System completely down",
    severity: "P0",
    playbooks: ["system-down"],
    summary: "Health check endpoint unreachable",
    impact: "All users",
    by: "alice",
  },
  { type: "acknowledged", at: at("10:04:00"), by: "alice" },
  {
    type: "action-taken",
    at: at("10:10:00"),
    action: "restart-container",
    target: "iot-api",
    dryRun: false,
    outcome: "succeeded",
    detail: "restarted | healthy in 4 s",
    by: "bob",
  },
  { type: "escalated", at: at("10:30:00"), level: 1, to: "Team lead", rule: "P0 not restored" },
  { type: "flag-raised", at: at("10:31:00"), flag: "customer-impact-increasing", note: "tickets" },
  {
    type: "resolved",
    at: at("11:25:00"),
    resolution: "memory limit raised",
    rootCause: "OOM kills\nunder load",
    by: "bob",
  },
]

describe("timeline export", () => {
  it("gives the post-mortem its facts and every event, described, with who did it", () => {
    const timeline = timelineJson(events)
    expect(timeline).toMatchObject({
      incidentId: "INC-2026-0042",
      title: "System completely down",
      severity: "P0",
      status: "resolved",
      openedAt: "2026-11-28T10:00:00.000Z",
      resolvedAt: "2026-11-28T11:25:00.000Z",
      durationSeconds: 5100,
      duration: "1h 25m",
    })
    expect(timeline.entries.map((entry) => [entry.sequence, entry.at, entry.by])).toEqual([
      [1, "2026-11-28T10:00:00.000Z", "alice"],
      [2, "2026-11-28T10:04:00.000Z", "alice"],
      [3, "2026-11-28T10:10:00.000Z", "bob"],
      [4, "2026-11-28T10:30:00.000Z", undefined],
      [5, "2026-11-28T10:31:00.000Z", undefined],
      [6, "2026-11-28T11:25:00.000Z", "bob"],
    ])
    expect(timeline.entries.map((entry) => entry.description)).toEqual([
      "Opened as P0: System completely down. Health check endpoint unreachable (playbooks: system-down). Impact: All users.",
      "Acknowledged",
      "Action restart-container on iot-api succeeded: restarted | healthy in 4 s",
      "Escalated to Team lead (level 1, rule: P0 not restored)",
      "Flag raised: customer impact increasing: tickets",
      "Resolved: memory limit raised. Root cause: OOM kills\nunder load.",
    ])
    expect(JSON.parse(JSON.stringify(timeline))).toEqual(timeline) // plain JSON data
  })

  it("renders Markdown with the total downtime and table-safe cells", () => {
    const markdown = timelineMarkdown(events)
    expect(markdown).toContain("# INC-2026-0042: System completely down")
    expect(markdown).toContain("- Duration: 1h 25m total downtime")
    expect(markdown).toContain("| Time (UTC) | Event | By |")
    expect(markdown).toContain(
      "| 2026-11-28 10:10:00Z | Action restart-container on iot-api succeeded: restarted \\| healthy in 4 s | bob |",
    )
    expect(markdown).toContain("Root cause: OOM kills under load. | bob |")
    expect(markdown).toContain("| 2026-11-28 10:30:00Z | Escalated to Team lead")
    const rows = markdown.split("\n").filter((line) => line.startsWith("| 2026"))
    expect(rows).toHaveLength(6)
  })

  it("leaves out the resolution facts while the incident is open", () => {
    const open = timelineJson(events.slice(0, 2))
    expect(open.status).toBe("acknowledged")
    expect(open.duration).toBeUndefined()
    expect(timelineMarkdown(events.slice(0, 2))).not.toContain("Duration")
  })

  it("describes event types it has no sentence for from their fields", () => {
    const future = {
      type: "runbook-linked",
      at: at("10:05:00"),
      url: "https://runbooks.example/x",
      steps: [1, 2],
    }
    expect(describeEvent(future as unknown as Event)).toBe(
      "Runbook linked: url: https://runbooks.example/x, steps: [1,2]",
    )
  })

  const schemaKnowsNotifications = "NotificationSent" in IncidentEvent
  const base = mkdtempSync(join(tmpdir(), "ir-journal-timeline-"))
  afterAll(() => rmSync(base, { recursive: true, force: true }))

  it.skipIf(!schemaKnowsNotifications)(
    "stores and exports an event type core added later without a change here",
    async () => {
      const sent = {
        type: "notification-sent",
        at: at("10:06:00"),
        message: "initial",
        channels: ["incidents", "status-page"],
        key: "INC-2026-0001:notify-initial",
      } as unknown as Event
      const record = await Effect.runPromise(
        Effect.gen(function* () {
          const journal = yield* openFileJournal({ dir: base })
          const { incident } = yield* journal.open({
            ...(events[0] as IncidentEvent.EventOf<"opened">),
          })
          yield* journal.append(incident.id, [sent])
          const reopened = yield* openFileJournal({ dir: base })
          const read = yield* reopened.read(incident.humanId)
          yield* journal.close
          yield* reopened.close
          return read
        }),
      )
      expect(record.events[1]).toEqual(sent)
      expect(timelineMarkdown(record.events)).toContain("Notification sent")
    },
  )
})
