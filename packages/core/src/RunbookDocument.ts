/**
 * Runbook documents as teams write them (already-parsed YAML or JSON): `decodeRunbook` validates
 * a complete runbook, `mergeRunbook` lays a team's partial overrides onto a base (usually
 * `defaultRunbook`). Both answer with an `Either`: the runbook, or a {@link RunbookDecodeError}
 * whose issues name the path inside the document and what was expected there.
 *
 * @example
 * ```ts
 * import * as Either from "effect/Either"
 * import { defaultRunbook, mergeRunbook } from "@ir/core"
 *
 * const merged = mergeRunbook(
 *   defaultRunbook,
 *   { thresholds: { "api.error_ratio": { critical: 0.2 } } },
 *   { file: "ir.config.yaml" },
 * )
 * if (Either.isLeft(merged)) console.error(merged.left.message)
 * ```
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { BusinessCalendar } from "./BusinessCalendar.js"
import { EscalationPolicy } from "./Escalation.js"
import {
  closest,
  type FlatIssue,
  flatten,
  formatPath,
  type Segment,
  show,
} from "./internal/issueFormatter.js"
import { scheduleIssues } from "./OnCall.js"
import { Playbook, PlaybookId } from "./Playbook.js"
import { Channel, Link, Runbook } from "./Runbook.js"
import { levels, Severity, SeverityLevel } from "./Severity.js"
import { lookup, vocabulary } from "./Signal.js"
import type { Predicate } from "./Symptom.js"
import { Threshold } from "./Threshold.js"

/**
 * One problem in a runbook document: where it is and what was expected there.
 *
 * @example
 * ```ts
 * import type { RunbookIssue } from "@ir/core"
 * const issue: RunbookIssue = {
 *   path: "playbooks[2].symptoms[0].when.op",
 *   message: 'expected one of "==", "!=", ">", ">=", "<", "<="; got "≥"',
 * }
 * ```
 */
export interface RunbookIssue {
  /** Path inside the document, e.g. `playbooks[2].symptoms[0].when.op`. */
  readonly path: string
  /** What was expected and what was found, e.g. `expected one of "==", "!="; got "≥"`. */
  readonly message: string
}

/**
 * Where a document came from, for error messages.
 *
 * @example
 * ```ts
 * import { decodeRunbook, type RunbookSource } from "@ir/core"
 * const source: RunbookSource = { file: "ir.config.yaml" }
 * decodeRunbook({}, source)
 * ```
 */
export interface RunbookSource {
  /** The file the document was read from, e.g. `ir.config.yaml`. */
  readonly file?: string
}

const shownIssues = 50

/**
 * A runbook document (or overrides) that does not validate. `issues` lists every problem found;
 * `message` renders them for a person: file, path and expectation, one a line.
 *
 * @example
 * ```ts
 * import * as Either from "effect/Either"
 * import { decodeRunbook } from "@ir/core"
 * const result = decodeRunbook({ name: "ours" }, { file: "runbook.yaml" })
 * if (Either.isLeft(result)) {
 *   result.left.reason // "invalid-runbook"
 *   result.left.issues[0]?.path // "description"
 * }
 * ```
 */
export class RunbookDecodeError extends Data.TaggedError("RunbookDecodeError")<{
  readonly reason: "invalid-runbook"
  readonly file: string | undefined
  readonly issues: ReadonlyArray<RunbookIssue>
  /** The Schema parse error, when the shape was wrong (absent for cross-reference problems). */
  readonly cause: ParseResult.ParseError | undefined
}> {
  override get message(): string {
    const where = this.file === undefined ? "" : ` in ${this.file}`
    const count = this.issues.length
    const lines = this.issues
      .slice(0, shownIssues)
      .map((issue) => `  - ${issue.path}: ${issue.message}`)
    if (count > shownIssues) lines.push(`  … and ${count - shownIssues} more`)
    return `Invalid runbook${where} (${count} ${count === 1 ? "problem" : "problems"}):\n${lines.join("\n")}`
  }
}

const parseOptions = { errors: "all", onExcessProperty: "error" } as const

const toIssues = (flat: ReadonlyArray<FlatIssue>): ReadonlyArray<RunbookIssue> =>
  flat.map((issue) => ({ path: formatPath(issue.path), message: issue.message }))

const failure = (
  flat: ReadonlyArray<FlatIssue>,
  source: RunbookSource | undefined,
  cause?: ParseResult.ParseError,
): RunbookDecodeError =>
  new RunbookDecodeError({
    reason: "invalid-runbook",
    file: source?.file,
    issues: toIssues(flat),
    cause,
  })

