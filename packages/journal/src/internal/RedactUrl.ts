// A database URL as errors and `location` show it: user, host, port and database, never the
// password (nor password-like query parameters).

const secretParams = ["password", "sslpassword", "sslkey", "passfile"]

/** `postgres://user@host:port/db` from a URL that may carry a password. */
export const redactUrl = (url: string): string => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return "(a PostgreSQL URL that cannot be parsed; expected postgres://user@host:port/database)"
  }
  parsed.password = ""
  for (const name of [...parsed.searchParams.keys()]) {
    if (secretParams.includes(name.toLowerCase())) parsed.searchParams.delete(name)
  }
  return parsed.toString()
}
