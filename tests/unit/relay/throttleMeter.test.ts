/**
 * The throttle meter is a logger for Relay/http: it counts the client's "retrying" lines for 429s,
 * per service, keeps counts seen before the relay's metrics exist, and passes every line on.
 */
import { createLogger } from '../../../Relay/logging/logger';
import { createMetrics } from '../../../Relay/server/metrics';
import { createThrottleMeter } from '../../../Relay/server/throttleMeter';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { closeAfterTest } from '../../testkit/cleanup';

it('counts retried 429s per service, before and after attach, and forwards every line', async () => {
  const lines: string[] = [];
  const base = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
  const meter = createThrottleMeter();
  const logger = meter.logger(base);
  const dataverse = logger.child({ service: 'dataverse', method: 'GET', url: 'https://x/api' });
  dataverse.warn({ status: 429, retry: 1, waitMs: 0 }, 'retrying');
  dataverse.warn({ status: 503, retry: 2, waitMs: 0 }, 'retrying');
  dataverse.warn({ code: 'ECONNRESET', retry: 1, waitMs: 0 }, 'network error, retrying');

  const store = closeAfterTest(new SqliteStore({ filename: ':memory:' }));
  const metrics = createMetrics(store);
  meter.attach(metrics);
  logger.child({ service: 'partnercenter' }).child({ method: 'PATCH' }).warn({ status: 429 }, 'retrying');
  logger.warn({ status: 429 }, 'retrying'); // no service bound: not an API call

  const text = await metrics.registry.getSingleMetricAsString('cosell_api_throttled_total');
  expect(text).toContain('cosell_api_throttled_total{api="dataverse"} 1');
  expect(text).toContain('cosell_api_throttled_total{api="partnercenter"} 1');
  expect(lines).toHaveLength(5);
  expect(JSON.parse(lines[0]!)).toMatchObject({ service: 'dataverse', status: 429, msg: 'retrying' });
  await store.close();
});

it('tells the concurrency limit of each retried throttling answer once attached, with its Retry-After', async () => {
  const meter = createThrottleMeter();
  const logger = meter.logger();
  const partnerCenter = logger.child({ service: 'partnercenter', method: 'POST' });
  partnerCenter.warn({ status: 429, retry: 1, waitMs: 1000, retryAfterMs: 1000 }, 'retrying'); // before attach

  const store = closeAfterTest(new SqliteStore({ filename: ':memory:' }));
  const throttled: Array<number | null> = [];
  meter.attach(createMetrics(store), { throttled: (ms) => throttled.push(ms) });
  partnerCenter.warn({ status: 429, retry: 1, waitMs: 2000, retryAfterMs: 2000 }, 'retrying');
  partnerCenter.warn({ status: 429, retry: 2, waitMs: 350, retryAfterMs: null }, 'retrying');
  partnerCenter.warn({ status: 503, retry: 1, waitMs: 1000, retryAfterMs: 1000 }, 'retrying');
  partnerCenter.warn({ status: 503, retry: 1, waitMs: 400, retryAfterMs: null }, 'retrying'); // backoff of our own
  partnerCenter.warn({ status: 500, retry: 1, waitMs: 400, retryAfterMs: null }, 'retrying');
  logger.warn({ status: 429, retryAfterMs: 1000 }, 'retrying'); // no service bound: not an API call
  expect(throttled).toEqual([2000, null, 1000]);
  await store.close();
});
