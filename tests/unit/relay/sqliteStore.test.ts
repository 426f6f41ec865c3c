import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QueueOwnedError } from '../../../Relay/store/queueOwnership';
import { SqliteStore } from '../../../Relay/store/sqliteStore';

const at = (iso: string) => new Date(iso);

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

  it('coalesces a burst for one record into one queued job, later fields winning', async () => {
    const [a] = await store.enqueue([job('opportunity:1', { reason: 'Create' })]);
    const [b] = await store.enqueue([job('opportunity:1', { reason: 'Update' })]);
    const [c] = await store.enqueue([job('opportunity:1', { closing: { outcome: 'won' } })]);
    expect(b).toEqual({ jobId: a!.jobId, coalesced: true, duplicate: false });
    expect(c!.jobId).toBe(a!.jobId);
    expect(await store.depth()).toEqual({ queued: 1, running: 0, dead: 0 });
    const claimed = await store.claim(now);
    expect(claimed!.payload).toEqual({ reason: 'Update', closing: { outcome: 'won' } });
  });

  it('runs one job at a time per key, and other keys meanwhile', async () => {
    await store.enqueue([job('opportunity:1', { n: 1 })]);
    const first = await store.claim(now);
    // Arrives while the first runs: a new job (not merged into the running one)…
    const [second] = await store.enqueue([job('opportunity:1', { n: 2 })]);
    expect(second!.coalesced).toBe(false);
    await store.enqueue([job('referral:9')]);
    // …which waits: the next claim takes the other key.
    expect((await store.claim(now))!.key).toBe('referral:9');
    expect(await store.claim(now)).toBeNull();
    await store.complete(first!.id);
    expect((await store.claim(now))!.payload).toEqual({ n: 2 });
  });

  it('drops a second delivery with the same receipt', async () => {
    const first = await store.enqueue([job('opportunity:1')], { receipt: 'dataverse:op-1' });
    const again = await store.enqueue([job('opportunity:1')], { receipt: 'dataverse:op-1' });
    expect(first[0]!.duplicate).toBe(false);
    expect(again).toEqual([{ jobId: null, coalesced: false, duplicate: true }]);
  });

  it('retries at the given time, dead-letters on null, and retries a dead letter on request', async () => {
    await store.enqueue([job('opportunity:1')]);
    const claimed = await store.claim(now);
    await store.fail(claimed!.id, 'ApiError: 503', at('2026-01-01T00:00:10Z'));
    expect(await store.claim(now)).toBeNull();
    expect(await store.nextRunAt()).toEqual(at('2026-01-01T00:00:10Z'));
    const retry = await store.claim(at('2026-01-01T00:00:10Z'));
    expect(retry!.attempts).toBe(2);
    await store.fail(retry!.id, 'ApiError: 400 bad', null);
    const [dead] = await store.listDeadLetters();
    expect(dead).toMatchObject({
      id: claimed!.id,
      status: 'dead',
      attempts: 2,
      lastError: 'ApiError: 400 bad',
    });
    expect(await store.retryDeadLetter(dead!.id, now)).toBe(true);
    expect(await store.retryDeadLetter('nope', now)).toBe(false);
    expect((await store.claim(now))!.attempts).toBe(1);
  });

  it('keeps queued and running jobs across a restart; a running job is taken over only when its lease lapsed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cosell-store-'));
    try {
      const filename = path.join(dir, 'relay.sqlite');
      const first = new SqliteStore({ filename, now: clock, leaseMs: 30_000 });
      await first.enqueue([job('opportunity:1'), job('referral:2', {}, 'referral.pull')]);
      const running = await first.claim(now); // "crash" while running
      expect(running!.leaseUntil).toEqual(at('2026-01-01T00:00:30Z'));
      await first.setState('watermark', '2026-01-01T00:00:00.000Z');
      await first.close();

      const second = new SqliteStore({ filename, now: clock, leaseMs: 30_000 });
      expect(await second.depth()).toEqual({ queued: 1, running: 1, dead: 0 });
      expect((await second.claim(now))!.key).toBe('referral:2');
      // The lease still holds: nobody else runs opportunity:1…
      expect(await second.claim(at('2026-01-01T00:00:29Z'))).toBeNull();
      // …until it lapses; then the attempt counts.
      const takenOver = await second.claim(at('2026-01-01T00:00:30Z'));
      expect(takenOver).toMatchObject({ id: running!.id, attempts: 2, status: 'running' });
      expect(await second.getState('watermark')).toBe('2026-01-01T00:00:00.000Z');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a renewed lease keeps the job with its worker', async () => {
    await store.enqueue([job('opportunity:1')]);
    const claimed = await store.claim(now);
    now = at('2026-01-01T00:00:50Z');
    expect(await store.renewLease(claimed!.id, now)).toBe(true);
    expect(await store.claim(at('2026-01-01T00:01:00Z'))).toBeNull();
    await store.complete(claimed!.id);
    expect(await store.renewLease(claimed!.id, now)).toBe(false);
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

  it('defers without counting an attempt', async () => {
    await store.enqueue([job('opportunity:1')]);
    const claimed = await store.claim(now);
    await store.defer(claimed!.id, at('2026-01-01T01:00:00Z'), 'field map invalid');
    const again = await store.claim(at('2026-01-01T01:00:00Z'));
    expect(again!.attempts).toBe(1);
    expect(again!.lastError).toBe('field map invalid');
  });
});
