import { type IncidentEvent, Observation, triage } from "@ir/core"
import { describe, expect, it } from "vitest"
import {
  contextShape,
  MessageContextError,
  MessageKind,
  messageContext,
  type Shape,
} from "../src/index.js"
import { describeEvent } from "../src/internal/timeline.js"
import { assessment, incidentAfter, lifecycle, opened, runbook } from "./fixtures.js"

const now = new Date("2026-11-28T10:05:00Z")

const contextError = (run: () => unknown): MessageContextError => {
  try {
    run()
  } catch (error) {
    if (error instanceof MessageContextError) return error
    throw error
  }
  throw new Error("expected a MessageContextError")
}

describe("messageContext", () => {
  it("fills every field from the incident, writing out what nobody stated yet", () => {
    const context = messageContext("initial", { incident: incidentAfter(1), runbook, now })
    expect(context.incident).toMatchObject({
      id: "INC-2026-0042",
      severity: "P0",
      severityName: "Critical",
      statusText: "Investigating",
      commander: "Unassigned",
      eta: "Unknown",
      playbooks: ["System Completely Down"],
      source: "triage",
      acknowledgedAt: null,
      durationSeconds: 300,
    })
    expect(context.assessment).toEqual({ provided: false, playbooks: [], nextSteps: [] })
    expect(context.nextUpdate).toEqual({ at: "2026-11-28T10:30:00.000Z", text: "10:30 UTC" })
    expect(context.links.map((link) => link.name)).toEqual([
      "Grafana",
      "Prometheus",
      "Alertmanager",
    ])
  })

  it("names the acknowledger as commander when no commander was named", () => {
    const context = messageContext("initial", { incident: incidentAfter(2), runbook, now })
    expect(context.incident.commander).toBe("alice")
  })

  it("reads matched playbooks, evidence and next steps from a triage assessment", () => {
    const context = messageContext("initial", {
      incident: incidentAfter(1),
      runbook,
      now,
      // The shape of @ir/core's triage Assessment.
      assessment: {
        matches: [
          {
            title: "High API Error Rate",
            status: "matched",
            confidence: 0.8,
            symptoms: [
              { text: "Error rate > 10% for 5+ minutes", outcome: "matched" },
              { text: "Customer complaints", outcome: "unknown" },
            ],
          },
          {
            title: "Database Connectivity Issues",
            status: "possible",
            confidence: 0.35,
            symptoms: [],
          },
        ],
        nextSteps: [{ step: { text: "Identify error patterns in logs" } }],
      },
    })
    expect(context.assessment).toEqual({
      provided: true,
      playbooks: [
        {
          title: "High API Error Rate",
          confidence: "80%",
          evidence: ["Error rate > 10% for 5+ minutes"],
        },
        { title: "Database Connectivity Issues", confidence: "possible, 35%", evidence: [] },
      ],
      nextSteps: ["Identify error patterns in logs"],
    })
    const summary = messageContext("initial", {
      incident: incidentAfter(1),
      runbook,
      now,
      assessment,
    })
    expect(summary.assessment.playbooks[0]?.title).toBe("System Completely Down")
  })

  it("takes @ir/core's triage assessment as it is", () => {
    const assessed = triage(
      runbook,
      Observation.fromRecord({ "http.health.reachable": false }, now),
    )
    const context = messageContext("initial", {
      incident: incidentAfter(1),
      runbook,
      now,
      assessment: assessed,
    })
    expect(context.assessment.playbooks[0]).toMatchObject({
      title: "System Completely Down",
      evidence: expect.arrayContaining(["Health check endpoint unreachable"]),
    })
    expect(context.assessment.nextSteps[0]).toBe(
      "Check if it's a planned maintenance (check calendar)",
    )
  })

  it("schedules the next update by the severity's cadence, never in the past", () => {
    const p1: IncidentEvent.IncidentEvent = {
      ...opened,
      severity: "P1",
    } as IncidentEvent.IncidentEvent
    const p1Context = messageContext("initial", { incident: incidentAfter(1, [p1]), runbook, now })
    expect(p1Context.nextUpdate.text).toBe("11:00 UTC")
    const late = messageContext("initial", {
      incident: incidentAfter(1),
      runbook,
      now: new Date("2026-11-28T10:47:20Z"),
    })
    expect(late.nextUpdate.text).toBe("11:18 UTC")
    const p2: IncidentEvent.IncidentEvent = {
      ...opened,
      severity: "P2",
    } as IncidentEvent.IncidentEvent
    expect(
      messageContext("initial", { incident: incidentAfter(1, [p2]), runbook, now }).nextUpdate,
    ).toEqual({
      at: null,
      text: "None scheduled for P2",
    })
    const resolved = messageContext("resolution", { incident: incidentAfter(9), runbook, now })
    expect(resolved.nextUpdate.text).toBe("None (resolved)")
  })

  it("formats timestamps in the configured time zone", () => {
    const context = messageContext("initial", {
      incident: incidentAfter(1),
      runbook,
      now,
      timeZone: "Europe/Berlin",
    })
    expect(context.nextUpdate.text).toBe("11:30 GMT+1")
    expect(context.timeZone).toBe("Europe/Berlin")
  })

  it("takes the latest status update for an update message", () => {
    const context = messageContext("update", { incident: incidentAfter(5), runbook, now })
    expect(context.update).toMatchObject({ by: "alice", status: "Still down", eta: "11:30 UTC" })
    expect(context.incident.flags).toEqual(["Multiple systems affected"])
  })

  it("describes the escalation with the contact chain and the rule's words", () => {
    const context = messageContext("escalation", { incident: incidentAfter(6), runbook, now })
    expect(context.escalation).toMatchObject({
      level: 1,
      to: "SRE Manager",
      contact: "+1-555-0102",
      reason: "Unable to restore service within 30 minutes",
      respondWithin: "15 minutes",
    })
    const due = messageContext("escalation", {
      incident: incidentAfter(2),
      runbook,
      now,
      escalation: { level: 2, to: "VP Engineering", rule: "data-loss" },
    })
    expect(due.escalation).toMatchObject({
      contact: "+1-555-0103",
      reason: "Data loss confirmed",
      at: now.toISOString(),
    })
  })

  it("announces an escalation that escalate() says is due", () => {
    const context = messageContext("escalation", {
      incident: incidentAfter(2),
      runbook,
      now,
      escalation: {
        rule: { id: "security-suspected", text: "Security incident suspected" },
        contact: { level: 0, role: "Technical Lead", name: "Dana", phone: "+1-555-0101" },
        dueAt: now,
      },
    })
    expect(context.escalation).toMatchObject({
      level: 0,
      to: "Technical Lead",
      contact: "+1-555-0101",
      reason: "Security incident suspected",
    })
  })

  it("gives the post-mortem a timeline of every event and the runbook's checklists", () => {
    const context = messageContext("postmortem", { incident: incidentAfter(10), runbook, now })
    expect(context.timeline).toHaveLength(lifecycle.length)
    expect(context.timeline[0]).toEqual({
      at: "2026-11-28T10:00:00.000Z",
      text: "Opened as P0 from triage: System completely down",
    })
    expect(context.actions.map((entry) => entry.text)).toEqual([
      "Action docker.restart on app by alice failed: container exited again after 20s (out of memory)",
      "Action deploy.rollback on app by bob succeeded: rolled back to v1.4.2",
    ])
    expect(context.checklists.map((group) => group.title)).toEqual([
      "Immediate",
      "Short-term",
      "Long-term",
    ])
    expect(context.resolution).toMatchObject({ durationSeconds: 5100, rootCauseKnown: true })
    expect(context.resolution.nextSteps).toBe("Post-mortem on 2026-12-01 14:00 UTC")
    expect(context.postmortemAt).toBe("2026-12-01T14:00:00.000Z")
  })

  it("refuses messages the incident cannot have yet, saying what to record", () => {
    const noUpdate = contextError(() =>
      messageContext("update", { incident: incidentAfter(2), runbook, now }),
    )
    expect(noUpdate.reason).toBe("no-update")
    expect(noUpdate.message).toContain('record one (an "update-posted" event) first')
    expect(
      contextError(() => messageContext("resolution", { incident: incidentAfter(5), runbook, now }))
        .reason,
    ).toBe("not-resolved")
    expect(
      contextError(() => messageContext("postmortem", { incident: incidentAfter(5), runbook, now }))
        .reason,
    ).toBe("not-resolved")
    expect(
      contextError(() => messageContext("escalation", { incident: incidentAfter(5), runbook, now }))
        .message,
    ).toContain('record an "escalated" event or pass `escalation`')
    const zone = contextError(() =>
      messageContext("initial", {
        incident: incidentAfter(1),
        runbook,
        now,
        timeZone: "Mars/Olympus",
      }),
    )
    expect(zone.message).toContain('unknown time zone "Mars/Olympus"')
    const noSeverity = contextError(() =>
      messageContext("initial", {
        incident: incidentAfter(1),
        runbook: { ...runbook, severities: [] },
        now,
      }),
    )
    expect(noSeverity.reason).toBe("unknown-severity")
  })

  it("has exactly the fields its shape declares, for every kind", () => {
    const keysOf = (value: unknown, shape: Shape, path: string): Array<string> => {
      if (shape === true) return []
      if (Array.isArray(shape)) {
        return (value as ReadonlyArray<unknown>).flatMap((item) =>
          keysOf(item, shape[0], `${path}[]`),
        )
      }
      const record = value as Record<string, unknown>
      expect(Object.keys(record).sort(), path).toEqual(Object.keys(shape).sort())
      return Object.entries(shape).flatMap(([field, inner]) =>
        keysOf(record[field], inner, `${path}.${field}`),
      )
    }
    const events: Record<MessageKind.MessageKind, number> = {
      initial: 2,
      update: 5,
      escalation: 6,
      resolution: 9,
      postmortem: 10,
      reminder: 10,
      notice: 5,
    }
    for (const kind of MessageKind.kinds) {
      const context = messageContext(kind, {
        incident: incidentAfter(events[kind]),
        runbook,
        now,
        assessment,
        actionItems: ["x"],
        reminder: { reason: "r", items: ["i"] },
      })
      keysOf(context, contextShape(kind), kind)
    }
  })
})

