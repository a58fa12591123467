import type { Playbook as PlaybookSchema } from "../Playbook.js"

type Playbook = typeof PlaybookSchema.Encoded

const critical = (threshold: string) => ({ threshold, level: "critical" as const })
const warn = (threshold: string) => ({ threshold, level: "warn" as const })

export const systemDown: Playbook = {
  id: "system-down",
  title: "System Completely Down",
  publicTitle: "Service unavailable",
  summary: "Every user is affected: the API answers nothing but errors, or nothing at all.",
  defaultSeverity: "P0",
  severityRules: [],
  symptoms: [
    {
      id: "all-endpoints-5xx",
      text: "All API endpoints returning 5xx errors",
      when: {
        any: [
          { signal: "api.error_ratio", op: ">=", value: 0.99 },
          {
            all: [
              { signal: "http.health.status_code", op: ">=", value: 500 },
              { signal: "http.predict.status_code", op: ">=", value: 500 },
            ],
          },
        ],
      },
      primary: true,
      origin: "symptom",
    },
    {
      id: "no-metrics",
      text: "Grafana showing no metrics",
      when: {
        any: [
          { signal: "prometheus.metrics.present", op: "==", value: false },
          { signal: "prometheus.targets.up_ratio", op: "==", value: 0 },
        ],
      },
      primary: true,
      origin: "symptom",
    },
    {
      id: "health-unreachable",
      text: "Health check endpoint unreachable",
      when: { signal: "http.health.reachable", op: "==", value: false },
      primary: true,
      origin: "symptom",
    },
    {
      id: "app-container-down",
      text: "Application container not running",
      when: { signal: "docker.container.app.running", op: "==", value: false },
      primary: false,
      origin: "investigation",
    },
  ],
  immediateActions: [
    { text: "Check if it's a planned maintenance (check calendar)" },
    { text: "Verify the issue affects all users" },
    { text: "Check infrastructure status (AWS, GCP, etc.)" },
  ],
  investigation: [
    {
      text: "Check container status",
      command: "docker-compose ps",
      probe: { probe: "docker.containers" },
    },
    {
      text: "View recent logs",
      command: "docker-compose logs --tail=100 app",
      probe: { probe: "docker.logs", params: { role: "app", tail: 100 } },
    },
    { text: "Check system resources", command: "docker stats", probe: { probe: "docker.stats" } },
    { text: "Check disk space", command: "df -h", probe: { probe: "host.disk" } },
  ],
  resolution: [
    {
      text: "Restart the application service",
      command: "docker-compose restart app",
      action: { action: "docker.restart", params: { role: "app" } },
    },
    {
      text: "If restart fails, check for:",
      details: ["Database connectivity", "Missing environment variables", "Resource exhaustion"],
      probe: { probe: "postgres.connectivity" },
    },
    {
      text: "Roll back to last known good version if needed",
      command:
        "git log --oneline -10\ngit checkout <last-good-commit>\ndocker-compose up --build -d",
      action: { action: "deploy.rollback" },
    },
  ],
  commonCauses: [],
  postResolution: [
    { text: "Monitor for stability (15-30 minutes)" },
    { text: "Update incident status" },
    { text: "Schedule post-mortem" },
  ],
}

export const highApiErrorRate: Playbook = {
  id: "high-api-error-rate",
  title: "High API Error Rate",
  publicTitle: "Elevated error rates",
  summary: "A share of requests fails: the service is up but degraded.",
  defaultSeverity: "P1",
  severityRules: [],
  symptoms: [
    {
      id: "error-rate",
      text: "Error rate > 10% for 5+ minutes",
      when: { signal: "api.error_ratio", op: ">", value: critical("api.error_ratio"), for: "5m" },
      primary: true,
      origin: "symptom",
    },
    {
      id: "response-times",
      text: "Increased response times",
      when: {
        signal: "api.latency_p95_seconds",
        op: ">",
        value: critical("api.latency_p95_seconds"),
      },
      primary: false,
      origin: "symptom",
    },
    {
      id: "customer-complaints",
      text: "Customer complaints",
      when: { manual: "customer-complaints" },
      primary: false,
      origin: "symptom",
    },
  ],
  immediateActions: [],
  investigation: [
    {
      text: "Check error logs",
      command: "docker-compose logs app | grep ERROR | tail -50",
      probe: { probe: "docker.logs", params: { role: "app", tail: 50, pattern: "errors" } },
    },
    {
      text: "Check API metrics",
      command:
        'curl http://localhost:9090/api/v1/query?query=rate(http_requests_total{status=~"5.."}[5m])',
      probe: { probe: "prometheus.error-rate" },
    },
    {
      text: "Check database connections",
      command:
        'docker-compose exec postgres psql -U user -d anomaly_db -c "SELECT count(*) FROM pg_stat_activity;"',
      probe: { probe: "postgres.connections" },
    },
  ],
  resolution: [
    {
      text: "Identify error patterns in logs",
      probe: { probe: "docker.logs", params: { role: "app", pattern: "errors" } },
    },
    { text: "Check for recent deployments" },
    { text: "Verify database health", probe: { probe: "postgres.connectivity" } },
    {
      text: "Scale application if needed",
      command: "docker-compose up --scale app=3",
      action: { action: "compose.scale", params: { role: "app", replicas: 3 } },
    },
  ],
  commonCauses: [
    "Database connection pool exhaustion",
    "Memory leaks",
    "Invalid model artifacts",
    "Network connectivity issues",
  ],
  postResolution: [],
}

