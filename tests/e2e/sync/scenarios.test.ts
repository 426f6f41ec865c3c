/**
 * End to end through the real webhook paths: Dataverse simulator → POST /webhooks/dataverse →
 * queue → Partner Center simulator, and Partner Center simulator → signed POST
 * /webhooks/partner-center → queue → Dataverse simulator. The queue is driven explicitly (settle).
 */
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  OpportunityColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SyncStatus,
  referralLink,
} from '../../../Domain/constants';
import { where } from '../../../Domain/odataQuery';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { MICROSOFT_REFERRALS_AS_OPPORTUNITIES, startTestStack, type TestStack } from '../../testkit/stack';

describe('two-way sync (both simulators, real webhook paths)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Microsoft's referrals land as opportunities in these scenarios (the default is a lead).
    stack = await startTestStack({ environmentVariables: MICROSOFT_REFERRALS_AS_OPPORTUNITIES });
  });

  it('set up the environment and confirmed Partner Center delivery', () => {
    expect(stack.setup.testEvent).toBe('delivered');
    expect(stack.setup.plan.filter((i) => i.component === 'step').every((i) => i.action === 'create')).toBe(
      true,
    );
  });

  it('scenario 1: opportunity with sync Yes → referral in Partner Center, id and link written back, ✔', async () => {
    const seller = stack.sellerClient();
    const { opportunityId } = await createSeedOpportunity(seller);
    await stack.settle();

    const referral = await stack.partnerCenterClient.findByExternalReferenceId(opportunityId);
    expect(referral).not.toBeNull();
    expect(referral).toMatchObject({
      name: 'Northwind analytics platform',
      externalReferenceId: opportunityId,
      details: expect.objectContaining({ dealValue: 125000 }),
      customerProfile: expect.objectContaining({
        name: 'Northwind Traders',
        address: expect.objectContaining({ country: 'US', postalCode: '98101' }),
        team: [expect.objectContaining({ email: 'nancy@northwind.example' })],
      }),
      consent: expect.objectContaining({ consentToShareReferralWithMicrosoftSellers: true }),
      inviteContext: expect.objectContaining({ assistanceRequestCode: 'ProofOfConceptOrDemo' }),
    });
    expect(referral!.details?.requirements?.solutions?.map((s) => s.id)).toEqual(['SOL-15974-MQF']);

    const opportunity = await stack.opportunity(opportunityId);
    expect(opportunity).toMatchObject({
      [OpportunityColumns.referralId]: referral!.id,
      [OpportunityColumns.referralLink]: referralLink(referral!.id),
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
      [OpportunityColumns.name]: 'Northwind analytics platform ✔',
    });
    expect(String(opportunity[OpportunityColumns.audit])).toMatch(/✔ → Partner Center: Created referral/);
    const events = await stack.syncEvents(opportunityId);
    expect(events.length).toBeGreaterThanOrEqual(1);
    // Exactly one referral, despite the Create/Update/solution events and our own write-back echoes.
    const all = await stack.partnerCenterClient.listReferrals({
      filter: where.eq('externalReferenceId', opportunityId),
    });
    expect(all).toHaveLength(1);
  });

  it('scenario 2: referral created in Partner Center → opportunity with sync Yes, account and contact', async () => {
    const incoming = stack.partnerCenter.referrals.createIncoming({});
    await stack.settle();

    const [opportunity] = await stack.opportunitiesOfReferral(incoming.id);
    expect(opportunity).toMatchObject({
      [OpportunityColumns.syncWithPartnerCenter]: true,
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.New,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Pending,
      [OpportunityColumns.estimatedValue]: 10000,
    });
    const accountId = opportunity![`_${OpportunityColumns.parentAccount}_value`] as string;
    const contactId = opportunity![`_${OpportunityColumns.parentContact}_value`] as string;
    const account = await stack.dataverseClient.retrieve(EntitySets.account, accountId);
    expect(account).toMatchObject({
      [AccountColumns.name]: 'Fabrikam Customer Inc',
      [AccountColumns.postalCode]: '98052',
    });
    const contact = await stack.dataverseClient.retrieve(EntitySets.contact, contactId);
    expect(contact).toMatchObject({ [ContactColumns.email]: 'sue.smith@fabrikam.example' });
    // Partner Center now knows our record id.
    const linked = await stack.partnerCenterClient.getReferral(incoming.id);
    expect(linked.externalReferenceId).toBe(opportunity![OpportunityColumns.id]);
  });
});
