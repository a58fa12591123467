/**
 * How deep a parsed JSON value nests, bounded: for text from outside (a webhook body, a health
 * endpoint's answer) before anything recursive (decoding, formatting errors, serialising) walks it.
 * JSON.parse takes thousands of nested arrays; a recursive walk over them overflows the stack.
 *
 * @example
 * ```ts
 * import { JsonDepth } from "@ir/core"
 * JsonDepth.exceeds(JSON.parse("[[[1]]]"), 2) // true
 * ```
 */

/**
 * Whether the value nests more than `limit` arrays and objects. Iterative, so no input can
 * overflow the stack; it stops at the first branch past the limit.
 *
 * @example
 * ```ts
 * import { JsonDepth } from "@ir/core"
 * JsonDepth.exceeds({ alerts: [{ labels: {} }] }, 16) // false
 * ```
 */
export const exceeds = (value: unknown, limit: number): boolean => {
  const stack: Array<{ readonly value: unknown; readonly depth: number }> = [{ value, depth: 0 }]
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value: current, depth } = top
    if (current === null || typeof current !== "object") continue
    if (depth + 1 > limit) return true
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === "object")
        stack.push({ value: child, depth: depth + 1 })
    }
  }
  return false
}
