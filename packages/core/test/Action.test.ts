import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { Action, defaultRunbook } from "../src/index.js"

const decode = (input: unknown) =>
  Schema.decodeUnknownEither(Action.ActionRef)(input, { onExcessProperty: "error" })

describe("Action catalogue", () => {
  it("describes every action id once", () => {
    const ids = Action.catalogue.map((action) => action.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual([...Action.ActionId.literals].sort())
    expect(Action.find("docker.rm")).toBeUndefined()
  })

  it("automates the container restart and the restore check; the rest is guidance for a person", () => {
    expect(
      Action.catalogue.filter((action) => action.automated).map((action) => action.id),
    ).toEqual(["docker.restart", "postgres.restore-check"])
    expect(Action.find("docker.prune")?.seedCommand).toBe("docker system prune -f")
  })

  it("is what the default runbook's resolution steps refer to", () => {
    const referenced = defaultRunbook.playbooks.flatMap((playbook) =>
      playbook.resolution.flatMap((step) =>
        step.action === undefined ? [] : [step.action.action],
      ),
    )
    expect(new Set(referenced)).toEqual(new Set(Action.ActionId.literals))
  })
})

describe("Action.ActionRef", () => {
  it("needs the role of the container to restart", () => {
    expect(Either.isRight(decode({ action: "docker.restart", params: { role: "app" } }))).toBe(true)
    expect(Either.isLeft(decode({ action: "docker.restart" }))).toBe(true)
  })

  it("needs a positive whole number of replicas to scale to", () => {
    expect(
      Either.isRight(decode({ action: "compose.scale", params: { role: "app", replicas: 3 } })),
    ).toBe(true)
    expect(
      Either.isLeft(decode({ action: "compose.scale", params: { role: "app", replicas: 0 } })),
    ).toBe(true)
    expect(
      Either.isLeft(decode({ action: "compose.scale", params: { role: "app", replicas: 1.5 } })),
    ).toBe(true)
  })

  it("takes the guidance actions by id alone and rejects unknown ids", () => {
    expect(Either.isRight(decode({ action: "deploy.rollback" }))).toBe(true)
    expect(Either.isLeft(decode({ action: "deploy.rollforward" }))).toBe(true)
  })
})
