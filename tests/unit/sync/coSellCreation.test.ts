/**
 * One-step (default) and two-step co-sell creation (pcs_CoSellCreationFlow), on the typed fakes:
 * the one outbound decision names the connected referral for Microsoft, the push creates it once with
 * our engagementId, a failure between the two steps is repaired by the next push, and the connected
 * referral's own webhook never becomes a deal in Dynamics 365.
 */
import {
  CoSellCreationFlows,
  connectedReferralForMicrosoft,
  EntitySets,
  EnvironmentVariables,
  isConnectedReferralForMicrosoft,
  OpportunityColumns,
  ownReferralStep,
  parseCoSellCreationFlow,
  type Referral,
  type StoredReferral,
} from '../../../Domain';
import { pullReferral } from '../../../Relay/sync/fromPartnerCenter';
import { decideOutbound, outboundSnapshot } from '../../../Relay/sync/outboundDecision';
import { previewOpportunity } from '../../../Relay/sync/preview';
import { pushOpportunity } from '../../../Relay/sync/toPartnerCenter';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { opportunityFixture } from '../../testkit/fixtureFiles';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

const MICROSOFT = [{ type: 'BusinessProfileLocation', id: 'msft' }];

describe('the two steps (Domain/coSellCreation)', () => {
  const shared = decideOutbound(outboundSnapshot(opportunityFixture('cosell')), DEFAULT_FIELD_MAP, null);
  const body = (shared as { referral: Referral }).referral;

  it('reads the variable: two-step only when it says so', () => {
    expect(['two-step', ' Two-Step ', 'one-step', '', null, 'both'].map(parseCoSellCreationFlow)).toEqual([
      'two-step',
      'two-step',
      'one-step',
      'one-step',
      'one-step',
      'one-step',
    ]);
  });

  it('step 1 targets our SolutionProfile; step 2 is the deal for Microsoft without our id', () => {
    expect(ownReferralStep(body).target).toEqual([{ type: 'SolutionProfile', id: 'SOL-15974-MQF' }]);
    const step2 = connectedReferralForMicrosoft({ ...body, engagementId: 'e' });
    expect(step2).toMatchObject({ type: 'Shared', target: MICROSOFT, customerProfile: body.customerProfile });
    expect(step2).not.toHaveProperty('externalReferenceId');
    expect(step2).not.toHaveProperty('engagementId');
    expect(isConnectedReferralForMicrosoft({ ...step2, organizationId: 'partner' })).toBe(true);
    // Microsoft's own referral in the engagement targets the partner, not itself.
    expect(
      isConnectedReferralForMicrosoft({
        organizationId: 'msft',
        target: [{ type: 'BusinessProfileLocation', id: 'msft' }],
      }),
    ).toBe(false);
  });
});

describe('decideOutbound', () => {
  const snapshot = (kind: 'cosell' | 'partnerled' | 'private') => outboundSnapshot(opportunityFixture(kind));
  const twoStep = { coSellCreation: CoSellCreationFlows.twoStep };

  it('one-step (the default): one create body, no target, nothing for Microsoft', () => {
    const decision = decideOutbound(snapshot('cosell'), DEFAULT_FIELD_MAP, null);
    expect(decision).toMatchObject({ action: 'create', referral: { type: 'Shared', target: [] } });
    expect(decision).not.toHaveProperty('connected');
  });

  it('two-step: step 1 with our SolutionProfile and the connected referral, for shared deals only', () => {
    for (const kind of ['cosell', 'partnerled'] as const) {
      const decision = decideOutbound(snapshot(kind), DEFAULT_FIELD_MAP, null, twoStep);
      expect(decision).toMatchObject({
        action: 'create',
        referral: { target: [{ type: 'SolutionProfile' }] },
        connected: { type: 'Shared', target: MICROSOFT },
      });
    }
    const privateDeal = decideOutbound(snapshot('private'), DEFAULT_FIELD_MAP, null, twoStep);
    expect(privateDeal).toMatchObject({ action: 'create', referral: { type: 'Independent', target: [] } });
    expect(privateDeal).not.toHaveProperty('connected');
  });

  it('two-step: an existing shared referral still needs its connected referral; a closed one nothing', () => {
    const created = decideOutbound(snapshot('cosell'), DEFAULT_FIELD_MAP, null, twoStep) as {
      referral: Referral;
    };
    const current: StoredReferral = {
      ...created.referral,
      id: 'r',
      eTag: '"e"',
      status: 'Active',
      substatus: 'Accepted',
    };
    expect(decideOutbound(snapshot('cosell'), DEFAULT_FIELD_MAP, current, twoStep)).toMatchObject({
      action: 'none',
      connected: { target: MICROSOFT },
    });
    const closed: StoredReferral = { ...current, status: 'Closed', substatus: 'Won' };
    expect(decideOutbound(snapshot('cosell'), DEFAULT_FIELD_MAP, closed, twoStep)).not.toHaveProperty(
      'connected',
    );
  });
});

