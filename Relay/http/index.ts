/**
 * Shared outbound HTTP helpers for the Partner Center and Dataverse clients (API kept stable).
 *
 *   createHttpClient({ service, retry?, dispatcher?, sleep?, random?, clock?, logger?, requestIdHeaders?, timeoutMs? })
 *     .send({ method, url, headers?, json? | body?, idempotent? }) → { status, headers, text, requestId, attempts }
 *   - non-2xx/3xx → throws ApiError (Relay/ports) with status, requestId, code, redacted url/message and
 *     cause: HttpErrorCause { status, code, body, retryAfterMs }; network failure → ApiError status null.
 *   - 429 is always retried after Retry-After (seconds or HTTP date) or backoff; 5xx / network errors are
 *     retried only when idempotent (default GET/HEAD/PUT/DELETE); Retry-After > maxRetryAfterMs is thrown.
 *   retryAfterOf(error)           Retry-After (ms) carried by an ApiError, or null
 *   parseRetryAfter(value, now)   ms or null;  backoffDelay(attempt, policy, random)  full-jitter backoff
 *   parseErrorBody(text)          { message, code } from OData / AAD / Partner Center / plain-text bodies
 *   redactUrl(url), redactSecrets(text)   scrub tokens, JWTs, OAuth secrets, SAS signatures
 */
export { createHttpClient, retryAfterOf } from './client';
export type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse, HttpErrorCause } from './client';
export { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter } from './retry';
export type { RetryPolicy } from './retry';
export { parseErrorBody } from './errorBody';
export type { ParsedErrorBody } from './errorBody';
export { REDACTED, redactSecrets, redactUrl } from './redact';
export { headerOf } from './headers';
export type { HeaderBag } from './headers';
