/**
 * One contract suite for the Partner Center client, run against the simulator always and against the
 * real API when these are set:
 *   PC_TENANT_ID, PC_CLIENT_ID, PC_REFRESH_TOKEN (refresh token of a Referrals-admin account),
 *   optional PC_CLIENT_SECRET (confidential app), PC_REFERRALS_URL, PC_WEBHOOKS_URL.
 * Against the real API the suite creates one private "[contract-test]" referral and closes it as Lost;
 * webhook registration is only read (writing it would steal the tenant's one registration).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { where, type Referral } from '../../../Domain';
import { ApiError, type PartnerCenterApi } from '../../../Relay/ports';
import {
  createPartnerCenterClient,
  createRefreshTokenProvider,
  staticTokenProvider,
} from '../../../Relay/partnercenter';
import {
  startPartnerCenterSimulator,
  type PartnerCenterSimulator,
} from '../../../DevStack/simulators/partnercenter';
import { PARTNER_CENTER_PAYLOADS } from '../../testkit/paths';

const load = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(PARTNER_CENTER_PAYLOADS, name), 'utf8')) as unknown;

const env = process.env;
const realConfigured = Boolean(env.PC_TENANT_ID && env.PC_CLIENT_ID && env.PC_REFRESH_TOKEN);

/** The documented create sample, made private (no Microsoft sharing) and tagged for this run. */
function newReferral(externalReferenceId: string): Referral {
  const sample = load('referral-create.request.json') as Referral;
  const { status: _s, substatus: _ss, statusReason: _r, inviteContext: _i, ...rest } = sample;
  return {
    ...rest,
    name: `[contract-test] ${externalReferenceId}`,
    type: 'Independent',
    target: [],
    externalReferenceId,
    consent: { ...sample.consent, consentToShareReferralWithMicrosoftSellers: false },
  };
}

const QUOTED_ETAG = /^"[^"]+"$/;

interface Target {
  name: string;
  client: PartnerCenterApi;
  sleeps: number[];
  sim?: PartnerCenterSimulator;
}

function contractSuite(setup: () => Promise<Target>, teardown: () => Promise<void>) {
  let t: Target;
  beforeAll(async () => void (t = await setup()));
  afterAll(teardown);

  let created: Awaited<ReturnType<PartnerCenterApi['createReferral']>>;
  const externalId = `opp-${randomUUID()}-O'Brien`;

  // No published create response carries `direction`; it is not checked here.
  it('creates a referral: id, engagementId, quoted eTag, Active/Accepted', async () => {
    created = await t.client.createReferral(newReferral(externalId));
    expect(created.id).toMatch(/\S/);
    expect(created.engagementId).toMatch(/\S/);
    expect(created.eTag).toMatch(QUOTED_ETAG);
    expect(created).toMatchObject({
      status: 'Active',
      substatus: 'Accepted',
      externalReferenceId: externalId,
      customerProfile: { address: { country: 'US' } },
      details: { dealValue: 50000, currency: 'USD' },
    });
    expect(Date.parse(created.createdDateTime!)).not.toBeNaN();
  });

  it('gets it by id, without OData annotations', async () => {
    const got = await t.client.getReferral(created.id);
    expect(got).toMatchObject({ id: created.id, eTag: created.eTag, name: created.name });
    expect(Object.keys(got).some((k) => k.startsWith('@odata'))).toBe(false);
  });

  it('finds it by externalReferenceId (quotes escaped) and returns null for an unknown id', async () => {
    expect((await t.client.findByExternalReferenceId(externalId))?.id).toBe(created.id);
    expect(await t.client.findByExternalReferenceId(`missing-${randomUUID()}`)).toBeNull();
  });

  it('patches with the documented JSON Patch and If-Match, returning the representation and a new eTag', async () => {
    const ops = load('referral-patch.request.json') as Parameters<PartnerCenterApi['patchReferral']>[1];
    const patched = await t.client.patchReferral(created.id, ops, { ifMatch: created.eTag });
    expect(patched.details?.dealValue).toBe(10000);
    expect(patched.team?.map((m) => m.email)).toContain('jane.doe@contoso.com');
    expect(patched.eTag).toMatch(QUOTED_ETAG);
    expect(patched.eTag).not.toBe(created.eTag);
    created = patched;
  });

  it('surfaces a stale If-Match as ApiError 412', async () => {
    const stale = '"00000000-0000-0000-0000-000000000000"';
    const error = await t.client
      .patchReferral(created.id, [{ op: 'replace', path: '/details/notes', value: 'stale' }], {
        ifMatch: stale,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).details).toMatchObject({ service: 'partnercenter', status: 412 });
  });

  it('closes it (Closed/Lost) and then refuses further updates with a 4xx', async () => {
    const closed = await t.client.patchReferral(
      created.id,
      [
        { op: 'replace', path: '/status', value: 'Closed' },
        { op: 'replace', path: '/substatus', value: 'Lost' },
      ],
      { ifMatch: created.eTag },
    );
    expect(closed).toMatchObject({ status: 'Closed', substatus: 'Lost' });
    const error = (await t.client
      .patchReferral(created.id, [{ op: 'replace', path: '/details/notes', value: 'after close' }])
      .catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.status).toBeLessThan(500);
  });

  it('lists with $filter / $orderby / $top', async () => {
    const list = await t.client.listReferrals({
      filter: where.eq('externalReferenceId', externalId),
      orderBy: [{ column: 'createdDateTime', descending: true }],
      top: 5,
    });
    expect(list.map((r) => r.id)).toEqual([created.id]);
  });

  it('reads the webhook events list and the registration', async () => {
    const events = await t.client.listWebhookEvents();
    expect(events).toEqual(expect.arrayContaining(['referral-created', 'referral-updated']));
    const registration = await t.client.getWebhookRegistration();
    if (registration) expect(Array.isArray(registration.webhookEvents)).toBe(true);
  });
}

describe('Partner Center client contract — simulator', () => {
  let sim: PartnerCenterSimulator;
  contractSuite(
    async () => {
      sim = await startPartnerCenterSimulator({ port: 0, pageSize: 2 });
      const sleeps: number[] = [];
      const client = createPartnerCenterClient({
        tokens: staticTokenProvider({ referrals: 'sim-referrals', webhooks: 'sim-webhooks' }),
        referralsUrl: sim.referralsUrl,
        webhooksUrl: sim.webhooksUrl,
        http: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      });
      return { name: 'simulator', client, sleeps, sim };
    },
    async () => sim.close(),
  );
});

(realConfigured ? describe : describe.skip)(
  'Partner Center client contract — real API (needs PC_TENANT_ID, PC_CLIENT_ID, PC_REFRESH_TOKEN; optional PC_CLIENT_SECRET, PC_REFERRALS_URL, PC_WEBHOOKS_URL)',
  () => {
    contractSuite(
      async () => {
        const tokens = createRefreshTokenProvider({
          tenantId: env.PC_TENANT_ID!,
          clientId: env.PC_CLIENT_ID!,
          clientSecret: env.PC_CLIENT_SECRET,
          refreshToken: env.PC_REFRESH_TOKEN!,
        });
        const client = createPartnerCenterClient({
          tokens,
          referralsUrl: env.PC_REFERRALS_URL,
          webhooksUrl: env.PC_WEBHOOKS_URL,
        });
        return { name: 'real', client, sleeps: [] };
      },
      async () => undefined,
    );
  },
);

if (!realConfigured) {
  console.info(
    'Partner Center real-API contract tests skipped: set PC_TENANT_ID, PC_CLIENT_ID and PC_REFRESH_TOKEN to run them.',
  );
}
