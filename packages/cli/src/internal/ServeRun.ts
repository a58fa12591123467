import { Duration, OnCall } from "@ir/core"
import { createResponder, type ResponderEvent, runResponder } from "@ir/responder"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { UsageError } from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import type { CommonArgs } from "./CommonOptions.js"
import type { CommandContext } from "./Handler.js"
import { dispatchLines } from "./IncidentText.js"
import { withLifecycle } from "./Lifecycle.js"
import { resolveServe } from "./ServeSection.js"
import { resolveTargets } from "./TargetsLoader.js"

export interface ServeArgs extends CommonArgs {
  readonly port: Option.Option<number>
  readonly host: Option.Option<string>
  readonly shutdownDelay: Option.Option<string>
}

/** How often `ir serve` writes the responder's notes back to the user's cache at most. */
const NOTES_SAVE_INTERVAL_MS = 60_000

const loopback = (host: string) => host === "localhost" || host === "::1" || /^127\./.test(host)

/** `ir serve`. */
export const run = (args: ServeArgs, context: CommandContext) =>
  // A server acts at the time things happen: a rehearsal clock ($IR_NOW) does not apply.
  withLifecycle(
    { ...context, io: { ...context.io, env: { ...context.io.env, IR_NOW: undefined } } },
    { ...args, at: Option.none() },
    (lifecycle) =>
      Effect.gen(function* () {
        const { output, io, runbook, journal, config } = lifecycle
        // The responder sends: every channel's secrets must be there before it starts.
        yield* lifecycle.requireChannels
        const settings = yield* resolveServe(config, io, runbook)
        const targets = yield* resolveTargets(config, io)
        const port = Option.getOrElse(args.port, () => settings.port)
        if (!Number.isInteger(port) || port < 0 || port > 65_535) {
          return yield* Effect.fail(
            new UsageError({ reason: "bad-value", detail: `--port ${port}: expected 0 to 65535` }),
          )
        }
        const host = Option.getOrElse(args.host, () => settings.host)
        const delayMs = Option.match(args.shutdownDelay, {
          onNone: () => settings.shutdownDelayMs,
          onSome: Duration.parseMillis,
        })
        if (delayMs === undefined) {
          return yield* Effect.fail(
            new UsageError({
              reason: "bad-value",
              detail: `--shutdown-delay ${JSON.stringify(Option.getOrElse(args.shutdownDelay, () => ""))}: expected a duration such as 5s or 500ms`,
            }),
          )
        }
        const http = yield* Effect.promise(() => import("@ir/http"))
        const node = yield* Effect.promise(() => import("@ir/http/node"))
        const receiving = settings.token !== undefined || settings.allowUnauthenticated
        if (!receiving) {
          output.note(
            output.errStyle.yellow(
              "the Alertmanager receiver is off: set serve.token (or $IR_ALERTS_TOKEN) so that only Alertmanager can open incidents",
            ),
          )
        } else if (settings.token === undefined && !loopback(host)) {
          return yield* Effect.fail(
            new UsageError({
              reason: "bad-value",
              detail: `serve.allowUnauthenticated is only allowed on loopback, and ${host} is not: set serve.token`,
            }),
          )
        }
        const log = (line: string) => output.note(`${new Date().toISOString()} ${line}`)
        // The responder: the receiver opens incidents through it and the clock sends what falls
        // due, each message under its incident's dispatch lock, so a cron `ir escalate` never
        // sends again what this process sent.
        const responder = createResponder({
          journal,
          runbook,
          messenger: lifecycle.messenger(),
          now: lifecycle.now,
          maintenance: lifecycle.maintenance,
          trainingReminders: settings.trainingReminders,
          ...(lifecycle.quietNotes === undefined ? {} : { quiet: lifecycle.quietNotes }),
          log: (event) => {
            const line = describeEvent(event, output.errStyle)
            if (line !== undefined) log(line)
          },
        })
        const alerts = receiving
          ? http.createAlertReceiver({
              journal,
              runbook,
              ...(settings.token === undefined
                ? { allowUnauthenticated: true }
                : { auth: { bearer: Redacted.make(settings.token) } }),
              diagnostics: targets,
              // The page and the initial alert go out (and are recorded) through the responder,
              // under the incident's dispatch lock, so a cron run never sends them again.
              responder,
              onBackgroundError: (error) =>
                output.error(
                  `alert receiver: ${error instanceof Error ? error.message : String(error)}`,
                ),
            })
          : undefined
        const handler = http.createHandler({
          health: { config: targets, runbook },
          ...(settings.healthToken === undefined
            ? {}
            : { token: Redacted.make(settings.healthToken) }),
          ...(alerts === undefined ? {} : { alerts }),
          journal,
          runbook,
          serviceId: "ir",
          status: settings.status.enabled
            ? {
                ...(settings.status.name === undefined ? {} : { name: settings.status.name }),
                ...(settings.status.url === undefined ? {} : { url: settings.status.url }),
                ...(settings.status.days === undefined ? {} : { days: settings.status.days }),
                ...(settings.status.cacheMs === undefined
                  ? {}
                  : { cacheMs: settings.status.cacheMs }),
                ...(settings.status.components === undefined
                  ? {}
                  : { components: settings.status.components }),
                // Why /status answers 503: the journal, or a renderer library that did not load.
                onError: (error: unknown) =>
                  output.error(
                    `status page: ${error instanceof Error ? error.message : String(error)}`,
                  ),
              }
            : false,
          ...(settings.boardToken === undefined
            ? {}
            : {
                board: {
                  responder,
                  token: Redacted.make(settings.boardToken),
                  // Who is on call, from the runbook's schedule (none configured: not shown).
                  onCall: (at: Date) => {
                    const answer = OnCall.whoIsOnCall(runbook.onCallSchedule, at)
                    return [answer.primary, answer.secondary].flatMap((layer) =>
                      layer.current === undefined
                        ? []
                        : [
                            {
                              role: layer.layer,
                              name: layer.current.person.name ?? layer.current.person.id,
                            },
                          ],
                    )
                  },
                },
              }),
        })
        const running = yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () =>
              node.serve(handler, {
                port,
                host,
                signals: false,
                shutdownDelayMs: delayMs,
                drainTimeoutMs: 10_000,
              }),
            catch: (error) =>
              new UsageError({
                reason: "bad-value",
                detail: `cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`,
                cause: error,
              }),
          }),
          (server) =>
            Effect.promise(async () => {
              log("shutting down: readiness fails, requests in flight finish")
              await server.shutdown()
              log("stopped")
            }),
        )
        output.print(
          `ir serve: listening on ${running.url} (${handler.routes.join(", ")}); journal ${lifecycle.journalConfig.backend} ${lifecycle.journalLocation}; responder clock every ${Duration.formatSeconds(settings.tickMs / 1000)}`,
        )
        // The clock: runs until the scope closes (SIGTERM), giving its lease up then.
        // Its notes of incidents with nothing due are written back at most once a minute (and on
        // shutdown): a restart, or `ir escalate` from cron, reads only what changed or fell due.
        const notes = lifecycle.quietNotes
        let notesSavedAt = Date.now()
        yield* Effect.forkScoped(
          runResponder(responder, {
            tickMs: settings.tickMs,
            onTick: () => {
              if (notes === undefined || Date.now() - notesSavedAt < NOTES_SAVE_INTERVAL_MS) return
              notesSavedAt = Date.now()
              void notes.save()
            },
          }),
        )
        if (!loopback(host)) output.note(`listening on ${host}: reachable from the network`)
        const signal = yield* Effect.async<string>((resume) => {
          const onSignal = () => resume(Effect.succeed("SIGTERM"))
          process.once("SIGTERM", onSignal)
          return Effect.sync(() => {
            process.off("SIGTERM", onSignal)
          })
        })
        log(`${signal} received`)
        return ExitCode.ok
      }),
    { quietNotes: true },
  )

