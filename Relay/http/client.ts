/**
 * One outbound HTTP call with retries, on undici.
 *
 * Why a loop here instead of undici's RetryAgent: RetryAgent sleeps on real timers (tests would wait),
 * decides retryability by method only, and cannot tell "429 on a POST" (never processed: safe to repeat)
 * from "500 on a POST" (maybe processed: not safe). This loop keeps those rules explicit and the clock
 * injectable; the transport is still undici's `request` on an injectable Dispatcher.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { ApiError, type Clock, type Logger, type ServiceName } from '../ports';
import { parseErrorBody } from './errorBody';
import { redactSecrets, redactUrl } from './redact';
import { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter, type RetryPolicy } from './retry';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Raw body (use either json or body). */
  body?: string | Buffer;
  /**
   * May a 5xx / network failure be retried? Default: true for GET/HEAD/PUT/DELETE, false for POST/PATCH
   * (the server may have applied them). 429 is always retried: it means "not processed".
   */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  /** The first request-id header found (see HttpClientOptions.requestIdHeaders). */
  requestId: string | null;
  /** Number of attempts made (1 = no retry). */
  attempts: number;
}

/** What ApiError.details.cause holds for an HTTP error status. */
export interface HttpErrorCause {
  status: number;
  code: string | null;
  /** Redacted, truncated response text. */
  body: string;
  /** From Retry-After, when the server sent one (429/503). */
  retryAfterMs: number | null;
}

export interface HttpClientOptions {
  service: ServiceName;
  retry?: Partial<RetryPolicy>;
  /** Custom undici dispatcher (proxy, MockAgent, keep-alive pool); default: undici's global one. */
  dispatcher?: Dispatcher;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  clock?: Clock;
  logger?: Logger;
  /** Response headers that carry the server's request id, in order of preference. */
  requestIdHeaders?: string[];
  /** Per-attempt timeout for headers and body. Default 30 s. */
  timeoutMs?: number;
}

export interface HttpClient {
  /** Resolves for 2xx/3xx (and 304); throws ApiError for everything else after retries. */
  send(req: HttpRequest): Promise<HttpResponse>;
}

const DEFAULT_REQUEST_ID_HEADERS = [
  'request-id',
  'x-ms-request-id',
  'ms-requestid',
  'x-ms-service-request-id',
  'req_id',
];
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
// Failures where the request certainly never reached the server: safe to retry for any method.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const errorCode = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
};

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const random = options.random ?? Math.random;
  const now = () => options.clock?.now() ?? new Date();
  const requestIdHeaders = options.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const requestIdOf = (headers: Record<string, string>): string | null => {
    for (const name of requestIdHeaders) if (headers[name]) return headers[name];
    return null;
  };

  async function attempt(req: HttpRequest): Promise<Omit<HttpResponse, 'attempts' | 'requestId'>> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await request(req.url, {
      method: req.method,
      headers,
      body,
      dispatcher: options.dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: flattenHeaders(res.headers), text };
  }

  // A service that answers 429/503 with Retry-After throttles the caller, not one request: until it
  // has passed, every call through this client waits (other records' jobs, a re-queued create), so
  // nothing reaches the service before the time it gave.
  // https://learn.microsoft.com/partner-center/developer/api-rate-limits-and-throttling
  let heldUntilMs = 0;
  const waitOutHold = async () => {
    const until = heldUntilMs;
    const waitMs = until - now().getTime();
    if (waitMs <= 0) return;
    await sleep(waitMs);
    // Waited out: a hold that no newer Retry-After replaced meanwhile is over.
    if (heldUntilMs === until) heldUntilMs = 0;
  };

  return {
    async send(req) {
      const idempotent = req.idempotent ?? IDEMPOTENT_METHODS.has(req.method);
      const safeUrl = redactUrl(req.url);
      const log = options.logger?.child({ service: options.service, method: req.method, url: safeUrl });
      for (let retry = 0; ; retry++) {
        const canRetry = retry < policy.maxRetries;
        let res: Awaited<ReturnType<typeof attempt>>;
        try {
          await waitOutHold();
          res = await attempt(req);
        } catch (error) {
          const code = errorCode(error);
          if (canRetry && (idempotent || (code !== undefined && NOT_SENT_CODES.has(code)))) {
            const wait = backoffDelay(retry, policy, random);
            log?.warn({ code, retry: retry + 1, waitMs: wait }, 'network error, retrying');
            await sleep(wait);
            continue;
          }
          const reason = redactSecrets(error instanceof Error ? error.message : String(error));
          throw new ApiError(`${options.service}: ${req.method} ${safeUrl} failed: ${code ?? reason}`, {
            service: options.service,
            status: null,
            method: req.method,
            url: safeUrl,
            code: code ?? null,
            cause: error,
          });
        }
        const requestId = requestIdOf(res.headers);
        if (res.status < 400) return { ...res, requestId, attempts: retry + 1 };

        const retryAfterMs = parseRetryAfter(res.headers['retry-after'], now());
        const retryable = res.status === 429 || (res.status >= 500 && idempotent);
        const tooLong = retryAfterMs !== null && retryAfterMs > policy.maxRetryAfterMs;
        if (retryAfterMs !== null && (res.status === 429 || res.status === 503))
          heldUntilMs = Math.max(
            heldUntilMs,
            now().getTime() + Math.min(retryAfterMs, policy.maxRetryAfterMs),
          );
        if (retryable && canRetry && !tooLong) {
          const wait = retryAfterMs ?? backoffDelay(retry, policy, random);
          log?.warn(
            { status: res.status, requestId, retry: retry + 1, waitMs: wait, retryAfterMs },
            'retrying',
          );
          // With Retry-After, the hold above is the wait (taken at the top of the next attempt).
          if (retryAfterMs === null || !(res.status === 429 || res.status === 503)) await sleep(wait);
          continue;
        }
        const parsed = parseErrorBody(res.text);
        const cause: HttpErrorCause = {
          status: res.status,
          code: parsed.code,
          body: redactSecrets(res.text).slice(0, 2000),
          retryAfterMs,
        };
        throw new ApiError(
          `${options.service}: ${req.method} ${safeUrl} → ${res.status}: ${parsed.message}` +
            (requestId ? ` (request id ${requestId})` : ''),
          {
            service: options.service,
            status: res.status,
            method: req.method,
            url: safeUrl,
            requestId,
            code: parsed.code,
            cause,
          },
        );
      }
    },
  };
}

/** Retry-After of an ApiError raised by this module (ms), or null. */
export function retryAfterOf(error: unknown): number | null {
  if (!(error instanceof ApiError)) return null;
  const cause = error.details.cause as Partial<HttpErrorCause> | undefined;
  return typeof cause?.retryAfterMs === 'number' ? cause.retryAfterMs : null;
}
