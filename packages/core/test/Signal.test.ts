import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { defaultRunbook, Probe, Signal, Symptom } from "../src/index.js"

const definition = (key: string) => {
  const found = Signal.vocabulary.find((entry) => entry.key === key)
  if (found === undefined) throw new Error(`no signal ${key}`)
  return found
}

describe("Signal vocabulary", () => {
  it("is versioned with a semantic version", () => {
    expect(Signal.vocabularyVersion).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it("defines each key once", () => {
    const keys = Signal.vocabulary.map((entry) => entry.key)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it("agrees with the probe catalogue on which probe produces which signal", () => {
    for (const probe of Probe.catalogue)
      for (const key of probe.signals) expect(definition(key).producedBy).toContain(probe.id)
    for (const entry of Signal.vocabulary)
      for (const id of entry.producedBy) expect(Probe.find(id)?.signals).toContain(entry.key)
  })

  it("has a producer for every signal but the ones a responder asserts", () => {
    const unproduced = Signal.vocabulary.filter((entry) => entry.producedBy.length === 0)
    expect(unproduced.map((entry) => entry.key)).toEqual(["manual.<flag>"])
  })

  it("covers every signal the default playbooks read", () => {
    const used = defaultRunbook.playbooks.flatMap((playbook) => [
      ...playbook.symptoms.flatMap((symptom) => Symptom.signalsOf(symptom.when)),
      ...playbook.severityRules.flatMap((rule) => Symptom.signalsOf(rule.when)),
    ])
    expect(used.length).toBeGreaterThan(30)
    expect(used.filter((key) => Signal.lookup(key) === undefined)).toEqual([])
  })
})

describe("Signal.lookup", () => {
  it("finds fixed keys and keys with a role, mount or flag filled in", () => {
    expect(Signal.lookup("api.error_ratio")?.type).toBe("ratio")
    expect(Signal.lookup("docker.container.app.running")?.key).toBe(
      "docker.container.<role>.running",
    )
    expect(Signal.lookup("docker.container.postgres-primary.oom_killed")?.type).toBe("boolean")
    expect(Signal.lookup("host.disk.root.used_ratio")?.key).toBe("host.disk.<mount>.used_ratio")
    expect(Signal.lookup("manual.customer-complaints")?.type).toBe("boolean")
  })

  it("does not take a prefix, a suffix or an empty placeholder for a key", () => {
    expect(Signal.lookup("api.error")).toBeUndefined()
    expect(Signal.lookup("api.error_ratio.5m")).toBeUndefined()
    expect(Signal.lookup("docker.container..running")).toBeUndefined()
    expect(Signal.lookup("docker.container.a.b.running")).toBeUndefined()
    expect(Signal.lookup("apixerror_ratio")).toBeUndefined()
  })
})

describe("Signal.accepts", () => {
  it("checks values against the signal's type", () => {
    expect(Signal.accepts(definition("http.health.reachable"), false)).toBe(true)
    expect(Signal.accepts(definition("http.health.reachable"), "false")).toBe(false)
    expect(Signal.accepts(definition("api.error_ratio"), 0.25)).toBe(true)
    expect(Signal.accepts(definition("api.error_ratio"), 1.5)).toBe(false)
    expect(Signal.accepts(definition("postgres.locks.waiting"), 3)).toBe(true)
    expect(Signal.accepts(definition("postgres.locks.waiting"), 2.5)).toBe(false)
    expect(Signal.accepts(definition("postgres.locks.waiting"), -1)).toBe(false)
    expect(Signal.accepts(definition("api.latency_p95_seconds"), 0.3)).toBe(true)
    expect(Signal.accepts(definition("api.latency_p95_seconds"), -0.3)).toBe(false)
    expect(Signal.accepts(definition("http.health.status_code"), 503)).toBe(true)
    expect(Signal.accepts(definition("http.health.status_code"), Number.NaN)).toBe(false)
    expect(Signal.accepts(definition("http.health.status"), "warn")).toBe(true)
    expect(Signal.accepts(definition("http.health.status"), "degraded")).toBe(false)
  })

  it("accepts every ratio between 0 and 1 and nothing outside", () => {
    const ratio = definition("api.error_ratio")
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (value) => {
        expect(Signal.accepts(ratio, value)).toBe(value >= 0 && value <= 1)
      }),
    )
  })
})

describe("Signal.key", () => {
  it("fills the placeholders of a key pattern", () => {
    expect(Signal.key("docker.container.<role>.running", { role: "app" })).toBe(
      "docker.container.app.running",
    )
    expect(Signal.key("host.disk.<mount>.used_ratio", {})).toBe("host.disk.<mount>.used_ratio")
  })

  it("gives keys that lookup maps back to their pattern", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Signal.vocabulary.filter((entry) => entry.key.includes("<"))),
        fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/),
        (entry, part) => {
          const concrete = Signal.key(entry.key, {
            role: part,
            mount: part,
            name: part,
            dir: part,
            flag: part,
          })
          expect(Signal.lookup(concrete)?.key).toBe(entry.key)
        },
      ),
    )
  })
})
