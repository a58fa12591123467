// Splits an incident file's bytes into complete records. A record is complete when its newline
// is on disk: the writer writes `JSON + "\n"` in one append and fsyncs before acknowledging, so
// anything after the last newline (or a last line that does not parse) is a torn write from a
// crash, never an acknowledged event. A line that does not parse with complete lines after it
// is corruption, reported with its byte offset.

export interface StoredRecord {
  readonly seq: number
  readonly event: unknown
  readonly incident?: unknown
  /** Absolute byte offset of the record's first byte. */
  readonly offset: number
}

export interface ParsedChunk {
  readonly records: ReadonlyArray<StoredRecord>
  /** Absolute offset just after the last complete record. */
  readonly end: number
  readonly torn?: { readonly offset: number; readonly length: number }
}

export type ParseOutcome =
  | { readonly _tag: "parsed"; readonly chunk: ParsedChunk }
  | { readonly _tag: "corrupt"; readonly offset: number; readonly problem: string }

const NEWLINE = 0x0a

const parseRecord = (line: string, offset: number): StoredRecord | undefined => {
  try {
    const value = JSON.parse(line) as Record<string, unknown>
    if (typeof value !== "object" || value === null) return undefined
    if (!Number.isInteger(value.seq) || typeof value.event !== "object") return undefined
    return {
      seq: value.seq as number,
      event: value.event,
      ...(value.incident === undefined ? {} : { incident: value.incident }),
      offset,
    }
  } catch {
    return undefined
  }
}

/** Parses `bytes`, which start at absolute offset `base` of the file. */
export const parseChunk = (bytes: Uint8Array, base: number): ParseOutcome => {
  const records: Array<StoredRecord> = []
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let position = 0
  while (position < text.length) {
    const newline = text.indexOf(NEWLINE, position)
    if (newline === -1) {
      return {
        _tag: "parsed",
        chunk: {
          records,
          end: base + position,
          torn: { offset: base + position, length: text.length - position },
        },
      }
    }
    const record = parseRecord(text.toString("utf8", position, newline), base + position)
    if (record === undefined) {
      if (newline === text.length - 1)
        return {
          _tag: "parsed",
          chunk: {
            records,
            end: base + position,
            torn: { offset: base + position, length: text.length - position },
          },
        }
      return {
        _tag: "corrupt",
        offset: base + position,
        problem: "a record that is not valid JSON, with complete records after it",
      }
    }
    records.push(record)
    position = newline + 1
  }
  return { _tag: "parsed", chunk: { records, end: base + position } }
}
