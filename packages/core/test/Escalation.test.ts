import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type DueAction,
  DueAction as DueActionSchema,
  defaultRunbook,
  Escalation,
  escalate,
  foldIncident,
  type Incident,
  type IncidentEvent,
  nextDueAt,
  Postmortem,
  type Runbook,
  recordedKeys,
  type SeverityLevel,
  severityRaises,
} from "../src/index.js"
import {
  at,
  eventSequence,
  flag,
  fold,
  incidentId,
  opened,
  record,
  t0,
  update,
} from "./incidentFixtures.js"

type Event = IncidentEvent.IncidentEvent

const escalations = (actions: ReadonlyArray<DueAction>) =>
  actions.filter((action) => action.kind === "escalate")
const kinds = (actions: ReadonlyArray<DueAction>) => actions.map((action) => action.kind)
const acknowledged = (minutes: number): Event => ({
  type: "acknowledged",
  at: at(minutes),
  by: "alice",
})

/** The seed runbook with a PagerDuty service and contacts reachable on their own channels. */
const pagingRunbook: Runbook = {
  ...defaultRunbook,
  channels: [
    ...defaultRunbook.channels,
    { id: "pagerduty", audience: "internal", kind: "pagerduty", text: "PagerDuty on-call" },
    { id: "oncall-email", audience: "internal", kind: "email", text: "On-call e-mail" },
  ],
  escalation: {
    ...defaultRunbook.escalation,
    contacts: defaultRunbook.escalation.contacts.map((contact, index) => ({
      ...contact,
      name: `Contact ${index}`,
      email: `contact${index}@example.com`,
      channels: [`phone-${index}`],
    })),
  },
}

