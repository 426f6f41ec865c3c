/**
 * `cosell store migrate --to postgres://…` moves a stopped relay's SQLite queue to PostgreSQL:
 * queued and interrupted jobs, dead letters, receipts (a retried delivery stays a duplicate) and
 * watermarks. It refuses a running relay's queue, a missing one and a PostgreSQL queue in use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PostgresStore } from '../../../Relay/store/postgresStore';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { afterTest, closeAfterTest } from '../../testkit/cleanup';
import { TEST_DATABASE_URL, dropSchema, uniqueSchemaName } from '../../testkit/postgres';
import { cosell } from './run';

describe('cosell store migrate', () => {
  let dir: string;
  let schema: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cosell-migrate-'));
    schema = uniqueSchemaName('migrate');
    afterTest(() => dropSchema(schema));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const migrate = () =>
    cosell('store', 'migrate', '--to', TEST_DATABASE_URL, '--schema', schema, '--data-dir', dir);

  it('copies jobs, dead letters, receipts and watermarks into an empty PostgreSQL queue', async () => {
    const now = new Date(Date.now() + 60_000); // every job is due by then
    const sqlite = new SqliteStore({ filename: path.join(dir, 'relay.sqlite') });
    await sqlite.enqueue(
      [{ kind: 'opportunity.sync', key: 'opportunity:1', payload: { reason: 'Update' } }],
      {
        receipt: 'dataverse:op-1',
      },
    );
    await sqlite.enqueue([{ kind: 'referral.pull', key: 'referral:2', payload: {} }]);
    await sqlite.enqueue([{ kind: 'lead.sync', key: 'lead:3', payload: {} }]);
    const dead = await sqlite.claim(now);
    await sqlite.fail(dead!.id, 'ApiError: 400 bad', null);
    const interrupted = await sqlite.claim(now); // the relay stopped while this ran
    await sqlite.setState('reconcile.referrals.watermark', '2026-01-01T00:00:00.000Z');
    await sqlite.setState('etag:referral:2', 'W/"7"');
    await sqlite.close();

    const result = await migrate();
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(
      /copied 3 jobs \(2 queued, 1 dead letters\), 1 delivery receipts, 2 state entries/,
    );
    expect(result.out).not.toMatch(/postgres:\/\//);

    const pg = closeAfterTest(await PostgresStore.open({ connectionString: TEST_DATABASE_URL, schema }));
    expect(await pg.depth()).toEqual({ queued: 2, running: 0, dead: 1 });
    expect(await pg.listDeadLetters()).toMatchObject([{ id: dead!.id, lastError: 'ApiError: 400 bad' }]);
    expect(await pg.getState('reconcile.referrals.watermark')).toBe('2026-01-01T00:00:00.000Z');
    expect(await pg.getState('etag:referral:2')).toBe('W/"7"');
    const [again] = await pg.enqueue([{ kind: 'opportunity.sync', key: 'opportunity:1', payload: {} }], {
      receipt: 'dataverse:op-1',
    });
    expect(again!.duplicate).toBe(true);
    const claimed: string[] = [];
    for (let job = await pg.claim(now); job; job = await pg.claim(now)) claimed.push(job.id);
    expect(claimed).toContain(interrupted!.id);
    expect(claimed).toHaveLength(2);

    // A second run would merge two queues: refused.
    const second = await migrate();
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/is not empty/);
  });

  it('refuses while a relay owns the queue, and when there is no queue', async () => {
    const owner = new SqliteStore({ filename: path.join(dir, 'relay.sqlite'), owner: true });
    const refused = await migrate();
    await owner.close();
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/another relay already owns the queue/);

    const missing = await cosell(
      'store',
      'migrate',
      '--to',
      TEST_DATABASE_URL,
      '--data-dir',
      path.join(dir, 'typo'),
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no relay database in .*typo/);
  });
});
