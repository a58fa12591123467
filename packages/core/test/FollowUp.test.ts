import { Either } from "effect"
import { describe, expect, it } from "vitest"
import {
  defaultRunbook,
  escalate,
  FollowUp,
  foldIncident,
  type IncidentEvent,
} from "../src/index.js"

const t0 = Date.parse("2026-11-28T10:00:00Z")
const at = (minutes: number) => new Date(t0 + minutes * 60_000)
type Event = IncidentEvent.IncidentEvent

const resolved: ReadonlyArray<Event> = [
  {
    type: "opened",
    incidentId: "INC-2026-0001",
    at: at(0),
    title: "API errors",
    severity: "P1",
    playbooks: [],
    summary: "5xx at 12%",
    source: { kind: "manual" },
  },
  { type: "resolved", at: at(60), resolution: "Rolled back" },
]

const fold = (events: ReadonlyArray<Event>) => foldIncident(events)

describe("follow-ups in the journal", () => {
  it("records action items after the resolution, checks them off, and refuses what makes no sense", () => {
    const added: Event = {
      type: "action-item-added",
      at: at(120),
      item: "A1",
      text: "Alert on pool saturation",
      owner: "alice",
      due: at(7 * 24 * 60),
      link: "https://tracker.example/OPS-1",
    }
    const state = Either.getOrThrow(fold([...resolved, added]))
    expect(state.actionItems).toEqual([
      {
        item: "A1",
        text: "Alert on pool saturation",
        owner: "alice",
        due: at(7 * 24 * 60),
        link: "https://tracker.example/OPS-1",
        addedAt: at(120),
      },
    ])
    expect(FollowUp.nextItemId(state)).toBe("A2")
    const done = Either.getOrThrow(
      fold([...resolved, added, { type: "action-item-done", at: at(200), item: "A1", by: "bob" }]),
    )
    expect(done.actionItems[0]).toMatchObject({ doneAt: at(200), doneBy: "bob" })
    const reason = (events: ReadonlyArray<Event>) =>
      Either.match(fold(events), { onLeft: (error) => error.reason, onRight: () => "ok" })
    expect(reason([...resolved, { type: "action-item-done", at: at(130), item: "A9" }])).toBe(
      "unknown-action-item",
    )
    expect(reason([...resolved, added, { ...added, at: at(121) }])).toBe("duplicate-action-item")
    expect(
      reason([
        ...resolved,
        added,
        { type: "action-item-done", at: at(130), item: "A1" },
        { type: "action-item-done", at: at(131), item: "A1" },
      ]),
    ).toBe("already-done")
    const step: Event = { type: "checklist-step-done", at: at(130), group: "immediate", step: 0 }
    expect(reason([...resolved, step, { ...step, at: at(131) }])).toBe("already-done")
    // the rest of the lifecycle still ends at the resolution
    expect(reason([...resolved, { type: "acknowledged", at: at(130), by: "x" }])).toBe(
      "already-resolved",
    )
  })

  it("reads a checklist step as CHECKLIST:N, and says what is wrong with a bad one", () => {
    expect(FollowUp.checklistStep(defaultRunbook, "short-term:1")).toEqual({
      group: "short-term",
      step: 0,
      text: "Conduct post-mortem meeting",
    })
    expect(FollowUp.checklistStep(defaultRunbook, "immediate")).toMatchObject({
      problem: expect.stringContaining("expected CHECKLIST:STEP"),
    })
    expect(FollowUp.checklistStep(defaultRunbook, "weekly:1")).toMatchObject({
      problem: expect.stringContaining("immediate, short-term, long-term"),
    })
    expect(FollowUp.checklistStep(defaultRunbook, "immediate:5")).toMatchObject({
      problem: "checklist immediate has steps 1 to 4; got 5",
    })
  })

  it("lists open items across incidents, the overdue first", () => {
    const incident = (id: string, items: ReadonlyArray<[string, number | undefined]>) => ({
      id,
      actionItems: items.map(([item, due], index) => ({
        item,
        text: `${id} ${item}`,
        addedAt: at(index),
        ...(due === undefined ? {} : { due: at(due) }),
      })),
    })
    const open = FollowUp.openItems(
      [
        incident("INC-1", [
          ["A1", undefined],
          ["A2", 500],
        ]),
        incident("INC-2", [["A1", 100]]),
      ],
      at(300),
    )
    expect(open.map((entry) => [entry.incidentId, entry.item.item, entry.overdue])).toEqual([
      ["INC-2", "A1", true],
      ["INC-1", "A2", false],
      ["INC-1", "A1", false],
    ])
  })
})