// ---------------------------------------------------------------------------------------------
// Cross-references: what the schema cannot see.

const signalTypeProblem = (signal: string, op: string, value: unknown): string | undefined => {
  const definition = lookup(signal)
  if (definition === undefined || (typeof value === "object" && value !== null)) return undefined
  const ordering = op !== "==" && op !== "!="
  switch (definition.type) {
    case "boolean":
      if (typeof value !== "boolean")
        return `expected true or false (${signal} is a boolean signal); got ${show(value)}`
      if (ordering) return `expected "==" or "!=" (${signal} is a boolean signal); got "${op}"`
      return undefined
    case "enum":
      if (
        typeof value !== "string" ||
        (definition.values !== undefined && !definition.values.includes(value))
      )
        return `expected one of ${(definition.values ?? []).map((v) => JSON.stringify(v)).join(", ")} (${signal} is an enum signal); got ${show(value)}`
      return undefined
    default:
      if (typeof value !== "number")
        return `expected a number (${signal} is a ${definition.type} signal); got ${show(value)}`
      return undefined
  }
}

const vocabularyKeys = vocabulary.map((definition) => definition.key)

const checkPredicate = (
  predicate: Predicate,
  path: ReadonlyArray<Segment>,
  thresholds: Runbook["thresholds"],
  out: Array<FlatIssue>,
): void => {
  if ("signal" in predicate) {
    if (lookup(predicate.signal) === undefined) {
      const suggestion = closest(predicate.signal, vocabularyKeys)
      out.push({
        path: [...path, "signal"],
        message: `expected a signal of the vocabulary (docs/signals.md); got ${show(predicate.signal)}${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}`,
      })
    } else {
      const problem = signalTypeProblem(predicate.signal, predicate.op, predicate.value)
      if (problem !== undefined) out.push({ path: [...path, "value"], message: problem })
    }
    const value = predicate.value
    if (typeof value === "object" && thresholds[value.threshold] === undefined) {
      const suggestion = closest(value.threshold, Object.keys(thresholds))
      out.push({
        path: [...path, "value", "threshold"],
        message: `expected the name of a threshold defined under thresholds; got ${show(value.threshold)}${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}`,
      })
    }
    return
  }
  if ("manual" in predicate) return
  if ("all" in predicate) {
    predicate.all.forEach((child, index) => {
      checkPredicate(child, [...path, "all", index], thresholds, out)
    })
    return
  }
  if ("any" in predicate) {
    predicate.any.forEach((child, index) => {
      checkPredicate(child, [...path, "any", index], thresholds, out)
    })
    return
  }
  if ("atLeast" in predicate) {
    if (predicate.atLeast > predicate.of.length)
      out.push({
        path: [...path, "atLeast"],
        message: `expected at most ${predicate.of.length} (the number of predicates under "of"); got ${predicate.atLeast}`,
      })
    predicate.of.forEach((child, index) => {
      checkPredicate(child, [...path, "of", index], thresholds, out)
    })
    return
  }
  checkPredicate(predicate.not, [...path, "not"], thresholds, out)
}

const checkUnique = <A>(
  items: ReadonlyArray<A>,
  keyOf: (item: A) => string,
  section: ReadonlyArray<Segment>,
  field: string,
  what: string,
  out: Array<FlatIssue>,
): void => {
  const firstIndex = new Map<string, number>()
  items.forEach((item, index) => {
    const key = keyOf(item)
    const earlier = firstIndex.get(key)
    if (earlier === undefined) firstIndex.set(key, index)
    else
      out.push({
        path: [...section, index, field],
        message: `expected a unique ${what}; ${show(key)} is also ${formatPath([...section, earlier, field])}`,
      })
  })
}

