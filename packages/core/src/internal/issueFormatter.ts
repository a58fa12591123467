/**
 * Turns a Schema `ParseIssue` tree into flat, readable issues: a path such as
 * `playbooks[2].symptoms[0].when.op` and what was expected there.
 *
 * effect's `ArrayFormatter` flattens a union failure into one issue per member (every literal of
 * an operator, every shape a predicate could take, `undefined` for each optional field). That is
 * correct but not something a person can act on, so unions are resolved here: literal members
 * collapse into `expected one of …`, `undefined` members of optional fields are dropped, and of
 * several object shapes only the closest one (fewest missing, unexpected or mismatched
 * discriminating fields) is reported. Leaf messages still come from `ArrayFormatter`, so message
 * annotations on schemas (e.g. the duration pattern) are honoured.
 */
import * as ParseResult from "effect/ParseResult"
import * as SchemaAST from "effect/SchemaAST"

/** A path segment as effect reports it. */
export type Segment = PropertyKey

/** One flat issue, before rendering. */
export interface FlatIssue {
  readonly path: ReadonlyArray<Segment>
  readonly message: string
}

interface Leaf {
  readonly path: ReadonlyArray<Segment>
  readonly kind: "type" | "missing" | "unexpected" | "other"
  /** For a type mismatch on literals: the literals that would have been accepted. */
  readonly literals?: ReadonlyArray<SchemaAST.LiteralValue>
  readonly expected?: string
  readonly actual?: unknown
  readonly message: string
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `["playbooks", 2, "when", "op"]` → `playbooks[2].when.op`; odd keys in brackets. */
export const formatPath = (path: ReadonlyArray<Segment>): string => {
  let out = ""
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`
    else if (typeof segment === "string" && identifier.test(segment))
      out += out === "" ? segment : `.${segment}`
    else out += `[${JSON.stringify(String(segment))}]`
  }
  return out === "" ? "(document)" : out
}

/** A short, JSON-like rendering of the value that was found. */
export const show = (value: unknown): string => {
  if (value === undefined) return "nothing"
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "number" || typeof value === "boolean" || value === null)
    return String(value)
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list"
  if (typeof value === "object") return "an object"
  return typeof value
}

const annotation = (ast: SchemaAST.AST, key: symbol): string | undefined => {
  const value = ast.annotations[key]
  return typeof value === "string" ? value : undefined
}

/** What a schema accepts, in words. */
export const describe = (ast: SchemaAST.AST, depth = 0): string => {
  const named =
    annotation(ast, SchemaAST.DescriptionAnnotationId) ??
    annotation(ast, SchemaAST.IdentifierAnnotationId)
  if (named !== undefined && depth > 0) return named
  switch (ast._tag) {
    case "StringKeyword":
      return "a string"
    case "NumberKeyword":
      return "a number"
    case "BooleanKeyword":
      return "true or false"
    case "UndefinedKeyword":
      return "nothing"
    case "Literal":
      return JSON.stringify(ast.literal)
    case "TupleType":
      return "a list"
    case "TypeLiteral":
      return ast.indexSignatures.length > 0 && ast.propertySignatures.length === 0
        ? "an object (a map of names to entries)"
        : `{ ${ast.propertySignatures.map((p) => `${String(p.name)}${p.isOptional ? "?" : ""}`).join(", ")} }`
    case "Union": {
      const members = ast.types.filter((member) => member._tag !== "UndefinedKeyword")
      if (members.every((member) => member._tag === "Literal"))
        return `one of ${members.map((member) => JSON.stringify(member.literal)).join(", ")}`
      return members.map((member) => describe(member, depth + 1)).join(" or ")
    }
    case "Refinement":
      return named ?? describe(ast.from, depth + 1)
    case "Transformation":
      return describe(ast.from, depth + 1)
    case "Suspend":
      return named ?? (depth > 3 ? "a value" : describe(ast.f(), depth + 1))
    case "Declaration":
      return named ?? "a value"
    default:
      return named ?? "a value"
  }
}

/** The literals a schema accepts, when it accepts nothing but literals. */
const literalsOf = (ast: SchemaAST.AST): ReadonlyArray<SchemaAST.LiteralValue> | undefined => {
  if (ast._tag === "Literal") return [ast.literal]
  if (ast._tag === "Union" && ast.types.every((member) => member._tag === "Literal"))
    return ast.types.map((member) => (member as SchemaAST.Literal).literal)
  return undefined
}

const normalise = (message: string): string => {
  const match = /^Expected ([\s\S]*), actual ([\s\S]*)$/.exec(message)
  if (match !== null) return `expected ${match[1]}; got ${match[2]}`
  return message
}

const leafMessage = (issue: ParseResult.ParseIssue): string => {
  const [first] = ParseResult.ArrayFormatter.formatIssueSync(issue)
  return first?.message ?? "is invalid"
}

const walk = (issue: ParseResult.ParseIssue, path: ReadonlyArray<Segment>): ReadonlyArray<Leaf> => {
  switch (issue._tag) {
    case "Pointer":
      return walk(issue.issue, [
        ...path,
        ...(Array.isArray(issue.path) ? issue.path : [issue.path as Segment]),
      ])
    case "Composite": {
      const children: ReadonlyArray<ParseResult.ParseIssue> = Array.isArray(issue.issues)
        ? (issue.issues as ReadonlyArray<ParseResult.ParseIssue>)
        : [issue.issues as ParseResult.ParseIssue]
      if (issue.ast._tag === "Union") return resolveUnion(issue.ast, issue.actual, children, path)
      return children.flatMap((child) => walk(child, path))
    }
    case "Refinement":
      if (issue.kind === "From") return walk(issue.issue, path)
      return [
        {
          path,
          kind: "other",
          actual: issue.actual,
          message: withActual(normalise(leafMessage(issue)), issue.actual),
        },
      ]
    case "Transformation":
      if (issue.kind === "Transformation")
        return [{ path, kind: "other", message: normalise(leafMessage(issue)) }]
      return walk(issue.issue, path)
    case "Type": {
      if (issue.message !== undefined)
        return [{ path, kind: "other", actual: issue.actual, message: issue.message }]
      const literals = literalsOf(issue.ast)
      return [
        {
          path,
          kind: "type",
          ...(literals === undefined ? {} : { literals }),
          expected: describe(issue.ast),
          actual: issue.actual,
          message: `expected ${describe(issue.ast)}; got ${show(issue.actual)}`,
        },
      ]
    }
    case "Missing":
      return [
        {
          path,
          kind: "missing",
          message: `is missing; expected ${describe(issue.ast.type)}`,
        },
      ]
    case "Unexpected": {
      const allowed = /expected: ([\s\S]*)$/.exec(issue.message ?? "")?.[1]
      const key = path[path.length - 1]
      const names = allowed?.split(" | ").map((name) => JSON.parse(name) as string) ?? []
      const suggestion = typeof key === "string" ? closest(key, names) : undefined
      return [
        {
          path,
          kind: "unexpected",
          message:
            names.length === 0
              ? "is not a known field"
              : `is not a known field${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}; expected one of ${names.map((name) => JSON.stringify(name)).join(", ")}`,
        },
      ]
    }
    case "Forbidden":
      return [{ path, kind: "other", message: normalise(leafMessage(issue)) }]
  }
}

const withActual = (message: string, actual: unknown): string =>
  message.includes("; got ") ? message : `${message}; got ${show(actual)}`

const sameSegments = (a: ReadonlyArray<Segment>, b: ReadonlyArray<Segment>): boolean =>
  a.length === b.length && a.every((segment, index) => segment === b[index])

/**
 * A union failed on every member. Pick what to tell the user:
 * - every member failed with a type mismatch at the same place: one merged expectation;
 * - otherwise the members whose failure is smallest at the union's own level.
 */
const resolveUnion = (
  ast: SchemaAST.Union,
  actual: unknown,
  members: ReadonlyArray<ParseResult.ParseIssue>,
  path: ReadonlyArray<Segment>,
): ReadonlyArray<Leaf> => {
  // An optional field is `X | undefined`: the `undefined` member failing says nothing useful.
  const relevant = members.filter(
    (member) => !(member._tag === "Type" && member.ast._tag === "UndefinedKeyword"),
  )
  const candidates = relevant.map((member) => walk(member, path))
  if (candidates.length === 0) return []
  if (candidates.length === 1) return candidates[0]!

  const single = candidates.every(
    (leaves) => leaves.length === 1 && sameSegments(leaves[0]!.path, candidates[0]![0]!.path),
  )
  if (single && candidates.every((leaves) => leaves[0]!.kind === "type")) {
    const leaves = candidates.map((found) => found[0]!)
    return [merged(leaves[0]!.path, leaves, leaves[0]!.actual)]
  }

  // Score each member by how badly its shape disagrees right below the union.
  const depth = path.length + 1
  const score = (leaves: ReadonlyArray<Leaf>) =>
    leaves.filter(
      (leaf) =>
        leaf.path.length <= depth &&
        (leaf.kind === "missing" || leaf.kind === "unexpected" || leaf.literals !== undefined),
    ).length
  const scores = candidates.map(score)
  const best = Math.min(...scores)
  const winners = candidates.filter((_, index) => scores[index] === best)
  if (winners.length === 1) return winners[0]!

  // Several shapes are equally close. When they all disagree on a discriminating literal at the
  // same place (e.g. a probe id), the useful answer is every literal that would be accepted.
  const discriminators = candidates
    .flatMap((leaves) => leaves.filter((leaf) => leaf.literals !== undefined))
    .filter((leaf) => leaf.path.length === depth)
  const first = discriminators[0]
  if (
    first !== undefined &&
    winners.every((leaves) =>
      leaves.some((leaf) => leaf.literals !== undefined && sameSegments(leaf.path, first.path)),
    )
  ) {
    const atSamePlace = discriminators.filter((leaf) => sameSegments(leaf.path, first.path))
    return [merged(first.path, atSamePlace, first.actual)]
  }
  return [
    {
      path,
      kind: "type",
      expected: describe(ast),
      actual,
      message: `expected ${describe(ast)}; got ${show(actual)}`,
    },
  ]
}

const merged = (
  path: ReadonlyArray<Segment>,
  leaves: ReadonlyArray<Leaf>,
  actual: unknown,
): Leaf => {
  if (leaves.every((leaf) => leaf.literals !== undefined)) {
    const literals = [...new Set(leaves.flatMap((leaf) => leaf.literals ?? []))]
    const expected =
      literals.length === 1
        ? JSON.stringify(literals[0])
        : `one of ${literals.map((literal) => JSON.stringify(literal)).join(", ")}`
    const suggestion =
      typeof actual === "string"
        ? closest(
            actual,
            literals.filter((literal): literal is string => typeof literal === "string"),
          )
        : undefined
    return {
      path,
      kind: "type",
      literals,
      expected,
      actual,
      message: `expected ${expected}; got ${show(actual)}${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}`,
    }
  }
  const expected = [...new Set(leaves.map((leaf) => leaf.expected ?? "a value"))].join(" or ")
  return {
    path,
    kind: "type",
    expected,
    actual,
    message: `expected ${expected}; got ${show(actual)}`,
  }
}

const distance = (a: string, b: string): number => {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!
      previous[j] = Math.min(
        previous[j]! + 1,
        previous[j - 1]! + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
      diagonal = above
    }
  }
  return previous[b.length]!
}

/** The candidate closest to a misspelt word, when it is close enough to be a likely typo. */
export const closest = (word: string, candidates: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  // Short words (operators, levels) are too close to everything for a suggestion to help.
  if (word.length < 3) return undefined
  if (best !== undefined && bestDistance > 0 && bestDistance <= Math.max(2, word.length / 4))
    return best
  // A truncated name ("host.memory.used" for "host.memory.used_ratio") is a likely slip too.
  const extensions = candidates.filter(
    (candidate) => candidate !== word && candidate.startsWith(word),
  )
  return extensions.length === 1 ? extensions[0] : undefined
}

/** Flattens a parse error into readable issues, in document order, without duplicates. */
export const flatten = (error: ParseResult.ParseError): ReadonlyArray<FlatIssue> => {
  const seen = new Set<string>()
  const out: Array<FlatIssue> = []
  for (const leaf of walk(error.issue, [])) {
    const id = `${formatPath(leaf.path)}\u0000${leaf.message}`
    if (seen.has(id)) continue
    seen.add(id)
    out.push({ path: leaf.path, message: leaf.message })
  }
  return out
}
