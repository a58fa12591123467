// ir's health endpoints, metrics and Alertmanager receiver in a plain node:http service, next to
// the service's own routes, with graceful shutdown.
//
//   DATABASE_URL=postgres://app@localhost/app IR_HEALTH_TOKEN=… node examples/http-node/server.mjs
//
// Environment: PORT (default 8080), HOST (default 127.0.0.1), DATABASE_URL (adds the PostgreSQL
// check), IR_HEALTH_TOKEN (unlocks the detailed /health), IR_JOURNAL_DIR and IR_ALERTS_TOKEN
// (enable POST /alerts/alertmanager), IR_BOARD_TOKEN (with IR_JOURNAL_DIR: the responder board at
// /board; the status page at /status is on whenever there is a journal), IR_SHUTDOWN_DELAY_MS
// (default 5000).
import { createServer } from "node:http"
import { pathToFileURL } from "node:url"
import { defaultRunbook } from "@ir/core"
import { createAlertReceiver, createHandler } from "@ir/http"
import { gracefulShutdown, toNodeMiddleware } from "@ir/http/node"
import { openJournal } from "@ir/journal"
import { createIncidentMessenger } from "@ir/notify"
import { createResponder } from "@ir/responder"
import { Effect } from "effect"

/** The service's own routes. `/api/work?ms=N` stands for a request that takes a while. */
const app = (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost")
  if (req.method === "GET" && url.pathname === "/api/work") {
    const ms = Math.min(10_000, Math.max(0, Number(url.searchParams.get("ms")) || 0))
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ done: true, ms }))
    }, ms)
    return
  }
  res.writeHead(404, { "content-type": "application/json" })
  res.end(JSON.stringify({ error: "not found" }))
}

/**
 * Starts the service; resolves with its URL and a way to stop it.
 * @param {Record<string, string | undefined>} env
 */
export async function start(env = process.env) {
  const journal = env.IR_JOURNAL_DIR
    ? await Effect.runPromise(openJournal({ backend: "file", dir: env.IR_JOURNAL_DIR }))
    : undefined
  const alerts =
    journal && env.IR_ALERTS_TOKEN
      ? createAlertReceiver({
          journal,
          runbook: defaultRunbook,
          auth: { bearer: env.IR_ALERTS_TOKEN },
        })
      : undefined
  // The responder board acts through a responder (here with no channels: it records, sends nothing).
  const responder =
    journal && env.IR_BOARD_TOKEN
      ? createResponder({
          journal,
          runbook: defaultRunbook,
          messenger: createIncidentMessenger({ runbook: defaultRunbook, channels: [] }),
        })
      : undefined
  const handler = createHandler({
    ...(env.DATABASE_URL
      ? {
          health: {
            config: { postgres: { url: env.DATABASE_URL, applicationName: "example-health" } },
            probes: ["postgres.connectivity"],
          },
        }
      : {}),
    ...(env.IR_HEALTH_TOKEN ? { token: env.IR_HEALTH_TOKEN } : {}),
    ...(alerts ? { alerts } : {}),
    // The public status page from the journal, and the board behind its token.
    ...(journal ? { journal, status: true } : {}),
    ...(responder ? { board: { responder, token: env.IR_BOARD_TOKEN } } : {}),
    serviceId: "example-node",
  })
  const ir = toNodeMiddleware(handler)
  const server = createServer((req, res) => ir(req, res, () => app(req, res)))
  await new Promise((resolve) =>
    server.listen(Number(env.PORT ?? 8080), env.HOST ?? "127.0.0.1", resolve),
  )
  const { port } = server.address()
  const { shutdown, dispose } = gracefulShutdown(server, handler, {
    shutdownDelayMs: Number(env.IR_SHUTDOWN_DELAY_MS ?? 5000),
    onShutdown: async () => {
      if (journal) await Effect.runPromise(journal.close)
    },
  })
  return {
    url: `http://${env.HOST ?? "127.0.0.1"}:${port}`,
    handler,
    /** Stops at once (tests); SIGTERM goes through the graceful path. */
    close: async () => {
      dispose()
      await new Promise((resolve) => server.close(resolve).closeAllConnections())
      if (journal) await Effect.runPromise(journal.close)
    },
    shutdown,
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await start()
  console.log(`listening on ${url}`)
}