/** One log line for what the responder did (nothing for a dry run). */
const describeEvent = (
  event: ResponderEvent,
  style: Parameters<typeof dispatchLines>[1],
): string | undefined => {
  switch (event.event) {
    case "opened":
      return `${event.incidentId} opened (${event.severity}): ${event.title}`
    case "dispatched":
      return dispatchLines([event.dispatch], style)
        .map((line) => `${event.incidentId}: ${line}`)
        .join("\n")
    case "busy":
      return `${event.incidentId}: another process is sending for it (${event.detail})`
    case "failed":
      return `${event.incidentId}: ${event.detail}`
    case "damaged":
      return `warning: ${event.damage.incidentId} cannot be read and is left as it is: ${event.damage.location}: ${event.damage.problem}`
    case "leading":
      return "responder clock: this process runs it (it holds the journal's lease)"
    case "standing-by":
      return "responder clock: another process runs it; this one stands by and takes over if it stops"
    case "lost-lead":
      return "responder clock: the journal's lease was lost; trying to take it again"
    case "tick-failed":
      return `responder clock: ${event.detail}`
    case "under-maintenance":
      return `${event.incidentId}: ${event.note}`
    case "maintenance-unreadable":
      return `warning: the journal's maintenance windows cannot be read (the configured ones still apply): ${event.detail}`
    case "training-reminded":
      return `drill schedule: ${event.title} reminded (${event.key}) on ${event.channels.join(", ")}`
    case "training-failed":
      return `warning: drill schedule reminder ${event.key} reached no channel, tried again next tick: ${event.detail}`
  }
}
