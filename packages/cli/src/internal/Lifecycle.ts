// What every incident-lifecycle command shares: the clock (real, or `--at`/`$IR_NOW` for a
// rehearsal), the configuration's runbook, journal and channels, output scrubbed of every secret
// the configuration holds, and sending what an incident has due under its dispatch lock.
import { createHash } from "node:crypto"
import { join } from "node:path"
import { activeStatuses, type Maintenance, type Runbook } from "@ir/core"
import {
  type IncidentRecord,
  type Journal,
  type JournalConfig,
  type JournalDamage,
  type JournalError,
  openJournal,
} from "@ir/journal"
import {
  Channel,
  createIncidentMessenger,
  type IncidentMessenger,
  withConfiguredChannels,
} from "@ir/notify"
import {
  createResponder,
  type DispatchFailed,
  type DispatchOptions,
  type DispatchRun,
  journalMessage,
  loadQuietNotes,
  type QuietNotesFile,
  type Responder,
  runbookFingerprint,
} from "@ir/responder"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { type ConfigError, UsageError } from "../CliError.js"
import type { Config } from "../Config.js"
import { type Io, make as makeOutput, type Output } from "../Output.js"
import { type Clock, resolveClock } from "./Clock.js"
import { cacheHome } from "./CodeCache.js"
import type { CommonArgs } from "./CommonOptions.js"
import { type CommandContext, loadConfig } from "./Handler.js"
import { resolveJournal } from "./JournalSection.js"
import { resolveMaintenance } from "./MaintenanceSection.js"
import { type NotifySettings, resolveNotify } from "./NotifySection.js"
import { isSecretKey, redacted } from "./Redact.js"
import { resolveRunbook } from "./RunbookLoader.js"
import { version } from "./Version.js"

/** The options of every lifecycle command. */
export interface LifecycleArgs extends CommonArgs {
  readonly at: Option.Option<string>
}

/** An open journal and everything else a lifecycle command works with. */
export interface Lifecycle {
  readonly io: Io
  readonly output: Output
  readonly config: Config
  /** The runbook, with the configured channels it does not list added to it. */
  readonly runbook: Runbook
  readonly journal: Journal
  readonly journalConfig: JournalConfig
  /** The journal's directory or URL, password removed. */
  readonly journalLocation: string
  readonly clock: Clock
  /**
   * The time now: the rehearsal clock when one is set, else the system clock read afresh (a
   * long-running `ir serve` must not act at the moment it started).
   */
  readonly now: () => Date
  readonly notify: NotifySettings
  /** Created on first use (it compiles the templates). */
  readonly messenger: () => IncidentMessenger
  /** The incident workflow over this journal, runbook and messenger (created on first use). */
  readonly responder: () => Responder
  /** Fails when a channel is left out for an unset `${VAR}`: run before anything sends. */
  readonly requireChannels: Effect.Effect<void, ConfigError>
  /** Who is acting: `--by`, else `$IR_USER`, else `$USER`. */
  readonly by: (given?: Option.Option<string>) => string
  /** The configuration's maintenance windows (the journal keeps those of `ir maintenance start`). */
  readonly maintenance: ReadonlyArray<Maintenance.MaintenanceWindow>
  /**
   * The responder's notes kept in the user's cache, when the command asked for them
   * (`LifecycleOptions.quietNotes`); written back when the command ends.
   */
  readonly quietNotes: QuietNotesFile | undefined
}

/** A journal failure as the one-line message a user can act on. */
export const fromJournal = (error: JournalError): UsageError => {
  const { kind, detail } = journalMessage(error)
  return new UsageError({ reason: kind, detail, cause: error })
}

const secretStrings = (config: Config, channels: ReadonlyArray<Channel.Channel>) => {
  const found = new Set<string>()
  const visit = (value: unknown, path: ReadonlyArray<string | number>, secret: boolean) => {
    const key = path[path.length - 1]
    const isSecret =
      secret ||
      config.secretPaths.has(path.join(".")) ||
      (typeof key === "string" && isSecretKey(key))
    if (typeof value === "string") {
      if (isSecret) found.add(value)
      try {
        const url = new URL(value)
        if (url.password !== "") found.add(decodeURIComponent(url.password))
      } catch {
        // not a URL
      }
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, [...path, index], isSecret)
    } else if (value !== null && typeof value === "object") {
      for (const [name, item] of Object.entries(value)) visit(item, [...path, name], isSecret)
    }
  }
  visit(config.document, [], false)
  for (const channel of channels) for (const secret of Channel.secretsOf(channel)) found.add(secret)
  return [...found].filter((secret) => secret.length >= 6).sort((a, b) => b.length - a.length)
}

