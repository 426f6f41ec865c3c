/**
 * The two ways of creating a deal shared with Microsoft (docs/co-sell-creation.md), each run against
 * the Partner Center simulator always, and against the real API when these are set:
 *   PC_TENANT_ID, PC_CLIENT_ID, PC_REFRESH_TOKEN (optional PC_CLIENT_SECRET, PC_REFERRALS_URL), and
 *   PC_CONTRACT_SHARED_DEALS=1 with PC_CONTRACT_SOLUTION_ID (one of your co-sell ready solutions).
 * Unlike the private referral of referrals.contract.test.ts, these deals are visible to Microsoft
 * sellers, hence the explicit opt-in. Each run creates "[contract-test]" deals and closes them as Lost.
 *
 * One-step: one create with `type: Shared`, sharing consent and a help code. Two-step (2019–2022
 * create-a-referral, "Create a shared referral"): your referral targeted at your SolutionProfile, then
 * a connected referral for Microsoft (`target: [{ BusinessProfileLocation, msft }]`) with the first
 * one's engagementId.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  CoSellCreationFlows,
  connectedReferralForMicrosoft,
  isConnectedReferralForMicrosoft,
  ownReferralStep,
  where,
  type CoSellCreationFlow,
  type Referral,
  type StoredReferral,
} from '../../../Domain';
import type { PartnerCenterApi } from '../../../Relay/ports';
import { SqliteStore } from '../../../Relay/store/sqliteStore';
import { ensureConnectedReferral } from '../../../Relay/sync/coSellCreation';
import type { SyncDeps } from '../../../Relay/sync/deps';
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

const env = process.env;
const credentials = Boolean(env.PC_TENANT_ID && env.PC_CLIENT_ID && env.PC_REFRESH_TOKEN);
const realConfigured =
  credentials && env.PC_CONTRACT_SHARED_DEALS === '1' && Boolean(env.PC_CONTRACT_SOLUTION_ID);

/** The documented create sample as a co-sell deal: shared with Microsoft sellers, help requested. */
function coSellDeal(solutionId: string): Referral {
  const sample = JSON.parse(
    fs.readFileSync(path.join(PARTNER_CENTER_PAYLOADS, 'referral-create.request.json'), 'utf8'),
  ) as Referral;
  const { status: _s, substatus: _ss, statusReason: _r, inviteContext: _i, target: _t, ...deal } = sample;
  return {
    ...deal,
    name: `[contract-test] co-sell ${randomUUID()}`,
    type: 'Shared',
    externalReferenceId: `opp-${randomUUID()}`,
    consent: { ...sample.consent, consentToShareReferralWithMicrosoftSellers: true },
    details: {
      ...sample.details,
      requirements: { solutions: [{ type: 'Name', id: solutionId }] },
    },
    inviteContext: {
      assistanceRequestCode: 'GeneralOrOther',
      notes: 'Automated contract test of a co-sell connector; it is closed as lost right away.',
    },
  };
}

/**
 * Create the deal the way the relay's push does for `flow` (step 2 through its own
 * ensureConnectedReferral); returns our referral and, for two-step, the connected one.
 */
async function createDeal(
  client: PartnerCenterApi,
  flow: CoSellCreationFlow,
  deal: Referral,
): Promise<{ own: StoredReferral; connected: StoredReferral | null }> {
  if (flow === CoSellCreationFlows.oneStep)
    return { own: await client.createReferral(deal), connected: null };
  const own = await client.createReferral(ownReferralStep(deal));
  const store = new SqliteStore({ filename: ':memory:' });
  try {
    const deps = { partnerCenter: client, store } as unknown as SyncDeps;
    const connected = await ensureConnectedReferral(deps, own, connectedReferralForMicrosoft(deal), {});
    return { own, connected };
  } finally {
    store.close();
  }
}

interface Target {
  client: PartnerCenterApi;
  solutionId: string;
}

