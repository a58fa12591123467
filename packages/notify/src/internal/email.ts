// E-mail over SMTP with nodemailer: one message with a text and an HTML part. The Message-ID is
// derived from the idempotency key, so a retry after a lost answer carries the same id and
// mail systems that deduplicate by Message-ID keep one copy.
import { createHash } from "node:crypto"
import * as Redacted from "effect/Redacted"
import type nodemailer from "nodemailer"
import type { EmailChannel } from "../Channel.js"
import type { Message } from "../Message.js"
import type { AttemptResult, Failure, PreparedDelivery } from "./attempt.js"
import { excerpt, scrub, summarizeCause } from "./redact.js"

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

export const messageId = (idempotencyKey: string, from: string): string => {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "ir.invalid"
  return `<${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}@${domain}>`
}

const classify = (error: unknown, secrets: ReadonlyArray<string>, timeoutMs: number): Failure => {
  const cause = summarizeCause(error, secrets)
  const details = error as { code?: unknown; responseCode?: unknown; response?: unknown }
  const status = typeof details.responseCode === "number" ? details.responseCode : undefined
  const response =
    typeof details.response === "string" ? excerpt(scrub(details.response, secrets)) : cause.message
  if (status !== undefined && status >= 500) {
    return { reason: "rejected", status, detail: response, retryable: false, cause }
  }
  if (status !== undefined && status >= 400) {
    return { reason: "server-error", status, detail: response, retryable: true, cause }
  }
  if (details.code === "ETIMEDOUT") {
    return {
      reason: "timeout",
      detail: `no answer within ${timeoutMs} ms (${cause.message})`,
      retryable: true,
      cause,
    }
  }
  if (details.code === "EAUTH" || details.code === "EENVELOPE" || details.code === "EMESSAGE") {
    return { reason: "rejected", detail: cause.message, retryable: false, cause }
  }
  return {
    reason: "network",
    detail: cause.message,
    retryable: true,
    cause,
  }
}

export const prepareEmail = (
  channel: EmailChannel,
  message: Message,
  idempotencyKey: string,
  secrets: ReadonlyArray<string>,
): PreparedDelivery => {
  const email = message.email ?? {
    subject: message.summary,
    text: message.text,
    html: `<pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(message.text)}</pre>`,
  }
  const mail = {
    from: channel.from,
    to: [...channel.to],
    ...(channel.cc === undefined ? {} : { cc: [...channel.cc] }),
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: messageId(idempotencyKey, channel.from),
    date: new Date(message.at),
    headers: { "X-Ir-Incident": message.incidentId, "X-Ir-Message": message.kind },
  }
  let transport: ReturnType<typeof nodemailer.createTransport> | undefined
  // nodemailer loads on the first delivery: a command that only reads the configuration never
  // needs it.
  const transportFor = async (timeoutMs: number) => {
    const { default: nodemailer } = await import("nodemailer")
    transport ??= nodemailer.createTransport({
      host: channel.host,
      port: channel.port,
      secure: channel.secure,
      requireTLS: channel.starttls === "required",
      ignoreTLS: channel.starttls === "never",
      ...(channel.user === undefined
        ? {}
        : {
            auth: {
              user: channel.user,
              pass: channel.password === undefined ? "" : Redacted.value(channel.password),
            },
          }),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
    })
    return transport
  }
  return {
    attempt: async (context): Promise<AttemptResult> => {
      const sender = await transportFor(context.timeoutMs)
      if (context.signal?.aborted) {
        return {
          ok: false,
          failure: { reason: "aborted", detail: "the caller cancelled it", retryable: false },
        }
      }
      let onAbort: (() => void) | undefined
      const aborted = new Promise<AttemptResult>((resolve) => {
        onAbort = () => {
          sender.close()
          resolve({
            ok: false,
            failure: { reason: "aborted", detail: "the caller cancelled it", retryable: false },
          })
        }
        context.signal?.addEventListener("abort", onAbort, { once: true })
      })
      const sent = sender.sendMail(mail).then(
        (info): AttemptResult => {
          const rejected = (info.rejected ?? []).map(String)
          if (rejected.length > 0 && (info.accepted ?? []).length === 0) {
            return {
              ok: false,
              failure: {
                reason: "rejected",
                detail: `every recipient was refused: ${rejected.join(", ")}`,
                retryable: false,
              },
            }
          }
          const answer = excerpt(scrub(String(info.response ?? "accepted"), secrets))
          return {
            ok: true,
            detail: rejected.length === 0 ? answer : `${answer}; refused: ${rejected.join(", ")}`,
            ...(/^\d{3}/.test(answer) ? { status: Number(answer.slice(0, 3)) } : {}),
          }
        },
        (error: unknown): AttemptResult => ({
          ok: false,
          failure: classify(error, secrets, context.timeoutMs),
        }),
      )
      try {
        return await Promise.race([sent, aborted])
      } finally {
        if (onAbort !== undefined) context.signal?.removeEventListener("abort", onAbort)
      }
    },
    close: () => transport?.close(),
  }
}
