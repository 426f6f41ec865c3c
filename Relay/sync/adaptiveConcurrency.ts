/**
 * How many jobs the worker may run at once, following what Partner Center and Dataverse say about
 * load: additive increase, multiplicative decrease (AIMD, the rule TCP congestion control uses,
 * RFC 5681 §3.1). It starts at the configured most (COSELL_WORKER_CONCURRENCY); a throttling answer
 * halves it (never below 1) and, while its Retry-After runs, no new job starts; then each full round
 * of successful jobs (as many as the limit) adds one job, up to the configured most again.
 *
 * Both services ask a throttled caller to wait for Retry-After and to send less, with no fixed
 * number to aim for (Dataverse: "there's no fixed number for the optimum degree of parallelism"):
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
 * https://learn.microsoft.com/power-apps/developer/data-platform/send-parallel-requests
 * https://learn.microsoft.com/partner-center/developer/api-rate-limits-and-throttling
 */
import { ApiError } from '../ports';
import type { Clock } from '../ports';

/** Retry-After (ms) a service gave with this failure (Relay/http puts it in the error's cause), or null. */
export function retryAfterOfError(error: unknown): number | null {
  if (!(error instanceof ApiError)) return null;
  const cause = error.details.cause as { retryAfterMs?: unknown } | undefined;
  return typeof cause?.retryAfterMs === 'number' ? cause.retryAfterMs : null;
}

/** Does this answer ask us to slow down? 429 always; 503 when it says when to come back. */
export function isThrottling(status: number | null, retryAfterMs: number | null): boolean {
  return status === 429 || (status === 503 && retryAfterMs !== null);
}

/** What the worker asks of its concurrency limit. */
export interface ConcurrencyLimit {
  /** May one more job start beside `running`? Never while a Retry-After runs. */
  mayStart(running: number): boolean;
  /** Until when no job may start (ms from now; 0 when none). */
  holdRemainingMs(): number;
  /** A job finished without being throttled. */
  succeeded(): void;
  /** A service answered with a throttling status (see isThrottling). */
  throttled(retryAfterMs: number | null): void;
  /** The whole number of jobs allowed at once now. */
  readonly limit: number;
}

export interface AdaptiveConcurrencyOptions {
  /** The most jobs at once, and where the limit starts. */
  max: number;
  clock: Clock;
  /** Called with the new limit whenever its whole number changes (the /metrics gauge). */
  onChange?: (limit: number) => void;
  /**
   * A throttling answer without Retry-After (a 429 that gave none) still ends the episode after
   * this long; another one after it halves the limit again. Default 1 s.
   */
  episodeMs?: number;
  /**
   * Longest Retry-After honoured as a hold on new jobs (default 5 minutes, Dataverse's
   * service-protection window); a longer one still halves the limit.
   */
  maxHoldMs?: number;
}

export class AdaptiveConcurrency implements ConcurrencyLimit {
  private current: number;
  /** Successes since the limit last changed: a full round of them (`limit`) adds one job. */
  private successes = 0;
  private heldUntilMs = 0;
  /** Throttling answers before this belong to the episode that last halved the limit. */
  private episodeEndsMs = Number.NEGATIVE_INFINITY;
  private readonly max: number;

  constructor(private readonly options: AdaptiveConcurrencyOptions) {
    this.max = Math.max(1, Math.floor(options.max));
    this.current = this.max;
  }

  get limit(): number {
    return this.current;
  }

  mayStart(running: number): boolean {
    return this.holdRemainingMs() === 0 && running < this.current;
  }

  holdRemainingMs(): number {
    return Math.max(0, this.heldUntilMs - this.now());
  }

  succeeded(): void {
    // A job that ran through a hold tells nothing about the service's room yet.
    if (this.current >= this.max || this.holdRemainingMs() > 0) return;
    this.successes += 1;
    if (this.successes >= this.current) this.change(this.current + 1);
  }

  throttled(retryAfterMs: number | null): void {
    const now = this.now();
    const holdMs = Math.min(Math.max(0, retryAfterMs ?? 0), this.options.maxHoldMs ?? 300_000);
    this.heldUntilMs = Math.max(this.heldUntilMs, now + holdMs);
    // Every job in flight when the service pushed back gets its own 429: that is one signal, not
    // one per job, or a burst of them would drop the limit to 1 at once.
    if (now < this.episodeEndsMs) {
      this.episodeEndsMs = Math.max(this.episodeEndsMs, this.heldUntilMs);
      return;
    }
    this.episodeEndsMs = Math.max(this.heldUntilMs, now + (this.options.episodeMs ?? 1000));
    this.change(Math.max(1, Math.floor(this.current / 2)));
  }

  private change(limit: number): void {
    this.successes = 0;
    if (limit === this.current) return;
    this.current = limit;
    this.options.onChange?.(limit);
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }
}
