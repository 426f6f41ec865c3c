/**
 * The instrumented API ports count every call, and a throttling answer that reaches the caller (one
 * the HTTP client gave up retrying) tells the worker's concurrency limit, with its Retry-After.
 */
import { ApiError } from '../../../Relay/ports';
import { instrumentApi } from '../../../Relay/sync/instrument';
import { RecordingMetrics } from '../../testkit/recording';

const failure = (status: number, retryAfterMs: number | null) =>
  new ApiError(`HTTP ${status}`, {
    service: 'dataverse',
    status,
    method: 'GET',
    url: 'https://x/api/data/v9.2/accounts',
    cause: { status, code: null, body: '', retryAfterMs },
  });

function instrumented(error: ApiError | null) {
  const metrics = new RecordingMetrics();
  const throttled: Array<number | null> = [];
  const api = instrumentApi(
    {
      read: async () => {
        if (error) throw error;
        return 'ok';
      },
    },
    'dataverse',
    metrics,
    { throttled: (ms) => throttled.push(ms) },
  );
  return { api, metrics, throttled };
}

it('tells the concurrency limit of a 429 with its Retry-After, and counts it', async () => {
  const { api, metrics, throttled } = instrumented(failure(429, 2000));
  await expect(api.read()).rejects.toBeInstanceOf(ApiError);
  expect(throttled).toEqual([2000]);
  expect(metrics.apiThrottled.total({ api: 'dataverse' })).toBe(1);
  expect(metrics.apiCalls.total({ api: 'dataverse', operation: 'read', result: '429' })).toBe(1);
});

it('tells it of a 503 with Retry-After, not of one without or of other failures', async () => {
  const with503 = instrumented(failure(503, 1000));
  await expect(with503.api.read()).rejects.toBeInstanceOf(ApiError);
  expect(with503.throttled).toEqual([1000]);
  for (const error of [failure(503, null), failure(500, 1000), failure(400, null)]) {
    const { api, throttled } = instrumented(error);
    await expect(api.read()).rejects.toBeInstanceOf(ApiError);
    expect(throttled).toEqual([]);
  }
});

it('says nothing on success', async () => {
  const { api, metrics, throttled } = instrumented(null);
  expect(await api.read()).toBe('ok');
  expect(throttled).toEqual([]);
  expect(metrics.apiCalls.total({ result: 'ok' })).toBe(1);
});
