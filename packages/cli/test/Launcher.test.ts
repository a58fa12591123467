// The committed `ir` executable (bin/ir.cjs): it runs the built launcher, and before the build it
// says what to do instead of failing with a stack trace.
import { execFile } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { binPath } from "./scenarios.js"

const run = promisify(execFile)
const unbuilt = mkdtempSync(join(tmpdir(), "ir-launcher-"))
mkdirSync(join(unbuilt, "bin"))
copyFileSync(binPath, join(unbuilt, "bin", "ir.cjs"))
afterAll(() => rmSync(unbuilt, { recursive: true, force: true }))

const ir = (launcher: string, args: ReadonlyArray<string>) =>
  run(process.execPath, [launcher, ...args], { encoding: "utf8" }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )

describe("the ir executable", () => {
  it("before the build, says to run `npm run build` and exits as a configuration error", async () => {
    const result = await ir(join(unbuilt, "bin", "ir.cjs"), ["triage"])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain("@ir/cli is not built")
    expect(result.stderr).toContain(join(unbuilt, "dist", "bin.cjs"))
    expect(result.stderr).toContain("npm run build")
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it("before the build, exits UNKNOWN (3) for `ir check`, as a Nagios plugin must", async () => {
    const result = await ir(join(unbuilt, "bin", "ir.cjs"), ["check", "host.disk"])
    expect(result.code).toBe(3)
    expect(result.stderr).toContain("@ir/cli is not built")
  })

  it("runs the built program with the arguments it was given", async () => {
    const result = await ir(binPath, ["--version"])
    expect(result).toMatchObject({ code: 0, stderr: "" })
    expect(result.stdout.trim()).toMatch(/\d+\.\d+\.\d+/)
  })
})
