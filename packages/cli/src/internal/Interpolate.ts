import { isSecretKey, isSecretVariable } from "./Redact.js"

/** A `${VAR}` with no value and no default. */
export interface MissingVariable {
  readonly variable: string
  readonly path: ReadonlyArray<string | number>
}

export interface Interpolated {
  readonly value: unknown
  /** Dotted paths of values that took a secret-looking variable (`${PGPASSWORD}`). */
  readonly secretPaths: ReadonlySet<string>
  readonly missing: ReadonlyArray<MissingVariable>
}

// ${NAME}, ${NAME:-default} (default when unset or empty), ${NAME-default} (when unset);
// $${...} is a literal "${...}".
const reference = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g

/**
 * Replaces `${VAR}` references in every string of a parsed document, after parsing, so that a
 * variable's content can never change the document's structure. Numbers and booleans written as
 * a lone reference (`port: ${PGPORT}`) are converted back to numbers/booleans, except a secret's:
 * a value from a secret-looking variable or under a secret-looking key stays the string it was
 * (`SMTP_PASSWORD=73914862` is a password, not a number).
 */
export const interpolate = (
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): Interpolated => {
  const secretPaths = new Set<string>()
  const missing: Array<MissingVariable> = []
  const visit = (node: unknown, path: ReadonlyArray<string | number>): unknown => {
    if (typeof node === "string") {
      let secret = false
      let whole = true
      const replaced = node.replace(
        reference,
        (match, escaped: string, name: string, operator?: string, fallback?: string) => {
          if (escaped === "$") return match.slice(1)
          if (match !== node) whole = false
          const current = env[name]
          const useDefault = current === undefined || (operator === ":-" && current === "")
          if (useDefault && operator !== undefined) return fallback ?? ""
          if (current === undefined) {
            missing.push({ variable: name, path })
            return ""
          }
          if (isSecretVariable(name)) secret = true
          return current
        },
      )
      // Under a secret key at any depth (`headers: { X-Custom-Auth: … }`), a value is a secret.
      if (path.some((key) => typeof key === "string" && isSecretKey(key))) secret = true
      if (secret) secretPaths.add(path.join("."))
      if (replaced === node) return node
      if (secret) return replaced
      if (whole && /^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced)
      if (whole && (replaced === "true" || replaced === "false")) return replaced === "true"
      return replaced
    }
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]))
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, visit(item, [...path, key])]),
      )
    }
    return node
  }
  return { value: visit(value, []), secretPaths, missing }
}