describe("escalate: the runbook's escalation rules", () => {
  it("does not escalate a P0 unresolved for 29 minutes, and does at 31 citing p0-not-restored", () => {
    const incident = fold([opened("P0"), acknowledged(4)])
    expect(escalations(escalate(defaultRunbook, incident, at(29)))).toEqual([])
    const [escalation, ...others] = escalations(escalate(defaultRunbook, incident, at(31)))
    expect(others).toEqual([])
    expect(escalation).toEqual({
      kind: "escalate",
      key: `${incidentId}:escalate:p0-not-restored:0`,
      incidentId,
      severity: "P0",
      dueAt: at(30),
      rule: { id: "p0-not-restored", text: "Unable to restore service within 30 minutes" },
      message: "escalation",
      channels: ["incidents"],
      contact: { level: 0, role: "Technical Lead", phone: "+1-555-0101" },
    })
  })

  it("escalates a P1 after two hours without progress, not at 1h59, nor when an update came at 1h30", () => {
    const quiet = fold([opened("P1"), acknowledged(10)])
    expect(escalations(escalate(defaultRunbook, quiet, at(119)))).toEqual([])
    const [noProgress] = escalations(escalate(defaultRunbook, quiet, at(121)))
    expect(noProgress).toMatchObject({
      key: `${incidentId}:escalate:p1-no-progress:0`,
      dueAt: at(120),
      rule: { id: "p1-no-progress", text: "No progress after 2 hours" },
      contact: { level: 0, role: "Technical Lead" },
    })

    const updated = fold([opened("P1"), acknowledged(10), update(at(90))])
    expect(escalations(escalate(defaultRunbook, updated, at(121)))).toEqual([])
    expect(escalations(escalate(defaultRunbook, updated, at(209)))).toEqual([])
    expect(escalations(escalate(defaultRunbook, updated, at(211)))[0]?.dueAt).toEqual(at(210))
  })

  it("escalates confirmed data loss at minute 0, whatever the severity", () => {
    for (const severity of ["P0", "P1", "P2", "P3"] as const) {
      const incident = fold([opened(severity), flag(t0, "data-loss")])
      const actions = escalations(escalate(defaultRunbook, incident, t0))
      expect(actions.map((action) => [action.rule.id, action.dueAt, action.contact?.role])).toEqual(
        [["data-loss", t0, "Technical Lead"]],
      )
      expect(actions[0]?.rule.text).toBe("Data loss confirmed")
    }
  })

  it("escalates a suspected security incident for any severity, and P1-only flags only on P1", () => {
    const p3 = fold([opened("P3"), flag(at(5), "security-suspected")])
    expect(escalations(escalate(defaultRunbook, p3, at(5)))[0]?.rule.id).toBe("security-suspected")

    const p2 = fold([opened("P2"), flag(at(5), "customer-impact-increasing")])
    expect(escalations(escalate(defaultRunbook, p2, at(6)))).toEqual([])
    const p1 = fold([
      opened("P1"),
      flag(at(5), "customer-impact-increasing"),
      flag(at(6), "multiple-systems-affected"),
    ])
    expect(escalations(escalate(defaultRunbook, p1, at(7))).map((action) => action.key)).toEqual([
      `${incidentId}:escalate:customer-impact-increasing:0`,
      `${incidentId}:escalate:multiple-systems-affected:1`,
    ])
  })

  it("pages nobody for an incident declared planned maintenance; its messages still go out", () => {
    const p0 = fold([opened("P0")])
    expect(escalate(defaultRunbook, p0, at(0)).map((action) => action.kind)).toContain("page")
    const maintenance = fold([opened("P0"), flag(at(0), "planned-maintenance")])
    const due = escalate(defaultRunbook, maintenance, at(0)).map((action) => action.kind)
    expect(due).not.toContain("page")
    expect(due).toContain("notify-initial")
  })

  it("escalates each firing one contact further, and stays at the end of the chain", () => {
    const dataLoss = fold([opened("P0"), acknowledged(1), flag(at(2), "data-loss")])
    const [first] = escalations(escalate(defaultRunbook, dataLoss, at(2)))
    expect(first?.key).toBe(`${incidentId}:escalate:data-loss:0`)

    // Once the first escalation is recorded, the P0 rule escalates to the next contact.
    const recorded = fold([...dataLoss.events, record(first!, at(3))])
    const [second] = escalations(escalate(defaultRunbook, recorded, at(31)))
    expect(second).toMatchObject({
      key: "INC-2026-0001:escalate:p0-not-restored:1",
      contact: { level: 1, role: "SRE Manager", phone: "+1-555-0102" },
    })

    const manual = (minutes: number, level: number): Event => ({
      type: "escalated",
      at: at(minutes),
      level,
      to: "by hand",
      rule: "manual",
    })
    const long = fold([
      opened("P0"),
      manual(1, 0),
      manual(2, 1),
      manual(3, 2),
      flag(at(4), "data-loss"),
    ])
    expect(escalations(escalate(defaultRunbook, long, at(4)))[0]?.contact).toEqual({
      level: 2,
      role: "VP Engineering",
      phone: "+1-555-0103",
    })
  })

  it("fires each rule once per incident (and, unacknowledged, climbs the chain)", () => {
    let incident = fold([opened("P0"), acknowledged(1), flag(at(2), "data-loss")])
    const keys: Array<string> = []
    for (let minute = 2; minute <= 180; minute++) {
      const due = escalations(escalate(defaultRunbook, incident, at(minute)))
      keys.push(...due.map((action) => action.key))
      incident = fold([...incident.events, ...due.map((action) => record(action, at(minute)))])
    }
    expect(keys).toEqual([
      `${incidentId}:escalate:data-loss:0`,
      `${incidentId}:escalate:p0-not-restored:1`,
      // nobody acknowledged the escalations: every 30 minutes (a P0's cadence) one contact
      // further, then the last contact again
      `${incidentId}:escalate:climb:2`,
      `${incidentId}:escalate:climb:3`,
      `${incidentId}:escalate:climb:4`,
      `${incidentId}:escalate:climb:5`,
      `${incidentId}:escalate:climb:6`,
    ])
    // A second data-loss flag does not fire the rule again.
    incident = fold([...incident.events, acknowledged(180), flag(at(181), "data-loss")])
    expect(escalations(escalate(defaultRunbook, incident, at(182)))).toEqual([])
  })

  it("counts a mitigated incident as restored, but still escalates data loss found later", () => {
    const mitigated = fold([
      opened("P0"),
      acknowledged(2),
      { type: "mitigated", at: at(20), summary: "Failed over to the replica" },
    ])
    expect(escalations(escalate(defaultRunbook, mitigated, at(31)))).toEqual([])
    const p1 = fold([opened("P1"), { type: "mitigated", at: at(20), summary: "Rolled back" }])
    expect(escalations(escalate(defaultRunbook, p1, at(300)))).toEqual([])
    const lossAfter = fold([...mitigated.events, flag(at(40), "data-loss")])
    expect(escalations(escalate(defaultRunbook, lossAfter, at(40)))[0]?.rule.id).toBe("data-loss")
  })

  it("applies the P0 rule from the moment a lower severity is raised to P0", () => {
    const raised = fold([
      opened("P2"),
      { type: "severity-changed", at: at(45), severity: "P0", reason: "Every request fails" },
    ])
    expect(escalations(escalate(defaultRunbook, raised, at(44)))).toEqual([])
    expect(escalations(escalate(defaultRunbook, raised, at(45)))[0]).toMatchObject({
      rule: { id: "p0-not-restored" },
      dueAt: at(45),
    })
  })

  it("escalates without a contact when the runbook lists none", () => {
    const runbook = {
      ...defaultRunbook,
      escalation: { ...defaultRunbook.escalation, contacts: [] },
    }
    const incident = fold([opened("P2"), flag(at(1), "data-loss")])
    const [action] = escalations(escalate(runbook, incident, at(1)))
    expect(action?.key).toBe(`${incidentId}:escalate:data-loss:0`)
    expect(action?.contact).toBeUndefined()
  })

  it("reaches the contact on its own channels, the internal ones and the rule's own (security)", () => {
    const incident = fold([opened("P2"), flag(at(1), "security-suspected")])
    const [action] = escalations(escalate(pagingRunbook, incident, at(1)))
    expect(action?.channels).toEqual([
      "phone-0",
      "incidents",
      "pagerduty",
      "oncall-email",
      "security",
    ])
    expect(action?.contact).toEqual({
      level: 0,
      role: "Technical Lead",
      name: "Contact 0",
      phone: "+1-555-0101",
      email: "contact0@example.com",
    })
  })
})

