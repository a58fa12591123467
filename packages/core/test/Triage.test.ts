import { Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  Assessment,
  defaultRunbook,
  findSeverity,
  Observation,
  type Runbook,
  type SeverityLevel,
  Signal,
  type Symptom,
  Triage,
  triage,
} from "../src/index.js"

const at = new Date("2026-11-28T10:00:00Z")
type Value = boolean | number | string
type Obs = Observation.Observation

const observe = (values: Readonly<Record<string, Value>>): ReadonlyArray<Obs> =>
  Observation.fromRecord(values, at, "test")

/** A value the probe saw held for `seconds` between `min` and `max`. */
const sustained = (
  signal: string,
  value: number,
  seconds: number,
  min = value,
  max = value,
): Obs => ({ signal, value, at, source: "test", over: { seconds, min, max } })

const topOf = (observations: Iterable<Obs>) => triage(defaultRunbook, observations).matches[0]

/** What each default playbook's own symptoms look like, all of them at once. */
const outages: Readonly<Record<string, ReadonlyArray<Obs>>> = {
  "system-down": [
    ...observe({
      "http.health.reachable": false,
      "prometheus.metrics.present": false,
      "docker.container.app.running": false,
    }),
    sustained("api.error_ratio", 1, 900),
  ],
  "high-api-error-rate": [
    sustained("api.error_ratio", 0.25, 600, 0.18, 0.31),
    ...observe({ "api.latency_p95_seconds": 2.4, "manual.customer-complaints": true }),
  ],
  "model-inference-failures": observe({
    "http.predict.ok": false,
    "model.reconstruction_error": 3.2,
    "model.files.missing": 2,
  }),
  "database-connectivity": observe({
    "postgres.reachable": false,
    "logs.app.connection_lines": 12,
    "postgres.locks.waiting": 7,
    "postgres.latency_seconds": 2.5,
    "postgres.backup.newest_age_seconds": 200_000,
  }),
  "resource-exhaustion": observe({
    "host.memory.used_ratio": 0.9,
    "docker.container.app.restart_count": 2,
    "host.disk.max_used_ratio": 0.85,
    "host.load.per_core": 3.5,
  }),
  "data-pipeline-failures": observe({
    "data.processed.newest_age_seconds": 3600,
    "logs.app.data_lines": 4,
    "data.raw.exists": false,
    "backups.stale_count": 1,
  }),
}

/** Each primary symptom of each default playbook, shown on its own. */
const singleSymptoms: ReadonlyArray<readonly [string, string, ReadonlyArray<Obs>]> = [
  ["system-down", "all-endpoints-5xx", observe({ "api.error_ratio": 1 })],
  ["system-down", "all-endpoints-5xx", [sustained("api.error_ratio", 1, 600)]],
  ["system-down", "no-metrics", observe({ "prometheus.metrics.present": false })],
  ["system-down", "no-metrics", observe({ "prometheus.targets.up_ratio": 0 })],
  ["system-down", "health-unreachable", observe({ "http.health.reachable": false })],
  ["high-api-error-rate", "error-rate", [sustained("api.error_ratio", 0.25, 600, 0.2, 0.3)]],
  ["model-inference-failures", "predict-errors", observe({ "http.predict.ok": false })],
  [
    "model-inference-failures",
    "reconstruction-errors",
    observe({ "model.reconstruction_error": 2.5 }),
  ],
  ["model-inference-failures", "model-loading", observe({ "model.files.missing": 2 })],
  ["database-connectivity", "connection-timeouts", observe({ "postgres.reachable": false })],
  ["database-connectivity", "queries-failing", observe({ "postgres.locks.waiting": 7 })],
  ["resource-exhaustion", "out-of-memory", observe({ "host.memory.used_ratio": 0.9 })],
  [
    "resource-exhaustion",
    "container-restarts",
    observe({ "docker.container.app.restart_count": 2 }),
  ],
  ["resource-exhaustion", "disk-full", observe({ "host.disk.max_used_ratio": 0.85 })],
  ["data-pipeline-failures", "no-new-data", observe({ "data.processed.newest_age_seconds": 3600 })],
  ["data-pipeline-failures", "missing-files", observe({ "data.raw.exists": false })],
  ["data-pipeline-failures", "backup-stale", observe({ "backups.stale_count": 2 })],
  [
    "data-pipeline-failures",
    "backup-stale",
    observe({ "postgres.backup.newest_age_seconds": 30 * 3600 }),
  ],
  ["data-pipeline-failures", "backup-stale", observe({ "postgres.wal_archive.failing": true })],
]

