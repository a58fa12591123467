// Random and mutated Alertmanager payloads: never a 5xx, never an incident from an invalid one.
import { defaultRunbook } from "@ir/core"
import type { Journal } from "@ir/journal"
import { Effect, Either, Schema } from "effect"
import fc from "fast-check"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { AlertmanagerPayload } from "../src/AlertmanagerPayload.js"
import { createAlertReceiver } from "../src/AlertReceiver.js"
import { createHandler } from "../src/Handler.js"
import { alert, payload, post, tempJournal } from "./fixtures.js"

const token = "property-token"
const auth = { authorization: `Bearer ${token}` }

let journal: Journal
let dispose: () => Promise<void>
let handler: ReturnType<typeof createHandler>
// A fresh journal per property: the file journal reads its directory on every operation.
beforeEach(async () => {
  ;({ journal, dispose } = await tempJournal())
  handler = createHandler({
    alerts: createAlertReceiver({ journal, runbook: defaultRunbook, auth: { bearer: token } }),
  })
})
afterEach(async () => {
  await dispose()
})

const count = async () => (await Effect.runPromise(journal.list())).length
const isValid = (value: unknown) =>
  Either.isRight(Schema.decodeUnknownEither(AlertmanagerPayload)(value))

/**
 * Posts a body; checks the status class against size and validity, and the journal against the
 * status.
 */
const check = async (body: string) => {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    parsed = undefined
  }
  const valid = parsed !== undefined && isValid(parsed)
  const before = await count()
  const response = await handler(post(body, auth))
  const after = await count()
  expect(response.status, await response.clone().text()).toBeLessThan(500)
  if (Buffer.byteLength(body) > 1024 * 1024) {
    expect(response.status).toBe(413)
    expect(after).toBe(before)
  } else if (valid) {
    expect([200, 201]).toContain(response.status)
    expect(after - before).toBe(response.status === 201 ? 1 : 0)
  } else {
    expect(response.status).toBe(400)
    expect(after).toBe(before)
  }
}

type Path = ReadonlyArray<string | number>

const pathsOf = (value: unknown, prefix: Path = []): Array<Path> => {
  if (value === null || typeof value !== "object") return [prefix]
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value)
  return [prefix, ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))]
}

type Mutation = { kind: "delete" } | { kind: "replace"; value: unknown }

const mutate = (value: unknown, path: Path, mutation: Mutation): unknown => {
  if (path.length === 0) return mutation.kind === "delete" ? undefined : mutation.value
  const [head, ...rest] = path
  if (Array.isArray(value)) {
    const copy = [...value]
    if (rest.length === 0 && mutation.kind === "delete") copy.splice(Number(head), 1)
    else copy[Number(head)] = mutate(copy[Number(head)], rest, mutation)
    return copy
  }
  const record = { ...(value as Record<string, unknown>) }
  if (rest.length === 0 && mutation.kind === "delete") delete record[String(head)]
  else record[String(head)] = mutate(record[String(head)], rest, mutation)
  return record
}