describe("timeline lines", () => {
  const at = (date: Date) => date.toISOString()

  it("describe every kind of event", () => {
    const lines = [
      { type: "severity-changed", at: now, severity: "P1", reason: "partial recovery", by: "bob" },
      { type: "flag-raised", at: now, flag: "data-loss", note: "3 hours of readings" },
      {
        type: "action-taken",
        at: now,
        action: "docker.restart",
        dryRun: true,
        outcome: "planned",
        detail: "",
      },
    ].map((event) => describeEvent(event as IncidentEvent.IncidentEvent, runbook, at))
    expect(lines).toEqual([
      "Severity changed to P1 by bob: partial recovery",
      "Flag raised: Data loss confirmed (3 hours of readings)",
      "Dry run of docker.restart planned",
    ])
  })

  it("name events this version does not know by their type", () => {
    const sent = {
      type: "notification-sent",
      at: now,
      message: "initial",
      channels: ["incidents"],
      key: "k",
    }
    expect(describeEvent(sent as unknown as IncidentEvent.IncidentEvent, runbook, at)).toBe(
      "Sent the initial message to incidents",
    )
    const future = { type: "runbook-step-checked", at: now, summary: "Checked the calendar" }
    expect(describeEvent(future as unknown as IncidentEvent.IncidentEvent, runbook, at)).toBe(
      "Runbook step checked: Checked the calendar",
    )
  })
})
