/**
 * Graceful shutdown for a Node HTTP server: on SIGTERM (or SIGINT) readiness fails at once, the
 * server keeps serving every request for `shutdownDelayMs` (so load balancers and Kubernetes
 * stop sending new traffic), then stops accepting connections, lets in-flight requests finish
 * (up to `drainTimeoutMs`), closes, runs `onShutdown`, and re-raises the signal so the process
 * ends as it would have.
 *
 * @example
 * ```ts
 * import { createHandler } from "@ir/http"
 * import { serve } from "@ir/http/node"
 * const { url } = await serve(createHandler(), { port: 8080, shutdownDelayMs: 5000 })
 * console.log(`listening on ${url}`)
 * ```
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { IrHandler } from "./Handler.js"
import { toNodeListener } from "./NodeAdapter.js"

/**
 * Options of {@link gracefulShutdown}.
 *
 * @example
 * ```ts
 * import type { ShutdownOptions } from "@ir/http/node"
 * const options: ShutdownOptions = { shutdownDelayMs: 10_000, signals: ["SIGTERM"] }
 * ```
 */
export interface ShutdownOptions {
  /** How long to keep serving after the signal while readiness fails (default 5000 ms). */
  readonly shutdownDelayMs?: number
  /** How long in-flight requests may take to finish before connections are cut (default 10000 ms). */
  readonly drainTimeoutMs?: number
  /** Signals that start the shutdown (default SIGTERM and SIGINT); `false` installs none. */
  readonly signals?: ReadonlyArray<NodeJS.Signals> | false
  /** Runs after the server closed (close the journal, database pools). */
  readonly onShutdown?: () => void | Promise<void>
  /** Re-raise the signal once closed, so the process ends as it would have (default true). */
  readonly exitOnSignal?: boolean
}

/**
 * Controls of a server under graceful shutdown.
 *
 * @example
 * ```ts
 * import type { ShutdownControl } from "@ir/http/node"
 * const stop = (control: ShutdownControl) => control.shutdown()
 * ```
 */
export interface ShutdownControl {
  /** Fails readiness, waits the delay, drains and closes. Idempotent. */
  readonly shutdown: () => Promise<void>
  /** Removes the signal listeners (the server keeps running). */
  readonly dispose: () => void
}

/**
 * Adds graceful shutdown to a server you made (Express's `app.listen()`, Fastify's
 * `app.server`, `http.createServer`).
 *
 * @example
 * ```ts
 * import express from "express"
 * import { createHandler } from "@ir/http"
 * import { gracefulShutdown, toNodeMiddleware } from "@ir/http/node"
 * const handler = createHandler()
 * const app = express().use(toNodeMiddleware(handler))
 * const server = app.listen(8080)
 * gracefulShutdown(server, handler, { shutdownDelayMs: 5000 })
 * ```
 */
export const gracefulShutdown = (
  server: Server,
  handler: Pick<IrHandler, "beginShutdown">,
  options: ShutdownOptions = {},
): ShutdownControl => {
  let draining = false
  // Requests that arrive while draining get `Connection: close`, so keep-alive sockets end.
  // Prepended: the app's listener may answer synchronously, after which no header can be set.
  server.prependListener("request", (_request, response) => {
    if (draining && !response.headersSent) response.setHeader("connection", "close")
  })
  let closing: Promise<void> | undefined
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      handler.beginShutdown()
      await new Promise((resolve) => setTimeout(resolve, options.shutdownDelayMs ?? 5000))
      draining = true
      const closed = new Promise<void>((resolve) => {
        if (!server.listening) resolve()
        else server.close(() => resolve())
      })
      server.closeIdleConnections()
      const cut = setTimeout(() => server.closeAllConnections(), options.drainTimeoutMs ?? 10_000)
      await closed
      clearTimeout(cut)
      await options.onShutdown?.()
    })()
    return closing
  }
  const signals = options.signals === false ? [] : (options.signals ?? ["SIGTERM", "SIGINT"])
  const listeners = signals.map((signal) => {
    const listener = () => {
      void shutdown().finally(() => {
        dispose()
        if (options.exitOnSignal !== false) process.kill(process.pid, signal)
      })
    }
    process.once(signal, listener)
    return { signal, listener }
  })
  const dispose = () => {
    for (const { signal, listener } of listeners) process.off(signal, listener)
  }
  return { shutdown, dispose }
}

/**
 * Options of {@link serve}.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from "@ir/http/node"
 * const options: ServeOptions = { port: 8080, host: "0.0.0.0", shutdownDelayMs: 5000 }
 * ```
 */
export interface ServeOptions extends ShutdownOptions {
  /** Default 0: a free port (see `url`). */
  readonly port?: number
  /** Default loopback: a health and alert endpoint is not exposed unless asked. */
  readonly host?: string
}

/**
 * A running server.
 *
 * @example
 * ```ts
 * import type { RunningServer } from "@ir/http/node"
 * const base = (running: RunningServer) => running.url // "http://127.0.0.1:41234"
 * ```
 */
export interface RunningServer extends ShutdownControl {
  readonly server: Server
  readonly url: string
}

/**
 * Serves the handler on node:http with {@link gracefulShutdown}.
 *
 * @example
 * ```ts
 * import { createHandler } from "@ir/http"
 * import { serve } from "@ir/http/node"
 * const running = await serve(createHandler(), { port: 0, signals: false })
 * await fetch(`${running.url}/health/live`)
 * await running.shutdown()
 * ```
 */
export const serve = async (
  handler: IrHandler,
  options: ServeOptions = {},
): Promise<RunningServer> => {
  const server = createServer(toNodeListener(handler))
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address
  const control = gracefulShutdown(server, handler, options)
  return { server, url: `http://${host}:${address.port}`, ...control }
}
