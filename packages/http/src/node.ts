/**
 * `@ir/http/node`: the Fetch handler on node:http, Express and Fastify, and graceful shutdown.
 *
 * @example
 * ```ts
 * import { createHandler } from "@ir/http"
 * import { serve } from "@ir/http/node"
 * await serve(createHandler(), { port: 8080 })
 * ```
 */
export {
  gracefulShutdown,
  type RunningServer,
  type ServeOptions,
  type ShutdownControl,
  type ShutdownOptions,
  serve,
} from "./GracefulShutdown.js"
export {
  type FastifyLikeReply,
  type FastifyLikeRequest,
  type FetchHandler,
  type RoutedHandler,
  toFastifyHook,
  toNodeListener,
  toNodeMiddleware,
  toRequest,
  writeResponse,
} from "./NodeAdapter.js"