describe("escalate: the climb up the contact chain", () => {
  const tenMinutes = {
    ...defaultRunbook,
    escalation: {
      ...defaultRunbook.escalation,
      repeatAfter: "10m" as NonNullable<typeof defaultRunbook.escalation.repeatAfter>,
    },
  }

  it("goes one contact further when nobody acknowledges, until someone does", () => {
    let incident = fold([opened("P0"), acknowledged(1)])
    const step = (minute: number) => {
      const due = escalations(escalate(tenMinutes, incident, at(minute)))
      incident = fold([...incident.events, ...due.map((action) => record(action, at(minute)))])
      return due
    }
    expect(step(30).map((action) => action.contact?.role)).toEqual(["Technical Lead"])
    expect(step(39)).toEqual([])
    const climbed = step(40)
    expect(climbed.map((action) => [action.key, action.contact?.role, action.rule.text])).toEqual([
      [
        `${incidentId}:escalate:climb:1`,
        "SRE Manager",
        "Unable to restore service within 30 minutes: not acknowledged within 10m",
      ],
    ])
    expect(climbed[0]?.dueAt).toEqual(at(40))
    // the SRE Manager takes it: the climb stops
    incident = fold([...incident.events, acknowledged(43)])
    expect(incident.lastAcknowledgedAt).toEqual(at(43))
    expect(incident.acknowledgedAt).toEqual(at(1))
    for (const minute of [50, 60, 120]) expect(step(minute)).toEqual([])
    // a new escalation (data loss) needs its own acknowledgement
    incident = fold([...incident.events, flag(at(121), "data-loss")])
    expect(step(121).map((action) => action.contact?.role)).toEqual(["VP Engineering"])
    // the last contact is reminded at the P0's update cadence (30 minutes), not every 10
    expect(step(131)).toEqual([])
    expect(step(151).map((action) => [action.key, action.contact?.role])).toEqual([
      [`${incidentId}:escalate:climb:3`, "VP Engineering"],
    ])
  })

  it("accepts a second acknowledgement only for an escalation sent since the last", () => {
    const incident = fold([opened("P0"), acknowledged(1)])
    expect(Either.isLeft(foldIncident([...incident.events, acknowledged(2)]))).toBe(true)
  })

  it("stops once the service is restored (mitigated)", () => {
    let incident = fold([opened("P0"), acknowledged(1)])
    const due = escalations(escalate(tenMinutes, incident, at(30)))
    incident = fold([
      ...incident.events,
      ...due.map((action) => record(action, at(30))),
      { type: "mitigated", at: at(35), summary: "Restarted" },
    ])
    expect(escalations(escalate(tenMinutes, incident, at(90)))).toEqual([])
  })
})

