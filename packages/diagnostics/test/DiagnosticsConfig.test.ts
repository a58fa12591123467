import { Either, Redacted, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  configSecrets,
  DiagnosticsConfig,
  DiagnosticsConfigError,
  decodeDiagnosticsConfig,
  decodeDiagnosticsConfigEither,
  defaultDiagnosticsConfig,
  mergeDiagnosticsConfig,
  postgresUrlFromEnv,
} from "../src/DiagnosticsConfig.js"

describe("decoding", () => {
  it("throws the typed configuration error, naming the path, from the throwing variant", () => {
    expect(() => decodeDiagnosticsConfig({ prometheus: { url: 42 } })).toThrow(
      DiagnosticsConfigError,
    )
    expect(() => decodeDiagnosticsConfig({ prometheus: { url: 42 } })).toThrow(/prometheus/)
  })

  it("decodes a full YAML-shaped document", () => {
    const result = decodeDiagnosticsConfigEither({
      http: {
        health: { url: "http://app:8000/health", timeout: "2s" },
        predict: {
          url: "http://app:8000/predict",
          sample: { temperature: 25 },
          expect: { fields: ["prediction"] },
        },
        dataSource: {
          url: "http://data-source-api/health",
          headers: { Authorization: "Bearer abcdefgh12" },
        },
      },
      prometheus: { url: "http://prometheus:9090", job: "app", selector: 'env="prod"' },
      postgres: { url: "postgres://app:secret@db:5432/anomaly_db" },
      docker: {
        socket: "/var/run/docker.sock",
        containers: { app: "app", worker: { label: "role=worker" } },
      },
      host: { processes: { api: { name: "uvicorn" }, one: { pid: 1 } } },
      files: { models: { dir: "saved_models", manifest: "SHA256SUMS" }, data: { raw: "data/raw" } },
      timeouts: { default: "5s", probes: { "postgres.locks": "1.5s" } },
      thresholds: { "api.error_ratio": { warn: "2%", critical: 0.05 } },
    })
    expect(Either.isRight(result)).toBe(true)
    const config = Either.getOrThrow(result)
    expect(Redacted.isRedacted(config.postgres?.url)).toBe(true)
    expect(String(config.postgres?.url)).not.toContain("secret")
    expect(JSON.stringify(config)).not.toContain("secret")
  })

  it("decodes an empty document (every section is optional)", () => {
    expect(Either.isRight(decodeDiagnosticsConfigEither({}))).toBe(true)
  })

  it("names the path and the expectation of each problem", () => {
    const result = decodeDiagnosticsConfigEither({
      postgres: { url: 42 },
      timeouts: { default: "5 seconds", probes: { "postgres.lock": "1s" } },
      http: { health: { url: "not a url" } },
      extra: true,
    })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isRight(result)) return
    const paths = result.left.issues.map((issue) => issue.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        "postgres.url",
        "timeouts.default",
        "timeouts.probes",
        "http.health.url",
        "extra",
      ]),
    )
    expect(result.left.message).toContain('unknown probe id "postgres.lock"')
    expect(result.left.message).toContain('expected a duration such as "0.5s"')
  })

  it("takes a CPU sampling window from 20ms to 10s, and names the field otherwise", () => {
    const accepted = decodeDiagnosticsConfigEither({ cpuWindow: "500ms" })
    expect(Either.isRight(accepted) && accepted.right.cpuWindow).toBe("500ms")
    for (const window of ["5ms", "1m", "half a second"]) {
      const result = decodeDiagnosticsConfigEither({ cpuWindow: window })
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(result.left.issues[0]?.path).toBe("cpuWindow")
    }
  })

  it("does not echo a secret put in the wrong place", () => {
    const result = decodeDiagnosticsConfigEither({
      host: { processes: { api: { pid: "postgres://u:leaked99@db/x" } } },
    })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left.message).toContain("host.processes.api")
      expect(result.left.message).not.toContain("leaked99")
    }
  })

  it("encodes back to plain JSON-able data", () => {
    const config = defaultDiagnosticsConfig({
      env: { DATABASE_URL: "postgres://a:b1234@h/db" },
      cwd: "/srv/app",
      exists: () => false,
    })
    const encoded = Schema.encodeSync(DiagnosticsConfig)(config)
    expect(encoded.postgres?.url).toBe("postgres://a:b1234@h/db")
  })
})

