import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { SchemaIssues } from "../src/index.js"

const Target = Schema.Struct({ url: Schema.String, timeout: Schema.optional(Schema.String) })
const issuesOf = (input: unknown) => {
  const result = Schema.decodeUnknownEither(Target, { errors: "all" })(input)
  if (Either.isRight(result)) throw new Error("expected a parse error")
  return SchemaIssues.flatten(result.left)
}

describe("SchemaIssues.flatten", () => {
  it("says which fields a mapping takes when it is given something else", () => {
    expect(issuesOf("http://localhost/health")).toEqual([
      { path: [], message: 'expected { url, timeout? }; got "http://localhost/health"' },
    ])
  })

  it("names the field that is wrong, with its path", () => {
    const [issue] = issuesOf({ url: 42 })
    expect(SchemaIssues.formatPath(issue?.path ?? [])).toBe("url")
    expect(issue?.message).toContain("got 42")
  })
})
