/**
 * Store on PostgreSQL (node-postgres), shared by any number of relay replicas. Same semantics as the
 * SQLite store, made safe across processes:
 * - enqueue takes a transaction-level advisory lock per record key, so a burst arriving at two
 *   replicas still coalesces into one queued job;
 * - claim picks candidates with FOR UPDATE SKIP LOCKED (replicas never wait on each other's rows,
 *   https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE) and then takes the
 *   key's advisory lock without waiting, so one job per key runs at a time across replicas;
 * - a claim is a lease: a dead replica's job is claimable again once its lease lapses. Leases are
 *   stamped with the replica's clock, so replicas need synchronised clocks (NTP; skew ≪ lease).
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { PoolClient } from 'pg';
import type { EnqueueOptions, EnqueueResult, Job, JobStatus, NewJob, QueueDepth, Store } from '../ports';
import { checkSchemaName, lockIdSql, migratePostgres, schemaExists } from './postgresSchema';
import { DEFAULT_LEASE_MS } from './lease';
import { MissingQueueError } from './missingQueue';
import type { QueueSnapshot } from './snapshot';

interface JobRow {
  id: string;
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  status: JobStatus;
  attempts: number;
  run_at: Date;
  created_at: Date;
  updated_at: Date;
  last_error: string | null;
  correlation_id: string | null;
  lease_until: Date | null;
}

const toJob = (row: JobRow): Job => ({
  id: row.id,
  kind: row.kind,
  key: row.key,
  payload: row.payload,
  status: row.status,
  attempts: row.attempts,
  runAt: row.run_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  lastError: row.last_error,
  correlationId: row.correlation_id,
  leaseUntil: row.lease_until,
});

/** Candidates looked at per claim: enough to step over keys another replica is claiming right now. */
const CLAIM_CANDIDATES = 8;

/** The database cannot be reached or migrated; says where without the URL's password. */
export class PostgresUnavailableError extends Error {
  constructor(connectionString: string, cause: unknown) {
    const url = new URL(connectionString);
    // Node's happy-eyeballs connect may reject with an AggregateError whose own message is empty.
    const reason =
      cause instanceof AggregateError
        ? cause.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ')
        : cause instanceof Error
          ? cause.message
          : String(cause);
    super(`cannot open the PostgreSQL queue at ${url.host}${url.pathname}: ${reason}`, { cause });
    this.name = 'PostgresUnavailableError';
  }
}

const chunks = <T>(items: T[], size = 1000): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database (COSELL_DATABASE_URL). */
  connectionString: string;
  /** Schema holding the relay's tables (COSELL_DATABASE_SCHEMA); created by the first migration. */
  schema?: string;
  /** Connections per replica (COSELL_DATABASE_POOL_MAX). */
  poolMax?: number;
  now?: () => Date;
  receiptTtlMs?: number;
  leaseMs?: number;
  /** An idle connection failed (database restart, network); the pool replaces it. */
  onPoolError?: (error: Error) => void;
  /** Open only a queue a relay has created: MissingQueueError instead of an empty new schema. */
  mustExist?: boolean;
}

export class PostgresStore implements Store {
  readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly receiptTtlMs: number;
  private readonly jobs: string;
  private readonly receipts: string;
  private readonly state: string;

  private constructor(
    private readonly pool: Pool,
    readonly schema: string,
    options: PostgresStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.receiptTtlMs = options.receiptTtlMs ?? 7 * 24 * 3600 * 1000;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.jobs = `${schema}.jobs`;
    this.receipts = `${schema}.receipts`;
    this.state = `${schema}.state`;
  }

