/**
 * @ir/http: health endpoints (`application/health+json`), Prometheus metrics and an Alertmanager
 * receiver as one Fetch handler. `@ir/http/node` adapts it to node:http, Express and Fastify.
 *
 * @example
 * ```ts
 * import { createHandler } from "@ir/http"
 * const handler = createHandler({
 *   health: { config: { postgres: { url: process.env.DATABASE_URL ?? "" } } },
 * })
 * ```
 */

export {
  type AlertLabels,
  type AlertPlaybook,
  createPlaybookMapper,
  type MatchedBy,
  type PlaybookMapperOptions,
  playbookForAlert,
} from "@ir/core"
export { AlertmanagerAlert, AlertmanagerPayload } from "./AlertmanagerPayload.js"
export {
  type AlertAuth,
  type AlertOutcome,
  type AlertReceiver,
  type AlertReceiverOptions,
  type AlertSummary,
  createAlertReceiver,
  defaultMaxBodyBytes,
  type EnrichmentResult,
  type IncidentOpened,
  type IncidentRef,
  maxAlertsPerNotification,
  type NotificationReport,
} from "./AlertReceiver.js"
export {
  defaultSignatureToleranceSeconds,
  type SignatureVerdict,
  signAlertNotification,
  verifyAlertSignature,
} from "./AlertSignature.js"
export { type Board, type BoardOptions, createBoard } from "./Board.js"
export {
  createHandler,
  type HandlerOptions,
  type HealthSource,
  type IrHandler,
  type PlainResponse,
} from "./Handler.js"
export { type CachedRunner, type CachedRunnerOptions, cachedRunner } from "./HealthCache.js"
export {
  type HealthBody,
  type HealthCheck,
  type HealthReportOptions,
  type HealthStatus,
  healthMediaType,
  healthReport,
  healthStatus,
  httpStatus,
  worstHealth,
} from "./HealthReport.js"
export { HttpConfigError } from "./HttpConfigError.js"
export { figureOf, figureOfSummary, type IncidentFigure } from "./IncidentFigure.js"
export { createIncidentFigures, type IncidentFigures } from "./IncidentFigures.js"
export {
  createMetrics,
  type IncidentCount,
  type IrMetrics,
  type MetricsOptions,
} from "./Metrics.js"
export { BodyTooLarge, type PlainRequest, plainRequestOf } from "./PlainRequest.js"
export {
  createStatusPage,
  type StatusPageOptions,
  type StatusPageRoutes,
} from "./StatusPage.js"
