import { ApiError } from '../../../Relay/ports';
import {
  backoffDelay,
  createHttpClient,
  DEFAULT_RETRY_POLICY,
  parseErrorBody,
  parseRetryAfter,
  redactSecrets,
  redactUrl,
  retryAfterOf,
} from '../../../Relay/http';
import { startRecordingServer, type Reply } from '../../testkit/recordingServer';

const fixedClock = { now: () => new Date('2025-01-01T00:00:00Z') };

function client(sleeps: number[], maxRetries = 3) {
  return createHttpClient({
    service: 'partnercenter',
    retry: { maxRetries, baseDelayMs: 100, maxDelayMs: 1000 },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    clock: fixedClock,
  });
}

describe('Retry-After and backoff', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('57', fixedClock.now())).toBe(57_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', fixedClock.now())).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:10 GMT', fixedClock.now())).toBe(0);
    expect(parseRetryAfter('soon', fixedClock.now())).toBeNull();
    expect(parseRetryAfter(undefined, fixedClock.now())).toBeNull();
  });
  it('grows exponentially with full jitter and stays bounded', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});

describe('error bodies and redaction', () => {
  it('parses Partner Center, OData, AAD, throttling and plain-text bodies', () => {
    expect(
      parseErrorBody('{"code":1001,"description":"Invalid country","data":[],"source":"PartnerAPI"}'),
    ).toEqual({
      message: 'Invalid country',
      code: '1001',
    });
    expect(parseErrorBody('{"error":{"code":"0x80040217","message":"Does Not Exist"}}')).toEqual({
      message: 'Does Not Exist',
      code: '0x80040217',
    });
    expect(parseErrorBody('{"error":"invalid_grant","error_description":"AADSTS700082: expired"}')).toEqual({
      message: 'AADSTS700082: expired',
      code: 'invalid_grant',
    });
    expect(
      parseErrorBody('{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds." }')
        .message,
    ).toBe('Rate limit is exceeded. Try again in 57 seconds.');
    expect(parseErrorBody('Bad Request')).toEqual({ message: 'Bad Request', code: null });
    expect(parseErrorBody('')).toEqual({ message: '(empty body)', code: null });
  });
  it('redacts tokens in text and secrets in URLs', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl';
    expect(redactSecrets(`Authorization: Bearer ${jwt}`)).not.toContain('eyJ');
    expect(redactSecrets('refresh_token=0.AAAAbcdef&x=1')).toBe('refresh_token=[redacted]&x=1');
    expect(redactSecrets('{"client_secret":"s3cr3t"}')).toBe('{"client_secret":"[redacted]"}');
    expect(redactUrl('https://u:p@host/cert/a.cer?sv=1&sig=abc%2Bdef')).toBe(
      'https://redacted@host/cert/a.cer?sv=1&sig=[redacted]',
    );
  });
});

describe('createHttpClient', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => void (await Promise.all(servers.splice(0).map((s) => s.close()))));
  const serve = async (replies: Reply[]) => {
    const s = await startRecordingServer(...replies);
    servers.push(s);
    return s;
  };

  it('waits Retry-After on 429 (even for POST) and returns the final response', async () => {
    const s = await serve([
      { status: 429, headers: { 'retry-after': '2' }, body: '{"statusCode":429,"message":"slow down"}' },
      {
        status: 201,
        headers: { 'request-id': 'rid-1', 'content-type': 'application/json' },
        body: '{"id":"x"}',
      },
    ]);
    const sleeps: number[] = [];
    const res = await client(sleeps).send({ method: 'POST', url: `${s.url}/r`, json: { a: 1 } });
    expect(res).toMatchObject({ status: 201, requestId: 'rid-1', attempts: 2, text: '{"id":"x"}' });
    expect(sleeps).toEqual([2000]);
    expect(s.received.map((r) => r.body)).toEqual(['{"a":1}', '{"a":1}']);
    expect(s.received[0]!.headers['content-type']).toBe('application/json');
  });

  it('holds every call of the client until a Retry-After has passed, not only the throttled one', async () => {
    const s = await serve([
      { status: 429, headers: { 'retry-after': '3' }, body: '{"statusCode":429,"message":"slow down"}' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' },
    ]);
    const sleeps: number[] = [];
    const throttled = client(sleeps, 0);
    await expect(throttled.send({ method: 'POST', url: `${s.url}/r`, json: { a: 1 } })).rejects.toThrow(
      '429',
    );
    expect(sleeps).toEqual([]);
    // Another record's call through the same client waits out the 3 s Partner Center gave.
    await throttled.send({ method: 'GET', url: `${s.url}/other` });
    expect(sleeps).toEqual([3000]);
  });

  it('backs off on 5xx for idempotent requests, with jitter, until success', async () => {
    const s = await serve([{ status: 503 }, { status: 500 }, { status: 200, body: 'ok' }]);
    const sleeps: number[] = [];
    const res = await client(sleeps).send({ method: 'GET', url: `${s.url}/r` });
    expect(res.attempts).toBe(3);
    expect(sleeps).toEqual([50, 100]);
  });

  it('does not retry a 500 on POST (it may have been applied)', async () => {
    const s = await serve([{ status: 500, body: 'boom' }, { status: 201 }]);
    const sleeps: number[] = [];
    await expect(client(sleeps).send({ method: 'POST', url: `${s.url}/r` })).rejects.toMatchObject({
      details: { status: 500 },
    });
    expect(s.received).toHaveLength(1);
  });

  it('gives up after maxRetries with an ApiError carrying status, request id, code and Retry-After', async () => {
    const reply = {
      status: 429,
      headers: { 'retry-after': '1', 'request-id': 'rid-9' },
      body: '{"code":429,"description":"throttled"}',
    };
    const s = await serve([reply, reply, reply]);
    const sleeps: number[] = [];
    const error = (await client(sleeps, 2)
      .send({ method: 'GET', url: `${s.url}/r?access_token=abc` })
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.details).toMatchObject({
      service: 'partnercenter',
      status: 429,
      requestId: 'rid-9',
      code: '429',
    });
    expect(error.message).toContain('throttled');
    expect(error.message).not.toContain('abc');
    expect(error.details.url).toContain('access_token=[redacted]');
    expect(retryAfterOf(error)).toBe(1000);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('throws at once when Retry-After exceeds the cap so the caller can reschedule', async () => {
    const s = await serve([{ status: 429, headers: { 'retry-after': '3600' } }]);
    const sleeps: number[] = [];
    const error = await client(sleeps)
      .send({ method: 'GET', url: `${s.url}/r` })
      .catch((e: unknown) => e);
    expect(retryAfterOf(error)).toBe(3_600_000);
    expect(sleeps).toEqual([]);
  });

  it('retries network errors on idempotent requests and reports status null when exhausted', async () => {
    const s = await serve([
      { status: 0, hangUp: true },
      { status: 200, body: 'ok' },
    ]);
    const sleeps: number[] = [];
    await expect(client(sleeps).send({ method: 'GET', url: `${s.url}/r` })).resolves.toMatchObject({
      status: 200,
    });
    await s.close();
    const error = await client([], 1)
      .send({ method: 'GET', url: `${s.url}/r` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBeNull();
  });
});
