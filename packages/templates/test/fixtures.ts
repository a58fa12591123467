// Incidents the tests render: a P0 from opening to post-mortem, and the same story told with
// text full of characters every format must escape.
import {
  defaultRunbook,
  foldIncident,
  type Incident,
  type IncidentEvent,
  type Runbook,
} from "@ir/core"
import { Either } from "effect"

export const runbook: Runbook = defaultRunbook

const at = (time: string) => new Date(`2026-11-28T${time}:00Z`)

export const opened: IncidentEvent.IncidentEvent = {
  type: "opened",
  at: at("10:00"),
  incidentId: "INC-2026-0042",
  title: "System completely down",
  severity: "P0",
  playbooks: ["system-down"],
  summary: "Health check endpoint unreachable; every API endpoint answers 503",
  impact: "All users: no predictions are served",
  source: { kind: "triage" },
}

export const lifecycle: ReadonlyArray<IncidentEvent.IncidentEvent> = [
  opened,
  { type: "acknowledged", at: at("10:04"), by: "alice" },
  {
    type: "action-taken",
    at: at("10:12"),
    action: "docker.restart",
    target: "app",
    dryRun: false,
    outcome: "failed",
    detail: "container exited again after 20s (out of memory)",
    by: "alice",
  },
  { type: "flag-raised", at: at("10:20"), flag: "multiple-systems-affected", by: "alice" },
  {
    type: "update-posted",
    at: at("10:25"),
    progress: "Restarted the app container; it is killed by the OOM killer after 20 seconds",
    status: "Still down",
    nextSteps: "Roll back to the last known good version",
    eta: "11:30 UTC",
    by: "alice",
  },
  {
    type: "escalated",
    at: at("10:30"),
    level: 1,
    to: "SRE Manager",
    rule: "p0-not-restored",
  },
  {
    type: "action-taken",
    at: at("10:41"),
    action: "deploy.rollback",
    target: "app",
    dryRun: false,
    outcome: "succeeded",
    detail: "rolled back to v1.4.2",
    by: "bob",
  },
  { type: "mitigated", at: at("10:50"), summary: "Rolled back to v1.4.2", by: "bob" },
  {
    type: "resolved",
    at: at("11:25"),
    resolution: "Rolled back to v1.4.2 and raised the memory limit to 2 GiB",
    rootCause: "A memory leak in the model loader introduced in v1.5.0",
    by: "alice",
  },
  {
    type: "postmortem-scheduled",
    at: at("11:30"),
    scheduledFor: new Date("2026-12-01T14:00:00Z"),
    by: "alice",
  },
]

/** The incident after the first `count` events. */
export const incidentAfter = (count: number, events = lifecycle): Incident =>
  Either.getOrThrow(foldIncident(events.slice(0, count)))

/** Text that breaks every format if it is not escaped. */
const nasty = {
  title: 'DB <down> & "cache" *on fire* <!channel> @here',
  summary:
    "<script>alert('x')</script> & <https://evil.example|click me> [link](https://evil.example) `code` _em_ ~strike~ | pipe #hashtag",
  impact:
    "Users of <@U024BE7LH> & team\u0007 bell\u202Eevil\nsecond line\n# heading\n- item\n1. one",
  commander: "<b>mallory</b> & @channel",
  progress: "**bold** <!here> &amp; already-escaped \\ backslash",
}

export const hostile: ReadonlyArray<IncidentEvent.IncidentEvent> = lifecycle.map((event) => {
  switch (event.type) {
    case "opened":
      return {
        ...event,
        incidentId: "INC-<7>&8",
        title: nasty.title,
        summary: nasty.summary,
        impact: nasty.impact,
        commander: nasty.commander,
      }
    case "update-posted":
      return {
        ...event,
        progress: nasty.progress,
        status: "<i>down</i>",
        nextSteps: "[x](y) & z",
        publicNote: "<b>Rolled back</b> db-1.prod.internal (10.0.0.1) & *more* <!here>",
      }
    case "resolved":
      return { ...event, resolution: "Fixed <it> & *more*", rootCause: "`rm -rf` <oops>" }
    case "action-taken":
      return { ...event, detail: "<img src=x onerror=alert(1)> & @everyone" }
    default:
      return event
  }
})

export const assessment = {
  playbooks: [
    {
      title: "System Completely Down",
      confidence: "high",
      evidence: ["Health check endpoint unreachable", "All API endpoints returning 5xx errors"],
    },
  ],
  nextSteps: [
    "Check if it's a planned maintenance (check calendar)",
    "Verify the issue affects all users",
    "Check infrastructure status (AWS, GCP, etc.)",
  ],
}

export const hostileAssessment = {
  playbooks: [
    { title: "Playbook <b>&</b>", confidence: "*high*", evidence: ["<!everyone> spotted"] },
  ],
  nextSteps: ["Run `curl <http://x>` & see"],
}
