// Every argument and option of every command says, in its own words, what it is for.
import { describe, expect, it } from "vitest"
import { CliReference } from "../src/index.js"
import { ir } from "./harness.js"

describe("the help of every command", () => {
  const parameters = CliReference.parameters()

  it("walks the whole command tree", () => {
    const commands = new Set(parameters.map((parameter) => parameter.command))
    for (const path of CliReference.commandPaths()) {
      if (
        [
          "ir playbook",
          "ir runbook",
          "ir alerts",
          "ir config",
          "ir incident",
          "ir followup",
          "ir notify",
          "ir action",
          "ir maintenance",
        ].includes(path)
      )
        continue
      expect(commands, path).toContain(path)
    }
  })

  it("describes every argument and option beyond effect/cli's generic words", () => {
    const undescribed = parameters
      .filter((parameter) => parameter.description === "")
      .map((parameter) => `${parameter.command}: ${parameter.kind} ${parameter.name}`)
    expect(undescribed).toEqual([])
  })

  it("never gives two parameters of one command the same description", () => {
    const repeated: Array<string> = []
    const seen = new Map<string, string>()
    for (const parameter of parameters) {
      const key = `${parameter.command}\\0${parameter.description}`
      const other = seen.get(key)
      if (other !== undefined) repeated.push(`${parameter.command}: ${other} and ${parameter.name}`)
      seen.set(key, parameter.name)
    }
    expect(repeated).toEqual([])
  })

  it("prints no type sentence in place of a description in any command's --help", async () => {
    const generic =
      /^\s*(A user-defined piece of text\.|A file\.|A true or false value\.|A file system path\.|An integer\.|A directory\.)\s*$/m
    for (const path of CliReference.commandPaths()) {
      const argv = [...path.split(" ").slice(1), "--help"]
      const help = await ir(argv)
      expect(help.code, path).toBe(0)
      expect(help.stdout, path).toContain(`$ ${path}`)
      expect(help.stdout, path).not.toMatch(generic)
    }
  })

  it("says what ir playbook list prints: symptoms with -v", async () => {
    const help = await ir(["playbook", "list", "--help"])
    expect(help.stdout).toMatch(/with -v .*symptoms/)
    const plain = await ir(["playbook", "list"])
    expect(plain.stdout).not.toContain("Health check endpoint unreachable")
    const verbose = await ir(["playbook", "list", "-v"])
    expect(verbose.stdout).toContain("Health check endpoint unreachable")
  })
})
