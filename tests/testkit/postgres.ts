/**
 * PostgreSQL for tests: the machine's server (127.0.0.1:5432, database `test`, trust auth) unless
 * COSELL_TEST_DATABASE_URL names another. Each test gets its own schema, so parallel jest workers and
 * processes never share tables; it is dropped afterwards. An unreachable server fails the test: the
 * PostgreSQL store is never skipped silently.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const TEST_DATABASE_URL =
  process.env.COSELL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const uniqueSchemaName = (label = 'test') =>
  `cosell_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;

export async function dropSchema(schema: string, url = TEST_DATABASE_URL): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
