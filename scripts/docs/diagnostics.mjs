// docs/diagnostics.md: every probe of @ir/diagnostics with its options, measurements, signals,
// thresholds and when it cannot tell, generated from the probe definitions (probeReference) and
// the seed runbook's thresholds, so the page cannot drift from what the probes do.
import { defaultRunbook } from "@ir/core"
import { causeReasons, probeReference } from "@ir/diagnostics"

export const file = "diagnostics.md"

const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>")
const code = (text) => `\`${text}\``
const fence = (text, language = "") => {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length))
  const marks = "`".repeat(Math.max(3, longest + 1))
  return `${marks}${language}\n${text}\n${marks}`
}
const table = (head, rows) =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n")

const exampleConfig = `# ir.config.yaml (the diagnostics part); every section is optional
http:
  health: { url: http://localhost:8000/health, timeout: 2s }
  predict:
    url: http://localhost:8000/predict
    sample: { temperature: 25.0, pressure: 1013.25, humidity: 60.0, vibration: 0.1 }
    expect: { status: 200, fields: [prediction] }
  dataSource: { url: http://data-source-api/health }
prometheus:
  url: http://localhost:9090
  job: app                      # every query is limited to job="app"
  selector: 'env="prod"'        # and to these matchers
  queries:
    - { name: reconstruction error, query: model_reconstruction_error, signal: model.reconstruction_error }
postgres:
  url: \${DATABASE_URL}          # postgres://monitor:secret@db:5432/anomaly_db, shown as monitor:***@
docker:
  socket: /var/run/docker.sock  # or host: tcp://docker:2375 (DOCKER_HOST)
  containers:
    app: app                    # a container name, else the Compose service of that name
    postgres: postgres
    worker: { label: com.example.role=worker }
  logs: { since: 30m, tail: 1000 }
host:
  processes:
    api: { name: uvicorn }      # or { pid: 1234 }
  mounts: [/, /var/lib/postgresql]
files:
  models: { dir: saved_models, manifest: SHA256SUMS }
  data: { raw: data/raw, processed: data/processed }
timeouts:
  default: 5s
  probes: { docker.stats: 8s, postgres.locks: 2s }
cpuWindow: 200ms                # between the two samples of docker.stats and host.process
thresholds:                     # check_postgres style: a number or a percentage
  postgres.connections.used_ratio: { warn: "70%", critical: -5 }   # -5: five connections left
  api.error_ratio: { critical: "5%" }`

const probeSection = (probe) => {
  const lines = [`#### \`${probe.id}\`: ${probe.title}`, "", probe.description, ""]
  if (probe.seedCommand !== undefined)
    lines.push("Replaces:", "", fence(probe.seedCommand, "bash"), "")
  lines.push(
    `Runs when the configuration has ${probe.requires}; timeout ${probe.defaultTimeout} unless set.`,
    "",
  )
  if (probe.options.length > 0)
    lines.push(
      table(
        ["option", "meaning", "default"],
        probe.options.map((option) => [
          code(option.path),
          option.description,
          option.default ?? "",
        ]),
      ),
      "",
    )
  lines.push(
    "Measurements (performance data):",
    "",
    table(
      ["name", "unit", "meaning", "graded by"],
      probe.measurements.map((measurement) => [
        code(measurement.name),
        measurement.unit ?? "",
        measurement.description,
        measurement.threshold === undefined ? "" : measurement.threshold,
      ]),
    ),
    "",
    `Signals: ${probe.signals.map(code).join(", ")}.`,
    "",
  )
  const graded = probe.thresholds.filter((threshold) => threshold.critical !== undefined)
  if (graded.length > 0)
    lines.push(
      "Thresholds (defaults from the seed runbook):",
      "",
      table(
        ["threshold", "warn", "critical", "unit", "bad side", "meaning"],
        graded.map((threshold) => [
          code(threshold.name),
          threshold.warn ?? "",
          threshold.critical,
          threshold.unit ?? "",
          threshold.direction ?? "above",
          threshold.description ?? "",
        ]),
      ),
      "",
    )
  const optional = probe.thresholds.filter((threshold) => threshold.critical === undefined)
  if (optional.length > 0)
    lines.push(
      `Also graded by ${optional.map((threshold) => code(threshold.name)).join(", ")} when the runbook defines ${optional.length === 1 ? "it" : "them"}.`,
      "",
    )
  lines.push(`\`unknown\` when: ${probe.unknownWhen}.`, "")
  return lines.join("\n")
}

