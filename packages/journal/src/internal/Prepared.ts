// The journal's frequent statements as prepared ones: PostgreSQL parses and plans a prepared
// statement once per connection, then only binds and executes it. Under an alert storm the same
// few statements (the look-up of a group's key, the create of a batch, the read of a row, the
// dispatch locks) run hundreds of times a second, and their parsing and planning was much of the
// database's work. A statement's name stands for its text (a schema's statements have names of
// their own), and pg prepares it on each connection the first time it runs there.
import type * as Pg from "pg"

const names = new Map<string, string>()

/** `text` with `values`, to run as the prepared statement named for the text. */
export const prepared = (text: string, values: ReadonlyArray<unknown> = []): Pg.QueryConfig => {
  let name = names.get(text)
  if (name === undefined) {
    name = `ir_${names.size + 1}`
    names.set(text, name)
  }
  return { name, text, values: [...values] }
}

/**
 * `text` with `values`, planned at each run instead: for the look-ups of a few rows of a table
 * that grows (by keys, `= ANY($1)`, or by what changed since a point). PostgreSQL keeps the plan
 * a prepared statement settled on, and the one it makes while the table is nearly empty scans
 * the whole table; planned with the values at hand, the look-up goes through the index once the
 * table is larger. Under an alert storm into a new journal, each prepared look-up read every
 * incident opened so far.
 */
export const plannedEachRun = (
  text: string,
  values: ReadonlyArray<unknown> = [],
): Pg.QueryConfig => ({ text, values: [...values] })