describe("severity follows the facts", () => {
  it("raises a P3 to P0 when data loss is flagged, with the rule as the reason, and pages", () => {
    const incident = fold([opened("P3")])
    const events = severityRaises(defaultRunbook, incident, [flag(at(5), "data-loss")])
    expect(events.map((event) => event.type)).toEqual(["flag-raised", "severity-changed"])
    expect(events[1]).toMatchObject({
      severity: "P0",
      at: at(5),
      reason: "Data loss confirmed (flag data-loss)",
    })
    const raised = fold([...incident.events, ...events])
    expect(raised.severity).toBe("P0")
    const due = escalate(defaultRunbook, raised, at(5))
    expect(due.map((action) => action.kind)).toContain("page")
    expect(due.find((action) => action.kind === "page")?.key).toBe(`${incidentId}:page:P0`)
  })

  it("never lowers a severity, and leaves flags without a raise alone", () => {
    const p0 = fold([opened("P0")])
    expect(severityRaises(defaultRunbook, p0, [flag(at(1), "data-loss")])).toHaveLength(1)
    const p2 = fold([opened("P2")])
    expect(
      severityRaises(defaultRunbook, p2, [flag(at(1), "customer-impact-increasing")]),
    ).toHaveLength(1)
    // two flags in one append: the second finds the incident already at P0
    expect(
      severityRaises(defaultRunbook, p2, [
        flag(at(1), "data-loss"),
        flag(at(1), "security-suspected"),
      ]).map((event) => event.type),
    ).toEqual(["flag-raised", "severity-changed", "flag-raised"])
  })

  it("tells the security contact, a direct channel that gets nothing else", () => {
    const incident = fold([opened("P1")])
    const events = severityRaises(defaultRunbook, incident, [flag(at(2), "security-suspected")])
    const raised = fold([...incident.events, ...events])
    const due = escalate(defaultRunbook, raised, at(2))
    expect(due.find((action) => action.kind === "escalate")?.channels).toContain("security")
    for (const action of due.filter((candidate) => candidate.kind !== "escalate"))
      expect(action.channels).not.toContain("security")
    expect(Escalation.messageChannels(defaultRunbook, "P1")).not.toContain("security")
  })
})

