/**
 * POSTs one RemoteExecutionContext to a webhook service endpoint the way Dataverse does
 * (dataverse-solution-format.md §5): endpoint authentication (authtype 4 WebhookKey → `?code=`,
 * 5 HttpHeader and 6 HttpQueryString from `<settings><setting name value/></settings>`),
 * x-ms-dynamics-* headers, 60 s timeout, one retry on 502/503/504, 256 KB truncation.
 */
import { request } from 'undici';
import { XMLParser } from 'fast-xml-parser';
import { MAX_WEBHOOK_BYTES, truncateContext } from './remoteExecutionContext';

export interface WebhookEndpoint {
  url: string;
  authtype: number | null;
  authvalue: string | null;
}

export interface DeliveryAttempt {
  status: number | null;
  error?: string;
  /** When the attempt ended (simulator clock); set by the delivery log. */
  at?: string;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: DeliveryAttempt[];
  sizeExceeded: boolean;
  bytes: number;
}

const settingsParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => name === 'setting',
});

/** `<settings><setting name="k" value="v"/></settings>` (or a plain `k=v&k2=v2` string) → pairs. */
export function parseAuthSettings(authvalue: string): Array<[string, string]> {
  const trimmed = authvalue.trim();
  if (!trimmed.startsWith('<')) return [...new URLSearchParams(trimmed).entries()];
  const doc = settingsParser.parse(trimmed) as {
    settings?: { setting?: Array<{ name?: string; value?: string }> };
  };
  return (doc.settings?.setting ?? [])
    .filter((s) => s.name)
    .map((s): [string, string] => [String(s.name), String(s.value ?? '')]);
}

export function authenticate(endpoint: WebhookEndpoint): { url: string; headers: Record<string, string> } {
  const url = new URL(endpoint.url);
  const headers: Record<string, string> = {};
  const value = endpoint.authvalue ?? '';
  if (endpoint.authtype === 4 && value) url.searchParams.set('code', value);
  if (endpoint.authtype === 5) for (const [k, v] of parseAuthSettings(value)) headers[k] = v;
  if (endpoint.authtype === 6) for (const [k, v] of parseAuthSettings(value)) url.searchParams.set(k, v);
  return { url: url.toString(), headers };
}

const RETRIED = new Set([502, 503, 504]);

export async function deliverWebhook(
  endpoint: WebhookEndpoint,
  context: Record<string, unknown>,
  headers: Record<string, string>,
  timeoutMs = 60_000,
): Promise<DeliveryResult> {
  let body = JSON.stringify(context);
  let sizeExceeded = false;
  if (Buffer.byteLength(body) > MAX_WEBHOOK_BYTES) {
    body = JSON.stringify(truncateContext(context));
    sizeExceeded = true;
  }
  const auth = authenticate(endpoint);
  const allHeaders: Record<string, string> = {
    'content-type': 'application/json',
    ...headers,
    ...auth.headers,
    ...(sizeExceeded ? { 'x-ms-dynamics-msg-size-exceeded': 'true' } : {}),
  };
  const attempts: DeliveryAttempt[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const response = await request(auth.url, {
        method: 'POST',
        headers: allHeaders,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      attempts.push({ status: response.statusCode });
      if (response.statusCode >= 200 && response.statusCode < 300)
        return { ok: true, attempts, sizeExceeded, bytes: Buffer.byteLength(body) };
      if (!RETRIED.has(response.statusCode)) break;
    } catch (error) {
      attempts.push({ status: null, error: (error as Error).message });
      break;
    }
  }
  return { ok: false, attempts, sizeExceeded, bytes: Buffer.byteLength(body) };
}
