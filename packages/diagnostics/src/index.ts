/**
 * @ir/diagnostics: the runbook's investigation commands as probes against real Docker,
 * PostgreSQL, Prometheus, HTTP endpoints, the host and files. Each probe answers within its
 * timeout with a typed result and the signals `triage` understands.
 *
 * @example
 * ```ts
 * import { defaultRunbook } from "@ir/core"
 * import { defaultDiagnosticsConfig, runProbes } from "@ir/diagnostics"
 * const run = await runProbes(defaultDiagnosticsConfig({ env: process.env, cwd: process.cwd() }), {
 *   runbook: defaultRunbook,
 * })
 * ```
 */
export {
  BackupDirectory,
  ContainerSelector,
  CpuWindow,
  configSecrets,
  type DefaultsInput,
  DiagnosticsConfig,
  DiagnosticsConfigError,
  DockerLogsOptions,
  DockerSection,
  DurationText,
  decodeDiagnosticsConfig,
  decodeDiagnosticsConfigEither,
  defaultDiagnosticsConfig,
  FilesSection,
  HostSection,
  HttpEndpoint,
  ModelFiles,
  mergeDiagnosticsConfig,
  NamedPromQuery,
  PostgresBackups,
  PostgresSection,
  PredictEndpoint,
  PredictExpectation,
  ProcessSelector,
  PrometheusMetrics,
  PrometheusSection,
  postgresUrlFromEnv,
  RestoreCheckSection,
  RestoreCheckTable,
  seedPredictSample,
  TimeoutsSection,
} from "./DiagnosticsConfig.js"
export * as LogPatterns from "./LogPatterns.js"
export { type ProbeReferenceEntry, probeReference } from "./ProbeReference.js"
export {
  CauseReason,
  causeReasons,
  exitCode,
  Measurement,
  ProbeCause,
  ProbeId,
  ProbeResult,
  ProbeRun,
  ProbeStatus,
  worstStatus,
} from "./ProbeResult.js"
export {
  ContainerRestart,
  ContainerSnapshot,
  type RestartOptions,
  RestartResult,
  restartContainer,
  restartContainerEffect,
} from "./RestartContainer.js"
export {
  type RestoreCheckOptions,
  RestoreCheckResult,
  RestoredBackup,
  restoreCheck,
  restoreCheckEffect,
  TableCheck,
} from "./RestoreCheck.js"
export {
  defaultTimeout,
  type ProbeSelection,
  type ProgressEvent,
  probesFor,
  probeTimeoutMs,
  type RunOptions,
  runProbes,
  runProbesEffect,
} from "./Runner.js"
export * as ThresholdSetting from "./ThresholdSetting.js"
