import { describe, expect, it } from "vitest"
import * as LogPatterns from "../src/LogPatterns.js"

const frame = (stream: number, text: string) => {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe("count", () => {
  const lines = [
    "2024-01-01 INFO started",
    "2024-01-01 ERROR database connection refused",
    "2024-01-01 WARN Memory usage high",
    "2024-01-01 error: lowercase only",
    "2024-01-01 ERROR could not load model file saved_models/model.h5",
    "2024-01-01 OOM killer invoked",
    "2024-01-01 ERROR data validation failed for batch 7 password=hunter2",
  ]

  it("counts each seed pattern the way its grep does", () => {
    expect(LogPatterns.count(lines).counts).toEqual({
      errors: 3,
      connection: 1,
      memory: 2,
      model: 1,
      data: 2,
    })
  })

  it("keeps the last matching lines, redacted", () => {
    const result = LogPatterns.count(lines, 2)
    expect(result.last.errors).toEqual([
      "2024-01-01 ERROR could not load model file saved_models/model.h5",
      "2024-01-01 ERROR data validation failed for batch 7 password=***",
    ])
    expect(result.tail).toHaveLength(2)
    expect(JSON.stringify(result)).not.toContain("hunter2")
    expect(result.lines).toBe(7)
  })
})

describe("dockerLogLines", () => {
  it("demultiplexes stdout and stderr frames in order", () => {
    const body = Buffer.concat([frame(1, "one\ntw"), frame(2, "o\nthree\n")])
    expect(LogPatterns.dockerLogLines(body)).toEqual(["one", "two", "three"])
  })

  it("reads a TTY container's raw text", () => {
    expect(LogPatterns.dockerLogLines(Buffer.from("plain\r\ntext\n"))).toEqual(["plain", "text"])
  })

  it("gives nothing for an empty body", () => {
    expect(LogPatterns.dockerLogLines(Buffer.alloc(0))).toEqual([])
  })
})
