/**
 * Wraps a port (PartnerCenterApi, DataverseApi) so every call is counted and timed per API and
 * operation, with 429s counted separately: the relay's view of its own API budget without touching
 * the clients.
 * A throttling answer that reaches the caller also tells `throttle` (the worker's concurrency limit);
 * the ones the HTTP client retried on its own reach it through Relay/server/throttleMeter.ts.
 */
import { ApiError } from '../ports';
import type { SyncMetrics } from '../ports';
import { isThrottling, retryAfterOfError } from './adaptiveConcurrency';
import type { ConcurrencyLimit } from './adaptiveConcurrency';

export function instrumentApi<T extends object>(
  api: T,
  name: string,
  metrics: SyncMetrics,
  throttle?: Pick<ConcurrencyLimit, 'throttled'>,
): T {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const operation = String(property);
      return async (...args: unknown[]) => {
        const stop = metrics.apiDuration.startTimer({ api: name, operation });
        try {
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          metrics.apiCalls.inc({ api: name, operation, result: 'ok' });
          return result;
        } catch (error) {
          const status = error instanceof ApiError ? error.status : null;
          metrics.apiCalls.inc({ api: name, operation, result: status === null ? 'error' : String(status) });
          if (status === 429) metrics.apiThrottled.inc({ api: name });
          const retryAfterMs = retryAfterOfError(error);
          if (throttle && isThrottling(status, retryAfterMs)) throttle.throttled(retryAfterMs);
          throw error;
        } finally {
          stop();
        }
      };
    },
  });
}
