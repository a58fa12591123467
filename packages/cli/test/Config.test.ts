// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in configuration text is the subject
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { defaultRunbook } from "@ir/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { Config } from "../src/index.js"
import { ir, json, tempDir } from "./harness.js"

const dirs: Array<{ remove: () => void }> = []
const project = (files: Record<string, string>) => {
  const dir = tempDir()
  dirs.push(dir)
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, ".."), { recursive: true })
    writeFileSync(join(dir.path, name), content)
  }
  return dir.path
}
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove()
})

describe("finding the configuration", () => {
  it("uses the nearest ir.config.yaml from the working directory upward", async () => {
    const root = project({ "ir.config.yaml": "runbook: {}\n", "deep/down/.keep": "" })
    const config = await Effect.runPromise(Config.load({ cwd: join(root, "deep/down"), env: {} }))
    expect(config.source).toEqual({
      kind: "file",
      file: join(root, "ir.config.yaml"),
      via: "search",
    })
  })

  it("prefers --config, then $IR_CONFIG, to searching", () => {
    const root = project({ "ir.config.yaml": "", "other.yaml": "", "env.yaml": "" })
    expect(
      Config.find({ cwd: root, env: { IR_CONFIG: "env.yaml" }, path: "other.yaml" })?.file,
    ).toBe(join(root, "other.yaml"))
    expect(Config.find({ cwd: root, env: { IR_CONFIG: "env.yaml" } })?.file).toBe(
      join(root, "env.yaml"),
    )
  })

  it("falls back to the embedded defaults when there is no file", async () => {
    const root = project({})
    const run = await ir(["config", "show", "--json"], { cwd: root })
    expect(run.code).toBe(0)
    expect(json(run).source).toEqual({ kind: "defaults" })
  })

  it("reports an explicit --config that does not exist", async () => {
    const root = project({})
    const run = await ir(["playbook", "list", "--config", "nope.yaml"], { cwd: root })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("nope.yaml: no such file")
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })
})

describe("interpolation", () => {
  it("replaces ${VAR}, ${VAR:-default} and ${VAR-default}, and keeps $${literal}", async () => {
    const root = project({
      "ir.config.yaml": [
        "targets:",
        "  http:",
        "    health: { url: 'http://${APP_HOST}:${APP_PORT:-8000}/health' }",
        "    dataSource: { url: 'http://example.test/${EMPTY-unset}${EMPTY:-x}?q=$${KEEP}' }",
      ].join("\n"),
    })
    const run = await ir(["config", "show", "--json"], {
      cwd: root,
      env: { APP_HOST: "app.internal", EMPTY: "" },
    })
    expect(run.code).toBe(0)
    const { targets } = json<{ targets: { http: Record<string, { url: string }> } }>(run)
    expect(targets.http.health?.url).toBe("http://app.internal:8000/health")
    expect(targets.http.dataSource?.url).toBe("http://example.test/x?q=${KEEP}")
  })

  it("names the file, line, path and variable when a variable is not set", async () => {
    const root = project({
      "ir.config.yaml": "targets:\n  postgres:\n    url: 'postgres://app:${PGPASSWORD}@db/app'\n",
    })
    const run = await ir(["playbook", "list"], { cwd: root })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("ir.config.yaml:3:10: targets.postgres.url:")
    expect(run.stderr).toContain("PGPASSWORD is not set")
  })

  it("never shows a secret that came from a variable", async () => {
    const root = project({
      "ir.config.yaml": [
        "targets:",
        "  postgres: { url: 'postgres://app:${PGPASSWORD}@db:5432/app' }",
        "notify:",
        "  slack: { webhook: '${SLACK_WEBHOOK_URL}' }",
        "  pagerduty: { routingKey: 'R0UT1NGK3Y' }",
      ].join("\n"),
    })
    const env = {
      PGPASSWORD: "s3cr3t-pw",
      SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T000/B000/XXXXSECRET",
    }
    for (const argv of [
      ["config", "show"],
      ["config", "show", "--json"],
    ]) {
      const run = await ir(argv, { cwd: root, env })
      expect(run.code).toBe(0)
      for (const secret of ["s3cr3t-pw", "XXXXSECRET", "R0UT1NGK3Y"]) {
        expect(run.stdout).not.toContain(secret)
        expect(run.stderr).not.toContain(secret)
      }
      expect(run.stdout).toContain("postgres://app:")
    }
  })
})

