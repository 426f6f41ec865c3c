/**
 * The load balancer in front of relay replicas (docker-compose.ha.yml puts a proxy there): round robin
 * over the backends, and a backend that refuses the connection (a killed replica) is skipped for the
 * next one, as a proxy with passive health checks does. Webhooks and /api reach the replicas through it.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Balancer {
  url: string;
  close(): Promise<void>;
}

function forward(
  port: number,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }),
        );
        answer.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

export async function startBalancer(listenPort: number, backends: () => number[]): Promise<Balancer> {
  let next = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const ports = backends();
    for (let tried = 0; tried < ports.length; tried++) {
      const port = ports[next++ % ports.length]!;
      try {
        const answer = await forward(port, req, body);
        res.writeHead(answer.status, answer.headers as Record<string, string>);
        res.end(answer.body);
        return;
      } catch (error) {
        // Refused: that replica is gone, try the next. Reset mid-request: it may have stored the
        // webhook already, so the sender's own retry decides (502), as nginx does for a POST.
        if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') {
          res.writeHead(502);
          res.end();
          return;
        }
      }
    }
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(JSON.stringify({ error: { code: 'noReplica', message: 'No relay replica answered.' } }));
  };
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${listenPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