  /** Connect and bring the schema up to date (under a lock: replicas may start together). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = checkSchemaName(options.schema ?? 'cosell');
    const pool = new Pool({ connectionString: options.connectionString, max: options.poolMax ?? 10 });
    pool.on('error', (error) => options.onPoolError?.(error));
    try {
      if (options.mustExist && !(await schemaExists(pool, schema))) {
        const url = new URL(options.connectionString);
        throw new MissingQueueError(`${url.host}${url.pathname} (schema ${schema})`);
      }
      await migratePostgres(pool, schema);
    } catch (error) {
      await pool.end();
      if (error instanceof MissingQueueError) throw error;
      throw new PostgresUnavailableError(options.connectionString, error);
    }
    return new PostgresStore(pool, schema, options);
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async enqueue(jobs: NewJob[], options: EnqueueOptions = {}): Promise<EnqueueResult[]> {
    const now = this.now();
    return this.transaction(async (client) => {
      if (options.receipt) {
        await client.query(`DELETE FROM ${this.receipts} WHERE received_at < $1`, [
          new Date(now.getTime() - this.receiptTtlMs),
        ]);
        const inserted = await client.query(
          `INSERT INTO ${this.receipts} (receipt, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [options.receipt, now],
        );
        if (inserted.rowCount === 0)
          return jobs.map(() => ({ jobId: null, coalesced: false, duplicate: true }));
      }
      // Sorted: two enqueues locking overlapping keys cannot deadlock.
      for (const key of [...new Set(jobs.map((job) => job.key))].sort())
        await client.query(`SELECT pg_advisory_xact_lock(${lockIdSql('$1')})`, [`cosell:key:${key}`]);
      const results: EnqueueResult[] = [];
      for (const job of jobs) results.push(await this.enqueueOne(client, job, now));
      return results;
    });
  }

  private async enqueueOne(client: PoolClient, job: NewJob, now: Date): Promise<EnqueueResult> {
    const runAt = job.runAt ?? now;
    // Later requests win field by field (jsonb ||); the job runs no later than either asked.
    const merged = await client.query<{ id: string }>(
      `UPDATE ${this.jobs} SET payload = payload || $1::jsonb, run_at = LEAST(run_at, $2), updated_at = $3
       WHERE id = (SELECT id FROM ${this.jobs} WHERE key = $4 AND kind = $5 AND status = 'queued'
                   ORDER BY created_at LIMIT 1)
       RETURNING id`,
      [JSON.stringify(job.payload), runAt, now, job.key, job.kind],
    );
    if (merged.rows[0]) return { jobId: merged.rows[0].id, coalesced: true, duplicate: false };
    const id = randomUUID();
    await client.query(
      `INSERT INTO ${this.jobs} (id, kind, key, payload, status, attempts, run_at, created_at, updated_at, correlation_id)
       VALUES ($1, $2, $3, $4::jsonb, 'queued', 0, $5, $6, $6, $7)`,
      [id, job.kind, job.key, JSON.stringify(job.payload), runAt, now, job.correlationId ?? null],
    );
    return { jobId: id, coalesced: false, duplicate: false };
  }

  async claim(now: Date): Promise<Job | null> {
    return this.transaction(async (client) => {
      // Due queued jobs, and running jobs whose claimer let the lease lapse; a key's lapsed job first.
      const candidates = await client.query<{ id: string; key: string }>(
        `SELECT j.id, j.key FROM ${this.jobs} j
         WHERE ((j.status = 'queued' AND j.run_at <= $1)
             OR (j.status = 'running' AND (j.lease_until IS NULL OR j.lease_until <= $1)))
           AND NOT EXISTS (SELECT 1 FROM ${this.jobs} r WHERE r.key = j.key AND r.id <> j.id
                           AND r.status = 'running' AND r.lease_until > $1)
         ORDER BY j.status = 'running' DESC, j.run_at, j.created_at
         LIMIT ${CLAIM_CANDIDATES}
         FOR UPDATE OF j SKIP LOCKED`,
        [now],
      );
      for (const candidate of candidates.rows) {
        // Another replica may be claiming (or enqueuing) a job of this key right now: skip it.
        const locked = await client.query<{ locked: boolean }>(
          `SELECT pg_try_advisory_xact_lock(${lockIdSql('$1')}) AS locked`,
          [`cosell:key:${candidate.key}`],
        );
        if (!locked.rows[0]?.locked) continue;
        // Under the key's lock, a fresh snapshot: did a job of this key start since we looked?
        const busy = await client.query(
          `SELECT 1 FROM ${this.jobs} WHERE key = $1 AND id <> $2 AND status = 'running' AND lease_until > $3`,
          [candidate.key, candidate.id, now],
        );
        if (busy.rowCount) continue;
        const claimed = await client.query<JobRow>(
          `UPDATE ${this.jobs} SET status = 'running', attempts = attempts + 1, lease_until = $2, updated_at = $3
           WHERE id = $1 RETURNING *`,
          [candidate.id, new Date(now.getTime() + this.leaseMs), this.now()],
        );
        return claimed.rows[0] ? toJob(claimed.rows[0]) : null;
      }
      return null;
    });
  }

  async renewLease(jobId: string, now: Date): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE ${this.jobs} SET lease_until = $2 WHERE id = $1 AND status = 'running'`,
      [jobId, new Date(now.getTime() + this.leaseMs)],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async complete(jobId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.jobs} WHERE id = $1`, [jobId]);
  }

  async fail(jobId: string, error: string, retryAt: Date | null): Promise<void> {
    if (retryAt)
      await this.pool.query(
        `UPDATE ${this.jobs} SET status = 'queued', run_at = $2, last_error = $3, lease_until = NULL, updated_at = $4 WHERE id = $1`,
        [jobId, retryAt, error, this.now()],
      );
    else
      await this.pool.query(
        `UPDATE ${this.jobs} SET status = 'dead', last_error = $2, lease_until = NULL, updated_at = $3 WHERE id = $1`,
        [jobId, error, this.now()],
      );
  }

  async defer(jobId: string, runAt: Date, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.jobs} SET status = 'queued', attempts = GREATEST(attempts - 1, 0), run_at = $2,
         last_error = $3, lease_until = NULL, updated_at = $4 WHERE id = $1`,
      [jobId, runAt, reason, this.now()],
    );
  }

  async listDeadLetters(): Promise<Job[]> {
    const { rows } = await this.pool.query<JobRow>(
      `SELECT * FROM ${this.jobs} WHERE status = 'dead' ORDER BY updated_at DESC`,
    );
    return rows.map(toJob);
  }

  async retryDeadLetter(jobId: string, now: Date): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE ${this.jobs} SET status = 'queued', attempts = 0, run_at = $2, updated_at = $3
       WHERE id = $1 AND status = 'dead'`,
      [jobId, now, this.now()],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async discardDeadLetter(jobId: string): Promise<boolean> {
    const result = await this.pool.query(`DELETE FROM ${this.jobs} WHERE id = $1 AND status = 'dead'`, [
      jobId,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async getJob(jobId: string): Promise<Job | null> {
    const { rows } = await this.pool.query<JobRow>(`SELECT * FROM ${this.jobs} WHERE id = $1`, [jobId]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async depth(): Promise<QueueDepth> {
    const { rows } = await this.pool.query<{ status: JobStatus; n: number }>(
      `SELECT status, COUNT(*)::int AS n FROM ${this.jobs} GROUP BY status`,
    );
    const depth: QueueDepth = { queued: 0, running: 0, dead: 0 };
    for (const row of rows) depth[row.status] = row.n;
    return depth;
  }

  async nextRunAt(): Promise<Date | null> {
    const { rows } = await this.pool.query<{ t: Date | null }>(
      `SELECT MIN(run_at) AS t FROM ${this.jobs} WHERE status = 'queued'`,
    );
    return rows[0]?.t ?? null;
  }

  async getState(key: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ value: string }>(
      `SELECT value FROM ${this.state} WHERE key = $1`,
      [key],
    );
    return rows[0]?.value ?? null;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.state} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [key, value],
    );
  }

  async deleteState(key: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.state} WHERE key = $1`, [key]);
  }

  async listState(prefix: string): Promise<Array<{ key: string; value: string }>> {
    // left() rather than LIKE: keys hold '_' and '%' would be wildcards.
    const { rows } = await this.pool.query<{ key: string; value: string }>(
      `SELECT key, value FROM ${this.state} WHERE left(key, $1) = $2 ORDER BY key COLLATE "C"`,
      [prefix.length, prefix],
    );
    return rows;
  }

  async wake(key: string, now: Date): Promise<number> {
    const result = await this.pool.query(
      `UPDATE ${this.jobs} SET run_at = LEAST(run_at, $2), updated_at = $3 WHERE key = $1 AND status = 'queued'`,
      [key, now, this.now()],
    );
    return result.rowCount ?? 0;
  }

  /**
   * Load a snapshot taken from another store (`cosell store migrate`) in one transaction, into an
   * empty queue only: merging two live queues could run a record's jobs twice.
   */
  async restore(snapshot: QueueSnapshot): Promise<void> {
    await this.transaction(async (client) => {
      const { rows } = await client.query<{ used: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${this.jobs}) OR EXISTS (SELECT 1 FROM ${this.state}) AS used`,
      );
      if (rows[0]?.used)
        throw new Error(
          `the PostgreSQL queue in schema ${this.schema} is not empty: migrate into a new schema or database`,
        );
      // Arrays unnested in batches: one round trip per thousand rows, not per row.
      for (const batch of chunks(snapshot.jobs)) {
        await client.query(
          `INSERT INTO ${this.jobs} (id, kind, key, payload, status, attempts, run_at, created_at, updated_at, last_error, correlation_id, lease_until)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::int[],
             $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $12::timestamptz[])`,
          [
            batch.map((j) => j.id),
            batch.map((j) => j.kind),
            batch.map((j) => j.key),
            batch.map((j) => JSON.stringify(j.payload)),
            batch.map((j) => j.status),
            batch.map((j) => j.attempts),
            batch.map((j) => j.runAt),
            batch.map((j) => j.createdAt),
            batch.map((j) => j.updatedAt),
            batch.map((j) => j.lastError),
            batch.map((j) => j.correlationId),
            batch.map((j) => j.leaseUntil),
          ],
        );
      }
      for (const batch of chunks(snapshot.receipts)) {
        await client.query(
          `INSERT INTO ${this.receipts} (receipt, received_at) SELECT * FROM unnest($1::text[], $2::timestamptz[])`,
          [batch.map((r) => r.receipt), batch.map((r) => r.receivedAt)],
        );
      }
      for (const batch of chunks(snapshot.state)) {
        await client.query(
          `INSERT INTO ${this.state} (key, value) SELECT * FROM unnest($1::text[], $2::text[])`,
          [batch.map((e) => e.key), batch.map((e) => e.value)],
        );
      }
    });
  }

  private closed: Promise<void> | null = null;

  async close(): Promise<void> {
    // pool.end() throws when called twice; a relay and its test harness may both close.
    this.closed ??= this.pool.end();
    await this.closed;
  }
}
