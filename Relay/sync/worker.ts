/**
 * Runs queued jobs: claims (one at a time per record key, as many keys in parallel as its
 * concurrency limit allows: Relay/sync/adaptiveConcurrency.ts), dispatches by kind, retries
 * failures with exponential backoff and jitter, dead-letters after `maxAttempts` or on errors that
 * retrying cannot fix. Tests drive it with `drain()`.
 */
import { isODataQueryError } from '../../Domain/odataQuery';
import { ApiError } from '../ports';
import type { Clock, Logger } from '../ports';
import type { Job, Store } from '../ports';
import type { SyncMetrics } from '../ports';
import { AdaptiveConcurrency, retryAfterOfError } from './adaptiveConcurrency';
import type { ConcurrencyLimit } from './adaptiveConcurrency';

export type JobHandler = (job: Job, context: { logger: Logger; correlationId: string }) => Promise<void>;

/** Told once a job is dead-lettered, so the record it was about can show the failure. */
export type DeadLetterHandler = (
  job: Job,
  error: unknown,
  context: { logger: Logger; correlationId: string },
) => Promise<void>;

/** Thrown by a handler to park the job without counting an attempt (nothing is lost). */
export class DeferJob extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'DeferJob';
  }
}

export interface WorkerOptions {
  store: Store;
  handlers: Record<string, JobHandler>;
  clock: Clock;
  logger: Logger;
  metrics?: SyncMetrics;
  maxAttempts: number;
  retryBaseMs: number;
  /** Upper bound of one backoff (default 15 minutes). */
  retryMaxMs?: number;
  /** The most jobs at once. */
  concurrency: number;
  /**
   * Adapts the jobs at once below `concurrency` to the services' throttling (the relay feeds it every
   * 429 its API clients see). Default: one that only this worker's successes reach, so it stays at
   * `concurrency`.
   */
  limit?: ConcurrencyLimit;
  pollIntervalMs: number;
  /** Jitter source in [0, 1); tests pin it. */
  random?: () => number;
  /** Shows a dead letter on its record (Relay/sync/failures.ts); never fails the worker. */
  onDeadLetter?: DeadLetterHandler;
}

/** Retrying cannot fix these: a request Partner Center or Dataverse rejects as malformed, one we
 *  refuse to build (a non-GUID where a GUID belongs), which the service would reject with 400, or
 *  data we cannot read. */
export function isPermanent(error: unknown): boolean {
  if (isODataQueryError(error)) return true;
  // Data that does not parse (Domain ValidationError) parses no better later; a changed referral
  // comes with its own webhook.
  if (error instanceof Error && error.name === 'ValidationError') return true;
  if (!(error instanceof ApiError)) return false;
  const status = error.status;
  return status !== null && status >= 400 && status < 500 && ![408, 409, 412, 423, 429].includes(status);
}

export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  // "Full jitter" on the upper half: spreads retries without ever retrying immediately.
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export class SyncWorker {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly random: () => number;
  readonly limit: ConcurrencyLimit;

  constructor(private readonly options: WorkerOptions) {
    this.random = options.random ?? Math.random;
    this.limit = options.limit ?? new AdaptiveConcurrency({ max: options.concurrency, clock: options.clock });
  }

  /** Claim and run one due job; false when none is due. */
  async runOnce(): Promise<boolean> {
    const { store, clock } = this.options;
    const job = await store.claim(clock.now());
    if (!job) return false;
    await this.execute(job);
    return true;
  }

  /** Run due jobs until none is left (tests; `cosell dead-letters retry --now`). */
  async drain(maxJobs = 10_000): Promise<number> {
    let ran = 0;
    while (ran < maxJobs && (await this.runOnce())) ran += 1;
    return ran;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Wake the loop now (a webhook just enqueued work). */
  poke(): void {
    if (this.running && this.limit.mayStart(this.inFlight.size)) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    try {
      while (this.running && this.limit.mayStart(this.inFlight.size)) {
        const job = await this.options.store.claim(this.options.clock.now());
        if (!job) break;
        const run = this.execute(job).finally(() => {
          this.inFlight.delete(run);
          this.poke();
        });
        this.inFlight.add(run);
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'worker loop failed');
    }
    // A service's Retry-After holds new jobs: look again the moment it ends.
    const held = this.limit.holdRemainingMs();
    this.schedule(held > 0 ? Math.min(held, this.options.pollIntervalMs) : this.options.pollIntervalMs);
  }

  private async execute(job: Job): Promise<void> {
    const { store, clock, metrics } = this.options;
    const correlationId = job.correlationId ?? job.id;
    const logger = this.options.logger.child({ jobId: job.id, kind: job.kind, key: job.key, correlationId });
    const handler = this.options.handlers[job.kind];
    if (!handler) {
      const message = `no handler for job kind ${job.kind}`;
      await store.fail(job.id, message, null);
      logger.error('dead letter: unknown job kind');
      await this.deadLettered(job, new Error(message), { logger, correlationId });
      return;
    }
    const stopTimer = metrics?.jobDuration.startTimer({ kind: job.kind });
    // Renew well before the lease lapses: a lapsed lease lets another worker (or replica) take the job.
    const renewal = setInterval(
      () => {
        store.renewLease(job.id, clock.now()).then(
          (held) => held || logger.warn('job lease lost while running'),
          (error: unknown) => logger.warn({ err: error }, 'could not renew the job lease'),
        );
      },
      Math.max(1, Math.floor(store.leaseMs / 3)),
    );
    renewal.unref?.();
    try {
      await handler(job, { logger, correlationId });
      await store.complete(job.id);
      metrics?.jobs.inc({ kind: job.kind, result: 'done' });
      this.limit.succeeded();
    } catch (error) {
      if (error instanceof DeferJob) {
        await store.defer(job.id, new Date(clock.now().getTime() + error.delayMs), error.message);
        metrics?.jobs.inc({ kind: job.kind, result: 'deferred' });
        logger.warn({ reason: error.message }, 'job deferred');
        return;
      }
      const message = describeError(error);
      const last = job.attempts >= this.options.maxAttempts || isPermanent(error);
      // A 429/503 the HTTP layer gave up on carries the service's Retry-After: the job's own retry
      // never comes back before it, whatever the backoff says.
      const retryAt = last
        ? null
        : new Date(
            clock.now().getTime() +
              Math.max(
                backoffMs(
                  job.attempts,
                  this.options.retryBaseMs,
                  this.options.retryMaxMs ?? 900_000,
                  this.random,
                ),
                retryAfterOfError(error) ?? 0,
              ),
          );
      await store.fail(job.id, message, retryAt);
      metrics?.jobs.inc({ kind: job.kind, result: last ? 'dead' : 'retry' });
      if (last) {
        logger.error({ err: error, attempts: job.attempts }, 'job dead-lettered');
        await this.deadLettered(job, error, { logger, correlationId });
      } else logger.warn({ err: error, attempts: job.attempts, retryAt }, 'job failed, will retry');
    } finally {
      clearInterval(renewal);
      stopTimer?.();
    }
  }

  private async deadLettered(
    job: Job,
    error: unknown,
    context: { logger: Logger; correlationId: string },
  ): Promise<void> {
    try {
      await this.options.onDeadLetter?.(job, error, context);
    } catch (reportError) {
      // The job is safely in the dead-letter list already; showing it on the record is best effort.
      context.logger.error({ err: reportError }, 'could not show the dead letter on its record');
    }
  }
}
