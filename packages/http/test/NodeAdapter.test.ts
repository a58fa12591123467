// The node adapter hands the Alertmanager webhook to the receiver as plain data: no Fetch
// `Request` is built for it, and the answer is the one the Fetch path gives.
import { createServer, request as httpRequest, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { Journal } from "@ir/journal"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createAlertReceiver } from "../src/AlertReceiver.js"
import { createHandler } from "../src/Handler.js"
import { toNodeListener } from "../src/NodeAdapter.js"
import { payload, tempJournal } from "./fixtures.js"

const token = "node-adapter-token-0123456789"

let journal: Journal
let dispose: () => Promise<void>
let server: Server
let port: number
beforeEach(async () => {
  ;({ journal, dispose } = await tempJournal())
  const handler = createHandler({
    alerts: createAlertReceiver({ journal, auth: { bearer: token } }),
  })
  server = createServer(toNodeListener(handler))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  port = (server.address() as AddressInfo).port
})
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve))
  await dispose()
})

/** A POST through node:http (not fetch, which builds requests of its own). */
const send = (
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path: "/alerts/alertmanager", method: "POST", headers },
      (res) => {
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (chunk) => {
          text += chunk
        })
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        )
      },
    )
    req.on("error", reject)
    req.end(body)
  })

describe("the node adapter's webhook path", () => {
  it("opens, joins and refuses without building a Fetch Request", async () => {
    const Original = globalThis.Request
    let built = 0
    globalThis.Request = class extends Original {
      constructor(...args: ConstructorParameters<typeof Request>) {
        super(...args)
        built += 1
      }
    }
    try {
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" }
      const opened = await send(JSON.stringify(payload()), headers)
      expect(opened.status).toBe(201)
      expect(opened.headers["content-type"]).toBe("application/json; charset=utf-8")
      expect(JSON.parse(opened.body)).toMatchObject({ incident: { created: true } })
      const joined = await send(JSON.stringify(payload()), headers)
      expect(joined.status).toBe(200)
      expect(JSON.parse(joined.body)).toMatchObject({ incident: { created: false } })
      const refused = await send(JSON.stringify(payload()), { "content-type": "application/json" })
      expect(refused.status).toBe(401)
      expect(refused.headers["content-type"]).toBe("application/problem+json")
      const unsupported = await send("{}", { ...headers, "content-type": "text/plain" })
      expect(unsupported.status).toBe(415)
      expect(unsupported.headers.connection).toBe("close")
    } finally {
      globalThis.Request = Original
    }
    expect(built).toBe(0)
  })
})