export async function generate() {
  const probes = probeReference(defaultRunbook)
  const families = [
    ["HTTP", "http."],
    ["Prometheus", "prometheus."],
    ["PostgreSQL", "postgres."],
    ["Docker", "docker."],
    ["Host", "host."],
    ["Files", "files."],
  ]
  return `<!-- Generated from the probe definitions of @ir/diagnostics by scripts/docs/diagnostics.mjs: run \`npm run docs\`, do not edit by hand. -->

# Diagnostics: the probes

\`@ir/diagnostics\` turns the runbook's investigation commands (\`docker-compose ps\`, \`docker stats\`,
\`psql … pg_stat_activity\`, \`SELECT * FROM pg_locks WHERE NOT granted\`, \`curl …/api/v1/query\`,
\`free -h\`, \`df -h\`, \`ls -la saved_models/\`, \`curl -X POST …/predict\`) into ${probes.length} probes.
Each runs through a client library (undici, pg, dockerode, systeminformation and /proc), answers
within its timeout, and returns a value, never an exception:

- \`status\`: \`ok\`, \`warn\`, \`critical\` or \`unknown\` (Nagios exit codes 0, 1, 2, 3);
- \`summary\`: one line for a person;
- \`observations\`: measurements with their \`warn\`/\`critical\` levels, \`min\` and \`max\` (Nagios performance data);
- \`signals\`: what \`triage\` reads, keys and types from the [signal vocabulary](signals.md);
- \`durationMs\`: the probe's own time, from the start of its work (getting its client included,
  such as the run's PostgreSQL connection) until its answer is graded, or until its timeout; the
  runner's work around it (starting its fiber, redacting and shaping its result) is not in it,
  and the run's own \`durationMs\` covers everything;
- \`target\` (redacted), \`cause\` (\`{ reason, message }\`) when it could not tell,
  and \`details\` for a person (lock rows, last log lines, targets, files).

A target that refuses, resets, fails TLS or DNS, or does not speak its protocol is a finding
(\`critical\`, with the cause); one that does not answer within the timeout is \`unknown\` with the
cause \`timeout\`, and its reachability signal (\`http.health.reachable\`, \`postgres.reachable\`,
\`docker.reachable\`, \`prometheus.reachable\`) is \`false\`: it did not answer in time.
A probe whose client cannot even be asked (PostgreSQL down for \`postgres.locks\`) is \`unknown\`.

## Running probes

${fence(
  `import { defaultRunbook, triage } from "@ir/core"
import { defaultDiagnosticsConfig, probesFor, runProbes } from "@ir/diagnostics"

const config = defaultDiagnosticsConfig({ env: process.env, cwd: process.cwd() })
probesFor(config).skipped // [{ id: "host.process", reason: "not configured (needs host.processes …)" }, …]
const run = await runProbes(config, { runbook: defaultRunbook, deadline: "10s" })
for (const result of run.results) console.log(result.id, result.status, result.summary)
const assessment = triage(defaultRunbook, run.observations)`,
  "ts",
)}

\`runProbes(config, { runbook, probes, deadline, onProgress, now })\` runs every configured probe
(or \`probes\`) concurrently. Each has its own timeout (\`timeouts.probes[id]\`, else the endpoint's
\`timeout\`, else \`timeouts.default\`, else 5 s); \`deadline\` (a \`Date\`, milliseconds or \`"10s"\`)
bounds the whole run, and a probe still running then is \`unknown\` with the cause \`deadline\`. A
hung probe costs its own timeout once: the run takes as long as its slowest probe, not the sum.
Results come back in the catalogue's order; \`run.observations\` merges every signal for
\`triage\`. The client libraries are loaded on first use, before any probe's clock starts.
\`runProbesEffect\` is the same as an Effect.

The PostgreSQL probes share one session per run (\`application_name\` \`ir-diagnostics\`,
\`default_transaction_read_only\` on, \`statement_timeout\` the probe timeout), which the counts
leave out; seeing other users' sessions needs a superuser or \`pg_monitor\`. HTTP connections and
Docker clients are reused from run to run. Passwords in URLs, header values and token parameters
of the configuration are scrubbed from every string of every result; log lines and query texts
also go through \`redactText\` (\`password=…\`, bearer tokens, \`PASSWORD '…'\`, JWTs, AWS key ids).

### CPU figures: two samples over \`cpuWindow\`

CPU use is a difference of cumulative counters, so it takes two samples. \`docker.stats\` and
\`host.process\` take both themselves, \`cpuWindow\` apart (default \`200ms\`, from \`20ms\` to \`10s\`,
and at most half the probe's timeout; the window used is in \`details.cpuWindowMs\`). The figure is
\`docker stats\`' own formula, (Δ container CPU time / Δ host CPU time) × online CPUs × 100
(\`details.<role>[].cpuPercent\`: 100 is one core busy), and the \`cpu.ratio\` signal is the same
share of all the host's cores (0..1). A longer window gives a steadier figure: the host's counter
(/proc/stat) moves in 10 ms ticks, so over 200 ms on two cores a figure is good to about 3 % of
itself, and a process's own counter (\`host.process\`) moves in ticks too, which makes its figure
good to about 5 % of a core.

For Docker the counters come from the container's cgroup (\`cpuacct.usage\` or \`cpu.stat\`, and its
memory files) when the engine is reached on this host's Unix socket and the container's main
process is visible in this \`/proc\` (\`details.<role>[].countersFrom\` is \`cgroup\`). Otherwise they
come from the engine's one-shot stats (\`GET /containers/{id}/stats?stream=false&one-shot=true\`,
API 1.41), taken twice (\`countersFrom: engine\`). The engine serves stats from one collector that
samples every watched container and then sleeps a second, so through the engine the second sample
(and often the first) waits for the collector's next round: about a second instead of the window.
An engine older than API 1.41 ignores \`one-shot\` and answers with its own two samples a second
apart, which are used as they are. Either way the whole probe stays within its timeout.

## Configuration

\`DiagnosticsConfig\` is an Effect Schema; \`decodeDiagnosticsConfig(input)\` takes parsed YAML or JSON
and fails with \`DiagnosticsConfigError\`, whose \`issues\` name each path and what was expected.
\`defaultDiagnosticsConfig({ env, cwd })\` gives the seed's defaults (health and predict on
\`http://localhost:8000\`, Prometheus on \`:9090\`, PostgreSQL from \`DATABASE_URL\` or \`PG*\`, Docker
from \`DOCKER_HOST\` or \`/var/run/docker.sock\` with containers \`app\` and \`postgres\`, the local host,
\`saved_models/\`, \`data/raw\`, \`data/processed\`); \`mergeDiagnosticsConfig(base, override)\` lays a
file over them. Relative file paths are taken from the working directory.

${fence(exampleConfig, "yaml")}

## Thresholds

Probes grade with the runbook's named thresholds (\`runbook.thresholds\`), which
\`thresholds\` in the configuration overrides level by level, the check_postgres way: each level is
a number or a percentage. A percentage is a share (\`"80%"\` is 0.8 for a ratio); where a count is
graded against a total (connections against \`max_connections\` − \`superuser_reserved_connections\`)
a percentage is that share of the total, a plain number is a count, and a negative number is
"this many left". The runbook's ratio thresholds count as percentages. A value grades \`critical\`
when it reaches the critical level, else \`warn\` when it reaches the warning level.

## Causes

${table(
  ["reason", "meaning"],
  Object.entries(causeReasons).map(([reason, meaning]) => [code(reason), meaning]),
)}

## Probes

${families
  .map(
    ([title, prefix]) =>
      `### ${title}\n\n${probes
        .filter((probe) => probe.id.startsWith(prefix))
        .map(probeSection)
        .join("\n")}`,
  )
  .join("\n")}
## Action: restart a container

\`restartContainer(config, roleOrName, { confirm, timeout, stopTimeoutSeconds })\` is the runbook's
\`docker-compose restart app\`: it restarts the role's containers (a role of \`docker.containers\`, else
a container name) through the Engine API and waits until each runs again with a new start time,
and is \`healthy\` where it has a health check, or \`timeout\` (default 60 s) passes. Without
\`confirm: true\` it changes nothing and its result says what it would do (\`outcome: "dry-run"\`).
The result (\`RestartResult\`) is a value with \`performed\`, \`outcome\` (\`dry-run\`, \`restarted\`,
\`timeout\`, \`failed\`, \`not-found\`, \`unknown\`), each container's state before and after, and the
cause when the engine could not be asked; recording it in the incident journal is the caller's job.

## Benchmark

\`bash scripts/with-services.sh node bench/probes/run.mjs\` (after building) prints, from one run:
a full probe run's wall time over its slowest probe, each probe against the bare client call doing
the same work in the same process, a full probe run against the seed's native tools run one
after another, and, for reference, the engine's non-streaming stats that \`docker.stats\` used to
wait for (two samples of the engine's own, a second apart). Its README records the figures.
`
}
