/**
 * A loopback proxy in front of the Partner Center simulator's referrals API that answers a share of
 * calls with 429 or 503 and `Retry-After`, and counts calls that came back too early: a request
 * repeated (same method, URL and body) before the Retry-After it was given had passed. It sees every
 * call the relay makes, which the relay's own metrics cannot vouch for.
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { seededRandom } from '../../DevStack/simulators/seededRandom';

export interface ThrottleProxyStats {
  calls: number;
  throttled429: number;
  unavailable503: number;
  /** Repeats of a throttled request sent before its Retry-After expired (goal 0). */
  earlyRetries: number;
  /** Other calls sent while some Retry-After was running (for information: other records' work). */
  callsDuringOthersRetryAfter: number;
}

export interface ThrottleProxy {
  url: string;
  stats: ThrottleProxyStats;
  close(): Promise<void>;
}

export async function startThrottleProxy(
  target: string,
  options: { share: number; retryAfterSec: number; seed?: number },
): Promise<ThrottleProxy> {
  const targetUrl = new URL(target);
  const random = seededRandom(options.seed ?? 17);
  const stats: ThrottleProxyStats = {
    calls: 0,
    throttled429: 0,
    unavailable503: 0,
    earlyRetries: 0,
    callsDuringOthersRetryAfter: 0,
  };
  /** Request fingerprint → time its Retry-After ends. */
  const blockedUntil = new Map<string, number>();
  let anyBlockedUntil = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const fingerprint = createHash('sha256').update(`${req.method} ${req.url}\n`).update(body).digest('hex');
    const now = Date.now();
    stats.calls += 1;
    const until = blockedUntil.get(fingerprint);
    if (until !== undefined && now < until) stats.earlyRetries += 1;
    else if (now < anyBlockedUntil) stats.callsDuringOthersRetryAfter += 1;
    // Only the referrals API is throttled (Partner Center's documented limits are per API).
    if (req.url?.startsWith('/v1.0/engagements/referrals') && random() < options.share) {
      const throttle = random() < 0.5;
      if (throttle) stats.throttled429 += 1;
      else stats.unavailable503 += 1;
      const end = now + options.retryAfterSec * 1000;
      blockedUntil.set(fingerprint, end);
      anyBlockedUntil = Math.max(anyBlockedUntil, end);
      res.writeHead(throttle ? 429 : 503, {
        'content-type': 'application/json',
        'retry-after': String(options.retryAfterSec),
      });
      res.end(
        JSON.stringify({
          code: throttle ? 429 : 503,
          description: throttle ? 'Rate limit is exceeded.' : 'The service is temporarily unavailable.',
          data: [],
          source: 'PartnerAPI',
        }),
      );
      return;
    }
    blockedUntil.delete(fingerprint);
    const upstream = httpRequest(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: targetUrl.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