describe("ir config show: serve", () => {
  it("shows what ir serve would use: defaults, the token from its variable, redacted", async () => {
    const root = project({ "ir.config.yaml": "serve:\n  port: 9200\n  shutdownDelay: 2s\n" })
    const run = await ir(["config", "show", "--json"], {
      cwd: root,
      env: { IR_ALERTS_TOKEN: "am-t0ken-value-0123456789abcdef" },
    })
    expect(run.code, run.stderr).toBe(0)
    const { serve } = json<{ serve: Record<string, unknown> }>(run)
    expect(serve).toMatchObject({
      host: "127.0.0.1",
      port: 9200,
      allowUnauthenticated: false,
      shutdownDelayMs: 2000,
    })
    expect(serve.token).not.toMatch(/^\(none/)
    expect(serve.healthToken).toMatch(/^\(none/)
    expect(run.stdout).not.toContain("am-t0ken-value-0123456789abcdef")
  })

  it("reports a bad serve section where it is", async () => {
    const root = project({ "ir.config.yaml": "serve:\n  port: 70000\n" })
    const run = await ir(["config", "show"], { cwd: root })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/ir\.config\.yaml:2:\d+: serve\.port: .*0 to 65535/)
  })

  it("shows the status page on and the board off by default; the board token is never shown", async () => {
    const root = project({ "ir.config.yaml": "serve:\n  port: 9200\n" })
    const plain = json<{ serve: Record<string, unknown> }>(
      await ir(["config", "show", "--json"], { cwd: root }),
    )
    expect(plain.serve.status).toMatch(/^on/)
    expect(plain.serve.boardToken).toMatch(/^\(none/)
    const token = "board-t0ken-value-0123456789abcdef"
    const run = await ir(["config", "show", "--json"], {
      cwd: root,
      env: { IR_BOARD_TOKEN: token },
    })
    expect(run.code, run.stderr).toBe(0)
    expect(json<{ serve: Record<string, unknown> }>(run).serve.boardToken).not.toMatch(/^\(none/)
    expect(run.stdout).not.toContain(token)
  })

  it("names what is wrong in serve.status and serve.boardToken, where it is", async () => {
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      [
        "serve:\n  status:\n    components:\n      - { id: api, name: API, playbooks: [no-such] }\n",
        /ir\.config\.yaml:4:\d+: serve\.status\.components\.0\.playbooks: .*no playbook "no-such"/,
      ],
      [
        "serve:\n  status:\n    components:\n      - { id: api, name: API }\n      - { id: api, name: Again }\n",
        /serve\.status\.components\.1\.id: .*"api" is used twice/,
      ],
      ["serve:\n  status:\n    url: status.example.com\n", /serve\.status\.url: .*absolute http/],
      ["serve:\n  status:\n    cache: soon\n", /serve\.status\.cache: .*duration/],
      ["serve:\n  status: maybe\n", /serve\.status: .*true, false or a mapping/],
      ["serve:\n  boardToken: short\n", /serve\.boardToken: .*at least 16 characters/],
    ]
    for (const [yaml, message] of cases) {
      const root = project({ "ir.config.yaml": yaml })
      const run = await ir(["config", "show"], { cwd: root })
      expect(run.code, yaml).toBe(2)
      expect(run.stderr, yaml).toMatch(message)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    }
  })
})

describe("invalid configuration", () => {
  it("points at a YAML syntax error", async () => {
    const root = project({ "ir.config.yaml": "runbook:\n  thresholds: {\n" })
    const run = await ir(["playbook", "list"], { cwd: root })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/ir\.config\.yaml:\d+:\d+: not valid YAML or JSON/)
  })

  it("names an unknown section and the ones it expected", async () => {
    const root = project({ "ir.config.yaml": "runbook: {}\ntarget:\n  http: {}\n" })
    const run = await ir(["playbook", "list"], { cwd: root })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('ir.config.yaml:3:3: target: unknown section "target"')
    expect(run.stderr).toContain("runbook, targets, notify, journal")
  })

  it("points into the runbook overrides", async () => {
    const root = project({
      "ir.config.yaml": [
        "runbook:",
        "  playbooks:",
        "    - id: system-down",
        "      defaultSeverity: P7",
      ].join("\n"),
    })
    const run = await ir(["playbook", "list"], { cwd: root })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("ir.config.yaml:4:24: runbook.playbooks.0.defaultSeverity:")
    expect(run.stderr.trim().split("\n")).toHaveLength(1)
  })

  it("points into the targets", async () => {
    const root = project({ "ir.config.yaml": "targets:\n  timeouts:\n    default: soon\n" })
    const run = await ir(["check", "host"], { cwd: root })
    expect(run.code).toBe(3)
    expect(run.stdout).toMatch(/^UNKNOWN - ir\.config\.yaml:3:14: targets\.timeouts\.default: /)
  })

  it("reads a complete runbook from runbook.file, with overrides next to it", async () => {
    const root = project({
      "runbooks/team.json": JSON.stringify({ ...defaultRunbook, name: "Team runbook" }),
      "ir.config.yaml":
        "runbook:\n  file: runbooks/team.json\n  thresholds:\n    api.error_ratio: { critical: 0.2 }\n",
    })
    const run = await ir(["config", "show", "--json"], { cwd: join(root) })
    expect(run.code).toBe(0)
    expect(json<{ runbook: { name: string; origin: string } }>(run).runbook).toMatchObject({
      name: "Team runbook",
      origin: "file",
    })
  })

  it("says when runbook.file does not exist", async () => {
    const root = project({ "ir.config.yaml": "runbook:\n  file: missing.yaml\n" })
    const run = await ir(["playbook", "list"], { cwd: root })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(
      "ir.config.yaml:2:9: runbook.file: the runbook file missing.yaml does not exist",
    )
  })

  it("turns a default target off with false", async () => {
    const root = project({
      "ir.config.yaml": "targets:\n  prometheus: false\n  http: { predict: false }\n",
    })
    const run = await ir(["config", "show", "--json"], { cwd: root })
    const shown = json<{ targets: Record<string, Record<string, unknown>> }>(run)
    expect(shown.targets.prometheus).toBeUndefined()
    expect(shown.targets.http?.predict).toBeUndefined()
    expect(shown.targets.http?.health).toBeDefined()
  })
})

describe("secrets in the configuration", () => {
  const channels = `
notify:
  channels:
    - { id: chat, kind: slack, webhookUrl: "https://chat.internal.example/hooks/T0/B0/SLACKPATHSECRET" }
    - id: hooks
      kind: webhook
      url: "https://hooks.example.com/ir/WEBHOOKPATHSECRET"
      secret: "0123456789abcdefWEBHOOKSECRET"
      headers: { X-Custom-Auth: "CUSTOMHEADERSECRET" }
`

  it("ir config show masks every field the channel schema marks secret, whatever its host", async () => {
    const root = project({ "ir.config.yaml": channels })
    for (const argv of [
      ["config", "show"],
      ["config", "show", "--json"],
    ]) {
      const run = await ir(argv, { cwd: root, env: {} })
      expect(run.code, run.stderr).toBe(0)
      for (const secret of [
        "SLACKPATHSECRET",
        "WEBHOOKPATHSECRET",
        "WEBHOOKSECRET",
        "CUSTOMHEADERSECRET",
      ])
        expect(run.stdout + run.stderr).not.toContain(secret)
      expect(run.stdout).toContain("X-Custom-Auth")
    }
  })

  it("hides a database password with an unencoded /, in ir config show and ir check", async () => {
    const root = project({ "ir.config.yaml": "targets:\n  postgres:\n    url: ${DATABASE_URL}\n" })
    const env = { DATABASE_URL: "postgres://u:Sup3r/S3cret@127.0.0.1:1/db" }
    for (const argv of [
      ["config", "show"],
      ["check", "postgres.connectivity"],
    ]) {
      const run = await ir(argv, { cwd: root, env })
      expect(run.stdout + run.stderr).not.toContain("S3cret")
      expect(run.stdout + run.stderr).toContain("postgres://u:***@127.0.0.1:1/db")
    }
  })

  it("keeps a digits-only secret a string, and never echoes it in an error", async () => {
    const root = project({
      "ir.config.yaml": `
notify:
  channels:
    - { id: mail, kind: email, host: 127.0.0.1, password: "\${SMTP_PASSWORD}", from: ir@example.com, to: [] }
`,
    })
    const run = await ir(["incident", "list"], { cwd: root, env: { SMTP_PASSWORD: "73914862" } })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("notify.channels.0")
    expect(run.stderr).not.toContain("73914862")
    const valid = project({
      "ir.config.yaml": `
notify:
  channels:
    - { id: mail, kind: email, host: 127.0.0.1, password: "\${SMTP_PASSWORD}", from: ir@example.com, to: [a@example.com] }
`,
    })
    const listed = await ir(["incident", "list"], {
      cwd: valid,
      env: { SMTP_PASSWORD: "73914862" },
    })
    expect(listed.code, listed.stderr).toBe(0)
  })

  it("names the variable, never its value, when a value from any variable is invalid", async () => {
    const root = project({
      "ir.config.yaml": `
targets:
  postgres: { url: "\${DB}" }
notify:
  channels:
    - { id: hooks, kind: webhook, url: "\${HOOK}", secret: "0123456789abcdef0123" }
serve:
  port: "\${LISTEN:-9111}"
`,
    })
    const cases: Array<[ReadonlyArray<string>, Record<string, string>, string, string]> = [
      [["check", "postgres.connectivity"], { DB: "73914862" }, "targets.postgres.url", "73914862"],
      [
        ["notify", "initial", "--dry-run"],
        { DB: "postgres://u@h/db", HOOK: "5550123987" },
        "notify.channels.0.url",
        "5550123987",
      ],
      [
        ["config", "show"],
        { DB: "postgres://u@h/db", HOOK: "https://h.example/x", LISTEN: "pw-in-the-wrong-place" },
        "serve.port",
        "pw-in-the-wrong-place",
      ],
    ]
    for (const [argv, env, path, value] of cases) {
      const run = await ir(argv, { cwd: root, env })
      const shown = run.stdout + run.stderr
      expect(run.code, shown).not.toBe(0)
      expect(shown).toContain(path)
      expect(shown).not.toContain(value)
      expect(shown).toMatch(/the value of \$\{(DB|HOOK|LISTEN)\}/)
    }
  })

  it("reads the journal with an unrelated channel's variable unset; sending needs it", async () => {
    const root = project({
      "ir.config.yaml": `
notify:
  channels:
    - { id: on-call, kind: pagerduty, routingKey: "\${PAGERDUTY_ROUTING_KEY}" }
`,
    })
    const env = { XDG_STATE_HOME: join(root, "state"), IR_NOW: "2026-12-05T10:00:00Z" }
    const listed = await ir(["incident", "list"], { cwd: root, env })
    expect(listed.code, listed.stderr).toBe(0)
    const opened = await ir(
      ["incident", "open", "--severity", "P1", "--title", "API errors", "--summary", "5xx"],
      { cwd: root, env },
    )
    expect(opened.code, opened.stderr).toBe(0)
    const sent = await ir(["notify", "initial"], { cwd: root, env })
    expect(sent.code).toBe(2)
    expect(sent.stderr).toMatch(/PAGERDUTY_ROUTING_KEY is not set/)
  })
})