describe('pushOpportunity with pcs_CoSellCreationFlow', () => {
  let bed: SyncTestbed;
  const push = (opportunityId: string) =>
    pushOpportunity(bed.deps, { opportunityId, reason: 'test' }, bed.context);
  const created = () => bed.partnerCenter.callsOf('createReferral').map((c) => c.body as Referral);

  it('one-step by default: one referral', async () => {
    bed = createSyncTestbed();
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    await push(opportunityId);
    expect(created()).toHaveLength(1);
    expect(created()[0]).toMatchObject({ type: 'Shared', externalReferenceId: opportunityId, target: [] });
  });

  it('two-step: our referral, then the connected one for Microsoft in the same engagement', async () => {
    bed = createSyncTestbed({
      environmentVariables: { [EnvironmentVariables.coSellCreationFlow]: CoSellCreationFlows.twoStep },
    });
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    const result = (await push(opportunityId)) as { referral: StoredReferral };

    const [own, microsoft] = created();
    expect(own).toMatchObject({
      externalReferenceId: opportunityId,
      target: [{ type: 'SolutionProfile', id: 'SOL-15974-MQF' }],
    });
    expect(microsoft).toMatchObject({ engagementId: result.referral.engagementId, target: MICROSOFT });
    expect(microsoft).not.toHaveProperty('externalReferenceId');
    // The opportunity is linked to our referral; the audit says what happened.
    const row = bed.dataverse.row(EntitySets.opportunity, opportunityId)!;
    expect(row[OpportunityColumns.referralId]).toBe(result.referral.id);
    expect(String(row[OpportunityColumns.audit])).toMatch(/created the connected referral for Microsoft/);
    // Found by our id: only ours. The engagement holds both.
    expect((await bed.partnerCenter.findByExternalReferenceId(opportunityId))?.id).toBe(result.referral.id);
    const engagement = await bed.partnerCenter.listReferrals({});
    expect(engagement.map((r) => r.engagementId)).toEqual([
      result.referral.engagementId,
      result.referral.engagementId,
    ]);

    // The next push creates nothing more.
    await push(opportunityId);
    expect(created()).toHaveLength(2);

    // The connected referral's webhook is not a new deal.
    const connectedId = engagement.find((r) => r.id !== result.referral.id)!.id;
    await bed.partnerCenter.patchReferral(connectedId, [
      { op: 'replace', path: '/details/notes', value: 'Microsoft side' },
    ]);
    expect(
      await pullReferral(bed.deps, { referralId: connectedId, eventName: 'referral-updated' }, bed.context),
    ).toEqual({
      outcome: 'skipped',
      reason: 'the connected referral for Microsoft of our deal',
    });
    expect(bed.dataverse.rows(EntitySets.opportunity)).toHaveLength(1);
  });

  it('two-step: a failure between the steps is repaired by the next push, without a second referral', async () => {
    bed = createSyncTestbed({
      environmentVariables: { [EnvironmentVariables.coSellCreationFlow]: CoSellCreationFlows.twoStep },
    });
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    // Step 1 succeeds, step 2 fails with a server error: the job fails and is retried.
    const createReferral = bed.partnerCenter.createReferral.bind(bed.partnerCenter);
    let calls = 0;
    bed.partnerCenter.createReferral = async (body, options) => {
      calls += 1;
      if (calls === 2) throw new Error('503 from Partner Center');
      return createReferral(body, options);
    };
    await expect(push(opportunityId)).rejects.toThrow('503');
    await push(opportunityId);
    const bodies = created();
    expect(bodies.filter((b) => b.externalReferenceId === opportunityId)).toHaveLength(1);
    expect(bodies.filter((b) => isConnectedReferralForMicrosoft(b as Referral))).toHaveLength(1);
  });

  it('the /api preview shows both bodies', async () => {
    bed = createSyncTestbed({
      environmentVariables: { [EnvironmentVariables.coSellCreationFlow]: CoSellCreationFlows.twoStep },
    });
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    const preview = await previewOpportunity(bed.deps, opportunityId, 1033);
    expect(preview).toMatchObject({
      action: 'create',
      referral: { target: [{ type: 'SolutionProfile' }] },
      connected: { target: MICROSOFT },
    });
  });
});
