import type { Runbook } from "../Runbook.js"
import { playbooks } from "./playbooks.js"
import { severities } from "./severities.js"
import { thresholds } from "./thresholds.js"

/**
 * The seed runbook (the IoT anomaly-detection service), in its encoded (YAML/JSON) form. It is
 * written as it decodes: with the two sections decoding fills in, it is the decoded runbook too
 * (`defaultRunbook`; test/Runbook.test.ts holds the two together).
 */
export const defaultRunbookDocument: typeof Runbook.Encoded = {
  name: "Incident Response Runbook",
  description:
    "This runbook provides step-by-step procedures for responding to incidents in the IoT Anomaly Detection system.",
  calendar: {
    timeZone: "UTC",
    workingDays: [1, 2, 3, 4, 5],
    workingHours: { start: "09:00", end: "17:00" },
    holidays: [],
  },
  thresholds,
  severities,
  playbooks,
  escalation: {
    rules: [
      {
        id: "p0-not-restored",
        text: "Unable to restore service within 30 minutes",
        severities: ["P0"],
        phase: "immediate",
        trigger: { unresolvedFor: "30m" },
      },
      {
        id: "data-loss",
        text: "Data loss confirmed",
        severities: ["P0", "P1", "P2", "P3"],
        phase: "immediate",
        trigger: { flag: "data-loss" },
        // the seed lists data loss among P0's examples
        raiseTo: "P0",
      },
      {
        id: "security-suspected",
        text: "Security incident suspected",
        severities: ["P0", "P1", "P2", "P3"],
        phase: "immediate",
        trigger: { flag: "security-suspected" },
        // a security breach is a P0 example, and the Security Team (security@) is told
        raiseTo: "P0",
        notify: ["security"],
      },
      {
        id: "p1-no-progress",
        text: "No progress after 2 hours",
        severities: ["P1"],
        phase: "after-initial-response",
        trigger: { noProgressFor: "2h" },
      },
      {
        id: "customer-impact-increasing",
        text: "Customer impact increasing",
        severities: ["P1"],
        phase: "after-initial-response",
        trigger: { flag: "customer-impact-increasing" },
      },
      {
        id: "multiple-systems-affected",
        text: "Multiple systems affected",
        severities: ["P1"],
        phase: "after-initial-response",
        trigger: { flag: "multiple-systems-affected" },
      },
    ],
    contacts: [
      { role: "Technical Lead", phone: "+1-555-0101", channels: [] },
      { role: "SRE Manager", phone: "+1-555-0102", channels: [] },
      { role: "VP Engineering", phone: "+1-555-0103", channels: [] },
    ],
    // "Short-term (within 1 week): Conduct post-mortem meeting"
    postmortem: {
      text: "Conduct post-mortem meeting",
      within: "7d",
      scheduleAfterBusinessDays: 2,
      checklist: "short-term",
    },
  },
  channels: [
    {
      id: "incidents",
      audience: "internal",
      kind: "slack",
      text: "#incidents Slack channel",
      target: "#incidents",
    },
    { id: "status-page", audience: "external", kind: "statuspage", text: "Status page updates" },
    { id: "support-tickets", audience: "customer", kind: "ticket", text: "Support ticket updates" },
    {
      id: "security",
      audience: "direct",
      kind: "email",
      text: "Security Team",
      target: "security@company.com",
    },
  ],
  communications: [
    {
      id: "initial",
      title: "Initial Response",
      when: "within 15 minutes",
      text: "🚨 INCIDENT ALERT - P[X] \n\nSummary: [Brief description]\nImpact: [Who/what is affected]\nStatus: Investigating\nETA: [Expected resolution time]\nNext Update: [Time]\n\nIncident Commander: [Name]",
    },
    {
      id: "update",
      title: "Status Update",
      when: "every 30 minutes for P0, hourly for P1",
      text: "📊 INCIDENT UPDATE - P[X]\n\nProgress: [What has been done]\nCurrent Status: [Current state]\nNext Steps: [What's being done next]\nETA: [Updated estimate]\nNext Update: [Time]",
    },
    {
      id: "resolution",
      title: "Resolution Notice",
      when: "when the incident is resolved",
      text: "✅ INCIDENT RESOLVED - P[X]\n\nResolution: [What fixed it]\nRoot Cause: [If known]\nDuration: [Total downtime]\nNext Steps: [Post-mortem, etc.]\n\nThank you for your patience.",
    },
  ],
  monitoring: [
    { name: "Grafana", url: "http://localhost:3000" },
    { name: "Prometheus", url: "http://localhost:9090" },
    { name: "Alertmanager", url: "http://localhost:9093" },
  ],
  logs: [
    {
      text: "Application logs",
      command: "docker-compose logs -f app",
      probe: { probe: "docker.logs", params: { role: "app" } },
    },
    {
      text: "Database logs",
      command: "docker-compose logs -f postgres",
      probe: { probe: "docker.logs", params: { role: "postgres" } },
    },
    {
      text: "All services",
      command: "docker-compose logs -f",
      probe: { probe: "docker.logs", params: { role: "*" } },
    },
  ],
  usefulCommands: [
    {
      id: "service-health",
      title: "Service health",
      steps: [
        {
          text: "Container status",
          command: "docker-compose ps",
          probe: { probe: "docker.containers" },
        },
        {
          text: "Processes in the containers",
          command: "docker-compose top",
          probe: { probe: "docker.stats" },
        },
      ],
    },
    {
      id: "resource-usage",
      title: "Resource usage",
      steps: [
        { text: "Container resources", command: "docker stats", probe: { probe: "docker.stats" } },
        { text: "Disk space", command: "df -h", probe: { probe: "host.disk" } },
        { text: "Memory", command: "free -h", probe: { probe: "host.memory" } },
      ],
    },
    {
      id: "network-connectivity",
      title: "Network connectivity",
      steps: [
        {
          text: "Health endpoint",
          command: "curl -v http://localhost:8000/health",
          probe: { probe: "http.health" },
        },
        {
          text: "Database host",
          command: "ping database-host",
          probe: { probe: "postgres.connectivity" },
        },
      ],
    },
  ],
  configurationFiles: [
    { name: "docker-compose.yml", contact: "Service configuration" },
    { name: "config/monitoring/prometheus.yml", contact: "Metrics configuration" },
    { name: "config/monitoring/alert_rules.yml", contact: "Alert definitions" },
  ],
  postIncident: [
    {
      id: "immediate",
      title: "Immediate",
      within: "within 24 hours",
      steps: [
        { text: "Ensure system stability" },
        { text: "Update monitoring if needed" },
        { text: "Document lessons learned" },
        { text: "Update this runbook if necessary" },
      ],
    },
    {
      id: "short-term",
      title: "Short-term",
      within: "within 1 week",
      steps: [
        { text: "Conduct post-mortem meeting" },
        { text: "Create action items for prevention" },
        { text: "Update alerts and monitoring" },
        { text: "Share learnings with team" },
      ],
    },
    {
      id: "long-term",
      title: "Long-term",
      within: "within 1 month",
      steps: [
        { text: "Implement preventive measures" },
        { text: "Update documentation" },
        { text: "Review and test procedures" },
        { text: "Update training materials" },
      ],
    },
  ],
  onCall: [
    { name: "Primary", contact: "Check PagerDuty schedule" },
    { name: "Secondary", contact: "Check PagerDuty schedule" },
    { name: "Escalation", contact: "Technical Lead" },
  ],
  vendorContacts: [
    { name: "Cloud Provider", contact: "[Support number]" },
    { name: "Database", contact: "[Support portal]" },
    { name: "Monitoring", contact: "[Support email]" },
  ],
  internalContacts: [
    { name: "Security Team", contact: "security@company.com" },
    { name: "DevOps Team", contact: "devops@company.com" },
    { name: "Product Team", contact: "product@company.com" },
  ],
  training: [
    {
      id: "monthly",
      title: "Monthly Drills",
      within: "monthly",
      steps: [
        { text: "Simulated outage response" },
        { text: "Escalation procedure testing" },
        { text: "Communication channel testing" },
      ],
    },
    {
      id: "quarterly",
      title: "Quarterly Reviews",
      within: "quarterly",
      steps: [
        { text: "Runbook updates" },
        { text: "Process improvements" },
        { text: "Tool evaluations" },
      ],
    },
    {
      id: "annual",
      title: "Annual Training",
      within: "annually",
      steps: [
        { text: "New team member onboarding" },
        { text: "Advanced incident response" },
        { text: "Cross-team coordination" },
      ],
    },
  ],
  queries: [
    {
      name: "Error rate",
      query: 'rate(http_requests_total{status=~"5.."}[5m])',
      signal: "api.error_ratio",
    },
    {
      name: "Latency P95",
      query: "histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))",
      signal: "api.latency_p95_seconds",
    },
    { name: "Memory usage", query: "memory_usage_bytes / 1024 / 1024", signal: "app.memory_bytes" },
  ],
  logSearches: [
    {
      text: "Recent errors",
      command: "docker-compose logs --since=30m app | grep ERROR",
      probe: { probe: "docker.logs", params: { role: "app", since: "30m", pattern: "errors" } },
    },
    {
      text: "Database connection issues",
      command: 'docker-compose logs app | grep -i "connection\\|database"',
      probe: { probe: "docker.logs", params: { role: "app", pattern: "connection" } },
    },
    {
      text: "Memory issues",
      command: 'docker-compose logs app | grep -i "memory\\|oom"',
      probe: { probe: "docker.logs", params: { role: "app", pattern: "memory" } },
    },
  ],
  recoveryScripts: [
    {
      text: "restart_services.sh - Safe service restart",
      command: "scripts/recovery/restart_services.sh",
      action: { action: "docker.restart", params: { role: "app" } },
    },
    {
      text: "health_check.sh - Comprehensive health check",
      command: "scripts/recovery/health_check.sh",
      probe: { probe: "http.health" },
    },
    {
      text: "backup_recovery.sh - Data recovery procedures",
      command: "scripts/recovery/backup_recovery.sh",
      probe: { probe: "postgres.backup" },
      action: { action: "postgres.restore-check" },
    },
  ],
}
