/**
 * The demo web app's server on 127.0.0.1: serves the browser app, the platform libraries (React 16.14
 * and Fluent 8 from node_modules), the built PCF control and form library, and forwards
 * `/api/data/v9.2/*` to Dataverse so form scripts call the Web API on their own origin exactly as in
 * Dynamics 365. `/demo/partnercenter/*` reaches the Partner Center simulator for the Microsoft panel.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { request } from 'undici';
import { WebResourceNames } from '../../Domain/constants';
import { bundleDemoClient, REPO_ROOT } from './bundle';
import { WebResourceColumns } from './client/model/platformNames';

export interface DemoServerOptions {
  /** 0 = any free port. */
  port?: number;
  /** Dataverse base URL (simulator or org), without /api/data/v9.2. */
  dataverseUrl: string;
  /** Bearer token for Dataverse when it needs one (a real org); the simulator does not. */
  dataverseToken?: () => Promise<string>;
  /** Partner Center simulator base URL, for the Microsoft panel. */
  partnerCenterUrl?: string;
  /** Bearer token the Partner Center simulator accepts for referral reads. */
  partnerCenterToken?: string;
  /** Repo `out/` folder with controls/, webresources/ and demo/. */
  outDir?: string;
  /** Bundle the browser app on start (default true). */
  bundle?: boolean;
}

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.resx': 'application/xml; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
};

/** Platform libraries the page loads before any control, as Dynamics 365 provides them. */
const PLATFORM_LIBRARIES: Record<string, string> = {
  'react.js': 'node_modules/react/umd/react.production.min.js',
  'react-dom.js': 'node_modules/react-dom/umd/react-dom.production.min.js',
  // The exact Fluent 8 platform build (global FluentUIReactv81211) that pcf-start ships for virtual controls.
  'fluent8.js': 'node_modules/pcf-start/lib/fluent_8_121_1.js',
};

/** Headers worth forwarding on Web API answers (OData-EntityId carries created ids). */
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'odata-version',
  'odata-entityid',
  'etag',
  'preference-applied',
  'retry-after',
];
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'content-type',
  'prefer',
  'if-match',
  'if-none-match',
  'odata-version',
  'odata-maxversion',
];

const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Partner Center co-sell — demo form</title>
<script src="/demo/platform/react.js"></script>
<script src="/demo/platform/react-dom.js"></script>
<script>window.Reactv16 = window.React; window.FabricConfig = { fontBaseUrl: '' };</script>
<script src="/demo/platform/fluent8.js"></script>
<link rel="stylesheet" href="/demo/app.css">
</head><body><div id="root"></div><script src="/demo/app.js"></script></body></html>`;

async function sendFile(reply: FastifyReply, file: string): Promise<FastifyReply> {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch {
    return reply.code(404).send({ error: { code: 'notFound', message: `${path.basename(file)} not found` } });
  }
  return reply
    .header('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream')
    .header('cache-control', 'no-store')
    .send(await readFile(file));
}

/** Resolves `rest` inside `root`, refusing `..` escapes. */
function inside(root: string, rest: string): string | null {
  const resolved = path.resolve(root, rest);
  return resolved.startsWith(root + path.sep) ? resolved : null;
}

export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const outDir = options.outDir ?? path.join(REPO_ROOT, 'out');
  if (options.bundle !== false) await bundleDemoClient(path.join(outDir, 'demo'));
  const dataverse = options.dataverseUrl.replace(/\/$/, '');
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  // Bodies are forwarded untouched, so keep them as bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/', async (_req, reply) => reply.header('content-type', CONTENT_TYPES['.html']).send(INDEX_HTML));
  app.get('/demo/app.js', async (_req, reply) => sendFile(reply, path.join(outDir, 'demo/app.js')));
  app.get('/demo/app.js.map', async (_req, reply) => sendFile(reply, path.join(outDir, 'demo/app.js.map')));
  app.get('/demo/app.css', async (_req, reply) => sendFile(reply, path.join(__dirname, 'client/app.css')));
  app.get('/demo/platform/:library', async (req, reply) => {
    const file = PLATFORM_LIBRARIES[(req.params as { library: string }).library];
    if (!file)
      return reply.code(404).send({ error: { code: 'notFound', message: 'unknown platform library' } });
    return sendFile(reply, path.join(REPO_ROOT, file));
  });
  app.get('/demo/controls/*', async (req, reply) => {
    const root = path.join(outDir, 'controls');
    const file = inside(root, (req.params as { '*': string })['*']);
    if (!file)
      return reply
        .code(400)
        .send({ error: { code: 'badPath', message: 'path escapes the controls folder' } });
    return sendFile(reply, file);
  });

  // Dynamics serves web resources at /WebResources/<name>; serve what the org holds, else the build output.
  app.get('/WebResources/*', async (req, reply) => {
    const name = (req.params as { '*': string })['*'];
    const content = await webResourceContent(name).catch(() => null);
    if (content)
      return reply
        .header('content-type', CONTENT_TYPES['.js'])
        .header('cache-control', 'no-store')
        .send(content);
    const built = name === WebResourceNames.opportunityForm ? 'opportunityform.js' : path.basename(name);
    return sendFile(reply, path.join(outDir, 'webresources', built));
  });

  async function webResourceContent(name: string): Promise<Buffer | null> {
    const filter = encodeURIComponent(`${WebResourceColumns.name} eq '${name.replace(/'/g, "''")}'`);
    const answer = await request(
      `${dataverse}/api/data/v9.2/webresourceset?$select=${WebResourceColumns.content}&$filter=${filter}`,
      {
        headers: { accept: 'application/json', ...(await authHeader()) },
      },
    );
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      return null;
    }
    const rows = ((await answer.body.json()) as { value?: Record<string, unknown>[] }).value ?? [];
    const content = rows[0]?.[WebResourceColumns.content];
    return typeof content === 'string' && content ? Buffer.from(content, 'base64') : null;
  }

  async function authHeader(): Promise<Record<string, string>> {
    return options.dataverseToken ? { authorization: `Bearer ${await options.dataverseToken()}` } : {};
  }

  async function forward(
    req: FastifyRequest,
    reply: FastifyReply,
    target: string,
    extra: Record<string, string>,
  ) {
    const headers: Record<string, string> = { ...extra };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
    try {
      const answer = await request(target, { method: req.method as 'GET', headers, body });
      reply.code(answer.statusCode);
      for (const name of FORWARDED_RESPONSE_HEADERS) {
        const value = answer.headers[name];
        if (typeof value === 'string') reply.header(name, value);
      }
      return reply.send(Buffer.from(await answer.body.arrayBuffer()));
    } catch (error) {
      return reply.code(502).send({
        error: {
          code: 'upstreamUnreachable',
          message: `Cannot reach ${new URL(target).origin}: ${(error as Error).message}`,
        },
      });
    }
  }

  app.all('/api/data/v9.2/*', async (req, reply) =>
    forward(req, reply, `${dataverse}${req.url}`, await authHeader()),
  );

  app.get('/demo/config.json', async () => ({ partnerCenter: Boolean(options.partnerCenterUrl) }));
  app.all('/demo/partnercenter/*', async (req, reply) => {
    if (!options.partnerCenterUrl) {
      return reply
        .code(404)
        .send({ error: { code: 'notConfigured', message: 'No Partner Center simulator configured' } });
    }
    const rest = req.url.slice('/demo/partnercenter'.length);
    const token = options.partnerCenterToken ?? 'demo';
    return forward(req, reply, `${options.partnerCenterUrl.replace(/\/$/, '')}${rest}`, {
      authorization: `Bearer ${token}`,
    });
  });

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
