/** The commented `ir.config.yaml` that `ir config init` writes. Every line is optional. */
export const configTemplate = `# ir.config.yaml: the incident-response runbook for this service.
# Found from the working directory upward (or given with --config / $IR_CONFIG).
# \${VAR} and \${VAR:-default} are replaced from the environment; keep secrets there.
# Check it with \`ir config show\` (secrets redacted) and \`ir runbook lint\`.

# The runbook: overrides laid onto the default runbook (the seed's six playbooks, P0-P3,
# escalation rules and templates). See \`ir runbook render\` for the result.
# For a complete runbook of your own: runbook: { file: ./runbook.yaml }
runbook:
  # thresholds:
  #   api.error_ratio: { warn: 0.05, critical: 0.1 }     # "error rate > 10%"
  #   host.memory.used_ratio: { warn: 0.85, critical: 0.95 }
  #   data.processed.age_seconds: { warn: 1800, critical: 7200 }
  # escalation:
  #   contacts:                                          # the chain, first contact first
  #     - { role: Technical Lead, name: Ada, phone: "+1-555-0101" }
  #     - { role: SRE Manager, phone: "+1-555-0102" }
  #     - { role: VP Engineering, phone: "+1-555-0103" }
  # channels:
  #   - { id: incidents, target: "#incidents" }
  # calendar: { timeZone: Europe/Berlin }                # for "1 business day" (P3)
  # playbooks:                                           # change a playbook by id, or add one
  #   - id: high-api-error-rate
  #     defaultSeverity: P1

# What the probes look at. Unset sections keep the defaults shown here; \`false\` turns a
# default target off (e.g. prometheus: false when there is none).
targets:
  http:
    health: { url: "http://localhost:8000/health" }
    predict:
      url: "http://localhost:8000/predict"
      sample: { temperature: 25.0, pressure: 1013.25, humidity: 60.0, vibration: 0.1 }
    # dataSource: { url: "http://data-source-api/health" }
  prometheus:
    url: "http://localhost:9090"
    # job: app                                           # the application's scrape job
  # postgres:                                            # default: $DATABASE_URL or PG* variables
  #   url: "postgres://app:\${PGPASSWORD}@localhost:5432/anomaly_db"
  #   backups:                                           # postgres.backup, ir action restore-check
  #     dir: /var/backups/postgres                       # pg_dump -Fc files or base backups
  #     restoreCheck: { tables: [{ table: sensor_readings, newest: recorded_at }] }
  # docker:                                              # default: $DOCKER_HOST or /var/run/docker.sock
  #   containers: { app: app, postgres: postgres }       # role: container name or { label: key=value }
  files:
    models: { dir: saved_models }                        # add manifest: SHA256SUMS to detect corruption
    data: { raw: data/raw, processed: data/processed }
    # backups: { exports: /var/backups/exports }         # any directory of dated backups, by name
  timeouts:
    default: 5s
    # probes: { postgres.connectivity: 2s }
  # thresholds:                                          # check_postgres-style levels for the probes
  #   postgres.connections.used_ratio: { warn: "80%", critical: "95%" }

# Where \`ir incident\`, \`ir escalate\`, \`ir notify\` and \`ir serve\` keep incidents and send
# messages (see docs/incidents.md). Channel ids match the runbook's channels (incidents, …).
# notify:
#   channels:
#     - { id: incidents, kind: slack, webhookUrl: "\${SLACK_WEBHOOK_URL}" }
#     - { id: on-call, kind: pagerduty, routingKey: "\${PAGERDUTY_ROUTING_KEY}" }
#   timeout: 10s                                         # one delivery attempt
#   retries: 3
# journal:                                               # default: a directory in $XDG_STATE_HOME/ir
#   dir: .ir/journal                                     # or: { backend: postgres, url: "\${IR_JOURNAL_URL}" }
# serve:                                                 # ir serve, and ir alerts route's default URL
#   port: 9111
#   token: "\${IR_ALERTS_TOKEN}"                          # the bearer token Alertmanager sends
`
