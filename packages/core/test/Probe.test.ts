import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { defaultRunbook, Probe, type Step } from "../src/index.js"

const steps: ReadonlyArray<Step> = [
  ...defaultRunbook.playbooks.flatMap((playbook) => [
    ...playbook.immediateActions,
    ...playbook.investigation,
    ...playbook.resolution,
    ...playbook.postResolution,
  ]),
  ...defaultRunbook.logs,
  ...defaultRunbook.usefulCommands.flatMap((group) => group.steps),
  ...defaultRunbook.logSearches,
  ...defaultRunbook.recoveryScripts,
]

const decode = (input: unknown) =>
  Schema.decodeUnknownEither(Probe.ProbeRef)(input, { onExcessProperty: "error" })

describe("Probe catalogue", () => {
  it("describes every probe id once", () => {
    const ids = Probe.catalogue.map((probe) => probe.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual([...Probe.ProbeId.literals].sort())
  })

  it("finds a probe with the seed command it replaces", () => {
    expect(Probe.find("postgres.locks")?.seedCommand).toBe(
      "SELECT * FROM pg_locks WHERE NOT granted;",
    )
    expect(Probe.find("docker.containers")?.seedCommand).toBe("docker-compose ps")
    expect(Probe.find("no.such.probe")).toBeUndefined()
  })

  it("has every probe produce at least one signal", () => {
    for (const probe of Probe.catalogue) expect(probe.signals.length, probe.id).toBeGreaterThan(0)
  })

  it("is what the default runbook's steps refer to", () => {
    const referenced = steps.flatMap((step) => (step.probe === undefined ? [] : [step.probe.probe]))
    expect(referenced.length).toBeGreaterThan(20)
    for (const id of referenced) expect(Probe.find(id), id).toBeDefined()
  })
})

describe("Probe.ProbeRef", () => {
  it("takes a log probe with a container role and optional tail, window and pattern", () => {
    const ref = {
      probe: "docker.logs",
      params: { role: "app", tail: 50, since: "30m", pattern: "errors" },
    }
    expect(Either.getOrThrow(decode(ref))).toEqual(ref)
    expect(Either.isLeft(decode({ probe: "docker.logs", params: {} }))).toBe(true)
    expect(Either.isLeft(decode({ probe: "docker.logs", params: { role: "app", tail: 0 } }))).toBe(
      true,
    )
    expect(
      Either.isLeft(decode({ probe: "docker.logs", params: { role: "app", since: "30 min" } })),
    ).toBe(true)
    expect(
      Either.isLeft(decode({ probe: "docker.logs", params: { role: "app", pattern: "warnings" } })),
    ).toBe(true)
  })

  it("takes a named PromQL query", () => {
    const ref = { probe: "prometheus.query", params: { name: "Error rate", query: "up" } }
    expect(Either.getOrThrow(decode(ref))).toEqual(ref)
    expect(Either.isLeft(decode({ probe: "prometheus.query" }))).toBe(true)
  })

  it("takes container and data probes with or without parameters", () => {
    expect(Either.isRight(decode({ probe: "docker.containers" }))).toBe(true)
    expect(Either.isRight(decode({ probe: "docker.stats", params: { role: "postgres" } }))).toBe(
      true,
    )
    expect(Either.isRight(decode({ probe: "files.data", params: { dirs: ["data/raw"] } }))).toBe(
      true,
    )
  })

  it("takes the other probes by id alone and rejects unknown ids", () => {
    expect(Either.isRight(decode({ probe: "postgres.locks" }))).toBe(true)
    expect(Either.isLeft(decode({ probe: "postgres.locks", params: { table: "x" } }))).toBe(true)
    expect(Either.isLeft(decode({ probe: "postgres.lockz" }))).toBe(true)
  })
})
