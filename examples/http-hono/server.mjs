// ir in a Hono app: the handler is a Fetch handler, so each of its routes is one line. Served on
// Node by @hono/node-server; on Bun, Deno or Workers pass app.fetch to the runtime instead.
//
//   DATABASE_URL=postgres://app@localhost/app node examples/http-hono/server.mjs
//
// Environment: as examples/http-node (PORT, HOST, DATABASE_URL, IR_HEALTH_TOKEN,
// IR_JOURNAL_DIR, IR_ALERTS_TOKEN, IR_SHUTDOWN_DELAY_MS).
import { pathToFileURL } from "node:url"
import { serve } from "@hono/node-server"
import { defaultRunbook } from "@ir/core"
import { createAlertReceiver, createHandler } from "@ir/http"
import { gracefulShutdown } from "@ir/http/node"
import { openJournal } from "@ir/journal"
import { Effect } from "effect"
import { Hono } from "hono"

/**
 * Starts the app; resolves with its URL and a way to stop it.
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
    serviceId: "example-hono",
  })

  const app = new Hono()
  for (const route of handler.routes) app.all(route, (c) => handler(c.req.raw))
  app.get("/api/hello", (c) => c.json({ hello: "world" }))

  const server = await new Promise((resolve) => {
    const listening = serve(
      { fetch: app.fetch, port: Number(env.PORT ?? 8080), hostname: env.HOST ?? "127.0.0.1" },
      () => resolve(listening),
    )
  })
  const { dispose } = gracefulShutdown(server, handler, {
    shutdownDelayMs: Number(env.IR_SHUTDOWN_DELAY_MS ?? 5000),
    onShutdown: async () => {
      if (journal) await Effect.runPromise(journal.close)
    },
  })
  return {
    url: `http://${env.HOST ?? "127.0.0.1"}:${server.address().port}`,
    handler,
    close: async () => {
      dispose()
      await new Promise((resolve) => server.close(resolve).closeAllConnections())
      if (journal) await Effect.runPromise(journal.close)
    },
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await start()
  console.log(`listening on ${url}`)
}
