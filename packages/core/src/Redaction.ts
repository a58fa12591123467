/**
 * Keeping secrets out of everything ir shows, in one place for every package: passwords in URLs
 * (also unencoded ones with `/`, `:` or `@` in them), tokens in query strings, `password=…` and
 * `PGPASSWORD=…` in log lines, bearer tokens, SQL `PASSWORD '…'` literals, and any literal secret
 * the configuration holds. One mask, `***`, stands for every secret removed.
 *
 * @example
 * ```ts
 * import { redactUrl, redactText } from "@ir/core"
 * redactUrl("postgres://app:s3cret@db:5432/anomaly_db") // "postgres://app:***@db:5432/anomaly_db"
 * redactText("connect failed password=hunter2") // "connect failed password=***"
 * ```
 */

/** The parts of a WHATWG URL that redaction reads. */
interface ParsedUrl {
  readonly protocol: string
  readonly username: string
  readonly password: string
  readonly host: string
  readonly pathname: string
  readonly hash: string
  readonly searchParams: Iterable<[string, string]> & {
    readonly entries: () => IterableIterator<[string, string]>
  }
}

// The WHATWG URL parser every JavaScript runtime has; core declares only what it reads of it,
// as it declares no runtime's types.
const WhatwgUrl = (globalThis as unknown as { readonly URL: new (input: string) => ParsedUrl }).URL

/**
 * What replaces a secret.
 *
 * @example
 * ```ts
 * import { mask, redactUrl } from "@ir/core"
 * redactUrl("postgres://u:pw@h/db").includes(mask) // true
 * ```
 */
export const mask = "***"

const secretParameter =
  /^(?:password|passwd|pwd|pass|secret|token|access_token|refresh_token|id_token|api[_-]?key|apikey|key|sig|signature|auth|authorization|client[_-]?secret|sslpassword|sslkey|private[_-]?key|routing[_-]?key|integration[_-]?key)$/i

/**
 * URLs without a secret, as shown: every run shows and scrubs the same configured targets, which
 * are parsed once. Only secret-free URLs are kept: no secret outlives the configuration holding it.
 */
const plainUrls = new Map<string, string>()

/**
 * A URL as it may be shown: the password of its user info and secret-looking query parameters
 * (`token`, `password`, `key`, `sig`, …) replaced by `***`. Text that is not a URL goes through
 * {@link redactText}.
 *
 * @example
 * ```ts
 * import { redactUrl } from "@ir/core"
 * redactUrl("postgres://user:pw@host:5432/db?sslmode=require") // "postgres://user:***@host:5432/db?sslmode=require"
 * redactUrl("http://localhost:9090/api?token=abc") // "http://localhost:9090/api?token=***"
 * ```
 */
export const redactUrl = (url: string): string => {
  const known = plainUrls.get(url)
  if (known !== undefined) return known
  const redacted = redactUrlOnce(url)
  if (!redacted.includes(mask)) {
    if (plainUrls.size >= 256) plainUrls.clear()
    plainUrls.set(url, redacted)
  }
  return redacted
}

/**
 * The user info of a URL as written: everything between `://` and the last `@`. A password with an
 * unencoded `/`, `:`, `?`, `#` or `@` (`postgres://u:Sup3r/S3cret@h/db`) makes the URL parse wrongly
 * or not at all, so the written text decides what is secret, not the parser. An `@` in a query
 * string after a `user:` also counts: better a URL shown with too little than a password shown.
 */
const writtenUserInfo = (
  url: string,
): { readonly scheme: string; readonly user: string; readonly rest: string } | undefined => {
  const start = url.indexOf("://")
  if (start < 0) return undefined
  const at = url.lastIndexOf("@")
  if (at <= start) return undefined
  const userinfo = url.slice(start + 3, at)
  const colon = userinfo.indexOf(":")
  if (colon < 0) return undefined
  return {
    scheme: url.slice(0, start + 3),
    user: userinfo.slice(0, colon),
    rest: url.slice(at + 1),
  }
}

