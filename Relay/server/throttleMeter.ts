/**
 * Counts every 429 the API clients receive, including the ones the shared HTTP client (Relay/http)
 * retries on its own after Retry-After: those never surface as errors, so the port-level counting in
 * Relay/sync/instrument.ts sees only a 429 that exhausted the retries. Relay/http reports each retry
 * through its injected logger (`warn({ status, retry, waitMs, retryAfterMs }, 'retrying')` under a
 * child bound to `service`), so the meter is a logger that counts those lines and passes everything
 * on.
 *
 * The same lines tell the worker's concurrency limit to slow down (Relay/sync/adaptiveConcurrency.ts).
 *
 * The clients are built before the relay (and its metrics registry) exists, so counts seen before
 * `attach` are kept and added once the metrics arrive.
 */
import type { Logger } from '../ports';
import { silentLogger } from '../logging/logger';
import { isThrottling } from '../sync/adaptiveConcurrency';
import type { ConcurrencyLimit } from '../sync/adaptiveConcurrency';
import type { RelayMetrics } from './metrics';

export interface ThrottleMeter {
  /** The logger to give the HTTP clients (`http.logger`, and Partner Center's `logger`). */
  logger(base?: Logger): Logger;
  /**
   * Start counting into these metrics (adds what was seen before), and from now on tell `limit` of
   * every throttling answer retried (a 429, or a 503 with Retry-After).
   */
  attach(metrics: RelayMetrics, limit?: Pick<ConcurrencyLimit, 'throttled'>): void;
}

/** Relay/http's message for a retried error status (see Relay/http/client.ts). */
const RETRY_MESSAGE = 'retrying';

export function createThrottleMeter(): ThrottleMeter {
  let metrics: RelayMetrics | null = null;
  let limit: Pick<ConcurrencyLimit, 'throttled'> | null = null;
  const pending = new Map<string, number>();
  const count = (api: string) => {
    if (metrics) metrics.apiThrottled.inc({ api });
    else pending.set(api, (pending.get(api) ?? 0) + 1);
  };

  const wrap = (base: Logger, api: string | null): Logger => ({
    debug: (obj, msg) => base.debug(obj, msg),
    info: (obj, msg) => base.info(obj, msg),
    error: (obj, msg) => base.error(obj, msg),
    warn(obj, msg) {
      if (api && msg === RETRY_MESSAGE && typeof obj === 'object') {
        const { status, retryAfterMs } = obj as { status?: unknown; retryAfterMs?: unknown };
        const statusCode = typeof status === 'number' ? status : null;
        const retryAfter = typeof retryAfterMs === 'number' ? retryAfterMs : null;
        if (statusCode === 429) count(api);
        if (isThrottling(statusCode, retryAfter)) limit?.throttled(retryAfter);
      }
      base.warn(obj, msg);
    },
    child(bindings) {
      const service = typeof bindings.service === 'string' ? bindings.service : api;
      return wrap(base.child(bindings), service);
    },
  });

  return {
    logger: (base = silentLogger) => wrap(base, null),
    attach(target, concurrencyLimit) {
      metrics = target;
      limit = concurrencyLimit ?? null;
      for (const [api, n] of pending) target.apiThrottled.inc({ api }, n);
      pending.clear();
    },
  };
}