describe("escalate: pages and messages", () => {
  it("pages for a P0 until someone acknowledges, through PagerDuty channels", () => {
    const incident = fold([opened("P0")])
    const [page] = escalate(pagingRunbook, incident, t0)
    expect(page).toEqual({
      kind: "page",
      key: `${incidentId}:page:P0`,
      incidentId,
      severity: "P0",
      dueAt: t0,
      deadline: at(15),
      rule: { id: "severity-raise", text: "Immediate page to on-call engineer" },
      message: "page",
      channels: ["pagerduty"],
    })
    expect(escalate(defaultRunbook, incident, t0)[0]?.channels).toEqual([])
    expect(kinds(escalate(defaultRunbook, fold([opened("P0"), acknowledged(3)]), at(3)))).toEqual([
      "notify-initial",
    ])
    expect(kinds(escalate(defaultRunbook, fold([opened("P1")]), t0))).toEqual(["notify-initial"])
  })

  it("asks for the initial message at opening, due within 15 minutes, on the severity's channels", () => {
    const [initial] = escalate(defaultRunbook, fold([opened("P1")]), at(1))
    expect(initial).toMatchObject({
      kind: "notify-initial",
      key: `${incidentId}:notify-initial`,
      dueAt: t0,
      deadline: at(15),
      rule: { id: "initial-response", text: "Initial Response (within 15 minutes)" },
      message: "initial",
      channels: ["incidents", "status-page", "support-tickets"],
    })
    const p2 = escalate(defaultRunbook, fold([opened("P2")]), at(1))
    expect(p2[0]?.channels).toEqual(["incidents", "support-tickets"])
    const p3 = escalate(defaultRunbook, fold([opened("P3")]), at(1))
    expect(p3[0]?.channels).toEqual(["incidents"])
    expect(escalate(pagingRunbook, fold([opened("P1")]), at(1))[0]?.channels).toEqual([
      "incidents",
      "pagerduty",
      "oncall-email",
      "status-page",
      "support-tickets",
    ])
  })

  it("reminds about status updates every cadence until one is posted", () => {
    let incident = fold([
      opened("P0"),
      acknowledged(2),
      record(escalate(defaultRunbook, fold([opened("P0")]), t0)[1]!, at(3)),
    ])
    const updates = (minute: number) =>
      escalate(defaultRunbook, incident, at(minute)).filter(
        (action) => action.kind === "post-update",
      )
    expect(updates(29)).toEqual([])
    const [first] = updates(31)
    expect(first).toMatchObject({
      key: `${incidentId}:post-update:1:1`,
      dueAt: at(30),
      message: "update",
      rule: {
        id: "status-update",
        text: "Status Update (every 30 minutes for P0, hourly for P1)",
      },
    })
    incident = fold([...incident.events, record(first!, at(31))])
    expect(updates(59)).toEqual([])
    expect(updates(61).map((action) => [action.key, action.dueAt])).toEqual([
      [`${incidentId}:post-update:1:2`, at(60)],
    ])
    incident = fold([...incident.events, update(at(62))])
    expect(updates(91)).toEqual([])
    expect(updates(93).map((action) => [action.key, action.dueAt])).toEqual([
      [`${incidentId}:post-update:2:1`, at(92)],
    ])
    expect(
      escalate(defaultRunbook, fold([opened("P2")]), at(600)).filter(
        (action) => action.kind === "post-update",
      ),
    ).toEqual([])
  })

  it("after resolution asks for the resolution notice and a post-mortem within a week", () => {
    const resolved = fold([
      opened("P1"),
      { type: "resolved", at: at(50), resolution: "Rolled back the deploy" },
    ])
    const actions = escalate(defaultRunbook, resolved, at(51))
    expect(actions).toEqual([
      expect.objectContaining({
        kind: "notify-resolution",
        key: `${incidentId}:notify-resolution`,
        dueAt: at(50),
        message: "resolution",
        rule: {
          id: "resolution-notice",
          text: "Resolution Notice (when the incident is resolved)",
        },
      }),
      expect.objectContaining({
        kind: "schedule-postmortem",
        key: `${incidentId}:schedule-postmortem`,
        dueAt: at(50),
        deadline: at(50 + 7 * 24 * 60),
        message: "postmortem",
        rule: { id: "post-mortem", text: "Conduct post-mortem meeting (within 1 week)" },
        channels: ["incidents"],
      }),
    ])
    const scheduled = fold([
      ...resolved.events,
      record(actions[0]!, at(52)),
      { type: "postmortem-scheduled", at: at(53), scheduledFor: at(3 * 24 * 60) },
    ])
    expect(escalate(defaultRunbook, scheduled, at(600))).toEqual([])
  })

  it("reads the post-mortem's deadline and wording from the runbook's policy, not the checklist's text", () => {
    const policy = {
      ...defaultRunbook.escalation.postmortem,
      text: "Hold the blameless review",
      within: "3d" as typeof defaultRunbook.escalation.postmortem.within,
      checklist: undefined,
    }
    const runbook = {
      ...defaultRunbook,
      escalation: { ...defaultRunbook.escalation, postmortem: policy },
    }
    const resolved = fold([opened("P1"), { type: "resolved", at: at(10), resolution: "fixed" }])
    const review = escalate(runbook, resolved, at(10)).find(
      (action) => action.kind === "schedule-postmortem",
    )
    expect(review?.rule.text).toBe("Hold the blameless review")
    expect(review?.deadline).toEqual(at(10 + 3 * 24 * 60))
    expect(Postmortem.deadline(runbook, at(10))).toEqual(at(10 + 3 * 24 * 60))
  })

  it("schedules the meeting the policy's business days after the next business hour", () => {
    // Friday 2026-11-27 18:00 UTC, after hours: the next business hour is Monday 09:00, and two
    // business days from it end on Tuesday at 17:00 (the seed's calendar).
    const friday = new Date("2026-11-27T18:00:00Z")
    const meeting = Postmortem.meetingAt(defaultRunbook, friday)
    expect(meeting.toISOString()).toBe("2026-12-01T17:00:00.000Z")
    const sooner = {
      ...defaultRunbook,
      escalation: {
        ...defaultRunbook.escalation,
        postmortem: { ...defaultRunbook.escalation.postmortem, scheduleAfterBusinessDays: 0 },
      },
    }
    expect(Postmortem.meetingAt(sooner, friday).toISOString()).toBe("2026-11-30T09:00:00.000Z")
  })

  it("falls back to the seed's wording when the runbook has no templates or checklist", () => {
    const bare = { ...defaultRunbook, communications: [], postIncident: [] }
    expect(escalate(bare, fold([opened("P2")]), t0)[0]?.rule.text).toBe(
      "Initial Response (within 15 minutes)",
    )
    const resolved = fold([opened("P2"), { type: "resolved", at: at(5), resolution: "fixed" }])
    expect(
      escalate(bare, resolved, at(5)).map((action) => [action.rule.text, action.deadline]),
    ).toEqual([
      ["Resolution Notice (when the incident is resolved)", undefined],
      ["Conduct post-mortem meeting", at(5 + 7 * 24 * 60)],
    ])
    const custom = {
      ...defaultRunbook,
      communications: defaultRunbook.communications.map((template) =>
        template.id === "initial" ? { ...template, when: "within 2 hours" } : template,
      ),
    }
    expect(escalate(custom, fold([opened("P2")]), t0)[0]?.deadline).toEqual(at(120))
  })

  it("lists actions earliest first and encodes them as JSON for `ir escalate --json`", () => {
    const incident = fold([opened("P0"), flag(at(10), "data-loss")])
    const actions = escalate(pagingRunbook, incident, at(45))
    expect(kinds(actions)).toEqual([
      "page",
      "notify-initial",
      "escalate",
      "escalate",
      "post-update",
    ])
    const encoded = Schema.encodeSync(Schema.Array(DueActionSchema))(actions)
    expect(JSON.parse(JSON.stringify(encoded))[0].dueAt).toBe("2026-11-28T10:00:00.000Z")
    expect(Schema.decodeUnknownSync(Schema.Array(DueActionSchema))(encoded)).toEqual(actions)
  })
})