/** The checks a schema cannot express: uniqueness, completeness and references. */
const checkReferences = (runbook: Runbook): ReadonlyArray<FlatIssue> => {
  const out: Array<FlatIssue> = []
  checkUnique(runbook.playbooks, (p) => p.id, ["playbooks"], "id", "playbook id", out)
  checkUnique(runbook.severities, (s) => s.level, ["severities"], "level", "severity level", out)
  const defined = new Set(runbook.severities.map((severity) => severity.level))
  for (const level of levels)
    if (!defined.has(level))
      out.push({
        path: ["severities"],
        message: `expected a definition for every level (${levels.join(", ")}); ${level} is missing`,
      })
  runbook.playbooks.forEach((playbook, p) => {
    checkUnique(
      playbook.symptoms,
      (s) => s.id,
      ["playbooks", p, "symptoms"],
      "id",
      "symptom id",
      out,
    )
    playbook.symptoms.forEach((symptom, s) => {
      checkPredicate(symptom.when, ["playbooks", p, "symptoms", s, "when"], runbook.thresholds, out)
    })
    playbook.severityRules.forEach((rule, r) => {
      checkPredicate(
        rule.when,
        ["playbooks", p, "severityRules", r, "when"],
        runbook.thresholds,
        out,
      )
    })
  })
  checkUnique(runbook.channels, (c) => c.id, ["channels"], "id", "channel id", out)
  checkUnique(
    runbook.communications,
    (c) => c.id,
    ["communications"],
    "id",
    "communication template id",
    out,
  )
  checkUnique(runbook.escalation.rules, (r) => r.id, ["escalation", "rules"], "id", "rule id", out)
  const channelIds = runbook.channels.map((channel) => channel.id)
  const checkChannel = (channel: string, path: ReadonlyArray<string | number>) => {
    if (!channelIds.includes(channel))
      out.push({
        path,
        message: `expected the id of a channel under channels (${channelIds.map((id) => JSON.stringify(id)).join(", ")}); got ${show(channel)}`,
      })
  }
  runbook.escalation.contacts.forEach((contact, c) => {
    contact.channels.forEach((channel, index) => {
      checkChannel(channel, ["escalation", "contacts", c, "channels", index])
    })
  })
  runbook.escalation.rules.forEach((rule, r) => {
    for (const [index, channel] of (rule.notify ?? []).entries())
      checkChannel(channel, ["escalation", "rules", r, "notify", index])
  })
  for (const issue of scheduleIssues(runbook.onCallSchedule))
    out.push({ path: ["onCallSchedule", ...issue.path], message: issue.message })
  return out
}

/** Decodes and cross-checks; issues carry raw path segments. */
const decodeDocument = (
  input: unknown,
): Either.Either<Runbook, { flat: ReadonlyArray<FlatIssue>; cause?: ParseResult.ParseError }> => {
  const decoded = Schema.decodeUnknownEither(Runbook)(input, parseOptions)
  if (Either.isLeft(decoded))
    return Either.left({ flat: flatten(decoded.left), cause: decoded.left })
  const references = checkReferences(decoded.right)
  return references.length > 0 ? Either.left({ flat: references }) : Either.right(decoded.right)
}

/**
 * Validates a complete runbook document (already-parsed YAML or JSON) with the `Runbook` schema,
 * then checks what the schema cannot: playbook ids are unique, every severity level is defined
 * once, symptoms name signals of the vocabulary with values of the right type, named thresholds
 * exist, contacts name defined channels. Unknown fields are errors (they are usually typos).
 *
 * @example
 * ```ts
 * import * as Either from "effect/Either"
 * import { decodeRunbook } from "@ir/core"
 * const result = decodeRunbook(JSON.parse(text), { file: "runbook.json" })
 * if (Either.isLeft(result)) {
 *   console.error(result.left.message)
 *   // Invalid runbook in runbook.json (1 problem):
 *   //   - playbooks[2].symptoms[0].when.op: expected one of "==", "!=", ">", ">=", "<", "<="; got "≥"
 * }
 * ```
 */
export const decodeRunbook = (
  input: unknown,
  source?: RunbookSource,
): Either.Either<Runbook, RunbookDecodeError> =>
  Either.mapLeft(decodeDocument(input), ({ flat, cause }) => failure(flat, source, cause))

// ---------------------------------------------------------------------------------------------
// Overrides

const partialEncoded = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.partialWith(Schema.encodedBoundSchema(schema), { exact: true })

const optional = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.optionalWith(schema, { exact: true })

/**
 * A severity override: the level it changes and the fields to replace.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { SeverityOverride } from "@ir/core"
 * Schema.decodeUnknownSync(SeverityOverride)({ level: "P2", responseTimeText: "2 hours", responseTime: { minutes: 120 } })
 * ```
 */
export const SeverityOverride = Schema.extend(
  Schema.Struct({ level: SeverityLevel }),
  partialEncoded(Severity.omit("level")),
)

/**
 * A playbook override: fields replace the base playbook's; a new id adds a (complete) playbook.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { PlaybookOverride } from "@ir/core"
 * Schema.decodeUnknownSync(PlaybookOverride)({ id: "system-down", commonCauses: ["Expired TLS certificate"] })
 * ```
 */
