/**
 * The PostgreSQL store's versioned schema. Entry i takes the schema from version i to i + 1; every
 * relay applies what is missing at start, inside one transaction under a transaction-level advisory
 * lock, so replicas starting together migrate once and none sees a half-built schema.
 * https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
import type { Pool } from 'pg';

export const POSTGRES_MIGRATIONS: ReadonlyArray<(schema: string) => string> = [
  (s) => `
    CREATE TABLE ${s}.jobs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      key TEXT NOT NULL,
      payload JSONB NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'dead')),
      attempts INTEGER NOT NULL DEFAULT 0,
      run_at TIMESTAMPTZ NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      last_error TEXT,
      correlation_id TEXT,
      lease_until TIMESTAMPTZ
    );
    CREATE INDEX jobs_due ON ${s}.jobs (status, run_at);
    CREATE INDEX jobs_key ON ${s}.jobs (key, status);
    CREATE TABLE ${s}.receipts (receipt TEXT PRIMARY KEY, received_at TIMESTAMPTZ NOT NULL);
    CREATE INDEX receipts_age ON ${s}.receipts (received_at);
    CREATE TABLE ${s}.state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
];

/** A schema name goes into SQL text (identifiers cannot be parameters): only plain names pass. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
  return schema;
}

/** Lock ids are 64-bit; hashtext folds a name into one, in the database, identically for every replica. */
export const lockIdSql = (param: string) => `hashtext(${param})::bigint`;

/** Whether a relay has ever migrated `schema` (its version table is the first thing it creates). */
export async function schemaExists(pool: Pool, schema: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
    `${schema}.schema_migrations`,
  ]);
  return rows[0]?.found === true;
}

export async function migratePostgres(pool: Pool, schema: string): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${lockIdSql('$1')})`, [`cosell:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT MAX(version) AS version FROM ${schema}.schema_migrations`,
    );
    const current = rows[0]?.version ?? 0;
    for (let version = current; version < POSTGRES_MIGRATIONS.length; version += 1) {
      await client.query(POSTGRES_MIGRATIONS[version]!(schema));
      await client.query(`INSERT INTO ${schema}.schema_migrations (version) VALUES ($1)`, [version + 1]);
    }
    await client.query('COMMIT');
    return POSTGRES_MIGRATIONS.length - current;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
