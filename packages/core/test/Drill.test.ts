import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  Drill,
  DrillResult,
  defaultRunbook,
  drill,
  Observation,
  type Runbook,
  Symptom,
  synthesizeObservations,
} from "../src/index.js"

const at = new Date("2026-11-28T10:00:00Z")
type Playbook = Runbook["playbooks"][number]

const withPlaybooks = (...playbooks: ReadonlyArray<Playbook>): Runbook => ({
  ...defaultRunbook,
  playbooks: [...defaultRunbook.playbooks, ...playbooks],
})

const playbook = (
  id: string,
  symptoms: ReadonlyArray<Symptom.Predicate>,
  extra: Partial<Playbook> = {},
): Playbook => ({
  id,
  title: id,
  defaultSeverity: "P2",
  severityRules: [],
  symptoms: symptoms.map((when, index) => ({
    id: `symptom-${index + 1}`,
    text: `Symptom ${index + 1}`,
    when,
    primary: true,
    origin: "symptom",
  })),
  immediateActions: [],
  investigation: [],
  resolution: [],
  commonCauses: [],
  postResolution: [],
  ...extra,
})

describe("drill", () => {
  for (const { id, defaultSeverity } of defaultRunbook.playbooks) {
    it(`passes for ${id}: top match at its default severity ${defaultSeverity}`, () => {
      const result = drill(defaultRunbook, id, at)
      expect(result.reasons).toEqual([
        expect.stringMatching(new RegExp(`^${id} is the top match \\(confidence \\d+%\\)$`)),
        `severity ${defaultSeverity} is the playbook's default`,
      ])
      expect(result.passed).toBe(true)
      expect(result.assessment.matches[0]?.playbook).toBe(id)
      expect(result.assessment.matches[0]?.status).toBe("matched")
      expect(result.assessment.severity).toBe(defaultSeverity)
      expect(result.expectedSeverity).toBe(defaultSeverity)
      expect(result.at).toBe(at)
    })
  }

  it("encodes to JSON and back", () => {
    const result = drill(defaultRunbook, "high-api-error-rate", at)
    const json = JSON.parse(JSON.stringify(Schema.encodeSync(DrillResult)(result)))
    expect(json.at).toBe("2026-11-28T10:00:00.000Z")
    expect(json.observations[0].at).toBe("2026-11-28T10:00:00.000Z")
    expect(Schema.decodeUnknownSync(DrillResult)(json)).toEqual(result)
  })

  it("fails, saying why, when another playbook outranks the drilled one", () => {
    const original = defaultRunbook.playbooks.find((p) => p.id === "high-api-error-rate")!
    const shadow: Playbook = { ...original, id: "shadow", title: "Shadow", defaultSeverity: "P0" }
    const result = drill(withPlaybooks(shadow), "high-api-error-rate", at)
    expect(result.passed).toBe(false)
    expect(result.reasons[0]).toBe(
      "shadow outranks high-api-error-rate (confidence 78%); high-api-error-rate ranks #2",
    )
    expect(result.reasons[1]).toMatch(/^severity is P0, expected P1/)
  })

  it("fails when the playbook's own symptoms raise its severity", () => {
    const condition = { signal: "postgres.reachable", op: "==" as const, value: false }
    const always = playbook("always-raised", [condition], {
      defaultSeverity: "P3",
      severityRules: [{ when: condition, severity: "P1", reason: "always" }],
    })
    const result = drill(withPlaybooks(always), "always-raised", at)
    expect(result.passed).toBe(false)
    expect(result.reasons).toContain(
      "severity is P1, expected P3 (Database Connectivity Issues: the playbook's default severity)",
    )
  })

  it("fails when nothing can show the playbook's symptoms", () => {
    const impossible = playbook("impossible", [{ signal: "api.error_ratio", op: ">", value: 1 }])
    const result = drill(withPlaybooks(impossible), "impossible", at)
    expect(result.observations).toEqual([])
    expect(result.passed).toBe(false)
    expect(result.reasons).toEqual([
      "no playbook matched the simulated impossible outage",
      "severity is undetermined, expected P2",
    ])
  })

  it("fails when the drilled playbook did not match at all", () => {
    // Its only symptom is secondary: it can never match on its own.
    const secondary: Playbook = {
      ...playbook("secondary-only", [{ signal: "postgres.reachable", op: "==", value: false }]),
    }
    const runbook = withPlaybooks({
      ...secondary,
      symptoms: secondary.symptoms.map((s) => ({ ...s, primary: false })),
    })
    const result = drill(runbook, "secondary-only", at)
    expect(result.passed).toBe(false)
    expect(result.reasons[0]).toBe(
      "database-connectivity outranks secondary-only (confidence 60%); secondary-only did not match",
    )
  })

  it("rejects an unknown playbook id, naming the known ones", () => {
    expect(() => drill(defaultRunbook, "sytem-down", at)).toThrow(Drill.DrillError)
    expect(() => synthesizeObservations(defaultRunbook, "sytem-down", at)).toThrow(
      'The runbook has no playbook "sytem-down"; expected one of: system-down, high-api-error-rate, model-inference-failures, database-connectivity, resource-exhaustion, data-pipeline-failures',
    )
  })
})

