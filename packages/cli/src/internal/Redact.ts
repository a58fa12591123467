import { Redaction } from "@ir/core"

/** What replaces a secret in any output: the one mask of `Redaction` in @ir/core. */
export const redacted = Redaction.mask

/** Free text with its secrets removed: `Redaction.redactText` of @ir/core. */
export const redactText = Redaction.redactText

const secretKey =
  /(pass(word|wd)?|secret|token|api[-_]?key|apikey|private[-_]?key|routing[-_]?key|integration[-_]?key|webhook(url)?|authorization|auth[-_]?header|credentials?|dsn|headers)$/i

const secretVariable =
  /(PASS(WORD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ROUTING_?KEY|WEBHOOK|DSN|AUTH|CREDENTIAL)/

/**
 * Whether a configuration key names a secret (`password`, `token`, `webhook`, `routingKey`…): for
 * sections without a schema of their own. Channels are redacted by their schema (see ConfigRun).
 */
export const isSecretKey = (key: string): boolean => secretKey.test(key)

/** Whether an environment variable's name says it holds a secret. */
export const isSecretVariable = (name: string): boolean => secretVariable.test(name)

const redactAll = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(redactAll)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redactAll(item)]))
  }
  return typeof value === "boolean" || typeof value === "number" ? value : redacted
}

/**
 * A deep copy of a configuration value with secrets redacted: values under secret-looking keys,
 * values that came from a secret-looking environment variable (`secretPaths`), and passwords in
 * URLs.
 */
export const redactValue = (
  value: unknown,
  secretPaths: ReadonlySet<string> = new Set(),
  path: ReadonlyArray<string | number> = [],
): unknown => {
  const here = path.join(".")
  const key = path[path.length - 1]
  if (secretPaths.has(here)) return redacted
  if (typeof key === "string" && isSecretKey(key) && value !== null && value !== undefined) {
    return redactAll(value)
  }
  if (typeof value === "string") return redactText(value)
  if (Array.isArray(value))
    return value.map((item, index) => redactValue(item, secretPaths, [...path, index]))
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [
        name,
        redactValue(item, secretPaths, [...path, name]),
      ]),
    )
  }
  return value
}
