// ir in a Fastify 5 app: an onRequest hook answers ir's routes on the raw request (before Fastify
// parses the body), every other request goes on to the app's routes.
//
//   DATABASE_URL=postgres://app@localhost/app node examples/http-fastify/server.mjs
//
// Environment: as examples/http-node (PORT, HOST, DATABASE_URL, IR_HEALTH_TOKEN,
// IR_JOURNAL_DIR, IR_ALERTS_TOKEN, IR_BOARD_TOKEN, IR_SHUTDOWN_DELAY_MS).
import { pathToFileURL } from "node:url"
import { defaultRunbook } from "@ir/core"
import { createAlertReceiver, createHandler } from "@ir/http"
import { gracefulShutdown, toFastifyHook } from "@ir/http/node"
import { openJournal } from "@ir/journal"
import { createIncidentMessenger } from "@ir/notify"
import { createResponder } from "@ir/responder"
import { Effect } from "effect"
import Fastify from "fastify"

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
    serviceId: "example-fastify",
  })

  const app = Fastify()
  app.addHook("onRequest", toFastifyHook(handler))
  app.get("/api/hello", async () => ({ hello: "world" }))

  await app.listen({ port: Number(env.PORT ?? 8080), host: env.HOST ?? "127.0.0.1" })
  const { dispose } = gracefulShutdown(app.server, handler, {
    shutdownDelayMs: Number(env.IR_SHUTDOWN_DELAY_MS ?? 5000),
    onShutdown: async () => {
      if (journal) await Effect.runPromise(journal.close)
    },
  })
  return {
    url: `http://${env.HOST ?? "127.0.0.1"}:${app.server.address().port}`,
    handler,
    close: async () => {
      dispose()
      app.server.closeAllConnections()
      await app.close()
      if (journal) await Effect.runPromise(journal.close)
    },
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await start()
  console.log(`listening on ${url}`)
}