export const modelInferenceFailures: Playbook = {
  id: "model-inference-failures",
  title: "Model Inference Failures",
  publicTitle: "Degraded anomaly detection",
  summary: "The service is up but its predictions fail or are wrong.",
  defaultSeverity: "P1",
  severityRules: [],
  symptoms: [
    {
      id: "predict-errors",
      text: "Prediction endpoints returning errors",
      when: { signal: "http.predict.ok", op: "==", value: false },
      primary: true,
      origin: "symptom",
    },
    {
      id: "reconstruction-errors",
      text: "High reconstruction errors",
      when: {
        signal: "model.reconstruction_error",
        op: ">",
        value: critical("model.reconstruction_error"),
      },
      primary: true,
      origin: "symptom",
    },
    {
      id: "model-loading",
      text: "Model loading failures",
      when: {
        any: [
          { signal: "model.dir.exists", op: "==", value: false },
          { signal: "model.files.missing", op: ">", value: 0 },
          { signal: "model.files.corrupt", op: ">", value: 0 },
          { signal: "logs.app.model_lines", op: ">", value: 0 },
        ],
      },
      primary: true,
      origin: "symptom",
    },
  ],
  immediateActions: [],
  investigation: [
    {
      text: "Check model files",
      command: "ls -la saved_models/\ndu -sh saved_models/*",
      probe: { probe: "files.models" },
    },
    {
      text: "Check model loading logs",
      command: 'docker-compose logs app | grep -i "model"',
      probe: { probe: "docker.logs", params: { role: "app", pattern: "model" } },
    },
    {
      text: "Verify model API",
      command:
        'curl -X POST http://localhost:8000/predict \\\n  -H "Content-Type: application/json" \\\n  -d \'{"temperature": 25.0, "pressure": 1013.25, "humidity": 60.0, "vibration": 0.1}\'',
      probe: { probe: "http.predict" },
    },
  ],
  resolution: [
    { text: "Verify model file integrity", probe: { probe: "files.models" } },
    { text: "Check available memory/disk space", probe: { probe: "host.memory" } },
    {
      text: "Restart model service",
      action: { action: "docker.restart", params: { role: "app" } },
    },
    {
      text: "Fall back to previous model version if needed",
      action: { action: "deploy.rollback" },
    },
  ],
  commonCauses: [],
  postResolution: [],
}