function flowSuite(flow: CoSellCreationFlow, setup: () => Promise<Target>, teardown: () => Promise<void>) {
  let t: Target;
  const created: StoredReferral[] = [];
  beforeAll(async () => void (t = await setup()));
  afterAll(async () => {
    // Close what this run created (a closed referral refuses further changes: ignore those errors).
    for (const referral of created) {
      await t?.client
        .patchReferral(referral.id, [
          { op: 'replace', path: '/status', value: 'Closed' },
          { op: 'replace', path: '/substatus', value: 'Lost' },
          { op: 'replace', path: '/statusReason', value: 'contract test' },
        ])
        .catch(() => undefined);
    }
    await teardown();
  });

  let own: StoredReferral;
  let connected: StoredReferral | null;
  let deal: Referral;

  it(`creates the deal (${flow}): our referral is Shared, shared with Microsoft sellers, Active/Accepted`, async () => {
    deal = coSellDeal(t.solutionId);
    ({ own, connected } = await createDeal(t.client, flow, deal));
    created.push(own, ...(connected ? [connected] : []));
    expect(own).toMatchObject({
      type: 'Shared',
      status: 'Active',
      substatus: 'Accepted',
      externalReferenceId: deal.externalReferenceId,
      consent: expect.objectContaining({ consentToShareReferralWithMicrosoftSellers: true }),
    });
    expect(own.engagementId).toMatch(/\S/);
  });

  it('ties the engagement together: every referral of ours in it is listed by engagementId', async () => {
    const engagement = await t.client.listReferrals({ filter: where.eq('engagementId', own.engagementId!) });
    const ids = engagement.map((r) => r.id);
    expect(ids).toContain(own.id);
    if (flow === CoSellCreationFlows.twoStep) {
      expect(connected?.engagementId).toBe(own.engagementId);
      expect(ids).toContain(connected!.id);
      const forMicrosoft = engagement.find((r) => r.id === connected!.id)!;
      expect(isConnectedReferralForMicrosoft(forMicrosoft)).toBe(true);
    } else {
      expect(connected).toBeNull();
    }
  });

  it('finds only our referral by our externalReferenceId', async () => {
    expect((await t.client.findByExternalReferenceId(deal.externalReferenceId!))?.id).toBe(own.id);
  });
}

for (const flow of Object.values(CoSellCreationFlows)) {
  describe(`co-sell creation ${flow} — simulator`, () => {
    let sim: PartnerCenterSimulator;
    flowSuite(
      flow,
      async () => {
        sim = await startPartnerCenterSimulator({ port: 0 });
        const client = createPartnerCenterClient({
          tokens: staticTokenProvider({ referrals: 'sim-referrals', webhooks: 'sim-webhooks' }),
          referralsUrl: sim.referralsUrl,
          webhooksUrl: sim.webhooksUrl,
        });
        return { client, solutionId: 'SOL-15974-MQF' };
      },
      async () => sim?.close(),
    );
  });

  (realConfigured ? describe : describe.skip)(
    `co-sell creation ${flow} — real API (needs PC_TENANT_ID, PC_CLIENT_ID, PC_REFRESH_TOKEN, PC_CONTRACT_SHARED_DEALS=1, PC_CONTRACT_SOLUTION_ID)`,
    () => {
      flowSuite(
        flow,
        async () => {
          const tokens = createRefreshTokenProvider({
            tenantId: env.PC_TENANT_ID!,
            clientId: env.PC_CLIENT_ID!,
            clientSecret: env.PC_CLIENT_SECRET,
            refreshToken: env.PC_REFRESH_TOKEN!,
          });
          const client = createPartnerCenterClient({ tokens, referralsUrl: env.PC_REFERRALS_URL });
          return { client, solutionId: env.PC_CONTRACT_SOLUTION_ID! };
        },
        async () => undefined,
      );
    },
  );
}

if (!realConfigured) {
  console.info(
    credentials
      ? 'Partner Center co-sell creation against the real API skipped: these deals are visible to Microsoft sellers; set PC_CONTRACT_SHARED_DEALS=1 and PC_CONTRACT_SOLUTION_ID to run them.'
      : 'Partner Center co-sell creation against the real API skipped: set PC_TENANT_ID, PC_CLIENT_ID, PC_REFRESH_TOKEN, PC_CONTRACT_SHARED_DEALS=1 and PC_CONTRACT_SOLUTION_ID to run it.',
  );
}