const redactUrlOnce = (url: string): string => {
  const written = writtenUserInfo(url)
  if (written !== undefined) {
    const rest = redactUrlOnce(`${written.scheme}${written.rest}`).slice(written.scheme.length)
    return `${written.scheme}${written.user}:${mask}@${rest}`
  }
  let parsed: ParsedUrl
  try {
    parsed = new WhatwgUrl(url)
  } catch {
    return redactText(url)
  }
  // Rebuilt by hand: URL serialisation would percent-encode `***` in the password.
  const auth =
    parsed.username === "" && parsed.password === ""
      ? ""
      : `${parsed.username}${parsed.password === "" ? "" : `:${mask}`}@`
  const query = [...parsed.searchParams.entries()]
    .map(([name, value]) =>
      secretParameter.test(name)
        ? `${encodeURIComponent(name)}=${mask}`
        : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
    )
    .join("&")
  const host = parsed.host
  const origin = host === "" && parsed.protocol !== "file:" ? "" : `//${auth}${host}`
  return redactText(
    `${parsed.protocol}${origin}${parsed.pathname}${query === "" ? "" : `?${query}`}${parsed.hash}`,
  )
}

/**
 * Each rule with what it needs somewhere in the text: a rule whose need is absent cannot match, so
 * most strings of a result (names, numbers, summaries, plain URLs) skip every replacement.
 */
