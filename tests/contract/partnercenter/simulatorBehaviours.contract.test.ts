/**
 * Client behaviours only the simulator can provoke on demand: paging with the documented quirky
 * nextLink, throttling with Retry-After, 5xx backoff, and a signed webhook round trip verified by the
 * relay-side verifier.
 */
import { WebhookPaths, where } from '../../../Domain';
import { ApiError } from '../../../Relay/ports';
import {
  createCertificateFetcher,
  createPartnerCenterClient,
  createWebhookVerifier,
  staticTokenProvider,
} from '../../../Relay/partnercenter';
import {
  createSigningCertificate,
  createWebhookSigner,
  startPartnerCenterSimulator,
  type PartnerCenterSimulator,
} from '../../../DevStack/simulators/partnercenter';
import { startRecordingServer } from '../../testkit/recordingServer';

let sim: PartnerCenterSimulator;
let sleeps: number[];
const client = () =>
  createPartnerCenterClient({
    tokens: staticTokenProvider({ referrals: 'r', webhooks: 'w' }),
    referralsUrl: sim.referralsUrl,
    webhooksUrl: sim.webhooksUrl,
    http: {
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      retry: { maxRetries: 3, baseDelayMs: 100 },
    },
  });

// One certificate for the file: key generation is the slow part of starting a simulator.
const webhookSigner = createWebhookSigner(createSigningCertificate());

beforeEach(async () => {
  sim = await startPartnerCenterSimulator({
    port: 0,
    pageSize: 2,
    webhookSigner,
    delivery: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  sleeps = [];
});
afterEach(async () => sim.close());

it('follows the http://…/v1.0/referrals nextLink by re-basing it, across pages, honouring $top', async () => {
  for (let i = 0; i < 5; i++) sim.referrals.createIncoming({ name: `incoming ${i}` });
  const raw = await fetch(`${sim.referralsUrl}?$top=5`, { headers: { authorization: 'Bearer x' } }).then(
    (r) => r.json() as Promise<Record<string, string>>,
  );
  expect(raw['@odata.nextLink']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0\/referrals\?\$skiptoken=/);
  const all = await client().listReferrals({
    filter: where.and(where.eq('direction', 'Incoming'), where.eq('substatus', 'Pending')),
  });
  expect(all.map((r) => r.name)).toEqual([0, 1, 2, 3, 4].map((i) => `incoming ${i}`));
  const three = await client().listReferrals({
    orderBy: [{ column: 'createdDateTime', descending: true }],
    top: 3,
  });
  expect(three).toHaveLength(3);
});

it('waits Retry-After on 429 and backs off on 503, then succeeds', async () => {
  const { id } = sim.referrals.createIncoming({});
  sim.routeFaults.add({ method: 'GET', path: '/v1.0/engagements/referrals', status: 429, retryAfter: 7 });
  sim.routeFaults.add({ method: 'GET', path: '/v1.0/engagements/referrals', status: 503 });
  const got = await client().getReferral(id);
  expect(got.id).toBe(id);
  expect(sleeps).toEqual([7000, 100]);
});

it('gives up on a persistent 500 with an ApiError carrying the Request-ID and the parsed description', async () => {
  sim.routeFaults.add({ path: '/v1.0/engagements/referrals', status: 500, count: 0 });
  const error = (await client()
    .listReferrals({})
    .catch((e: unknown) => e)) as ApiError;
  expect(error).toBeInstanceOf(ApiError);
  expect(error.details).toMatchObject({ status: 500, service: 'partnercenter' });
  expect(error.details.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(error.message).toContain('Injected fault');
  expect(sleeps).toHaveLength(3);
});

it('registers the webhook (last wins), and a validation event arrives signed and verifiable', async () => {
  const verifier = createWebhookVerifier({
    fetchCertificate: createCertificateFetcher(),
    // Host and port: the simulator serves its certificate on its own loopback port.
    trustedCertificateHosts: [new URL(sim.certificateUrl).host],
    allowInsecureCertificateUrls: true,
  });
  const receiver = await startRecordingServer(() => ({ status: 200 }));
  try {
    const c = client();
    expect(await c.getWebhookRegistration()).toBeNull();
    await c.putWebhookRegistration({
      webhookUrl: 'https://old.example.com/hook',
      webhookEvents: ['referral-created'],
    });
    const reg = await c.putWebhookRegistration({
      webhookUrl: `${receiver.url}${WebhookPaths.partnerCenter}`,
      webhookEvents: ['referral-created', 'referral-updated', 'test-created'],
      signatureTokenToMsSignatureHeader: true,
    });
    expect(reg).toMatchObject({
      webhookUrl: `${receiver.url}${WebhookPaths.partnerCenter}`,
      signatureTokenToMsSignatureHeader: true,
    });
    expect((await c.getWebhookRegistration())?.webhookEvents).toEqual([
      'referral-created',
      'referral-updated',
      'test-created',
    ]);

    const { correlationId } = await c.sendValidationEvent();
    await sim.whenIdle();
    const status = await c.getValidationEvent(correlationId);
    expect(status).toMatchObject({ correlationId, status: 'completed', results: [{ responseCode: 200 }] });

    expect(receiver.received).toHaveLength(1);
    const delivered = receiver.received[0]!;
    expect(delivered.headers['x-ms-signature']).toMatch(/^Signature /);
    expect(delivered.headers.authorization).toBeUndefined();
    const verdict = await verifier.verify(delivered.headers, Buffer.from(delivered.body));
    expect(verdict).toMatchObject({
      ok: true,
      referralId: null,
      event: { EventName: 'test-created', ResourceName: 'test' },
    });
  } finally {
    await receiver.close();
  }
});
