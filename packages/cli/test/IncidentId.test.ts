// The incident id is taken the same way by every command that acts on one: positionally, or
// with --incident.
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { type CliRun, ir, tempDir } from "./harness.js"

const dir = tempDir("ir-cli-incident-id-")
afterAll(() => dir.remove())
const run = (argv: ReadonlyArray<string>) =>
  ir(argv, { cwd: dir.path, env: { USER: "carol", IR_NOW: "2026-11-28T10:00:00Z" } })
const expectCode = (result: CliRun, code: number) =>
  expect(result.code, `exit ${result.code}\n${result.stdout}\n${result.stderr}`).toBe(code)

beforeAll(async () => {
  writeFileSync(
    join(dir.path, "ir.config.yaml"),
    stringify({
      journal: { dir: "journal" },
      notify: {
        channels: [
          { id: "incidents", kind: "slack", webhookUrl: "http://127.0.0.1:9/services/T/B/x" },
        ],
        retries: 0,
      },
    }),
  )
  // Two open incidents: a command that is not told which one refuses to guess.
  expectCode(await run(["incident", "open", "--severity", "P2", "--title", "Disk filling"]), 0)
  expectCode(await run(["incident", "open", "--severity", "P3", "--title", "Stale data"]), 0)
})

describe("the incident id", () => {
  const commands: ReadonlyArray<ReadonlyArray<string>> = [
    ["incident", "show"],
    ["incident", "timeline"],
    ["notify", "initial", "--dry-run"],
    ["escalate"],
    ["action", "restart", "app"],
  ]

  it.each(commands)("is taken positionally and with --incident: ir %s …", async (...argv) => {
    const positional = await run([...argv, "INC-2026-0001"])
    expect(positional.stderr).not.toMatch(/unknown argument|name one/i)
    const flag = await run([...argv, "--incident", "INC-2026-0001"])
    expect(flag.stderr).not.toMatch(/unknown argument|name one/i)
    expect(positional.code).toBe(flag.code)
    expect(positional.stdout).toBe(flag.stdout)
    // ir action restart with no Docker Engine stops after taking the incident.
    expect(positional.stdout + positional.stderr).toMatch(/INC-2026-0001|no Docker Engine/)
  })

  it("names the incident it could not find, either way", async () => {
    for (const argv of [
      ["notify", "initial", "INC-2026-0099", "--dry-run"],
      ["incident", "show", "--incident", "INC-2026-0099"],
      ["postmortem", "--incident", "INC-2026-0099"],
    ]) {
      const result = await run(argv)
      expectCode(result, 2)
      expect(result.stderr).toMatch(/no incident INC-2026-0099/)
    }
  })

  it("refuses two different ids, and a post-mortem of no incident", async () => {
    const both = await run(["incident", "show", "INC-2026-0001", "--incident", "INC-2026-0002"])
    expectCode(both, 2)
    expect(both.stderr).toMatch(/two incidents given: INC-2026-0001 and --incident INC-2026-0002/)
    const none = await run(["postmortem"])
    expectCode(none, 2)
    expect(none.stderr).toMatch(/name the resolved incident/)
    const postmortem = await run(["postmortem", "--incident", "INC-2026-0001"])
    expectCode(postmortem, 2)
    expect(postmortem.stderr).toMatch(/not resolved yet/)
  })
})
