import { Either, ParseResult, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  decodeRunbook,
  defaultRunbook,
  mergeRunbook,
  Runbook,
  RunbookDecodeError,
  RunbookOverrides,
} from "../src/index.js"

type Document = typeof Runbook.Encoded
type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> }

/** The default runbook as a team would write it in YAML/JSON, free to mangle. */
const document = (): Mutable<Document> =>
  structuredClone(Schema.encodeSync(Runbook)(defaultRunbook)) as Mutable<Document>

const issuesOf = <A>(result: Either.Either<A, RunbookDecodeError>) => {
  if (Either.isRight(result)) throw new Error("expected the document to be rejected")
  return result.left.issues
}

const mergeOk = (overrides: unknown) => Either.getOrThrow(mergeRunbook(defaultRunbook, overrides))

describe("decodeRunbook", () => {
  it("accepts the default runbook document and gives back the default runbook", () => {
    expect(Either.getOrThrow(decodeRunbook(document()))).toStrictEqual(defaultRunbook)
  })

  it("names the path and the accepted operators for a wrong operator", () => {
    const input = document()
    input.playbooks[2]!.symptoms[0]!.when = { signal: "http.predict.ok", op: "≥" as "==", value: 1 }
    const result = decodeRunbook(input, { file: "runbook.yaml" })
    expect(issuesOf(result)).toEqual([
      {
        path: "playbooks[2].symptoms[0].when.op",
        message: 'expected one of "==", "!=", ">", ">=", "<", "<="; got "≥"',
      },
    ])
    const error = Either.getLeft(result).pipe((left) => left._tag === "Some" && left.value)
    expect(error).toBeInstanceOf(RunbookDecodeError)
    if (error === false) return
    expect(error._tag).toBe("RunbookDecodeError")
    expect(error.reason).toBe("invalid-runbook")
    expect(error.file).toBe("runbook.yaml")
    expect(ParseResult.isParseError(error.cause)).toBe(true)
    expect(error.message).toBe(
      [
        "Invalid runbook in runbook.yaml (1 problem):",
        '  - playbooks[2].symptoms[0].when.op: expected one of "==", "!=", ">", ">=", "<", "<="; got "≥"',
      ].join("\n"),
    )
  })

  it("reports every problem at once, each with its own path", () => {
    const input = document() as Record<string, unknown> & Mutable<Document>
    input.playboks = []
    delete (input.channels[0] as Partial<(typeof input.channels)[0]>).kind
    input.thresholds["api.error_ratio"]!.critical = "high" as unknown as number
    input.calendar.workingHours.start = "9am"
    input.playbooks[1]!.symptoms[0]!.when = {
      signal: "api.error_ratio",
      op: ">",
      value: 0.1,
      for: "5 minutes",
    }
    input.escalation.rules[0]!.trigger = { unresolvedFor: "half an hour" }
    const issues = issuesOf(decodeRunbook(input))
    expect(issues).toEqual([
      {
        path: "playboks",
        message: expect.stringMatching(/^is not a known field \(did you mean "playbooks"\?\)/),
      },
      {
        path: "calendar.workingHours.start",
        message: 'expected a time such as "09:00"; got "9am"',
      },
      {
        path: 'thresholds["api.error_ratio"].critical',
        message: 'expected a number; got "high"',
      },
      {
        path: "playbooks[1].symptoms[0].when.for",
        message: 'expected a duration such as "30s", "5m", "2h" or "1d"; got "5 minutes"',
      },
      {
        path: "escalation.rules[0].trigger.unresolvedFor",
        message: 'expected a duration such as "30s", "5m", "2h" or "1d"; got "half an hour"',
      },
      {
        path: "channels[0].kind",
        message:
          'is missing; expected one of "slack", "statuspage", "ticket", "email", "pagerduty", "webhook"',
      },
    ])
  })

  it("picks the predicate shape the author meant instead of listing every alternative", () => {
    const input = document()
    input.playbooks[0]!.symptoms[2]!.when = {
      sigal: "http.health.reachable",
      op: "==",
      value: false,
    } as never
    input.playbooks[0]!.symptoms[1]!.when = "health is down" as never
    expect(issuesOf(decodeRunbook(input))).toEqual([
      {
        path: "playbooks[0].symptoms[1].when",
        message:
          'expected { signal, op, value, for? } or { manual } or { all } or { any } or { atLeast, of } or { not }; got "health is down"',
      },
      {
        path: "playbooks[0].symptoms[2].when.sigal",
        message:
          'is not a known field (did you mean "signal"?); expected one of "signal", "op", "value", "for"',
      },
      { path: "playbooks[0].symptoms[2].when.signal", message: "is missing; expected a string" },
    ])
  })

  it("lists the probes that exist for an unknown probe id", () => {
    const input = document()
    input.playbooks[0]!.investigation![0]!.probe = { probe: "docker.logz" as "docker.engine" }
    input.playbooks[0]!.investigation![1]!.probe = { probe: "docker.logs", params: {} as never }
    const issues = issuesOf(decodeRunbook(input))
    expect(issues[0]?.path).toBe("playbooks[0].investigation[0].probe.probe")
    expect(issues[0]?.message).toMatch(
      /^expected one of "docker\.logs", .*"host\.disk".*; got "docker\.logz" \(did you mean "docker\.logs"\?\)$/,
    )
    expect(issues[1]).toEqual({
      path: "playbooks[0].investigation[1].probe.params.role",
      message: "is missing; expected a string",
    })
  })

  it("says what it found when the document is not an object at all", () => {
    expect(issuesOf(decodeRunbook(null))).toEqual([
      { path: "(document)", message: expect.stringMatching(/; got null$/) },
    ])
    expect(issuesOf(decodeRunbook({ name: "ours" }))[0]).toEqual({
      path: "description",
      message: "is missing; expected a string",
    })
  })

  it("rejects duplicate playbook ids and a missing or repeated severity level", () => {
    const input = document()
    input.playbooks[3]!.id = "system-down"
    input.severities[3] = { ...input.severities[1]! }
    expect(issuesOf(decodeRunbook(input))).toEqual([
      {
        path: "playbooks[3].id",
        message: 'expected a unique playbook id; "system-down" is also playbooks[0].id',
      },
      {
        path: "severities[3].level",
        message: 'expected a unique severity level; "P1" is also severities[1].level',
      },
      {
        path: "severities",
        message: "expected a definition for every level (P0, P1, P2, P3); P3 is missing",
      },
    ])
  })

  it("rejects symptoms on signals outside the vocabulary, with a suggestion", () => {
    const input = document()
    input.playbooks[1]!.symptoms[0]!.when = {
      all: [
        { signal: "api.error_rate", op: ">", value: 0.1 },
        { signal: "http.health.reachable", op: "==", value: false },
      ],
    }
    expect(issuesOf(decodeRunbook(input))).toEqual([
      {
        path: "playbooks[1].symptoms[0].when.all[0].signal",
        message:
          'expected a signal of the vocabulary (docs/signals.md); got "api.error_rate" (did you mean "api.error_ratio"?)',
      },
    ])
  })

  it("rejects references to thresholds that are not defined", () => {
    const input = document()
    input.playbooks[4]!.severityRules![0]!.when = {
      signal: "host.memory.used_ratio",
      op: ">=",
      value: { threshold: "host.memory.used" },
    }
    expect(issuesOf(decodeRunbook(input))).toEqual([
      {
        path: "playbooks[4].severityRules[0].when.value.threshold",
        message:
          'expected the name of a threshold defined under thresholds; got "host.memory.used" (did you mean "host.memory.used_ratio"?)',
      },
    ])
  })

  it("rejects a value of the wrong type for the signal", () => {
    const input = document()
    input.playbooks[0]!.symptoms[2]!.when = {
      any: [
        { signal: "http.health.reachable", op: "==", value: 0 },
        { signal: "http.health.reachable", op: ">", value: true },
        { signal: "http.health.status", op: "==", value: "down" },
        { signal: "postgres.locks.waiting", op: ">", value: "many" },
      ],
    }
    expect(issuesOf(decodeRunbook(input)).map((issue) => issue.message)).toEqual([
      "expected true or false (http.health.reachable is a boolean signal); got 0",
      'expected "==" or "!=" (http.health.reachable is a boolean signal); got ">"',
      'expected one of "pass", "warn", "fail" (http.health.status is an enum signal); got "down"',
      'expected a number (postgres.locks.waiting is a count signal); got "many"',
    ])
  })

  it("checks that contacts name defined channels and that ids are unique", () => {
    const input = document()
    input.escalation.contacts[0]!.channels = ["incidents", "pager"]
    input.channels.push({ ...input.channels[0]! })
    input.playbooks[0]!.symptoms[1]!.id = "all-endpoints-5xx"
    input.playbooks[0]!.symptoms[0]!.when = {
      atLeast: 3,
      of: [{ signal: "http.health.reachable", op: "==", value: false }],
    }
    expect(issuesOf(decodeRunbook(input))).toEqual([
      {
        path: "playbooks[0].symptoms[1].id",
        message:
          'expected a unique symptom id; "all-endpoints-5xx" is also playbooks[0].symptoms[0].id',
      },
      {
        path: "playbooks[0].symptoms[0].when.atLeast",
        message: 'expected at most 1 (the number of predicates under "of"); got 3',
      },
      {
        path: "channels[4].id",
        message: 'expected a unique channel id; "incidents" is also channels[0].id',
      },
      {
        path: "escalation.contacts[0].channels[1]",
        message:
          'expected the id of a channel under channels ("incidents", "status-page", "support-tickets", "security", "incidents"); got "pager"',
      },
    ])
  })

  it("shortens the message of a document with very many problems", () => {
    const input = document()
    for (const playbook of input.playbooks)
      for (const symptom of playbook.symptoms) symptom.text = 1 as unknown as string
    const error = Either.getLeft(decodeRunbook(input)).pipe((left) =>
      left._tag === "Some" ? left.value : undefined,
    )
    expect(error?.issues.length).toBeGreaterThan(0)
    expect(error?.message.split("\n").length).toBe(error!.issues.length + 1)
  })
})

