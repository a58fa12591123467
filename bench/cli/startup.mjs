// CLI benchmark: how fast `ir` starts, and what a Nagios check costs against the tool it replaces.
//
//   npx turbo run build --filter=@ir/cli...
//   IR_SERVICES_SKIP=docker,prometheus,alertmanager bash scripts/with-services.sh node bench/cli/startup.mjs
//
// Prints, from one run (every timing measured in this process; rounds interleave the commands so
// load changes hit them alike; medians):
//   1. `ir --version` over `node -e 0`                                   (goal <= 3)
//   2. `ir check postgres.connections` over `check_postgres --action=backends` (Debian's
//      check-postgres) against the same PostgreSQL                      (goal <= 1)
//   and, to show where the time goes, `ir playbook list` (the runbook loaded, no probe),
//   `ir check postgres.connections` with an empty run (PostgreSQL not configured), and `ir
//   --version` and the check with the code cache off (NODE_DISABLE_COMPILE_CACHE=1): what the
//   first run of a new install or Node version costs, before it has written its cache entry.
// The code cache lives in a directory of this run (XDG_CACHE_HOME), empty at the start; the
// warm-up round writes each command's entry, as the first run of each command does for a user.
// Without IR_TEST_PG_URL the check comparison is left out and said so.
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join, resolve } from "node:path"

const root = resolve(import.meta.dirname, "../..")
const bin = join(root, "packages/cli/dist/bin.cjs")
const rounds = Number(process.env.BENCH_ROUNDS ?? 15)
const pgUrl = process.env.IR_TEST_PG_URL

if (!existsSync(bin)) {
  console.error(`${bin} is missing: build first (npx turbo run build --filter=@ir/cli...)`)
  process.exit(2)
}

/** Runs a fixed binary with an argv array (no shell) and resolves with its wall time in ms. */
const time = (file, args, options = {}) =>
  new Promise((done, fail) => {
    const started = performance.now()
    execFile(file, args, { timeout: 60_000, ...options }, (error, stdout, stderr) => {
      const ms = performance.now() - started
      // Nagios-style tools exit non-zero on purpose; only a failure to run is an error.
      if (error && typeof error.code !== "number") fail(error)
      else done({ ms, code: error?.code ?? 0, stdout, stderr })
    })
  })

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const dir = mkdtempSync(join(tmpdir(), "ir-bench-cli-"))
const emptyDir = mkdtempSync(join(tmpdir(), "ir-bench-cli-empty-"))
writeFileSync(join(emptyDir, "ir.config.yaml"), "targets: {}\n")
const cacheHome = mkdtempSync(join(tmpdir(), "ir-bench-cli-cache-"))
const env = { PATH: process.env.PATH, NO_COLOR: "1", XDG_CACHE_HOME: cacheHome }
const uncached = { ...env, NODE_DISABLE_COMPILE_CACHE: "1" }

const commands = {
  "node -e 0": () => time(process.execPath, ["-e", "0"], { env }),
  "ir --version": () => time(process.execPath, [bin, "--version"], { env }),
  "ir --version (code cache off)": () =>
    time(process.execPath, [bin, "--version"], { env: uncached }),
  "ir playbook list": () =>
    time(process.execPath, [bin, "playbook", "list"], { cwd: emptyDir, env }),
  "ir check (nothing configured)": () =>
    time(process.execPath, [bin, "check", "postgres.connections"], { cwd: emptyDir, env }),
}

let checkPostgresArgs
if (pgUrl !== undefined) {
  const url = new URL(pgUrl)
  writeFileSync(join(dir, "ir.config.yaml"), `targets:\n  postgres: { url: "${pgUrl}" }\n`)
  checkPostgresArgs = [
    "--action=backends",
    `--dbhost=${url.hostname}`,
    `--dbport=${url.port || 5432}`,
    `--dbuser=${decodeURIComponent(url.username || "postgres")}`,
    `--dbname=${url.pathname.slice(1) || "postgres"}`,
  ]
  commands["ir check postgres.connections"] = () =>
    time(process.execPath, [bin, "check", "postgres.connections"], { cwd: dir, env })
  commands["ir check postgres.connections (cache off)"] = () =>
    time(process.execPath, [bin, "check", "postgres.connections"], { cwd: dir, env: uncached })
  commands["check_postgres --action=backends"] = () =>
    time("/usr/bin/check_postgres", checkPostgresArgs, { env })
}

// Warm the page cache and check that every command works before timing anything.
for (const [name, command] of Object.entries(commands)) {
  const { code, stdout, stderr } = await command()
  if (name.startsWith("ir check postgres") && code !== 0) {
    console.error(`${name} exited ${code}: ${stdout}${stderr}`)
    process.exit(1)
  }
  if (name === "check_postgres --action=backends" && !/POSTGRES_BACKENDS OK/.test(stdout)) {
    console.error(`check_postgres did not answer OK: ${stdout}${stderr}`)
    process.exit(1)
  }
}

const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]))
for (let round = 0; round < rounds; round += 1) {
  for (const [name, command] of Object.entries(commands)) samples[name].push((await command()).ms)
}
rmSync(dir, { recursive: true, force: true })
rmSync(emptyDir, { recursive: true, force: true })
rmSync(cacheHome, { recursive: true, force: true })

const medians = Object.fromEntries(Object.entries(samples).map(([name, ms]) => [name, median(ms)]))
const baseline = medians["node -e 0"]
console.log(
  `ir CLI startup: ${rounds} interleaved rounds, medians; ${cpus().length} cores, load ${loadavg()
    .map((value) => value.toFixed(1))
    .join(" ")}; ${process.version}`,
)
console.log("")
for (const [name, ms] of Object.entries(medians)) {
  console.log(
    `  ${name.padEnd(42)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / baseline).toFixed(2)}x node -e 0`,
  )
}
console.log("")
console.log(
  `ir --version / node -e 0: ${(medians["ir --version"] / baseline).toFixed(2)} (goal <= 3)`,
)
if (pgUrl === undefined) {
  console.log(
    "ir check / check_postgres: left out (IR_TEST_PG_URL is not set; run through scripts/with-services.sh)",
  )
} else {
  const ratio =
    medians["ir check postgres.connections"] / medians["check_postgres --action=backends"]
  console.log(
    `ir check postgres.connections / check_postgres --action=backends: ${ratio.toFixed(2)} (goal <= 1); check_postgres is ${(medians["check_postgres --action=backends"] / baseline).toFixed(2)}x node -e 0`,
  )
}
