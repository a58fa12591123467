// A responder over a real file journal in a temp directory, delivering to real HTTP peers on
// loopback (a Slack incoming webhook and the PagerDuty Events API v2).
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { defaultRunbook, type Maintenance, type Runbook } from "@ir/core"
import { type Journal, openJournal } from "@ir/journal"
import { Channel, createIncidentMessenger, withConfiguredChannels } from "@ir/notify"
import * as Effect from "effect/Effect"
import { type Peer, pagerDutyPeer, slackPeer } from "../../../scripts/test-support/peers.js"
import {
  createResponder,
  type QuietNotes,
  type Responder,
  type ResponderEvent,
} from "../src/index.js"

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** The seed runbook with its P0 rule "not restored within" `p0After` instead of 30 minutes. */
export const runbookWith = (p0After: string): Runbook => ({
  ...defaultRunbook,
  escalation: {
    ...defaultRunbook.escalation,
    rules: defaultRunbook.escalation.rules.map((rule) =>
      rule.id === "p0-not-restored" ? { ...rule, trigger: { unresolvedFor: p0After } } : rule,
    ),
  } as Runbook["escalation"],
})

export interface World {
  readonly dir: string
  readonly slack: Peer
  readonly pagerduty: Peer
  readonly runbook: Runbook
  /** A journal on the directory, as another process would open it. */
  readonly journal: () => Promise<Journal>
  /** A responder over its own journal (another process), logging into `events`. */
  readonly responder: (options?: {
    readonly now?: () => Date
    readonly maintenance?: ReadonlyArray<Maintenance.MaintenanceWindow>
    readonly trainingReminders?: boolean
    /** What the responder sees of its journal (to watch its calls). */
    readonly wrapJournal?: (journal: Journal) => Journal
    readonly quiet?: QuietNotes
  }) => Promise<Responder>
  readonly events: Array<ResponderEvent>
  readonly close: () => Promise<void>
}

export const world = async (runbookBase: Runbook = defaultRunbook): Promise<World> => {
  const dir = mkdtempSync(join(tmpdir(), "ir-responder-"))
  const slack = await slackPeer()
  const pagerduty = await pagerDutyPeer()
  const channels = Channel.decodeChannels([
    { id: "incidents", kind: "slack", webhookUrl: `${slack.url}/services/T0/B0/x` },
    {
      id: "on-call",
      kind: "pagerduty",
      routingKey: "0123456789abcdef0123456789abcdef",
      url: `${pagerduty.url}/v2/enqueue`,
    },
  ])
  const runbook = withConfiguredChannels(runbookBase, channels)
  const journals: Array<Journal> = []
  const events: Array<ResponderEvent> = []
  const journal = async () => {
    const opened = await run(openJournal({ backend: "file", dir }))
    journals.push(opened)
    return opened
  }
  return {
    dir,
    slack,
    pagerduty,
    runbook,
    journal,
    events,
    responder: async (options = {}) =>
      createResponder({
        journal: (options.wrapJournal ?? ((opened: Journal) => opened))(await journal()),
        runbook,
        messenger: createIncidentMessenger({
          runbook,
          channels,
          delivery: { timeoutMs: 5000, retries: 0 },
        }),
        ...(options.now === undefined ? {} : { now: options.now }),
        ...(options.maintenance === undefined ? {} : { maintenance: options.maintenance }),
        ...(options.trainingReminders === undefined
          ? {}
          : { trainingReminders: options.trainingReminders }),
        ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
        log: (event) => events.push(event),
      }),
    close: async () => {
      for (const opened of journals) await run(opened.close)
      await slack.close()
      await pagerduty.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** What the PagerDuty peer received: event actions and dedup keys, in order. */
export const pages = (peer: Peer) =>
  peer.received.map((request) => ({
    action: String(request.json.event_action),
    dedupKey: String(request.json.dedup_key),
  }))

/** The first lines of the Slack messages received, in order. */
export const headlines = (peer: Peer) =>
  peer.received.map((request) => String(request.json.text ?? "").split("\n")[0] ?? "")

export const p0 = (at: Date) => ({
  at,
  title: "System completely down",
  severity: "P0" as const,
  playbooks: ["system-down"],
  summary: "Health check endpoint unreachable",
  by: "alice",
})

/**
 * The journal, with the human ids `read` was asked for pushed onto `reads` (and, with `locks`,
 * those `withDispatchLock` was asked for onto `locks`).
 */
export const watchingReads =
  (reads: Array<string>, locks?: Array<string>) =>
  (journal: Journal): Journal =>
    new Proxy(journal, {
      get: (target, property) => {
        if (property === "read")
          return (id: string) => {
            reads.push(id)
            return target.read(id)
          }
        if (property === "withDispatchLock" && locks !== undefined)
          return (...args: Parameters<Journal["withDispatchLock"]>) => {
            locks.push(args[0])
            return target.withDispatchLock(...args)
          }
        const value: unknown = Reflect.get(target, property)
        return typeof value === "function" ? value.bind(target) : value
      },
    })
