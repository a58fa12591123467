// `ir check` as a Nagios plugin against real services: the built binary, its output lines and
// exit codes, and a PostgreSQL address that never answers.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { createServer, type Server, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { requireService } from "./requireService.js"
import { irProcess, requireBuiltCli } from "./scenarios.js"

const pgUrl = requireService("IR_TEST_PG_URL")

const nagiosLine =
  /^(OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+( \| ('[^']+'=[-0-9.]+[a-zA-Z%]*(;[-0-9.]*){0,4} ?)+)?$/

describe.skipIf(pgUrl === undefined)("ir check", () => {
  let dir: string
  let blackhole: Server
  let blackholePort: number
  const sockets = new Set<Socket>()

  beforeAll(async () => {
    requireBuiltCli()
    dir = mkdtempSync(join(tmpdir(), "ir-cli-check-"))
    // A blackholed database: the TCP handshake completes but nothing ever answers, so only the
    // probe's own timeout can end the wait.
    blackhole = createServer((socket) => {
      sockets.add(socket)
      socket.on("error", () => {})
      socket.on("close", () => sockets.delete(socket))
    })
    await new Promise<void>((done) => blackhole.listen(0, "127.0.0.1", done))
    const address = blackhole.address()
    blackholePort = typeof address === "object" && address !== null ? address.port : 0
  })

  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((done) => blackhole.close(done))
    rmSync(dir, { recursive: true, force: true })
  })

  const configure = (postgresUrl: string, timeout: string) =>
    writeFileSync(
      join(dir, "ir.config.yaml"),
      `targets:\n  postgres: { url: "${postgresUrl}" }\n  timeouts: { default: ${timeout} }\n`,
    )

  it("prints one Nagios line per check with performance data, and exits with the worst status", async () => {
    configure(pgUrl ?? "", "5s")
    const result = await irProcess(["check", "postgres"], { cwd: dir })
    const lines = result.stdout.trim().split("\n")
    expect(lines).toHaveLength(5)
    for (const line of lines) expect(line).toMatch(nagiosLine)
    expect(result.stdout).toMatch(
      /^OK - postgres\.connections: .*\| 'connections'=\d+;[\d.]+;[\d.]+;0;\d+/m,
    )
    expect(result.code).toBe(0)
    expect(result.stderr).toBe("")
  })

  it("answers UNKNOWN or CRITICAL within its timeout when PostgreSQL is blackholed", async () => {
    const timeoutMs = 2000
    // The baseline: the same command against a port that refuses at once, so that it measures
    // what this machine, loaded or not, takes to start ir and load the PostgreSQL client.
    const closed = createServer()
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done))
    const closedPort = (closed.address() as { port: number }).port
    await new Promise((done) => closed.close(done))
    configure(`postgres://ir:secret-pw@127.0.0.1:${closedPort}/app`, "2s")
    const baseline = await irProcess(["check", "postgres.connectivity", "--json"], {
      cwd: dir,
      timeoutMs: 30_000,
    })
    expect(JSON.parse(baseline.stdout).checks[0].durationMs).toBeLessThan(timeoutMs)
    configure(`postgres://ir:secret-pw@127.0.0.1:${blackholePort}/app`, "2s")
    const result = await irProcess(["check", "postgres.connectivity", "--json"], {
      cwd: dir,
      timeoutMs: 30_000,
    })
    const report = JSON.parse(result.stdout) as {
      status: string
      checks: ReadonlyArray<{ durationMs: number; line: string }>
    }
    expect(["unknown", "critical"]).toContain(report.status)
    expect([2, 3]).toContain(result.code)
    const [check] = report.checks
    // The probe itself stops at its timeout (plus scheduling slack) ...
    expect(check?.durationMs).toBeLessThan(timeoutMs + 1000)
    // ... and the whole process ends about that timeout after the baseline, nothing left waiting.
    expect(result.ms).toBeLessThan(baseline.ms + timeoutMs + 3000)
    expect(result.stdout).not.toContain("secret-pw")
  })

  // The bundles load pg's crypto helpers on first use (tsup.config.ts): a password over SCRAM or
  // MD5 (roles scripts/pg-cluster.sh gives no trust) must still authenticate, and a wrong one fail.
  it("authenticates with a password over SCRAM and MD5, and names a wrong one", async () => {
    const admin = new pg.Client({ connectionString: pgUrl })
    await admin.connect()
    try {
      for (const [role, method] of [
        ["ir_password_scram", "scram-sha-256"],
        ["ir_password_md5", "md5"],
      ] as const) {
        await admin.query(`SET password_encryption = '${method}'`)
        await admin.query(`DROP ROLE IF EXISTS ${role}`)
        await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw-${method}'`)
      }
    } finally {
      await admin.end()
    }
    const target = new URL(pgUrl ?? "")
    target.hostname = "127.0.0.1"
    const as = (user: string, password: string) => {
      const url = new URL(target)
      url.username = user
      url.password = password
      return url.toString()
    }
    for (const [user, password] of [
      ["ir_password_scram", "pw-scram-sha-256"],
      ["ir_password_md5", "pw-md5"],
    ]) {
      configure(as(user, password), "5s")
      const result = await irProcess(["check", "postgres.connectivity"], { cwd: dir })
      expect(result.stdout).toMatch(/^OK - postgres\.connectivity: PostgreSQL \d+/)
      expect(result.code).toBe(0)
    }
    configure(as("ir_password_scram", "not-the-password"), "5s")
    const wrong = await irProcess(["check", "postgres.connectivity"], { cwd: dir })
    expect(wrong.stdout).toMatch(
      /^UNKNOWN - postgres\.connectivity: PostgreSQL at \S+: password authentication failed for user "ir_password_scram"/,
    )
    expect(wrong.stdout).not.toContain("not-the-password")
    expect([2, 3]).toContain(wrong.code)
  })

  it("treats a usage error as UNKNOWN", async () => {
    const result = await irProcess(["check", "--no-such-flag"], { cwd: dir })
    expect(result.code).toBe(3)
    expect(result.stdout).toMatch(/^UNKNOWN - /)
  })
})