export const PlaybookOverride = Schema.extend(
  Schema.Struct({ id: PlaybookId }),
  partialEncoded(Playbook.omit("id")),
)

/**
 * A channel override: fields replace the channel with that id; a new id adds a channel.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { ChannelOverride } from "@ir/core"
 * Schema.decodeUnknownSync(ChannelOverride)({ id: "incidents", target: "#ops-incidents" })
 * ```
 */
export const ChannelOverride = Schema.extend(
  Schema.Struct({ id: Schema.String }),
  partialEncoded(Channel.omit("id")),
)

/**
 * A monitoring link override: the URL of the link with that name; a new name adds a link.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { LinkOverride } from "@ir/core"
 * Schema.decodeUnknownSync(LinkOverride)({ name: "Grafana", url: "https://grafana.example.com" })
 * ```
 */
export const LinkOverride = Schema.extend(
  Schema.Struct({ name: Schema.String }),
  partialEncoded(Link.omit("name")),
)

/**
 * A team's changes to a base runbook, in document (YAML/JSON) form. Every field is optional:
 * - `escalation.contacts` replaces the contact chain, `escalation.rules` the rules;
 * - `channels` by id, `severities` by level, `playbooks` by id: the fields given replace the
 *   base's; a new id adds a channel or playbook (which must then be complete);
 * - `thresholds` per name and per field (a new name must be complete);
 * - `calendar` per field; `monitoring` links by name;
 * - everything else (`communications`, `logs`, contacts lists, checklists, queries…) replaces
 *   the base's list wholesale.
 *
 * @example
 * ```ts
 * import type { RunbookOverrides } from "@ir/core"
 * const overrides: RunbookOverrides = {
 *   escalation: { contacts: [{ role: "Primary on-call", phone: "+1-555-0199" }] },
 *   channels: [{ id: "incidents", target: "#ops-incidents" }],
 *   thresholds: { "api.error_ratio": { critical: 0.2 } },
 * }
 * ```
 */
export const RunbookOverrides = Schema.extend(
  partialEncoded(
    Runbook.omit(
      "calendar",
      "thresholds",
      "severities",
      "playbooks",
      "escalation",
      "channels",
      "monitoring",
    ),
  ),
  Schema.Struct({
    calendar: optional(partialEncoded(BusinessCalendar)),
    thresholds: optional(Schema.Record({ key: Schema.String, value: partialEncoded(Threshold) })),
    severities: optional(Schema.Array(SeverityOverride)),
    playbooks: optional(Schema.Array(PlaybookOverride)),
    escalation: optional(partialEncoded(EscalationPolicy)),
    channels: optional(Schema.Array(ChannelOverride)),
    monitoring: optional(Schema.Array(LinkOverride)),
  }),
).annotations({ identifier: "RunbookOverrides" })
export type RunbookOverrides = typeof RunbookOverrides.Encoded

type Encoded = typeof Runbook.Encoded
type Mutable = { -readonly [K in keyof Encoded]: Encoded[K] }

/** Sections merged element by element, with the key that identifies an element. */
const keyedSections = {
  severities: "level",
  playbooks: "id",
  channels: "id",
  monitoring: "name",
} as const
const keyedWhat: Record<keyof typeof keyedSections, string> = {
  severities: "severity level",
  playbooks: "playbook id",
  channels: "channel id",
  monitoring: "monitoring link name",
}
type KeyedSection = keyof typeof keyedSections

/** For each keyed section: merged index → index in the overrides. */
type Provenance = Record<KeyedSection, Map<number, number>>

const mergeKeyed = (
  base: ReadonlyArray<Record<string, unknown>>,
  overrides: ReadonlyArray<Record<string, unknown>>,
  key: string,
  provenance: Map<number, number>,
): ReadonlyArray<Record<string, unknown>> => {
  const merged = [...base]
  overrides.forEach((override, overrideIndex) => {
    const index = merged.findIndex((element) => element[key] === override[key])
    if (index === -1) {
      provenance.set(merged.length, overrideIndex)
      merged.push(override)
    } else {
      provenance.set(index, overrideIndex)
      merged[index] = { ...merged[index], ...override }
    }
  })
  return merged
}