describe("triage: each default playbook is recognised by its own symptoms", () => {
  it("covers the six playbooks of the seed", () => {
    expect(Object.keys(outages)).toEqual(defaultRunbook.playbooks.map((playbook) => playbook.id))
  })

  for (const [id, observations] of Object.entries(outages)) {
    it(`${id} is the top match, matched, for its own symptoms`, () => {
      const assessment = triage(defaultRunbook, observations)
      const top = assessment.matches[0]
      expect(top?.playbook).toBe(id)
      expect(top?.status).toBe("matched")
      expect(top?.unevaluated).toEqual([])
      const playbook = defaultRunbook.playbooks.find((candidate) => candidate.id === id)
      expect(top?.symptoms.map((symptom) => symptom.id)).toEqual(
        playbook?.symptoms.map((symptom) => symptom.id),
      )
      expect(top?.symptoms.every((symptom) => symptom.outcome === "matched")).toBe(true)
    })

    it(`${id} does not match, or ranks below, for the other playbooks' symptoms`, () => {
      for (const [other, observations] of Object.entries(outages)) {
        if (other === id) continue
        const ranked = triage(defaultRunbook, observations).matches.map((m) => m.playbook)
        expect(ranked[0], `${other}'s symptoms`).toBe(other)
        const position = ranked.indexOf(id)
        expect(position === -1 || position > ranked.indexOf(other)).toBe(true)
      }
    })
  }

  for (const [id, symptom, observations] of singleSymptoms) {
    it(`${id} is the top match on "${symptom}" alone`, () => {
      const top = topOf(observations)
      expect(top?.playbook).toBe(id)
      expect(top?.symptoms.find((s) => s.id === symptom)?.outcome).toBe("matched")
    })
  }

  it("takes a stale backup for the data playbook (P2), not for a database outage (P1)", () => {
    const assessment = triage(
      defaultRunbook,
      observe({
        "postgres.backup.newest_age_seconds": 60 * 3600,
        "postgres.backup.count": 3,
        "postgres.wal_archive.failing": false,
      }),
    )
    expect(assessment.matches.map((match) => match.playbook)).toEqual(["data-pipeline-failures"])
    expect(assessment.severity).toBe("P2")
    const fresh = triage(
      defaultRunbook,
      observe({ "postgres.backup.newest_age_seconds": 3600, "backups.stale_count": 0 }),
    )
    expect(fresh.matches).toEqual([])
  })

  it("ranks system-down above high-api-error-rate when the whole system is down", () => {
    const assessment = triage(defaultRunbook, [
      sustained("api.error_ratio", 1, 900),
      ...observe({
        "http.health.reachable": false,
        "api.latency_p95_seconds": 5,
        "http.predict.ok": false,
        "manual.customer-complaints": true,
      }),
    ])
    const ranked = assessment.matches.map((match) => match.playbook)
    expect(ranked[0]).toBe("system-down")
    expect(ranked).toContain("high-api-error-rate")
    expect(ranked.indexOf("high-api-error-rate")).toBeGreaterThan(0)
    expect(assessment.severity).toBe("P0")
  })

  it("gives the top match's immediate actions, investigation and resolution steps, in order", () => {
    const assessment = triage(defaultRunbook, outages["system-down"] ?? [])
    const kinds = assessment.nextSteps.map((step) => step.kind)
    expect(kinds.indexOf("investigation")).toBeGreaterThan(kinds.lastIndexOf("immediate"))
    expect(kinds.indexOf("resolution")).toBeGreaterThan(kinds.lastIndexOf("investigation"))
    expect(assessment.nextSteps[0]?.step.text).toBe(
      "Check if it's a planned maintenance (check calendar)",
    )
    expect(assessment.nextSteps.filter((s) => s.kind === "resolution")[0]?.step.action).toEqual({
      action: "docker.restart",
      params: { role: "app" },
    })
    expect(new Set(assessment.nextSteps.map((step) => step.playbook))).toEqual(
      new Set(["system-down"]),
    )
  })
})

