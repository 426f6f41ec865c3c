/**
 * One loopback HTTP server for tests that need a real peer: it records every request and answers
 * from a script — a webhook receiver, a scripted Partner Center or relay. Answers are taken in order
 * and the last one repeats; an answer may be computed from the request. Closed after the test file
 * (hanging requests included) unless closed before.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeAfterAll } from './cleanup';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Destroy the socket instead of answering (a network error). */
  hangUp?: boolean;
  /** Never answer (the client's deadline must fire). */
  hang?: boolean;
}

export type Answer = Reply | ((request: RecordedRequest) => Reply);

/** A JSON answer. */
export const json = (status: number, body: unknown): Reply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Never answers. */
export const hang: Reply = { hang: true };

export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  received: RecordedRequest[];
  /** Replace the script: these answers in order, the last one repeating. */
  answer(...answers: Answer[]): void;
  close(): Promise<void>;
}

export async function startRecordingServer(...initial: Answer[]): Promise<RecordingServer> {
  const received: RecordedRequest[] = [];
  let script: Answer[] = initial.length ? initial : [{ status: 200 }];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(recorded);
      const next = script.length > 1 ? script.shift()! : script[0]!;
      const reply = typeof next === 'function' ? next(recorded) : next;
      if (reply.hang) return;
      if (reply.hangUp) return void request.socket.destroy();
      response.writeHead(reply.status ?? 200, reply.headers ?? {});
      response.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = closeAfterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (...answers) => {
      script = answers.length ? answers : [{ status: 200 }];
    },
    close,
  };
}
