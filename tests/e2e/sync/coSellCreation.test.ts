/**
 * Two-step co-sell creation (pcs_CoSellCreationFlow = two-step) through both simulators and the real
 * webhook paths: the opportunity's referral and the connected referral for Microsoft share one
 * engagement, the opportunity is linked to ours, and the connected referral's webhook creates no
 * second opportunity.
 */
import {
  CoSellCreationFlows,
  EntitySets,
  EnvironmentVariables,
  OpportunityColumns,
  SyncStatus,
} from '../../../Domain/constants';
import { isConnectedReferralForMicrosoft } from '../../../Domain/coSellCreation';
import { where } from '../../../Domain/odataQuery';
import { startTestStack, type TestStack } from '../../testkit/stack';

describe('two-step co-sell creation (both simulators, real webhook paths)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      environmentVariables: { [EnvironmentVariables.coSellCreationFlow]: CoSellCreationFlows.twoStep },
    });
  });

  it('creates our referral and the connected referral for Microsoft, and one opportunity only', async () => {
    const { opportunityId } = await stack.createOpportunity();
    await stack.settle();

    const own = await stack.partnerCenterClient.findByExternalReferenceId(opportunityId);
    expect(own).toMatchObject({ type: 'Shared', target: [{ type: 'SolutionProfile', id: 'SOL-15974-MQF' }] });
    const engagement = await stack.partnerCenterClient.listReferrals({
      filter: where.eq('engagementId', own!.engagementId!),
    });
    expect(engagement).toHaveLength(2);
    const connected = engagement.find((r) => r.id !== own!.id)!;
    expect(isConnectedReferralForMicrosoft(connected)).toBe(true);
    expect(connected.target).toEqual([{ type: 'BusinessProfileLocation', id: 'msft' }]);

    const opportunity = await stack.opportunity(opportunityId);
    expect(opportunity).toMatchObject({
      [OpportunityColumns.referralId]: own!.id,
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
    });
    // Both referral-created webhooks were delivered and handled: no opportunity for the connected one.
    expect(await stack.opportunitiesOfReferral(connected.id)).toEqual([]);
    const all = await stack.dataverseClient.retrieveMultiple(EntitySets.opportunity, {
      select: [OpportunityColumns.id],
      filter: where.eq(OpportunityColumns.engagementId, own!.engagementId!),
    });
    expect(all).toHaveLength(1);
  });
});
