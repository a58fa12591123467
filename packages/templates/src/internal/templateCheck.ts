// Static check of a template against the context shape of its message kind: every variable it
// reads must exist, every helper must be one of ours with the right arguments, and HTML
// templates must not print unescaped output. Runs at load, so a broken override fails before an
// incident, not during one.
import type { Shape } from "../MessageContext.js"
import { helperSpecs } from "./helpers.js"

type Node = hbs.AST.Node
type Expression = hbs.AST.Expression
type PathExpression = hbs.AST.PathExpression

export interface TemplateProblem {
  readonly reason: "unknown-variable" | "unknown-helper" | "unsafe-output" | "unsupported"
  readonly line: number
  readonly column: number
  readonly detail: string
}

interface Frame {
  readonly shape: Shape
  /** Names bound with `as |name|`, and `@index`-style data variables available here. */
  readonly locals: ReadonlyMap<string, Shape>
  readonly data: ReadonlySet<string>
}

class Problem extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(problem.detail)
  }
}

const itemShape = (shape: Shape): Shape | undefined =>
  Array.isArray(shape) ? (shape as readonly [Shape])[0] : undefined

const fields = (shape: Shape): ReadonlyArray<string> =>
  shape === true || Array.isArray(shape) ? [] : Object.keys(shape)

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

const suggestion = (name: string, candidates: ReadonlyArray<string>): string => {
  const best = candidates
    .map((candidate) => ({
      candidate,
      score: distance(name.toLowerCase(), candidate.toLowerCase()),
    }))
    .sort((a, b) => a.score - b.score)[0]
  if (best !== undefined && best.score <= Math.max(2, Math.floor(name.length / 3))) {
    return `; did you mean "${best.candidate}"?`
  }
  return candidates.length === 0 ? "" : `; known here: ${candidates.join(", ")}`
}

