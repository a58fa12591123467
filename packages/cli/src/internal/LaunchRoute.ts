/**
 * Which program the launcher runs for a command line: `ir --version` is answered by the launcher
 * itself, a plain `ir check` runs the check bundle (check.cjs: the probes, the configuration and
 * Effect, without @effect/cli and the other commands), and everything else runs the whole program
 * (main.cjs).
 *
 * The check route accepts only command lines whose meaning is beyond doubt: `check`, then probe
 * names and the common options each given at most once, as separate words (`--json`, `--quiet`,
 * `-q`, `--verbose`, `-v`, `--config FILE`, `-c FILE`). Anything else (`--help`, `--config=FILE`,
 * `-qv`, `--`, a repeated option, a word @effect/cli would read as a boolean's value) goes to the
 * whole program, which parses it as it always has. test/LaunchRoute.test.ts checks that the two
 * agree on every command line this route takes.
 *
 * Part of the launcher (bin.cjs): no imports at all.
 */

/** The arguments of `ir check` as the check bundle runs them. */
export interface CheckLine {
  readonly probes: ReadonlyArray<string>
  readonly config: string | undefined
  readonly json: boolean
  readonly quiet: boolean
  readonly verbose: boolean
}

export type Route =
  | { readonly kind: "version" }
  | { readonly kind: "check"; readonly line: CheckLine }
  | { readonly kind: "program" }

const program: Route = { kind: "program" }

const flags: Readonly<Record<string, "json" | "quiet" | "verbose">> = {
  "--json": "json",
  "--quiet": "quiet",
  "-q": "quiet",
  "--verbose": "verbose",
  "-v": "verbose",
}

/** What @effect/cli takes as the value of a boolean option given just before it (`--json false`). */
const booleanWords = /^(true|false|yes|no|on|off|y|n|1|0)$/i

/** The route for `argv` (the arguments after `node` and the script). */
export const routeOf = (argv: ReadonlyArray<string>): Route => {
  if (argv.length === 1 && argv[0] === "--version") return { kind: "version" }
  if (argv[0] !== "check") return program
  const probes: Array<string> = []
  const seen = new Set<string>()
  let config: string | undefined
  for (let index = 1; index < argv.length; index += 1) {
    const word = argv[index] ?? ""
    const flag = flags[word]
    if (flag !== undefined) {
      if (seen.has(flag)) return program
      seen.add(flag)
    } else if (word === "--config" || word === "-c") {
      const file = argv[index + 1]
      if (seen.has("config") || file === undefined || file === "" || file.startsWith("-")) {
        return program
      }
      seen.add("config")
      config = file
      index += 1
    } else if (word === "" || word.startsWith("-") || booleanWords.test(word)) {
      return program
    } else {
      probes.push(word)
    }
  }
  return {
    kind: "check",
    line: {
      probes,
      config,
      json: seen.has("json"),
      quiet: seen.has("quiet"),
      verbose: seen.has("verbose"),
    },
  }
}

/**
 * The name of the code cache entry (src/internal/CodeCache.ts) of a check line: one per set of
 * probe families (`check-postgres`, `check-host-http`), `check` for every configured probe. An
 * entry holds the functions its first run compiled, so a PostgreSQL check does not start from
 * the entry a host check wrote, without the PostgreSQL client's code.
 */
export const checkCacheName = (line: CheckLine): string => {
  const families = new Set(line.probes.map((probe) => probe.split(".")[0]?.toLowerCase() ?? ""))
  families.delete("")
  return families.size === 0 ? "check" : ["check", ...[...families].sort()].join("-")
}