const labels = fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), {
  maxKeys: 6,
})
const timestamp = fc
  .date({
    min: new Date("2000-01-01T00:00:00Z"),
    max: new Date("2100-01-01T00:00:00Z"),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString())

/** Valid payloads with arbitrary label values, playbooks, severities and keys. */
const validPayload = fc
  .record({
    groupKey: fc.string({ minLength: 1, maxLength: 60 }),
    alerts: fc.array(
      fc.record({
        status: fc.constantFrom("firing" as const, "resolved" as const),
        labels: fc.oneof(
          labels,
          fc.record({
            alertname: fc.string({ maxLength: 30 }),
            playbook: fc.constantFrom(...defaultRunbook.playbooks.map((p) => p.id), "unknown"),
            severity: fc.constantFrom("p0", "P1", "p2", "P3", "critical", ""),
            signal: fc.constantFrom("api.error_ratio", "http.health.reachable", "nope"),
          }),
        ),
        annotations: labels,
        startsAt: timestamp,
        endsAt: timestamp,
        fingerprint: fc.string({ minLength: 1, maxLength: 16 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ groupKey, alerts }) => payload({ groupKey, alerts: alerts.map((a) => alert(a)) }))

describe("the webhook under random input", () => {
  it("answers 400 to arbitrary JSON and opens nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        await check(JSON.stringify(value))
      }),
      { numRuns: 150 },
    )
  })

  it("answers 400 to arbitrary bytes and text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: "binary" })), async (text) => {
        await check(text)
      }),
      { numRuns: 150 },
    )
  })

  it("never answers 5xx to a mutated payload, and opens incidents only for valid ones", async () => {
    const base = payload({
      alerts: [
        alert(),
        alert({ status: "resolved", fingerprint: "second", labels: { alertname: "Other" } }),
      ],
    })
    const paths = pathsOf(base)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(
          fc.constant<Mutation>({ kind: "delete" }),
          fc.jsonValue({ maxDepth: 2 }).map((value): Mutation => ({ kind: "replace", value })),
        ),
        fc.string({ minLength: 1, maxLength: 12 }),
        async (path, mutation, salt) => {
          // A fresh group key each time, so a valid mutation opens a new incident.
          const mutated = mutate({ ...base, groupKey: `${base.groupKey}-${salt}` }, path, mutation)
          await check(JSON.stringify(mutated) ?? "")
        },
      ),
      { numRuns: 150 },
    )
  })

  it("accepts valid payloads with arbitrary labels and never fails on them", async () => {
    await fc.assert(
      fc.asyncProperty(validPayload, async (value) => {
        expect(isValid(value)).toBe(true)
        await check(JSON.stringify(value))
      }),
      { numRuns: 80 },
    )
  })

  it("answers 400 to JSON nested deeper than any payload, wherever the nesting is", async () => {
    const nested = (depth: number, kind: "array" | "object") =>
      kind === "array"
        ? `${"[".repeat(depth)}${"]".repeat(depth)}`
        : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 33, max: 200 }), fc.integer({ min: 1000, max: 60_000 })),
        fc.constantFrom("array" as const, "object" as const),
        fc.constantFrom("root", "alerts", "label", "unknown field"),
        async (depth, kind, where) => {
          const deep = nested(depth, kind)
          const base = JSON.stringify(payload())
          const body =
            where === "root"
              ? deep
              : where === "alerts"
                ? base.replace(/"alerts":\[/, `"alerts":[${deep},`)
                : where === "label"
                  ? base.replace(/"labels":\{/, `"labels":{"deep":${deep},`)
                  : base.replace(/^\{/, `{"extra":${deep},`)
          // Refused even where the schema would ignore it: no payload nests more than 4 deep.
          const before = await count()
          const response = await handler(post(body, auth))
          expect(response.status, await response.clone().text()).toBe(400)
          expect(await count()).toBe(before)
        },
      ),
      { numRuns: 40 },
    )
  })

  it("never fails on long strings and many keys, valid or not", async () => {
    const longString = fc
      .tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 1, max: 120_000 }))
      .map(([unit, times]) => (unit === "" ? "x" : unit).repeat(times).slice(0, 300_000))
    const manyKeys = fc
      .tuple(fc.integer({ min: 100, max: 20_000 }), fc.string({ maxLength: 6 }))
      .map(([count, prefix]) =>
        Object.fromEntries(Array.from({ length: count }, (_, index) => [`${prefix}${index}`, "v"])),
      )
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          longString.map((text) => ({ text })),
          manyKeys.map((keys) => ({ keys })),
        ),
        fc.constantFrom("alertname", "summary", "groupKey", "labels", "annotations", "root"),
        fc.string({ minLength: 1, maxLength: 12 }),
        async (big, where, salt) => {
          const base = payload({ groupKey: `long-${salt}` })
          const first = base.alerts[0]!
          const value = "text" in big ? big.text : (big.keys as Record<string, string>)
          const text = typeof value === "string" ? value : JSON.stringify(value)
          const mutated =
            where === "alertname"
              ? { ...base, alerts: [{ ...first, labels: { ...first.labels, alertname: text } }] }
              : where === "summary"
                ? {
                    ...base,
                    alerts: [{ ...first, annotations: { summary: text, description: text } }],
                  }
                : where === "groupKey"
                  ? { ...base, groupKey: text }
                  : where === "labels"
                    ? {
                        ...base,
                        alerts: [
                          {
                            ...first,
                            labels: {
                              ...first.labels,
                              ...(typeof value === "string" ? { big: value } : value),
                            },
                          },
                        ],
                      }
                    : where === "annotations"
                      ? {
                          ...base,
                          commonAnnotations: typeof value === "string" ? { big: value } : value,
                        }
                      : { ...base, ...(typeof value === "string" ? { big: value } : value) }
          await check(JSON.stringify(mutated))
        },
      ),
      { numRuns: 40 },
    )
  }, 60_000)

  it("opens nothing without the token, whatever the body", async () => {
    const before = await count()
    await fc.assert(
      fc.asyncProperty(validPayload, fc.string({ maxLength: 30 }), async (value, guess) => {
        const response = await handler(post(value, { authorization: `Bearer ${guess}` }))
        expect(response.status).toBe(401)
      }),
      { numRuns: 50 },
    )
    expect(await count()).toBe(before)
  })
})
