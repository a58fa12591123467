/** What replaces a secret in any output. */
export const redacted = "[redacted]"

const secretKey =
  /(pass(word|wd)?|secret|token|api[-_]?key|apikey|private[-_]?key|routing[-_]?key|integration[-_]?key|webhook|authorization|auth[-_]?header|credentials?|dsn)$/i

const secretVariable = /(PASS(WORD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ROUTING_?KEY|WEBHOOK|DSN)/

/** Hosts whose whole URL is a credential (a Slack incoming webhook URL is its own secret). */
const secretHosts = ["hooks.slack.com", "discord.com", "discordapp.com", "outlook.office.com"]

const secretQuery = /^(token|key|api[-_]?key|secret|sig|signature|access[-_]?token|password)$/i

/** Whether a configuration key names a secret (`password`, `token`, `webhook`, `routingKey`…). */
export const isSecretKey = (key: string): boolean => secretKey.test(key)

/** Whether an environment variable's name says it holds a secret. */
export const isSecretVariable = (name: string): boolean => secretVariable.test(name)

const urlPattern = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/?#@'"]*)@/gi

/**
 * Removes passwords from every URL in a text (`postgres://user:secret@host` becomes
 * `postgres://user:[redacted]@host`), and whole URLs of webhook hosts.
 */
export const redactText = (text: string): string => {
  let result = text.replace(urlPattern, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":")
    return colon === -1
      ? `${scheme}://${userinfo}@`
      : `${scheme}://${userinfo.slice(0, colon)}:${redacted}@`
  })
  for (const host of secretHosts) {
    const pattern = new RegExp(`https?://${host.replace(/\./g, "\\.")}[^\\s'"]*`, "gi")
    result = result.replace(pattern, `https://${host}/${redacted}`)
  }
  result = result.replace(
    /([?&])([A-Za-z_-]+)=([^&#\s'"]+)/g,
    (match, separator: string, name: string) =>
      secretQuery.test(name) ? `${separator}${name}=${redacted}` : match,
  )
  return result
}

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