describe("triage: the seed's severity examples map to their levels", () => {
  const examples: ReadonlyArray<{
    readonly example: string
    readonly level: SeverityLevel
    readonly via?: string
    readonly observations: ReadonlyArray<Obs>
  }> = [
    {
      example: "System completely down",
      level: "P0",
      via: "system-down",
      observations: outages["system-down"] ?? [],
    },
    {
      example: "data loss",
      level: "P0",
      via: "data-pipeline-failures",
      observations: [
        ...(outages["data-pipeline-failures"] ?? []),
        ...observe({ "manual.data-loss": true }),
      ],
    },
    {
      example: "security breach",
      level: "P0",
      observations: observe({ "manual.security-suspected": true }),
    },
    {
      example: "High error rate",
      level: "P1",
      via: "high-api-error-rate",
      observations: [sustained("api.error_ratio", 0.25, 600, 0.2, 0.3)],
    },
    {
      example: "partial outage",
      level: "P1",
      via: "model-inference-failures",
      observations: observe({ "http.health.reachable": true, "http.predict.ok": false }),
    },
    {
      example: "warning thresholds exceeded",
      level: "P2",
      via: "resource-exhaustion",
      // Between the warn (0.85) and critical (0.95) levels of host memory.
      observations: observe({ "host.memory.used_ratio": 0.9 }),
    },
  ]

  for (const { example, level, via, observations } of examples) {
    it(`"${example}" is ${level}${via === undefined ? "" : ` via ${via}`}`, () => {
      expect(findSeverity(defaultRunbook.severities, level)?.examples).toContain(example)
      const assessment = triage(defaultRunbook, observations)
      expect(assessment.severity).toBe(level)
      expect(assessment.response?.level).toBe(level)
      if (via !== undefined) expect(assessment.matches[0]?.playbook).toBe(via)
      const definition = findSeverity(defaultRunbook.severities, level)
      expect(assessment.response?.responseTimeText).toBe(definition?.responseTimeText)
      expect(assessment.response?.raiseText).toBe(definition?.raiseText)
    })
  }

  it("answers P0 with a page within 15 minutes and P1 with Slack and e-mail within the hour", () => {
    const down = triage(defaultRunbook, outages["system-down"] ?? [])
    expect(down.response).toMatchObject({
      responseTime: { minutes: 15 },
      responseTimeText: "15 minutes",
      raise: ["page"],
      raiseText: "Immediate page to on-call engineer",
      updateEveryMinutes: 30,
    })
    const errors = triage(defaultRunbook, outages["high-api-error-rate"] ?? [])
    expect(errors.response).toMatchObject({
      responseTimeText: "1 hour",
      raise: ["slack", "email"],
      updateEveryMinutes: 60,
    })
  })

  it("raises data loss to P0 through the policy's immediate escalation rule, with the reason", () => {
    const assessment = triage(defaultRunbook, [
      ...(outages["data-pipeline-failures"] ?? []),
      ...observe({ "manual.data-loss": true }),
    ])
    expect(assessment.matches[0]?.severity).toBe("P2")
    expect(assessment.severity).toBe("P0")
    expect(assessment.severityReason).toContain("Data loss confirmed")
    expect(assessment.escalations).toEqual([
      { rule: "data-loss", flag: "data-loss", text: "Data loss confirmed", phase: "immediate" },
    ])
    expect(assessment.response?.raiseText).toBe("Immediate page to on-call engineer")
  })

  it("lifts resource exhaustion to P1 past a critical threshold, by the playbook's severity rule", () => {
    const assessment = triage(defaultRunbook, observe({ "host.memory.used_ratio": 0.97 }))
    const top = assessment.matches[0]
    expect(top?.playbook).toBe("resource-exhaustion")
    expect(top?.defaultSeverity).toBe("P2")
    expect(top?.severity).toBe("P1")
    expect(top?.severityReason).toBe("a critical resource threshold is exceeded")
    expect(top?.severityEvidence.some((e) => e.signal === "host.memory.used_ratio")).toBe(true)
    expect(assessment.severity).toBe("P1")
    expect(assessment.severityReason).toBe(
      "Memory/Resource Exhaustion: a critical resource threshold is exceeded",
    )
  })

  it("takes the highest severity over every matched playbook", () => {
    const assessment = triage(defaultRunbook, [
      ...(outages["resource-exhaustion"] ?? []),
      ...observe({ "http.health.reachable": false }),
    ])
    expect(assessment.matches.map((m) => m.playbook)).toEqual([
      "resource-exhaustion",
      "system-down",
    ])
    expect(assessment.severity).toBe("P0")
    expect(assessment.severityReason).toBe(
      "System Completely Down: the playbook's default severity",
    )
    // Next steps follow the top match, not the most severe one.
    expect(assessment.nextSteps[0]?.playbook).toBe("resource-exhaustion")
  })

  it("surfaces escalation flags only for the severities their rule names", () => {
    const flags = { "manual.customer-impact-increasing": true }
    const p1 = triage(defaultRunbook, [
      ...(outages["high-api-error-rate"] ?? []),
      ...observe(flags),
    ])
    expect(p1.severity).toBe("P1")
    expect(p1.escalations.map((e) => [e.rule, e.phase])).toEqual([
      ["customer-impact-increasing", "after-initial-response"],
    ])
    const p2 = triage(defaultRunbook, [
      ...(outages["data-pipeline-failures"] ?? []),
      ...observe(flags),
    ])
    expect(p2.severity).toBe("P2")
    expect(p2.escalations).toEqual([])
  })
})

