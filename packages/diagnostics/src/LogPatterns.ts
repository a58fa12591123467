/**
 * The runbook's log searches as named patterns, and counting them over log lines:
 * `errors` is `grep ERROR`, `connection` is `grep -i "connection\|database"`, `memory` is
 * `grep -i "memory\|oom"`; `model` and `data` are the model and data lines that also say
 * something failed.
 *
 * @example
 * ```ts
 * import { LogPatterns } from "@ir/diagnostics"
 * LogPatterns.count(["ERROR database connection refused", "INFO ok"]).counts
 * // { errors: 1, connection: 1, memory: 0, model: 0, data: 1 }
 * ```
 */
import type { Probe } from "@ir/core"
import { redactText } from "./internal/Redaction.js"

/**
 * A named pattern of the runbook's log searches.
 *
 * @example
 * ```ts
 * const pattern: LogPattern = "connection"
 * ```
 */
export type LogPattern = Probe.LogPattern

const failureWord = /error|fail|exception|traceback|cannot|could not|unable|invalid|corrupt/i

/**
 * Each pattern as a test on one line, in the order the signals list them.
 *
 * @example
 * ```ts
 * import { LogPatterns } from "@ir/diagnostics"
 * LogPatterns.patterns.errors("ERROR boom") // true
 * ```
 */
export const patterns: Readonly<Record<LogPattern, (line: string) => boolean>> = {
  errors: (line) => /ERROR/.test(line),
  connection: (line) => /connection|database/i.test(line),
  memory: (line) => /memory|oom/i.test(line),
  model: (line) => /model/i.test(line) && failureWord.test(line),
  data: (line) => /data/i.test(line) && failureWord.test(line),
}

/**
 * The grep each pattern stands for, for documentation and summaries.
 *
 * @example
 * ```ts
 * import { LogPatterns } from "@ir/diagnostics"
 * LogPatterns.descriptions.memory // 'grep -i "memory\\|oom"'
 * ```
 */
export const descriptions: Readonly<Record<LogPattern, string>> = {
  errors: "grep ERROR",
  connection: 'grep -i "connection\\|database"',
  memory: 'grep -i "memory\\|oom"',
  model: 'grep -i "model" (with an error word)',
  data: 'grep -i "data" (with an error word)',
}

/**
 * Every pattern name, in a stable order.
 *
 * @example
 * ```ts
 * LogPatterns.names // ["errors", "connection", "memory", "model", "data"]
 * ```
 */
export const names: ReadonlyArray<LogPattern> = ["errors", "connection", "memory", "model", "data"]

/**
 * What counting found: lines, counts per pattern, the last matching lines and the tail, redacted.
 *
 * @example
 * ```ts
 * const { counts, last } = LogPatterns.count(lines)
 * ```
 */
export interface LogCount {
  readonly lines: number
  readonly counts: Readonly<Record<LogPattern, number>>
  /** The last matching lines of each pattern (at most `keep`), redacted. */
  readonly last: Readonly<Record<LogPattern, ReadonlyArray<string>>>
  /** The last lines of the window, whatever they say (at most `keep`), redacted. */
  readonly tail: ReadonlyArray<string>
}

/**
 * Counts the lines matching each pattern and keeps the last `keep` lines of each, with secrets
 * redacted (see `redactText`). Lines are matched before redaction, so a redacted secret never
 * hides a match.
 *
 * @example
 * ```ts
 * import { LogPatterns } from "@ir/diagnostics"
 * LogPatterns.count(["ERROR login password=x1"], 5).last.errors // ["ERROR login password=***"]
 * ```
 */
export const count = (
  lines: Iterable<string>,
  keep = 5,
  redact: (line: string) => string = redactText,
): LogCount => {
  const counts: Record<LogPattern, number> = {
    errors: 0,
    connection: 0,
    memory: 0,
    model: 0,
    data: 0,
  }
  const last: Record<LogPattern, Array<string>> = {
    errors: [],
    connection: [],
    memory: [],
    model: [],
    data: [],
  }
  const tail: Array<string> = []
  let total = 0
  const push = (list: Array<string>, line: string) => {
    list.push(line)
    if (list.length > keep) list.shift()
  }
  for (const line of lines) {
    if (line === "") continue
    total += 1
    push(tail, line)
    for (const name of names) {
      if (patterns[name](line)) {
        counts[name] += 1
        push(last[name], line)
      }
    }
  }
  const redactAll = (list: ReadonlyArray<string>) => list.map(redact)
  return {
    lines: total,
    counts,
    last: {
      errors: redactAll(last.errors),
      connection: redactAll(last.connection),
      memory: redactAll(last.memory),
      model: redactAll(last.model),
      data: redactAll(last.data),
    },
    tail: redactAll(tail),
  }
}

/**
 * Splits the body of Docker's `GET /containers/{id}/logs` into lines. Without a TTY the engine
 * multiplexes stdout and stderr into frames (an 8-byte header: stream type, 3 zero bytes, a
 * big-endian length); with a TTY the body is the raw text. Both are handled.
 *
 * @example
 * ```ts
 * import { LogPatterns } from "@ir/diagnostics"
 * const frame = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 6]), Buffer.from("hello\n")])
 * LogPatterns.dockerLogLines(frame) // ["hello"]
 * ```
 */
export const dockerLogLines = (body: Uint8Array): ReadonlyArray<string> => {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const text = isMultiplexed(buffer) ? demultiplex(buffer) : buffer.toString("utf8")
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === "") lines.pop()
  return lines
}

const isMultiplexed = (buffer: Buffer): boolean => {
  let offset = 0
  if (buffer.length < 8) return false
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset]
    if (
      (stream !== 0 && stream !== 1 && stream !== 2) ||
      buffer[offset + 1] !== 0 ||
      buffer[offset + 2] !== 0 ||
      buffer[offset + 3] !== 0
    )
      return false
    offset += 8 + buffer.readUInt32BE(offset + 4)
  }
  return offset === buffer.length
}

const demultiplex = (buffer: Buffer): string => {
  const parts: Array<Buffer> = []
  let offset = 0
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4)
    parts.push(buffer.subarray(offset + 8, offset + 8 + length))
    offset += 8 + length
  }
  return Buffer.concat(parts).toString("utf8")
}
