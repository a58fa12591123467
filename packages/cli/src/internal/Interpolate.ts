import { isSecretKey, isSecretVariable } from "./Redact.js"

/** A `${VAR}` with no value and no default. */
export interface MissingVariable {
  readonly variable: string
  readonly path: ReadonlyArray<string | number>
}

/** A value that took one or more variables: where, which, and what it became. */
export interface Substitution {
  readonly path: ReadonlyArray<string | number>
  readonly variables: ReadonlyArray<string>
  /** The value after replacement (a string, or the number or boolean it was converted to). */
  readonly value: unknown
}

export interface Interpolated {
  readonly value: unknown
  /** Dotted paths of values that took a secret-looking variable (`${PGPASSWORD}`). */
  readonly secretPaths: ReadonlySet<string>
  readonly missing: ReadonlyArray<MissingVariable>
  /** Every value that took a variable's content, so that no error repeats it. */
  readonly substitutions: ReadonlyArray<Substitution>
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
  const substitutions: Array<Substitution> = []
  const visit = (node: unknown, path: ReadonlyArray<string | number>): unknown => {
    if (typeof node === "string") {
      let secret = false
      let whole = true
      const variables: Array<string> = []
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
          variables.push(name)
          return current
        },
      )
      // Under a secret key at any depth (`headers: { X-Custom-Auth: … }`), a value is a secret.
      if (path.some((key) => typeof key === "string" && isSecretKey(key))) secret = true
      if (secret) secretPaths.add(path.join("."))
      if (replaced === node) return node
      const converted =
        secret || !whole
          ? replaced
          : /^-?\d+(\.\d+)?$/.test(replaced)
            ? Number(replaced)
            : replaced === "true" || replaced === "false"
              ? replaced === "true"
              : replaced
      if (variables.length > 0) substitutions.push({ path, variables, value: converted })
      return converted
    }
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]))
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, visit(item, [...path, key])]),
      )
    }
    return node
  }
  return { value: visit(value, []), secretPaths, missing, substitutions }
}
