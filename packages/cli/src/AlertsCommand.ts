/**
 * `ir alerts rules`: a Prometheus rule file generated from the runbook: one alert per symptom a
 * Prometheus query can observe, with `severity`, `playbook` and `runbook_url`. `promtool check
 * rules` accepts it.
 *
 * @example
 * ```sh
 * ir alerts rules > /etc/prometheus/rules/ir.yml && promtool check rules /etc/prometheus/rules/ir.yml
 * ```
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"

const output = Options.file("output", { exists: "either" }).pipe(
  Options.withAlias("o"),
  Options.withDescription("Write the rule file here instead of stdout."),
  Options.optional,
)

const runbookUrl = Options.text("runbook-url").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription(
    "Base URL of the rendered runbook; each alert's runbook_url is this plus #<playbook-id>.",
  ),
  Options.optional,
)

const rules = Command.make("rules", { ...common, output, runbookUrl }, (args) =>
  handle(args, () => import("./internal/AlertsRun.js").then((module) => module.rules)),
).pipe(
  Command.withDescription(
    "Print a Prometheus rule file generated from the runbook (accepted by `promtool check rules`).",
  ),
)

/** `ir alerts`. */
export const command = Command.make("alerts").pipe(
  Command.withDescription("Alerting rules generated from the runbook."),
  Command.withSubcommands([rules]),
)
