/** Test helpers: a loopback webhook receiver and unsigned JWTs carrying an `oid`. */
import http from 'node:http';
import path from 'node:path';
import { UnsecuredJWT } from 'jose';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const SHARED = path.resolve(REPO_ROOT, '../shared/reference');

export interface ReceivedRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Status codes to answer with, in order; 200 once exhausted. */
  respondWith: number[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const respondWith: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body });
      res.statusCode = respondWith.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/hook`,
    received,
    respondWith,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An unsigned token: the simulator decodes it without verification to learn the caller. */
export const tokenFor = (oid: string, extra: Record<string, unknown> = {}): string =>
  new UnsecuredJWT({ oid, tid: '11111111-1111-1111-1111-111111111111', ...extra }).encode();
