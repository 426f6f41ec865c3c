import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createSigningCertificate } from '../../../DevStack/simulators/partnercenter';
import { WebhookPaths } from '../../../Domain/relayApi';
import { createDevIssuer } from '../../../Relay/auth/devIssuer';
import { createJwtVerifier } from '../../../Relay/auth/tokens';
import { createLogger } from '../../../Relay/logging/logger';
import { createWebhookVerifier } from '../../../Relay/partnercenter';
import { buildRelayServer } from '../../../Relay/server/app';
import { createMetrics } from '../../../Relay/server/metrics';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { DATAVERSE_WEBHOOK_PAYLOADS } from '../../testkit/paths';
import { createSyncTestbed } from '../../testkit/syncTestbed';

const KEY = 'k'.repeat(40);
const OPP = '6d81597f-0f9f-e711-8122-000d3aa2331c';
const CERT_HOST = '3psostorageacct.blob.core.windows.net';
const CERT_URL = `https://${CERT_HOST}/cert/pcnotifications-dispatch.microsoft.com.cer`;
const microsoft = createSigningCertificate({
  notBefore: new Date('2025-01-01'),
  notAfter: new Date('2027-01-01'),
});

/** The powerapps-docs RemoteExecutionContext as an opportunity Create with sync on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function opportunityCreate(attributes: unknown[] = []): Record<string, any> {
  const body = JSON.parse(
    readFileSync(
      path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-contact-async-postimage.powerapps-docs.json'),
      'utf8',
    ).replace(/^\uFEFF/, ''),
  );
  body.MessageName = 'Create';
  body.PrimaryEntityName = 'opportunity';
  body.PrimaryEntityId = OPP;
  body.InputParameters[0].value.LogicalName = 'opportunity';
  body.InputParameters[0].value.Attributes = [
    { key: 'opportunityid', value: OPP },
    { key: 'pcs_syncwithpartnercenter', value: true },
    ...attributes,
  ];
  return body;
}

describe('relay routes under hostile but authenticated input', () => {
  let app: FastifyInstance;
  let store: SqliteStore;
  let logLines: string;
  let certificateBytes: () => Buffer;
  let baseUrl: string;

  /** A real loopback request (fastify's inject pulls in an ES module jest does not load). */
  const send = async (options: {
    method: string;
    url: string;
    headers: Record<string, string>;
    payload: string | Buffer;
  }) => {
    const response = await fetch(baseUrl + options.url, {
      method: options.method,
      headers: options.headers,
      body: typeof options.payload === 'string' ? options.payload : new Uint8Array(options.payload),
    });
    const text = await response.text();
    return { statusCode: response.status, body: text, json: () => JSON.parse(text) };
  };

  beforeEach(async () => {
    store = new SqliteStore({ filename: ':memory:' });
    logLines = '';
    certificateBytes = () => microsoft.certificateDer;
    const issuer = await createDevIssuer({
      issuer: 'http://127.0.0.1/cosell-sandbox',
      audience: 'api://relay',
      roles: [],
    });
    app = await buildRelayServer({
      store,
      clock: { now: () => new Date('2026-01-01T00:00:00Z') },
      logger: createLogger({
        level: 'debug',
        destination: new Writable({
          write(chunk, _encoding, done) {
            logLines += String(chunk);
            done();
          },
        }),
      }),
      metrics: createMetrics(store),
      dataverseWebhook: { key: KEY, header: null },
      integrationUserId: null,
      partnerCenterVerifier: createWebhookVerifier({
        fetchCertificate: async () => certificateBytes(),
        clock: { now: () => new Date('2026-01-01T00:00:00Z') },
      }),
      tokens: createJwtVerifier(issuer),
      permissions: {
        canReadOpportunity: async () => 'allowed',
        canActOnOpportunity: async () => 'allowed',
      },
      sync: createSyncTestbed().deps,
      adminRole: 'CoSell.Admin',
      devIssuer: issuer,
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  const queuedJobs = async () => (await store.depth()).queued;
  const postDataverse = (payload: string) =>
    send({
      method: 'POST',
      url: `${WebhookPaths.dataverse}?code=${KEY}`,
      headers: { 'content-type': 'application/json' },
      payload,
    });
  const postPartnerCenter = (payload: Buffer) =>
    send({
      method: 'POST',
      url: WebhookPaths.partnerCenter,
      headers: {
        'content-type': 'application/json',
        authorization: `Signature ${createSign('RSA-SHA256').update(payload).sign(microsoft.privateKeyPem, 'base64')}`,
        'x-ms-certificate-url': CERT_URL,
        'x-ms-signature-algorithm': 'rsa-sha256',
      },
      payload,
    });
  const referralEvent = (resourceUri: string) =>
    Buffer.from(
      JSON.stringify({
        EventName: 'referral-updated',
        ResourceUri: resourceUri,
        ResourceName: 'referral',
        AuditUri: null,
        ResourceChangeUtcDate: '2025-12-31T23:59:00Z',
      }),
    );

  describe('POST /webhooks/dataverse', () => {
    it('answers a deeply nested body 400 before parsing it (was a stack overflow and a 500)', async () => {
      const deep = JSON.stringify(opportunityCreate([{ key: 'description', value: 0 }])).replace(
        '"value":0',
        `"value":${'['.repeat(50_000)}${']'.repeat(50_000)}`,
      );
      const response = await postDataverse(deep);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'nestedTooDeep',
        message: expect.stringMatching(/nests deeper than 64 levels/),
      });
      expect(await queuedJobs()).toBe(0);
    });

    it('answers a body over the limit 413 while it streams in', async () => {
      const response = await postDataverse(`{"pad":"${'x'.repeat(1024 * 1024)}"}`);
      expect(response.statusCode).toBe(413);
      expect(response.json().error.code).toBe('bodyTooLarge');
    });

    it('refuses a record id that is not a GUID with 400 and queues nothing', async () => {
      const body = opportunityCreate();
      body.PrimaryEntityId = '1)/../../systemusers(1';
      const response = await postDataverse(JSON.stringify(body));
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'invalidExecutionContext',
        message: 'Not a RemoteExecutionContext: $.PrimaryEntityId: expected a GUID',
      });
      expect(await queuedJobs()).toBe(0);
    });

    it('treats an attribute named __proto__ as one more attribute: it cannot switch sync on', async () => {
      const body = opportunityCreate();
      body.InputParameters[0].value.Attributes = [
        { key: 'opportunityid', value: OPP },
        {
          key: '__proto__',
          value: {
            __type: 'Entity:http://schemas.microsoft.com/xrm/2011/Contracts',
            Attributes: [{ key: 'pcs_syncwithpartnercenter', value: true }],
          },
        },
      ];
      const response = await postDataverse(JSON.stringify(body));
      expect(response.statusCode).toBe(202);
      expect(response.json().status).toBe('skipped');
      expect(await queuedJobs()).toBe(0);
    });
  });

  describe('POST /webhooks/partner-center', () => {
    it('answers a signed event with a bad %-escape in ResourceUri with 400 (was a 500 retried for ever)', async () => {
      const response = await postPartnerCenter(
        referralEvent('https://api.partnercenter.microsoft.com/engagements/v1/referrals/%E0%A4%A'),
      );
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('malformed-body');
      expect(await queuedJobs()).toBe(0);
    });

    it('queues a well-formed signed event', async () => {
      const response = await postPartnerCenter(
        referralEvent(
          'https://api.partnercenter.microsoft.com/engagements/v1/referrals/c5fbb3b6-be74-4795-9fb5-4324c73fed37',
        ),
      );
      expect(response.statusCode).toBe(202);
      expect(await queuedJobs()).toBe(1);
    });

    it('answers 502 without the OpenSSL error, which goes to the log only', async () => {
      certificateBytes = () => Buffer.from('<html>not a certificate</html>');
      const response = await postPartnerCenter(
        referralEvent(
          'https://api.partnercenter.microsoft.com/engagements/v1/referrals/c5fbb3b6-be74-4795-9fb5-4324c73fed37',
        ),
      );
      expect(response.statusCode).toBe(502);
      expect(response.body).not.toMatch(/routines|PEM|asn1|error:/i);
      expect(response.json().error.message).toMatch(/Could not load the signing certificate/);
      expect(logLines).toMatch(/"reason":"certificate-unavailable","detail":"[^"]*routines/);
    });
  });

  describe('/api and /dev/token', () => {
    it('answers a deeply nested body 400 before parsing it, even without a token', async () => {
      const response = await send({
        method: 'POST',
        url: `/api/opportunities/${OPP}/decline`,
        headers: { 'content-type': 'application/json' },
        payload: `{"reason":${'['.repeat(30_000)}${']'.repeat(30_000)}}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('nestedTooDeep');
    });

    it('answers a body over 64 KB 413', async () => {
      const response = await send({
        method: 'POST',
        url: '/dev/token',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ userId: 'x'.repeat(70 * 1024) }),
      });
      expect(response.statusCode).toBe(413);
      expect(response.json().error.code).toBe('bodyTooLarge');
    });

    it('refuses a __proto__ key with 400 and still serves well-formed requests', async () => {
      const poisoned = await send({
        method: 'POST',
        url: '/dev/token',
        headers: { 'content-type': 'application/json' },
        payload: '{"userId":"a","__proto__":{"userId":"b"}}',
      });
      expect(poisoned.statusCode).toBe(400);
      const fine = await send({
        method: 'POST',
        url: '/dev/token',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ userId: OPP }),
      });
      expect(fine.statusCode).toBe(200);
    });
  });
});