describe("reminders of what follows an incident", () => {
  const reminders = (events: ReadonlyArray<Event>, now: Date) =>
    escalate(defaultRunbook, Either.getOrThrow(foldIncident(events)), now).filter(
      (action) => action.kind === "remind",
    )
  const sent = (key: string, when: Date): Event => ({
    type: "notification-sent",
    at: when,
    message: "followup",
    channels: ["incidents"],
    key,
  })

  it("reminds of the post-mortem meeting when it is time, once, until it is checked off", () => {
    const scheduled: ReadonlyArray<Event> = [
      ...resolved,
      { type: "postmortem-scheduled", at: at(61), scheduledFor: at(3 * 24 * 60) },
    ]
    expect(reminders(scheduled, at(3 * 24 * 60 - 1)).map((a) => a.key)).not.toContain(
      "INC-2026-0001:remind:postmortem",
    )
    const due = reminders(scheduled, at(3 * 24 * 60))
    const meeting = due.find((action) => action.key === "INC-2026-0001:remind:postmortem")
    expect(meeting).toMatchObject({ message: "followup", channels: ["incidents"] })
    expect(meeting?.items).toEqual(["Conduct post-mortem meeting"])
    const remembered = [...scheduled, sent("INC-2026-0001:remind:postmortem", at(3 * 24 * 60))]
    expect(reminders(remembered, at(4 * 24 * 60)).map((a) => a.key)).not.toContain(
      "INC-2026-0001:remind:postmortem",
    )
  })

  it("reminds of each checklist with steps left at its deadline, naming the steps left", () => {
    const dayAfter = at(60 + 24 * 60)
    const withStep: ReadonlyArray<Event> = [
      ...resolved,
      { type: "checklist-step-done", at: at(90), group: "immediate", step: 0 },
    ]
    expect(reminders(withStep, at(60 + 24 * 60 - 1))).toEqual([])
    const [immediate] = reminders(withStep, dayAfter)
    expect(immediate).toMatchObject({
      key: "INC-2026-0001:remind:checklist:immediate",
      dueAt: dayAfter,
      rule: { text: "Immediate (within 24 hours): 3 step(s) left" },
      items: [
        "Update monitoring if needed",
        "Document lessons learned",
        "Update this runbook if necessary",
      ],
    })
    const allDone: ReadonlyArray<Event> = [
      ...resolved,
      ...[0, 1, 2, 3].map(
        (step): Event => ({ type: "checklist-step-done", at: at(90), group: "immediate", step }),
      ),
    ]
    expect(reminders(allDone, dayAfter)).toEqual([])
  })

  it("reminds of an overdue action item once a week until it is done", () => {
    const due = at(2 * 24 * 60)
    const item: ReadonlyArray<Event> = [
      ...resolved,
      {
        type: "action-item-added",
        at: at(90),
        item: "A1",
        text: "Alert on pools",
        owner: "bob",
        due,
      },
    ]
    const itemReminders = (events: ReadonlyArray<Event>, now: Date) =>
      reminders(events, now).filter((action) => action.rule.id === "action-item")
    expect(itemReminders(item, at(2 * 24 * 60 - 1))).toEqual([])
    expect(itemReminders(item, due).map((a) => [a.key, a.items])).toEqual([
      ["INC-2026-0001:remind:action-item:A1:0", ["A1 Alert on pools (owner bob)"]],
    ])
    const week = 7 * 24 * 60
    const reminded = [...item, sent("INC-2026-0001:remind:action-item:A1:0", due)]
    expect(itemReminders(reminded, at(2 * 24 * 60 + week - 1))).toEqual([])
    expect(itemReminders(reminded, at(2 * 24 * 60 + week)).map((a) => a.key)).toEqual([
      "INC-2026-0001:remind:action-item:A1:1",
    ])
    const done = [
      ...reminded,
      { type: "action-item-done", at: at(2 * 24 * 60 + 10), item: "A1" } as Event,
    ]
    expect(itemReminders(done, at(2 * 24 * 60 + week))).toEqual([])
  })
})
