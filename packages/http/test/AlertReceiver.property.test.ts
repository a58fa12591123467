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

/** Posts a body; checks the status class against validity and the journal against the status. */
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
  if (valid) {
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

  it("never answers 5xx to hostile shapes: deep nesting, long strings, many keys", async () => {
    const base = payload({ alerts: [alert()] })
    const paths = pathsOf(base)
    const nested = (depth: number, open: string, close: string) =>
      `${open.repeat(depth)}${close.repeat(depth)}`
    const hostile = fc.oneof(
      // nested deeper than any payload, up to 50,000 levels, as arrays or objects
      fc
        .integer({ min: 17, max: 50_000 })
        .map((depth) => ({ json: nested(depth, "[", "]"), deep: true })),
      fc.integer({ min: 17, max: 20_000 }).map((depth) => ({
        json: `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`,
        deep: true,
      })),
      // long strings (the body stays under the 1 MiB limit)
      fc
        .integer({ min: 1_000, max: 900_000 })
        .map((length) => ({ json: JSON.stringify("\u001b[2J".repeat(length / 4)), deep: false })),
      // many keys
      fc.integer({ min: 100, max: 20_000 }).map((keys) => ({
        json: JSON.stringify(
          Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])),
        ),
        deep: false,
      })),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        hostile,
        fc.string({ minLength: 1, maxLength: 12 }),
        async (path, { json, deep }, salt) => {
          const marker = "__HOSTILE__"
          const mutated = mutate({ ...base, groupKey: `${base.groupKey}-${salt}` }, path, {
            kind: "replace",
            value: marker,
          })
          const body = (JSON.stringify(mutated) ?? "").replace(`"${marker}"`, json)
          const before = await count()
          const response = await handler(post(body, auth))
          const after = await count()
          expect(response.status, (await response.clone().text()).slice(0, 300)).toBeLessThan(500)
          if (deep) {
            expect(response.status).toBe(400)
            expect(after).toBe(before)
          } else if (response.status === 400) {
            expect(isValid(JSON.parse(body))).toBe(false)
            expect(after).toBe(before)
          } else {
            expect([200, 201, 413]).toContain(response.status)
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})
