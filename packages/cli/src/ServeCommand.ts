/**
 * `ir serve`: the `@ir/http` handler as a process of its own, for teams that prefer a sidecar to
 * embedding it: `/health` (`application/health+json` from the configured targets),
 * `/health/live`, `/health/ready`, `/metrics` (Prometheus), and `POST /alerts/alertmanager`, the
 * Alertmanager receiver that opens incidents in the configured journal and sends their page and
 * initial alert through the configured channels (see `ir alerts route`), the public status page
 * (`/status`, `serve.status`) and, with `serve.boardToken`, the responder board (`/board`).
 *
 * It listens on loopback unless told otherwise (`--host`, `serve.host`). On SIGTERM it fails
 * readiness, keeps serving for `serve.shutdownDelay` (default 5 s), lets requests finish, closes
 * the journal and exits 0.
 *
 * @example
 * ```sh
 * IR_ALERTS_TOKEN=$(cat /run/secrets/ir-alerts-token) ir serve --port 9111
 * curl -s localhost:9111/health | jq .status
 * ```
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { common } from "./internal/CommonOptions.js"
import { handle } from "./internal/Handler.js"

const port = Options.integer("port").pipe(
  Options.withAlias("p"),
  Options.withDescription("Port to listen on (0: any free port). Default: serve.port, else 9111."),
  Options.optional,
)

const host = Options.text("host").pipe(
  Options.withDescription(
    "Address to listen on. Default: serve.host, else 127.0.0.1 (loopback: nothing is exposed unless you ask).",
  ),
  Options.optional,
)

const shutdownDelay = Options.text("shutdown-delay").pipe(
  Options.withPseudoName("DURATION"),
  Options.withDescription(
    "On SIGTERM, how long readiness fails before the server stops (e.g. 5s, 0s). Default: serve.shutdownDelay, else 5s.",
  ),
  Options.optional,
)

/** `ir serve`. */
export const command = Command.make("serve", { ...common, port, host, shutdownDelay }, (args) =>
  handle(args, () => import("./internal/ServeRun.js").then((module) => module.run)),
).pipe(
  Command.withDescription(
    "Serve health (health+json), metrics (Prometheus), the Alertmanager receiver, the public status page (/status) and, with serve.boardToken, the responder board (/board) over HTTP, standalone; the responder clock runs in it. Loopback by default; graceful shutdown on SIGTERM.",
  ),
)
