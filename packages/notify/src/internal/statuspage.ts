// Atlassian Statuspage's REST API (https://developer.statuspage.io/): the first notice creates
// the incident (POST /pages/{page_id}/incidents, answered with its `id`), later ones update it
// (PATCH /pages/{page_id}/incidents/{incident_id}); `Authorization: OAuth <api key>`. Components
// take the status the severity calls for and turn operational at the resolution.
import { Audience } from "@ir/core"
import * as Redacted from "effect/Redacted"
import type { StatuspageChannel } from "../Channel.js"
import type { Message } from "../Message.js"
import type { AttemptResult, PreparedDelivery } from "./attempt.js"
import type { HttpAnswer } from "./http.js"
import { send } from "./http.js"

const { componentStatus, publicImpact: impact } = Audience

/** The request Statuspage gets for a notice: method, path and body. */
export const statuspageRequest = (
  channel: StatuspageChannel,
  message: Message,
  reference: string | undefined,
): { method: "POST" | "PATCH"; url: string; body: Record<string, unknown> } => {
  const status =
    message.notice?.status ?? (message.kind === "resolution" ? "resolved" : "investigating")
  const playbooks = message.notice?.playbooks ?? []
  const components = channel.components
    .filter(
      (component) =>
        component.playbooks === undefined ||
        component.playbooks.some((playbook) => playbooks.includes(playbook)),
    )
    .map((component) => component.id)
  const state = status === "resolved" ? "operational" : componentStatus[message.severity]
  const incident: Record<string, unknown> = {
    status,
    body: message.text.trim(),
    ...(components.length === 0
      ? {}
      : {
          component_ids: components,
          components: Object.fromEntries(components.map((id) => [id, state])),
        }),
  }
  const base = `${channel.url.replace(/\/+$/, "")}/pages/${encodeURIComponent(channel.pageId)}/incidents`
  if (reference === undefined) {
    return {
      method: "POST",
      url: base,
      body: {
        incident: {
          name: message.notice?.title ?? message.summary,
          impact_override: message.kind === "drill" ? "none" : impact[message.severity],
          // a live drill's test incident notifies no subscriber
          deliver_notifications: message.kind !== "drill",
          ...incident,
        },
      },
    }
  }
  return { method: "PATCH", url: `${base}/${encodeURIComponent(reference)}`, body: { incident } }
}

const created = (answer: HttpAnswer): AttemptResult => {
  let id: unknown
  try {
    id = (JSON.parse(answer.body) as { id?: unknown }).id
  } catch {
    id = undefined
  }
  if (typeof id !== "string" || id === "")
    return {
      ok: false,
      failure: {
        reason: "invalid-response",
        status: answer.status,
        detail: "Statuspage answered without the incident's id",
        retryable: false,
      },
    }
  return { ok: true, status: answer.status, detail: `incident ${id}`, reference: id }
}

export const prepareStatuspage = (
  channel: StatuspageChannel,
  message: Message,
  reference: string | undefined,
  secrets: ReadonlyArray<string>,
): PreparedDelivery => {
  const request = statuspageRequest(channel, message, reference)
  const body = JSON.stringify(request.body)
  const headers = {
    "content-type": "application/json",
    "user-agent": "ir-notify",
    authorization: `OAuth ${Redacted.value(channel.apiKey)}`,
  }
  return {
    attempt: (context) =>
      send(request.method, request.url, body, headers, context, secrets, (answer) =>
        request.method === "POST"
          ? created(answer)
          : { ok: true, status: answer.status, detail: `incident ${reference} updated` },
      ),
  }
}