describe("defaultDiagnosticsConfig", () => {
  it("has the seed's endpoints, files under cwd, and no PostgreSQL or Docker without a hint", () => {
    const config = defaultDiagnosticsConfig({ env: {}, cwd: "/srv/app", exists: () => false })
    expect(config.http?.health?.url).toBe("http://localhost:8000/health")
    expect(config.http?.predict).toMatchObject({
      url: "http://localhost:8000/predict",
      sample: { temperature: 25.0, pressure: 1013.25, humidity: 60.0, vibration: 0.1 },
    })
    expect(config.prometheus?.url).toBe("http://localhost:9090")
    expect(config.postgres).toBeUndefined()
    expect(config.docker).toBeUndefined()
    expect(config.files).toEqual({
      models: { dir: "/srv/app/saved_models" },
      data: { raw: "/srv/app/data/raw", processed: "/srv/app/data/processed" },
    })
  })

  it("takes PostgreSQL from DATABASE_URL, else PG* variables", () => {
    const fromUrl = defaultDiagnosticsConfig({
      env: { DATABASE_URL: "postgres://u:p4ss@db/x" },
      cwd: "/",
      exists: () => false,
    })
    expect(fromUrl.postgres && Redacted.value(fromUrl.postgres.url)).toBe("postgres://u:p4ss@db/x")
    expect(
      postgresUrlFromEnv({
        PGHOST: "db",
        PGUSER: "app",
        PGPASSWORD: "p w",
        PGDATABASE: "anomaly_db",
      }),
    ).toBe("postgres://app:p%20w@db:5432/anomaly_db")
    expect(postgresUrlFromEnv({ PGHOST: "/var/run/postgresql", PGUSER: "app" })).toBe(
      "postgres://app@localhost:5432/app?host=%2Fvar%2Frun%2Fpostgresql",
    )
    expect(postgresUrlFromEnv({ HOME: "/root" })).toBeUndefined()
  })

  it("takes Docker from DOCKER_HOST, else the default socket when it exists", () => {
    expect(
      defaultDiagnosticsConfig({ env: { DOCKER_HOST: "tcp://dind:2375" }, cwd: "/" }).docker,
    ).toEqual({
      host: "tcp://dind:2375",
      containers: { app: "app", postgres: "postgres" },
    })
    const socket = defaultDiagnosticsConfig({
      env: {},
      cwd: "/",
      exists: (path) => path === "/var/run/docker.sock",
    })
    expect(socket.docker?.socket).toBe("/var/run/docker.sock")
  })
})

describe("mergeDiagnosticsConfig", () => {
  it("merges sections key by key and replaces values", () => {
    const base = defaultDiagnosticsConfig({ env: {}, cwd: "/srv", exists: () => false })
    const merged = mergeDiagnosticsConfig(base, {
      prometheus: { url: "http://prom:9090", job: "app" },
      http: { health: { url: "http://app/health" } },
    })
    expect(merged.prometheus).toEqual({ url: "http://prom:9090", job: "app" })
    expect(merged.http?.health?.url).toBe("http://app/health")
    expect(merged.http?.predict?.url).toBe("http://localhost:8000/predict")
  })
})

describe("configSecrets", () => {
  it("collects URL passwords, tokens and header values", () => {
    const config = Either.getOrThrow(
      decodeDiagnosticsConfigEither({
        postgres: { url: "postgres://u:pgsecret@db/x" },
        prometheus: {
          url: "http://prom:9090/?token=promtoken1",
          headers: { Authorization: "Bearer headertoken99" },
        },
      }),
    )
    expect(configSecrets(config)).toEqual(
      expect.arrayContaining(["pgsecret", "promtoken1", "Bearer headertoken99", "headertoken99"]),
    )
  })
})