describe("triage: missing data is unknown, never a match", () => {
  it("matches nothing and sets no severity without observations", () => {
    const assessment = triage(defaultRunbook, [])
    expect(assessment.matches).toEqual([])
    expect(assessment.severity).toBeUndefined()
    expect(assessment.response).toBeUndefined()
    expect(assessment.nextSteps).toEqual([])
    expect(assessment.observedAt).toBeUndefined()
    expect(assessment.suggestedFlags).toEqual([])
    expect(Triage.headline(assessment)).toBe("No playbook matched")
  })

  it("matches nothing when every observed signal is healthy", () => {
    const assessment = triage(
      defaultRunbook,
      observe({
        "http.health.reachable": true,
        "http.predict.ok": true,
        "postgres.reachable": true,
        "host.memory.used_ratio": 0.4,
        "api.error_ratio": 0.001,
      }),
    )
    expect(assessment.matches).toEqual([])
    expect(assessment.severity).toBeUndefined()
  })

  it("reports symptoms on unobserved signals as unknown, with the reason", () => {
    const top = topOf(observe({ "http.health.reachable": false }))
    expect(top?.playbook).toBe("system-down")
    expect(top?.unevaluated).toEqual(["all-endpoints-5xx", "no-metrics", "app-container-down"])
    const noMetrics = top?.symptoms.find((symptom) => symptom.id === "no-metrics")
    expect(noMetrics?.outcome).toBe("unknown")
    expect(noMetrics?.evidence).toEqual([
      {
        signal: "prometheus.metrics.present",
        op: "==",
        expected: false,
        outcome: "unknown",
        reason: "not observed",
      },
      {
        signal: "prometheus.targets.up_ratio",
        op: "==",
        expected: 0,
        outcome: "unknown",
        reason: "not observed",
      },
    ])
    const health = top?.symptoms.find((symptom) => symptom.id === "health-unreachable")
    expect(health?.evidence).toEqual([
      {
        signal: "http.health.reachable",
        op: "==",
        expected: false,
        observed: false,
        outcome: "matched",
        observedAt: at,
      },
    ])
  })

  it("does not match a playbook on secondary symptoms alone", () => {
    const assessment = triage(
      defaultRunbook,
      observe({ "api.latency_p95_seconds": 4, "manual.customer-complaints": true }),
    )
    expect(assessment.matches).toEqual([])
  })

  it("treats an unasserted manual flag as missing data and suggests asserting it", () => {
    const assessment = triage(defaultRunbook, [sustained("api.error_ratio", 0.3, 600)])
    const top = assessment.matches[0]
    const complaints = top?.symptoms.find((symptom) => symptom.id === "customer-complaints")
    expect(complaints?.outcome).toBe("unknown")
    expect(complaints?.evidence[0]).toMatchObject({
      signal: "manual.customer-complaints",
      op: "asserted",
      reason: "not asserted by a responder",
    })
    expect(top?.unevaluated).toContain("customer-complaints")
    expect(assessment.suggestedFlags).toContainEqual({
      flag: "customer-complaints",
      signal: "manual.customer-complaints",
      text: "Customer complaints",
      effect: "symptom",
      playbooks: ["high-api-error-rate"],
    })
    expect(assessment.suggestedFlags.map((s) => s.flag)).toEqual(
      expect.arrayContaining(["data-loss", "security-suspected", "planned-maintenance"]),
    )
    // Asserting it sharpens the assessment; denying it answers the question.
    const asserted = triage(defaultRunbook, [
      sustained("api.error_ratio", 0.3, 600),
      ...observe({ "manual.customer-complaints": true }),
    ])
    expect(asserted.matches[0]?.confidence).toBeGreaterThan(top?.confidence ?? 1)
    expect(asserted.assertedFlags).toEqual(["customer-complaints"])
    const denied = triage(defaultRunbook, [
      sustained("api.error_ratio", 0.3, 600),
      ...observe({ "manual.customer-complaints": false }),
    ])
    expect(denied.matches[0]?.symptoms.find((s) => s.id === "customer-complaints")?.outcome).toBe(
      "not-matched",
    )
    expect(denied.suggestedFlags.map((s) => s.flag)).not.toContain("customer-complaints")
  })

  it("suggests flags of severity rules", () => {
    const runbook: Runbook = {
      ...defaultRunbook,
      playbooks: defaultRunbook.playbooks.map((playbook) =>
        playbook.id === "data-pipeline-failures"
          ? {
              ...playbook,
              severityRules: [
                { when: { manual: "data-loss" }, severity: "P0", reason: "Data loss confirmed" },
                ...playbook.severityRules,
              ],
            }
          : playbook,
      ),
    }
    const assessment = triage(runbook, observe({ "data.raw.exists": false }))
    expect(assessment.suggestedFlags.find((s) => s.flag === "data-loss")).toEqual({
      flag: "data-loss",
      signal: "manual.data-loss",
      text: "Data loss confirmed",
      effect: "severity",
      playbooks: ["data-pipeline-failures"],
    })
  })
})