describe("escalate: run from cron every minute", () => {
  it("never asks for the same thing twice over a whole P0", () => {
    let incident = fold([opened("P0")])
    const seen: Array<string> = []
    const events = (minute: number): ReadonlyArray<Event> => {
      if (minute === 7) return [acknowledged(7)]
      if (minute === 12) return [flag(at(12), "security-suspected")]
      if (minute === 25 || minute === 70) return [update(at(minute))]
      if (minute === 95) return [{ type: "resolved", at: at(95), resolution: "Restored" }]
      return []
    }
    for (let minute = 0; minute <= 24 * 60; minute++) {
      const due = escalate(defaultRunbook, incident, at(minute))
      seen.push(...due.map((action) => action.key))
      incident = fold([
        ...incident.events,
        ...due.map((action) => record(action, at(minute), minute % 2 === 0)),
        ...events(minute),
      ])
    }
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual([
      `${incidentId}:page:P0`,
      `${incidentId}:notify-initial`,
      `${incidentId}:escalate:security-suspected:0`,
      `${incidentId}:escalate:p0-not-restored:1`,
      `${incidentId}:post-update:2:1`,
      // the escalations were not acknowledged: the VP at 60, again at 90; resolved at 95
      `${incidentId}:escalate:climb:2`,
      `${incidentId}:escalate:climb:3`,
      `${incidentId}:notify-resolution`,
      `${incidentId}:schedule-postmortem`,
    ])
  })
})

