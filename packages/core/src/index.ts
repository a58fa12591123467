/**
 * @ir/core: the incident-response runbook as typed data and pure rules.
 *
 * @example
 * ```ts
 * import { defaultRunbook, triage, Observation } from "@ir/core"
 * const assessment = triage(
 *   defaultRunbook,
 *   Observation.fromRecord({ "http.health.reachable": false }, new Date()),
 * )
 * ```
 */
export * as Action from "./Action.js"
export * as AlertGroup from "./AlertGroup.js"
export * as AlertRules from "./AlertRules.js"
export { alertRules } from "./AlertRules.js"
export * as Audience from "./Audience.js"
export * as BusinessCalendar from "./BusinessCalendar.js"
export * as Deadline from "./Deadline.js"
export * as Drill from "./Drill.js"
export { DrillResult, drill, synthesizeObservations } from "./Drill.js"
export * as DrillReport from "./DrillReport.js"
export * as Duration from "./Duration.js"
export * as Escalation from "./Escalation.js"
export { DueAction, DueActionKind, escalate, nextDueAt, severityRaises } from "./Escalation.js"
export * as FollowUp from "./FollowUp.js"
export {
  type ActionItem,
  activeStatuses,
  applyEvent,
  awaitsAcknowledgement,
  foldIncident,
  hasFlag,
  type Incident,
  type IncidentStatus,
  IncidentTransitionError,
  latestEscalationAt,
  type RaisedFlag,
  recordedKeys,
} from "./Incident.js"
export * as IncidentEvent from "./IncidentEvent.js"
export * as JsonDepth from "./JsonDepth.js"
export * as Maintenance from "./Maintenance.js"
export * as Observation from "./Observation.js"
export * as OnCall from "./OnCall.js"
export {
  find as findPlaybook,
  Playbook,
  PlaybookId,
  SeverityRule,
} from "./Playbook.js"
export {
  type AlertLabels,
  type AlertPlaybook,
  createPlaybookMapper,
  type MatchedBy,
  type PlaybookMapperOptions,
  playbookForAlert,
} from "./PlaybookMapping.js"
export * as Postmortem from "./Postmortem.js"
export * as Probe from "./Probe.js"
export * as Redaction from "./Redaction.js"
export * as Report from "./Report.js"
export {
  Channel,
  CommunicationTemplate,
  ContactEntry,
  defaultRunbook,
  Link,
  NamedQuery,
  Runbook,
  StepGroup,
} from "./Runbook.js"
export {
  ChannelOverride,
  decodeRunbook,
  LinkOverride,
  mergeRunbook,
  PlaybookOverride,
  RunbookDecodeError,
  type RunbookIssue,
  RunbookOverrides,
  type RunbookSource,
  SeverityOverride,
} from "./RunbookDocument.js"
export * as RunbookLint from "./RunbookLint.js"
export { renderPredicate, renderRunbookMarkdown } from "./RunbookMarkdown.js"
export * as SchemaIssues from "./SchemaIssues.js"
export {
  find as findSeverity,
  highest as highestSeverity,
  levels as severityLevels,
  max as maxSeverity,
  RaiseMethod,
  ResponseTime,
  rank as severityRank,
  Severity,
  SeverityLevel,
} from "./Severity.js"
export * as Signal from "./Signal.js"
export * as StatusPage from "./StatusPage.js"
export { Step } from "./Step.js"
export * as Symptom from "./Symptom.js"
export * as TerminalText from "./TerminalText.js"
export * as Threshold from "./Threshold.js"
export * as Training from "./Training.js"
export * as Triage from "./Triage.js"
export { Assessment, triage } from "./Triage.js"