describe("triage: manual flags inside combinators", () => {
  it("lists a flag once for every listed playbook that reads it, wherever it sits", () => {
    const custom = (id: string, when: Symptom.Predicate): Runbook["playbooks"][number] => ({
      id,
      title: id,
      defaultSeverity: "P2",
      severityRules: [],
      symptoms: [
        {
          id: "down",
          text: "Database down",
          when: { signal: "postgres.reachable", op: "==", value: false },
          primary: true,
          origin: "symptom",
        },
        { id: "reported", text: "Users report it", when, primary: false, origin: "symptom" },
      ],
      immediateActions: [],
      investigation: [],
      resolution: [],
      commonCauses: [],
      postResolution: [],
    })
    const runbook: Runbook = {
      ...defaultRunbook,
      playbooks: [
        custom("first", { atLeast: 1, of: [{ manual: "users-report" }] }),
        custom("second", { not: { not: { manual: "users-report" } } }),
        custom("third", { all: [{ manual: "users-report" }] }),
      ],
    }
    const assessment = triage(runbook, observe({ "postgres.reachable": false }))
    const reported = assessment.matches.map((m) => m.symptoms.find((s) => s.id === "reported"))
    expect(reported.map((s) => s?.outcome)).toEqual(["unknown", "unknown", "unknown"])
    expect(assessment.suggestedFlags.find((s) => s.flag === "users-report")?.playbooks).toEqual([
      "first",
      "second",
      "third",
    ])
    const asserted = triage(
      runbook,
      observe({ "postgres.reachable": false, "manual.users-report": true }),
    )
    expect(asserted.matches.every((m) => m.confidence === 0.7)).toBe(true)
  })
})

