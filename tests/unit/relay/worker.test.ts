import { ApiError } from '../../../Relay/ports';
import { silentLogger } from '../../../Relay/logging/logger';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { ValidationError } from '../../../Domain/referral';
import { DeferJob, SyncWorker, backoffMs, isPermanent } from '../../../Relay/sync/worker';
import { AdaptiveConcurrency } from '../../../Relay/sync/adaptiveConcurrency';
import type { Job } from '../../../Relay/ports';
import type { DeadLetterHandler } from '../../../Relay/sync/worker';

const apiError = (status: number | null) =>
  new ApiError(`HTTP ${status}`, { service: 'partnercenter', status, method: 'GET', url: 'https://x/' });

describe('SyncWorker', () => {
  let now = new Date('2026-01-01T00:00:00Z');
  const clock = { now: () => now };
  let store: SqliteStore;
  beforeEach(() => {
    now = new Date('2026-01-01T00:00:00Z');
    store = new SqliteStore({ filename: ':memory:', now: clock.now });
  });
  afterEach(() => store.close());

  const worker = (handler: () => Promise<void>, maxAttempts = 3) =>
    new SyncWorker({
      store,
      handlers: { 'opportunity.sync': handler },
      clock,
      logger: silentLogger,
      maxAttempts,
      retryBaseMs: 1000,
      concurrency: 1,
      pollIntervalMs: 10,
      random: () => 0.5,
    });

  it('renews the lease of a running job until it ends, so no other worker takes it over', async () => {
    const leased = new SqliteStore({ filename: ':memory:', now: clock.now, leaseMs: 30 });
    try {
      const renew = jest.spyOn(leased, 'renewLease');
      await leased.enqueue([{ kind: 'opportunity.sync', key: 'opportunity:1', payload: {} }]);
      const handler = async () => {
        // Real time passes (the renewal timer runs every 10 ms) while the clock stands still.
        while (renew.mock.calls.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
        // Past the original lease, the job is still this worker's.
        expect(await leased.claim(new Date(now.getTime() + 29))).toBeNull();
      };
      const running = new SyncWorker({
        store: leased,
        handlers: { 'opportunity.sync': handler },
        clock,
        logger: silentLogger,
        maxAttempts: 3,
        retryBaseMs: 1000,
        concurrency: 1,
        pollIntervalMs: 10,
      }).runOnce();
      expect(await running).toBe(true);
      const calls = renew.mock.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 30));
      // Stopped with the job.
      expect(renew.mock.calls.length).toBe(calls);
      expect(await leased.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
    } finally {
      await leased.close();
    }
  });

  it('completes a job that succeeds', async () => {
    const handler = jest.fn(async () => undefined);
    await store.enqueue([{ kind: 'opportunity.sync', key: 'opportunity:1', payload: { a: 1 } }]);
    expect(await worker(handler).drain()).toBe(1);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
  });

  it('retries transient failures with growing backoff, then dead-letters after maxAttempts', async () => {
    const w = worker(async () => {
      throw apiError(503);
    });
    await store.enqueue([{ kind: 'opportunity.sync', key: 'opportunity:1', payload: {} }]);
    await w.drain();
    expect(await store.nextRunAt()).toEqual(new Date(now.getTime() + 750)); // 1000 → 500 + 500*0.5
    now = new Date(now.getTime() + 750);
    await w.drain();
    expect(await store.nextRunAt()).toEqual(new Date(now.getTime() + 1500));
    now = new Date(now.getTime() + 1500);
    await w.drain();
    const [dead] = await store.listDeadLetters();
    expect(dead).toMatchObject({ attempts: 3, lastError: 'ApiError: HTTP 503' });
  });

  it('dead-letters at once what retrying cannot fix (400), but retries 429 and 412', async () => {
    expect(isPermanent(apiError(400))).toBe(true);
    expect(isPermanent(apiError(429))).toBe(false);
    expect(isPermanent(apiError(412))).toBe(false);
    expect(isPermanent(apiError(null))).toBe(false);
    expect(isPermanent(new Error('boom'))).toBe(false);
    expect(isPermanent(new ValidationError('$.status', 'expected one of New'))).toBe(true);
    await store.enqueue([{ kind: 'opportunity.sync', key: 'opportunity:1', payload: {} }]);
    await worker(async () => {
      throw apiError(400);
    }).drain();
    expect((await store.listDeadLetters()).length).toBe(1);
  });

  it('never retries before the Retry-After a 429 came with, even when its backoff is shorter', async () => {
    const throttled = new ApiError('HTTP 429', {
      service: 'partnercenter',
      status: 429,
      method: 'POST',
      url: 'https://x/',
      cause: { status: 429, retryAfterMs: 30_000 },
    });
    await store.enqueue([{ kind: 'opportunity.sync', key: 'opportunity:1', payload: {} }]);
    await worker(async () => {
      throw throttled;
    }).drain();
    expect(await store.nextRunAt()).toEqual(new Date(now.getTime() + 30_000));
  });

  it('parks a deferred job without using an attempt', async () => {
    await store.enqueue([{ kind: 'opportunity.sync', key: 'opportunity:1', payload: {} }]);
    await worker(async () => {
      throw new DeferJob('field map invalid', 60_000);
    }).drain();
    expect(await store.depth()).toEqual({ queued: 1, running: 0, dead: 0 });
    expect(await store.nextRunAt()).toEqual(new Date(now.getTime() + 60_000));
  });

  it('dead-letters a job of unknown kind', async () => {
    await store.enqueue([{ kind: 'mystery', key: 'x:1', payload: {} }]);
    await worker(async () => undefined).drain();
    expect((await store.listDeadLetters())[0]!.lastError).toMatch(/no handler/);
  });

  it('tells the dead-letter hook once per dead letter, never on a retry, and survives a failing hook', async () => {
    const told: string[] = [];
    const hook: DeadLetterHandler = async (job, error, context) => {
      told.push(`${job.kind} ${job.attempts} ${(error as Error).message} ${context.correlationId}`);
      throw new Error('Dataverse is down too');
    };
    const w = new SyncWorker({
      store,
      handlers: { 'opportunity.sync': async () => Promise.reject(apiError(503)) },
      clock,
      logger: silentLogger,
      maxAttempts: 2,
      retryBaseMs: 1000,
      concurrency: 1,
      pollIntervalMs: 10,
      random: () => 0.5,
      onDeadLetter: hook,
    });
    await store.enqueue([
      { kind: 'opportunity.sync', key: 'opportunity:1', payload: {}, correlationId: 'c-1' },
      { kind: 'mystery', key: 'x:1', payload: {}, correlationId: 'c-2' },
    ]);
    await w.drain();
    expect(told).toEqual(['mystery 1 no handler for job kind mystery c-2']);
    now = new Date(now.getTime() + 60_000);
    await w.drain();
    expect(told).toEqual([
      'mystery 1 no handler for job kind mystery c-2',
      'opportunity.sync 2 HTTP 503 c-1',
    ]);
    expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 2 });
  });

  it('runs no more jobs at once than its concurrency limit allows, and starts none while a Retry-After holds', async () => {
    const limit = new AdaptiveConcurrency({ max: 4, clock });
    const started: string[] = [];
    const gates: Array<() => void> = [];
    let gated = true;
    const handler = async (job: Job) => {
      started.push(job.key);
      if (gated) await new Promise<void>((resolve) => gates.push(resolve));
    };
    const openGates = () => gates.splice(0).forEach((open) => open());
    await store.enqueue(
      Array.from({ length: 8 }, (_, i) => ({
        kind: 'opportunity.sync',
        key: `opportunity:${i}`,
        payload: {},
      })),
    );
    const w = new SyncWorker({
      store,
      handlers: { 'opportunity.sync': handler },
      clock,
      logger: silentLogger,
      maxAttempts: 3,
      retryBaseMs: 1000,
      concurrency: 4,
      limit,
      // No poll in this test: only the worker's own wake-ups (a job ended, the hold ended) run it.
      pollIntervalMs: 600_000,
    });
    // Waits for what the worker does (not for time): each step it takes is a few event-loop turns.
    const until = async (condition: () => Promise<boolean> | boolean) => {
      for (let turns = 0; !(await condition()); turns++) {
        if (turns > 10_000) throw new Error('the worker never got there');
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const settled = async () => (await store.depth()).running === 0;
    try {
      w.start();
      await until(() => started.length === 4);
      expect((await store.depth()).running).toBe(4);

      // Partner Center pushes back: half the jobs at once, none before Retry-After (5 s) has passed.
      limit.throttled(5000);
      expect(limit.limit).toBe(2);
      openGates();
      await until(settled);
      for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(started).toHaveLength(4);
      expect(await store.depth()).toEqual({ queued: 4, running: 0, dead: 0 });

      now = new Date(now.getTime() + 5000);
      w.poke();
      await until(() => started.length === 6);
      for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(started).toHaveLength(6);
      expect((await store.depth()).running).toBe(2);
    } finally {
      gated = false;
      openGates();
      await w.stop();
    }
  });

  it('caps backoff', () => {
    expect(backoffMs(30, 1000, 60_000, () => 0.999)).toBeLessThanOrEqual(60_000);
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
  });
});
