/**
 * The store contract: one suite, run against every Store implementation (embedded SQLite and
 * PostgreSQL). Whatever the relay relies on — coalescing by record, dedupe by receipt, one job per
 * record at a time, leases and takeover, retries, dead letters, watermarks and other state — is
 * pinned here, including with 8 workers in 3 processes claiming from one queue.
 * PostgreSQL is the machine's server (tests/testkit/postgres.ts); each test has its own schema, and
 * an unreachable server fails the suite.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NewJob, Store } from '../../../Relay/ports';
import { afterTest } from '../../testkit/cleanup';
import { REPO_ROOT } from '../../testkit/paths';
import { TEST_DATABASE_URL, dropSchema, uniqueSchemaName } from '../../testkit/postgres';
import { openStoreSpec } from '../../testkit/storeSpec';
import type { StoreSpec } from '../../testkit/storeSpec';

const at = (iso: string) => new Date(iso);
const T0 = '2026-01-01T00:00:00Z';
const LEASE_MS = 30_000;

/** A fresh, empty queue of one kind, removed after the test. */
interface Backend {
  name: string;
  fresh(): Promise<StoreSpec>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    fresh: async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'cosell-store-contract-'));
      afterTest(() => rmSync(dir, { recursive: true, force: true }));
      return { kind: 'sqlite', filename: path.join(dir, 'relay.sqlite') };
    },
  },
  {
    name: 'PostgreSQL',
    fresh: async () => {
      const schema = uniqueSchemaName('contract');
      afterTest(() => dropSchema(schema));
      return { kind: 'postgres', connectionString: TEST_DATABASE_URL, schema };
    },
  },
];

const job = (key: string, payload: Record<string, unknown> = {}, kind = 'opportunity.sync'): NewJob => ({
  kind,
  key,
  payload,
});

