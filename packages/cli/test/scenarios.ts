// The pieces of the scenario suite: the built `ir`, the example service as a real process, a
// busybox container, a throwaway PostgreSQL cluster, and waits with deadlines (never sleeps).
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { stringify } from "yaml"

const run = promisify(execFile)

export const repoRoot = resolve(import.meta.dirname, "../../..")
/** The `ir` executable as npm links it: the committed launcher, which runs the built one. */
export const binPath = resolve(import.meta.dirname, "../bin/ir.cjs")
const builtPath = resolve(import.meta.dirname, "../dist/bin.cjs")
export const exampleDir = join(repoRoot, "examples/iot-anomaly-api")

/** Fails with a clear message when the CLI was not built (the suite runs the real binary). */
export const requireBuiltCli = (): void => {
  if (!existsSync(builtPath)) {
    throw new Error(
      `${builtPath} does not exist: build the CLI first (npx turbo run build --filter=@ir/cli...)`,
    )
  }
}

export interface IrResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/** Runs the built `ir` as a child process (argv array, no shell). */
export const irProcess = (
  argv: ReadonlyArray<string>,
  options: {
    readonly cwd: string
    readonly env?: Record<string, string>
    readonly timeoutMs?: number
  },
): Promise<IrResult> =>
  new Promise((resolvePromise, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [binPath, ...argv], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => {
      stdout += chunk
    })
    child.stderr.on("data", (chunk) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(
        new Error(`ir ${argv.join(" ")} did not finish within ${options.timeoutMs ?? 60_000} ms`),
      )
    }, options.timeoutMs ?? 60_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolvePromise({ code: code ?? -1, stdout, stderr, ms: performance.now() - started })
    })
  })

/** Polls `check` until it returns a value, or fails after `timeoutMs` with the last reason. */
export const waitFor = async <A>(
  what: string,
  check: () => Promise<A | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not within ${timeoutMs} ms${last === undefined ? "" : ` (${String(last)})`}`,
      )
    }
    await new Promise((wake) => setTimeout(wake, intervalMs))
  }
}

/** The example service running as a real process. */
export interface Service {
  readonly url: string
  readonly port: number
  readonly logs: () => string
  readonly stop: () => Promise<void>
}

export const startService = async (env: Record<string, string>): Promise<Service> => {
  const child: ChildProcess = spawn(process.execPath, [join(exampleDir, "server.mjs")], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let logs = ""
  child.stdout?.on("data", (chunk) => {
    logs += chunk
  })
  child.stderr?.on("data", (chunk) => {
    logs += chunk
  })
  const port = await waitFor(
    "the example service to listen",
    async () => {
      if (child.exitCode !== null) throw new Error(`it exited (${child.exitCode}): ${logs}`)
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(logs)
      return match === null ? undefined : Number(match[1])
    },
    15_000,
    50,
  )
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    logs: () => logs,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done()
        child.once("exit", () => done())
        child.kill("SIGTERM")
      }),
  }
}

/** A project directory: a copy of the example's model and data, and a config file. */
export interface Workspace {
  readonly dir: string
  readonly models: string
  readonly processed: string
  readonly writeConfig: (config: unknown) => void
}

export const makeWorkspace = (dir: string): Workspace => {
  mkdirSync(dir, { recursive: true })
  cpSync(join(exampleDir, "saved_models"), join(dir, "saved_models"), { recursive: true })
  for (const name of ["raw", "processed"]) {
    mkdirSync(join(dir, "data", name), { recursive: true })
    writeFileSync(
      join(dir, "data", name, "batch-0001.csv"),
      "temperature,pressure,humidity,vibration\n",
    )
  }
  return {
    dir,
    models: join(dir, "saved_models"),
    processed: join(dir, "data/processed"),
    writeConfig: (config) => writeFileSync(join(dir, "ir.config.yaml"), stringify(config)),
  }
}

/** A fixed binary with an argv array (no shell); resolves with stdout. */
export const exec = async (file: string, args: ReadonlyArray<string>, timeoutMs = 30_000) =>
  (await run(file, [...args], { timeout: timeoutMs })).stdout.trim()

/** The Docker CLI against the test's private engine. */
export const docker = (socket: string, args: ReadonlyArray<string>) =>
  exec("/usr/bin/docker", ["-H", `unix://${socket}`, ...args])

/** A throwaway PostgreSQL cluster (scripts/pg-cluster.sh). */
export const pgCluster = (script: string, dir: string, port: number) => ({
  start: () => exec(script, ["start", dir, String(port)], 60_000),
  stop: () => exec(script, ["stop", dir, "fast"], 60_000),
})

/** A free TCP port on the loopback interface. */
export const freePort = async (): Promise<number> => {
  const { createServer } = await import("node:net")
  return new Promise((done, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => done(port))
    })
  })
}

/** A running `ir serve` of the built CLI: its process, its URL and what it printed so far. */
export interface Served {
  readonly process: ChildProcess
  readonly url: string
  readonly output: () => string
}

/**
 * Starts the built `ir serve` in `dir` (its `ir.config.yaml`) with `IR_ALERTS_TOKEN` (and `env`),
 * and waits until it listens; the process is pushed onto `started` for the suite to kill.
 */
export const serveIr = async (
  dir: string,
  token: string,
  started: Array<ChildProcess>,
  env: Record<string, string> = {},
): Promise<Served> => {
  const child = spawn(process.execPath, [binPath, "serve", "--shutdown-delay", "0s"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", IR_ALERTS_TOKEN: token, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  started.push(child)
  let output = ""
  child.stdout?.on("data", (chunk) => {
    output += chunk
  })
  child.stderr?.on("data", (chunk) => {
    output += chunk
  })
  const url = await waitFor(
    "ir serve to listen",
    async () => {
      if (child.exitCode !== null) throw new Error(`ir serve exited: ${output}`)
      return /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    },
    30_000,
    50,
  )
  return { process: child, url, output: () => output }
}