export const databaseConnectivity: Playbook = {
  id: "database-connectivity",
  title: "Database Connectivity Issues",
  publicTitle: "Degraded service",
  summary: "The application cannot reach PostgreSQL, or PostgreSQL cannot keep up.",
  defaultSeverity: "P1",
  severityRules: [],
  symptoms: [
    {
      id: "connection-timeouts",
      text: "Connection timeout errors",
      when: {
        any: [
          { signal: "postgres.reachable", op: "==", value: false },
          { signal: "logs.app.connection_lines", op: ">", value: 0 },
        ],
      },
      primary: true,
      origin: "symptom",
    },
    {
      id: "queries-failing",
      text: "Database queries failing",
      when: {
        any: [
          {
            signal: "postgres.connections.used_ratio",
            op: ">=",
            value: critical("postgres.connections.used_ratio"),
          },
          { signal: "postgres.locks.waiting", op: ">=", value: critical("postgres.locks.waiting") },
        ],
      },
      primary: true,
      origin: "symptom",
    },
    {
      id: "slow-responses",
      text: "Slow response times",
      when: {
        any: [
          {
            signal: "postgres.latency_seconds",
            op: ">",
            value: critical("postgres.latency_seconds"),
          },
          {
            signal: "postgres.locks.longest_wait_seconds",
            op: ">",
            value: critical("postgres.locks.wait_seconds"),
          },
          {
            signal: "postgres.queries.longest_seconds",
            op: ">",
            value: critical("postgres.queries.seconds"),
          },
        ],
      },
      primary: false,
      origin: "symptom",
    },
    {
      // Secondary: a missed nightly backup alone is not a database outage (it would make this P1
      // playbook the incident); next to one, it says whether the data can still be recovered.
      id: "backup-stale",
      text: "Backup stale or WAL archiving failing",
      when: {
        any: [
          {
            signal: "postgres.backup.newest_age_seconds",
            op: ">=",
            value: warn("postgres.backup.age_seconds"),
          },
          { signal: "postgres.backup.count", op: "==", value: 0 },
          { signal: "postgres.wal_archive.failing", op: "==", value: true },
        ],
      },
      primary: false,
      origin: "investigation",
    },
  ],
  immediateActions: [],
  investigation: [
    {
      text: "Check database container",
      command: "docker-compose ps postgres",
      probe: { probe: "docker.containers", params: { role: "postgres" } },
    },
    {
      text: "Check database logs",
      command: "docker-compose logs postgres",
      probe: { probe: "docker.logs", params: { role: "postgres" } },
    },
    {
      text: "Test connection",
      command:
        "docker-compose exec app python -c \"\nimport psycopg2\ntry:\n    conn = psycopg2.connect(host='postgres', database='anomaly_db', user='user', password='password')\n    print('Connection successful')\n    conn.close()\nexcept Exception as e:\n    print(f'Connection failed: {e}')\n\"",
      probe: { probe: "postgres.connectivity" },
    },
  ],
  resolution: [
    {
      text: "Restart database container",
      command: "docker-compose restart postgres",
      action: { action: "docker.restart", params: { role: "postgres" } },
    },
    {
      text: "Check for database locks",
      command: "SELECT * FROM pg_locks WHERE NOT granted;",
      probe: { probe: "postgres.locks" },
    },
    { text: "Verify database disk space", probe: { probe: "postgres.size" } },
    { text: "Check for connection pool issues", probe: { probe: "postgres.connections" } },
    {
      text: "Before any recovery that may lose data, check the backups and WAL archiving",
      probe: { probe: "postgres.backup" },
    },
    {
      text: "Prove the newest backup restores (into a scratch database, dropped afterwards)",
      command: "scripts/recovery/backup_recovery.sh",
      action: { action: "postgres.restore-check" },
    },
  ],
  commonCauses: [],
  postResolution: [],
}

export const resourceExhaustion: Playbook = {
  id: "resource-exhaustion",
  title: "Memory/Resource Exhaustion",
  publicTitle: "Degraded performance",
  summary: "Memory, disk or CPU runs out and services slow down or restart.",
  defaultSeverity: "P2",
  severityRules: [
    {
      when: {
        any: [
          { signal: "host.memory.used_ratio", op: ">=", value: critical("host.memory.used_ratio") },
          { signal: "host.disk.max_used_ratio", op: ">=", value: critical("host.disk.used_ratio") },
          { signal: "docker.container.app.oom_killed", op: "==", value: true },
          {
            signal: "docker.container.app.restart_count",
            op: ">=",
            value: critical("container.restarts"),
          },
        ],
      },
      severity: "P1",
      reason: "a critical resource threshold is exceeded",
    },
  ],
  symptoms: [
    {
      id: "out-of-memory",
      text: "Out of memory errors",
      when: {
        any: [
          { signal: "host.memory.used_ratio", op: ">=", value: warn("host.memory.used_ratio") },
          {
            signal: "docker.container.app.memory.used_ratio",
            op: ">=",
            value: warn("container.memory.used_ratio"),
          },
          { signal: "docker.container.app.oom_killed", op: "==", value: true },
          { signal: "logs.app.memory_lines", op: ">", value: 0 },
        ],
      },
      primary: true,
      origin: "symptom",
    },
    {
      id: "slow-performance",
      text: "Slow performance",
      when: {
        any: [
          { signal: "host.load.per_core", op: ">=", value: critical("host.load.per_core") },
          {
            signal: "api.latency_p95_seconds",
            op: ">",
            value: critical("api.latency_p95_seconds"),
          },
        ],
      },
      primary: false,
      origin: "symptom",
    },
    {
      id: "container-restarts",
      text: "Container restarts",
      when: {
        signal: "docker.container.app.restart_count",
        op: ">=",
        value: warn("container.restarts"),
      },
      primary: true,
      origin: "symptom",
    },
    {
      id: "disk-full",
      text: "Disk space running out",
      when: { signal: "host.disk.max_used_ratio", op: ">=", value: warn("host.disk.used_ratio") },
      primary: true,
      origin: "investigation",
    },
  ],
  immediateActions: [],
  investigation: [
    { text: "Check memory usage", command: "free -h", probe: { probe: "host.memory" } },
    {
      text: "Check memory usage of the containers",
      command: "docker stats --no-stream",
      probe: { probe: "docker.stats" },
    },
    { text: "Check disk space", command: "df -h", probe: { probe: "host.disk" } },
    {
      text: "Check for memory leaks",
      command:
        "docker-compose exec app python -c \"\nimport psutil\nprocess = psutil.Process()\nprint(f'Memory: {process.memory_info().rss / 1024 / 1024:.2f} MB')\n\"",
      probe: { probe: "host.process" },
    },
  ],
  resolution: [
    {
      text: "Restart affected services",
      action: { action: "docker.restart", params: { role: "app" } },
    },
    { text: "Increase resource limits", action: { action: "resources.increase-limits" } },
    { text: "Optimize batch sizes" },
    {
      text: "Clear temporary files",
      command: "docker system prune -f",
      action: { action: "docker.prune" },
    },
  ],
  commonCauses: [],
  postResolution: [],
}

