// One server of the /health benchmark, in a process of its own: `node servers.mjs <kind>` prints
// `ready <port>` once it listens on 127.0.0.1. Kinds:
//
//   bare      node:http returning a static JSON body (the baseline)
//   ir        @ir/http's /health: a live PostgreSQL check, cached for 1 s, shared in flight
//   terminus  @godaddy/terminus doing the same check (SELECT 1) on every request, pool of 10
//   naive     node:http running SELECT 1 on every request, pool of 10
//   lightship lightship's /health (its own Fastify server; it checks no dependency at all)
//   effect    the floor of a /health built on effect, as @ir/core and @ir/diagnostics are: node:http
//             with effect's Effect and Schema loaded, SELECT 1 on one connection run as an Effect
//             with a timeout, its answer cached for 1 s as ir's is
//
// BENCH_PG_URL names the database; each kind's connections carry application_name ir-bench-<kind>.
import { createServer } from "node:http"
import { createRequire } from "node:module"

const require = createRequire(new URL("../../packages/http/package.json", import.meta.url))
const kind = process.argv[2]
// The database URL comes in the environment (never in argv, where `ps` would show a password).
const pgUrl = { ...process.env }.BENCH_PG_URL
const applicationName = `ir-bench-${kind}`

const notFound = (res) => {
  res.statusCode = 404
  res.end()
}

const listeners = {
  bare: async () => {
    const body = JSON.stringify({ status: "pass" })
    return (req, res) => {
      if (req.url !== "/health") return notFound(res)
      res.setHeader("content-type", "application/json")
      res.end(body)
    }
  },
  ir: async () => {
    const { createHandler } = await import(
      new URL("../../packages/http/dist/index.js", import.meta.url).href
    )
    const { toNodeListener } = await import(
      new URL("../../packages/http/dist/node.js", import.meta.url).href
    )
    const handler = createHandler({
      health: {
        config: { postgres: { url: pgUrl, applicationName } },
        probes: ["postgres.connectivity"],
      },
      cacheMs: 1000,
    })
    return toNodeListener(handler)
  },
  effect: async () => {
    const Effect = await import("effect/Effect")
    const Schema = await import("effect/Schema")
    const pg = (await import(require.resolve("pg"))).default
    const pool = new pg.Pool({ connectionString: pgUrl, application_name: applicationName, max: 1 })
    const encode = Schema.encodeSync(Schema.Struct({ status: Schema.Literal("pass", "fail") }))
    const check = () =>
      Effect.runPromise(
        Effect.tryPromise(() => pool.query("SELECT 1")).pipe(
          Effect.timeout("1 second"),
          Effect.as("pass"),
          Effect.orElseSucceed(() => "fail"),
          Effect.map((status) => ({ status, body: JSON.stringify(encode({ status })) })),
        ),
      )
    let answer
    let checkedAt = 0
    let pending
    const current = () => {
      if (answer !== undefined && Date.now() - checkedAt < 1000) return Promise.resolve(answer)
      pending ??= check().then(
        (checked) => {
          answer = checked
          checkedAt = Date.now()
          pending = undefined
          return checked
        },
        () => {
          // A defect of the runtime itself: answered as a failed check, and tried again next time.
          pending = undefined
          return { status: "fail", body: JSON.stringify({ status: "fail" }) }
        },
      )
      return pending
    }
    return (req, res) => {
      if (req.url !== "/health") return notFound(res)
      current().then(({ status, body }) => {
        res.statusCode = status === "pass" ? 200 : 503
        res.setHeader("content-type", "application/json")
        res.end(body)
      })
    }
  },
  naive: async () => {
    const pg = (await import(require.resolve("pg"))).default
    const pool = new pg.Pool({
      connectionString: pgUrl,
      application_name: applicationName,
      max: 10,
    })
    return (req, res) => {
      if (req.url !== "/health") return notFound(res)
      pool.query("SELECT 1").then(
        () => {
          res.setHeader("content-type", "application/json")
          res.end('{"status":"pass"}')
        },
        () => {
          res.statusCode = 503
          res.end('{"status":"fail"}')
        },
      )
    }
  },
}

let server
if (kind === "lightship") {
  // Lightship serves on its own Fastify server, on every interface and the port it is given: a
  // free one, taken from the loopback first.
  const probe = createServer()
  const port = await new Promise((resolve) =>
    probe.listen(0, "127.0.0.1", () => resolve(probe.address().port)),
  )
  await new Promise((resolve) => probe.close(resolve))
  const { createLightship } = require("lightship")
  const lightship = await createLightship({
    port,
    detectKubernetes: false,
    signals: [],
    terminate: () => undefined,
  })
  lightship.signalReady()
  console.log(`ready ${port}`)
  process.once("SIGTERM", () => process.exit(0))
} else if (kind === "terminus") {
  const pg = (await import(require.resolve("pg"))).default
  const { createTerminus } = await import(require.resolve("@godaddy/terminus"))
  const pool = new pg.Pool({ connectionString: pgUrl, application_name: applicationName, max: 10 })
  server = createServer(notFound)
  createTerminus(server, {
    healthChecks: { "/health": () => pool.query("SELECT 1") },
    signals: [],
  })
} else if (listeners[kind] !== undefined) {
  server = createServer(await listeners[kind]())
} else {
  console.error(`unknown kind ${kind}: bare, ir, effect, terminus, naive or lightship`)
  process.exit(2)
}
if (server !== undefined) {
  server.keepAliveTimeout = 30_000
  server.listen(0, "127.0.0.1", () => {
    console.log(`ready ${server.address().port}`)
  })
  process.once("SIGTERM", () => process.exit(0))
}
