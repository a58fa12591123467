// Versioned schema migrations of the PostgreSQL journal. They run in one transaction under a
// transaction-scoped advisory lock, so several replicas starting at once apply each version
// exactly once; a version already in schema_migrations is skipped. Append new versions at the
// end; never edit one that has shipped.
import type { PoolClient } from "pg"

export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: (schema: string) => string
}

export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: "incidents, events and the per-year counter",
    sql: (s) => `
      CREATE TABLE ${s}.incidents (
        id uuid PRIMARY KEY,
        human_id text NOT NULL UNIQUE,
        dedup_key text,
        title text NOT NULL,
        status text NOT NULL,
        severity text NOT NULL,
        playbooks text[] NOT NULL,
        opened_at timestamptz NOT NULL,
        resolved_at timestamptz,
        sequence integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- One unresolved incident per alert key: two receiver replicas handling the same alert
      -- open one incident, and the alert firing again after resolution opens a new one.
      CREATE UNIQUE INDEX incidents_active_dedup_key ON ${s}.incidents (dedup_key)
        WHERE dedup_key IS NOT NULL AND status <> 'resolved';
      CREATE INDEX incidents_dedup_key ON ${s}.incidents (dedup_key, opened_at DESC)
        WHERE dedup_key IS NOT NULL;
      CREATE INDEX incidents_opened_at ON ${s}.incidents (opened_at DESC);
      CREATE TABLE ${s}.incident_events (
        incident_id uuid NOT NULL REFERENCES ${s}.incidents (id),
        seq integer NOT NULL CHECK (seq > 0),
        type text NOT NULL,
        at timestamptz NOT NULL,
        body jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (incident_id, seq)
      );
      CREATE TABLE ${s}.incident_counters (
        year integer PRIMARY KEY,
        last integer NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "maintenance windows",
    // The window as core's Schema encodes it, and its end apart: ending a window early moves
    // `ends_at` (the stored body keeps the end it was declared with).
    sql: (s) => `
      CREATE TABLE ${s}.maintenance_windows (
        id text PRIMARY KEY,
        body jsonb NOT NULL,
        ends_at timestamptz NOT NULL,
        ended_at timestamptz,
        ended_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 3,
    name: "keys recorded once",
    sql: (s) => `
      CREATE TABLE ${s}.once_keys (
        key text PRIMARY KEY,
        at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 4,
    name: "figures with the summary",
    // What /metrics measures of each incident (see SummaryFigures), with the sequence it was
    // taken at: a row written since by a version of ir that does not keep it is read instead.
    sql: (s) => `ALTER TABLE ${s}.incidents ADD COLUMN figures jsonb;`,
  },
  {
    version: 5,
    name: "incidents in progress",
    // The incidents not resolved, newest first: what `ir incident list`, the responder's clock
    // and `damaged` ask for. Without it each scanned the whole table (about 10 ms at 10,000 incidents).
    sql: (s) => `
      CREATE INDEX IF NOT EXISTS incidents_in_progress ON ${s}.incidents (opened_at DESC)
        WHERE status <> 'resolved';
    `,
  },
  {
    version: 6,
    name: "the transaction that last wrote each incident",
    // What a long-running process (the responder's clock) asks for to learn what changed since
    // its last look, instead of every incident in view (see PostgresJournal's view). A trigger,
    // not the statements of this version, sets it: a write by any writer (an older ir, a
    // hand-written UPDATE) is seen. Rows from before this version keep NULL: a view is first
    // built in full, after the migration.
    sql: (s) => `
      ALTER TABLE ${s}.incidents ADD COLUMN changed xid8;
      CREATE FUNCTION ${s}.incident_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.changed := pg_current_xact_id();
          RETURN NEW;
        END
      $$;
      CREATE TRIGGER incidents_changed BEFORE INSERT OR UPDATE ON ${s}.incidents
        FOR EACH ROW EXECUTE FUNCTION ${s}.incident_changed();
      CREATE INDEX incidents_changed ON ${s}.incidents (changed);
    `,
  },
]

/** The oldest PostgreSQL the migrations run on (`server_version_num`): 13 has `xid8`. */
export const oldestServer = 130000

/** Why the server cannot hold the journal, from its `server_version_num`; undefined when it can. */
export const serverTooOld = (versionNum: number): string | undefined =>
  versionNum >= oldestServer
    ? undefined
    : `the server runs PostgreSQL ${Math.floor(versionNum / 10000)}; the journal needs ${oldestServer / 10000} or later`

/** An identifier quoted for SQL; schema names are also checked by the caller. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** Applies the migrations not yet applied; returns the versions it applied. */
export const migrate = async (
  client: PoolClient,
  schemaName: string,
): Promise<ReadonlyArray<number>> => {
  const s = quoteIdent(schemaName)
  const applied: Array<number> = []
  // A schema already at the latest version needs no lock and no DDL: one read (a read-only role
  // can then use it too). Anything else, a missing table included, takes the full path.
  const versions = migrations.map((migration) => migration.version)
  const current = await client
    .query<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${s}.schema_migrations WHERE version = ANY($1::int[])`,
      [versions],
    )
    .then(
      ({ rows }) => rows[0]?.count === versions.length,
      () => false,
    )
  if (current) return applied
  const { rows: server } = await client.query<{ version: number }>(
    "SELECT current_setting('server_version_num')::int AS version",
  )
  const tooOld = serverTooOld(server[0]?.version ?? 0)
  if (tooOld !== undefined) throw new Error(tooOld)
  await client.query("BEGIN")
  try {
    // Two-key form: a fixed class id for this package, the schema's hash for the object.
    await client.query("SELECT pg_advisory_xact_lock(20261128, hashtext($1))", [schemaName])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${s}.schema_migrations`,
    )
    const done = new Set(rows.map((row) => row.version))
    for (const migration of migrations) {
      if (done.has(migration.version)) continue
      await client.query(migration.sql(s))
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ])
      applied.push(migration.version)
    }
    await client.query("COMMIT")
    return applied
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined)
    throw error
  }
}
