import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebhookPaths } from '../../../Domain/relayApi';
import { createDevIssuer } from '../../../Relay/auth/devIssuer';
import type { DevIssuer } from '../../../Relay/auth/devIssuer';
import type { Permission } from '../../../Relay/auth/permission';
import { createJwtVerifier } from '../../../Relay/auth/tokens';
import { createLogger } from '../../../Relay/logging/logger';
import type { WebhookVerification } from '../../../Relay/partnercenter';
import { buildRelayServer } from '../../../Relay/server/app';
import { createMetrics } from '../../../Relay/server/metrics';
import { LAST_TEST_EVENT_KEY } from '../../../Relay/server/routes/partnerCenterWebhook';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { rememberHeldVersion } from '../../../Relay/sync/heldVersion';
import { createSyncTestbed } from '../../testkit/syncTestbed';
import { DATAVERSE_WEBHOOK_PAYLOADS, PARTNER_CENTER_PAYLOADS } from '../../testkit/paths';

const KEY = 'k'.repeat(40);
const OPP = '6d81597f-0f9f-e711-8122-000d3aa2331c';

/** The powerapps-docs RemoteExecutionContext, retargeted to an opportunity created with sync on. */
function opportunityCreateBody(): string {
  const body = JSON.parse(
    readFileSync(
      path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-contact-async-postimage.powerapps-docs.json'),
      'utf8',
    ).replace(/^\uFEFF/, ''),
  ) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  body.MessageName = 'Create';
  body.PrimaryEntityName = 'opportunity';
  body.PrimaryEntityId = OPP;
  body.InputParameters[0].value.LogicalName = 'opportunity';
  body.InputParameters[0].value.Attributes = [
    { key: 'opportunityid', value: OPP },
    { key: 'pcs_syncwithpartnercenter', value: true },
  ];
  return JSON.stringify(body);
}

