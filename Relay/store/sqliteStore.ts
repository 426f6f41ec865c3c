/**
 * Store on embedded SQLite (better-sqlite3) in WAL mode: every enqueue is a committed transaction
 * before the webhook answers, readers never block the writer, and a restart finds the queue intact.
 * better-sqlite3 is synchronous; the async Store interface wraps it. The relay opens it as the
 * queue's single owner (./queueOwnership); CLI readers open it without.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { EnqueueOptions, EnqueueResult, Job, JobStatus, NewJob, QueueDepth, Store } from '../ports';
import { GroupCommit } from './groupCommit';
import type { Outcome } from './groupCommit';
import { DEFAULT_LEASE_MS } from './lease';
import { acquireQueueOwnership } from './queueOwnership';
import type { QueueSnapshot } from './snapshot';
import type { QueueOwnership } from './queueOwnership';

/** Versioned schema: entry i takes PRAGMA user_version from i to i + 1. */
const MIGRATIONS = [
  `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_error TEXT,
  correlation_id TEXT
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (status, run_at);
CREATE INDEX IF NOT EXISTS jobs_key ON jobs (key, status);
CREATE TABLE IF NOT EXISTS receipts (receipt TEXT PRIMARY KEY, received_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
  // A running job is its claimer's until lease_until; past it (the claimer died) it may be claimed again.
  // Rows left running by a version without leases have none, so they are claimable at once.
  `ALTER TABLE jobs ADD COLUMN lease_until INTEGER;`,
  // Clean-up finds expired receipts by age; without this index it scanned the whole 7-day table.
  `CREATE INDEX IF NOT EXISTS receipts_received_at ON receipts (received_at);`,
];

/** Expired receipts are deleted at most this often, this many at a time, inside an enqueue's commit. */
export const RECEIPT_PRUNE_INTERVAL_MS = 60_000;
export const RECEIPT_PRUNE_BATCH = 1_000;

/**
 * WAL syncs of enqueue batches that may run at once, on libuv's thread pool (4 threads by default:
 * two stay free for other file and DNS work). Concurrent fdatasyncs of one file overlap on the disks
 * we measured, so a batch need not wait for a sync that started before its commit.
 */
export const ENQUEUE_SYNCS_IN_FLIGHT = 2;

interface PendingEnqueue {
  jobs: NewJob[];
  options: EnqueueOptions;
  /** When it arrived (ms): stamps its receipt and jobs. */
  at: number;
}

interface JobRow {
  id: string;
  kind: string;
  key: string;
  payload: string;
  status: JobStatus;
  attempts: number;
  run_at: number;
  created_at: number;
  updated_at: number;
  last_error: string | null;
  correlation_id: string | null;
  lease_until: number | null;
}

const toJob = (row: JobRow): Job => ({
  id: row.id,
  kind: row.kind,
  key: row.key,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
  status: row.status,
  attempts: row.attempts,
  runAt: new Date(row.run_at),
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  lastError: row.last_error,
  correlationId: row.correlation_id,
  leaseUntil: row.lease_until === null ? null : new Date(row.lease_until),
});

export interface SqliteStoreOptions {
  /** Database file, or ':memory:' for tests. */
  filename: string;
  /** Wall clock for created/updated stamps (tests inject a fake). */
  now?: () => Date;
  /** Receipts are kept this long (default 7 days: longer than any platform retry), then pruned. */
  receiptTtlMs?: number;
  /** How long a claim lasts without renewal (default 30 s). */
  leaseMs?: number;
  /**
   * Open as the queue's single owner (the relay): refuse with QueueOwnedError while another process
   * owns it. Readers (`cosell dead-letters`) leave it off.
   */
  owner?: boolean;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly receiptTtlMs: number;
  private readonly ownership: QueueOwnership | null;
  readonly leaseMs: number;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly enqueues: GroupCommit<PendingEnqueue, EnqueueResult[]>;
  /** One delivery's writes, all or none (a savepoint inside the group's transaction). */
  private readonly enqueueAtomically: (item: PendingEnqueue) => EnqueueResult[];
  /**
   * One group's deliveries in one transaction (wrapped once: wrapping allocates four functions);
   * enqueueEach, when one of them failed: the batch again, each delivery in its own savepoint.
   */
  private readonly enqueueEach: Database.Transaction<
    (items: PendingEnqueue[]) => Array<Outcome<EnqueueResult[]>>
  >;
  private readonly enqueueBatch: Database.Transaction<
    (items: PendingEnqueue[]) => Array<Outcome<EnqueueResult[]>>
  >;
  private nextPruneAt = 0;
  /** The write-ahead log, opened at the first enqueue sync (null: in memory, nothing to sync). */
  private readonly walFile: string | null;
  private wal: Promise<FileHandle> | null = null;

  constructor(options: SqliteStoreOptions) {
    const inMemory = options.filename === ':memory:';
    if (!inMemory) mkdirSync(path.dirname(path.resolve(options.filename)), { recursive: true });
    // Ownership first: a second relay must not touch (or migrate) the queue at all.
    this.ownership = options.owner && !inMemory ? acquireQueueOwnership(options.filename) : null;
    try {
      this.db = new Database(options.filename);
      this.db.pragma('journal_mode = WAL');
      // FULL: a commit survives power loss. Enqueues get the same by their own sync (docs/durability.md).
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 5000');
      this.migrate();
    } catch (error) {
      this.ownership?.release();
      throw error;
    }
    this.now = options.now ?? (() => new Date());
    this.receiptTtlMs = options.receiptTtlMs ?? 7 * 24 * 3600 * 1000;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.enqueueAtomically = this.db.transaction((item: PendingEnqueue) => this.enqueueOneDelivery(item));
    // The common case, where no delivery fails: one transaction, no savepoint per delivery.
    this.enqueueBatch = this.db.transaction((items: PendingEnqueue[]) => {
      this.pruneReceipts(this.now().getTime());
      return items.map((item): Outcome<EnqueueResult[]> => ({
        ok: true,
        value: this.enqueueOneDelivery(item),
      }));
    });
    this.enqueueEach = this.db.transaction((items: PendingEnqueue[]) => {
      this.pruneReceipts(this.now().getTime());
      return items.map((item): Outcome<EnqueueResult[]> => {
        try {
          // A nested transaction is a savepoint: a failing enqueue undoes only its own writes.
          return { ok: true, value: this.enqueueAtomically(item) };
        } catch (error) {
          return { ok: false, error };
        }
      });
    });
    this.walFile = inMemory ? null : `${path.resolve(options.filename)}-wal`;
    this.enqueues = new GroupCommit((items) => this.commitEnqueues(items), {
      sync: this.walFile ? () => this.syncWal() : undefined,
      concurrentSyncs: ENQUEUE_SYNCS_IN_FLIGHT,
    });
  }

  /** Enqueue commits and syncs so far and the enqueues they held (how many webhooks share an fsync). */
  get enqueueCommits(): { commits: number; syncs: number; items: number } {
    return { ...this.enqueues.stats };
  }

  /** Prepared once, reused: preparing costs more than running most of these statements. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private migrate(): void {
    this.db
      .transaction(() => {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        for (let i = version; i < MIGRATIONS.length; i += 1) this.db.exec(MIGRATIONS[i]!);
        if (version < MIGRATIONS.length) this.db.pragma(`user_version = ${MIGRATIONS.length}`);
      })
      .immediate();
  }

  /**
   * Resolves after the commit that holds these jobs (and their receipt): enqueues from the same event
   * loop turn share that commit (./groupCommit), so concurrent webhooks share one fsync.
   */
  async enqueue(jobs: NewJob[], options: EnqueueOptions = {}): Promise<EnqueueResult[]> {
    return this.enqueues.submit({ jobs, options, at: this.now().getTime() });
  }

  /**
   * One transaction for the batch, committed without its own sync (synchronous=NORMAL for this
   * commit only); syncWal then does the sync FULL would have done, off the event loop. Per
   * https://www.sqlite.org/pragma.html#pragma_synchronous, FULL in WAL mode is NORMAL plus a sync of
   * the WAL after each commit, so no answer is sent with less durability than FULL gives.
   */
  private commitEnqueues(items: PendingEnqueue[]): Array<Outcome<EnqueueResult[]>> {
    // Statements, not db.pragma(): that prepares its statement again on every call.
    if (this.walFile) this.sql('PRAGMA synchronous = NORMAL').run();
    try {
      const pruneAt = this.nextPruneAt;
      try {
        return this.enqueueBatch.immediate(items);
      } catch {
        // Rolled back whole: run it again with a savepoint per delivery, so only the failing one fails.
        this.nextPruneAt = pruneAt;
        return this.enqueueEach.immediate(items);
      }
    } finally {
      if (this.walFile) this.sql('PRAGMA synchronous = FULL').run();
    }
  }

  /** fdatasync of the WAL on libuv's thread pool: every commit written to it so far is on disk after. */
  private async syncWal(): Promise<void> {
    this.wal ??= open(this.walFile!, 'r+').catch((error: unknown) => {
      this.wal = null; // try again at the next sync
      throw error;
    });
    await (await this.wal).datasync();
  }

  private enqueueOneDelivery({ jobs, options, at }: PendingEnqueue): EnqueueResult[] {
    if (options.receipt && !this.recordReceipt(options.receipt, at)) {
      return jobs.map(() => ({ jobId: null, coalesced: false, duplicate: true }));
    }
    return jobs.map((job) => this.enqueueOne(job, at));
  }

  /**
   * True when the receipt is new, or its earlier copy has expired (the delivery is then treated as
   * new, as if clean-up had already removed it). Clean-up itself runs in batches (pruneReceipts).
   */
  private recordReceipt(receipt: string, at: number): boolean {
    return (
      this.sql(
        `INSERT INTO receipts (receipt, received_at) VALUES (?, ?)
         ON CONFLICT (receipt) DO UPDATE SET received_at = excluded.received_at WHERE receipts.received_at < ?`,
      ).run(receipt, at, at - this.receiptTtlMs).changes > 0
    );
  }

  /**
   * Deletes expired receipts, at most RECEIPT_PRUNE_BATCH per call and (once caught up) once per
   * RECEIPT_PRUNE_INTERVAL_MS, by the received_at index: a bounded cost per commit whatever the
   * table's size, where deleting on every webhook scanned all 7 days of receipts.
   */
  private pruneReceipts(now: number): void {
    if (now < this.nextPruneAt) return;
    const removed = this.sql(
      `DELETE FROM receipts WHERE rowid IN
         (SELECT rowid FROM receipts WHERE received_at < ? ORDER BY received_at LIMIT ?)`,
    ).run(now - this.receiptTtlMs, RECEIPT_PRUNE_BATCH).changes;
    this.nextPruneAt = removed === RECEIPT_PRUNE_BATCH ? now : now + RECEIPT_PRUNE_INTERVAL_MS;
  }

  private enqueueOne(job: NewJob, now: number): EnqueueResult {
    const runAt = job.runAt?.getTime() ?? now;
    const waiting = this.sql(
      "SELECT * FROM jobs WHERE key = ? AND kind = ? AND status = 'queued' ORDER BY created_at LIMIT 1",
    ).get(job.key, job.kind) as JobRow | undefined;
    if (waiting) {
      // Later requests win field by field; the job runs no later than either asked.
      const payload = { ...(JSON.parse(waiting.payload) as object), ...job.payload };
      this.sql('UPDATE jobs SET payload = ?, run_at = MIN(run_at, ?), updated_at = ? WHERE id = ?').run(
        JSON.stringify(payload),
        runAt,
        now,
        waiting.id,
      );
      return { jobId: waiting.id, coalesced: true, duplicate: false };
    }
    const id = randomUUID();
    this.sql(
      `INSERT INTO jobs (id, kind, key, payload, status, attempts, run_at, created_at, updated_at, correlation_id)
         VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`,
    ).run(id, job.kind, job.key, JSON.stringify(job.payload), runAt, now, now, job.correlationId ?? null);
    return { jobId: id, coalesced: false, duplicate: false };
  }

  async claim(now: Date): Promise<Job | null> {
    const t = now.getTime();
    const run = this.db.transaction((): Job | null => {
      // Due queued jobs, and running jobs whose claimer let the lease lapse (it died). A key's
      // lapsed job goes first: it is older than anything queued behind it.
      const row = this.sql(
        `SELECT * FROM jobs j
           WHERE ((j.status = 'queued' AND j.run_at <= @t)
               OR (j.status = 'running' AND (j.lease_until IS NULL OR j.lease_until <= @t)))
             AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.key = j.key AND r.id <> j.id
                             AND r.status = 'running' AND r.lease_until > @t)
           ORDER BY j.status = 'running' DESC, j.run_at, j.created_at LIMIT 1`,
      ).get({ t }) as JobRow | undefined;
      if (!row) return null;
      const leaseUntil = t + this.leaseMs;
      this.sql(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = ?, updated_at = ? WHERE id = ?",
      ).run(leaseUntil, this.now().getTime(), row.id);
      return toJob({ ...row, status: 'running', attempts: row.attempts + 1, lease_until: leaseUntil });
    });
    return run.immediate();
  }

  async renewLease(jobId: string, now: Date): Promise<boolean> {
    return (
      this.sql("UPDATE jobs SET lease_until = ? WHERE id = ? AND status = 'running'").run(
        now.getTime() + this.leaseMs,
        jobId,
      ).changes > 0
    );
  }

  async complete(jobId: string): Promise<void> {
    this.sql('DELETE FROM jobs WHERE id = ?').run(jobId);
  }

  async fail(jobId: string, error: string, retryAt: Date | null): Promise<void> {
    const now = this.now().getTime();
    if (retryAt) {
      this.sql(
        "UPDATE jobs SET status = 'queued', run_at = ?, last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
      ).run(retryAt.getTime(), error, now, jobId);
    } else {
      this.sql(
        "UPDATE jobs SET status = 'dead', last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
      ).run(error, now, jobId);
    }
  }

  async defer(jobId: string, runAt: Date, reason: string): Promise<void> {
    this.sql(
      "UPDATE jobs SET status = 'queued', attempts = MAX(attempts - 1, 0), run_at = ?, last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
    ).run(runAt.getTime(), reason, this.now().getTime(), jobId);
  }

  async listDeadLetters(): Promise<Job[]> {
    const rows = this.sql(
      "SELECT * FROM jobs WHERE status = 'dead' ORDER BY updated_at DESC",
    ).all() as JobRow[];
    return rows.map(toJob);
  }

  async retryDeadLetter(jobId: string, now: Date): Promise<boolean> {
    return (
      this.sql(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = ?, updated_at = ? WHERE id = ? AND status = 'dead'",
      ).run(now.getTime(), this.now().getTime(), jobId).changes > 0
    );
  }

  async discardDeadLetter(jobId: string): Promise<boolean> {
    return this.sql("DELETE FROM jobs WHERE id = ? AND status = 'dead'").run(jobId).changes > 0;
  }

  async getJob(jobId: string): Promise<Job | null> {
    const row = this.sql('SELECT * FROM jobs WHERE id = ?').get(jobId) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  async depth(): Promise<QueueDepth> {
    const rows = this.sql('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all() as Array<{
      status: JobStatus;
      n: number;
    }>;
    const depth: QueueDepth = { queued: 0, running: 0, dead: 0 };
    for (const row of rows) depth[row.status] = row.n;
    return depth;
  }

  async nextRunAt(): Promise<Date | null> {
    const row = this.sql("SELECT MIN(run_at) AS t FROM jobs WHERE status = 'queued'").get() as {
      t: number | null;
    };
    return row.t === null ? null : new Date(row.t);
  }

  async getState(key: string): Promise<string | null> {
    const row = this.sql('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async setState(key: string, value: string): Promise<void> {
    this.sql(
      'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  async deleteState(key: string): Promise<void> {
    this.sql('DELETE FROM state WHERE key = ?').run(key);
  }

  async listState(prefix: string): Promise<Array<{ key: string; value: string }>> {
    // substr rather than LIKE: keys hold '_' and '%' would be wildcards.
    return this.sql('SELECT key, value FROM state WHERE substr(key, 1, ?) = ? ORDER BY key').all(
      prefix.length,
      prefix,
    ) as Array<{ key: string; value: string }>;
  }

  async wake(key: string, now: Date): Promise<number> {
    return this.sql(
      "UPDATE jobs SET run_at = MIN(run_at, ?), updated_at = ? WHERE key = ? AND status = 'queued'",
    ).run(now.getTime(), this.now().getTime(), key).changes;
  }

  /**
   * The whole queue, for `cosell store migrate`. Only its owner may take it (no relay is running),
   * so running jobs are ones a crash interrupted: they come back queued.
   */
  async snapshot(): Promise<QueueSnapshot> {
    await this.enqueues.drain();
    return this.db
      .transaction(() => ({
        jobs: (this.db.prepare('SELECT * FROM jobs ORDER BY created_at').all() as JobRow[])
          .map(toJob)
          .map((job) =>
            job.status === 'running' ? { ...job, status: 'queued' as const, leaseUntil: null } : job,
          ),
        receipts: (
          this.db
            .prepare('SELECT receipt, received_at FROM receipts WHERE received_at >= ?')
            .all(this.now().getTime() - this.receiptTtlMs) as Array<{ receipt: string; received_at: number }>
        ).map((row) => ({ receipt: row.receipt, receivedAt: new Date(row.received_at) })),
        state: this.db.prepare('SELECT key, value FROM state ORDER BY key').all() as Array<{
          key: string;
          value: string;
        }>,
      }))
      .deferred();
  }

  async close(): Promise<void> {
    // Enqueues still waiting get their commit and sync (their callers await a durable answer).
    if (this.db.open) await this.enqueues.drain();
    await (await this.wal?.catch(() => null))?.close();
    this.wal = null;
    if (this.db.open) this.db.close();
    this.ownership?.release();
  }
}
