// Real peers a test starts itself: HTTP servers (node:http), a blackhole (accepts, never
// answers), a port nothing listens on, and a peer that answers garbage.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http"
import { createServer as createNetServer, type Server, type Socket } from "node:net"
import { Signal } from "@ir/core"
import { expect } from "vitest"
import type { ProbeResult, ProbeRun } from "../src/index.js"
import { loadDockerode } from "../src/internal/DockerEngine.js"
import { loadUndici } from "../src/internal/HttpClient.js"
import { loadPg } from "../src/internal/PostgresSession.js"

/**
 * Loads the client libraries once, so a timing test measures the probes and not a cold first
 * import (which blocks the event loop for a few hundred milliseconds on a busy machine).
 */
export const warmUp = (): Promise<unknown> =>
  Promise.all([loadUndici(), loadPg(), loadDockerode(), import("systeminformation")])

export interface Peer {
  readonly port: number
  readonly url: string
  readonly close: () => Promise<void>
}

const listen = async (server: Server, sockets: Set<Socket>): Promise<Peer> => {
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A real HTTP server answering with `handler`. */
export const startHttpPeer = (
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Peer> => listen(createHttpServer(handler), new Set())

/** A listener that accepts connections and never says a word. */
export const startBlackhole = (): Promise<Peer> =>
  listen(
    createNetServer(() => undefined),
    new Set(),
  )

/** A peer that answers anything with bytes that are not HTTP (nor PostgreSQL), then hangs up. */
export const startGarbagePeer = (): Promise<Peer> =>
  listen(
    createNetServer((socket) => {
      socket.on("error", () => undefined)
      socket.end("SSH-2.0-OpenSSH_9.2 garbage\r\n\u0000\u0001\u0002\r\n\r\n")
    }),
    new Set(),
  )

/** A loopback port nothing listens on (taken, then freed). */
export const refusedPort = async (): Promise<number> => {
  const peer = await listen(createNetServer(), new Set())
  await peer.close()
  return peer.port
}

/** Reads a JSON request body. */
export const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
  })

/** Every signal a result carries is in the vocabulary and has the vocabulary's type. */
export const expectVocabulary = (results: ReadonlyArray<ProbeResult>): void => {
  for (const result of results) {
    for (const observation of result.signals) {
      const definition = Signal.lookup(observation.signal)
      expect(
        definition,
        `${result.id} produced ${observation.signal}, not in the vocabulary`,
      ).toBeDefined()
      if (definition === undefined) continue
      expect(
        Signal.accepts(definition, observation.value),
        `${observation.signal} = ${JSON.stringify(observation.value)} is not a ${definition.type}`,
      ).toBe(true)
      expect(
        definition.producedBy,
        `${observation.signal} is not listed as produced by ${result.id}`,
      ).toContain(result.id)
    }
  }
}

/** The value of a signal in a run or a result. */
export const signalValue = (
  source: ProbeRun | ProbeResult,
  key: string,
): boolean | number | string | undefined =>
  ("results" in source ? source.observations : source.signals).find((entry) => entry.signal === key)
    ?.value

/** The one result of a run. */
export const only = (run: ProbeRun): ProbeResult => {
  expect(run.results).toHaveLength(1)
  return run.results[0]!
}
