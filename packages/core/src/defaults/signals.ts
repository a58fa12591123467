import type { SignalDefinition } from "../Signal.js"

/** The signal vocabulary, grouped by the probe family that produces it. */
export const signalVocabulary: ReadonlyArray<SignalDefinition> = [
  // HTTP endpoints
  {
    key: "http.health.reachable",
    type: "boolean",
    description: "The health endpoint answered at all (any HTTP status) within its timeout.",
    producedBy: ["http.health"],
  },
  {
    key: "http.health.status_code",
    type: "number",
    description: "HTTP status code of the health endpoint.",
    producedBy: ["http.health"],
  },
  {
    key: "http.health.latency_seconds",
    type: "seconds",
    unit: "s",
    description: "Time until the health endpoint's response was complete.",
    producedBy: ["http.health"],
  },
  {
    key: "http.health.status",
    type: "enum",
    values: ["pass", "warn", "fail"],
    description: "The `status` of an application/health+json body, when the endpoint returns one.",
    producedBy: ["http.health"],
  },
  {
    key: "http.predict.reachable",
    type: "boolean",
    description: "The prediction endpoint answered at all within its timeout.",
    producedBy: ["http.predict"],
  },
  {
    key: "http.predict.ok",
    type: "boolean",
    description:
      "The prediction endpoint answered the configured sample with a 2xx JSON response of the expected shape.",
    producedBy: ["http.predict"],
  },
  {
    key: "http.predict.status_code",
    type: "number",
    description: "HTTP status code of the prediction endpoint for the configured sample.",
    producedBy: ["http.predict"],
  },
  {
    key: "http.predict.latency_seconds",
    type: "seconds",
    unit: "s",
    description: "Time until the prediction endpoint's response was complete.",
    producedBy: ["http.predict"],
  },
  {
    key: "http.data_source.reachable",
    type: "boolean",
    description: "The data source's health URL answered a HEAD request with a non-5xx status.",
    producedBy: ["http.data-source"],
  },
  // Prometheus
  {
    key: "prometheus.reachable",
    type: "boolean",
    description: "The Prometheus HTTP API answered.",
    producedBy: ["prometheus.scrape-health"],
  },
  {
    key: "prometheus.targets.up_ratio",
    type: "ratio",
    description: "Share of the application's scrape targets whose `up` is 1.",
    producedBy: ["prometheus.scrape-health"],
    promql: { expr: 'avg(up{job="app"})' },
  },
  {
    key: "prometheus.metrics.present",
    type: "boolean",
    description:
      'The application\'s request metrics exist in Prometheus (false is what "Grafana showing no metrics" looks like).',
    producedBy: ["prometheus.scrape-health"],
    promql: {
      whenTrue: "count(http_requests_total) > 0",
      whenFalse: "absent(http_requests_total)",
    },
  },
  {
    key: "api.error_ratio",
    type: "ratio",
    description:
      'Share of HTTP requests answered with 5xx over the last 5 minutes (`rate(http_requests_total{status=~"5.."}[5m])` over all requests). Carries `over` when the probe also measured how long it has held.',
    producedBy: ["prometheus.error-rate"],
    promql: {
      expr: 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
    },
  },
  {
    key: "api.requests_per_second",
    type: "number",
    unit: "req/s",
    description: "HTTP request rate over the last 5 minutes.",
    producedBy: ["prometheus.error-rate"],
    promql: { expr: "sum(rate(http_requests_total[5m]))" },
  },
  {
    key: "api.latency_p95_seconds",
    type: "seconds",
    unit: "s",
    description:
      "95th percentile request latency over 5 minutes (`histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))`).",
    producedBy: ["prometheus.latency-p95"],
    promql: {
      expr: "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
    },
  },
  {
    key: "app.memory_bytes",
    type: "bytes",
    unit: "B",
    description: "The application's `memory_usage_bytes` metric.",
    producedBy: ["prometheus.memory"],
    promql: { expr: "memory_usage_bytes" },
  },
  {
    key: "model.reconstruction_error",
    type: "number",
    description: "The model's reconstruction error as the application reports it to Prometheus.",
    producedBy: ["prometheus.query"],
    promql: { expr: "model_reconstruction_error" },
  },
  // PostgreSQL
  {
    key: "postgres.reachable",
    type: "boolean",
    description: "A connection to PostgreSQL could be made and `SELECT 1` answered.",
    producedBy: ["postgres.connectivity"],
  },
  {
    key: "postgres.latency_seconds",
    type: "seconds",
    unit: "s",
    description: "Round trip of `SELECT 1` on an open connection.",
    producedBy: ["postgres.connectivity"],
  },
  {
    key: "postgres.connections.used",
    type: "count",
    description:
      "Backends in `pg_stat_activity` (the seed's `SELECT count(*) FROM pg_stat_activity`).",
    producedBy: ["postgres.connections"],
  },
  {
    key: "postgres.connections.used_ratio",
    type: "ratio",
    description: "Client backends against `max_connections` less the superuser reserve.",
    producedBy: ["postgres.connections"],
  },
  {
    key: "postgres.connections.idle_in_transaction",
    type: "count",
    description: "Backends idle in a transaction.",
    producedBy: ["postgres.connections"],
  },
  {
    key: "postgres.locks.waiting",
    type: "count",
    description: "Ungranted locks (`SELECT * FROM pg_locks WHERE NOT granted`).",
    producedBy: ["postgres.locks"],
  },
  {
    key: "postgres.locks.longest_wait_seconds",
    type: "seconds",
    unit: "s",
    description: "How long the longest-waiting ungranted lock has waited.",
    producedBy: ["postgres.locks"],
  },
  {
    key: "postgres.queries.longest_seconds",
    type: "seconds",
    unit: "s",
    description: "Age of the longest-running active query.",
    producedBy: ["postgres.long-queries"],
  },
  {
    key: "postgres.database.size_bytes",
    type: "bytes",
    unit: "B",
    description: "Size of the current database.",
    producedBy: ["postgres.size"],
  },
  // PostgreSQL backups
  {
    key: "postgres.backup.count",
    type: "count",
    description: "Backups (files, or base-backup directories) in the PostgreSQL backup directory.",
    producedBy: ["postgres.backup"],
  },
  {
    key: "postgres.backup.newest_age_seconds",
    type: "seconds",
    unit: "s",
    description: "Age of the newest PostgreSQL backup (its modification time).",
    producedBy: ["postgres.backup"],
  },
  {
    key: "postgres.backup.newest_bytes",
    type: "bytes",
    unit: "B",
    description: "Size of the newest PostgreSQL backup.",
    producedBy: ["postgres.backup"],
  },
  {
    key: "postgres.wal_archive.enabled",
    type: "boolean",
    description: "PostgreSQL archives WAL (`archive_mode` is `on` or `always`).",
    producedBy: ["postgres.backup"],
  },
  {
    key: "postgres.wal_archive.failing",
    type: "boolean",
    description:
      "WAL archiving is failing: `pg_stat_archiver` shows a failure newer than the last success.",
    producedBy: ["postgres.backup"],
  },
  {
    key: "postgres.wal_archive.failed_count",
    type: "count",
    description: "Failed WAL archiving attempts since the statistics were reset.",
    producedBy: ["postgres.backup"],
  },
  {
    key: "postgres.wal_archive.last_archived_age_seconds",
    type: "seconds",
    unit: "s",
    description: "Time since the last WAL file was archived successfully.",
    producedBy: ["postgres.backup"],
  },
  // Docker
  {
    key: "docker.reachable",
    type: "boolean",
    description: "The Docker Engine API answered `/_ping`.",
    producedBy: ["docker.engine"],
  },
  {
    key: "docker.container.<role>.exists",
    type: "boolean",
    description: "A container for the role exists (by name or label).",
    producedBy: ["docker.containers"],
  },
  {
    key: "docker.container.<role>.running",
    type: "boolean",
    description: "The role's container is running.",
    producedBy: ["docker.containers"],
  },
  {
    key: "docker.container.<role>.state",
    type: "enum",
    values: ["created", "running", "paused", "restarting", "removing", "exited", "dead"],
    description: "The container's state as Docker reports it.",
    producedBy: ["docker.containers"],
  },
  {
    key: "docker.container.<role>.health",
    type: "enum",
    values: ["none", "starting", "healthy", "unhealthy"],
    description: "The container's health-check status.",
    producedBy: ["docker.containers"],
  },
  {
    key: "docker.container.<role>.restart_count",
    type: "count",
    description: "How many times Docker restarted the container.",
    producedBy: ["docker.containers"],
  },
  {
    key: "docker.container.<role>.oom_killed",
    type: "boolean",
    description: "The container's last exit was an out-of-memory kill.",
    producedBy: ["docker.containers"],
  },
  {
    key: "docker.container.<role>.exit_code",
    type: "number",
    description: "Exit code of the container's last run.",
    producedBy: ["docker.containers"],
  },
  {
    key: "docker.container.<role>.uptime_seconds",
    type: "seconds",
    unit: "s",
    description: "Time since the container last started.",
    producedBy: ["docker.containers"],
  },
  {
    key: "docker.container.<role>.memory.used_ratio",
    type: "ratio",
    description: "Container memory use against its limit (`docker stats`).",
    producedBy: ["docker.stats"],
  },
  {
    key: "docker.container.<role>.memory.used_bytes",
    type: "bytes",
    unit: "B",
    description: "Container memory use (`docker stats`).",
    producedBy: ["docker.stats"],
  },
  {
    key: "docker.container.<role>.cpu.ratio",
    type: "ratio",
    description: "Container CPU use as a share of the host's cores.",
    producedBy: ["docker.stats"],
  },
  {
    key: "logs.<role>.error_lines",
    type: "count",
    description:
      "Log lines matching `ERROR` in the window (`docker-compose logs app | grep ERROR`).",
    producedBy: ["docker.logs"],
  },
  {
    key: "logs.<role>.connection_lines",
    type: "count",
    description: "Log lines matching `connection|database` (case-insensitive) in the window.",
    producedBy: ["docker.logs"],
  },
  {
    key: "logs.<role>.memory_lines",
    type: "count",
    description: "Log lines matching `memory|oom` (case-insensitive) in the window.",
    producedBy: ["docker.logs"],
  },
  {
    key: "logs.<role>.model_lines",
    type: "count",
    description: "Log lines matching `model` (case-insensitive) and an error word in the window.",
    producedBy: ["docker.logs"],
  },
  {
    key: "logs.<role>.data_lines",
    type: "count",
    description: "Log lines matching `data` (case-insensitive) and an error word in the window.",
    producedBy: ["docker.logs"],
  },
  // Host
  {
    key: "host.memory.used_ratio",
    type: "ratio",
    description: "Memory in use against total, not counting reclaimable cache (`free -h`).",
    producedBy: ["host.memory"],
  },
  {
    key: "host.memory.available_ratio",
    type: "ratio",
    description: "Memory available to new processes against total.",
    producedBy: ["host.memory"],
  },
  {
    key: "host.swap.used_ratio",
    type: "ratio",
    description: "Swap in use against total (0 when there is no swap).",
    producedBy: ["host.memory"],
  },
  {
    key: "host.disk.<mount>.used_ratio",
    type: "ratio",
    description:
      "Space used on a mount (`df -h`); the mount is named by its path with `/` as `root` and other slashes as `_`.",
    producedBy: ["host.disk"],
  },
  {
    key: "host.disk.<mount>.inodes_used_ratio",
    type: "ratio",
    description: "Inodes used on a mount.",
    producedBy: ["host.disk"],
  },
  {
    key: "host.disk.max_used_ratio",
    type: "ratio",
    description: "The fullest mount's used ratio.",
    producedBy: ["host.disk"],
  },
  {
    key: "host.load.per_core",
    type: "number",
    description: "One-minute load average divided by the number of cores.",
    producedBy: ["host.load"],
  },
  {
    key: "host.process.<name>.rss_bytes",
    type: "bytes",
    unit: "B",
    description: "Resident memory of a process (the seed's `psutil` memory check).",
    producedBy: ["host.process"],
  },
  {
    key: "host.process.<name>.cpu_ratio",
    type: "ratio",
    description: "CPU use of a process as a share of one core.",
    producedBy: ["host.process"],
  },
  // Files
  {
    key: "model.dir.exists",
    type: "boolean",
    description: "The model directory (`saved_models/`) exists.",
    producedBy: ["files.models"],
  },
  {
    key: "model.files.count",
    type: "count",
    description: "Model artifact files present.",
    producedBy: ["files.models"],
  },
  {
    key: "model.files.missing",
    type: "count",
    description: "Expected model files (from the manifest) that are missing or empty.",
    producedBy: ["files.models"],
  },
  {
    key: "model.files.corrupt",
    type: "count",
    description: "Model files whose sha256 differs from the manifest.",
    producedBy: ["files.models"],
  },
  {
    key: "model.files.total_bytes",
    type: "bytes",
    unit: "B",
    description: "Total size of the model files (`du -sh saved_models/*`).",
    producedBy: ["files.models"],
  },
  {
    key: "data.<dir>.exists",
    type: "boolean",
    description: "A data directory (`raw`, `processed`) exists and is readable.",
    producedBy: ["files.data"],
  },
  {
    key: "data.<dir>.file_count",
    type: "count",
    description: "Files in a data directory.",
    producedBy: ["files.data"],
  },
  {
    key: "data.<dir>.newest_age_seconds",
    type: "seconds",
    unit: "s",
    description: "Age of the newest file in a data directory.",
    producedBy: ["files.data"],
  },
  // Backup directories
  {
    key: "backups.<name>.exists",
    type: "boolean",
    description: "A backup directory (named in the configuration) exists and is readable.",
    producedBy: ["files.backups"],
  },
  {
    key: "backups.<name>.count",
    type: "count",
    description: "Backups (files, or directories of one backup each) in a backup directory.",
    producedBy: ["files.backups"],
  },
  {
    key: "backups.<name>.newest_age_seconds",
    type: "seconds",
    unit: "s",
    description: "Age of the newest backup in a backup directory.",
    producedBy: ["files.backups"],
  },
  {
    key: "backups.<name>.newest_bytes",
    type: "bytes",
    unit: "B",
    description: "Size of the newest backup in a backup directory.",
    producedBy: ["files.backups"],
  },
  {
    key: "backups.stale_count",
    type: "count",
    description:
      "Backup directories that are missing, empty, or whose newest backup is at least as old as their warning age.",
    producedBy: ["files.backups"],
  },
  // Asserted by a responder
  {
    key: "manual.<flag>",
    type: "boolean",
    description:
      "A fact no probe can observe, asserted by a responder (`--assert customer-complaints`).",
    producedBy: [],
  },
]
