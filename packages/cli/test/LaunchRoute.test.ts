// The launcher's routes (src/internal/LaunchRoute.ts): `ir --version` answered by the launcher,
// a plain `ir check` run by the check bundle, everything else by the whole program. Each route
// must do exactly what the whole program does for the same command line.
import { execFile, spawnSync } from "node:child_process"
import { closeSync, openSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCheck } from "../src/internal/CheckMain.js"
import { checkCacheName, routeOf } from "../src/internal/LaunchRoute.js"
import { captured, ir, tempDir } from "./harness.js"
import { binPath } from "./scenarios.js"

const execute = promisify(execFile)

describe("routeOf", () => {
  it("answers only a lone --version itself", () => {
    expect(routeOf(["--version"])).toEqual({ kind: "version" })
    for (const argv of [["--version", "--json"], ["check", "--version"], ["-V"], []]) {
      expect(routeOf(argv).kind, argv.join(" ")).not.toBe("version")
    }
  })

  it("reads probes and the common options of `ir check`, in any order", () => {
    expect(routeOf(["check"])).toEqual({
      kind: "check",
      line: { probes: [], config: undefined, json: false, quiet: false, verbose: false },
    })
    expect(
      routeOf(["check", "--json", "postgres", "-c", "ir.yaml", "host.load", "-q", "--verbose"]),
    ).toEqual({
      kind: "check",
      line: {
        probes: ["postgres", "host.load"],
        config: "ir.yaml",
        json: true,
        quiet: true,
        verbose: true,
      },
    })
    expect(routeOf(["check", "--config", "a.yaml", "-v"])).toMatchObject({
      kind: "check",
      line: { config: "a.yaml", verbose: true, quiet: false },
    })
  })

  it("names one code cache entry per set of probe families a check runs", () => {
    const nameOf = (argv: ReadonlyArray<string>) => {
      const route = routeOf(argv)
      if (route.kind !== "check") throw new Error(`${argv.join(" ")} is not a check route`)
      return checkCacheName(route.line)
    }
    expect(nameOf(["check"])).toBe("check")
    expect(nameOf(["check", "--json"])).toBe("check")
    expect(nameOf(["check", "postgres.locks"])).toBe("check-postgres")
    expect(nameOf(["check", "postgres", "postgres.size", "-q"])).toBe("check-postgres")
    expect(nameOf(["check", "host.load", "http.health", "host.disk"])).toBe("check-host-http")
    expect(nameOf(["check", "http.health", "host.load"])).toBe("check-host-http")
  })

  it("leaves every other command line to the whole program", () => {
    for (const argv of [
      ["triage"],
      ["playbook", "list"],
      ["check", "--help"],
      ["check", "-h"],
      ["check", "--config=ir.yaml"],
      ["check", "--config"],
      ["check", "-c", "--json"],
      ["check", "-qv"],
      ["check", "postgres", "--", "--json"],
      ["check", "--json", "--json"],
      ["check", "-q", "--quiet"],
      ["check", "-c", "a.yaml", "--config", "b.yaml"],
      // @effect/cli reads a boolean word after a flag as its value (`--json false`)
      ["check", "--json", "false", "host.load"],
      ["check", "yes"],
      ["check", "--completions", "bash"],
      ["check", "--log-level", "debug"],
      ["check", ""],
    ]) {
      expect(routeOf(argv), JSON.stringify(argv)).toEqual({ kind: "program" })
    }
  })
})

/** Numbers (load, latency, times, dates) differ from run to run; the rest must not. */
const shape = (text: string) => text.replace(/\d+(\.\d+)?/g, "N")

