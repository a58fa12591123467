// Splits an incident file's bytes into complete records. A record is complete when its newline
// is on disk: the writer writes `JSON + "\n"` in one append and fsyncs before acknowledging, so
// anything after the last newline (or a last line that does not parse) is a torn write from a
// crash, never an acknowledged event. A line that does not parse with complete lines after it
// is corruption, reported with its byte offset.
//
// An append of several events is all or nothing: each of its records carries `to`, the sequence
// of its last record. Complete records of a batch whose last record is missing (ENOSPC or a crash
// cut the write short, and it was never acknowledged) belong to the torn tail, not to the
// incident. Records without `to` (single-event appends, and files written before batches were
// marked) stand alone.

export interface StoredRecord {
  readonly seq: number
  readonly event: unknown
  readonly incident?: unknown
  /** In a multi-event append: the sequence of the append's last record. */
  readonly to?: number
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
      ...(Number.isInteger(value.to) ? { to: value.to as number } : {}),
      offset,
    }
  } catch {
    return undefined
  }
}

/** Parses `bytes`, which start at absolute offset `base` of the file. */
export const parseChunk = (bytes: Uint8Array, base: number): ParseOutcome => {
  const outcome = parseLines(bytes, base)
  if (outcome._tag === "corrupt") return outcome
  const { records } = outcome.chunk
  const last = records[records.length - 1]
  if (last?.to === undefined || last.seq >= last.to) return outcome
  // An unfinished batch: from its first record on, the tail is torn.
  let first = records.length - 1
  while (first > 0 && records[first - 1]?.to === last.to) first -= 1
  const offset = (records[first] as StoredRecord).offset
  return {
    _tag: "parsed",
    chunk: {
      records: records.slice(0, first),
      end: offset,
      torn: { offset, length: base + bytes.byteLength - offset },
    },
  }
}

const parseLines = (bytes: Uint8Array, base: number): ParseOutcome => {
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
