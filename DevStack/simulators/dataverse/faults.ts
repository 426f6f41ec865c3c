/**
 * Fault injection driven through `/_control/faults`: service-protection throttling (429 with
 * Retry-After and the real error codes) for the next N requests, and added latency per request.
 */
import { DataverseError, ErrorCodes } from './errors';

export interface FaultSettings {
  /** Answer the next `count` Web API requests with 429. */
  throttle?: { count: number; retryAfterSeconds?: number; code?: string };
  /** Added to every Web API request. */
  latencyMs?: number;
}

export class Faults {
  private throttleLeft = 0;
  private retryAfterSeconds = 1;
  private code: string = ErrorCodes.throttledRequests;
  latencyMs = 0;

  configure(settings: FaultSettings): void {
    if (settings.throttle) {
      this.throttleLeft = Math.max(0, Math.floor(settings.throttle.count));
      this.retryAfterSeconds = settings.throttle.retryAfterSeconds ?? 1;
      this.code = settings.throttle.code ?? ErrorCodes.throttledRequests;
    }
    if (settings.latencyMs !== undefined) this.latencyMs = Math.max(0, settings.latencyMs);
  }

  reset(): void {
    this.throttleLeft = 0;
    this.latencyMs = 0;
  }

  state(): { throttleRemaining: number; retryAfterSeconds: number; latencyMs: number } {
    return {
      throttleRemaining: this.throttleLeft,
      retryAfterSeconds: this.retryAfterSeconds,
      latencyMs: this.latencyMs,
    };
  }

  /** Throws the service-protection error when a throttle is armed. */
  async apply(): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (this.throttleLeft > 0) {
      this.throttleLeft--;
      throw new DataverseError(
        429,
        this.code,
        'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
        { 'retry-after': String(this.retryAfterSeconds) },
      );
    }
  }
}
