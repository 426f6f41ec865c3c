/**
 * The current referral fields end to end through both simulators and the real webhook paths: a
 * Services co-sell is held back until solution area, play and partner role are chosen, then reaches
 * Partner Center with their catalogue codes, the marketplace intent and the solution's publisher
 * name; an incoming referral's values land on the opportunity's lookups.
 */
import {
  EntitySets,
  EnvironmentVariables,
  MarketplaceIntentOptions,
  OpportunityColumns,
  ReferralAttributeColumns,
  ReferralFieldColumns,
  SyncStatus,
} from '../../../Domain/constants';
import { where } from '../../../Domain/odataQuery';
import {
  createCatalogueSolution,
  createReferralAttribute,
  type CatalogueAttribute,
} from '../../../DevStack/sandbox/seedRecords';
import { startTestStack, type TestStack } from '../../testkit/stack';

const SERVICES_SOLUTION = {
  id: 'SOL-31207-MSS',
  name: 'Contoso Managed Security Services',
  publisher: 'Contoso',
  services: true,
};
const VALUES: CatalogueAttribute[] = [
  { category: 'solutionArea', code: 'Security', name: 'Security' },
  { category: 'solutionPlay', code: 'ModernSecOps', name: 'Modern SecOps with unified platform' },
  { category: 'partnerRole', code: 'ServicesPartner', name: 'Services partner' },
];

describe('current referral fields (both simulators, real webhook paths)', () => {
  let stack: TestStack;
  let detailId: string;
  const ids = new Map<string, string>();
  beforeAll(async () => {
    // Microsoft's referrals land as opportunities here (they become leads by default).
    stack = await startTestStack({
      environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' },
    });
    detailId = await createCatalogueSolution(stack.dataverseClient, SERVICES_SOLUTION);
    for (const value of VALUES)
      ids.set(value.code, await createReferralAttribute(stack.dataverseClient, value));
  });

  it('holds a Services co-sell back until area, play and role are chosen, then sends them', async () => {
    const seller = stack.sellerClient();
    const { opportunityId } = await stack.createOpportunity({
      name: 'Fabrikam Bank managed SOC',
      solutionId: SERVICES_SOLUTION.id,
      solutionName: SERVICES_SOLUTION.name,
      solutionDetailId: detailId,
    });
    await stack.settle();

    const blocked = await stack.opportunity(opportunityId);
    expect(blocked[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
    expect(String(blocked[OpportunityColumns.audit])).toMatch(/choose the solution area/);
    expect(await stack.partnerCenterClient.findByExternalReferenceId(opportunityId)).toBeNull();

    await seller.update(EntitySets.opportunity, opportunityId, {
      [`${ReferralFieldColumns.solutionArea}@odata.bind`]: `/${EntitySets.pcs_referralattribute}(${ids.get('Security')})`,
      [`${ReferralFieldColumns.solutionPlay}@odata.bind`]: `/${EntitySets.pcs_referralattribute}(${ids.get('ModernSecOps')})`,
      [`${ReferralFieldColumns.partnerRole}@odata.bind`]: `/${EntitySets.pcs_referralattribute}(${ids.get('ServicesPartner')})`,
      [ReferralFieldColumns.marketplaceIntent]: MarketplaceIntentOptions.Yes,
    });
    await stack.settle();

    const referral = await stack.partnerCenterClient.findByExternalReferenceId(opportunityId);
    expect(referral?.details?.requirements).toMatchObject({
      solutions: [
        { type: 'Name', id: SERVICES_SOLUTION.id, name: SERVICES_SOLUTION.name, publisherName: 'Contoso' },
      ],
      additionalRequirements: {
        attributes: [
          { type: 'SolutionArea', id: 'Security' },
          { type: 'SolutionPlay', id: 'ModernSecOps' },
          { type: 'PartnerRole', id: 'ServicesPartner' },
          { type: 'CustomerMarketplaceIntent', id: 'Yes' },
        ],
      },
    });
    expect((await stack.opportunity(opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatus.synced);
  });

  it('puts an incoming referral’s area and role on the opportunity’s lookups, adding unknown codes', async () => {
    const incoming = stack.partnerCenter.referrals.createIncoming({
      details: {
        requirements: {
          additionalRequirements: {
            attributes: [
              { type: 'SolutionArea', id: 'Security' },
              { type: 'PartnerRole', id: 'Reseller' },
              { type: 'CustomerMarketplaceIntent', id: 'No' },
            ],
          },
        },
      },
    });
    await stack.settle();

    const [opportunity] = await stack.opportunitiesOfReferral(incoming.id);
    const [reseller] = await stack.dataverseClient.retrieveMultiple(EntitySets.pcs_referralattribute, {
      filter: where.eq(ReferralAttributeColumns.code, 'Reseller'),
    });
    expect(opportunity).toMatchObject({
      [`_${ReferralFieldColumns.solutionArea}_value`]: ids.get('Security'),
      [`_${ReferralFieldColumns.partnerRole}_value`]: reseller![ReferralAttributeColumns.id],
      [ReferralFieldColumns.marketplaceIntent]: MarketplaceIntentOptions.No,
    });
  });
});
