/**
 * The relay's HTTP server (fastify): webhooks, health, metrics, the browser API and — in sandbox
 * mode only — the development token issuer. Routes only adapt and delegate; everything they need
 * is injected here, so tests build it with simulators or fakes and `inject()` or a loopback port.
 */
import cors from '@fastify/cors';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { EntitySets, SystemUserColumns } from '../../Domain/constants';
import { excessNestingAt, MAX_JSON_DEPTH } from '../../Domain/jsonDepth';
import type { DevIssuer } from '../auth/devIssuer';
import type { PermissionChecker } from '../auth/permission';
import type { TokenVerifier } from '../auth/tokens';
import type { WebhookVerifier } from '../partnercenter/webhookVerification';
import type { Clock, Logger } from '../ports';
import type { Store } from '../ports';
import type { SyncDeps } from '../sync/deps';
import { sendError } from './errors';
import type { RelayMetrics } from './metrics';
import { registerApi } from './routes/api';
import { registerDataverseWebhook } from './routes/dataverseWebhook';
import { DEV_TOKEN_PATH, registerDevToken } from './routes/devToken';
import { registerHealth } from './routes/health';
import { registerPartnerCenterWebhook } from './routes/partnerCenterWebhook';
import { registerRequestLog } from './requestLog';

export interface RelayServerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: RelayMetrics;
  dataverseWebhook: { key: string; header: string | null };
  integrationUserId: string | null;
  /** Partner Center callback verification (Relay/partnercenter): signature, certificate, body. */
  partnerCenterVerifier: WebhookVerifier;
  tokens: TokenVerifier;
  permissions: PermissionChecker;
  sync: SyncDeps;
  adminRole: string;
  /** Present only in sandbox mode. */
  devIssuer?: DevIssuer | null;
  /** Origins allowed to call /api and /dev/token from a browser (the Dynamics org, the sandbox form). */
  corsOrigins?: Array<string | RegExp> | boolean;
  /** Called after jobs were committed (wakes the worker). */
  onEnqueued?: () => void;
}

/** Webhook bodies: 256 KB from Dataverse (§5.4), 1 MB cap for Partner Center (partner-center-api.md §5.4). */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** /api and /dev/token bodies are a decline reason or a user id: anything near this is not ours. */
const BROWSER_BODY_LIMIT = 64 * 1024;

const CORRELATION_HEADERS = ['x-ms-correlation-request-id', 'ms-correlationid', 'x-correlation-id'];

export async function buildRelayServer(deps: RelayServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // ./requestLog writes one line per request, with the route pattern, never the raw URL (it carries the webhook key).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
    // Reuse the caller's correlation id when it sent one, so one id follows a change across systems.
    genReqId: (request) => {
      for (const name of CORRELATION_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string' && /^[\w-]{8,64}$/.test(value)) return value;
      }
      return randomUUID();
    },
  });

  await app.register(cors, {
    origin: deps.corsOrigins ?? false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept-Language'],
  });

  registerRequestLog(app);

  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, 'notFound', `No route ${request.method} ${request.url.split('?')[0]}.`),
  );
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    if (status === 413) {
      // Fastify stops reading at the route's limit; its own wording names no limit.
      return sendError(request, reply, 413, 'bodyTooLarge', 'The body is larger than this endpoint accepts.');
    }
    const message =
      status === 500
        ? 'The relay failed to handle this request; see its log for the correlation id.'
        : error.message;
    return sendError(
      request,
      reply,
      status,
      status === 500 ? 'internal' : (error.code ?? 'badRequest'),
      message,
    );
  });

  // Webhooks keep the raw bytes: authentication and signatures are computed over them.
  await app.register(async (webhooks) => {
    webhooks.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    registerDataverseWebhook(webhooks, deps);
    registerPartnerCenterWebhook(webhooks, deps);
  });
  registerHealth(app, deps);
  // Browser JSON: size-capped while it streams in, depth-checked before JSON.parse, then fastify's own
  // parser, which refuses `__proto__` and `constructor.prototype` keys.
  await app.register(async (browser) => {
    const parseJson = browser.getDefaultJsonParser('error', 'error');
    browser.removeContentTypeParser('application/json');
    browser.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: BROWSER_BODY_LIMIT },
      (request, body, done) => {
        if (excessNestingAt(body as string) < 0) return parseJson(request, body as string, done);
        const error = Object.assign(new Error(`The body nests deeper than ${MAX_JSON_DEPTH} levels.`), {
          statusCode: 400,
          code: 'nestedTooDeep',
        });
        done(error, undefined);
      },
    );
    registerApi(browser, deps);
    if (deps.devIssuer)
      registerDevToken(browser, deps.devIssuer, async (systemUserId) => {
        const user = await deps.sync.dataverse.retrieve(EntitySets.systemuser, systemUserId, {
          select: [SystemUserColumns.entraObjectId],
        });
        const objectId = user[SystemUserColumns.entraObjectId];
        return typeof objectId === 'string' && objectId ? objectId : null;
      });
  });
  if (deps.devIssuer) {
    // Loud on every start: an operator must not mistake a sandbox for a configured relay.
    app.addHook('onReady', async () => {
      app.log.warn(
        { devTokenPath: DEV_TOKEN_PATH },
        'SANDBOX MODE: Entra ID validation is replaced by a development issuer and /dev/token hands out admin tokens; never run this in production',
      );
    });
  }
  return app;
}
