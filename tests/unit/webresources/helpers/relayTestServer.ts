/**
 * A real HTTP server on 127.0.0.1 (port 0) standing in for the relay: each test scripts the answers
 * and reads back what the client sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (request: SeenRequest, response: ServerResponse) => void;

export interface TestServer {
  baseUrl: string;
  seen: SeenRequest[];
  /** Answers the next requests in order; the last handler repeats. */
  answer(...handlers: Handler[]): void;
  close(): Promise<void>;
}

export const json =
  (status: number, body: unknown): Handler =>
  (_request, response) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };

/** Never answers: the client's deadline must fire. */
export const hang: Handler = () => undefined;

export async function startTestServer(): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  let handlers: Handler[] = [json(500, { error: { code: 'unscripted', message: 'no handler' } })];

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seenRequest: SeenRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(seenRequest);
      const handler = handlers.length > 1 ? handlers.shift()! : handlers[0]!;
      handler(seenRequest, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    answer: (...next) => {
      handlers = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests (timeout tests) would keep the server open forever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
