/**
 * Builders and fast-check arbitraries for incident events, shared by the incident, deadline and
 * escalation tests.
 */
import { Either } from "effect"
import fc from "fast-check"
import {
  type DueAction,
  foldIncident,
  type Incident,
  type IncidentEvent,
  type SeverityLevel,
} from "../src/index.js"

type Event = IncidentEvent.IncidentEvent

export const incidentId = "INC-2026-0001"

/** Saturday 28 November 2026, 10:00 UTC. */
export const t0 = new Date("2026-11-28T10:00:00Z")

/** `t0` plus a number of minutes. */
export const at = (minutes: number, from: Date = t0): Date =>
  new Date(from.getTime() + minutes * 60_000)

export const opened = (severity: SeverityLevel, when: Date = t0, id = incidentId): Event => ({
  type: "opened",
  at: when,
  incidentId: id,
  title: "System completely down",
  severity,
  playbooks: ["system-down"],
  summary: "Health check endpoint unreachable",
})

export const update = (when: Date): Event => ({
  type: "update-posted",
  at: when,
  progress: "Restarted the app container",
  status: "Investigating",
  nextSteps: "Check database connections",
})

export const flag = (when: Date, raised: IncidentEvent.IncidentFlag): Event => ({
  type: "flag-raised",
  at: when,
  flag: raised,
})

export const fold = (events: ReadonlyArray<Event>): Incident => {
  const result = foldIncident(events)
  if (Either.isLeft(result)) throw new Error(`fixture does not fold: ${result.left.message}`)
  return result.right
}

/** The event a CLI would append once it has carried out a due action. */
export const record = (action: DueAction, when: Date, asEscalated = true): Event => {
  if (action.kind === "escalate" && asEscalated) {
    return {
      type: "escalated",
      at: when,
      level: action.contact?.level ?? 0,
      to: action.contact?.role ?? "nobody",
      rule: action.rule.id,
      key: action.key,
    }
  }
  return {
    type: "notification-sent",
    at: when,
    message: action.message,
    channels: action.channels,
    key: action.key,
  }
}

const severity = fc.constantFrom<SeverityLevel>("P0", "P1", "P2", "P3")

/** Minutes around `t0`, sometimes an invalid date. */
const time = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: -30, max: 600 }).map((minutes) => at(minutes)) },
  { weight: 1, arbitrary: fc.constant(new Date(Number.NaN)) },
)

const keys = fc.constantFrom(
  `${incidentId}:notify-initial`,
  `${incidentId}:page:P0`,
  `${incidentId}:post-update:1:1`,
  `${incidentId}:post-update:1:2`,
  `${incidentId}:escalate:p0-not-restored:0`,
  `${incidentId}:escalate:p0-not-restored:1`,
  `${incidentId}:escalate:data-loss:0`,
  `${incidentId}:escalate:p1-no-progress:1`,
  `${incidentId}:notify-resolution`,
  `${incidentId}:schedule-postmortem`,
  "something-else",
)

const by = fc.option(fc.constantFrom("alice", "bob"), { nil: undefined })
const withBy = <T extends object>(event: T, who: string | undefined) =>
  who === undefined ? event : { ...event, by: who }

/** Any single incident event, of every type. */
export const anyEvent: fc.Arbitrary<Event> = fc.oneof(
  fc.tuple(time, severity).map(([when, level]) => opened(level, when)),
  fc
    .tuple(time, fc.constantFrom("alice", "bob"))
    .map(([when, who]): Event => ({ type: "acknowledged", at: when, by: who })),
  fc
    .tuple(time, severity, by)
    .map(
      ([when, level, who]): Event =>
        withBy({ type: "severity-changed", at: when, severity: level, reason: "reassessed" }, who),
    ),
  time.map(update),
  fc
    .tuple(
      time,
      fc.constantFrom<IncidentEvent.IncidentFlag>(
        "data-loss",
        "security-suspected",
        "customer-impact-increasing",
        "multiple-systems-affected",
      ),
    )
    .map(([when, raised]) => flag(when, raised)),
  fc.tuple(time, fc.boolean(), fc.constantFrom("planned", "succeeded", "failed" as const)).map(
    ([when, dryRun, outcome]): Event => ({
      type: "action-taken",
      at: when,
      action: "docker.restart",
      target: "app",
      dryRun,
      outcome,
      detail: "restart",
    }),
  ),
  fc.tuple(time, fc.integer({ min: 0, max: 4 }), fc.option(keys, { nil: undefined })).map(
    ([when, level, key]): Event => ({
      type: "escalated",
      at: when,
      level,
      to: "Technical Lead",
      rule: "manual",
      ...(key === undefined ? {} : { key }),
    }),
  ),
  time.map((when): Event => ({ type: "mitigated", at: when, summary: "Rolled back" })),
  time.map((when): Event => ({ type: "resolved", at: when, resolution: "Restarted postgres" })),
  fc
    .tuple(time, time)
    .map(
      ([when, scheduledFor]): Event => ({ type: "postmortem-scheduled", at: when, scheduledFor }),
    ),
  fc
    .tuple(
      time,
      fc.constantFrom<IncidentEvent.NotificationMessage>(
        "initial",
        "update",
        "resolution",
        "escalation",
        "page",
        "postmortem",
      ),
      keys,
    )
    .map(
      ([when, message, key]): Event => ({
        type: "notification-sent",
        at: when,
        message,
        channels: ["incidents"],
        key,
      }),
    ),
)

const byTime = (a: Event, b: Event) => a.at.getTime() - b.at.getTime()

/**
 * Sequences of events: usually starting with an opening, sometimes sorted by time (so that many
 * fold), sometimes in any order.
 */
export const eventSequence: fc.Arbitrary<ReadonlyArray<Event>> = fc
  .tuple(
    fc.option(fc.tuple(severity, fc.integer({ min: -30, max: 60 })), { freq: 8, nil: undefined }),
    fc.array(anyEvent, { maxLength: 14 }),
    fc.constantFrom("sorted", "sorted", "sorted", "as generated"),
  )
  .map(([opening, rest, order]) => {
    const events = order === "sorted" ? [...rest].sort(byTime) : rest
    if (opening === undefined) return events
    const [level, minutes] = opening
    const start = at(minutes)
    const after = order === "sorted" ? events.filter((event) => !(event.at < start)) : events
    return [opened(level, start), ...after]
  })