export const dataPipelineFailures: Playbook = {
  id: "data-pipeline-failures",
  title: "Data Pipeline Failures",
  publicTitle: "Delayed data processing",
  summary: "Data stops arriving or stops being processed.",
  defaultSeverity: "P2",
  severityRules: [
    {
      when: {
        signal: "data.processed.newest_age_seconds",
        op: ">",
        value: critical("data.processed.age_seconds"),
      },
      severity: "P1",
      reason: "no data processed for longer than the critical threshold",
    },
  ],
  symptoms: [
    {
      id: "no-new-data",
      text: "No new data being processed",
      when: {
        signal: "data.processed.newest_age_seconds",
        op: ">",
        value: warn("data.processed.age_seconds"),
      },
      primary: true,
      origin: "symptom",
    },
    {
      id: "validation-errors",
      text: "Data validation errors",
      when: { signal: "logs.app.data_lines", op: ">", value: 0 },
      primary: false,
      origin: "symptom",
    },
    {
      id: "missing-files",
      text: "Missing or corrupted files",
      when: {
        any: [
          { signal: "data.raw.exists", op: "==", value: false },
          { signal: "data.processed.exists", op: "==", value: false },
          { signal: "http.data_source.reachable", op: "==", value: false },
        ],
      },
      primary: true,
      origin: "symptom",
    },
    {
      id: "backup-stale",
      text: "Backup stale or WAL archiving failing",
      when: {
        any: [
          { signal: "backups.stale_count", op: ">", value: 0 },
          {
            signal: "postgres.backup.newest_age_seconds",
            op: ">=",
            value: warn("postgres.backup.age_seconds"),
          },
          { signal: "postgres.backup.count", op: "==", value: 0 },
          { signal: "postgres.wal_archive.failing", op: "==", value: true },
        ],
      },
      primary: true,
      origin: "investigation",
    },
  ],
  immediateActions: [],
  investigation: [
    {
      text: "Check data directories",
      command: "ls -la data/raw/ data/processed/",
      probe: { probe: "files.data" },
    },
    {
      text: "Check processing logs",
      command: 'docker-compose logs app | grep -i "data"',
      probe: { probe: "docker.logs", params: { role: "app", pattern: "data" } },
    },
    {
      text: "Verify data sources",
      command: "curl -I http://data-source-api/health",
      probe: { probe: "http.data-source" },
    },
  ],
  resolution: [
    { text: "Verify data source availability", probe: { probe: "http.data-source" } },
    { text: "Check file permissions", probe: { probe: "files.data" } },
    {
      text: "Restart data processing service",
      action: { action: "docker.restart", params: { role: "app" } },
    },
    {
      text: "Manual data recovery if needed",
      details: [
        "Find the newest good backup: `ir check files.backups postgres.backup`",
        "Prove it restores before relying on it: `ir action restore-check --yes`",
      ],
      probe: { probe: "files.backups" },
    },
    { text: "Check PostgreSQL backups and WAL archiving", probe: { probe: "postgres.backup" } },
    {
      text: "Prove the newest database backup restores",
      action: { action: "postgres.restore-check" },
    },
  ],
  commonCauses: [],
  postResolution: [],
}

export const playbooks: ReadonlyArray<Playbook> = [
  systemDown,
  highApiErrorRate,
  modelInferenceFailures,
  databaseConnectivity,
  resourceExhaustion,
  dataPipelineFailures,
]
