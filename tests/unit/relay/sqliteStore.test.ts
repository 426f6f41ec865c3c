import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QueueOwnedError } from '../../../Relay/store/queueOwnership';
import { SqliteStore } from '../../../Relay/store/sqliteStore';

const at = (iso: string) => new Date(iso);

/** What only the embedded store does; the shared semantics are in tests/contract/store. */
describe('SqliteStore', () => {
  let now = at('2026-01-01T00:00:00Z');
  const clock = () => now;
  let store: SqliteStore;
  beforeEach(() => {
    now = at('2026-01-01T00:00:00Z');
    store = new SqliteStore({ filename: ':memory:', now: clock });
  });
  afterEach(() => store.close());

  const job = (key: string, payload: Record<string, unknown> = {}, kind = 'opportunity.sync') => ({
    kind,
    key,
    payload,
  });

  it('one owner per queue file: a second owner is refused before it touches a job', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cosell-store-'));
    try {
      const filename = path.join(dir, 'relay.sqlite');
      const owner = new SqliteStore({ filename, now: clock, owner: true });
      await owner.enqueue([job('opportunity:1')]);
      const running = await owner.claim(now);
      expect(() => new SqliteStore({ filename, now: clock, owner: true })).toThrow(QueueOwnedError);
      // A reader (cosell dead-letters) still opens it, and the job is still the owner's.
      const reader = new SqliteStore({ filename, now: clock });
      expect(await reader.getJob(running!.id)).toMatchObject({ status: 'running', attempts: 1 });
      await reader.close();
      await owner.close();
      const next = new SqliteStore({ filename, now: clock, owner: true });
      await next.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('upgrades a queue written before leases: its running jobs are claimable at once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cosell-store-'));
    try {
      const filename = path.join(dir, 'relay.sqlite');
      const old = new Database(filename);
      old.exec(`CREATE TABLE jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, run_at INTEGER NOT NULL, created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL, last_error TEXT, correlation_id TEXT);
        INSERT INTO jobs VALUES ('j1', 'opportunity.sync', 'opportunity:1', '{}', 'running', 1, 0, 0, 0, NULL, NULL);`);
      old.close();
      const upgraded = new SqliteStore({ filename, now: clock });
      expect(await upgraded.claim(now)).toMatchObject({ id: 'j1', attempts: 2 });
      await upgraded.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
