// `ir triage --open`: the assessment becomes an incident in the journal (once: a second triage
// of the same outage joins the open incident), and with `--notify` the page and the initial
// alert, with the assessment's evidence, go out.
import { type Assessment, escalate, findSeverity, hasFlag, Maintenance } from "@ir/core"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { TriageReport } from "../TriageReport.js"
import type { CommandContext } from "./Handler.js"
import {
  dispatchLines,
  dispatchView,
  dueLines,
  incidentJson,
  needsAttention,
} from "./IncidentText.js"
import { dispatchDue, fromJournal, fromResponder, withLifecycle } from "./Lifecycle.js"

export interface TriageOpenArgs {
  readonly config: Option.Option<string>
  readonly json: boolean
  readonly quiet: boolean
  readonly verbose: boolean
  readonly at: Option.Option<string>
  readonly by: Option.Option<string>
  readonly notify: boolean
}

/** What `--open` did: for the JSON document and for the text report. */
export interface TriageOpened {
  readonly json: unknown
  readonly lines: ReadonlyArray<string>
  /** A message could not be sent. */
  readonly failed: boolean
}

/** Opens (or joins) the incident of an assessment with a matched playbook. */
export const openFromTriage = (
  args: TriageOpenArgs,
  context: CommandContext,
  report: TriageReport,
  assessment: Assessment,
): Effect.Effect<TriageOpened, import("../CliError.js").UserError> =>
  withLifecycle(context, args, (lifecycle) =>
    Effect.gen(function* () {
      const { runbook, clock, journal, output } = lifecycle
      const style = output.style
      const matched = assessment.matches.filter((match) => match.status === "matched")
      const lead = matched[0]
      if (lead === undefined || assessment.severity === undefined) {
        return {
          json: { created: false, reason: "no playbook matched: no incident opened" },
          lines: [style.dim("No playbook matched: no incident opened.")],
          failed: false,
        }
      }
      const evidence = lead.symptoms
        .filter((symptom) => symptom.outcome === "matched")
        .map((symptom) => symptom.text)
      const dedupKey = `triage:${lead.playbook}`
      const asserted = {
        type: "flag-raised" as const,
        at: clock.now,
        flag: "planned-maintenance" as const,
        note: "asserted with ir triage --assert planned-maintenance",
        by: lifecycle.by(args.by),
      }
      // Through the responder: the maintenance windows decide here too whether it pages.
      const opened = yield* Effect.mapError(
        lifecycle.responder().open(
          {
            at: clock.now,
            title: lead.title,
            severity: assessment.severity,
            playbooks: matched.map((match) => match.playbook),
            summary: evidence.length === 0 ? report.headline : evidence.join("; "),
            ...(assessment.response === undefined ? {} : { impact: assessment.response.impact }),
            source: { kind: "triage", key: dedupKey },
            dedupKey,
            by: lifecycle.by(args.by),
            ...(assessment.plannedMaintenance ? { initialEvents: [asserted] } : {}),
          },
          { notify: false },
        ),
        fromResponder,
      )
      const id = opened.incident.humanId
      // Asserted planned maintenance: the incident is recorded and flagged, so that nobody is
      // paged for it, now or by a later `ir escalate`/`ir serve`; its messages still go out. A
      // new incident has the flag from its opening; one it joins gets it now.
      if (assessment.plannedMaintenance && !hasFlag(opened.incident.state, "planned-maintenance"))
        yield* Effect.mapError(journal.append(id, [asserted]), fromJournal)
      const window =
        opened.maintenance.length > 0 ? Maintenance.notPagedNote(opened.maintenance) : undefined
      const sent = args.notify ? yield* dispatchDue(lifecycle, id, { assessment }) : undefined
      const record = yield* Effect.mapError(journal.read(id), fromJournal)
      const due = escalate(runbook, record.state, clock.now)
      const dispatches = sent?.status === "done" ? sent.dispatches : []
      const severity = findSeverity(runbook.severities, record.state.severity)
      const lines = [
        opened.created
          ? `Opened ${style.bold(id)} (${record.state.severity} ${severity?.name ?? ""}): ${record.state.title}`
          : `Already open as ${style.bold(id)} (${record.state.severity}, ${record.state.status}): ${record.state.title}`,
        ...(assessment.plannedMaintenance
          ? [
              style.yellow(
                "Not paged: planned maintenance was asserted, so the incident is flagged planned-maintenance and nobody is paged for it (messages still go out).",
              ),
            ]
          : []),
        ...(window === undefined ? [] : [style.yellow(window)]),
        ...dispatchLines(dispatches, style),
        ...(sent?.status === "busy" ? [sent.detail] : []),
        ...(due.length === 0
          ? []
          : [
              style.bold(
                args.notify
                  ? "Still due:"
                  : "Due now (send with --notify, or `ir escalate --notify`):",
              ),
              ...dueLines(due, clock.now, runbook.calendar.timeZone, style).map(
                (line) => `  ${line}`,
              ),
            ]),
      ]
      return {
        json: {
          created: opened.created,
          ...incidentJson(record, runbook, clock.now, due),
          notifications: dispatches.map(dispatchView),
          ...(assessment.plannedMaintenance
            ? {
                notPaged:
                  "planned maintenance asserted: the incident is flagged planned-maintenance",
              }
            : window === undefined
              ? {}
              : { notPaged: window }),
        },
        lines,
        failed: dispatches.some(needsAttention),
      }
    }),
  )