describe("mergeRunbook", () => {
  it("gives back the base for empty overrides", () => {
    expect(mergeOk({})).toStrictEqual(defaultRunbook)
  })

  it("changes a threshold field by field and adds a new threshold", () => {
    const merged = mergeOk({
      thresholds: {
        "api.error_ratio": { critical: 0.2 },
        "queue.depth": { description: "Jobs waiting", critical: 1000 },
      },
    })
    expect(merged.thresholds["api.error_ratio"]).toEqual({
      ...defaultRunbook.thresholds["api.error_ratio"],
      critical: 0.2,
    })
    expect(merged.thresholds["queue.depth"]).toEqual({
      description: "Jobs waiting",
      direction: "above",
      critical: 1000,
    })
  })

  it("replaces the contact chain and the escalation rules as wholes", () => {
    const contacts = [{ role: "Primary on-call", name: "Ada", phone: "+1-555-0199" }]
    const merged = mergeOk({ escalation: { contacts } })
    expect(merged.escalation.contacts).toEqual([{ ...contacts[0], channels: [] }])
    expect(merged.escalation.rules).toEqual(defaultRunbook.escalation.rules)
  })

  it("overrides channels by id and adds new ones", () => {
    const merged = mergeOk({
      channels: [
        { id: "incidents", target: "#ops-incidents" },
        { id: "pager", audience: "internal", kind: "pagerduty", text: "PagerDuty service" },
      ],
    })
    expect(merged.channels.map((channel) => channel.id)).toEqual([
      "incidents",
      "status-page",
      "support-tickets",
      "security",
      "pager",
    ])
    expect(merged.channels[0]).toEqual({ ...defaultRunbook.channels[0], target: "#ops-incidents" })
  })

  it("overrides severities by level and the calendar per field", () => {
    const merged = mergeOk({
      severities: [{ level: "P2", responseTime: { minutes: 120 }, responseTimeText: "2 hours" }],
      calendar: { timeZone: "Europe/Berlin" },
    })
    expect(merged.severities[2]).toEqual({
      ...defaultRunbook.severities[2],
      responseTime: { minutes: 120 },
      responseTimeText: "2 hours",
    })
    expect(merged.calendar).toEqual({ ...defaultRunbook.calendar, timeZone: "Europe/Berlin" })
  })

  it("replaces playbook fields by id and appends a complete new playbook", () => {
    const merged = mergeOk({
      playbooks: [
        { id: "system-down", commonCauses: ["Expired TLS certificate"] },
        {
          id: "queue-backlog",
          title: "Queue Backlog",
          defaultSeverity: "P2",
          symptoms: [
            {
              id: "no-data",
              text: "Nothing processed",
              when: { signal: "data.processed.newest_age_seconds", op: ">", value: 600 },
            },
          ],
        },
      ],
    })
    expect(merged.playbooks.map((playbook) => playbook.id)).toEqual([
      ...defaultRunbook.playbooks.map((playbook) => playbook.id),
      "queue-backlog",
    ])
    expect(merged.playbooks[0]).toEqual({
      ...defaultRunbook.playbooks[0],
      commonCauses: ["Expired TLS certificate"],
    })
    expect(merged.playbooks[6]?.investigation).toEqual([])
  })

  it("overrides monitoring links by name and replaces other lists wholesale", () => {
    const merged = mergeOk({
      monitoring: [
        { name: "Grafana", url: "https://grafana.example.com" },
        { name: "Kibana", url: "https://kibana.example.com" },
      ],
      vendorContacts: [{ name: "Cloud Provider", contact: "+1-555-0300" }],
    })
    expect(merged.monitoring).toEqual([
      { name: "Grafana", url: "https://grafana.example.com" },
      { name: "Prometheus", url: "http://localhost:9090" },
      { name: "Alertmanager", url: "http://localhost:9093" },
      { name: "Kibana", url: "https://kibana.example.com" },
    ])
    expect(merged.vendorContacts).toEqual([{ name: "Cloud Provider", contact: "+1-555-0300" }])
  })

  it("names paths inside the overrides document when an override is invalid", () => {
    const result = mergeRunbook(
      defaultRunbook,
      {
        thresholds: { "api.error_ratio": { critical: "high" } },
        playbooks: [{ id: "system-down", defaultSeverity: "P5" }],
        playboks: [],
      },
      { file: "ir.config.yaml" },
    )
    expect(issuesOf(result)).toEqual([
      {
        path: "playboks",
        message: expect.stringMatching(/^is not a known field \(did you mean "playbooks"\?\)/),
      },
      { path: 'thresholds["api.error_ratio"].critical', message: 'expected a number; got "high"' },
      {
        path: "playbooks[0].defaultSeverity",
        message: 'expected one of "P0", "P1", "P2", "P3"; got "P5"',
      },
    ])
    expect(Either.getLeft(result).pipe((left) => left._tag === "Some" && left.value.file)).toBe(
      "ir.config.yaml",
    )
  })

  it("requires a new playbook, channel or threshold to be complete", () => {
    const result = mergeRunbook(defaultRunbook, {
      channels: [{ id: "pager", kind: "pagerduty" }],
      playbooks: [
        { id: "system-down", title: "Down" },
        { id: "queue-backlog", title: "Queue" },
      ],
      thresholds: { "queue.depth": { warn: 10 } },
    })
    expect(issuesOf(result)).toEqual([
      { path: 'thresholds["queue.depth"].description', message: "is missing; expected a string" },
      { path: 'thresholds["queue.depth"].critical', message: "is missing; expected a number" },
      {
        path: "playbooks[1].defaultSeverity",
        message: 'is missing; expected one of "P0", "P1", "P2", "P3"',
      },
      {
        path: "playbooks[1].symptoms",
        message: "is missing; expected an array of at least 1 item(s)",
      },
      {
        path: "channels[0].audience",
        message: 'is missing; expected one of "internal", "external", "customer", "direct"',
      },
      { path: "channels[0].text", message: "is missing; expected a string" },
    ])
  })

  it("checks cross-references of the merged runbook and points into the overrides", () => {
    const result = mergeRunbook(defaultRunbook, {
      playbooks: [
        { id: "system-down", title: "Down" },
        {
          id: "queue-backlog",
          title: "Queue",
          defaultSeverity: "P2",
          symptoms: [
            { id: "deep", text: "Deep queue", when: { signal: "queue.depth", op: ">", value: 10 } },
          ],
        },
      ],
    })
    expect(issuesOf(result)).toEqual([
      {
        path: "playbooks[1].symptoms[0].when.signal",
        message: 'expected a signal of the vocabulary (docs/signals.md); got "queue.depth"',
      },
    ])
  })

  it("rejects the same id twice in one overrides list", () => {
    const result = mergeRunbook(defaultRunbook, {
      playbooks: [
        { id: "system-down", title: "A" },
        { id: "system-down", title: "B" },
      ],
    })
    expect(issuesOf(result)).toEqual([
      {
        path: "playbooks[1].id",
        message: 'expected a unique playbook id; "system-down" is also playbooks[0].id',
      },
    ])
  })

  it("rejects overrides that are not an object", () => {
    expect(issuesOf(mergeRunbook(defaultRunbook, "thresholds: 1"))[0]?.path).toBe("(document)")
    expect(issuesOf(mergeRunbook(defaultRunbook, { thresholds: 1 }))).toEqual([
      { path: "thresholds", message: "expected an object (a map of names to entries); got 1" },
    ])
  })

  it("is a schema a tool can validate a config section with", () => {
    const overrides = { thresholds: { "api.error_ratio": { critical: 0.3 } } }
    expect(Schema.decodeUnknownSync(RunbookOverrides)(overrides)).toEqual(overrides)
  })
})

