/**
 * Serves the pcf-start harness and the built control on 127.0.0.1 (pcf-start itself binds 0.0.0.0:8181
 * with browser-sync and has no host option). Same layout as pcf-start: harness files at "/", the
 * control's output folder as the fallback base directory.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.resx': 'application/xml; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface HarnessServer {
  url: string;
  close: () => Promise<void>;
}

export async function startHarnessServer(controlDir: string): Promise<HarnessServer> {
  const harnessDir = path.dirname(require.resolve('pcf-start/package.json'));
  const roots = [harnessDir, controlDir];
  const server: Server = createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const relative = path.normalize(urlPath === '/' ? '/index.html' : urlPath).replace(/^[/\\]+/, '');
    void (async () => {
      for (const root of roots) {
        const file = path.join(root, relative);
        if (!file.startsWith(root + path.sep)) continue; // no path traversal out of the two roots
        try {
          const body = await readFile(file);
          response.writeHead(200, {
            'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          });
          response.end(body);
          return;
        } catch {
          // try the next root
        }
      }
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