describe("synthesizeObservations", () => {
  it("stamps every observation with the drill time and source", () => {
    for (const { id } of defaultRunbook.playbooks) {
      const observations = synthesizeObservations(defaultRunbook, id, at)
      expect(observations.length).toBeGreaterThan(0)
      for (const observation of observations) {
        expect(observation.at).toBe(at)
        expect(observation.source).toBe(Drill.drillSource)
      }
    }
  })

  it("proves duration symptoms with an `over` window as long as the symptom asks", () => {
    const observations = synthesizeObservations(defaultRunbook, "high-api-error-rate", at)
    expect(observations.find((o) => o.signal === "api.error_ratio")).toEqual({
      signal: "api.error_ratio",
      value: 0.11,
      at,
      source: "drill",
      over: { seconds: 300, min: 0.11, max: 0.11 },
    })
  })

  it("shows secondary symptoms too, as a real outage would", () => {
    const observations = synthesizeObservations(defaultRunbook, "high-api-error-rate", at)
    expect(observations.map((o) => o.signal)).toEqual([
      "api.error_ratio",
      "api.latency_p95_seconds",
      "manual.customer-complaints",
    ])
  })

  it("stays between the warning and critical levels so severity rules do not fire", () => {
    const values = new Map(
      synthesizeObservations(defaultRunbook, "resource-exhaustion", at).map((o) => [
        o.signal,
        o.value,
      ]),
    )
    const { thresholds } = defaultRunbook
    const memory = values.get("host.memory.used_ratio") as number
    expect(memory).toBeGreaterThanOrEqual(thresholds["host.memory.used_ratio"]!.warn!)
    expect(memory).toBeLessThan(thresholds["host.memory.used_ratio"]!.critical)
    const restarts = values.get("docker.container.app.restart_count") as number
    expect(restarts).toBeLessThan(thresholds["container.restarts"]!.critical)
    expect(values.has("docker.container.app.oom_killed")).toBe(false)
    const age = values.get("data.processed.newest_age_seconds")
    expect(age).toBeUndefined()
  })

  it("falls back to the threshold itself when 10% beyond it would trip a severity rule", () => {
    const tight = playbook(
      "tight",
      [{ signal: "host.disk.max_used_ratio", op: ">=", value: 0.8 }],
      {
        severityRules: [
          {
            when: { signal: "host.disk.max_used_ratio", op: ">=", value: 0.85 },
            severity: "P1",
            reason: "disk nearly full",
          },
        ],
      },
    )
    const observations = synthesizeObservations(withPlaybooks(tight), "tight", at)
    expect(observations.map((o) => [o.signal, o.value])).toEqual([
      ["host.disk.max_used_ratio", 0.8],
    ])
  })

  it("makes every kind of predicate hold: not, all, atLeast, enums, comparisons below", () => {
    const symptoms: ReadonlyArray<Symptom.Predicate> = [
      { not: { signal: "http.health.reachable", op: "==", value: true } },
      { signal: "docker.container.postgres.state", op: "==", value: "exited" },
      { signal: "docker.container.app.health", op: "!=", value: "healthy" },
      { signal: "host.memory.available_ratio", op: "<", value: 0.1 },
      { signal: "host.memory.available_ratio", op: "<=", value: 0.2 },
      { signal: "postgres.connections.used", op: "!=", value: 0 },
      { signal: "http.health.status_code", op: "==", value: 503 },
      { signal: "host.load.per_core", op: "<", value: -2 },
      { signal: "custom.free_form", op: "!=", value: "ok" },
      { signal: "api.requests_per_second", op: ">", value: 0 },
      { signal: "host.swap.used_ratio", op: ">", value: 0.95 },
      {
        atLeast: 2,
        of: [
          { signal: "postgres.reachable", op: "==", value: false },
          { signal: "docker.container.postgres.running", op: "==", value: false },
          { signal: "logs.postgres.error_lines", op: ">", value: 3 },
        ],
      },
      {
        all: [
          { signal: "data.raw.file_count", op: "==", value: 0 },
          { not: { signal: "data.raw.exists", op: "==", value: false } },
        ],
      },
      {
        not: {
          any: [{ signal: "model.files.corrupt", op: ">", value: 0 }, { manual: "model-verified" }],
        },
      },
      { not: { all: [{ signal: "model.dir.exists", op: "==", value: true }] } },
      {
        not: {
          atLeast: 2,
          of: [
            { signal: "http.predict.ok", op: "==", value: true },
            { signal: "http.predict.reachable", op: "==", value: true },
            { signal: "http.predict.status_code", op: "<", value: 500 },
          ],
        },
      },
    ]
    const runbook = withPlaybooks(playbook("everything", symptoms))
    const observations = synthesizeObservations(runbook, "everything", at)
    const set = Observation.toSet(observations)
    const target = runbook.playbooks.find((p) => p.id === "everything")!
    for (const symptom of target.symptoms) {
      expect(
        Symptom.evaluate(symptom.when, set, runbook.thresholds).outcome,
        JSON.stringify(symptom.when),
      ).toBe("matched")
    }
    const value = (signal: string) => set.get(signal)?.value
    expect(value("http.health.reachable")).toBe(false)
    expect(value("docker.container.postgres.state")).toBe("exited")
    expect(value("docker.container.app.health")).toBe("none")
    expect(value("host.memory.available_ratio")).toBe(0.09)
    expect(value("custom.free_form")).toBe("not-ok")
    expect(value("host.swap.used_ratio")).toBe(0.975)
    expect(value("manual.model-verified")).toBe(false)
  })

  it("leaves out a secondary symptom it cannot show without breaking a primary one", () => {
    const contradicting: Playbook = {
      ...playbook("contradicting", [
        { signal: "postgres.reachable", op: "==", value: false },
        { signal: "postgres.reachable", op: "==", value: true },
      ]),
    }
    const runbook = withPlaybooks({
      ...contradicting,
      symptoms: contradicting.symptoms.map((s, index) => ({ ...s, primary: index === 0 })),
    })
    expect(
      synthesizeObservations(runbook, "contradicting", at).map((o) => [o.signal, o.value]),
    ).toEqual([["postgres.reachable", false]])
  })

  it("skips conditions on undefined thresholds and unsatisfiable comparisons", () => {
    const odd = playbook("odd", [
      { signal: "api.error_ratio", op: ">", value: { threshold: "no-such", level: "critical" } },
      { signal: "http.health.reachable", op: ">", value: true },
      { signal: "docker.container.app.state", op: "<", value: "running" },
      { signal: "docker.container.app.uptime_seconds", op: "<", value: 0 },
      { signal: "postgres.reachable", op: "==", value: false },
    ])
    const observations = synthesizeObservations(withPlaybooks(odd), "odd", at)
    expect(observations.map((o) => o.signal)).toEqual(["postgres.reachable"])
  })
})
