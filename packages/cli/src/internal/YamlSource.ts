import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml"

/** A line and column, both 1-based. */
export interface Position {
  readonly line: number
  readonly column: number
}

/** A parsed YAML or JSON document that can say where each of its values is. */
export interface YamlSource {
  readonly value: unknown
  /** Where the value at a path is; for a path that does not exist, its nearest parent. */
  readonly locate: (path: ReadonlyArray<string | number>) => Position | undefined
}

/** A syntax error with its position. */
export interface YamlSyntaxError {
  readonly message: string
  readonly position?: Position
}

/**
 * Parses YAML (JSON is YAML) keeping positions. Duplicate keys and every other YAML error are
 * syntax errors; the first one is returned.
 */
export const parseYamlSource = (
  text: string,
):
  | { readonly ok: true; readonly source: YamlSource }
  | {
      readonly ok: false
      readonly error: YamlSyntaxError
    } => {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, uniqueKeys: true })
  const first = document.errors[0]
  if (first !== undefined) {
    const at = first.linePos?.[0]
    const message = first.message.split("\n")[0] ?? first.message
    return {
      ok: false,
      error: {
        message: message.replace(/ at line \d+, column \d+:?$/, ""),
        ...(at === undefined ? {} : { position: { line: at.line, column: at.col } }),
      },
    }
  }
  const positionOf = (node: unknown): Position | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range
    if (range === undefined) return undefined
    const { line, col } = lineCounter.linePos(range[0])
    return { line, column: col }
  }
  const locate = (path: ReadonlyArray<string | number>): Position | undefined => {
    let node: unknown = document.contents
    let found = positionOf(node)
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) =>
            isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        )
        if (pair === undefined) return found
        const value = pair.value
        found = positionOf(value) ?? positionOf(pair.key) ?? found
        node = value
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)]
        if (item === undefined) return found
        found = positionOf(item) ?? found
        node = item
      } else {
        return found
      }
    }
    return found
  }
  return { ok: true, source: { value: document.toJS({ maxAliasCount: 100 }), locate } }
}
