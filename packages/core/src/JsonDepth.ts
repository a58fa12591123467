/**
 * How deeply JSON text nests arrays and objects, read from the text itself in one pass without
 * recursion or allocation: a bound to check before parsing JSON from outside. `JSON.parse` takes
 * any depth, but whatever walks the value afterwards recursively (a schema decoder, its error
 * formatter, `JSON.stringify`, a deep copy) overflows the stack on a document of a few hundred
 * kilobytes of brackets.
 *
 * @example
 * ```ts
 * import { JsonDepth } from "@ir/core"
 * JsonDepth.of('{"alerts":[{"labels":{}}]}') // 4
 * JsonDepth.isWithin("[".repeat(50_000) + "]".repeat(50_000), 32) // false
 * ```
 */

const quote = 0x22
const backslash = 0x5c
const openArray = 0x5b
const closeArray = 0x5d
const openObject = 0x7b
const closeObject = 0x7d

/**
 * The deepest nesting of arrays and objects in JSON text (0 for a scalar). Brackets inside
 * strings do not count. The scan stops as soon as the depth passes `limit` and returns that
 * depth, so a huge document costs no more than its first `limit + 1` levels. Text that is not
 * JSON gives some number: parse it to find out that it is not.
 *
 * @example
 * ```ts
 * import { JsonDepth } from "@ir/core"
 * JsonDepth.of('[[1], {"a": "[[["}]') // 2
 * JsonDepth.of("[[[[[[", 3) // 4: stopped past the limit
 * ```
 */
export const of = (text: string, limit: number = Number.POSITIVE_INFINITY): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (inString) {
      if (code === backslash) index++
      else if (code === quote) inString = false
    } else if (code === quote) inString = true
    else if (code === openArray || code === openObject) {
      depth++
      if (depth > deepest) {
        deepest = depth
        if (deepest > limit) return deepest
      }
    } else if (code === closeArray || code === closeObject) depth--
  }
  return deepest
}

/**
 * Whether JSON text nests arrays and objects at most `maxDepth` deep.
 *
 * @example
 * ```ts
 * import { JsonDepth } from "@ir/core"
 * JsonDepth.isWithin('{"status":"pass","checks":{"db":[{}]}}', 32) // true
 * ```
 */
export const isWithin = (text: string, maxDepth: number): boolean => of(text, maxDepth) <= maxDepth
