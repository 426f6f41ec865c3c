/**
 * One JSON request with a deadline, turning every way it can fail into a RelayError. Browser-only
 * primitives (fetch, AbortController) so the same code runs in the form, the PCF control and tests.
 */
import { failureKindOf, parseErrorBody, RelayError, relayFailureMessage } from './relayError';

/** The subset of `fetch` we use; injectable so tests and hosts can supply their own. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface JsonRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  lcid: number;
  fetch?: FetchLike;
}

// Resolve `fetch` at call time: a stored reference to window.fetch called off `window` throws
// "Illegal invocation" in Chromium.
const globalFetch: FetchLike = (url, init) => fetch(url, init);

export async function requestJson<T>(request: JsonRequest): Promise<T> {
  const { lcid } = request;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);

  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';

  try {
    let response: Response;
    let text: string;
    try {
      response = await (request.fetch ?? globalFetch)(request.url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: controller.signal,
      });
      // The deadline covers the body too: a relay that sends headers and then stalls is still a timeout.
      text = await response.text();
    } catch (cause) {
      const kind = timedOut ? 'timeout' : 'unreachable';
      throw new RelayError(kind, relayFailureMessage(kind, lcid), { cause });
    }

    if (!response.ok) {
      const kind = failureKindOf(response.status);
      const details = parseErrorBody(text);
      // A refused request is only actionable with the relay's reason, so that one shows it.
      const message =
        kind === 'badRequest' && details.serverMessage
          ? `${relayFailureMessage(kind, lcid)} ${details.serverMessage}`
          : relayFailureMessage(kind, lcid);
      throw new RelayError(kind, message, { status: response.status, ...details });
    }

    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      // 2xx with a body that is not JSON: a proxy or login page answered instead of the relay.
      throw new RelayError('server', relayFailureMessage('server', lcid), { status: response.status, cause });
    }
  } finally {
    clearTimeout(timer);
  }
}