const textRules: ReadonlyArray<{
  readonly needs: (text: string) => boolean
  readonly pattern: RegExp
  readonly replacement: string
}> = [
  {
    // scheme://user:password@host, the password running to the last @ of the URL (it may hold
    // an unencoded / : or @)
    needs: (text) => text.includes("://") && text.includes("@"),
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]*):[^\s'"]*@(?=[^\s@'"]*(?:[\s'"]|$))/gi,
    replacement: `$1$2:${mask}@`,
  },
  {
    // webhook URLs that are their own secret (Slack, Discord, Teams incoming webhooks)
    needs: (text) => /hooks\.slack\.com|discord(?:app)?\.com|outlook\.office\.com/i.test(text),
    pattern:
      /\b(https?:\/\/(?:hooks\.slack\.com|discord(?:app)?\.com|outlook\.office\.com))\/[^\s'"]*/gi,
    replacement: `$1/${mask}`,
  },
  {
    // Authorization: Bearer xxx / Basic xxx / Token xxx, in any case
    needs: (text) => /bearer|basic|token/i.test(text),
    // (on the same line: `type: Bearer` followed by the next YAML key is not a token)
    pattern: /\b(Bearer|Basic|Token)[ \t]+[A-Za-z0-9._~+/=-]{8,}(?![A-Za-z0-9._~+/=-]*:)/gi,
    replacement: `$1 ${mask}`,
  },
  {
    // key=value and key: value for secret-looking keys (also in query strings and JSON)
    // (PGPASSWORD=…, SMTP_PASSWORD=…, routing_key=…, "integrationKey": "…")
    needs: (text) => /pass|pwd|secret|token|key/i.test(text),
    pattern:
      /\b([a-z_-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|client[_-]?secret|private[_-]?key|auth[_-]?token|routing[_-]?key|integration[_-]?key))("?\s*[=:]\s*"?)(?!(?:expected|must|should|is|not|required|missing|unset|none)\b|[([*<])([^\s"',;&}]+)/gi,
    replacement: `$1$2${mask}`,
  },
  {
    // SQL: ALTER ROLE … PASSWORD 'x'
    needs: (text) => /password/i.test(text),
    pattern: /\b(PASSWORD)\s+'(?:[^']|'')*'/gi,
    replacement: `$1 '${mask}'`,
  },
  {
    // JSON Web Tokens
    needs: (text) => text.includes("eyJ"),
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
    replacement: mask,
  },
  {
    // AWS access key ids
    needs: (text) => text.includes("AKIA") || text.includes("ASIA"),
    pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    replacement: mask,
  },
]

/** What every rule above needs (case aside): most strings have none of it. */
const mayHoldSecret = /:\/\/|pass|pwd|secret|token|key|bearer|basic|eyJ|AKIA|ASIA/i

/**
 * Free text (a log line, an error message, a query) with the secrets it shows replaced by `***`:
 * URL passwords, `password=…`/`token: …`-style pairs, bearer tokens, SQL password literals, JWTs and
 * AWS key ids.
 *
 * @example
 * ```ts
 * import { redactText } from "@ir/core"
 * redactText('db error: connect postgres://app:pw@db/x (token="abc123")')
 * // 'db error: connect postgres://app:***@db/x (token="***")'
 * ```
 */
export const redactText = (text: string): string => {
  if (!mayHoldSecret.test(text)) return text
  let result = text
  for (const rule of textRules)
    if (rule.needs(result)) result = result.replace(rule.pattern, rule.replacement)
  return result
}

/**
 * A scrubber that removes the given literal secrets (and applies {@link redactText}) from any
 * string; secrets shorter than 4 characters are ignored, as replacing them would garble text.
 *
 * @example
 * ```ts
 * import { makeScrubber } from "@ir/core"
 * const scrub = makeScrubber(["hunter22"])
 * scrub("login failed for hunter22") // "login failed for ***"
 * ```
 */
export const makeScrubber = (secrets: Iterable<string>): ((text: string) => string) => {
  const literals = [...new Set(secrets)]
    .filter((secret) => secret.length >= 4)
    .flatMap((secret) => {
      const encoded = encodeURIComponent(secret)
      return encoded === secret ? [secret] : [secret, encoded]
    })
    .sort((a, b) => b.length - a.length)
  return (text) => {
    let result = text
    for (const literal of literals) result = result.split(literal).join(mask)
    return redactText(result)
  }
}

/**
 * The secrets a URL carries: its password and the values of secret-looking query parameters.
 *
 * @example
 * ```ts
 * import { secretsOfUrl } from "@ir/core"
 * secretsOfUrl("postgres://u:pw1234@h/db") // ["pw1234"]
 * ```
 */
export const secretsOfUrl = (url: string): ReadonlyArray<string> => {
  // A URL shown before without a secret is not parsed again.
  if (plainUrls.has(url)) return []
  const written = writtenUserInfo(url)
  if (written !== undefined) {
    const userinfo = url.slice(written.scheme.length, url.length - written.rest.length - 1)
    const password = userinfo.slice(written.user.length + 1)
    const decoded = (() => {
      try {
        return decodeURIComponent(password)
      } catch {
        return password
      }
    })()
    return [decoded, ...secretsOfUrl(`${written.scheme}${written.rest}`)].filter(
      (secret) => secret !== "",
    )
  }
  try {
    const parsed = new WhatwgUrl(url)
    const secrets: Array<string> = []
    if (parsed.password !== "") secrets.push(decodeURIComponent(parsed.password))
    for (const [name, value] of parsed.searchParams)
      if (secretParameter.test(name) && value !== "") secrets.push(value)
    if (secrets.length === 0) redactUrl(url)
    return secrets
  } catch {
    return []
  }
}

/**
 * Applies a string transformation to every string inside a JSON-like value (arrays, plain
 * objects); other values are kept.
 *
 * @example
 * ```ts
 * import { deepMapStrings, redactText } from "@ir/core"
 * deepMapStrings({ line: "password=x1" }, redactText) // { line: "password=***" }
 * ```
 */
export const deepMapStrings = <A>(value: A, map: (text: string) => string): A => {
  const visit = (node: unknown): unknown => {
    if (typeof node === "string") return map(node)
    if (Array.isArray(node)) return node.map(visit)
    if (node !== null && typeof node === "object" && !(node instanceof Date)) {
      const prototype = Object.getPrototypeOf(node)
      if (prototype !== Object.prototype && prototype !== null) return node
      const copy: Record<string, unknown> = {}
      for (const key of Object.keys(node)) {
        const inner = visit((node as Record<string, unknown>)[key])
        // A `__proto__` key (parsed JSON may hold one) stays a key, as with Object.fromEntries.
        if (key === "__proto__")
          Object.defineProperty(copy, key, {
            value: inner,
            enumerable: true,
            writable: true,
            configurable: true,
          })
        else copy[key] = inner
      }
      return copy
    }
    return node
  }
  return visit(value) as A
}