describe('relay HTTP server', () => {
  let app: FastifyInstance;
  let store: SqliteStore;
  let issuer: DevIssuer;
  let logLines: string;
  let verification: WebhookVerification;
  let permission: Permission;
  let baseUrl: string;

  /** A real loopback request, shaped like fastify's inject answer. */
  const request = async (options: {
    method?: string;
    url: string;
    headers?: Record<string, string>;
    payload?: unknown;
  }) => {
    const body =
      options.payload === undefined
        ? undefined
        : typeof options.payload === 'string'
          ? options.payload
          : JSON.stringify(options.payload);
    const headers = {
      ...(body !== undefined && typeof options.payload !== 'string'
        ? { 'content-type': 'application/json' }
        : {}),
      ...options.headers,
    };
    const response = await fetch(baseUrl + options.url, { method: options.method ?? 'GET', headers, body });
    const text = await response.text();
    return { statusCode: response.status, body: text, json: () => JSON.parse(text) };
  };

  beforeEach(async () => {
    store = new SqliteStore({ filename: ':memory:' });
    issuer = await createDevIssuer({
      issuer: 'http://127.0.0.1/cosell-sandbox',
      audience: 'api://relay',
      roles: [],
    });
    logLines = '';
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logLines += String(chunk);
        done();
      },
    });
    verification = { ok: false, status: 401, reason: 'bad-signature', message: 'signature does not match' };
    permission = 'allowed';
    app = await buildRelayServer({
      store,
      clock: { now: () => new Date('2026-01-01T00:00:00Z') },
      logger: createLogger({ level: 'debug', destination }),
      metrics: createMetrics(store),
      dataverseWebhook: { key: KEY, header: null },
      integrationUserId: null,
      partnerCenterVerifier: { verify: async () => verification },
      tokens: createJwtVerifier(issuer),
      permissions: {
        canReadOpportunity: async () => permission,
        canActOnOpportunity: async () => permission,
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

  const postDataverse = (query: string, payload: string, contentType = 'application/json') =>
    request({
      method: 'POST',
      url: `${WebhookPaths.dataverse}${query}`,
      headers: { 'content-type': contentType },
      payload,
    });

  describe('POST /webhooks/dataverse', () => {
    it('guards content type, key, JSON and shape with precise statuses and JSON errors', async () => {
      expect((await postDataverse(`?code=${KEY}`, 'x', 'text/plain')).statusCode).toBe(415);
      const missing = await postDataverse('', opportunityCreateBody());
      expect(missing.statusCode).toBe(401);
      expect(missing.json()).toMatchObject({ error: { code: 'missingKey' } });
      expect((await postDataverse('?code=wrong', opportunityCreateBody())).json()).toMatchObject({
        error: { code: 'invalidKey' },
      });
      expect((await postDataverse(`?code=${KEY}`, '{nope')).json()).toMatchObject({
        error: { code: 'invalidJson' },
      });
      const shape = await postDataverse(`?code=${KEY}`, '{"MessageName": 5}');
      expect(shape.statusCode).toBe(400);
      expect(shape.json().error.code).toBe('invalidExecutionContext');
      expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
    });

    it('commits the job before answering 202, and answers a redelivery as a duplicate', async () => {
      const first = await postDataverse(`?code=${KEY}`, `\uFEFF${opportunityCreateBody()}`);
      expect(first.statusCode).toBe(202);
      expect(first.json()).toMatchObject({ status: 'queued' });
      const job = await store.getJob(first.json().jobIds[0]);
      expect(job).toMatchObject({ kind: 'opportunity.sync', key: `opportunity:${OPP}`, status: 'queued' });
      const again = await postDataverse(`?code=${KEY}`, opportunityCreateBody());
      expect(again.json()).toMatchObject({ status: 'duplicate' });
      expect((await store.depth()).queued).toBe(1);
    });

    it('logs one line per delivery: its outcome with route, status and time', async () => {
      const lines = () =>
        logLines
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      logLines = ''; // from here on, only what the two deliveries log
      const queued = await postDataverse(`?code=${KEY}`, opportunityCreateBody());
      const refused = await postDataverse('?code=wrong-key-value', opportunityCreateBody());
      expect(lines()).toEqual([
        expect.objectContaining({
          level: 'info',
          msg: 'dataverse event queued',
          entity: 'opportunity',
          recordId: OPP,
          jobs: [expect.objectContaining({ jobId: queued.json().jobIds[0] })],
          route: WebhookPaths.dataverse,
          status: 202,
          ms: expect.any(Number),
        }),
        expect.objectContaining({
          level: 'warn',
          msg: 'webhook rejected',
          reason: 'invalidKey',
          route: WebhookPaths.dataverse,
          status: 401,
          correlationId: refused.json().error.requestId,
        }),
      ]);
    });

    it('never logs the webhook key', async () => {
      await postDataverse(`?code=${KEY}`, opportunityCreateBody());
      await postDataverse('?code=wrong-key-value', opportunityCreateBody());
      expect(logLines).toContain('dataverse event queued');
      expect(logLines).not.toContain(KEY);
      expect(logLines).not.toContain('wrong-key-value');
    });
  });

  describe('POST /webhooks/partner-center', () => {
    const event = readFileSync(path.join(PARTNER_CENTER_PAYLOADS, 'webhook-referral-created.json'), 'utf8');
    const post = () =>
      request({
        method: 'POST',
        url: WebhookPaths.partnerCenter,
        headers: { 'content-type': 'application/json' },
        payload: event,
      });

    it("answers the verifier's status when the signature is not valid", async () => {
      const response = await post();
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: { code: 'bad-signature' } });
    });

    it('queues a referral pull for a verified referral event, once per delivery', async () => {
      const parsed = JSON.parse(event) as { ResourceUri: string };
      verification = {
        ok: true,
        event: JSON.parse(event),
        referralId: 'r-1',
        certificateUrl: 'https://x/c.cer',
      };
      const response = await post();
      expect(response.statusCode).toBe(202);
      const job = await store.getJob(response.json().jobId);
      expect(job).toMatchObject({
        kind: 'referral.pull',
        key: 'referral:r-1',
        payload: { referralId: 'r-1', eventName: 'referral-created' },
      });
      expect(parsed.ResourceUri).toContain('/referrals/');
      expect((await post()).json()).toMatchObject({ status: 'duplicate' });
    });

    it('queues nothing for a change Dynamics 365 already holds (the echo of our own write)', async () => {
      const updated = JSON.parse(
        readFileSync(path.join(PARTNER_CENTER_PAYLOADS, 'webhook-referral-updated.json'), 'utf8'),
      ) as { ResourceChangeUtcDate: string };
      const changedAt = updated.ResourceChangeUtcDate; // 2018-02-17T00:05:39.5485487+00:00
      verification = {
        ok: true,
        event: updated as never,
        referralId: 'r-held',
        certificateUrl: 'https://x/c.cer',
      };
      // The version we wrote was made at that very instant (Partner Center's own format, Z).
      await rememberHeldVersion(store, {
        id: 'r-held',
        eTag: '"e-1"',
        updatedDateTime: '2018-02-17T00:05:39.5485487Z',
      });
      const queued = (await store.depth()).queued;
      const echo = await post();
      expect(echo.statusCode).toBe(202);
      expect(echo.json()).toEqual({ status: 'held', jobId: null });
      expect((await store.depth()).queued).toBe(queued);

      // 100 ns later is someone else's change: read as usual.
      verification = {
        ok: true,
        event: { ...updated, ResourceChangeUtcDate: changedAt.replace('5485487', '5485488') } as never,
        referralId: 'r-held',
        certificateUrl: 'https://x/c.cer',
      };
      expect((await post()).json()).toMatchObject({ status: 'queued' });
    });

    it('records a test-created event for cosell setup', async () => {
      const test = {
        EventName: 'test-created',
        ResourceUri: 'http://x/validationEvents/1',
        ResourceName: 'test',
        ResourceChangeUtcDate: '2026-01-01T00:00:00Z',
      };
      verification = { ok: true, event: test, referralId: null, certificateUrl: 'https://x/c.cer' };
      expect((await post()).statusCode).toBe(202);
      expect(JSON.parse((await store.getState(LAST_TEST_EVENT_KEY))!)).toMatchObject({
        resourceUri: test.ResourceUri,
      });
    });
  });

  describe('/api and /dev/token', () => {
    const token = async (roles: string[] = []) =>
      (await issuer.issue('8f2b1c3d-0000-4000-8000-000000000001', roles)).access_token;

    it('issues development tokens for a user id, and refuses anything else', async () => {
      expect(
        (await request({ method: 'POST', url: '/dev/token', payload: { userId: 'nope' } })).statusCode,
      ).toBe(400);
      const issued = await request({
        method: 'POST',
        url: '/dev/token',
        payload: { userId: '8F2B1C3D-0000-4000-8000-000000000001' },
      });
      expect(issued.json()).toMatchObject({ expires_in: 3600, access_token: expect.stringMatching(/^eyJ/) });
    });

    it('needs a valid bearer token, then the Dataverse permission, then queues', async () => {
      const url = `/api/opportunities/${OPP}/sync`;
      expect((await request({ method: 'POST', url })).json()).toMatchObject({
        error: { code: 'missingToken' },
      });
      const forged = `${(await token()).slice(0, -4)}AAAA`;
      expect(
        (await request({ method: 'POST', url, headers: { authorization: `Bearer ${forged}` } })).statusCode,
      ).toBe(401);
      permission = 'forbidden';
      expect(
        (await request({ method: 'POST', url, headers: { authorization: `Bearer ${await token()}` } }))
          .statusCode,
      ).toBe(403);
      permission = 'allowed';
      const queued = await request({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${await token()}` },
      });
      expect(queued.statusCode).toBe(202);
      expect(queued.json()).toMatchObject({ status: 'queued', jobId: expect.any(String) });
      expect(logLines).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    });

    it('rejects a token from another issuer', async () => {
      const other = await createDevIssuer({ issuer: 'http://evil', audience: 'api://relay', roles: [] });
      const foreign = (await other.issue('8f2b1c3d-0000-4000-8000-000000000001')).access_token;
      const response = await request({
        method: 'POST',
        url: `/api/opportunities/${OPP}/sync`,
        headers: { authorization: `Bearer ${foreign}` },
      });
      expect(response.statusCode).toBe(401);
    });

    it('lists dead letters only for the admin role', async () => {
      expect(
        (await request({ url: '/api/dead-letters', headers: { authorization: `Bearer ${await token()}` } }))
          .statusCode,
      ).toBe(403);
      const ok = await request({
        url: '/api/dead-letters',
        headers: { authorization: `Bearer ${await token(['CoSell.Admin'])}` },
      });
      expect(ok.json()).toEqual({ deadLetters: [] });
      const retry = await request({
        method: 'POST',
        url: '/api/dead-letters/nope/retry',
        headers: { authorization: `Bearer ${await token(['CoSell.Admin'])}` },
      });
      expect(retry.statusCode).toBe(404);
      const discardAsSeller = await request({
        method: 'DELETE',
        url: '/api/dead-letters/nope',
        headers: { authorization: `Bearer ${await token()}` },
      });
      expect(discardAsSeller.statusCode).toBe(403);
      const discard = await request({
        method: 'DELETE',
        url: '/api/dead-letters/nope',
        headers: { authorization: `Bearer ${await token(['CoSell.Admin'])}` },
      });
      expect(discard.statusCode).toBe(404);
    });
  });

  it('serves health and Prometheus metrics with the queue depth', async () => {
    expect((await request({ url: '/healthz' })).json()).toEqual({
      status: 'ok',
      queue: { queued: 0, running: 0, dead: 0 },
      lastReconciliation: null,
    });
    const metrics = (await request({ url: '/metrics' })).body;
    expect(metrics).toContain('cosell_queue_depth{state="queued"} 0');
    expect((await request({ url: '/nowhere' })).json()).toMatchObject({ error: { code: 'notFound' } });
  });
});