describe("triage: signals outside the vocabulary", () => {
  it("reports unknown signal keys and never uses them", () => {
    const assessment = triage(
      defaultRunbook,
      observe({ "http.health.reachble": false, "custom.queue_depth": 9000 }),
    )
    expect(assessment.matches).toEqual([])
    expect(assessment.unknownSignals).toEqual([
      { signal: "http.health.reachble", value: false, source: "test" },
      { signal: "custom.queue_depth", value: 9000, source: "test" },
    ])
    expect(assessment.notices.join(" ")).toContain("2 observed signal(s) are not in the vocabulary")
    expect(Triage.headline(assessment)).toBe("No playbook matched (2 observation(s) ignored)")
  })

  it("knows the signals a team's own playbooks read", () => {
    const runbook: Runbook = {
      ...defaultRunbook,
      playbooks: [
        ...defaultRunbook.playbooks,
        {
          id: "queue-backlog",
          title: "Queue Backlog",
          defaultSeverity: "P3",
          severityRules: [],
          symptoms: [
            {
              id: "deep-queue",
              text: "Queue deeper than 1000",
              when: { signal: "custom.queue_depth", op: ">", value: 1000 },
              primary: true,
              origin: "symptom",
            },
          ],
          immediateActions: [],
          investigation: [],
          resolution: [{ text: "Scale the consumers" }],
          commonCauses: [],
          postResolution: [],
        },
      ],
    }
    const assessment = triage(runbook, observe({ "custom.queue_depth": 9000 }))
    expect(assessment.unknownSignals).toEqual([])
    expect(assessment.matches[0]?.playbook).toBe("queue-backlog")
    expect(assessment.severity).toBe("P3")
    expect(assessment.response?.responseTime).toEqual({ businessDays: 1 })
    expect(assessment.nextSteps).toEqual([
      { kind: "resolution", playbook: "queue-backlog", step: { text: "Scale the consumers" } },
    ])
  })

  it("rejects values that do not fit the signal's type, and says so in the evidence", () => {
    const assessment = triage(
      defaultRunbook,
      observe({
        "api.error_ratio": 2,
        "docker.container.app.restart_count": 1.5,
        "manual.customer-complaints": "yes",
        "http.health.reachable": false,
      }),
    )
    expect(assessment.rejectedObservations).toEqual([
      { signal: "api.error_ratio", value: 2, reason: "expected a ratio between 0 and 1" },
      {
        signal: "docker.container.app.restart_count",
        value: 1.5,
        reason: "expected a whole number of at least 0",
      },
      { signal: "manual.customer-complaints", value: "yes", reason: "expected a boolean" },
    ])
    const fiveXx = assessment.matches[0]?.symptoms.find((s) => s.id === "all-endpoints-5xx")
    expect(fiveXx?.outcome).toBe("unknown")
    expect(fiveXx?.evidence[0]?.reason).toBe(
      "observed 2, rejected: expected a ratio between 0 and 1",
    )
    expect(assessment.assertedFlags).toEqual([])
    expect(assessment.notices.join(" ")).toContain("3 observation(s) did not fit")
  })
})

describe("triage: durations", () => {
  it("keeps a duration symptom without an `over` window possible, not matched", () => {
    const assessment = triage(defaultRunbook, observe({ "api.error_ratio": 0.3 }))
    const top = assessment.matches[0]
    expect(top?.playbook).toBe("high-api-error-rate")
    expect(top?.status).toBe("possible")
    expect(top?.confidence).toBeLessThanOrEqual(0.5)
    expect(top?.symptoms[0]?.outcome).toBe("pending")
    expect(top?.symptoms[0]?.evidence[0]?.reason).toBe("holds now; not shown to have held for 5m")
    expect(assessment.severity).toBeUndefined()
    expect(assessment.response).toBeUndefined()
    expect(assessment.nextSteps[0]?.playbook).toBe("high-api-error-rate")
    expect(assessment.notices.join(" ")).toContain("Only possible matches")
    expect(Triage.headline(assessment)).toBe(
      "Possibly High API Error Rate (confidence 30%): not yet proven, no severity",
    )
  })

  it("matches a duration symptom once the window shows it held throughout", () => {
    const assessment = triage(defaultRunbook, [sustained("api.error_ratio", 0.3, 300, 0.12, 0.4)])
    const top = assessment.matches[0]
    expect(top?.status).toBe("matched")
    expect(top?.symptoms[0]?.evidence[0]).toMatchObject({
      observed: 0.3,
      outcome: "matched",
      over: { seconds: 300, min: 0.12, max: 0.4 },
    })
    expect(assessment.severity).toBe("P1")
  })

  it("stays possible when the window is too short or dipped below the threshold", () => {
    expect(topOf([sustained("api.error_ratio", 0.3, 120, 0.2, 0.4)])?.status).toBe("possible")
    expect(topOf([sustained("api.error_ratio", 0.3, 600, 0.05, 0.4)])?.status).toBe("possible")
  })

  it("ranks every proven match above every unproven one", () => {
    const assessment = triage(defaultRunbook, [
      ...observe({ "api.error_ratio": 0.5, "host.memory.used_ratio": 0.9 }),
    ])
    expect(assessment.matches.map((m) => [m.playbook, m.status])).toEqual([
      ["resource-exhaustion", "matched"],
      ["high-api-error-rate", "possible"],
    ])
  })
})

