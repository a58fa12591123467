import type { ProbeDefinition } from "../Probe.js"

export const probeCatalogue: ReadonlyArray<ProbeDefinition> = [
  {
    id: "http.health",
    title: "Health endpoint",
    description:
      "GET the health endpoint: reachability, status, latency, and the application/health+json body when there is one.",
    seedCommand: "curl -v http://localhost:8000/health",
    signals: [
      "http.health.reachable",
      "http.health.status_code",
      "http.health.latency_seconds",
      "http.health.status",
    ],
  },
  {
    id: "http.predict",
    title: "Model prediction endpoint",
    description:
      "POST the configured sample to the prediction endpoint and check status, latency and response shape.",
    seedCommand:
      'curl -X POST http://localhost:8000/predict -H "Content-Type: application/json" -d \'{"temperature": 25.0, "pressure": 1013.25, "humidity": 60.0, "vibration": 0.1}\'',
    signals: [
      "http.predict.reachable",
      "http.predict.ok",
      "http.predict.status_code",
      "http.predict.latency_seconds",
    ],
  },
  {
    id: "http.data-source",
    title: "Data source health",
    description: "HEAD the data source's health URL.",
    seedCommand: "curl -I http://data-source-api/health",
    signals: ["http.data_source.reachable"],
  },
  {
    id: "prometheus.scrape-health",
    title: "Metrics present",
    description:
      "Whether Prometheus answers, the application's targets are up and its request metrics exist.",
    signals: ["prometheus.reachable", "prometheus.targets.up_ratio", "prometheus.metrics.present"],
  },
  {
    id: "prometheus.error-rate",
    title: "API error rate",
    description:
      "Share of 5xx responses over 5 minutes, and how long it has been above the threshold.",
    seedCommand: 'rate(http_requests_total{status=~"5.."}[5m])',
    signals: ["api.error_ratio", "api.requests_per_second"],
  },
  {
    id: "prometheus.latency-p95",
    title: "API latency p95",
    description: "95th percentile request latency from the duration histogram.",
    seedCommand: "histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))",
    signals: ["api.latency_p95_seconds"],
  },
  {
    id: "prometheus.memory",
    title: "Application memory",
    description: "The application's memory metric in MiB.",
    seedCommand: "memory_usage_bytes / 1024 / 1024",
    signals: ["app.memory_bytes"],
  },
  {
    id: "prometheus.query",
    title: "PromQL query",
    description: "Any instant query, reported with its value; the runbook's named queries use it.",
    signals: ["model.reconstruction_error"],
  },
  {
    id: "postgres.connectivity",
    title: "PostgreSQL connectivity",
    description:
      "Connect and run `SELECT 1`, with the round-trip time (the runbook's connection test).",
    seedCommand: "psycopg2.connect(host='postgres', database='anomaly_db', …)",
    signals: ["postgres.reachable", "postgres.latency_seconds"],
  },
  {
    id: "postgres.connections",
    title: "PostgreSQL connections",
    description: "Backends against `max_connections`, by state.",
    seedCommand: "SELECT count(*) FROM pg_stat_activity;",
    signals: [
      "postgres.connections.used",
      "postgres.connections.used_ratio",
      "postgres.connections.idle_in_transaction",
    ],
  },
  {
    id: "postgres.locks",
    title: "PostgreSQL lock waits",
    description:
      "Ungranted locks with waiting and blocking pids, lock type, relation and wait time.",
    seedCommand: "SELECT * FROM pg_locks WHERE NOT granted;",
    signals: ["postgres.locks.waiting", "postgres.locks.longest_wait_seconds"],
  },
  {
    id: "postgres.long-queries",
    title: "PostgreSQL long-running queries",
    description: "Active queries running longer than the threshold.",
    signals: ["postgres.queries.longest_seconds"],
  },
  {
    id: "postgres.size",
    title: "PostgreSQL database size",
    description: "Size of the database, for the runbook's disk-space check.",
    signals: ["postgres.database.size_bytes"],
  },
  {
    id: "postgres.backup",
    title: "PostgreSQL backups",
    description:
      "Age, size and count of the backups in the configured backup directory (`pg_dump` files, base backups), and PostgreSQL's WAL archiving from `pg_stat_archiver`: last archived and last failed WAL and time, failures.",
    seedCommand: "scripts/recovery/backup_recovery.sh",
    signals: [
      "postgres.backup.count",
      "postgres.backup.newest_age_seconds",
      "postgres.backup.newest_bytes",
      "postgres.wal_archive.enabled",
      "postgres.wal_archive.failing",
      "postgres.wal_archive.failed_count",
      "postgres.wal_archive.last_archived_age_seconds",
    ],
  },
  {
    id: "docker.engine",
    title: "Docker Engine",
    description: "Whether the Docker Engine API answers.",
    signals: ["docker.reachable"],
  },
  {
    id: "docker.containers",
    title: "Container status",
    description: "Each configured container: state, health, restarts, OOM kill, exit code, uptime.",
    seedCommand: "docker-compose ps",
    signals: [
      "docker.container.<role>.exists",
      "docker.container.<role>.running",
      "docker.container.<role>.state",
      "docker.container.<role>.health",
      "docker.container.<role>.restart_count",
      "docker.container.<role>.oom_killed",
      "docker.container.<role>.exit_code",
      "docker.container.<role>.uptime_seconds",
    ],
  },
  {
    id: "docker.stats",
    title: "Container resources",
    description: "Memory and CPU use of each configured container.",
    seedCommand: "docker stats --no-stream",
    signals: [
      "docker.container.<role>.memory.used_ratio",
      "docker.container.<role>.memory.used_bytes",
      "docker.container.<role>.cpu.ratio",
    ],
  },
  {
    id: "docker.logs",
    title: "Container logs",
    description:
      "Recent log lines of a container, counted against the runbook's patterns, with secrets redacted.",
    seedCommand: "docker-compose logs --tail=100 app",
    signals: [
      "logs.<role>.error_lines",
      "logs.<role>.connection_lines",
      "logs.<role>.memory_lines",
      "logs.<role>.model_lines",
      "logs.<role>.data_lines",
    ],
  },
  {
    id: "host.memory",
    title: "Host memory",
    description: "Memory and swap use.",
    seedCommand: "free -h",
    signals: ["host.memory.used_ratio", "host.memory.available_ratio", "host.swap.used_ratio"],
  },
  {
    id: "host.disk",
    title: "Host disk",
    description: "Space and inodes used per mount.",
    seedCommand: "df -h",
    signals: [
      "host.disk.<mount>.used_ratio",
      "host.disk.<mount>.inodes_used_ratio",
      "host.disk.max_used_ratio",
    ],
  },
  {
    id: "host.load",
    title: "Host load",
    description: "Load average against the number of cores.",
    signals: ["host.load.per_core"],
  },
  {
    id: "host.process",
    title: "Process memory",
    description: "Resident memory and CPU of a process by pid or name.",
    seedCommand: "psutil.Process().memory_info().rss",
    signals: ["host.process.<name>.rss_bytes", "host.process.<name>.cpu_ratio"],
  },
  {
    id: "files.models",
    title: "Model files",
    description:
      "The model directory: files present and non-empty, sizes, sha256 against an optional manifest.",
    seedCommand: "ls -la saved_models/\ndu -sh saved_models/*",
    signals: [
      "model.dir.exists",
      "model.files.count",
      "model.files.missing",
      "model.files.corrupt",
      "model.files.total_bytes",
    ],
  },
  {
    id: "files.data",
    title: "Data directories",
    description: "`data/raw` and `data/processed`: file count and age of the newest file.",
    seedCommand: "ls -la data/raw/ data/processed/",
    signals: ["data.<dir>.exists", "data.<dir>.file_count", "data.<dir>.newest_age_seconds"],
  },
  {
    id: "files.backups",
    title: "Backup directories",
    description:
      "Any directory of dated backups: how many, how old and how large the newest; an empty or missing directory is a finding.",
    signals: [
      "backups.<name>.exists",
      "backups.<name>.count",
      "backups.<name>.newest_age_seconds",
      "backups.<name>.newest_bytes",
      "backups.stale_count",
    ],
  },
]
