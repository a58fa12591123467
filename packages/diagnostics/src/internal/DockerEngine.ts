import type Dockerode from "dockerode"
import * as Effect from "effect/Effect"
import type { ContainerSelector, DockerSection } from "../DiagnosticsConfig.js"
import { failureOf, ProbeFailure } from "./ProbeFailure.js"
import { redactUrl } from "./Redaction.js"

type DockerodeClass = typeof Dockerode

let dockerodeModule: Promise<DockerodeClass> | undefined
let dockerodeLoaded: DockerodeClass | undefined
/** dockerode, loaded on first use (it pulls in gRPC: hundreds of milliseconds). */
export const loadDockerode = (): Promise<DockerodeClass> => {
  dockerodeModule ??= import("dockerode").then((module) => {
    dockerodeLoaded =
      (module as { default?: DockerodeClass }).default ?? (module as unknown as DockerodeClass)
    return dockerodeLoaded
  })
  return dockerodeModule
}

/** Whether dockerode is loaded already (the runner then need not wait for it). */
export const isDockerodeLoaded = (): boolean => dockerodeLoaded !== undefined

/** How to reach the engine, from `docker.socket` or `docker.host` (`DOCKER_HOST` form). */
export type DockerAddress =
  | { readonly socketPath: string }
  | { readonly host: string; readonly port: number; readonly protocol: "http" | "https" }

/** The engine's address, or a reason it cannot be used. */
export const dockerAddress = (
  docker: DockerSection,
): DockerAddress | { readonly error: string } => {
  if (docker.socket !== undefined) return { socketPath: docker.socket }
  if (docker.host === undefined) return { socketPath: "/var/run/docker.sock" }
  const host = docker.host.trim()
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) }
  if (host.startsWith("/")) return { socketPath: host }
  const match = /^(tcp|http|https):\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(host)
  if (match === null)
    return {
      error: `docker.host ${JSON.stringify(redactUrl(host))} is not supported: use unix:///path/to/docker.sock or tcp://host:port`,
    }
  const secure = match[1] === "https"
  return {
    host: match[2]!.replace(/^\[|\]$/g, ""),
    port: match[3] === undefined ? (secure ? 2376 : 2375) : Number(match[3]),
    protocol: secure ? "https" : "http",
  }
}

/** The engine as shown in results. */
export const dockerTarget = (docker: DockerSection): string => {
  const address = dockerAddress(docker)
  if ("error" in address) return redactUrl(docker.host ?? "")
  return "socketPath" in address
    ? `unix://${address.socketPath}`
    : `${address.protocol === "https" ? "https" : "tcp"}://${address.host}:${address.port}`
}

/** What the probes use of a container, whatever selected it. */
export interface ContainerRef {
  readonly id: string
  /** The container's name without the leading slash. */
  readonly name: string
}

export interface DockerEngine {
  readonly client: Dockerode
  readonly target: string
  /** Wraps a dockerode call: aborted when the probe is interrupted, errors become failures. */
  readonly call: <A>(
    what: string,
    run: (abortSignal: AbortSignal) => Promise<A>,
  ) => Effect.Effect<A, ProbeFailure>
  /** The containers a selector names (several when a Compose service is scaled). */
  readonly find: (
    selector: ContainerSelector,
  ) => Effect.Effect<ReadonlyArray<ContainerRef>, ProbeFailure>
}

/** Clients by address and timeout: their HTTP connections are reused from run to run. */
const clients = new Map<string, Dockerode>()

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * A dockerode client for the configured engine (no connection is opened until a call). Once
 * dockerode is loaded this is an immediate value.
 */
export const makeDockerEngine = (
  docker: DockerSection,
  timeoutMs: number,
): Effect.Effect<DockerEngine, ProbeFailure> => {
  const address = dockerAddress(docker)
  if ("error" in address)
    return Effect.fail(new ProbeFailure({ reason: "unsupported", message: address.error }))
  if (dockerodeLoaded !== undefined)
    return Effect.succeed(engineOf(dockerodeLoaded, docker, address, timeoutMs))
  return Effect.tryPromise({
    try: () => loadDockerode(),
    catch: (error) => failureOf(error, "loading dockerode"),
  }).pipe(Effect.map((Docker) => engineOf(Docker, docker, address, timeoutMs)))
}

const engineOf = (
  Docker: DockerodeClass,
  docker: DockerSection,
  address: DockerAddress,
  timeoutMs: number,
): DockerEngine => {
  const target = dockerTarget(docker)
  const key = JSON.stringify([address, timeoutMs])
  let client = clients.get(key)
  if (client === undefined) {
    client = new Docker({ ...address, timeout: timeoutMs })
    clients.set(key, client)
  }
  const engine = client
  const call = <A>(what: string, run: (abortSignal: AbortSignal) => Promise<A>) =>
    Effect.tryPromise({
      try: (abortSignal) => run(abortSignal),
      catch: (error) => {
        const statusCode = (error as { statusCode?: unknown } | undefined)?.statusCode
        return failureOf(
          error,
          `Docker Engine at ${target} (${what})`,
          typeof statusCode === "number" ? "query-failed" : "connection-reset",
        )
      },
    })
  const list = (filters: Record<string, Array<string>>) =>
    call("list containers", (abortSignal) =>
      engine.listContainers({
        all: true,
        filters,
        abortSignal,
      } as Dockerode.ContainerListOptions),
    ).pipe(
      Effect.map((containers) =>
        containers.map((container) => ({
          id: container.Id,
          name: (container.Names[0] ?? container.Id).replace(/^\//, ""),
        })),
      ),
    )
  const find = (selector: ContainerSelector) =>
    typeof selector === "string"
      ? list({ name: [`^/${escapeRegExp(selector)}$`] }).pipe(
          Effect.flatMap((byName) =>
            byName.length > 0
              ? Effect.succeed(byName)
              : list({ label: [`com.docker.compose.service=${selector}`] }),
          ),
        )
      : list({ label: [selector.label] })
  return { client: engine, target, call, find }
}

/** How a selector reads in a sentence. */
export const describeSelector = (selector: ContainerSelector): string =>
  typeof selector === "string" ? `name "${selector}"` : `label ${selector.label}`