const runbooks: ReadonlyArray<Runbook> = [
  defaultRunbook,
  pagingRunbook,
  {
    ...defaultRunbook,
    calendar: { ...defaultRunbook.calendar, timeZone: "America/New_York" },
    escalation: {
      ...defaultRunbook.escalation,
      contacts: defaultRunbook.escalation.contacts.slice(0, 1),
    },
  },
]

const folded = fc
  .tuple(eventSequence, fc.integer({ min: -60, max: 3 * 24 * 60 }), fc.constantFrom(...runbooks))
  .map(([events, minutes, runbook]) => ({
    result: foldIncident(events),
    now: at(minutes),
    runbook,
  }))
  .filter(({ result }) => Either.isRight(result))
  .map(({ result, now, runbook }) => ({
    incident: Either.getOrThrow(result) as Incident,
    now,
    runbook,
  }))

const lastEventAt = (incident: Incident) => incident.events[incident.events.length - 1]!.at

describe("escalate (properties)", () => {
  it("never returns a recorded key, a duplicate, or an action not yet due", () => {
    fc.assert(
      fc.property(folded, ({ incident, now, runbook }) => {
        const actions = escalate(runbook, incident, now)
        const recorded = recordedKeys(incident)
        const keys = actions.map((action) => action.key)
        expect(new Set(keys).size).toBe(keys.length)
        for (const action of actions) {
          expect(recorded.has(action.key)).toBe(false)
          expect(action.dueAt.getTime()).toBeLessThanOrEqual(now.getTime())
          expect(action.incidentId).toBe(incident.id)
          expect(action.severity).toBe(incident.severity as SeverityLevel)
          expect(action.key.startsWith(`${incident.id}:${action.kind}`)).toBe(true)
          if (incident.status === "resolved") {
            expect(["notify-resolution", "schedule-postmortem", "remind"]).toContain(action.kind)
          }
        }
        expect(escalate(runbook, incident, now)).toEqual(actions)
      }),
      { numRuns: 1000 },
    )
  })

  it("is idempotent once its actions are recorded as events", () => {
    fc.assert(
      fc.property(folded, fc.boolean(), ({ incident, now, runbook }, asEscalated) => {
        const actions = escalate(runbook, incident, now)
        const when = new Date(Math.max(now.getTime(), lastEventAt(incident).getTime()))
        const after = foldIncident([
          ...incident.events,
          ...actions.map((action) => record(action, when, asEscalated)),
        ])
        expect(Either.isRight(after)).toBe(true)
        expect(escalate(runbook, Either.getOrThrow(after), now)).toEqual([])
      }),
      { numRuns: 1000 },
    )
  })

  it("run every few minutes with its actions recorded, never repeats a key", () => {
    fc.assert(
      fc.property(
        folded,
        fc.array(fc.integer({ min: 1, max: 240 }), { minLength: 1, maxLength: 12 }),
        ({ incident, now, runbook }, steps) => {
          let state = incident
          let clock = new Date(Math.max(now.getTime(), lastEventAt(incident).getTime()))
          const seen = new Set<string>()
          for (const step of steps) {
            clock = at(step, clock)
            const actions = escalate(runbook, state, clock)
            for (const action of actions) {
              expect(seen.has(action.key)).toBe(false)
              seen.add(action.key)
            }
            state = Either.getOrThrow(
              foldIncident([...state.events, ...actions.map((action) => record(action, clock))]),
            )
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe("nextDueAt: when to look again", () => {
  const keysAt = (runbook: Runbook, incident: Incident, when: Date) =>
    escalate(runbook, incident, when).map((action) => action.key)

  it("names the P0's first deadline, and then the climb's next step", () => {
    const incident = fold([opened("P0"), acknowledged(4)])
    // the first status update and p0-not-restored, both at 30 minutes
    expect(nextDueAt(defaultRunbook, incident, at(5))).toEqual(at(30))
    expect(keysAt(defaultRunbook, incident, at(29))).toEqual([`${incidentId}:notify-initial`])
    expect(keysAt(defaultRunbook, incident, at(30))).toContain(
      `${incidentId}:escalate:p0-not-restored:0`,
    )
    const escalated = fold([
      opened("P0"),
      ...escalate(defaultRunbook, fold([opened("P0")]), at(30)).map((action) =>
        record(action, at(30)),
      ),
    ])
    // nobody acknowledged the escalation: the next contact after the P0 cadence (30 minutes),
    // the second update reminder then too
    expect(nextDueAt(defaultRunbook, escalated, at(31))).toEqual(at(60))
    expect(escalations(escalate(defaultRunbook, escalated, at(60)))).toHaveLength(1)
  })

  it("is undefined once only a new event can make anything due", () => {
    const incident = fold([
      opened("P3"),
      acknowledged(1),
      { type: "resolved", at: at(10), resolution: "fixed" },
    ])
    const done = fold([
      ...incident.events,
      ...escalate(defaultRunbook, incident, at(11)).map((action) => record(action, at(11))),
    ])
    // the post-incident checklists' deadlines are still to come
    expect(nextDueAt(defaultRunbook, done, at(11))).toBeDefined()
    expect(nextDueAt(defaultRunbook, done, at(60 * 24 * 400))).toBeUndefined()
  })

  it("names each follow-up's moment after resolution: checklists, the meeting, weekly action items", () => {
    const day = 24 * 60
    const resolved = fold([
      opened("P2"),
      acknowledged(1),
      { type: "resolved", at: at(10), resolution: "fixed" },
      {
        type: "action-item-added",
        at: at(20),
        item: "A1",
        text: "Alert on pools",
        due: at(3 * day),
      },
    ])
    const quiet = fold([
      ...resolved.events,
      ...escalate(defaultRunbook, resolved, at(30)).map((action) => record(action, at(30))),
    ])
    expect(escalate(defaultRunbook, quiet, at(31))).toEqual([])
    // the "immediate" checklist's 24 hours, then the action item's due day
    expect(nextDueAt(defaultRunbook, quiet, at(31))).toEqual(at(10 + day))
    expect(nextDueAt(defaultRunbook, quiet, at(10 + day))).toEqual(at(3 * day))
    // overdue: reminded once a week, each week a new key
    expect(nextDueAt(defaultRunbook, quiet, at(3 * day + 5))).toEqual(at(10 + 7 * day))
    expect(nextDueAt(defaultRunbook, quiet, at(10 * day + 5))).toEqual(at(17 * day))
    const weekly = (minutes: number) =>
      escalate(defaultRunbook, quiet, at(minutes))
        .filter((action) => action.rule.id === "action-item")
        .map((action) => action.key)
    expect(weekly(17 * day - 1)).toEqual([`${incidentId}:remind:action-item:A1:1`])
    expect(weekly(17 * day)).toEqual([`${incidentId}:remind:action-item:A1:2`])
  })

  it("leaves escalate's answer unchanged until the moment it names (properties)", () => {
    fc.assert(
      fc.property(
        folded,
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 1,
          maxLength: 6,
        }),
        ({ incident, now, runbook }, fractions) => {
          const before = keysAt(runbook, incident, now)
          const next = nextDueAt(runbook, incident, now)
          if (next === undefined) {
            // nothing ever changes without a new event: not in a day, not in a year
            for (const days of [1, 45, 400])
              expect(keysAt(runbook, incident, at(days * 24 * 60, now))).toEqual(before)
            return
          }
          expect(next.getTime()).toBeGreaterThan(now.getTime())
          const span = next.getTime() - now.getTime()
          for (const fraction of [...fractions, 1 - 1 / span])
            expect(
              keysAt(runbook, incident, new Date(now.getTime() + Math.floor(fraction * span))),
            ).toEqual(before)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