const mergeEncoded = (
  base: Encoded,
  overrides: RunbookOverrides,
): { merged: Encoded; provenance: Provenance } => {
  const provenance: Provenance = {
    severities: new Map(),
    playbooks: new Map(),
    channels: new Map(),
    monitoring: new Map(),
  }
  const merged = { ...base, ...overrides } as Mutable
  merged.calendar = { ...base.calendar, ...overrides.calendar }
  merged.escalation = { ...base.escalation, ...overrides.escalation }
  const thresholds = Object.fromEntries([
    ...Object.entries(base.thresholds),
    ...Object.entries(overrides.thresholds ?? {}).map(([name, threshold]) => [
      name,
      { ...(Object.hasOwn(base.thresholds, name) ? base.thresholds[name] : {}), ...threshold },
    ]),
  ])
  merged.thresholds = thresholds as Encoded["thresholds"]
  for (const section of Object.keys(keyedSections) as Array<KeyedSection>) {
    const given = overrides[section]
    if (given === undefined) {
      merged[section] = base[section] as never
      continue
    }
    merged[section] = mergeKeyed(
      base[section] as unknown as ReadonlyArray<Record<string, unknown>>,
      given as unknown as ReadonlyArray<Record<string, unknown>>,
      keyedSections[section],
      provenance[section],
    ) as never
  }
  return { merged, provenance }
}

/** Rewrites a path in the merged document into the path in the overrides that caused it. */
const toOverridePath = (issue: FlatIssue, provenance: Provenance): FlatIssue => {
  const [section, index, ...rest] = issue.path
  if (typeof section !== "string" || !(section in keyedSections) || typeof index !== "number")
    return issue
  const from = provenance[section as KeyedSection].get(index)
  if (from === undefined) return { ...issue, message: `${issue.message} (in the base runbook)` }
  return { path: [section, from, ...rest], message: issue.message }
}

const duplicateOverrides = (overrides: RunbookOverrides): ReadonlyArray<FlatIssue> => {
  const out: Array<FlatIssue> = []
  for (const section of Object.keys(keyedSections) as Array<KeyedSection>) {
    const given = overrides[section] as ReadonlyArray<Record<string, unknown>> | undefined
    const key = keyedSections[section]
    if (given !== undefined)
      checkUnique(given, (element) => String(element[key]), [section], key, keyedWhat[section], out)
  }
  return out
}

// Encoding a runbook walks every schema; the same base (usually `defaultRunbook`) is merged
// again and again, and runbooks are immutable, so its document form is kept.
const encodedBases = new WeakMap<Runbook, Either.Either<Encoded, ParseResult.ParseError>>()
const encodeBase = (base: Runbook): Either.Either<Encoded, ParseResult.ParseError> => {
  const known = encodedBases.get(base)
  if (known !== undefined) return known
  const encoded = Schema.encodeEither(Runbook)(base)
  encodedBases.set(base, encoded)
  return encoded
}

/**
 * Lays a team's overrides (see {@link RunbookOverrides}) onto a base runbook and validates the
 * result like {@link decodeRunbook}. Issue paths point into the overrides document, so a team can
 * fix their file. `mergeRunbook(base, {})` is `base`.
 *
 * @example
 * ```ts
 * import * as Either from "effect/Either"
 * import { defaultRunbook, mergeRunbook } from "@ir/core"
 * const ours = mergeRunbook(defaultRunbook, {
 *   escalation: { contacts: [{ role: "Technical Lead", name: "Ada", phone: "+1-555-0111" }] },
 *   thresholds: { "api.error_ratio": { critical: 0.2 } },
 * })
 * Either.getOrThrow(ours).thresholds["api.error_ratio"]?.critical // 0.2
 * ```
 */
export const mergeRunbook = (
  base: Runbook,
  overrides: unknown,
  source?: RunbookSource,
): Either.Either<Runbook, RunbookDecodeError> => {
  const decoded = Schema.decodeUnknownEither(RunbookOverrides)(overrides, parseOptions)
  if (Either.isLeft(decoded))
    return Either.left(failure(flatten(decoded.left), source, decoded.left))
  const duplicates = duplicateOverrides(decoded.right)
  if (duplicates.length > 0) return Either.left(failure(duplicates, source))
  const baseDocument = encodeBase(base)
  if (Either.isLeft(baseDocument))
    return Either.left(
      failure(
        flatten(baseDocument.left).map((issue) => ({
          ...issue,
          message: `${issue.message} (in the base runbook)`,
        })),
        source,
        baseDocument.left,
      ),
    )
  const { merged, provenance } = mergeEncoded(baseDocument.right, decoded.right)
  return Either.mapLeft(decodeDocument(merged), ({ flat, cause }) =>
    failure(
      flat.map((issue) => toOverridePath(issue, provenance)),
      source,
      cause,
    ),
  )
}
