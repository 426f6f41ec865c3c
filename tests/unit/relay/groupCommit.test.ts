import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GroupCommit } from '../../../Relay/store/groupCommit';
import type { Outcome } from '../../../Relay/store/groupCommit';
import {
  RECEIPT_PRUNE_BATCH,
  RECEIPT_PRUNE_INTERVAL_MS,
  SqliteStore,
} from '../../../Relay/store/sqliteStore';

const job = (key: string) => ({ kind: 'opportunity.sync', key, payload: { reason: 'Update' } });

describe('GroupCommit', () => {
  it('commits what was submitted in one turn as one batch, and settles nobody before it returned', async () => {
    const batches: string[][] = [];
    let committed = false;
    const group = new GroupCommit<string, string>((items) => {
      batches.push(items);
      committed = true;
      return items.map((item): Outcome<string> => ({ ok: true, value: item.toUpperCase() }));
    });
    const settledBeforeCommit: boolean[] = [];
    const answers = ['a', 'b', 'c'].map((item) =>
      group.submit(item).then((value) => (settledBeforeCommit.push(!committed), value)),
    );
    expect(group.waiting).toBe(3);
    expect(await Promise.all(answers)).toEqual(['A', 'B', 'C']);
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(settledBeforeCommit).toEqual([false, false, false]);
  });

  it('fails only the item that failed, and every item when the commit fails', async () => {
    const oneFails = new GroupCommit<number, number>((items) =>
      items.map((n) => (n === 2 ? { ok: false, error: new Error('bad item') } : { ok: true, value: n })),
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => oneFails.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    const commitFails = new GroupCommit<number, number>(() => {
      throw new Error('disk I/O error');
    });
    const all = await Promise.allSettled([1, 2].map((n) => commitFails.submit(n)));
    expect(all).toEqual([
      { status: 'rejected', reason: new Error('disk I/O error') },
      { status: 'rejected', reason: new Error('disk I/O error') },
    ]);
  });

  it('answers after the sync that followed the commit; batches committed during a sync share the next', async () => {
    const syncs: Array<() => void> = [];
    const group = new GroupCommit<number, number>((items) => items.map((value) => ({ ok: true, value })), {
      sync: () => new Promise<void>((resolve) => syncs.push(resolve)),
    });
    const answered: number[] = [];
    const answer = (n: number) => group.submit(n).then((value) => void answered.push(value));
    const first = answer(1);
    await new Promise((resolve) => setImmediate(resolve)); // committed; its sync is running
    expect(syncs).toHaveLength(1);
    const later = [answer(2), answer(3)];
    await new Promise((resolve) => setImmediate(resolve)); // committed, waiting for the running sync
    expect(answered).toEqual([]);
    expect(syncs).toHaveLength(1);
    syncs[0]!();
    await first;
    expect(answered).toEqual([1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(syncs).toHaveLength(2); // one sync for both later batches' commits
    syncs[1]!();
    await Promise.all(later);
    expect(answered).toEqual([1, 2, 3]);
    expect(group.stats).toEqual({ commits: 2, syncs: 2, items: 3 });
  });

  it('with two syncs allowed, a batch committed during a sync starts its own, and a sync that returns answers every batch committed before it started', async () => {
    const syncs: Array<() => void> = [];
    const group = new GroupCommit<number, number>((items) => items.map((value) => ({ ok: true, value })), {
      sync: () => new Promise<void>((resolve) => syncs.push(resolve)),
      concurrentSyncs: 2,
    });
    const answered: number[] = [];
    const answer = (n: number) => group.submit(n).then((value) => void answered.push(value));
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const first = answer(1);
    await turn();
    const second = answer(2);
    await turn();
    expect(syncs).toHaveLength(2); // the second batch did not wait for the first sync
    const third = answer(3);
    await turn();
    expect(syncs).toHaveLength(2); // both busy: the third waits for the next to start
    syncs[1]!();
    await Promise.all([first, second]);
    // The second sync started after the first batch's commit: its return makes both durable.
    expect(answered).toEqual([1, 2]);
    await turn();
    expect(syncs).toHaveLength(3); // started for the third once one was free
    syncs[2]!();
    await third;
    expect(answered).toEqual([1, 2, 3]);
    const drained = group.drain();
    syncs[0]!(); // returns late: nothing left to answer
    await drained;
    expect(answered).toEqual([1, 2, 3]);
    expect(group.stats).toEqual({ commits: 3, syncs: 3, items: 3 });
  });

  it('a sync that fails fails only its own batches, not those of a sync that started before it', async () => {
    const syncs: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
    const group = new GroupCommit<number, number>((items) => items.map((value) => ({ ok: true, value })), {
      sync: () => new Promise<void>((resolve, reject) => syncs.push({ resolve, reject })),
      concurrentSyncs: 2,
    });
    const first = group.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = group.submit(2);
    await new Promise((resolve) => setImmediate(resolve));
    syncs[1]!.reject(new Error('EIO'));
    await expect(second).rejects.toThrow('EIO');
    syncs[0]!.resolve();
    await expect(first).resolves.toBe(1);
  });

  it('fails what a failed sync covered', async () => {
    const group = new GroupCommit<number, number>((items) => items.map((value) => ({ ok: true, value })), {
      sync: async () => {
        throw new Error('EIO');
      },
    });
    await expect(group.submit(1)).rejects.toThrow('EIO');
  });

  it('commits at once when a batch is full', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>(
      (items) => {
        sizes.push(items.length);
        return items.map((value) => ({ ok: true, value }));
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3].map((n) => group.submit(n)));
    expect(sizes).toEqual([2, 1]);
  });
});

describe('SqliteStore enqueue (group commit, receipts)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'cosell-group-commit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers only after the commit holding the jobs: another connection sees them by then, not before', async () => {
    const filename = path.join(dir, 'relay.sqlite');
    const store = new SqliteStore({ filename });
    const reader = new Database(filename, { readonly: true });
    const count = () => (reader.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;
    try {
      const deliveries = ['1', '2', '3'].map((n) =>
        store.enqueue([job(`opportunity:${n}`)], { receipt: `dataverse:op-${n}` }).then(count),
      );
      const visibleBeforeAnswers = count();
      const visibleAtAnswers = await Promise.all(deliveries);
      expect(visibleBeforeAnswers).toBe(0); // submitted, not yet committed: nobody has been answered
      expect(visibleAtAnswers).toEqual([3, 3, 3]); // one commit for the three
    } finally {
      reader.close();
      await store.close();
    }
  });

  it('fails one delivery without losing the others committed with it', async () => {
    const store = new SqliteStore({ filename: ':memory:' });
    try {
      const unserialisable = { kind: 'opportunity.sync', key: 'opportunity:2', payload: { n: BigInt(1) } };
      const results = await Promise.allSettled([
        store.enqueue([job('opportunity:1')], { receipt: 'r1' }),
        store.enqueue([job('opportunity:9'), unserialisable], { receipt: 'r2' }),
        store.enqueue([job('opportunity:3')], { receipt: 'r3' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      // All or none for the failed delivery: neither its first job nor its receipt stayed.
      expect(await store.depth()).toEqual({ queued: 2, running: 0, dead: 0 });
      const [again] = await store.enqueue([job('opportunity:9')], { receipt: 'r2' });
      expect(again!.duplicate).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('treats a repeat in the same batch as a duplicate', async () => {
    const store = new SqliteStore({ filename: ':memory:' });
    try {
      const [first, second] = await Promise.all([
        store.enqueue([job('opportunity:1')], { receipt: 'same' }),
        store.enqueue([job('opportunity:1')], { receipt: 'same' }),
      ]);
      expect(first![0]!.duplicate).toBe(false);
      expect(second![0]!.duplicate).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('accepts a redelivery once its receipt expired, and deletes expired receipts in bounded batches', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const day = 24 * 3600_000;
    const filename = path.join(dir, 'relay.sqlite');
    const store = new SqliteStore({ filename, now: () => new Date(now), receiptTtlMs: day });
    const db = new Database(filename);
    const receipts = () => (db.prepare('SELECT COUNT(*) AS n FROM receipts').get() as { n: number }).n;
    try {
      await store.enqueue([job('opportunity:1')], { receipt: 'old' });
      const insert = db.prepare('INSERT INTO receipts (receipt, received_at) VALUES (?, ?)');
      // Older than 'old' by 1 ms: clean-up (oldest first) reaches them first.
      db.transaction(() => {
        for (let i = 0; i < RECEIPT_PRUNE_BATCH + 10; i++) insert.run(`seeded-${i}`, now - 1);
      })();
      // Within the TTL: a duplicate.
      now += day - 1;
      expect((await store.enqueue([job('opportunity:1')], { receipt: 'old' }))[0]!.duplicate).toBe(true);
      // Past it: new again, whether or not clean-up has reached it yet.
      now += RECEIPT_PRUNE_INTERVAL_MS + 2;
      expect((await store.enqueue([job('opportunity:2')], { receipt: 'old' }))[0]!.duplicate).toBe(false);
      // That commit deleted one batch of the expired receipts (not the one just renewed)…
      expect(receipts()).toBe(11);
      // …and, as a full batch came out, the next commit takes the rest.
      await store.enqueue([job('opportunity:3')], { receipt: 'new' });
      expect(receipts()).toBe(2);
      const plan = db
        .prepare('EXPLAIN QUERY PLAN SELECT rowid FROM receipts WHERE received_at < ? ORDER BY received_at')
        .all(now) as Array<{ detail: string }>;
      expect(plan.map((step) => step.detail).join('\n')).toMatch(
        /USING (COVERING )?INDEX receipts_received_at/,
      );
    } finally {
      db.close();
      await store.close();
    }
  });
});
