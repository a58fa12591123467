/**
 * The Fetch handler on Node's `(req, res)`: node:http, Express (and any Connect-style
 * middleware stack) and Fastify. Translation only; no framework is imported.
 *
 * For a handler made by `createHandler`, requests that need no body (health, metrics) are
 * answered through `handler.respond`, and the Alertmanager webhook through `handler.receive`
 * with its body read here, without building Fetch objects, so the node:http route is about as
 * fast as a hand-written one; the board's routes go through the Fetch `Request`.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http"
 * import { createHandler } from "@ir/http"
 * import { toNodeListener } from "@ir/http/node"
 * createServer(toNodeListener(createHandler())).listen(8080, "127.0.0.1")
 * ```
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { Readable } from "node:stream"
import type { IrHandler, PlainResponse } from "./Handler.js"
import { BodyTooLarge } from "./internal/BodyReader.js"
import type { PlainRequest } from "./PlainRequest.js"

/**
 * Any Fetch handler; one made by `createHandler` also brings `respond`, `receive` and `matches`.
 *
 * @example
 * ```ts
 * import type { FetchHandler } from "@ir/http/node"
 * const hello: FetchHandler = async () => new Response("hello")
 * ```
 */
export type FetchHandler = ((request: Request) => Promise<Response>) &
  Partial<Pick<IrHandler, "respond" | "receive" | "matches">>

/**
 * A handler that knows its routes, as the middleware and the hook need.
 *
 * @example
 * ```ts
 * import type { RoutedHandler } from "@ir/http/node"
 * import { createHandler } from "@ir/http"
 * const handler: RoutedHandler = createHandler()
 * ```
 */
export type RoutedHandler = FetchHandler & Pick<IrHandler, "matches">

const safeHost = /^[A-Za-z0-9.\-:[\]]+$/

const pathOf = (url: string): string => {
  const query = url.indexOf("?")
  return query === -1 ? url : url.slice(0, query)
}

const urlOf = (req: IncomingMessage): URL => {
  const target = req.url ?? "/"
  const host =
    req.headers.host !== undefined && safeHost.test(req.headers.host)
      ? req.headers.host
      : "localhost"
  const scheme =
    (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true ? "https" : "http"
  if (target.startsWith("/")) {
    try {
      return new URL(`${scheme}://${host}${target}`)
    } catch {
      return new URL(`${scheme}://localhost${target}`)
    }
  }
  try {
    return new URL(target)
  } catch {
    return new URL(`${scheme}://${host}/`)
  }
}

/** A body that Express or another body parser already read, as bytes (see `toRequest`). */
const parsedBody = (req: IncomingMessage): Uint8Array | string | undefined => {
  const parsed = (req as IncomingMessage & { body?: unknown }).body
  if (parsed === undefined || !req.readableEnded) return undefined
  return typeof parsed === "string"
    ? parsed
    : Buffer.isBuffer(parsed)
      ? new Uint8Array(parsed)
      : JSON.stringify(parsed)
}

/**
 * Reads a Node request's body up to `limit` bytes. Past the limit it stops reading (the answer
 * then closes the connection); a sender that leaves mid-body fails the read.
 */
const readNodeBody = (req: IncomingMessage, limit: number): Promise<Uint8Array> => {
  const parsed = parsedBody(req)
  if (parsed !== undefined) {
    const bytes = typeof parsed === "string" ? Buffer.from(parsed) : parsed
    return bytes.byteLength > limit
      ? Promise.reject(new BodyTooLarge(limit))
      : Promise.resolve(bytes)
  }
  const declared = req.headers["content-length"]
  if (declared !== undefined && Number(declared) > limit)
    return Promise.reject(new BodyTooLarge(limit))
  // Read to its end by someone else (and not left parsed): nothing is left to read.
  if (req.readableEnded) return Promise.resolve(new Uint8Array())
  if (req.destroyed)
    return Promise.reject(new Error("the sender closed the connection before the end of the body"))
  return new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      req.off("data", onData)
      req.off("end", onEnd)
      req.off("error", onError)
      req.off("close", onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > limit) {
        stop()
        req.pause()
        reject(new BodyTooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      stop()
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size))
    }
    const onError = (error: Error) => {
      stop()
      reject(error)
    }
    const onClose = () => {
      stop()
      reject(new Error("the sender closed the connection before the end of the body"))
    }
    req.on("data", onData)
    req.once("end", onEnd)
    req.once("error", onError)
    req.once("close", onClose)
  })
}

