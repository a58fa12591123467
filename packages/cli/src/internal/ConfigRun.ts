import { existsSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { probesFor } from "@ir/diagnostics"
import { Channel } from "@ir/notify"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { stringify } from "yaml"
import { UsageError } from "../CliError.js"
import * as Config from "../Config.js"
import * as ExitCode from "../ExitCode.js"
import type { CommonArgs } from "./CommonOptions.js"
import { configTemplate } from "./ConfigTemplate.js"
import { type CommandContext, loadConfig } from "./Handler.js"
import { isSecretKey, redacted, redactText, redactValue } from "./Redact.js"
import { resolveRunbook } from "./RunbookLoader.js"
import { resolveServe } from "./ServeSection.js"
import { resolveTargets } from "./TargetsLoader.js"

/** `ir config init`. */
export const init = (
  args: CommonArgs & { readonly force: boolean; readonly output: Option.Option<string> },
  context: CommandContext,
) =>
  Effect.gen(function* () {
    const { output, io } = context
    const file = resolve(
      io.cwd,
      Option.getOrElse(args.output, () => "ir.config.yaml"),
    )
    const display = Config.displayPath(file, io.cwd)
    if (existsSync(file) && !args.force) {
      return yield* Effect.fail(
        new UsageError({
          reason: "file-exists",
          detail: `${display} already exists; pass --force to overwrite it`,
        }),
      )
    }
    yield* Effect.try({
      try: () => writeFileSync(file, configTemplate),
      catch: (cause) =>
        new UsageError({
          reason: "unreadable",
          detail: `cannot write ${display}: ${(cause as Error).message}`,
          cause,
        }),
    })
    if (output.format === "json") {
      output.json({ schemaVersion: 1, command: "config init", file })
    } else {
      output.print(`wrote ${display}: edit it, then check it with \`ir config show\``)
    }
    return ExitCode.ok
  })

/** Plain data for printing: redacted values unwrapped with their secrets removed. */
const printable = (value: unknown, key = ""): unknown => {
  if (Redacted.isRedacted(value)) {
    return key === "url" ? redactText(String(Redacted.value(value))) : redacted
  }
  if (typeof value === "string") return isSecretKey(key) ? redacted : redactText(value)
  if (Array.isArray(value)) return value.map((item) => printable(item, key))
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, printable(item, name)]),
    )
  }
  return value
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/**
 * A channel as written, redacted by its schema: every field the channel schema decodes to a
 * `Redacted` value (a Slack webhook URL whatever its host, a webhook's URL, secret and header
 * values, a routing key, an SMTP password) is masked whole; the rest loses what free-text
 * redaction finds. A channel that does not decode (a variable unset, a typo) shows only its id
 * and kind: nothing says which of its values are secret.
 */
const shownChannel = (raw: unknown): unknown => {
  if (!isRecord(raw)) return redacted
  const bySchema = (written: unknown, decoded: unknown): unknown => {
    if (Redacted.isRedacted(decoded)) return redacted
    if (isRecord(written) && isRecord(decoded))
      return Object.fromEntries(
        Object.entries(written).map(([key, value]) => [key, bySchema(value, decoded[key])]),
      )
    if (typeof written === "string") return redactText(written)
    return written
  }
  try {
    return bySchema(raw, Channel.decodeChannel(raw))
  } catch {
    return Object.fromEntries(
      Object.entries(raw).map(([key, value]) => [
        key,
        key === "id" || key === "kind" ? redactText(String(value)) : redacted,
      ]),
    )
  }
}

/** The notify section as shown: channels by their schema, the other settings by key. */
const shownNotify = (notify: unknown, secretPaths: ReadonlySet<string>): unknown => {
  if (!isRecord(notify)) return redactValue(notify, secretPaths, ["notify"])
  const { channels, ...rest } = notify
  return {
    ...(redactValue(rest, secretPaths, ["notify"]) as Record<string, unknown>),
    ...(channels === undefined
      ? {}
      : { channels: Array.isArray(channels) ? channels.map(shownChannel) : redacted }),
  }
}

/** `ir config show`. */
export const show = (_args: CommonArgs, context: CommandContext) =>
  Effect.gen(function* () {
    const { output, io } = context
    const config = yield* loadConfig(context)
    const { runbook, origin } = yield* resolveRunbook(config, io.cwd)
    const targets = yield* resolveTargets(config, io)
    const serve = yield* resolveServe(config, io, runbook)
    const document = Config.redacted(config) as Record<string, unknown>
    const effective = {
      source:
        config.source.kind === "file"
          ? { kind: "file", file: config.source.file, via: config.source.via }
          : { kind: "defaults" },
      runbook: {
        origin: origin.kind,
        ...(origin.kind === "default" ? {} : { file: origin.file }),
        name: runbook.name,
        playbooks: runbook.playbooks.map((playbook) => playbook.id),
        ...(document.runbook === undefined || document.runbook === null
          ? {}
          : { overrides: document.runbook }),
      },
      targets: printable(targets),
      probes: (() => {
        const { configured, skipped } = probesFor(targets)
        return {
          configured: configured.map((probe) => `${probe.id}: ${redactText(probe.target)}`),
          skipped: skipped.map((probe) => `${probe.id}: ${probe.reason}`),
        }
      })(),
      ...(document.notify === undefined || document.notify === null
        ? {}
        : { notify: shownNotify(config.document.notify, config.secretPaths) }),
      ...(document.journal === undefined || document.journal === null
        ? {}
        : { journal: redactValue(document.journal) }),
      ...(document.oncall === undefined || document.oncall === null
        ? {}
        : { oncall: document.oncall }),
      // What `ir serve` would use: the section with its defaults and the token variables applied.
      serve: {
        host: serve.host,
        port: serve.port,
        token:
          serve.token === undefined
            ? "(none: the Alertmanager receiver is off unless allowUnauthenticated)"
            : redacted,
        healthToken:
          serve.healthToken === undefined ? "(none: /health gives its status only)" : redacted,
        allowUnauthenticated: serve.allowUnauthenticated,
        shutdownDelayMs: serve.shutdownDelayMs,
        status: serve.status.enabled ? "on (/status, /status.json, /status/feed.atom)" : "off",
        boardToken:
          serve.boardToken === undefined ? "(none: the responder board is off)" : redacted,
      },
    }
    if (output.format === "json") {
      output.json({ schemaVersion: 1, command: "config show", ...effective })
      return ExitCode.ok
    }
    const from =
      config.source.kind === "file"
        ? `${Config.displayPath(config.source.file, io.cwd)}${config.source.via === "env" ? " (from $IR_CONFIG)" : config.source.via === "search" ? " (found from the working directory upward)" : ""}`
        : "no file: the embedded defaults (run `ir config init` to write one)"
    const yamlText = stringify(effective, { lineWidth: 0 }).trimEnd()
    output.print(`# Effective ir configuration: ${from}\n# Secrets are redacted.\n${yamlText}`)
    return ExitCode.ok
  })