describe("mergeRunbook properties", () => {
  const names = Object.keys(defaultRunbook.thresholds)
  const level = fc.double({ min: 0, max: 1_000_000, noNaN: true }).map((n) => n + 0)
  const text = fc.string({ maxLength: 20 })
  const changedThreshold = fc.record(
    {
      description: text,
      unit: text,
      direction: fc.constantFrom("above" as const, "below" as const),
      warn: level,
      critical: level,
    },
    { requiredKeys: [] },
  )
  const newThreshold = fc.record(
    {
      description: text,
      unit: text,
      direction: fc.constantFrom("above" as const, "below" as const),
      warn: level,
      critical: level,
    },
    { requiredKeys: ["description", "critical"] },
  )
  const thresholds = fc
    .tuple(
      fc.dictionary(fc.constantFrom(...names), changedThreshold, { maxKeys: 5 }),
      fc.dictionary(fc.stringMatching(/^team\.[a-z_]{1,12}$/), newThreshold, { maxKeys: 3 }),
    )
    .map(([changed, added]) => ({ ...changed, ...added }))
  const contact = fc.record(
    {
      role: text,
      name: text,
      phone: fc.stringMatching(/^\+1-555-\d{4}$/),
      email: fc.emailAddress(),
      channels: fc.subarray(defaultRunbook.channels.map((channel) => channel.id)),
    },
    { requiredKeys: ["role"] },
  )
  const overrides = fc.record(
    { thresholds, escalation: fc.record({ contacts: fc.array(contact, { maxLength: 4 }) }) },
    { requiredKeys: [] },
  )

  it("merged thresholds and contacts equal the overrides, and merging {} again changes nothing", () => {
    fc.assert(
      fc.property(overrides, (given) => {
        const merged = mergeOk(given)
        for (const [name, fields] of Object.entries(given.thresholds ?? {}))
          for (const [field, value] of Object.entries(fields))
            expect(merged.thresholds[name]?.[field as keyof typeof fields]).toBe(value)
        if (given.escalation !== undefined)
          expect(merged.escalation.contacts).toEqual(
            given.escalation.contacts.map((entry) => ({ channels: [], ...entry })),
          )
        else expect(merged.escalation.contacts).toEqual(defaultRunbook.escalation.contacts)
        expect(Either.getOrThrow(mergeRunbook(merged, {}))).toStrictEqual(merged)
      }),
      { numRuns: 60 },
    )
  })
})