/** The command's output with every secret of the configuration replaced by `***`. */
const scrubbedOutput = (
  context: CommandContext,
  config: Config,
  channels: ReadonlyArray<Channel.Channel>,
): Output => {
  const secrets = secretStrings(config, channels)
  if (secrets.length === 0) return context.output
  const scrub = (text: string) =>
    secrets.reduce((result, secret) => result.split(secret).join(redacted), text)
  const io: Io = {
    ...context.io,
    stdout: { ...context.io.stdout, write: (text) => context.io.stdout.write(scrub(text)) },
    stderr: { ...context.io.stderr, write: (text) => context.io.stderr.write(scrub(text)) },
  }
  const { output } = context
  return makeOutput(io, { format: output.format, quiet: output.quiet, verbose: output.verbose })
}

/**
 * Where the responder's notes of incidents with nothing due are kept between runs of `ir
 * escalate` and restarts of `ir serve` (both read and write them): the user's cache, one file per
 * journal (`$XDG_CACHE_HOME/ir/quiet/<hash of the journal's location>.json`).
 */
const quietNotesFile = (env: NodeJS.ProcessEnv, location: string): string | undefined => {
  const home = cacheHome(env)
  if (home === undefined) return undefined
  const name = createHash("sha256").update(location).digest("hex").slice(0, 32)
  return join(home, "quiet", `${name}.json`)
}

/** What a lifecycle command asks of its setting beyond the defaults. */
export interface LifecycleOptions {
  /**
   * Keep the responder's notes of incidents with nothing due in the user's cache between runs
   * (see `quietNotesFile`): a run reads only the incidents that changed or fell due since.
   */
  readonly quietNotes?: boolean
}

/** Loads the configuration, opens the journal, and runs `use`; the journal is closed after. */
export const withLifecycle = <A>(
  context: CommandContext,
  args: LifecycleArgs,
  use: (lifecycle: Lifecycle) => Effect.Effect<A, UsageError | ConfigError, Scope.Scope>,
  options: LifecycleOptions = {},
): Effect.Effect<A, UsageError | ConfigError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { io } = context
      const clock = yield* resolveClock(args.at, io.env)
      const config = yield* loadConfig(context)
      const { runbook: base } = yield* resolveRunbook(config, io.cwd)
      const notify = yield* resolveNotify(config, io.cwd)
      const runbook = withConfiguredChannels(base, notify.channels)
      const choice = yield* resolveJournal(config, io)
      const maintenance = yield* resolveMaintenance(
        config,
        io,
        runbook.playbooks.map((playbook) => playbook.id),
      )
      const output = scrubbedOutput(context, config, notify.channels)
      if (clock.source !== "system") {
        output.note(
          output.errStyle.yellow(
            `rehearsal clock: ${clock.now.toISOString()} (from ${clock.source === "option" ? "--at" : "$IR_NOW"})`,
          ),
        )
      }
      output.debug(`journal: ${choice.config.backend} ${choice.location}`)
      const journal = yield* Effect.acquireRelease(
        Effect.mapError(openJournal(choice.config), fromJournal),
        (opened) => opened.close,
      )
      const notesFile =
        options.quietNotes === true ? quietNotesFile(io.env, choice.location) : undefined
      const quiet: QuietNotesFile | undefined =
        notesFile === undefined
          ? undefined
          : yield* Effect.acquireRelease(
              Effect.promise(() =>
                loadQuietNotes({
                  file: notesFile,
                  fingerprint: runbookFingerprint(runbook, version),
                }),
              ),
              (notes) => Effect.promise(() => notes.save()),
            )
      let messenger: IncidentMessenger | undefined
      let responder: Responder | undefined
      const user = io.env.IR_USER ?? io.env.USER ?? io.env.LOGNAME
      const now = () => (clock.source === "system" ? new Date() : clock.now)
      const messengerOf = () => {
        messenger ??= createIncidentMessenger({
          runbook,
          channels: notify.channels,
          ...(notify.templates === undefined ? {} : { templates: notify.templates }),
          delivery: {
            timeoutMs: notify.timeoutMs,
            retries: notify.retries,
            log: (entry) => {
              if (entry.event === "retry" || entry.event === "failed")
                output.debug(`${entry.channel}: ${entry.message}`)
            },
          },
        })
        return messenger
      }
      return yield* use({
        io,
        output,
        config,
        runbook,
        journal,
        journalConfig: choice.config,
        journalLocation: choice.location,
        clock,
        now,
        notify,
        messenger: messengerOf,
        responder: () => {
          responder ??= createResponder({
            journal,
            runbook,
            messenger: messengerOf(),
            now,
            maintenance,
            ...(quiet === undefined ? {} : { quiet }),
          })
          return responder
        },
        requireChannels:
          notify.unavailable[0] === undefined ? Effect.void : Effect.fail(notify.unavailable[0]),
        maintenance,
        quietNotes: quiet,
        by: (given) =>
          Option.getOrElse(given ?? Option.none(), () =>
            user === undefined || user === "" ? "unknown" : user,
          ),
      })
    }),
  )

