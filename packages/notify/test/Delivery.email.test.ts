import type { AddressInfo } from "node:net"
import { createServer, type Server, type Socket } from "node:net"
import { type ParsedMail, simpleParser } from "mailparser"
import { SMTPServer, type SMTPServerOptions } from "smtp-server"
import { afterEach, describe, expect, it } from "vitest"
import { Channel, type DeliveryLogEntry, deliver } from "../src/index.js"
import { message } from "./peers.js"

const password = "smtp-password-secret"

interface MailPeer {
  readonly port: number
  readonly received: Array<ParsedMail>
  readonly close: () => Promise<void>
}

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

/** A real SMTP server (smtp-server) on loopback that requires a login and parses what it gets. */
const startSmtp = async (overrides: Partial<SMTPServerOptions> = {}): Promise<MailPeer> => {
  const received: Array<ParsedMail> = []
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "ir" && auth.password === password) callback(null, { user: "ir" })
      else callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }))
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail)
          callback()
        },
        (error: Error) => callback(error),
      )
    },
    ...overrides,
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.server.address() as AddressInfo).port
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  closers.push(close)
  return { port, received, close }
}

const emailChannel = (port: number, secret = password) =>
  Channel.decodeChannel({
    id: "oncall-email",
    kind: "email",
    host: "127.0.0.1",
    port,
    user: "ir",
    password: secret,
    from: "ir <incidents@iot.example.com>",
    to: ["oncall@iot.example.com", "sre@iot.example.com"],
  })

const fast = { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 }

describe("e-mail over SMTP", () => {
  it("sends one message with the subject, a text part and an HTML part", async () => {
    const smtp = await startSmtp()
    const log: Array<DeliveryLogEntry> = []
    const result = await deliver(emailChannel(smtp.port), message, {
      ...fast,
      idempotencyKey: "INC-2026-0042:initial:oncall-email",
      log: (entry) => log.push(entry),
    })
    expect(result).toMatchObject({
      channel: "oncall-email",
      kind: "email",
      status: "delivered",
      attempts: 1,
      target: `smtp://127.0.0.1:${smtp.port} → oncall@iot.example.com, sre@iot.example.com`,
      response: { status: 250 },
    })
    expect(smtp.received).toHaveLength(1)
    const mail = smtp.received[0]!
    expect(mail.subject).toBe(message.email!.subject)
    expect(mail.text).toBe(message.email!.text)
    expect(mail.html).toBe(message.email!.html)
    expect(mail.from?.text).toBe('"ir" <incidents@iot.example.com>')
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@iot\.example\.com>$/)
    expect(mail.headers.get("x-ir-incident")).toBe("INC-2026-0042")
    expect(JSON.stringify([result, log])).not.toContain(password)
  })

  it("keeps the Message-ID of a retry, so mail systems can drop the duplicate", async () => {
    const smtp = await startSmtp()
    const channel = emailChannel(smtp.port)
    await deliver(channel, message, { ...fast, idempotencyKey: "same-key" })
    await deliver(channel, message, { ...fast, idempotencyKey: "same-key" })
    expect(smtp.received.map((mail) => mail.messageId)).toEqual([
      smtp.received[0]?.messageId,
      smtp.received[0]?.messageId,
    ])
  })

  it("reports recipients the server refused while delivering to the others", async () => {
    const smtp = await startSmtp({
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith("sre@")) {
          callback(Object.assign(new Error("5.1.1 Mailbox unknown"), { responseCode: 550 }))
        } else callback()
      },
    })
    const result = await deliver(emailChannel(smtp.port), message, fast)
    expect(result).toMatchObject({ status: "delivered", attempts: 1 })
    expect(result.response?.detail).toContain("refused: sre@iot.example.com")
    expect(smtp.received[0]?.to).toBeDefined()
  })

  it("does not retry a permanent rejection, and says which reply it got", async () => {
    const smtp = await startSmtp({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error("5.1.1 Mailbox unknown"), { responseCode: 550 }))
      },
    })
    const result = await deliver(emailChannel(smtp.port), message, fast)
    expect(result).toMatchObject({ status: "failed", attempts: 1 })
    expect(result.cause).toMatchObject({ reason: "rejected", retryable: false })
    expect(result.cause?.message).toContain("rejected the message")
    expect(result.cause?.message).toContain("Mailbox unknown")
  })

  it("retries a temporary failure and delivers", async () => {
    let firstSession: string | undefined
    const smtp = await startSmtp({
      onRcptTo(_address, session, callback) {
        firstSession ??= session.id
        if (session.id === firstSession) {
          callback(Object.assign(new Error("4.3.0 Try again later"), { responseCode: 451 }))
        } else callback()
      },
    })
    const result = await deliver(emailChannel(smtp.port), message, fast)
    expect(result).toMatchObject({ status: "delivered", attempts: 2 })
    expect(smtp.received).toHaveLength(1)
  })

  it("fails a wrong password without retrying and without showing it", async () => {
    const smtp = await startSmtp()
    const wrong = "wrong-password-secret"
    const result = await deliver(emailChannel(smtp.port, wrong), message, fast)
    expect(result).toMatchObject({ status: "failed", attempts: 1 })
    expect(result.cause).toMatchObject({ reason: "rejected" })
    expect(result.cause?.message).toContain("Invalid username or password")
    expect(JSON.stringify(result)).not.toContain(wrong)
    expect(result.cause?.message).not.toContain(wrong)
  })

  it("times out a server that never greets", async () => {
    const sockets: Array<Socket> = []
    const silent: Server = createServer((socket) => sockets.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy()
          silent.close(() => resolve())
        }),
    )
    const started = Date.now()
    const result = await deliver(emailChannel((silent.address() as AddressInfo).port), message, {
      ...fast,
      timeoutMs: 300,
      retries: 1,
    })
    expect(result).toMatchObject({ status: "failed", attempts: 2 })
    expect(result.cause).toMatchObject({ reason: "timeout" })
    expect(result.cause?.message).toContain("did not answer in time")
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})