/** A Node request as the plain request `IrHandler.receive` takes. */
const plainRequest = (req: IncomingMessage): PlainRequest => ({
  method: req.method ?? "GET",
  headers: {
    get: (name) => {
      const value = req.headers[name.toLowerCase()]
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value
    },
  },
  body: (limit) => readNodeBody(req, limit),
})

/**
 * Builds a Fetch `Request` from a Node request. A body that Express or another body parser
 * already read is passed on as it was parsed (a `Buffer` or string as is, an object as JSON).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http"
 * import { toRequest } from "@ir/http/node"
 * createServer((req, res) => {
 *   const request = toRequest(req)
 *   res.end(new URL(request.url).pathname)
 * })
 * ```
 */
export const toRequest = (req: IncomingMessage, signal?: AbortSignal): Request => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(":")) continue
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else headers.set(name, value)
  }
  const method = req.method ?? "GET"
  const url = urlOf(req)
  if (method === "GET" || method === "HEAD")
    return new Request(url, { method, headers, ...(signal === undefined ? {} : { signal }) })
  const body = parsedBody(req)
  if (body !== undefined) {
    headers.delete("content-length")
    return new Request(url, { method, headers, body, ...(signal === undefined ? {} : { signal }) })
  }
  return new Request(url, {
    method,
    headers,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: "half",
    ...(signal === undefined ? {} : { signal }),
  } as RequestInit)
}

/**
 * Writes a Fetch `Response` to a Node response. A stream of events (`text/event-stream`, the
 * board's live updates) is written as it comes, and cancelled when the client goes away; any
 * other body is written whole, with its length.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http"
 * import { writeResponse } from "@ir/http/node"
 * createServer((_req, res) => void writeResponse(Response.json({ ok: true }), res))
 * ```
 */
export const writeResponse = async (response: Response, res: ServerResponse): Promise<void> => {
  const headers: Record<string, string | Array<string>> = {}
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers["set-cookie"] = cookies
  if (
    response.body !== null &&
    (response.headers.get("content-type") ?? "").startsWith("text/event-stream")
  ) {
    res.writeHead(response.status, headers)
    res.flushHeaders()
    const reader = response.body.getReader()
    res.once("close", () => {
      void reader.cancel().catch(() => undefined)
    })
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done || res.destroyed) break
        res.write(value)
      }
    } catch {
      // the stream failed or was cancelled: end the response either way
    }
    res.end()
    return
  }
  const body = response.body === null ? undefined : Buffer.from(await response.arrayBuffer())
  res.writeHead(response.status, headers)
  res.end(body)
}

const writePlain = (res: ServerResponse, response: PlainResponse): void => {
  res.writeHead(response.status, response.headers)
  res.end(response.body)
}

const internalError = JSON.stringify({
  type: "about:blank",
  title: "Internal Server Error",
  status: 500,
  detail: "internal error",
})

const writeFailure = (res: ServerResponse): void => {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(500, { "content-type": "application/problem+json" })
  res.end(internalError)
}

/**
 * A `(req, res)` listener for `node:http` (`createServer(listener)`); it answers every path
 * (404 outside the handler's routes). In a framework, use {@link toNodeMiddleware} or
 * {@link toFastifyHook} so other routes pass through.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http"
 * import { createHandler } from "@ir/http"
 * import { toNodeListener } from "@ir/http/node"
 * const server = createServer(toNodeListener(createHandler()))
 * ```
 */
