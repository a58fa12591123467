/**
 * `ir alerts rules`: a Prometheus rule file generated from the runbook: one alert per symptom a
 * Prometheus query can observe, with `severity`, `playbook` and `runbook_url`. `promtool check
 * rules` accepts it. `ir alerts route`: the Alertmanager receiver and route that send those
 * alerts to `ir serve`; `amtool check-config` accepts it.
 *
 * @example
 * ```sh
 * ir alerts rules > /etc/prometheus/rules/ir.yml && promtool check rules /etc/prometheus/rules/ir.yml
 * ir alerts route > ir-route.yml && amtool check-config ir-route.yml
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

const url = Options.text("url").pipe(
  Options.withDescription(
    "Where Alertmanager reaches ir serve's receiver. Default: http://HOST:PORT/alerts/alertmanager from serve.host and serve.port (9111).",
  ),
  Options.optional,
)

const receiver = Options.text("receiver").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("The receiver's name in Alertmanager. Default: ir."),
  Options.withDefault("ir"),
)

const credentialsFile = Options.text("credentials-file").pipe(
  Options.withPseudoName("PATH"),
  Options.withDescription(
    "The file Alertmanager reads ir serve's bearer token from (the token itself is never printed). Default: /etc/alertmanager/ir-alerts-token.",
  ),
  Options.withDefault("/etc/alertmanager/ir-alerts-token"),
)

const route = Command.make("route", { ...common, output, url, receiver, credentialsFile }, (args) =>
  handle(args, () => import("./internal/AlertsRouteRun.js").then((module) => module.route)),
).pipe(
  Command.withDescription(
    "Print the Alertmanager receiver and route that send the generated alerts (those with a playbook label) to `ir serve`, with bearer authentication and resolved notifications (accepted by `amtool check-config`).",
  ),
)

/** `ir alerts`. */
export const command = Command.make("alerts").pipe(
  Command.withDescription(
    "Alerting rules generated from the runbook, and the Alertmanager route to `ir serve`.",
  ),
  Command.withSubcommands([rules, route]),
)