describe.each(backends)('store contract: $name', (backend) => {
  let now: Date;
  let spec: StoreSpec;
  let store: Store;
  const open = async () => {
    const opened = await openStoreSpec(spec, { now: () => now, leaseMs: LEASE_MS });
    afterTest(() => opened.close());
    return opened;
  };
  beforeEach(async () => {
    now = at(T0);
    spec = await backend.fresh();
    store = await open();
  });

  it('coalesces a burst for one record into one queued job, later fields winning', async () => {
    const [a] = await store.enqueue([job('opportunity:1', { reason: 'Create' })]);
    const [b] = await store.enqueue([job('opportunity:1', { reason: 'Update' })]);
    const [c] = await store.enqueue([job('opportunity:1', { closing: { outcome: 'won' } })]);
    expect(a).toEqual({ jobId: expect.any(String), coalesced: false, duplicate: false });
    expect(b).toEqual({ jobId: a!.jobId, coalesced: true, duplicate: false });
    expect(c!.jobId).toBe(a!.jobId);
    // Another kind on the same record is its own job.
    const [other] = await store.enqueue([job('opportunity:1', {}, 'opportunity.respond')]);
    expect(other!.coalesced).toBe(false);
    expect(await store.depth()).toEqual({ queued: 2, running: 0, dead: 0 });
    const claimed = await store.claim(now);
    expect(claimed!.payload).toEqual({ reason: 'Update', closing: { outcome: 'won' } });
  });

  it('a coalesced job runs no later than either request asked', async () => {
    await store.enqueue([{ ...job('opportunity:1'), runAt: at('2026-01-01T00:10:00Z') }]);
    await store.enqueue([{ ...job('opportunity:1'), runAt: at('2026-01-01T00:05:00Z') }]);
    await store.enqueue([{ ...job('opportunity:1'), runAt: at('2026-01-01T00:20:00Z') }]);
    expect(await store.nextRunAt()).toEqual(at('2026-01-01T00:05:00Z'));
    expect(await store.claim(at('2026-01-01T00:04:59Z'))).toBeNull();
    expect(await store.claim(at('2026-01-01T00:05:00Z'))).not.toBeNull();
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

  it('drops a second delivery with the same receipt, atomically for all its jobs', async () => {
    const first = await store.enqueue([job('opportunity:1'), job('lead:2', {}, 'lead.sync')], {
      receipt: 'dataverse:op-1',
    });
    const again = await store.enqueue([job('opportunity:1'), job('lead:2', {}, 'lead.sync')], {
      receipt: 'dataverse:op-1',
    });
    expect(first.map((r) => r.duplicate)).toEqual([false, false]);
    expect(again).toEqual([
      { jobId: null, coalesced: false, duplicate: true },
      { jobId: null, coalesced: false, duplicate: true },
    ]);
    expect(await store.depth()).toEqual({ queued: 2, running: 0, dead: 0 });
  });

  it('forgets receipts older than a week', async () => {
    await store.enqueue([job('opportunity:1')], { receipt: 'dataverse:op-1' });
    now = at('2026-01-09T00:00:00Z');
    const later = await store.enqueue([job('opportunity:1')], { receipt: 'dataverse:op-1' });
    expect(later[0]!.duplicate).toBe(false);
  });

  it('retries at the given time, dead-letters on null, and retries a dead letter on request', async () => {
    await store.enqueue([job('opportunity:1')]);
    const claimed = await store.claim(now);
    await store.fail(claimed!.id, 'ApiError: 503', at('2026-01-01T00:00:10Z'));
    expect(await store.claim(now)).toBeNull();
    expect(await store.nextRunAt()).toEqual(at('2026-01-01T00:00:10Z'));
    const retry = await store.claim(at('2026-01-01T00:00:10Z'));
    expect(retry!.attempts).toBe(2);
    expect(retry!.lastError).toBe('ApiError: 503');
    await store.fail(retry!.id, 'ApiError: 400 bad', null);
    expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 1 });
    const [dead] = await store.listDeadLetters();
    expect(dead).toMatchObject({
      id: claimed!.id,
      kind: 'opportunity.sync',
      key: 'opportunity:1',
      status: 'dead',
      attempts: 2,
      lastError: 'ApiError: 400 bad',
      leaseUntil: null,
    });
    // A dead letter holds no key: newer work for the record runs.
    await store.enqueue([job('opportunity:1', { n: 2 })]);
    const newer = await store.claim(now);
    expect(newer!.payload).toEqual({ n: 2 });
    await store.complete(newer!.id);
    expect(await store.retryDeadLetter(dead!.id, now)).toBe(true);
    expect(await store.retryDeadLetter(dead!.id, now)).toBe(false);
    expect(await store.retryDeadLetter('00000000-0000-4000-8000-000000000000', now)).toBe(false);
    expect((await store.claim(now))!.attempts).toBe(1);
  });

  it('discards a dead letter, and nothing else', async () => {
    await store.enqueue([job('opportunity:1'), job('opportunity:2')]);
    const first = await store.claim(now);
    await store.fail(first!.id, 'ApiError: 404 gone', null);
    const second = await store.claim(now);
    expect(await store.discardDeadLetter(second!.id)).toBe(false);
    expect(await store.discardDeadLetter(first!.id)).toBe(true);
    expect(await store.discardDeadLetter(first!.id)).toBe(false);
    expect(await store.listDeadLetters()).toEqual([]);
    expect(await store.depth()).toEqual({ queued: 0, running: 1, dead: 0 });
  });

  it('defers without counting an attempt', async () => {
    await store.enqueue([job('opportunity:1')]);
    const claimed = await store.claim(now);
    await store.defer(claimed!.id, at('2026-01-01T01:00:00Z'), 'field map invalid');
    expect(await store.claim(now)).toBeNull();
    const again = await store.claim(at('2026-01-01T01:00:00Z'));
    expect(again!.attempts).toBe(1);
    expect(again!.lastError).toBe('field map invalid');
  });

  it('wakes the queued jobs of one key', async () => {
    await store.enqueue([{ ...job('opportunity:1'), runAt: at('2026-01-01T01:00:00Z') }]);
    await store.enqueue([{ ...job('opportunity:2'), runAt: at('2026-01-01T01:00:00Z') }]);
    expect(await store.wake('opportunity:1', now)).toBe(1);
    expect((await store.claim(now))!.key).toBe('opportunity:1');
    expect(await store.claim(now)).toBeNull();
  });

  it('a claim is a lease: renewed, it holds; lapsed, another worker takes the job over', async () => {
    await store.enqueue([job('opportunity:1', { n: 1 })]);
    const claimed = await store.claim(now);
    expect(claimed).toMatchObject({ status: 'running', attempts: 1, leaseUntil: at('2026-01-01T00:00:30Z') });
    // Newer work for the record waits behind the running job, however long it renews.
    await store.enqueue([job('opportunity:1', { n: 2 })]);
    expect(await store.renewLease(claimed!.id, at('2026-01-01T00:00:20Z'))).toBe(true);
    expect(await store.claim(at('2026-01-01T00:00:49Z'))).toBeNull();
    // The claimer died: past its lease, its job (older than the queued one) is taken over first.
    const takenOver = await store.claim(at('2026-01-01T00:00:50Z'));
    expect(takenOver).toMatchObject({ id: claimed!.id, attempts: 2, payload: { n: 1 } });
    expect(takenOver!.leaseUntil).toEqual(at('2026-01-01T00:01:20Z'));
    expect(await store.claim(at('2026-01-01T00:00:50Z'))).toBeNull();
    await store.complete(takenOver!.id);
    expect(await store.renewLease(takenOver!.id, now)).toBe(false);
    expect((await store.claim(at('2026-01-01T00:00:50Z')))!.payload).toEqual({ n: 2 });
  });

  it('keeps queue, leases and state across a restart', async () => {
    await store.enqueue([job('opportunity:1'), job('referral:2', {}, 'referral.pull')]);
    const running = await store.claim(now); // "crash" while running
    await store.setState('reconcile.watermark', '2026-01-01T00:00:00.000Z');
    await store.close();

    const restarted = await open();
    expect(await restarted.depth()).toEqual({ queued: 1, running: 1, dead: 0 });
    expect((await restarted.claim(now))!.key).toBe('referral:2');
    expect(await restarted.claim(at('2026-01-01T00:00:29Z'))).toBeNull();
    expect((await restarted.claim(at('2026-01-01T00:00:30Z')))!.id).toBe(running!.id);
    expect(await restarted.getState('reconcile.watermark')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('keeps watermarks, ETags and other state by key; lists by literal prefix', async () => {
    expect(await store.getState('reconcile.watermark')).toBeNull();
    await store.setState('reconcile.watermark', '2026-01-01T00:00:00.000Z');
    await store.setState('reconcile.watermark', '2026-01-02T00:00:00.000Z');
    await store.setState('etag:referral:1', 'W/"1"');
    await store.setState('paused:opportunity:1', 'x');
    await store.setState('paused_opportunity:2', 'not under the prefix');
    await store.setState('paused:opportunity:0', 'y');
    expect(await store.getState('reconcile.watermark')).toBe('2026-01-02T00:00:00.000Z');
    expect(await store.listState('paused:')).toEqual([
      { key: 'paused:opportunity:0', value: 'y' },
      { key: 'paused:opportunity:1', value: 'x' },
    ]);
    await store.deleteState('paused:opportunity:0');
    expect(await store.listState('paused:')).toHaveLength(1);
    expect(await store.getState('etag:referral:1')).toBe('W/"1"');
  });

  it('8 workers in 3 processes: every job runs exactly once, never two of one record at a time', async () => {
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'cosell-store-workers-'));
    afterTest(() => rmSync(runDir, { recursive: true, force: true }));
    const keysDir = path.join(runDir, 'keys');
    mkdirSync(keysDir);
    const doneFile = path.join(runDir, 'enqueued-all');
    const kinds = ['opportunity.sync', 'opportunity.respond', 'referral.pull'];
    const enqueueBatch = async (from: number, to: number) => {
      const ids = new Set<string>();
      for (let i = from; i < to; i += 1) {
        const [result] = await store.enqueue(
          [job(`opportunity:${Math.floor(i / 3) % 40}`, { i }, kinds[i % 3])],
          {
            receipt: `delivery:${i}`,
          },
        );
        if (result!.jobId) ids.add(result!.jobId);
      }
      return ids;
    };
    // Real time from here: the worker processes claim with their own clocks.
    now = new Date();
    const enqueued = await enqueueBatch(0, 150);

    const started = Date.now();
    const processes = [3, 3, 2].map((workers, index) => {
      const child = spawn(
        path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
        [path.join(REPO_ROOT, 'tests/testkit/storeWorkerProcess.ts')],
        {
          cwd: REPO_ROOT,
          env: {
            PATH: process.env.PATH,
            STORE_SPEC: JSON.stringify(spec),
            STORE_WORKERS: String(workers),
            STORE_KEYS_DIR: keysDir,
            STORE_RESULT_FILE: path.join(runDir, `done-${index}.txt`),
            STORE_DONE_FILE: doneFile,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      afterTest(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        child.once('exit', (code) => resolve({ code, stdout, stderr })),
      );
    });
    // More work (and duplicate deliveries) arrives while they run.
    now = new Date();
    for (const id of await enqueueBatch(150, 300)) enqueued.add(id);
    now = new Date();
    expect((await enqueueBatch(0, 300)).size).toBe(0);
    writeFileSync(doneFile, '');

    const results = await Promise.all(processes);
    for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(results.map((r) => JSON.parse(r.stdout) as { overlaps: number })).toEqual([
      { overlaps: 0 },
      { overlaps: 0 },
      { overlaps: 0 },
    ]);
    const completed = [0, 1, 2].flatMap((index) =>
      readFileSync(path.join(runDir, `done-${index}.txt`), 'utf8')
        .split('\n')
        .filter(Boolean),
    );
    expect(completed).toHaveLength(new Set(completed).size);
    expect(new Set(completed)).toEqual(enqueued);
    expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
    // Not a timed assertion: the figure is printed for the report.
    process.stdout.write(
      `${backend.name}: ${completed.length} jobs by 8 workers in 3 processes in ${Date.now() - started} ms\n`,
    );
  }, 180_000); // three tsx processes start on a shared 2-CPU machine
});