describe("triage: ranking, flags and serialisation", () => {
  const twin = (id: string, severity: SeverityLevel): Runbook["playbooks"][number] => {
    const original = defaultRunbook.playbooks.find((p) => p.id === "database-connectivity")!
    return { ...original, id, title: `Twin ${id}`, defaultSeverity: severity }
  }

  it("breaks confidence ties by severity, then runbook order", () => {
    const runbook: Runbook = {
      ...defaultRunbook,
      playbooks: [...defaultRunbook.playbooks, twin("twin-p3", "P3"), twin("twin-p0", "P0")],
    }
    const assessment = triage(runbook, observe({ "postgres.reachable": false }))
    expect(assessment.matches.map((m) => m.playbook)).toEqual([
      "twin-p0",
      "database-connectivity",
      "twin-p3",
    ])
    const sameSeverity: Runbook = {
      ...defaultRunbook,
      playbooks: [twin("first", "P1"), ...defaultRunbook.playbooks, twin("last", "P1")],
    }
    expect(
      triage(sameSeverity, observe({ "postgres.reachable": false })).matches.map((m) => m.playbook),
    ).toEqual(["first", "database-connectivity", "last"])
  })

  it("computes confidence as a noisy-OR of the symptoms that hold", () => {
    const confidence = (observations: ReadonlyArray<Obs>) => topOf(observations)?.confidence
    expect(confidence(observe({ "http.health.reachable": false }))).toBe(0.6)
    expect(
      confidence(observe({ "http.health.reachable": false, "prometheus.metrics.present": false })),
    ).toBe(0.84)
    expect(
      confidence(
        observe({
          "http.health.reachable": false,
          "prometheus.metrics.present": false,
          "api.error_ratio": 1,
        }),
      ),
    ).toBe(0.936)
    expect(
      confidence(
        observe({ "http.health.reachable": false, "docker.container.app.running": false }),
      ),
    ).toBe(0.7)
  })

  it("surfaces planned maintenance without acting on it", () => {
    const assessment = triage(defaultRunbook, [
      ...(outages["system-down"] ?? []),
      ...observe({ "manual.planned-maintenance": true }),
    ])
    expect(assessment.plannedMaintenance).toBe(true)
    expect(assessment.assertedFlags).toEqual(["planned-maintenance"])
    expect(assessment.severity).toBe("P0")
    expect(assessment.notices[0]).toContain("planned maintenance")
    expect(assessment.nextSteps[0]?.step.text).toBe(
      "Check if it's a planned maintenance (check calendar)",
    )
    expect(assessment.suggestedFlags.map((s) => s.flag)).not.toContain("planned-maintenance")
    expect(Triage.headline(assessment)).toBe(
      "P0 System Completely Down (confidence 95%): respond within 15 minutes, Immediate page to on-call engineer [planned maintenance asserted]",
    )
    const unasserted = triage(defaultRunbook, outages["system-down"] ?? [])
    expect(unasserted.plannedMaintenance).toBe(false)
    expect(unasserted.suggestedFlags.find((s) => s.flag === "planned-maintenance")).toMatchObject({
      effect: "maintenance",
      playbooks: [],
    })
  })

  it("names the escalation in the headline when it alone sets the severity", () => {
    const assessment = triage(defaultRunbook, observe({ "manual.security-suspected": true }))
    expect(assessment.matches).toEqual([])
    expect(Triage.headline(assessment)).toBe(
      "P0 Security incident suspected: immediate escalation (P0): respond within 15 minutes, Immediate page to on-call engineer",
    )
  })

  it("accepts an ObservationSet as well as an iterable, with the same result", () => {
    const observations = outages["database-connectivity"] ?? []
    expect(triage(defaultRunbook, Observation.toSet(observations))).toEqual(
      triage(defaultRunbook, observations),
    )
  })

  it("uses the newest observation's time as observedAt", () => {
    const later = new Date("2026-11-28T10:05:00Z")
    const assessment = triage(defaultRunbook, [
      ...observe({ "http.health.reachable": false }),
      { signal: "postgres.reachable", value: true, at: later },
    ])
    expect(assessment.observedAt).toEqual(later)
  })

  it("encodes to plain JSON with ISO dates and decodes back to the same assessment", () => {
    const assessment = triage(defaultRunbook, [
      ...(outages["high-api-error-rate"] ?? []),
      ...observe({ "manual.data-loss": true, "unknown.signal": 1 }),
    ])
    const json = JSON.parse(JSON.stringify(Schema.encodeSync(Assessment)(assessment)))
    expect(json.observedAt).toBe("2026-11-28T10:00:00.000Z")
    expect(json.matches[0].symptoms[0].evidence[0].observedAt).toBe("2026-11-28T10:00:00.000Z")
    expect(Schema.decodeUnknownSync(Assessment)(json)).toEqual(assessment)
  })
})

