/**
 * Durable queue and relay state. The webhook routes commit here before answering 2xx, the worker
 * claims from here, so a crash or restart loses nothing. SQLite is the default backend
 * (./sqliteStore); the interface is async so a networked backend can follow.
 */

export type JobStatus = 'queued' | 'running' | 'dead';

export interface NewJob {
  /** What to do, e.g. `opportunity.sync` (see Relay/sync/jobs.ts). */
  kind: string;
  /**
   * The record the job works on, e.g. `opportunity:<id>` or `referral:<id>`. At most one job per
   * key runs at a time, and a queued job of the same kind and key absorbs new requests (bursts
   * coalesce into one sync).
   */
  key: string;
  payload: Record<string, unknown>;
  correlationId?: string;
  /** Earliest run time (default now). */
  runAt?: Date;
}

export interface Job extends Required<Omit<NewJob, 'runAt' | 'correlationId'>> {
  id: string;
  status: JobStatus;
  attempts: number;
  runAt: Date;
  createdAt: Date;
  updatedAt: Date;
  lastError: string | null;
  correlationId: string | null;
  /** While running: the claim holds until then unless renewed; afterwards any worker may take the job over. */
  leaseUntil: Date | null;
}

export interface EnqueueOptions {
  /**
   * Identity of the delivery that caused this job (e.g. Dataverse OperationId + step). A second
   * delivery with the same receipt enqueues nothing: duplicates from either platform's retries.
   */
  receipt?: string;
}

export interface EnqueueResult {
  jobId: string | null;
  /** Merged into an already queued job of the same kind and key. */
  coalesced: boolean;
  /** The receipt was seen before; nothing was enqueued. */
  duplicate: boolean;
}

export interface QueueDepth {
  queued: number;
  running: number;
  dead: number;
}

export interface Store {
  /** How long a claim lasts; the worker renews it while the job runs (Relay/sync/worker.ts). */
  readonly leaseMs: number;
  /** Enqueue jobs atomically (all or none), recording the receipt in the same transaction. */
  enqueue(jobs: NewJob[], options?: EnqueueOptions): Promise<EnqueueResult[]>;
  /**
   * Claim the oldest due job whose key has no running job, marking it running under a lease of
   * `leaseMs`. A running job whose lease lapsed (its claimer died) is claimable again: that is how
   * interrupted work is recovered, and only once its claimer stopped renewing.
   */
  claim(now: Date): Promise<Job | null>;
  /** Extend a running job's lease to now + leaseMs; false when it is no longer running. */
  renewLease(jobId: string, now: Date): Promise<boolean>;
  complete(jobId: string): Promise<void>;
  /** Failed attempt: requeue at `retryAt`, or dead-letter when `retryAt` is null. */
  fail(jobId: string, error: string, retryAt: Date | null): Promise<void>;
  /** Put a running job back without counting an attempt (e.g. sync paused until the field map is fixed). */
  defer(jobId: string, runAt: Date, reason: string): Promise<void>;
  listDeadLetters(): Promise<Job[]>;
  /** Requeue a dead letter now with its attempts reset; false when no such dead letter. */
  retryDeadLetter(jobId: string, now: Date): Promise<boolean>;
  /**
   * Remove a dead letter an operator has dealt with (the record was deleted, or fixed and synced
   * since): it no longer counts in the queue's health; false when no such dead letter.
   */
  discardDeadLetter(jobId: string): Promise<boolean>;
  getJob(jobId: string): Promise<Job | null>;
  depth(): Promise<QueueDepth>;
  /** Earliest runAt among queued jobs (the worker sleeps until then). */
  nextRunAt(): Promise<Date | null>;
  getState(key: string): Promise<string | null>;
  setState(key: string, value: string): Promise<void>;
  deleteState(key: string): Promise<void>;
  /** State entries whose key starts with `prefix` (e.g. every paused record). */
  listState(prefix: string): Promise<Array<{ key: string; value: string }>>;
  /** Queued jobs of this key become due now (a paused sync can resume); returns how many. */
  wake(key: string, now: Date): Promise<number>;
  close(): Promise<void>;
}

/**
 * Which replica runs the work that must run once for all of them (reconciliation, registration
 * checks). Webhooks, /api and the worker run on every replica regardless.
 */
export interface Leadership {
  /** True while this replica leads; checked right before each run of a singleton timer. */
  isLeader(): boolean;
  /**
   * Start campaigning; the first attempt is awaited. `onElected` runs each time this replica becomes
   * leader (at start or when it takes over from a replica that died).
   */
  start(onElected?: () => void): Promise<void>;
  /** Stop campaigning and hand leadership over. */
  stop(): Promise<void>;
}