export const checkTemplate = (
  program: hbs.AST.Program,
  rootShape: Shape,
  options: { readonly allowUnescaped: boolean; readonly kind: string },
): TemplateProblem | undefined => {
  const at = (node: Node) => ({
    line: node.loc?.start.line ?? 1,
    column: (node.loc?.start.column ?? 0) + 1,
  })
  const problem = (node: Node, reason: TemplateProblem["reason"], detail: string): never => {
    throw new Problem({ reason, ...at(node), detail })
  }

  const resolve = (path: PathExpression, frames: ReadonlyArray<Frame>): Shape => {
    const frame = frames[frames.length - 1]!
    if (path.data) {
      const [head, ...rest] = path.parts
      if (head === "root") return walk(path, rootShape, rest, path.original)
      if (head !== undefined && frame.data.has(head) && rest.length === 0) return true
      return problem(
        path,
        "unknown-variable",
        `unknown data variable "${path.original}"; available here: @root${[...frame.data].map((name) => `, @${name}`).join("")}`,
      )
    }
    if (path.depth >= frames.length) {
      return problem(path, "unknown-variable", `"${path.original}" climbs above the template root`)
    }
    const scope = frames[frames.length - 1 - path.depth]!
    const [head, ...rest] = path.parts
    if (head !== undefined && path.depth === 0 && scope.locals.has(head)) {
      return walk(path, scope.locals.get(head)!, rest, path.original)
    }
    return walk(path, scope.shape, path.parts, path.original)
  }

  const walk = (
    path: PathExpression,
    start: Shape,
    parts: ReadonlyArray<string>,
    original: string,
  ): Shape => {
    let shape = start
    let walked = ""
    for (const part of parts) {
      const item = itemShape(shape)
      if (item !== undefined && /^\d+$/.test(part)) {
        shape = item
      } else if (shape !== true && !Array.isArray(shape) && Object.hasOwn(shape, part)) {
        shape = (shape as Record<string, Shape>)[part]!
      } else {
        const where = walked === "" ? `the ${options.kind} message` : `"${walked}"`
        return problem(
          path,
          "unknown-variable",
          `unknown variable "${original}": ${where} has no "${part}"${suggestion(part, fields(shape))}`,
        )
      }
      walked = walked === "" ? part : `${walked}.${part}`
    }
    return shape
  }

  const helperCall = (
    node: Node,
    name: string,
    params: ReadonlyArray<Expression>,
    hash: hbs.AST.Hash | undefined,
    block: boolean,
    frames: ReadonlyArray<Frame>,
  ): Shape | undefined => {
    const spec = helperSpecs[name]
    if (spec === undefined || spec.block !== block) {
      const known = Object.entries(helperSpecs)
        .filter(([, candidate]) => candidate.block === block)
        .map(([helper]) => helper)
      return problem(
        node,
        "unknown-helper",
        `unknown ${block ? "block " : ""}helper "${name}"${suggestion(name, known)}`,
      )
    }
    if (params.length !== spec.arity) {
      problem(
        node,
        "unknown-helper",
        `helper "${name}" takes ${spec.arity} argument(s), got ${params.length}`,
      )
    }
    for (const pair of hash?.pairs ?? []) {
      if (!spec.hash.includes(pair.key)) {
        problem(pair, "unknown-helper", `helper "${name}" has no option "${pair.key}"`)
      }
      expression(pair.value, frames)
    }
    const shapes = params.map((param) => expression(param, frames))
    return shapes[0]
  }

  const expression = (node: Expression, frames: ReadonlyArray<Frame>): Shape | undefined => {
    switch (node.type) {
      case "PathExpression":
        return resolve(node as PathExpression, frames)
      case "SubExpression": {
        const sub = node as hbs.AST.SubExpression
        const name = (sub.path as PathExpression).original
        helperCall(sub, name, sub.params, sub.hash, false, frames)
        return true
      }
      default:
        return true
    }
  }

  const isHelperName = (path: Expression): path is PathExpression =>
    path.type === "PathExpression" &&
    !(path as PathExpression).data &&
    (path as PathExpression).depth === 0 &&
    (path as PathExpression).parts.length === 1 &&
    Object.hasOwn(helperSpecs, (path as PathExpression).original)

  const statements = (program: hbs.AST.Program | undefined, frames: ReadonlyArray<Frame>) => {
    for (const statement of program?.body ?? []) statementOf(statement, frames)
  }

  const statementOf = (node: hbs.AST.Statement, frames: ReadonlyArray<Frame>): void => {
    switch (node.type) {
      case "ContentStatement":
      case "CommentStatement":
        return
      case "MustacheStatement": {
        const mustache = node as hbs.AST.MustacheStatement
        if (!mustache.escaped && !options.allowUnescaped) {
          problem(
            mustache,
            "unsafe-output",
            "unescaped output ({{{…}}} or {{&…}}) is not allowed in HTML templates: it would let incident text inject markup",
          )
        }
        if (
          isHelperName(mustache.path) ||
          mustache.params.length > 0 ||
          mustache.hash !== undefined
        ) {
          const path = mustache.path as PathExpression
          helperCall(mustache, path.original, mustache.params, mustache.hash, false, frames)
        } else {
          expression(mustache.path, frames)
        }
        return
      }
      case "BlockStatement": {
        const block = node as hbs.AST.BlockStatement
        const name = (block.path as PathExpression).original
        const argument = helperCall(block, name, block.params, block.hash, true, frames)
        const blockParams = block.program.blockParams ?? []
        const current = frames[frames.length - 1]!
        if (name === "each") {
          const item = argument === undefined ? undefined : itemShape(argument)
          if (item === undefined) {
            problem(
              block,
              "unknown-variable",
              `#each needs a list; "${(block.params[0] as PathExpression).original ?? "its argument"}" is not one`,
            )
          }
          const locals = new Map<string, Shape>()
          if (blockParams[0] !== undefined) locals.set(blockParams[0], item!)
          if (blockParams[1] !== undefined) locals.set(blockParams[1], true)
          const data = new Set(["index", "first", "last", "key"])
          const inner: Frame =
            blockParams.length > 0
              ? { shape: current.shape, locals: new Map([...current.locals, ...locals]), data }
              : { shape: item!, locals, data }
          statements(
            block.program,
            blockParams.length > 0 ? [...frames.slice(0, -1), inner] : [...frames, inner],
          )
        } else if (name === "with") {
          if (argument === undefined || argument === true || Array.isArray(argument)) {
            problem(block, "unknown-variable", "#with needs an object")
          }
          const inner: Frame =
            blockParams[0] !== undefined
              ? {
                  shape: current.shape,
                  locals: new Map([...current.locals, [blockParams[0], argument!]]),
                  data: current.data,
                }
              : { shape: argument!, locals: new Map(), data: current.data }
          statements(
            block.program,
            blockParams[0] !== undefined ? [...frames.slice(0, -1), inner] : [...frames, inner],
          )
        } else {
          statements(block.program, frames)
        }
        statements(block.inverse, frames)
        return
      }
      default:
        problem(
          node,
          "unsupported",
          `${node.type.replace(/Statement$/, "").toLowerCase()}s are not supported in message templates`,
        )
    }
  }

  try {
    statements(program, [{ shape: rootShape, locals: new Map(), data: new Set() }])
    return undefined
  } catch (error) {
    if (error instanceof Problem) return error.problem
    throw error
  }
}
