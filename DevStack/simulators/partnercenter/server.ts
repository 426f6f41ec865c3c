/**
 * The Partner Center simulator: a fastify app on 127.0.0.1 serving the Referrals API, the webhook
 * registration API, the signing certificate and the control API, with persisted state.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Clock } from '../../../Relay/ports';
import { registerApiRoutes, WEBHOOKS_PATH } from './apiRoutes';
import { createSigningCertificate, createWebhookSigner, type WebhookSigner } from './certificates';
import { CONTROL_PATH, registerControlRoutes } from './controlRoutes';
import { SimulatorError, unauthorized } from './errors';
import { RouteFaults } from './faults';
import { REFERRALS_PATH, ReferralService, type PartnerIdentity } from './referralService';
import { StateStore } from './state';
import { DEFAULT_DELIVERY_POLICY, WebhookDispatcher, type DeliveryPolicy } from './webhookDelivery';
import { WebhookRegistrationService } from './webhookRegistration';

export const CERTIFICATE_PATH = '/cert/pcnotifications-dispatch.microsoft.com.cer';

export interface PartnerCenterSimulatorOptions {
  /** 0 = any free port. */
  port?: number;
  /** Where state (partnercenter-state.json) and the signing certificate live; in-memory when absent. */
  dataDir?: string;
  /** Start from empty state (the signing certificate is kept). */
  reset?: boolean;
  clock?: Clock;
  /** Signs webhook bodies; default: a certificate with O=Microsoft Corporation generated (and kept in dataDir). */
  webhookSigner?: WebhookSigner;
  /** Webhook delivery attempts and backoff; tests use tiny delays. */
  delivery?: Partial<DeliveryPolicy>;
  /** Referrals per list page before @odata.nextLink. Default 20. */
  pageSize?: number;
  partner?: Partial<PartnerIdentity>;
  /** When set, only these bearer tokens are accepted (per audience); any non-empty token otherwise. */
  tokens?: { referrals?: string; webhooks?: string };
}

export interface PartnerCenterSimulator {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Base URL for the client's referrals calls: `${url}/v1.0/engagements/referrals`. */
  referralsUrl: string;
  /** Base URL for webhook registration: `${url}/webhooks/v1/registration`. */
  webhooksUrl: string;
  /** What X-MS-Certificate-Url points to (served by the simulator). */
  certificateUrl: string;
  certificateDer: Buffer;
  /** Control surface for in-process tests (same operations as /_control). */
  referrals: ReferralService;
  dispatcher: WebhookDispatcher;
  routeFaults: RouteFaults;
  store: StateStore;
  /** Resolves when no webhook delivery is in flight or waiting to retry. */
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

function loadSigner(dataDir: string | undefined): WebhookSigner {
  if (!dataDir) return createWebhookSigner(createSigningCertificate());
  const file = path.join(dataDir, 'webhook-signing.json');
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      certificatePem: string;
      privateKeyPem: string;
    };
    const der = Buffer.from(saved.certificatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    return createWebhookSigner({ ...saved, certificateDer: der });
  }
  const created = createSigningCertificate();
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    file,
    JSON.stringify({ certificatePem: created.certificatePem, privateKeyPem: created.privateKeyPem }),
    {
      mode: 0o600,
    },
  );
  return createWebhookSigner(created);
}

function installJsonParsing(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  // PATCH bodies may be sent as application/json-patch+json; an empty POST body is allowed.
  app.addContentTypeParser(
    ['application/json', 'application/json-patch+json'],
    { parseAs: 'string' },
    (_req, body, done) => {
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new SimulatorError(400, 40001, 'The request body is not valid JSON'), undefined);
      }
    },
  );
}

export async function startPartnerCenterSimulator(
  options: PartnerCenterSimulatorOptions = {},
): Promise<PartnerCenterSimulator> {
  const clock = options.clock ?? { now: () => new Date() };
  const store = new StateStore(options.dataDir, options.reset === true);
  const signer = options.webhookSigner ?? loadSigner(options.dataDir);
  const partner: PartnerIdentity = {
    organizationId: options.partner?.organizationId ?? '7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d',
    organizationName: options.partner?.organizationName ?? 'Contoso Partner (simulated)',
  };
  let origin = '';
  const getOrigin = () => origin;
  const dispatcher = new WebhookDispatcher(store, signer, () => `${origin}${CERTIFICATE_PATH}`, clock, {
    ...DEFAULT_DELIVERY_POLICY,
    ...options.delivery,
  });
  const referrals = new ReferralService(store, dispatcher, clock, getOrigin, partner, options.pageSize ?? 20);
  const webhooks = new WebhookRegistrationService(
    store,
    dispatcher,
    clock,
    getOrigin,
    partner.organizationId,
  );
  const routeFaults = new RouteFaults();

  const app = Fastify({ logger: false });
  installJsonParsing(app);

  app.addHook('onRequest', async (req, reply) => {
    const urlPath = req.url.split('?')[0]!;
    reply.header('request-id', randomUUID());
    if (urlPath.startsWith(CONTROL_PATH) || urlPath.startsWith('/cert/')) return;
    const fault = routeFaults.take(req.method, urlPath);
    if (fault?.latencyMs) await delay(fault.latencyMs);
    if (fault?.status) {
      const headers =
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : undefined;
      const message = fault.status === 429 ? 'Rate limit is exceeded.' : 'Injected fault';
      throw new SimulatorError(fault.status, fault.status * 100, message, [], headers);
    }
    const auth = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const expected = urlPath.startsWith(WEBHOOKS_PATH) ? options.tokens?.webhooks : options.tokens?.referrals;
    if (!auth || (expected !== undefined && auth !== expected)) throw unauthorized();
  });

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof SimulatorError) {
      return reply.code(error.status).headers(error.headers).send(error.body);
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    const known = status >= 400 && status < 500;
    return reply
      .code(known ? status : 500)
      .send(
        new SimulatorError(
          known ? status : 500,
          known ? status * 100 : 50000,
          known ? (error as Error).message : 'Internal error',
        ).body,
      );
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send(new SimulatorError(404, 40401, `No route for ${req.method} ${req.url.split('?')[0]}`).body),
  );

  app.get(CERTIFICATE_PATH, async (_req, reply) =>
    reply.header('content-type', 'application/pkix-cert').send(signer.certificateDer),
  );
  registerApiRoutes(app, referrals, webhooks, getOrigin);
  registerControlRoutes(app, { store, referrals, dispatcher, routeFaults });

  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  return {
    url: origin,
    referralsUrl: `${origin}${REFERRALS_PATH}`,
    webhooksUrl: `${origin}${WEBHOOKS_PATH}`,
    certificateUrl: `${origin}${CERTIFICATE_PATH}`,
    certificateDer: signer.certificateDer,
    referrals,
    dispatcher,
    routeFaults,
    store,
    whenIdle: () => dispatcher.whenIdle(),
    async close() {
      dispatcher.close();
      await app.close();
    },
  };
}