describe("triage: properties", () => {
  const fill = (key: string): ReadonlyArray<string> => {
    const parts: Readonly<Record<string, ReadonlyArray<string>>> = {
      "<role>": ["app", "postgres"],
      "<mount>": ["root"],
      "<dir>": ["raw", "processed"],
      "<name>": ["app"],
      "<flag>": [
        "customer-complaints",
        "data-loss",
        "security-suspected",
        "planned-maintenance",
        "customer-impact-increasing",
      ],
    }
    const placeholder = /<[a-z]+>/.exec(key)?.[0]
    if (placeholder === undefined) return [key]
    return (parts[placeholder] ?? ["x"]).flatMap((part) => fill(key.replace(placeholder, part)))
  }
  const keys = [
    ...Signal.vocabulary.flatMap((definition) => fill(definition.key)),
    "not.in.vocabulary",
  ]
  const value = fc.oneof(
    fc.boolean(),
    fc.double(),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.nat(20),
    fc.constantFrom("running", "exited", "pass", "fail", ""),
  )
  const observation = fc.record(
    {
      signal: fc.constantFrom(...keys),
      value,
      at: fc.date({
        min: new Date("2020-01-01T00:00:00Z"),
        max: new Date("2030-01-01T00:00:00Z"),
        noInvalidDate: true,
      }),
      over: fc.record({
        seconds: fc.nat(3600),
        min: fc.double({ noNaN: true }),
        max: fc.double({ noNaN: true }),
      }),
      source: fc.constantFrom("probe", "manual"),
    },
    { requiredKeys: ["signal", "value", "at"] },
  )
  const observations = fc.array(observation, { maxLength: 40 })

  it("is deterministic and never throws for arbitrary observations over the vocabulary", () => {
    fc.assert(
      fc.property(observations, (given) => {
        const first = triage(defaultRunbook, given)
        const second = triage(defaultRunbook, [...given])
        expect(second).toEqual(first)
        expect(JSON.stringify(Schema.encodeSync(Assessment)(second))).toBe(
          JSON.stringify(Schema.encodeSync(Assessment)(first)),
        )
        expect(typeof Triage.headline(first)).toBe("string")
      }),
      { numRuns: 300 },
    )
  })

  it("keeps its invariants: ranked, bounded, explained", () => {
    fc.assert(
      fc.property(observations, (given) => {
        const assessment = triage(defaultRunbook, given)
        const { matches } = assessment
        for (const [index, match] of matches.entries()) {
          expect(match.confidence).toBeGreaterThan(0)
          expect(match.confidence).toBeLessThanOrEqual(1)
          if (index > 0)
            expect(match.confidence).toBeLessThanOrEqual(matches[index - 1]!.confidence)
          const primaries = match.symptoms.filter((s) => s.primary).map((s) => s.outcome)
          if (match.status === "matched") expect(primaries).toContain("matched")
          else {
            expect(primaries).not.toContain("matched")
            expect(primaries).toContain("pending")
            expect(match.confidence).toBeLessThanOrEqual(0.5)
          }
        }
        const matched = matches.filter((m) => m.status === "matched")
        const immediate = assessment.escalations.some((e) => e.phase === "immediate")
        expect(assessment.severity !== undefined).toBe(matched.length > 0 || immediate)
        expect(assessment.response?.level).toBe(assessment.severity)
        if (immediate) expect(assessment.severity).toBe("P0")
        for (const unknown of assessment.unknownSignals) {
          expect(Signal.lookup(unknown.signal)).toBeUndefined()
        }
      }),
      { numRuns: 300 },
    )
  })
})
