// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in configuration text is the subject
// Generated secrets in every secret-bearing setting and variable: whatever their characters (`/`,
// `@`, `:`, `%`, `#`, digits only), no command's output, no JSON, no journal record, no rendered
// message and no health body contains one.
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { createHandler } from "@ir/http"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { type CliRun, ir, tempDir } from "./harness.js"

const dirs: Array<{ remove: () => void }> = []
afterAll(() => {
  for (const dir of dirs.splice(0)) dir.remove()
})

const config = `
targets:
  postgres:
    url: \${DATABASE_URL}
notify:
  channels:
    - { id: incidents, kind: slack, webhookUrl: "\${SLACK_WEBHOOK_URL}" }
    - id: hooks
      kind: webhook
      url: "\${WEBHOOK_URL}"
      secret: "\${WEBHOOK_SECRET}"
      headers: { X-Custom-Auth: "\${CUSTOM_AUTH}" }
    - { id: on-call, kind: pagerduty, routingKey: "\${PAGERDUTY_ROUTING_KEY}" }
    - id: mail
      kind: email
      host: 127.0.0.1
      port: 1
      user: ir
      password: "\${SMTP_PASSWORD}"
      from: ir@example.com
      to: [oncall@example.com]
serve:
  token: \${IR_ALERTS_TOKEN}
  healthToken: \${IR_HEALTH_TOKEN}
`

/** Printable, no white space (a secret in a URL or header has none), at least 10 characters. */
const secret = fc.oneof(
  fc.stringMatching(/^[0-9]{10,16}$/),
  fc
    .string({
      unit: fc.constantFrom(
        ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/@:%#!$&*+=?^_-.~",
      ),
      minLength: 10,
      maxLength: 24,
    })
    // A run of one character is not a secret any output could be told apart from.
    .filter((text) => new Set(text).size >= 4),
)

const environment = (value: string) => ({
  DATABASE_URL: `postgres://app:${value}@127.0.0.1:1/anomaly_db`,
  PGPASSWORD: value,
  SLACK_WEBHOOK_URL: `https://chat.example.com/services/${encodeURIComponent(value)}`,
  WEBHOOK_URL: `https://hooks.example.com/ir?token=${encodeURIComponent(value)}`,
  WEBHOOK_SECRET: `${value}${value}`,
  CUSTOM_AUTH: value,
  PAGERDUTY_ROUTING_KEY: value,
  SMTP_PASSWORD: value,
  IR_ALERTS_TOKEN: `${value}${value}`,
  IR_HEALTH_TOKEN: `${value}${value}`,
  NO_COLOR: "1",
})

/** The forms a secret could leak in: as given, percent-encoded, doubled. */
const forms = (value: string) => [
  ...new Set([value, encodeURIComponent(value), encodeURI(value), `${value}${value}`]),
]

const expectNoSecret = (value: string, where: string, text: string) => {
  for (const form of forms(value)) expect(text, `${where} shows a secret`).not.toContain(form)
}

const outputOf = (run: CliRun) => `${run.stdout}\n${run.stderr}`

describe("no secret leaks", () => {
  it("from any command, the journal, a rendered message or a health body", async () => {
    await fc.assert(
      fc.asyncProperty(secret, async (value) => {
        const dir = tempDir("ir-secrets-")
        dirs.push(dir)
        writeFileSync(join(dir.path, "ir.config.yaml"), config)
        const env = environment(value)
        const run = (argv: ReadonlyArray<string>) =>
          ir(argv, {
            cwd: dir.path,
            env: {
              ...env,
              IR_NOW: "2026-12-05T10:00:00Z",
              XDG_STATE_HOME: join(dir.path, "state"),
            },
          })

        for (const argv of [
          ["config", "show"],
          ["config", "show", "--json"],
          ["check", "postgres.connectivity"],
          ["check", "postgres.connectivity", "--json"],
          ["triage", "--json"],
          ["incident", "open", "--severity", "P1", "--title", "API errors", "--summary", "5xx"],
          ["incident", "list", "--json"],
          ["incident", "show", "--json"],
          ["notify", "initial", "--dry-run"],
          ["notify", "initial", "--dry-run", "--json"],
        ]) {
          const result = await run(argv)
          expectNoSecret(value, `ir ${argv.join(" ")}`, outputOf(result))
        }
        const journal = join(dir.path, "state", "ir", "journal")
        expect(readdirSync(journal, { recursive: true }).length).toBeGreaterThan(0)
        for (const file of readdirSync(journal, { recursive: true })) {
          const path = join(journal, String(file))
          let text: string
          try {
            text = readFileSync(path, "utf8")
          } catch {
            continue // a directory
          }
          expectNoSecret(value, `journal file ${file}`, text)
        }

        const handler = createHandler({
          health: {
            config: { postgres: { url: env.DATABASE_URL }, timeouts: { default: "2s" } },
            probes: ["postgres.connectivity"],
          },
          token: env.IR_HEALTH_TOKEN,
        })
        const health = await handler(
          new Request("http://localhost/health", {
            headers: { authorization: `Bearer ${env.IR_HEALTH_TOKEN}` },
          }),
        )
        const body = await health.text()
        expect(body).toContain("postgres")
        expectNoSecret(value, "the /health body", body)
      }),
      { numRuns: Number(process.env.IR_SECRETS_RUNS ?? 40) },
    )
  }, 180_000)
})