/**
 * The incidents the journal cannot read, each reported on stderr (also under `--quiet`: a damaged
 * incident needs a person). The journal leaves them as they are and goes on with the others.
 */
export const reportDamage = (
  lifecycle: Lifecycle,
): Effect.Effect<ReadonlyArray<JournalDamage>, UsageError> =>
  Effect.map(Effect.mapError(lifecycle.journal.damaged, fromJournal), (damaged) => {
    for (const damage of damaged)
      lifecycle.output.error(
        `warning: ${damage.incidentId} cannot be read and is left as it is: ${damage.location}: ${damage.problem}`,
      )
    return damaged
  })

const normaliseId = (id: string): string => (/^inc-/i.test(id) ? id.toUpperCase() : id)

/**
 * The incident a command names, or the only unresolved one when it names none (an error when
 * there are none or several).
 */
export const pickIncident = (
  lifecycle: Lifecycle,
  id: Option.Option<string>,
  options: {
    /** With no incident open, the latest one (for reading it back, or its resolution notice). */
    readonly latestIfNoneOpen?: boolean
  } = {},
): Effect.Effect<IncidentRecord, UsageError> =>
  Effect.gen(function* () {
    const { journal } = lifecycle
    if (Option.isSome(id)) {
      return yield* Effect.mapError(journal.read(normaliseId(id.value)), fromJournal)
    }
    const open = yield* Effect.mapError(journal.list({ status: [...activeStatuses] }), fromJournal)
    const [only] = open
    if (only === undefined && options.latestIfNoneOpen === true) {
      const [latest] = yield* Effect.mapError(journal.list({ limit: 1 }), fromJournal)
      if (latest !== undefined) {
        lifecycle.output.note(`no incident is open; showing the latest, ${latest.humanId}`)
        return yield* Effect.mapError(journal.read(latest.humanId), fromJournal)
      }
    }
    if (only === undefined) {
      return yield* Effect.fail(
        new UsageError({
          reason: "unknown-incident",
          detail: `no open incident in the journal at ${lifecycle.journalLocation}: name one (\`ir incident list --all\`), or open one with \`ir incident open\``,
        }),
      )
    }
    if (open.length > 1) {
      return yield* Effect.fail(
        new UsageError({
          reason: "unknown-incident",
          detail: `${open.length} incidents are open (${open
            .map((incident) => `${incident.humanId} ${incident.severity} ${incident.title}`)
            .join("; ")}): name one`,
        }),
      )
    }
    return yield* Effect.mapError(journal.read(only.humanId), fromJournal)
  })

/** Appends events to an incident, checked against its current state. */
export const record = (
  lifecycle: Lifecycle,
  incidentId: string,
  events: Parameters<Journal["append"]>[1],
) => Effect.mapError(lifecycle.journal.append(incidentId, events), fromJournal)

/**
 * Sends what the incident has due now (and `first`, a responder's message, before it) through the
 * responder: under the incident's dispatch lock, so that no two processes (`ir serve`, cron, a
 * person) send the same message. `dryRun` renders and routes without sending.
 */
export const dispatchDue = (
  lifecycle: Lifecycle,
  incidentId: string,
  options: DispatchOptions = {},
): Effect.Effect<DispatchRun, UsageError | ConfigError> =>
  Effect.zipRight(
    options.dryRun === true ? Effect.void : lifecycle.requireChannels,
    Effect.mapError(lifecycle.responder().dispatch(incidentId, options), fromResponder),
  )

/** A responder's failure as the CLI reports it: the journal's, or a dispatch that was not run. */
export const fromResponder = (error: JournalError | DispatchFailed): UsageError =>
  error._tag === "DispatchFailed"
    ? new UsageError({ reason: "journal-unavailable", detail: error.message, cause: error })
    : fromJournal(error)

export type { DispatchRun }