describe("decoding never throws", () => {
  /** Every path to a value inside a JSON document. */
  const pathsOf = (value: unknown, prefix: ReadonlyArray<string | number> = []) => {
    const out: Array<ReadonlyArray<string | number>> = [prefix]
    if (Array.isArray(value))
      value.forEach((child, index) => {
        out.push(...pathsOf(child, [...prefix, index]))
      })
    else if (typeof value === "object" && value !== null)
      for (const [key, child] of Object.entries(value))
        out.push(...pathsOf(child, [...prefix, key]))
    return out
  }
  const base = document()
  const paths = pathsOf(base).filter((path) => path.length > 0)

  const mutate = (index: number, replacement: unknown, remove: boolean) => {
    const copy = structuredClone(base) as unknown as Record<string | number, unknown>
    const path = paths[index % paths.length]!
    let parent = copy
    for (const segment of path.slice(0, -1)) parent = parent[segment] as typeof parent
    const last = path[path.length - 1]!
    if (remove && Array.isArray(parent)) parent.splice(Number(last), 1)
    else if (remove) delete parent[last]
    else parent[last] = replacement
    return copy
  }

  it("answers a damaged runbook document with issues that each name a path and an expectation", () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        fc.boolean(),
        (index, replacement, remove) => {
          const result = decodeRunbook(mutate(index, replacement, remove), { file: "x.yaml" })
          if (Either.isLeft(result)) {
            expect(result.left.issues.length).toBeGreaterThan(0)
            for (const issue of result.left.issues) {
              expect(issue.path).not.toBe("")
              expect(issue.message).toMatch(/^(expected|is missing|is not a known field)/)
            }
            expect(result.left.message).toMatch(/^Invalid runbook in x\.yaml/)
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it("answers arbitrary overrides with a runbook or issues, never an exception", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record({
            thresholds: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
            playbooks: fc.array(fc.record({ id: fc.string(), title: fc.jsonValue() })),
          }),
        ),
        (overrides) => {
          const result = mergeRunbook(defaultRunbook, overrides)
          if (Either.isLeft(result))
            for (const issue of result.left.issues) expect(issue.message).not.toBe("")
        },
      ),
      { numRuns: 100 },
    )
  })
})