describe("the check bundle's `ir check`", () => {
  const dir = tempDir("ir-launch-route-")
  let server: Server
  let healthUrl = ""

  beforeAll(async () => {
    server = createServer((request, response) => {
      const healthy = request.url === "/health"
      response.writeHead(healthy ? 200 : 503, { "content-type": "application/health+json" })
      response.end(JSON.stringify({ status: healthy ? "pass" : "fail" }))
    })
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done))
    healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((done) => server.close(done))
    dir.remove()
  })

  const configure = (name: string, text: string) => {
    writeFileSync(join(dir.path, name), text)
    return join(dir.path, name)
  }

  /** Runs the command line both ways and expects the same exit code and output. */
  const agree = async (argv: ReadonlyArray<string>) => {
    const route = routeOf(argv)
    if (route.kind !== "check") throw new Error(`${argv.join(" ")} is not a check route`)
    const options = { cwd: dir.path, env: {} }
    const program = await ir(argv, options)
    const bundle = await captured((io) => runCheck(route.line, { io }), options)
    expect({ ...bundle, stdout: shape(bundle.stdout), stderr: shape(bundle.stderr) }).toEqual({
      ...program,
      stdout: shape(program.stdout),
      stderr: shape(program.stderr),
    })
    return bundle
  }

  it("prints and exits as the whole program does for a healthy and a failing target", async () => {
    const healthy = configure(
      "healthy.yaml",
      `targets:\n  http: { health: { url: "${healthUrl}/health" } }\n`,
    )
    const failing = configure(
      "failing.yaml",
      `targets:\n  http: { health: { url: "${healthUrl}/down" } }\n`,
    )
    const ok = await agree(["check", "-c", healthy, "http.health"])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^OK - http\.health: /)
    const critical = await agree(["check", "http.health", "--config", failing, "--verbose"])
    expect(critical.code).toBe(2)
    expect(critical.stdout).toMatch(/^CRITICAL - http\.health: /)
    expect(critical.stderr).toContain(`configuration: ${failing}`)
    const asJson = await agree(["check", "--json", "-c", failing, "http", "-q"])
    expect(JSON.parse(asJson.stdout)).toMatchObject({ command: "check", exitCode: 2 })
  })

  it("answers UNKNOWN as the whole program does: no such probe, no such file, not configured, bad configuration", async () => {
    const invalid = configure("invalid.yaml", "targets:\n  postgres: { url: 42 }\n")
    for (const argv of [
      ["check", "nosuchprobe"],
      ["check", "-c", "nope.yaml", "host.load"],
      ["check", "postgres.connections"],
      ["check", "-c", invalid, "postgres"],
      ["check", "--json", "host.process"],
    ]) {
      const result = await agree(argv)
      expect(result.code, argv.join(" ")).toBe(3)
      expect(result.stdout, argv.join(" ")).toMatch(/UNKNOWN/)
    }
  })

  it("grades with the configuration's runbook as the whole program does: its overrides, its file, its problems", async () => {
    const target = `targets:\n  http: { health: { url: "${healthUrl}/health" } }\n`
    // Any latency is at or over a critical level of 0 seconds.
    const strict = `runbook:\n  thresholds:\n    http.latency_seconds: { description: "strict", critical: 0 }\n`
    const overridden = configure("overridden.yaml", `${target}${strict}`)
    const critical = await agree(["check", "-c", overridden, "http.health"])
    expect(critical.code).toBe(2)
    expect(critical.stdout).toMatch(/^CRITICAL - http\.health: /)
    const plain = await agree(["check", "-c", configure("plain.yaml", target), "http.health"])
    expect(plain.code).toBe(0)

    const runbookFile = configure("runbook.yaml", "name: Team runbook\n")
    const fromFile = configure("from-file.yaml", `${target}runbook:\n  file: ${runbookFile}\n`)
    const broken = await agree(["check", "-c", fromFile, "http.health"])
    expect(broken.code).toBe(3)
    expect(broken.stdout).toMatch(/^UNKNOWN - .*runbook\.yaml/)
  })

  it("runs every configured probe when none is named", async () => {
    const only = configure(
      "ir.config.yaml",
      `targets:\n  http: { health: { url: "${healthUrl}/health" } }\n`,
    )
    const result = await agree(["check", "-c", only])
    expect(result.stdout).toMatch(/^OK - http\.health: /m)
  })
})

describe("the ir executable", () => {
  const dir = tempDir("ir-launch-exec-")
  afterAll(() => dir.remove())
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", XDG_CACHE_HOME: join(dir.path, "cache") }
  const run = (argv: ReadonlyArray<string>) =>
    execute(process.execPath, [binPath, ...argv], { cwd: dir.path, env, encoding: "utf8" }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    )

  it("prints for --version exactly what the whole program prints, and exits 0", async () => {
    expect(await run(["--version"])).toEqual(await ir(["--version"], { cwd: dir.path }))
  })

  it("says in a line on stderr, with exit 1, when --version cannot be written", () => {
    // A full disk: a line on stderr and exit 1, not a stack trace.
    const full = openSync("/dev/full", "w")
    try {
      const result = spawnSync(process.execPath, [binPath, "--version"], {
        cwd: dir.path,
        env,
        encoding: "utf8",
        stdio: ["ignore", full, "pipe"],
      })
      expect(result.status).toBe(1)
      expect(result.stderr).toBe("ir: cannot write to the standard output (ENOSPC)\n")
    } finally {
      closeSync(full)
    }
  })

  it("runs `ir check` with the check bundle, as the whole program would", async () => {
    // twice: the first run writes the check bundle's code cache, the second uses it
    for (let round = 0; round < 2; round += 1) {
      const result = await run(["check", "postgres.connections", "host.process"])
      expect(result).toEqual(
        await ir(["check", "postgres.connections", "host.process"], { cwd: dir.path, env }),
      )
      expect(result.code).toBe(3)
    }
  })

  it("leaves help to the whole program", async () => {
    const help = await run(["check", "--help"])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("ir check")
  })
})
