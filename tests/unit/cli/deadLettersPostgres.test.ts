/**
 * `cosell dead-letters` opens the queue `cosell relay` runs on: with COSELL_DATABASE_URL set, the
 * PostgreSQL queue in COSELL_DATABASE_SCHEMA, whatever --data-dir holds (docs/operations.md).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { PostgresStore } from '../../../Relay/store/postgresStore';
import { afterTest, closeAfterTest } from '../../testkit/cleanup';
import { TEST_DATABASE_URL, dropSchema, uniqueSchemaName } from '../../testkit/postgres';
import { cosell } from './run';

/** Set environment variables for the current test only. */
function setEnv(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const before = process.env[name];
    process.env[name] = value;
    afterTest(() => {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    });
  }
}

describe('cosell dead-letters with COSELL_DATABASE_URL', () => {
  it('lists, retries and discards the dead letters of the PostgreSQL queue, and leaves --data-dir untouched', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cosell-dead-letters-'));
    afterTest(() => rmSync(dir, { recursive: true, force: true }));
    const schema = uniqueSchemaName('deadletters');
    afterTest(() => dropSchema(schema));
    const pg = closeAfterTest(await PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema }));
    await pg.enqueue([{ kind: 'opportunity.sync', key: 'opportunity:1', payload: {} }]);
    const dead = await pg.claim(new Date(Date.now() + 60_000));
    await pg.fail(dead!.id, 'ApiError: 400 bad', null);
    setEnv({ COSELL_DATABASE_URL: TEST_DATABASE_URL, COSELL_DATABASE_SCHEMA: schema });

    const listed = await cosell('dead-letters', '--data-dir', dir, 'list', '--json');
    expect(listed).toMatchObject({ code: 0, err: '' });
    expect(listed.json()).toMatchObject([{ id: dead!.id, lastError: 'ApiError: 400 bad' }]);

    expect(await cosell('dead-letters', '--data-dir', dir, 'retry', dead!.id)).toMatchObject({
      code: 0,
      out: `requeued ${dead!.id}\n`,
    });
    expect(await pg.depth()).toEqual({ queued: 1, running: 0, dead: 0 });
    expect(await cosell('dead-letters', '--data-dir', dir, 'list')).toMatchObject({
      code: 0,
      out: 'no dead letters\n',
    });

    const again = await pg.claim(new Date(Date.now() + 60_000));
    await pg.fail(again!.id, 'ApiError: 404 gone', null);
    expect(await cosell('dead-letters', '--data-dir', dir, 'discard', '--all')).toMatchObject({
      code: 0,
      out: `discarded ${again!.id}\n`,
    });
    expect(await pg.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
    expect(await cosell('dead-letters', '--data-dir', dir, 'discard', again!.id)).toMatchObject({
      code: 2,
      err: `no dead letter ${again!.id}\n`,
    });
    // The SQLite queue is neither read nor created.
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(path.join(dir, 'relay.sqlite'))).toBe(false);
  });

  it('says no relay queue is in that schema, exit 1, and creates none', async () => {
    const schema = uniqueSchemaName('deadletters');
    afterTest(() => dropSchema(schema));
    setEnv({ COSELL_DATABASE_URL: TEST_DATABASE_URL, COSELL_DATABASE_SCHEMA: schema });
    const server = new URL(TEST_DATABASE_URL);
    for (const args of [['list'], ['retry', '--all']]) {
      const result = await cosell('dead-letters', ...args);
      expect(result).toMatchObject({ code: 1, out: '' });
      // Where the database is, never who signs in to it.
      expect(result.err).toBe(
        `cosell dead-letters: no relay database at ${server.host}${server.pathname} (schema ${schema}): ` +
          'is COSELL_DATABASE_SCHEMA the schema the relay runs with?\n',
      );
    }
    const pool = new Pool({ connectionString: TEST_DATABASE_URL });
    afterTest(() => pool.end());
    const { rows } = await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
      schema,
    ]);
    expect(rows).toEqual([]);
  });

  it('names the variable when COSELL_DATABASE_SCHEMA is not a schema name, exit 1', async () => {
    setEnv({ COSELL_DATABASE_URL: TEST_DATABASE_URL, COSELL_DATABASE_SCHEMA: 'Cosell; DROP' });
    const result = await cosell('dead-letters', 'list');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/COSELL_DATABASE_SCHEMA is invalid/);
  });
});
