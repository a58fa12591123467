import * as Args from "@effect/cli/Args"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { UsageError } from "../CliError.js"
import type { CommonArgs } from "./CommonOptions.js"
import type { Implementation } from "./Handler.js"

/** `--at TIME`: the rehearsal clock of every lifecycle command. */
export const at = Options.text("at").pipe(
  Options.withPseudoName("TIME"),
  Options.withDescription(
    "Act as if it were this moment (ISO 8601 with a zone, e.g. 2026-11-28T10:30:00Z), for rehearsals and drills: events are dated then and deadlines counted from it. Default: $IR_NOW, else now.",
  ),
  Options.optional,
)

/**
 * The incident of a command that acts on one, taken the same way everywhere: positionally
 * (`ir notify initial INC-2026-0003`) or with `--incident INC-2026-0003`. `which` says which
 * incident it is and what the default is.
 */
export const incidentOf = (which: string) => ({
  incidentId: Args.text({ name: "ID" }).pipe(
    Args.withDescription(`${which} Also accepted as --incident ID.`),
    Args.optional,
  ),
  incidentFlag: Options.text("incident").pipe(
    Options.withPseudoName("ID"),
    Options.withDescription("The incident, as the positional ID gives it (INC-2026-0001)."),
    Options.optional,
  ),
})

/** The incident, positionally or with `--incident`; the only open one when left out. */
export const incident = incidentOf(
  "The incident (INC-2026-0001, or its UUID). Default: the only open incident.",
)

export interface IncidentArgs {
  readonly incidentId: Option.Option<string>
  readonly incidentFlag: Option.Option<string>
}

/**
 * Wraps a command's implementation so that it gets the one incident id given, positionally or
 * with `--incident`, under `key`. Both given and different is a usage error; with `required`,
 * neither is one too.
 */
export const withIncident =
  <K extends string, A extends CommonArgs & { readonly [key in K]: unknown }>(
    key: K,
    load: () => Promise<Implementation<A>>,
    options: { readonly required?: string } = {},
  ) =>
  (): Promise<Implementation<Omit<A, K> & IncidentArgs>> =>
    load().then((implementation) => (args, context) => {
      const { incidentId, incidentFlag } = args
      if (
        Option.isSome(incidentId) &&
        Option.isSome(incidentFlag) &&
        incidentId.value !== incidentFlag.value
      ) {
        return Effect.fail(
          new UsageError({
            reason: "bad-value",
            detail: `two incidents given: ${incidentId.value} and --incident ${incidentFlag.value}; name one`,
          }),
        )
      }
      const id = Option.orElse(incidentId, () => incidentFlag)
      if (options.required !== undefined && Option.isNone(id)) {
        return Effect.fail(new UsageError({ reason: "bad-value", detail: options.required }))
      }
      const value = options.required === undefined ? id : Option.getOrThrow(id)
      return implementation({ ...args, [key]: value } as unknown as A, context)
    })

/** `--notify`: send what the change calls for. */
export const notify = Options.boolean("notify").pipe(
  Options.withDescription(
    "Also send the message this calls for, and anything else the incident has due, to the configured channels (and record it).",
  ),
)

/** `--by NAME`. */
export const by = Options.text("by").pipe(
  Options.withPseudoName("NAME"),
  Options.withDescription("Who does it (recorded in the journal). Default: $IR_USER, else $USER."),
  Options.optional,
)

/** `--dry-run`. */
export const dryRun = Options.boolean("dry-run").pipe(
  Options.withDescription("Render and route the messages, print them, send and record nothing."),
)