export const toNodeListener = (
  handler: FetchHandler,
): ((req: IncomingMessage, res: ServerResponse) => void) => {
  const respond = handler.respond
  const receive = handler.receive
  return (req, res) => {
    if (respond !== undefined) {
      let answer: ReturnType<IrHandler["respond"]>
      const path = pathOf(req.url ?? "/")
      try {
        answer = respond(req.method ?? "GET", path, req.headers.authorization)
        if (answer === undefined) answer = receive?.(path, plainRequest(req))
      } catch {
        writeFailure(res)
        return
      }
      if (answer !== undefined) {
        if (answer instanceof Promise)
          answer.then(
            (response) => writePlain(res, response),
            () => writeFailure(res),
          )
        else writePlain(res, answer)
        return
      }
    }
    let request: Request
    // Aborted when the client goes away before the answer is complete (a closed event stream).
    const abort = new AbortController()
    res.once("close", () => {
      if (!res.writableFinished) abort.abort()
    })
    try {
      request = toRequest(req, abort.signal)
    } catch {
      res.writeHead(400, { "content-type": "application/problem+json" })
      res.end(
        JSON.stringify({
          type: "about:blank",
          title: "Bad Request",
          status: 400,
          detail: "the request could not be read",
        }),
      )
      return
    }
    handler(request).then(
      (response) => writeResponse(response, res),
      () => writeFailure(res),
    )
  }
}

/**
 * Connect-style middleware for Express (`app.use(middleware)`): the handler's routes are
 * answered, every other request goes on to `next()`. Mount it before body parsers so the
 * webhook's HMAC sees the raw body (a body already parsed is re-serialised, which keeps bearer
 * authentication working but not HMAC).
 *
 * @example
 * ```ts
 * import express from "express"
 * import { createHandler } from "@ir/http"
 * import { toNodeMiddleware } from "@ir/http/node"
 * const app = express()
 * app.use(toNodeMiddleware(createHandler()))
 * ```
 */
export const toNodeMiddleware = (
  handler: RoutedHandler,
): ((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void) => {
  const listener = toNodeListener(handler)
  return (req, res, next) => {
    if (handler.matches(pathOf(req.url ?? "/"))) listener(req, res)
    else next()
  }
}

/**
 * The parts of a Fastify request the hook uses.
 *
 * @example
 * ```ts
 * import type { FastifyLikeRequest } from "@ir/http/node"
 * const path = (request: FastifyLikeRequest) => request.raw.url
 * ```
 */
export interface FastifyLikeRequest {
  readonly raw: IncomingMessage
}

/**
 * The parts of a Fastify reply the hook uses.
 *
 * @example
 * ```ts
 * import type { FastifyLikeReply } from "@ir/http/node"
 * const take = (reply: FastifyLikeReply) => reply.hijack()
 * ```
 */
export interface FastifyLikeReply {
  readonly raw: ServerResponse
  hijack(): unknown
}

/**
 * A Fastify `onRequest` hook: the handler's routes are answered on the raw request (before
 * Fastify parses the body, so HMAC sees it as sent), every other request goes on.
 *
 * @example
 * ```ts
 * import Fastify from "fastify"
 * import { createHandler } from "@ir/http"
 * import { toFastifyHook } from "@ir/http/node"
 * const app = Fastify()
 * app.addHook("onRequest", toFastifyHook(createHandler()))
 * ```
 */
export const toFastifyHook = (
  handler: RoutedHandler,
): ((request: FastifyLikeRequest, reply: FastifyLikeReply, done: () => void) => void) => {
  const listener = toNodeListener(handler)
  return (request, reply, done) => {
    if (!handler.matches(pathOf(request.raw.url ?? "/"))) {
      done()
      return
    }
    reply.hijack()
    listener(request.raw, reply.raw)
  }
}
