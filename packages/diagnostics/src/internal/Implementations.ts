import type { Probe } from "@ir/core"
import * as BackupProbes from "../BackupProbes.js"
import * as DockerProbes from "../DockerProbes.js"
import * as FileProbes from "../FileProbes.js"
import * as HostProbes from "../HostProbes.js"
import * as HttpProbes from "../HttpProbes.js"
import * as PostgresProbes from "../PostgresProbes.js"
import * as PrometheusProbes from "../PrometheusProbes.js"
import type { ProbeImplementation } from "./ProbeKit.js"

/** Every probe by id; `Probe.catalogue` of @ir/core gives their order. */
export const implementations: Readonly<Record<Probe.ProbeId, ProbeImplementation>> = {
  "http.health": HttpProbes.healthProbe,
  "http.predict": HttpProbes.predictProbe,
  "http.data-source": HttpProbes.dataSourceProbe,
  "prometheus.scrape-health": PrometheusProbes.scrapeHealthProbe,
  "prometheus.error-rate": PrometheusProbes.errorRateProbe,
  "prometheus.latency-p95": PrometheusProbes.latencyP95Probe,
  "prometheus.memory": PrometheusProbes.memoryProbe,
  "prometheus.query": PrometheusProbes.queryProbe,
  "postgres.connectivity": PostgresProbes.connectivityProbe,
  "postgres.connections": PostgresProbes.connectionsProbe,
  "postgres.locks": PostgresProbes.locksProbe,
  "postgres.long-queries": PostgresProbes.longQueriesProbe,
  "postgres.size": PostgresProbes.sizeProbe,
  "postgres.backup": BackupProbes.postgresBackupProbe,
  "docker.engine": DockerProbes.engineProbe,
  "docker.containers": DockerProbes.containersProbe,
  "docker.stats": DockerProbes.statsProbe,
  "docker.logs": DockerProbes.logsProbe,
  "host.memory": HostProbes.memoryProbe,
  "host.disk": HostProbes.diskProbe,
  "host.load": HostProbes.loadProbe,
  "host.process": HostProbes.processProbe,
  "files.models": FileProbes.modelsProbe,
  "files.data": FileProbes.dataProbe,
  "files.backups": BackupProbes.backupDirectoriesProbe,
}
